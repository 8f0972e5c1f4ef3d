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
    holdout_check,
    identification,
    sbc_check,
)
from bilat.sim.history import load_history, synthetic_history
from bilat.sim.params import FREE_PARAMETERS, PRIORS, Theta, prior_matrix

TRUTH = Theta(salience_threshold=0.55, enforcement=0.6, precision=6.0)


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


def test_recovers_the_identified_parameter(fitted: CalibrationResult) -> None:
    """Synthetic truth: the salience threshold is identified and recovered."""
    row = {r["parameter"]: r for r in fitted.identification}["salience_threshold"]
    lo, hi = row["posterior_90"]
    assert lo <= 0.55 <= hi
    assert row["width_ratio"] < 0.8
    prior = {p.name: p for p in PRIORS}["salience_threshold"]
    assert abs(row["posterior_median"] - 0.55) < abs(float(prior.ppf(0.5)) - 0.55)


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
    result = calibrate("us-pakistan", budget=1200, seed=0, sbc_truths=2)
    assert result.until == 2013
    assert result.holdout is not None
    assert result.holdout["model_rmse"] is not None
    assert result.holdout["var_rmse"] is not None
    assert result.holdout["test_years"][0] == 2014
    assert result.sbc is not None
    assert 0 <= result.sbc["coverage_90"] <= 1
    assert len(result.sbc["parameters"]) == len(FREE_PARAMETERS)
    fit = result.fit
    assert len(fit["years"]) == len(fit["cooperation"]["mean"]) == 76
    assert all(
        lo <= m + 1e-9 and m <= hi + 1e-9
        for lo, m, hi in zip(
            fit["coercion"]["lo"], fit["coercion"]["mean"], fit["coercion"]["hi"], strict=True
        )
    )
    assert result.notes


def test_sbc_and_holdout_helpers(synthetic: object, fitted: CalibrationResult) -> None:
    report = sbc_check(synthetic, truths=1, budget=400, seed=1)  # type: ignore[arg-type]
    assert report["truths"] == 1
    out = holdout_check(
        fitted,
        synthetic,
        {
            "cooperation": {"mean": [0.5] * 76},  # type: ignore[arg-type]
            "coercion": {"mean": [0.1] * 76},
        },
    )
    assert "var_rmse" in out


def test_identification_of_the_prior_is_not_identified() -> None:
    draws = prior_matrix(np.random.default_rng(0), 20_000)
    rows = identification(draws, np.full(len(draws), 1 / len(draws)))
    for row in rows:
        assert row["width_ratio"] == pytest.approx(1.0, abs=0.05)
        assert row["verdict"] == "not identified"


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
