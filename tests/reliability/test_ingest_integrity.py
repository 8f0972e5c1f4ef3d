"""Ingest reliability: one test per failure the adversarial probe found (issue 12).

Each test counts the rows before and after, and opens the store again to check
that nothing was lost: every row read is stored, a duplicate, or quarantined.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bilat.cli.main import main
from bilat.errors import FormatError
from bilat.events import EventStore
from bilat.ingest import IngestReport, ingest

BILAT = [sys.executable, "-c", "from bilat.cli.main import main; main()"]

ICEWS_HEADER = (
    "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
    "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\t"
    "Publisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude"
)

NATIVE = {
    "id": "n1",
    "date": "2020-01-01",
    "date_precision": "day",
    "cameo": "040",
    "root": "04",
    "quad": 1,
    "penta": 1,
    "goldstein": 1.0,
    "domain": "diplomatic",
    "modality": "asserted",
    "dataset": "x",
    "weight": 1.0,
    "url": "https://example.org/first",
}


def gdelt_row(gid: str, url: str | None = None, date: str = "20190102") -> str:
    """A GDELT 2.0 row (61 columns), USA -> PAK, code 040."""
    fields = [""] * 61
    fields[0], fields[1] = gid, date
    fields[5], fields[7], fields[15], fields[17] = "USAGOV", "USA", "PAKMIL", "PAK"
    fields[26], fields[29], fields[30], fields[31] = "040", "1", "1.0", "3"
    fields[60] = url or f"https://example.org/{gid}"
    return "\t".join(fields)


def icews_row(event_id: str, publisher: str = "Dawn", source_country: str = "United States") -> str:
    cells = [event_id, "2019-01-02", "US officials", "Government", source_country, "x", "040"]
    cells += ["1.0", "Pakistan army", "Military", "Pakistan", "S1", "1", publisher]
    return "\t".join(cells + [""] * 6)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``bilat ARGS`` in this process as the console script does; (exit code, out, err)."""
    old = sys.argv
    sys.argv = ["bilat", *args]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def reconciled(report: IngestReport) -> None:
    for f in report.files:
        assert f.read == f.stored + f.duplicates + f.quarantined, f


def reopened(path: Path) -> tuple[int, int, int]:
    """Open the store again: (events, batches, quarantined rows); every batch reconciles."""
    with EventStore(path, read_only=True) as store:
        batches = store.batches()
        for row in batches.itertuples():
            assert row.read == row.stored + row.duplicates + row.quarantined, row
        assert store.count() == int(batches.stored.sum()) if len(batches) else store.count() == 0
        return store.count(), len(batches), len(store.quarantined())


