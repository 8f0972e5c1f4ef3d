"""The event store: idempotent batches, reconciled counts, crashes and concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bilat.errors import InputError, StoreError, StoreLockedError, StoreReadOnlyError
from bilat.events import BatchWriter, EventStore, QuarantinedRow, parse_dyad, validate_record

from .test_schema import make_event


def events(n: int, start: int = 0) -> list[dict[str, object]]:
    """``n`` valid events with ids ``test:start`` onward, alternating direction."""
    out = []
    for i in range(start, start + n):
        pair = ("USA", "PAK") if i % 2 == 0 else ("PAK", "USA")
        out.append(
            make_event(
                id=f"test:{i}",
                date=f"20{i % 20:02d}-01-01",
                actor_country=pair[0],
                recipient_country=pair[1],
            )
        )
    return out


def test_insert_reconciles_and_is_idempotent(store: EventStore) -> None:
    rows = [*events(5), make_event(id="bad", quad=9), events(1)[0]]
    first = store.insert(rows, file="a.jsonl")
    assert (first.read, first.stored, first.duplicates, first.quarantined) == (7, 5, 1, 1)
    again = store.insert(rows, file="a.jsonl")
    assert again.already_ingested
    assert again.read == again.stored + again.duplicates + again.quarantined
    assert again.stored == 0
    assert store.count() == 5
    assert len(store.quarantined()) == 1
    assert len(store.batches()) == 1


def test_same_events_from_another_batch_are_duplicates(store: EventStore) -> None:
    store.insert(events(4), file="a")
    second = store.insert(events(6), file="b")
    assert (second.stored, second.duplicates) == (2, 4)
    assert store.count() == 6


def test_quarantine_keeps_file_line_reason(store: EventStore) -> None:
    store.insert([make_event(), make_event(id="x", date="1999-13-01")], file="in.jsonl")
    row = store.quarantined().iloc[0]
    assert (row.file, row.line, row.field) == ("in.jsonl", 2, "date")
    assert "not a valid date" in row.reason


def test_query_by_dyad_direction_period_and_code(store: EventStore) -> None:
    store.insert([*events(10), make_event(id="z", actor_country="IND", cameo="190", root="19")])
    assert len(store.query("USA:PAK")) == 10
    assert len(store.query("USA:PAK", directed=True)) == 5
    assert len(store.query(parse_dyad("pak:usa", directed=True))) == 5
    assert len(store.query(since="2005-01-01", until="2008-12-31")) == 4
    assert len(store.query(codes=["19"])) == 1
    assert store.query("USA:PAK").date.is_monotonic_increasing


def test_bad_dyad_and_date_are_named(store: EventStore) -> None:
    with pytest.raises(InputError, match="USA:PAK"):
        store.query("USAPAK")
    with pytest.raises(InputError, match="since"):
        store.query(since="yesterday")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_round_trip(store: EventStore, tmp_path: Path, fmt: str) -> None:
    store.insert(events(3))
    out = tmp_path / f"e.{fmt}"
    assert store.export(out, fmt) == 3  # type: ignore[arg-type]
    if fmt == "parquet":
        back = pd.read_parquet(out)
    elif fmt == "csv":
        back = pd.read_csv(out, dtype={"cameo": str, "root": str})
    else:
        back = pd.DataFrame([json.loads(line) for line in out.read_text().splitlines()])
    assert list(back.cameo) == ["130"] * 3
    assert len(back.columns) == 30


def test_batch_written_piece_by_piece(store: EventStore) -> None:
    store.insert(events(2), file="old")  # test:0 and test:1 stored before
    frame = pd.DataFrame([validate_record(e) for e in events(4)])
    with store.begin_batch("pieces", dataset="t") as batch:
        assert batch.append(frame.iloc[:2]) == 2  # test:0 (stored before), test:1
        again = frame.iloc[2:].assign(id=["test:2", "test:2"], goldstein=[1.0, 9.0])
        assert batch.append(again) == 2  # test:2 twice: the first copy stays
        batch.quarantine([QuarantinedRow(line=5, reason="broken", raw="?")])
        result = batch.commit("pieces-sha")
    assert (result.read, result.stored, result.duplicates, result.quarantined) == (5, 1, 3, 1)
    assert store.query().set_index("id").loc["test:2", "goldstein"] == 1.0
    assert store.count() == 3
    assert store.batches().dataset.tolist()[-1] == "t"


def test_batch_that_loses_rows_is_refused(store: EventStore) -> None:
    with store.begin_batch("short") as batch:
        batch.append(pd.DataFrame([validate_record(e) for e in events(3)]))
        with pytest.raises(StoreError, match="refusing to lose rows"):
            batch.commit("short-sha", read=4)
    assert store.count() == 0
    assert store.batches().empty
    with store.begin_batch("left") as batch:  # leaving without a commit rolls back
        batch.append(pd.DataFrame([validate_record(e) for e in events(3)]))
    assert store.count() == 0


def test_crash_mid_batch_leaves_no_partial_batch(tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    with EventStore(db) as store:
        store.insert(events(2), file="before")
    script = textwrap.dedent(
        f"""
        import os
        from bilat.events import EventStore
        from bilat.events.store import BatchWriter

        def die(self):
            os._exit(3)   # the process dies after the rows went in, before the commit

        BatchWriter._drop_duplicates = die
        store = EventStore({str(db)!r})
        store.insert([dict(id=f"crash:{{i}}", date="2001-01-01", date_precision="day",
                           cameo="010", root="01", quad=1, penta=0, goldstein=0.0,
                           domain="diplomatic", modality="asserted", dataset="t", weight=1.0)
                      for i in range(1000)], file="during")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == 3
    with EventStore(db, read_only=True) as store:
        assert store.count() == 2
        assert list(store.batches().file) == ["before"]
        assert store.stats()["read"] == 2


