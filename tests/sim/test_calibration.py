"""Calibration: determinism (also through Dask), recovery of known parameters, the checks."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from bilat.errors import InputError
from bilat.sim.calibration import (
    CalibrationResult,
    Calibrator,
    Summaries,
    calibrate,
    identification,
)
from bilat.sim.history import load_history, synthetic_history
from bilat.sim.params import FREE_PARAMETERS, PRIORS, Theta, prior_matrix

TRUTH = Theta(coercion_response=1.8, enforcement=0.6, precision=6.0, china_pull=1.3)


@pytest.fixture(scope="module")
def synthetic() -> object:
    return synthetic_history(TRUTH, seed=3, base=load_history())


@pytest.fixture(scope="module")
def fitted(synthetic: object) -> CalibrationResult:
    return Calibrator(budget=4000, seed=1).fit(synthetic)  # type: ignore[arg-type]


def test_result_shapes(fitted: CalibrationResult) -> None:
    assert fitted.samples.shape[1] == len(FREE_PARAMETERS)
    assert fitted.weights.sum() == pytest.approx(1.0)
    assert len(fitted.epsilons) == 4
    assert fitted.epsilons[-1] < fitted.epsilons[0]
    assert [r["parameter"] for r in fitted.identification] == list(FREE_PARAMETERS)
    for row in fitted.identification:
        lo, hi = row["posterior_90"]
        assert lo <= row["posterior_median"] <= hi
        assert row["verdict"] in ("identified", "weakly identified", "not identified")
    assert fitted.timings["simulate_seconds"] > 0
    assert fitted.draws(10).shape == (10, len(FREE_PARAMETERS))
    as_json = fitted.to_dict()
    assert {"identification", "summaries", "timings", "sbc", "holdout"} <= set(as_json)


def test_recovers_the_best_informed_parameter(fitted: CalibrationResult) -> None:
    """Synthetic truth: the record's observables narrow the US's enforcement around the truth."""
    row = {r["parameter"]: r for r in fitted.identification}["enforcement"]
    lo, hi = row["posterior_90"]
    assert lo <= 0.6 <= hi
    assert row["width_ratio"] < 0.8
    prior = {p.name: p for p in PRIORS}["enforcement"]
    assert abs(row["posterior_median"] - 0.6) < abs(float(prior.ppf(0.5)) - 0.6)


def test_the_regime_is_not_a_target() -> None:
    """The record's regime restates the inputs; it must not be fitted."""
    summaries = Summaries.of(load_history(), 2013)
    assert not any(n.startswith("regime") for n in summaries.names)
    assert any(n.startswith("unga:") for n in summaries.names)


def test_posterior_summaries_are_closer_than_the_prior(synthetic: object) -> None:
    summaries = Summaries.of(synthetic, 2013)  # type: ignore[arg-type]
    first = Calibrator(budget=800, populations=2, seed=2).fit(synthetic)  # type: ignore[arg-type]
    assert first.epsilons[-1] <= first.epsilons[0]
    assert len(summaries.names) == len(first.summary_names)


def test_same_seed_same_result(synthetic: object) -> None:
    a = Calibrator(budget=800, seed=5).fit(synthetic)  # type: ignore[arg-type]
    b = Calibrator(budget=800, seed=5).fit(synthetic)  # type: ignore[arg-type]
    c = Calibrator(budget=800, seed=6).fit(synthetic)  # type: ignore[arg-type]
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.samples, c.samples)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_same_result_through_dask(dask_client: object) -> None:
    history = load_history()
    local = Calibrator(budget=800, seed=9).fit(history)
    remote = Calibrator(budget=800, seed=9, scheduler=dask_client).fit(history)
    np.testing.assert_array_equal(local.samples, remote.samples)
    address = dask_client.scheduler.address  # type: ignore[attr-defined]
    by_address = Calibrator(budget=800, seed=9, scheduler=address).fit(history)
    np.testing.assert_array_equal(local.samples, by_address.samples)
    from bilat.sim import compare

    here = compare(["security-only", "broadened"], local, runs=3, years=5, seed=2, draws=4)
    there = compare(
        ["security-only", "broadened"],
        local,
        runs=3,
        years=5,
        seed=2,
        draws=4,
        scheduler=dask_client,
    )
    assert here.table.equals(there.table)


def test_calibrate_with_checks_on_the_record() -> None:
    result = calibrate(
        "us-pakistan", budget=1200, seed=0, sbc_truths=3, sbc_budget=400, partner_draws=0
    )
    assert result.until == 2013
    assert result.holdout is not None
    assert set(result.holdout["scores"]) == {"model", "persistence", "mean", "var"}
    assert result.holdout["test_years"][0] == 2014
    assert isinstance(result.holdout["loses_to_persistence"], bool)
    assert result.ppc is not None
    assert 0 <= result.ppc["p_overall"] <= 1
    assert result.ppc["count"] == len(result.summary_names)
    assert result.sbc is not None
    assert 0 <= result.sbc["coverage_90"] <= 1
    assert len(result.sbc["parameters"]) == len(FREE_PARAMETERS)
    fit = result.fit
    assert len(fit["years"]) == len(fit["cooperation"]["mean"]) == 76
    bands = zip(fit["coercion"]["lo"], fit["coercion"]["mean"], fit["coercion"]["hi"], strict=True)
    for lo, m, hi in bands:
        if m is not None:  # a skewed binomial's mean may leave its 90 % band: check the band
            assert 0 <= lo <= hi <= 1
            assert 0 <= m <= 1
    assert result.notes
    assert {"ppc", "holdout", "sbc"} <= set(result.to_dict())


def test_identification_of_the_prior_is_not_identified() -> None:
    draws = prior_matrix(np.random.default_rng(0), 20_000)
    rows = identification(draws, np.full(len(draws), 1 / len(draws)))
    for row in rows:
        assert row["width_ratio"] == pytest.approx(1.0, abs=0.05)
        assert row["ks_to_prior"] < row["ks_null"]
        assert row["verdict"] == "not identified"


def test_a_posterior_piled_at_a_bound_is_flagged() -> None:
    """Narrow but pushed against the edge of the range: not 'identified'."""
    draws = prior_matrix(np.random.default_rng(1), 5000)
    prior = PRIORS[FREE_PARAMETERS.index("salience_threshold")]
    col = FREE_PARAMETERS.index("salience_threshold")
    draws[:, col] = prior.low + 0.02 * (prior.high - prior.low) * np.random.default_rng(2).random(
        5000
    )
    rows = identification(draws, np.full(len(draws), 1 / len(draws)))
    row = rows[col]
    assert row["width_ratio"] < 0.1
    assert row["mass_at_bounds"] == pytest.approx(1.0)
    assert row["verdict"] == "at a bound"


def test_bad_budget() -> None:
    with pytest.raises(InputError, match="budget"):
        Calibrator(budget=10).fit(load_history())


def test_cli_scheduler_option_gives_the_same_result(dask_client: object) -> None:
    import json

    from typer.testing import CliRunner

    from bilat.cli.main import app

    address = dask_client.scheduler.address  # type: ignore[attr-defined]
    args = ["calibrate", "--budget", "800", "--seed", "4", "--no-check", "--json"]
    here = CliRunner().invoke(app, args)
    there = CliRunner().invoke(app, [*args, "--scheduler", address])
    assert here.exit_code == 0, here.output
    assert there.exit_code == 0, there.output
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert a["identification"] == b["identification"]
