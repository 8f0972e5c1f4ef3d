"""The report's "What happened to other partners" section and its figures."""

from __future__ import annotations

import copy

from bilat.report import write_report
from bilat.report.comparative import PANEL_FIGURES
from bilat.study import StageOutcome, StudyResult


def test_section_figures_and_agreement(fake: StudyResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the fake result carries the comparative stage's evidence on a synthetic panel
    assert fake.panel["agreement"]
    path = write_report(fake, tmp_path)
    page = path.read_text(encoding="utf-8")
    assert '<section id="partners">' in page
    assert 'href="#partners"' in page
    for name in PANEL_FIGURES:
        assert f'data-figure="{name}"' in page
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 1000
    for row in fake.panel["agreement"]:
        assert row["verdict"].replace("_", " ") in page
    assert "Pakistan (synthetic)" not in page or "Peers of the focal partner" in page
    assert "What the designs assume" in page


def test_section_says_why_when_the_stage_failed(fake: StudyResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = copy.deepcopy(fake)
    broken.stages = [s for s in broken.stages if s.name != "panel"]
    broken.stages.append(StageOutcome("panel", "What happened to other partners", "failed", "boom"))
    page = write_report(broken, tmp_path).read_text(encoding="utf-8")
    assert "Comparative evidence: failed." in page
    assert "boom" in page
    for name in PANEL_FIGURES:
        assert not (tmp_path / "figures" / f"{name}.png").exists()
