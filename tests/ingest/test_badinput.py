"""One test per bad-input case: every row is stored, a duplicate, or quarantined with a reason."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from bilat.errors import FormatError
from bilat.events import EventStore
from bilat.ingest import IngestReport, ingest


def gdelt_row(gid: str = "1", date: str = "20190102", code: str = "040", width: int = 61) -> str:
    """A synthetic GDELT row of ``width`` columns (USA -> PAK, code ``code``)."""
    fields = [""] * width
    fields[0], fields[1] = gid, date
    fields[5], fields[6], fields[7], fields[12] = "USAGOV", "UNITED STATES", "USA", "GOV"
    fields[15], fields[16], fields[17], fields[22] = "PAKMIL", "PAKISTAN", "PAK", "MIL"
    fields[26], fields[27], fields[28] = code, code[:3], code[:2]
    fields[29], fields[30], fields[31] = "1", "1.0", "3"
    if width >= 58:
        fields[-1] = f"https://example.org/{gid}"
    return "\t".join(fields)


def reconciled(report: IngestReport) -> None:
    for f in report.files:
        assert f.read == f.stored + f.duplicates + f.quarantined, f
    assert report.read == report.stored + report.duplicates + report.quarantined


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_wrong_column_count(tmp_path: Path, store: EventStore) -> None:
    short = "\t".join(gdelt_row("2").split("\t")[:40])
    path = write(tmp_path / "g.tsv", [gdelt_row("1"), short, gdelt_row("3")])
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (3, 2, 1)
    q = store.quarantined()
    assert q.line.tolist() == [2]
    assert "40 tab-separated fields" in q.reason[0]
    assert q.file[0] == str(path)


def test_non_numeric_fields(tmp_path: Path, store: EventStore) -> None:
    bad_gold = gdelt_row("3").split("\t")
    bad_gold[30] = "very good"
    path = write(tmp_path / "g.tsv", [gdelt_row("1"), gdelt_row("x2"), "\t".join(bad_gold)])
    report = ingest([path], store)
    reconciled(report)
    q = store.quarantined().sort_values("line")
    assert q.line.tolist() == [2, 3]
    assert q.field.tolist() == ["GLOBALEVENTID", "GoldsteinScale"]
    assert "'x2'" in q.reason.iloc[0]
    assert "'very good'" in q.reason.iloc[1]


def test_impossible_dates(tmp_path: Path, store: EventStore) -> None:
    path = write(
        tmp_path / "g.tsv",
        [gdelt_row("1", "20190230"), gdelt_row("2", "20191301"), gdelt_row("3", "00010101")],
    )
    report = ingest([path], store)
    reconciled(report)
    assert report.stored == 0
    assert report.quarantined == 3
    reasons = store.quarantined().reason.tolist()
    assert "'20190230' is not a real date" in reasons[0]
    assert "1800-2200" in reasons[2]


def test_unknown_codes(tmp_path: Path, store: EventStore) -> None:
    path = write(tmp_path / "g.tsv", [gdelt_row("1", code="999"), gdelt_row("2", code="0331")])
    report = ingest([path], store)
    reconciled(report)
    assert (report.stored, report.quarantined) == (1, 1)
    q = store.quarantined()
    assert q.field[0] == "cameo"
    assert "unknown CAMEO event code '999'" in q.reason[0]


def test_truncated_gzip(tmp_path: Path, store: EventStore) -> None:
    body = ("\n".join(gdelt_row(str(i)) for i in range(1, 3000)) + "\n").encode()
    data = gzip.compress(body)
    path = tmp_path / "g.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="truncated"):
        ingest([path], store)
    assert store.count() == 0
    assert len(store.batches()) == 0


def test_truncated_zip(tmp_path: Path, store: EventStore) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("g.tsv", "\n".join(gdelt_row(str(i)) for i in range(1, 500)))
    path = tmp_path / "g.zip"
    path.write_bytes(buffer.getvalue()[:-40])
    with pytest.raises(FormatError, match="zip"):
        ingest([path], store)
    assert store.count() == 0


def test_zip_and_gzip_members_are_read(tmp_path: Path, store: EventStore) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.tsv", gdelt_row("1") + "\n")
        archive.writestr("b.tsv.gz", gzip.compress((gdelt_row("2") + "\n").encode()))
    path = tmp_path / "events.bin"  # names do not matter: content does
    path.write_bytes(buffer.getvalue())
    report = ingest([path], store)
    reconciled(report)
    assert [f.path.split("!")[1] for f in report.files] == ["a.tsv", "b.tsv.gz"]
    assert report.stored == 2


def test_mixed_encodings(tmp_path: Path, store: EventStore) -> None:
    header = (
        "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\t"
        "CAMEO Code\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\t"
        "Sentence Number\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude"
    )

    def row(i: int, name: str) -> str:
        return (
            f"{i}\t2018-06-01\t{name}\tGovernment\tPakistan\tConsult\t040\t1\tIndia\tNA\tIndia"
            f"\t9\t1\tDawn\tNA\tNA\tNA\tPakistan\t1\t1"
        )

    data = (
        (header + "\n").encode()
        + (row(1, "Ministère (Pakistan)") + "\n").encode("utf-8")
        + (row(2, "Ministère (Pakistan)") + "\n").encode("latin-1")
        + (row(3, "bad") + "\x00\x01\n").encode("latin-1")
    )
    path = tmp_path / "icews.tab"
    path.write_bytes(data)
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (3, 2, 1)
    names = store.query("PAK:IND").actor_text.tolist()
    assert names == ["Ministère (Pakistan)", "Ministère (Pakistan)"]
    q = store.quarantined()
    assert q.line.tolist() == [4]
    assert "undecodable" in q.reason[0]


def test_empty_file(tmp_path: Path, store: EventStore) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="empty"):
        ingest([path], store)
    with pytest.raises(FormatError, match="empty"):
        ingest([path], store, format="gdelt")


def test_empty_files_in_a_directory_are_skipped(tmp_path: Path, store: EventStore) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "empty").write_bytes(b"")
    (tmp_path / "d" / "notes.md").write_text("# notes\n")
    write(tmp_path / "d" / "g.tsv", [gdelt_row("1")])
    report = ingest([tmp_path / "d"], store)
    assert report.stored == 1
    assert sorted(why for _, why in report.skipped) == ["empty", "not a known event format"]


def test_binary_file(tmp_path: Path, store: EventStore) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(FormatError, match="binary data"):
        ingest([path], store)
    # forced: every line would be quarantined, so nothing is stored and the file stays unknown
    with pytest.raises(FormatError, match=r"every one of the \d+ rows was quarantined"):
        ingest([path], store, format="gdelt")
    assert store.batches().empty
    assert store.quarantined().empty


def test_one_megabyte_line(tmp_path: Path, store: EventStore) -> None:
    huge = "x" * (1 << 20)
    long_url = gdelt_row("2").rsplit("\t", 1)[0] + "\thttps://example.org/" + huge
    path = write(tmp_path / "g.tsv", [gdelt_row("1"), huge, long_url, gdelt_row("3")])
    report = ingest([path], store)
    reconciled(report)
    assert (report.read, report.stored, report.quarantined) == (4, 3, 1)
    q = store.quarantined()
    assert q.line.tolist() == [2]
    assert len(q.raw[0]) <= 10_000
    assert len(store.query(codes=["04"]).url.str.len().max() * "x") > (1 << 20)


def test_overlong_line_is_cut(tmp_path: Path, store: EventStore) -> None:
    from bilat.ingest import _source

    stream = io.BytesIO(b"a\n" + b"y" * 5000 + b"\nb\n")
    seen: list[int] = []
    blocks = list(
        _source.iter_blocks(
            stream, block_size=1000, max_line=2000, on_overlong=lambda n, _h: seen.append(n)
        )
    )
    assert seen == [2]
    assert [(b.first_line, b.lines()) for b in blocks] == [(1, [b"a"]), (3, [b"b"])]


def test_unknown_format_names_formats_tried(tmp_path: Path, store: EventStore) -> None:
    path = tmp_path / "data.csv"
    path.write_text("name,age\nann,3\n")
    with pytest.raises(FormatError) as info:
        ingest([path], store)
    message = str(info.value)
    for name in ("gdelt", "icews", "plover", "bilat"):
        assert name in message


def test_reingest_adds_nothing(tmp_path: Path, store: EventStore) -> None:
    path = write(tmp_path / "g.tsv", [gdelt_row("1"), gdelt_row("1"), gdelt_row("x")])
    setting = "SELECT current_setting('memory_limit'), current_setting('enable_progress_bar')"
    before = store.con.execute(setting).fetchall()
    first = ingest([path], store)
    assert store.con.execute(setting).fetchall() == before  # settings restored
    assert (first.read, first.stored, first.duplicates, first.quarantined) == (3, 1, 1, 1)
    again = ingest([path], store)
    reconciled(again)
    assert again.stored == 0
    assert again.files[0].already_ingested
    copy = write(tmp_path / "copy.tsv", [gdelt_row("1"), gdelt_row("2")])
    third = ingest([copy], store)
    assert (third.stored, third.duplicates) == (1, 1)
    assert store.count() == 2
    assert len(store.quarantined()) == 1


def test_mixed_widths_in_one_file(tmp_path: Path, store: EventStore) -> None:
    path = write(
        tmp_path / "g.tsv",
        [gdelt_row("1", width=57), gdelt_row("2", width=58), gdelt_row("3", width=61)],
    )
    report = ingest([path], store)
    reconciled(report)
    events = store.query()
    assert events.dataset.tolist() == ["gdelt1", "gdelt1", "gdelt2"]
    assert events.id.tolist() == ["gdelt1:1", "gdelt1:2", "gdelt2:3"]
    assert events.url.isna().tolist() == [True, False, False]
