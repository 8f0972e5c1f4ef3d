"""The report in headless Chromium: it opens without errors and its charts render."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.report import render_report
from bilat.study import StudyResult

from .browser import browser_page, not_blank


@pytest.mark.browser
def test_report_renders_its_charts(report_dir: Path) -> None:
    report = report_dir / "report.html"
    with browser_page() as (page, errors):
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        widths = page.eval_on_selector_all(
            "figure img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
        )
        assert len(widths) >= 4
        assert all(w > 0 for w in widths), widths
        # the evidence links of the claims land on their anchors
        first = page.eval_on_selector(".evlinks a", "a => a.getAttribute('href')")
        page.click(".evlinks a")
        assert page.evaluate("location.hash") == first
        assert page.is_visible(first)
        page.goto(report.as_uri() + "#timeline")
        shot = page.screenshot(full_page=False)
        assert not_blank(shot)
        assert errors == []


@pytest.mark.browser
def test_partial_report_renders(fake: StudyResult, report_dir: Path, tmp_path: Path) -> None:
    """A report whose model stages did not run still opens cleanly and says so."""
    result = fake
    for stage in result.stages:
        if stage.name in ("calibrate", "policies", "sensitivity", "answer"):
            stage.status, stage.reason = "not_available", "bilat.sim is not available"
    figures = {p.stem: p.read_bytes() for p in (report_dir / "figures").glob("*.png")}
    report = tmp_path / "report.html"
    report.write_text(render_report(result, figures), encoding="utf-8")
    with browser_page() as (page, errors):
        page.goto(report.as_uri())
        text = page.inner_text("#policies")
        assert "not available" in text
        assert "bilat.sim is not available" in text
        assert errors == []
