"""A file spooled in many segments is still one batch that loses nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bilat.events import EventStore
from bilat.ingest import _normalise, _source, ingest
from bilat.ingest.core import stage_source

from .test_badinput import gdelt_row, reconciled, write


@pytest.fixture
def tiny_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of about ten rows and a new segment after every block."""
    monkeypatch.setattr(_normalise, "SEGMENT_BYTES", 1)
    original = _source.iter_blocks

    def small(*args: object, **kwargs: object) -> object:
        kwargs["block_size"] = 2000
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("bilat.ingest._delimited.iter_blocks", small)


def test_many_segments_reconcile(tiny_segments: None, tmp_path: Path, store: EventStore) -> None:
    lines = [gdelt_row(str(i)) for i in range(1, 121)]
    lines[9] = gdelt_row("10", code="999")  # unknown code, early
    lines[99] = gdelt_row("100", date="20190231")  # impossible date, late
    lines[59] = "\t".join(lines[59].split("\t")[:30])  # wrong width, in the middle
    copy = lines[4].split("\t")
    copy[-1] = "https://example.org/second-copy"
    lines[110] = "\t".join(copy)  # the event of line 5 again, in a later segment
    path = write(tmp_path / "g.tsv", lines)
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.duplicates, report.quarantined) == (120, 116, 1, 3)
    q = store.quarantined().sort_values("line")
    assert q.line.tolist() == [10, 60, 100]
    assert q.raw.tolist()[0] == lines[9]
    assert q.raw.tolist()[2] == lines[99]
    kept = store.query().set_index("id").loc["gdelt2:5", "url"]
    assert kept == "https://example.org/5"  # the first copy stays
    assert ingest([path], store).stored == 0


def test_overlong_last_line_counts_once(tmp_path: Path, store: EventStore) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes((gdelt_row("1") + "\n").encode() + b"x" * (_source.MAX_LINE + 10))
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (2, 1, 1)
    assert store.quarantined().line.tolist() == [2]


def test_stored_segments_give_their_memory_back(
    tiny_segments: None, tmp_path: Path, store: EventStore
) -> None:
    """Only the segment being stored is mapped; each map is released, then closed at the commit.

    DuckDB holds what a transaction scanned until it ends, so a stored segment's
    pages are handed back at once (``madvise``) and its map is closed when the
    transaction ends. The spool's own counts show it, whatever DuckDB's threads do.
    """
    path = write(tmp_path / "g.tsv", [gdelt_row(str(i)) for i in range(1, 61)])
    stagers: list[_normalise.Stager] = []
    during: list[tuple[int, int]] = []
    with store.begin_batch(str(path), dataset="gdelt") as batch:

        def on_events(sql: str) -> int:
            n = batch.append(store.con.sql(sql))
            stager = stagers[0]
            during.append((stager.resident, stager.mapped))
            return n

        _, sha, read = stage_source(
            _source.expand([path])[0],
            store.con,
            on_events,
            batch.quarantine,
            at_end=batch.at_end,
            stagers=stagers,
        )
        stager = stagers[0]
        assert stager.released == stager.mapped == len(during) > 3
        assert stager.unmapped < stager.mapped  # DuckDB still holds them: closed at the end
        assert batch.commit(sha, read=read).stored == 60
    assert [resident for resident, _ in during] == [1] * len(during)
    assert [mapped for _, mapped in during] == list(range(1, len(during) + 1))
    assert stager.unmapped == stager.mapped  # every map closed once the transaction ended
    assert not stager._dir.exists()
    store.close()
    with EventStore(store.path, read_only=True) as again:
        assert again.count() == 60


def test_a_segment_is_final_when_handed_over(tmp_path: Path) -> None:
    """Nothing writes to a segment's file once it is yielded (the caller maps it at once)."""
    from bilat.ingest import gdelt

    path = write(tmp_path / "g.tsv", [gdelt_row(str(i)) for i in range(1, 6)])
    stager = _normalise.Stager(duckdb.connect(), gdelt.SQL, gdelt.CHECKS, str(path))
    try:
        with path.open("rb") as stream:
            handed = [
                (segment.path, segment.path.stat().st_size)
                for segment in stager.spool(gdelt.read_raw(stream, head=b""))
                if segment.path is not None
            ]
        assert handed
        assert all(p.stat().st_size == size for p, size in handed)
    finally:
        stager.close()
