"""bilat's own exports (Parquet, CSV, JSON Lines) read back unchanged; PLOVER and POLECAT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.events import EventStore
from bilat.ingest import ingest


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_bilat_round_trip(shared: Path, tmp_path: Path, fmt: str) -> None:
    base = shared / "data" / "eventdata"
    with EventStore(tmp_path / "a.duckdb") as first:
        ingest([base / "icews", base / "plover"], first)
        out = tmp_path / f"events.{fmt}"
        written = first.export(out, fmt)  # type: ignore[arg-type]
        original = first.query()
    with EventStore(tmp_path / "b.duckdb") as second:
        report = ingest([out], second)
        assert report.files[0].format == "bilat"
        assert (report.read, report.stored, report.quarantined) == (written, written, 0)
        back = second.query()
    cols = ["id", "date", "cameo", "root", "actor_country", "goldstein", "weight", "sentence"]
    assert back[cols].equals(original[cols])


def test_bilat_csv_bad_rows(tmp_path: Path, store: EventStore) -> None:
    header = "id,date,date_precision,cameo,root,quad,penta,goldstein,domain,modality,dataset,weight"
    good = "a,2020-01-01,day,040,04,1,1,1.0,diplomatic,asserted,x,1"
    path = tmp_path / "e.csv"
    path.write_text(
        "\n".join([header, good, good.replace("a,", "b,").replace("040", "40X"), "c,2020"]) + "\n"
    )
    report = ingest([path], store)
    assert (report.read, report.stored, report.quarantined) == (3, 1, 2)
    q = store.quarantined()
    assert q.line.tolist() == [3, 4]


def test_plover_new_names_and_polecat(tmp_path: Path, store: EventStore) -> None:
    records = [
        {
            "id": "n1",
            "date": "2021-03-01",
            "actor": {"actor_text": "US officials", "country": "USA", "sector": "GOV"},
            "recipient": [{"name": "Pakistan army", "country": "PAK", "sector": "MIL"}],
            "event": "aid",
            "mode": "military",
            "context": ["military", "economic"],
            "url": "https://example.org/n1",
        },
        {"id": "n2", "date": "2021-03-02", "event": "NOT_A_CATEGORY"},
    ]
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    report = ingest([jsonl], store)
    assert report.files[0].format == "plover"
    assert (report.read, report.stored, report.quarantined) == (3, 1, 2)
    row = store.query("USA:PAK").iloc[0]
    assert (row.cameo, row.event, row.actor_sector, row.recipient_sector) == (
        "07",
        "AID",
        "GOV",
        "MIL",
    )
    reasons = store.quarantined().reason.tolist()
    assert "unknown PLOVER event category 'NOT_A_CATEGORY'" in reasons[0]
    assert "not valid JSON" in reasons[1]

    header = [
        "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code",
        "Contexts", "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector",
        "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
        "Source", "Headline",
    ]  # fmt: skip
    row1 = ["p1", "2022-05-01", "CONSULT", "", "1", "1", "diplomatic", "Pakistan", "PAK", "770",
            "GOV", "India", "IND", "750", "GOV", "Dawn"]  # fmt: skip
    stray = [*row1[:7], "Pak\tistan", *row1[8:]]
    tsv = tmp_path / "polecat.tsv"
    tsv.write_text("\n".join("\t".join(r) for r in (header, row1, stray)) + "\n")
    report = ingest([tsv], store)
    assert report.files[0].format == "plover"
    assert (report.read, report.stored, report.quarantined) == (2, 1, 1)
    events = store.query("PAK:IND")
    assert events.dataset.tolist() == ["polecat"]
    assert events.cameo.tolist() == ["04"]
    assert "stray tab" in store.quarantined().reason.iloc[-1]
