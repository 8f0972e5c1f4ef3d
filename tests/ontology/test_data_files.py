"""The shipped CSV files: every row carries a source; codes stay text; the build is current."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

import bilat.ontology
from bilat._paths import package_data

DATA = package_data("ontology", "data")
FILES = sorted(p.name for p in DATA.glob("*.csv"))
ROOT = Path(__file__).resolve().parents[2]


def test_the_expected_files_are_shipped() -> None:
    assert set(FILES) == {
        "cameo.csv",
        "countries.csv",
        "goldstein_disagreements.csv",
        "icews_sectors.csv",
        "regions.csv",
        "sectors.csv",
    }


@pytest.mark.parametrize("name", FILES)
def test_every_row_has_a_source(name: str) -> None:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    assert all(row["source"].strip() for row in rows), name


def test_public_names_are_sorted_and_defined() -> None:
    exported = bilat.ontology.__all__
    key = [(0 if n.isupper() else 1 if n[0].isupper() else 2, n) for n in exported]
    assert key == sorted(key)
    assert all(hasattr(bilat.ontology, n) for n in exported)
    for name in [
        "cameo_table",
        "cameo",
        "is_cameo",
        "goldstein_disagreements",
        "countries",
        "country",
        "to_iso3",
        "country_map",
        "sectors",
        "sector_of",
        "quad_of_root",
        "penta_of_root",
        "plover_to_root",
        "cameo_to_plover",
        "CameoCode",
        "Country",
    ]:
        assert name in exported


def test_the_committed_tables_match_the_build_script(shared: Path, tmp_path: Path) -> None:
    """Re-running tools/build_ontology.py on ../shared reproduces the shipped CSV files."""
    script = ROOT / "tools" / "build_ontology.py"
    if not script.is_file():
        pytest.skip("tools/build_ontology.py is not in this checkout")
    result = subprocess.run(
        [sys.executable, str(script), str(shared), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (tmp_path / name).read_text("utf-8") == (DATA / name).read_text("utf-8"), name