def test_a_wrong_forced_format_stores_nothing_and_the_right_one_then_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(tmp_path / "i.tsv", [ICEWS_HEADER, icews_row("1"), icews_row("2")])
    db = tmp_path / "s.duckdb"
    code, _, err = run_cli(["ingest", str(data), "--format", "gdelt", "--db", str(db)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 or "quarantined under the forced format" in err
    assert "every one of the 3 rows was quarantined under the forced format 'gdelt'" in " ".join(
        err.split()
    )
    assert reopened(db) == (0, 0, 0)  # not marked as ingested
    code, out, _ = run_cli(["ingest", str(data), "--db", str(db), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["stored"] == 2
    assert reopened(db) == (2, 1, 0)


def test_forget_batch_undoes_an_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path / "a.tsv", [gdelt_row("1"), gdelt_row("2"), "bad line"])
    second = write(tmp_path / "b.tsv", [gdelt_row("3")])
    db = tmp_path / "s.duckdb"
    assert run_cli(["ingest", str(first), str(second), "--db", str(db)], capsys)[0] == 0
    assert reopened(db) == (3, 2, 1)
    code, out, _ = run_cli(["db", "batches", "--db", str(db), "--json"], capsys)
    ids = {b["file"]: b["batch_id"] for b in json.loads(out)["batches"]}
    code, out, _ = run_cli(
        ["db", "forget-batch", str(ids[str(first)]), "--db", str(db), "--json"], capsys
    )
    assert code == 0
    assert json.loads(out) | {"sha256": ""} == {
        "batch_id": ids[str(first)],
        "file": str(first),
        "sha256": "",
        "events": 2,
        "quarantined": 1,
    }
    assert reopened(db) == (1, 1, 0)
    code, _, err = run_cli(["db", "forget-batch", "99", "--db", str(db)], capsys)
    assert code == 2
    assert "no batch 99" in err
    # the file is no longer known: ingesting it again stores it anew
    assert run_cli(["ingest", str(first), "--db", str(db)], capsys)[0] == 0
    assert reopened(db) == (3, 2, 1)


def test_an_oversized_plover_record_does_not_swallow_its_neighbour(
    tmp_path: Path, store: EventStore
) -> None:
    big = {"id": "big", "date": "2021-03-01", "actor": "US", "event": "AID"}
    big["text"] = "plain text " * (17 << 17)  # 17 MiB
    ok = {"id": "ok", "date": "2021-03-01", "actor": "US", "recipient": "PAK", "event": "AID"}
    path = tmp_path / "p.json"
    path.write_text("[" + json.dumps(big) + ",\n" + json.dumps(ok) + "]\n")
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (2, 1, 1)
    assert store.query().id.tolist() == ["ok"]
    q = store.quarantined()
    assert q.line.tolist() == [1]
    assert "longer than 16 MiB" in q.reason[0]
    store.close()
    assert reopened(store.path) == (1, 1, 1)


def _duplicated(kind: str, folder: Path) -> tuple[Path, str]:
    """A file of format ``kind`` with one id twice (the second copy differs); the kept id."""
    if kind == "gdelt":
        lines = [gdelt_row("5"), gdelt_row("6"), gdelt_row("5", url="https://example.org/second")]
        return write(folder / "g.tsv", lines), "gdelt2:5"
    if kind == "icews":
        lines = [ICEWS_HEADER, icews_row("1"), icews_row("2"), icews_row("1", publisher="SECOND")]
        return write(folder / "i.tsv", lines), "icews:1:2019-01-02"
    if kind == "plover":
        first = {"id": "p1", "date": "2021-03-01", "actor": "USA", "event": "AID"}
        records = [first | {"url": "https://example.org/first"}, first | {"id": "p2"}]
        records.append(first | {"url": "https://example.org/second"})
        return write(folder / "p.jsonl", [json.dumps(r) for r in records]), "p1"
    records = [NATIVE, NATIVE | {"id": "n2"}, NATIVE | {"url": "https://example.org/second"}]
    if kind == "bilat-jsonl":
        return write(folder / "b.jsonl", [json.dumps(r) for r in records]), "n1"
    names = list(NATIVE)
    lines = [",".join(names)] + [",".join(str(r[n]) for n in names) for r in records]
    return write(folder / "b.csv", lines), "n1"


@pytest.mark.parametrize("kind", ["gdelt", "icews", "plover", "bilat-jsonl", "bilat-csv"])
def test_the_first_copy_of_a_repeated_id_is_kept(
    kind: str, tmp_path: Path, store: EventStore
) -> None:
    path, kept = _duplicated(kind, tmp_path)
    report = ingest([path], store)
    reconciled(report)
    assert report.read == 3
    row = store.query().set_index("id").loc[kept]
    if kind == "icews":
        assert row.citation.startswith("Dawn")
    else:
        assert row.url in ("https://example.org/first", "https://example.org/5")
    store.close()
    events, _, _ = reopened(store.path)
    assert events == report.stored


def test_format_bilat_on_a_gdelt_file_does_not_eat_a_row_as_header(
    tmp_path: Path, store: EventStore
) -> None:
    path = write(tmp_path / "g.tsv", [gdelt_row("1"), gdelt_row("2")])
    with pytest.raises(FormatError, match="line 1 is not the header of a bilat CSV export"):
        ingest([path], store, format="bilat")
    assert store.batches().empty
    report = ingest([path], store)
    assert (report.read, report.stored) == (2, 2)  # every line counted


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_bilat_exports_share_the_date_range_check(
    suffix: str, tmp_path: Path, store: EventStore
) -> None:
    records = [
        NATIVE | {"id": "y0", "date": "0000-01-01"},
        NATIVE | {"id": "y9", "date": "9999-12-31"},
    ]
    records.append(NATIVE | {"id": "end", "date_end": "9999-01-01"})
    records.append(NATIVE)
    path = tmp_path / f"e.{suffix}"
    if suffix == "jsonl":
        write(path, [json.dumps(r) for r in records])
    else:
        names = [*NATIVE, "date_end"]
        write(
            path, [",".join(names)] + [",".join(str(r.get(n, "")) for n in names) for r in records]
        )
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (4, 1, 3)
    q = store.quarantined()
    assert q.line.tolist() == [1, 2, 3] if suffix == "jsonl" else [2, 3, 4]
    assert all("lies outside 1800-2200" in reason for reason in q.reason)
    assert q.field.tolist() == ["date", "date", "date_end"]


def test_a_store_poisoned_by_an_older_version_still_reports_and_can_be_repaired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.duckdb"
    dyad = {"actor_country": "USA", "recipient_country": "PAK"}
    with EventStore(db) as store:
        good = [NATIVE | dyad | {"id": f"ok{i}", "date": f"20{i:02d}-03-01"} for i in range(10)]
        store.insert(good, file="good")
        poisoned = store.insert([NATIVE | dyad | {"id": "bad"}], file="old")
        # what an older bilat stored without a range check
        store.con.execute("UPDATE events SET date = DATE '0000-01-01' WHERE id = 'bad'")
    code, out, err = run_cli(["db", "stats", "--db", str(db), "--json"], capsys)
    assert code == 0, err
    stats = json.loads(out)
    assert (stats["events"], stats["out_of_range"]) == (11, 1)
    assert stats["first_date"].startswith("0001-01-01")  # year 0 is 1 BC
    code, _, err = run_cli(["db", "stats", "--db", str(db)], capsys)
    assert code == 0
    assert "forget-batch" in err
    # queries and measures leave the out-of-range event out instead of failing on it
    code, out, err = run_cli(["events", "--db", str(db)], capsys)
    assert code == 0, err
    assert len(out.splitlines()) == 10
    code, out, err = run_cli(["measure", "--dyad", "USA:PAK", "--db", str(db), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["periods"] == 10
    assert run_cli(["db", "forget-batch", str(poisoned.batch_id), "--db", str(db)], capsys)[0] == 0
    code, out, _ = run_cli(["db", "stats", "--db", str(db), "--json"], capsys)
    assert (json.loads(out)["events"], json.loads(out)["out_of_range"]) == (10, 0)
    assert reopened(db) == (10, 1, 0)


def test_an_unknown_icews_country_is_kept(tmp_path: Path, store: EventStore) -> None:
    path = write(tmp_path / "i.tsv", [ICEWS_HEADER, icews_row("1", source_country="Narnia")])
    report = ingest([path], store)
    assert (report.read, report.stored) == (1, 1)
    row = store.query().iloc[0]
    assert not isinstance(row.actor_country, str)  # no ISO3 code for it
    assert row.actor_text == "US officials [country: Narnia]"
    assert (row.recipient_country, row.recipient_text) == ("PAK", "Pakistan army")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_folder_walk_reports_links_loops_and_fifos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    write(folder / "g.tsv", [gdelt_row("1")])
    os.mkfifo(folder / "pipe")
    (folder / "loop").symlink_to(".")
    (folder / "self").symlink_to("self")
    (folder / "gone").symlink_to("nowhere")
    db = tmp_path / "s.duckdb"
    code, out, _ = run_cli(["ingest", str(folder), "--db", str(db), "--json"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["stored"] == 1
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"pipe", "loop", "self", "gone"}
    assert "FIFO" in reasons["pipe"]
    assert "symbolic link loop" in reasons["loop"]
    assert "symbolic link loop" in reasons["self"]
    assert "broken symbolic link" in reasons["gone"]
    code, _, err = run_cli(["ingest", str(folder / "pipe"), "--db", str(db)], capsys)
    assert code == 2
    assert "FIFO" in err
    assert reopened(db) == (1, 1, 0)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cr"])
def test_utf16_and_cr_only_files_are_read(encoding: str, tmp_path: Path, store: EventStore) -> None:
    text = "\n".join([gdelt_row("1"), gdelt_row("2"), gdelt_row("3")]) + "\n"
    path = tmp_path / "g.tsv"
    if encoding == "cr":
        path.write_bytes(text.replace("\n", "\r").encode())
    else:
        path.write_bytes(text.encode(encoding))
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (3, 3, 0)
    assert report.files[0].format == "gdelt"
    assert ingest([path], store).stored == 0  # re-running adds nothing


def test_an_interrupt_rolls_the_batch_back_and_removes_the_spool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilat.events import _spool as spool
    from bilat.events.store import BatchWriter

    monkeypatch.setattr(spool.tempfile, "tempdir", str(tmp_path))
    db = tmp_path / "s.duckdb"
    with EventStore(db) as store:
        ingest([write(tmp_path / "a.tsv", [gdelt_row("1")])], store)
        real = BatchWriter.append

        def interrupted(self: BatchWriter, events: object) -> int:
            real(self, events)  # type: ignore[arg-type]
            raise KeyboardInterrupt  # Ctrl-C just after DuckDB's insert

        monkeypatch.setattr(BatchWriter, "append", interrupted)
        lines = [gdelt_row(str(i)) for i in range(2, 50)] + ["bad"]
        with pytest.raises(KeyboardInterrupt):
            ingest([write(tmp_path / "b.tsv", lines)], store)
        assert store.count() == 1
    assert reopened(db) == (1, 1, 0)
    assert not list(tmp_path.glob(spool.PREFIX + "*"))


def test_ctrl_c_during_an_ingest_leaves_the_store_consistent(tmp_path: Path) -> None:
    """A real SIGINT: wherever it lands, the batch is all or nothing and the spool goes."""
    from bilat.events import _spool as spool

    rows = "\n".join(gdelt_row(str(i)) for i in range(1, 120_001)) + "\n"
    data = tmp_path / "big.tsv"
    data.write_text(rows)
    db = tmp_path / "s.duckdb"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    child = subprocess.Popen(
        [*BILAT, "ingest", str(data), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(temp.glob(spool.PREFIX + "*")) and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode in (0, 130), err
    assert "Traceback" not in err
    events, batches, _ = reopened(db)
    assert (events, batches) in ((0, 0), (120_000, 1))
    assert not list(temp.glob(spool.PREFIX + "*"))


def test_stale_spools_of_dead_processes_are_removed_but_live_ones_kept(tmp_path: Path) -> None:
    from bilat.events import _spool as spool

    code = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from bilat.events._spool import SpoolDir\n"
        f"folder = SpoolDir(Path({str(tmp_path)!r}))\n"
        "(folder.path / 'segment-00000.arrow').write_bytes(b'x' * 1000)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], check=False)
    assert killed.returncode == -signal.SIGKILL
    (dead,) = tmp_path.glob(spool.PREFIX + "*")
    old = time.time() - 3600
    os.utime(dead / spool.LOCK_NAME, (old, old))  # as if an hour had passed
    with spool.SpoolDir(tmp_path) as live:
        (live.path / spool.LOCK_NAME).touch()
        os.utime(live.path / spool.LOCK_NAME, (old, old))
        with spool.SpoolDir(tmp_path) as other:
            assert other.removed_stale == []  # the live one (its lock held) is kept
            assert live.path.exists()
        assert live.removed_stale == [dead]
        assert not dead.exists()
    assert not live.path.exists()
    assert not list(tmp_path.glob(spool.PREFIX + "*"))
