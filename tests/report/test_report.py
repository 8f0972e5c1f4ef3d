"""The report: figures from whatever is available, self-contained HTML, evidence anchors."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from bilat.report import FIGURES, anchor, draw_all, render_report
from bilat.report.figures import _pack_labels, fit_figure
from bilat.study import StudyResult, build_answer, get_case
from bilat.study.result import StageOutcome

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_figure_draws_from_a_full_result(report_dir: Path) -> None:
    figures = {p.stem: p.read_bytes() for p in (report_dir / "figures").glob("*.png")}
    assert set(figures) == set(FIGURES)
    assert all(png.startswith(PNG) and len(png) > 5000 for png in figures.values())


def test_no_figure_from_an_empty_result() -> None:
    empty = StudyResult(case=get_case("us-pakistan"), seed=0, budget=1)
    assert draw_all(empty) == {}


def test_report_is_self_contained(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html  # no script at all, let alone an external one
    assert not re.search(r"""(src|href)=["']https?://""", html.replace('rel="noopener"', ""))
    assert "<link" not in html
    images = re.findall(r'<img src="([^"]{0,40})', html)
    assert len(images) == len(FIGURES)
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert sorted(p.name for p in (report_dir / "figures").glob("*.png")) == sorted(
        f"{name}.png" for name in FIGURES
    )


def test_every_evidence_link_has_its_anchor(fake: StudyResult) -> None:
    html = render_report(fake, {})
    links = set(re.findall(r'href="#(ev-[^"]+)"', html))
    targets = set(re.findall(r'id="(ev-[^"]+)"', html))
    assert links
    assert links <= targets
    answer = build_answer(fake)
    for claim in answer["claims"]["items"]:
        for evidence in claim["evidence"]:
            dataset = evidence["dataset"] or ""
            target = anchor(dataset) if dataset.startswith("series:") else anchor(evidence["id"])
            assert f'id="{target}"' in html
            assert evidence["found"]
            assert evidence["citation"]


def test_report_sections_and_answer(fake: StudyResult) -> None:
    html = render_report(fake, {})
    for section in (
        "timeline",
        "aid",
        "claims",
        "article",
        "model",
        "policies",
        "sensitivity",
        "evidence",
        "sources",
        "run",
    ):
        assert f'<section id="{section}">' in html
    assert fake.answer["statement"] in html
    assert "✓ supported" in html
    assert "? insufficient data" in html


def test_text_is_escaped(fake: StudyResult) -> None:
    fake.claims[0]["claim"] = "<script>alert(1)</script>"
    html = render_report(fake, {})
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unavailable_sections_say_why() -> None:
    result = StudyResult(case=get_case("us-pakistan"), seed=0, budget=1)
    result.stages = [
        StageOutcome("claims", "Test the claims", "not_available", "bilat.claims is missing"),
        StageOutcome("calibrate", "Calibrate", "failed", "ValueError: boom"),
    ]
    html = render_report(result, {})
    assert "not available.</strong> bilat.claims is missing" in html
    assert "failed.</strong> ValueError: boom" in html
    assert "Not available: the model stages did not run." in html


def test_fit_figure_needs_its_columns(fake: StudyResult) -> None:
    fake.calibration["fit"] = pd.DataFrame({"year": [2000], "observed": [1.0]})
    assert fit_figure(fake) is None


@pytest.mark.parametrize("width", [0.2, 0.42, 1.0])
def test_packed_labels_never_overlap(width: float) -> None:
    items = [(1950.0 + 3 * i, f"episode {i} " * (1 + i % 3)) for i in range(20)]
    placed = _pack_labels(items, 1947.0, 2026.0, char_years=width)
    assert len(placed) == len(items)
    rows: dict[int, list[tuple[float, float]]] = {}
    for x, label, row, align in placed:
        span = (len(label) + 2) * width
        rows.setdefault(row, []).append((x, x + span) if align == "left" else (x - span, x))
    for spans in rows.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_stale_figures_are_removed(tmp_path: Path) -> None:
    """A figure bilat drew last time and not this time goes; the user's files stay."""
    from bilat.report import write_report
    from bilat.study.output import OutputFolder

    OutputFolder(tmp_path).write_bytes("figures/fit.png", PNG)  # an earlier run's figure
    (tmp_path / "figures" / "mine.png").write_bytes(PNG)  # not bilat's: left alone
    empty = StudyResult(case=get_case("us-pakistan"), seed=0, budget=1)
    write_report(empty, tmp_path)
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["mine.png"]
    assert (tmp_path / "report.html").is_file()


def test_a_figure_bilat_did_not_draw_is_never_overwritten(tmp_path: Path) -> None:
    from bilat.report import write_report
    from bilat.study.output import OutputExistsError

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "fit.png").write_bytes(b"the user's own")
    empty = StudyResult(case=get_case("us-pakistan"), seed=0, budget=1)
    with pytest.raises(OutputExistsError, match="--force"):
        write_report(empty, tmp_path)
    assert (tmp_path / "figures" / "fit.png").read_bytes() == b"the user's own"
    assert not (tmp_path / "report.html").exists()
