"""Actor sectors and the ICEWS sector-name mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bilat._paths import package_data
from bilat.ontology import sector_of, sectors

REQUIRED = {
    "GOV", "MIL", "LEG", "JUD", "REB", "INS", "BUS", "MED", "CVL", "NGO", "IGO", "OPP", "SPY",
    "COP", "EDU", "ELI", "LAB", "REF", "HLH", "AGR", "CRM", "UAF", "RAD", "MOD", "IMG",
}  # fmt: skip


def test_sector_table() -> None:
    table = sectors()
    assert set(table["code"]) >= REQUIRED
    assert table["code"].is_unique
    assert table["label"].str.len().gt(0).all()
    assert table["description"].str.len().gt(0).all()
    assert table["source"].str.len().gt(0).all()


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("GOV", "GOV"),
        ("mil", "MIL"),
        ("GOVMIL", "GOV"),
        ("MILSPY", "MIL"),
        ("Military", "MIL"),
        ("Army", "MIL"),
        ("Foreign Ministry", "GOV"),
        ("Police", "COP"),
        ("Legislative / Parliamentary", "LEG"),
        ("Judicial", "JUD"),
        ("Insurgents", "INS"),
        ("Business", "BUS"),
        ("Media", "MED"),
        ("General Population / Civilian / Social", "CVL"),
        ("Human Rights NGOs", "NGO"),
        ("Military,Government", "MIL"),
        ("Executive,Foreign Ministry,Government", "GOV"),
        ("Kurd (Ethnic Group)", None),
        ("NA", None),
        ("", None),
        (None, None),
        ("no such sector", None),
    ],
)
def test_sector_of(text: str | None, sector: str | None) -> None:
    assert sector_of(text) == sector


def test_every_icews_sample_sector_is_in_the_mapping(shared: Path) -> None:
    path = shared / "data" / "eventdata" / "icews" / "events.2018.sample.tab"
    names = set()
    with open(path, encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for field in ("Source Sectors", "Target Sectors"):
                names.update(s.strip() for s in row[field].split(",") if s.strip() != "NA")
    with open(package_data("ontology", "data", "icews_sectors.csv"), encoding="utf-8") as fh:
        mapping = {row["icews"]: row for row in csv.DictReader(fh)}
    missing = sorted(names - set(mapping))
    assert not missing
    assert all(row["source"] for row in mapping.values())
    known = set(sectors()["code"])
    assert all(row["sector"] in known | {""} for row in mapping.values())
    # most ICEWS sector names in real rows resolve to a sector
    resolved = sum(sector_of(n) is not None for n in names)
    assert resolved / len(names) > 0.6