def test_error_inside_batch_rolls_back(store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(BatchWriter, "_drop_duplicates", fail)
    with pytest.raises(RuntimeError):
        store.insert(events(3), file="x")
    monkeypatch.undo()
    assert store.count() == 0
    assert store.insert(events(3), file="x").stored == 3


def test_reader_sees_committed_snapshot_while_writer_writes(store: EventStore) -> None:
    store.insert(events(4), file="first")
    reader = store.cursor()
    seen: list[int] = []
    started, release = threading.Event(), threading.Event()
    original = BatchWriter._drop_duplicates

    def slow_finish(self: BatchWriter) -> int:
        started.set()
        release.wait(10)
        return original(self)

    BatchWriter._drop_duplicates = slow_finish  # type: ignore[method-assign]
    try:
        writer = threading.Thread(target=store.insert, args=(events(10, 100),))
        writer.start()
        assert started.wait(10)
        seen.append(reader.execute("SELECT count(*) FROM events").fetchall()[0][0])
        release.set()
        writer.join(10)
    finally:
        BatchWriter._drop_duplicates = original  # type: ignore[method-assign]
    assert seen == [4]
    assert reader.execute("SELECT count(*) FROM events").fetchall()[0][0] == 14


def test_other_process_waits_then_gets_a_clear_lock_error(tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    EventStore(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLockedError, match="in use by another process"):
            EventStore(db, lock_timeout=0.3)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_not_a_duckdb_file_is_left_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("these are my notes, not a database\n")
    with pytest.raises(StoreError, match="left it untouched"):
        EventStore(bogus)
    assert bogus.read_text() == "these are my notes, not a database\n"


def test_foreign_duckdb_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE mine (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a bilat event store"):
        EventStore(other)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_directory_is_reported(tmp_path: Path) -> None:  # pragma: no cover - as root
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StoreReadOnlyError):
            EventStore(tmp_path / "new.duckdb")
    finally:
        tmp_path.chmod(0o700)


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "ro.duckdb"
    EventStore(db).close()
    with EventStore(db, read_only=True) as store, pytest.raises(StoreReadOnlyError):
        store.insert(events(1))


def test_missing_store_for_reading_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="bilat record load"):
        EventStore(tmp_path / "none.duckdb", read_only=True)
