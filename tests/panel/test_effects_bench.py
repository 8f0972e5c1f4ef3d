"""The panel-effects benchmark runs quick (no timing asserted) and its baseline is the same fit."""

from __future__ import annotations

import pytest

from bilat.bench import BenchConfig, available
from bilat.bench.panel_effects import panel_effects_bench, twfe_dummies
from bilat.panel.effects import twfe
from bilat.panel.synthetic import synthetic_panel


def test_baseline_gives_the_same_coefficient() -> None:
    panel = synthetic_panel(20, (1980, 1995), seed=1).panel
    ours = twfe(panel, "econ_share", "unga_agree").estimate
    assert twfe_dummies(panel, "econ_share", "unga_agree") == pytest.approx(ours, rel=1e-9)


def test_quick_run_reports_ratio_and_study_time() -> None:
    assert "panel-effects" in available()
    result = panel_effects_bench(BenchConfig(quick=True))
    assert result.ratio > 0
    details = result.to_dict()["details"]
    assert details["max_coefficient_difference"] < 1e-8
    assert details["pairs"] > 0
    assert details["study_estimation_seconds"] > 0
    assert details["panel"] == "synthetic (quick)"
