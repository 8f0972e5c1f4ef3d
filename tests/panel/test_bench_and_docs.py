"""The panel benchmark runs (quick, no timing asserted); docs/panel.md covers every column."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.bench import BenchConfig, available
from bilat.bench.panel import panel_bench
from bilat.panel import panel_columns
from bilat.panel.countries import SUCCESSOR_RULES
from bilat.panel.sources import DEMOCRACY_ACCOUNTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "panel.md"


def test_panel_benchmark_quick_runs(shared: Path) -> None:
    assert "panel" in available()
    result = panel_bench(BenchConfig(quick=True))
    assert result.name == "panel"
    assert result.target == 3.0
    assert result.ratio > 0
    assert result.details["votes"] == 870_109
    assert result.to_dict()["passed"] in (True, False)


def test_docs_describe_every_column_and_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in panel_columns().name:
        assert f"`{name}`" in text or name.startswith("icews_"), name
    assert "icews_{vcoop,mcoop,vconf,mconf}_{to,from}_us" in text
    for account in DEMOCRACY_ACCOUNTS:
        assert account.split(",")[0] in text
    for iso3 in SUCCESSOR_RULES:
        assert iso3 in {"DEU", "YEM", "VNM", "YUG", "SUN", "CSK"}
    for seam in ("2014/2015", "FY2020/2021", "2010–2012"):
        assert seam in text


@pytest.mark.parametrize("section", ["## Building it", "### Seams", "## Reconciliation"])
def test_docs_have_the_sections(section: str) -> None:
    assert section in DOC.read_text(encoding="utf-8")
