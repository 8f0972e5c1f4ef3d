"""Validation: proper scores, the posterior predictive check, simulation-based calibration."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bilat.sim.calibration import CalibrationResult, Calibrator
from bilat.sim.history import load_history, synthetic_history
from bilat.sim.params import FREE_PARAMETERS, Theta
from bilat.sim.validation import (
    crps_ensemble,
    crps_gaussian,
    holdout_check,
    ppc_check,
    predictive,
    sbc_check,
)


def test_crps_gaussian_known_value() -> None:
    # at the mean of a standard normal: 2 phi(0) - 1 / sqrt(pi)
    expected = 2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi)
    assert float(crps_gaussian(np.array(0.0), np.array(1.0), np.array(0.0))) == pytest.approx(
        expected, rel=1e-9
    )
    # a sharper forecast in the right place scores better; in the wrong place, worse
    assert crps_gaussian(np.array(0.0), np.array(0.1), np.array(0.0)) < expected
    assert crps_gaussian(np.array(3.0), np.array(0.1), np.array(0.0)) > expected


def test_crps_ensemble_matches_the_gaussian_for_a_large_sample() -> None:
    sample = np.random.default_rng(0).normal(0.2, 0.5, 20_000)
    exact = float(crps_gaussian(np.array(0.2), np.array(0.5), np.array(0.7)))
    assert crps_ensemble(sample, 0.7) == pytest.approx(exact, rel=0.02)
    assert crps_ensemble(np.array([0.3]), 0.5) == pytest.approx(0.2)


@pytest.fixture(scope="module")
def truth_history() -> object:
    return synthetic_history(Theta(enforcement=0.6, precision=6.0), seed=11, base=load_history())


@pytest.fixture(scope="module")
def truth_fit(truth_history: object) -> CalibrationResult:
    return Calibrator(budget=3000, seed=2).fit(truth_history)  # type: ignore[arg-type]


def test_ppc_passes_on_data_the_model_made(
    truth_fit: CalibrationResult, truth_history: object
) -> None:
    pred = predictive(truth_fit, truth_history, draws=300, seed=1)  # type: ignore[arg-type]
    report = ppc_check(truth_fit, truth_history, pred)  # type: ignore[arg-type]
    assert report["passes"], report["p_overall"]
    assert report["count"] == len(truth_fit.summary_names)
    assert all(0 <= r["p"] <= 1 for r in report["summaries"])


def test_ppc_fails_on_data_the_model_cannot_make(
    truth_fit: CalibrationResult, truth_history: object
) -> None:
    """Turn the record upside down (no cooperation, constant coercion): the check must fail."""
    hist = truth_history
    targets = dict(hist.targets)  # type: ignore[attr-defined]
    targets["cooperation"] = np.where(np.isfinite(targets["cooperation"]), 0.0, np.nan)
    targets["coercion"] = np.where(np.isfinite(targets["coercion"]), 1.0, np.nan)
    broken = replace(hist, targets=targets)  # type: ignore[type-var]
    pred = predictive(truth_fit, broken, draws=300, seed=1)
    report = ppc_check(truth_fit, broken, pred)
    assert not report["passes"]
    assert report["outside_90"]


def test_holdout_scores_every_baseline(truth_fit: CalibrationResult, truth_history: object) -> None:
    pred = predictive(truth_fit, truth_history, draws=200, seed=1)  # type: ignore[arg-type]
    out = holdout_check(truth_fit, truth_history, pred)  # type: ignore[arg-type]
    assert set(out["scores"]) == {"model", "persistence", "mean", "var"}
    assert all(v["crps"] >= 0 for v in out["scores"].values())
    assert set(out["beats"]) == {"persistence", "mean", "var"}
    assert out["loses_to_persistence"] == (not out["beats"]["persistence"])


def test_sbc_ranks_and_policy_effect() -> None:
    """A small SBC (the full one runs 100 truths in the study): the report's shape and ranges."""
    report = sbc_check(load_history(), truths=6, budget=400, seed=3, until=2013, effect_draws=8)
    assert report["truths"] == 6
    assert [r["parameter"] for r in report["parameters"]] == list(FREE_PARAMETERS)
    for row in report["parameters"]:
        assert 0 <= row["rank_p"] <= 1
        assert 0 <= row["coverage_90"] <= 1
    outcomes = {r["outcome"] for r in report["policy_effect"]}
    assert outcomes == {"trust_deficit", "china_dependence", "militant_threat"}
    for row in report["policy_effect"]:
        assert 0 <= row["coverage_90"] <= 1
        assert row["error_prior"] >= 0
