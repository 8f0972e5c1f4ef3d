"""The foundation's CLI contracts: --version, events, db stats, bench."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat import __version__
from bilat.cli.main import app
from bilat.events import EventStore

from ..events.test_store import events

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    with EventStore(path) as store:
        store.insert(events(6), file="six")
    return path


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"bilat {__version__}"


def test_db_stats_json_contract(db: Path) -> None:
    result = runner.invoke(app, ["db", "stats", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert {
        "events",
        "batches",
        "read",
        "stored",
        "duplicates",
        "quarantined",
        "by_dataset",
    } <= set(stats)
    assert stats["events"] == 6
    assert stats["read"] == stats["stored"] + stats["duplicates"] + stats["quarantined"]


def test_db_stats_table(db: Path) -> None:
    result = runner.invoke(app, ["db", "stats", "--db", str(db)])
    assert result.exit_code == 0
    assert "events" in result.output


def test_bilat_db_env_var(db: Path) -> None:
    result = runner.invoke(app, ["db", "stats", "--json"], env={"BILAT_DB": str(db)})
    assert json.loads(result.output)["events"] == 6


def test_events_jsonl_to_stdout_with_filters(db: Path) -> None:
    args = ["events", "--db", str(db), "--dyad", "USA:PAK", "--directed", "--since", "2002-01-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["test:2", "test:4"]
    assert all(r["cameo"] == "130" for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_events_export_to_file(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["events", "--db", str(db), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if fmt == "parquet":
        assert len(pd.read_parquet(out)) == 6


def test_events_bad_format_names_choices(db: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(db), "--format", "xml"])
    assert result.exit_code != 0
    assert "jsonl, csv, parquet" in str(result.exception)


def test_events_without_store_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0
    assert "bilat record load" in str(result.exception)


def test_bench_store_quick_prints_ratio() -> None:
    result = runner.invoke(app, ["bench", "store", "--quick", "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["benchmarks"]
    assert entry["name"] == "store"
    assert entry["ratio"] > 0
    assert {"target", "passed", "meaning", "details"} <= set(entry)


def test_bench_unknown_name_lists_choices() -> None:
    result = runner.invoke(app, ["bench", "nope"])
    assert result.exit_code != 0
    assert "store" in str(result.exception)
