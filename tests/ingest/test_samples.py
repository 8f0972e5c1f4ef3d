"""Every real sample in shared/data/eventdata ingests with its counts reconciled."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.events import EventStore
from bilat.ingest import Source, detect_format, ingest

SAMPLES = {
    # path under data/eventdata: (format, dataset, rows read, PAK rows)
    "gdelt2_export_arekziobrowski/20191024143000.export.CSV": ("gdelt", "gdelt2", 2111, 24),
    "gdelt_reed9999/events.csv": ("gdelt", "gdelt1", 710, 19),
    "icews/events.2018.sample.tab": ("icews", "icews", 3705, 20),
    "plover/PLOVER_GSR_CAMEO.txt": ("plover", "plover", 323, 6),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_reconciles(shared: Path, store: EventStore, name: str) -> None:
    fmt, dataset, rows, pak = SAMPLES[name]
    path = shared / "data" / "eventdata" / name
    assert detect_format(Source(path)) == fmt
    report = ingest([path], store)
    f = report.files[0]
    assert f.format == fmt
    assert f.read == rows
    assert f.read == f.stored + f.duplicates + f.quarantined
    events = store.query(datasets=[dataset])
    assert len(events) == f.stored
    assert events.cameo.str.fullmatch(r"\d{2,4}").all()
    assert (events.cameo.str[:2] == events.root).all()
    found = store.con.execute(
        "SELECT count(*) FROM events WHERE actor_country = 'PAK' OR recipient_country = 'PAK'"
    ).fetchall()[0][0]
    assert found == pak
    if fmt == "plover":  # two different events share an id in the file: both kept
        assert (f.stored, f.duplicates, f.quarantined) == (322, 0, 1)
    again = ingest([path], store)
    assert again.stored == 0
    assert again.files[0].already_ingested
    assert store.count() == f.stored


def test_pakistan_rows_queryable(shared: Path, store: EventStore) -> None:
    base = shared / "data" / "eventdata"
    report = ingest([base / "gdelt_reed9999", base / "icews", base / "plover"], store)
    assert report.read == report.stored + report.duplicates + report.quarantined
    india = store.query("IND:PAK")
    assert len(india) >= 6
    assert set(india.dataset) >= {"icews"}
    us = store.query("USA:PAK", directed=True)
    assert us.id.tolist() == ["PLOVER-GSR01-AID-0003"]
    row = us.iloc[0]
    assert (row.cameo, row.root, row.event, row.context) == ("07", "07", "AID", "military")
    root = india.root.iloc[0]
    assert len(store.query("IND:PAK", codes=[root])) == (india.root == root).sum()


def test_gdelt_fields_normalised(shared: Path, store: EventStore) -> None:
    path = shared / "data" / "eventdata" / "gdelt2_export_arekziobrowski"
    ingest([path], store)
    row = store.query().set_index("id").loc["gdelt2:881990833"]
    assert row.cameo == "040"
    assert row.root == "04"
    assert row.goldstein == 1.0
    assert row.quad == 1
    assert row.weight == 10.0
    assert row.date.isoformat() == "2018-10-24"
    assert row.recipient_code == "IGOEUREEC"
    assert row.url.startswith("https://belsat.eu/")
    assert row.dataset == "gdelt2"
    assert row.source_id == "881990833"


def test_icews_fields_normalised(shared: Path, store: EventStore) -> None:
    ingest([shared / "data" / "eventdata" / "icews"], store)
    row = store.query().set_index("id").loc["icews:32889836:2018-06-01"]
    assert (row.actor_country, row.recipient_country) == ("BGD", "VNM")
    assert (row.actor_sector, row.recipient_sector) == ("GOV", "MIL")
    assert row.cameo == "040"
    assert row.goldstein == 1.0
    assert row.doc_id == "47400351"
