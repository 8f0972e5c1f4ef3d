"""Policy experiments: paired comparisons, sensitivity, and the answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bilat.errors import InputError
from bilat.sim import OUTCOMES, answer, compare, sensitivity, simulate
from bilat.sim.calibration import CalibrationResult, Calibrator
from bilat.sim.history import load_history


@pytest.fixture(scope="module")
def posterior() -> CalibrationResult:
    return Calibrator(budget=1200, seed=3).fit(load_history())


def test_compare_table(posterior: CalibrationResult) -> None:
    result = compare(
        ["security-only", "broadened", "disengagement"],
        posterior,
        runs=4,
        years=6,
        seed=1,
        draws=10,
    )
    table = result.table
    assert set(table.policy) == {"security-only", "broadened", "disengagement"}
    assert set(table.outcome) == set(OUTCOMES)
    assert len(table) == 3 * len(OUTCOMES)
    assert np.all(table["lo"] <= table["mean"] + 1e-9)
    assert np.all(table["mean"] <= table["hi"] + 1e-9)
    base = table[table.policy == "security-only"]
    assert np.all(base["diff"] == 0)
    others = table[table.policy != "security-only"]
    assert np.all((others["p_better"] >= 0) & (others["p_better"] <= 1))
    exit_cost = table[(table.policy == "disengagement") & (table.outcome == "cost")]["mean"]
    assert float(exit_cost.iloc[0]) == 0.0
    as_json = result.to_dict()
    assert as_json["baseline"] == "security-only"
    assert len(as_json["rows"]) == len(table)


def test_common_random_numbers_pair_runs(tmp_path: Path, posterior: CalibrationResult) -> None:
    """A copy of the baseline under another name differs from it by exactly zero."""
    copy = tmp_path / "copy.toml"
    copy.write_text('name = "copy"\nextends = "security-only"\n')
    result = compare(["security-only", str(copy)], posterior, runs=3, years=5, seed=4, draws=6)
    rows = result.table[result.table.policy == "copy"]
    assert np.all(rows["diff"] == 0)
    assert np.all(rows["diff_lo"] == 0)
    assert np.all(rows["diff_hi"] == 0)


def test_compare_is_deterministic(posterior: CalibrationResult) -> None:
    a = compare(["broadened"], posterior, runs=3, years=5, seed=8, draws=5)
    b = compare(["broadened"], posterior, runs=3, years=5, seed=8, draws=5)
    assert a.table.equals(b.table)
    assert "security-only" in set(a.table.policy)  # the baseline is added


def test_compare_rejects_bad_requests(posterior: CalibrationResult) -> None:
    with pytest.raises(InputError, match="historical"):
        compare(["historical"], posterior, runs=2, years=2, draws=2)
    with pytest.raises(InputError, match="at least"):
        compare(["broadened"], posterior, runs=0, years=2, draws=2)


def test_prior_predictive_is_flagged() -> None:
    result = compare(["broadened"], None, runs=2, years=3, seed=0, draws=3)
    assert any("prior" in n for n in result.notes)


def test_simulate_historical_and_forward(posterior: CalibrationResult) -> None:
    past = simulate("historical", posterior, runs=2, years=5, seed=0, draws=3)
    future = simulate("conditional", posterior, runs=2, years=5, seed=0, draws=3)
    assert set(past.outcome) == set(OUTCOMES) == set(future.outcome)
    assert float(past[past.outcome == "cost"]["mean"].iloc[0]) > 10  # decades of aid


def test_sensitivity_and_answer(posterior: CalibrationResult) -> None:
    sens = sensitivity(posterior, samples=4, runs=2, years=5, seed=0, method="morris")
    assert set(sens.table.outcome) == set(OUTCOMES)
    assert {"mu_star", "sigma", "flips", "threshold"} <= set(sens.table.columns)
    for outcome, params in sens.sign_flips.items():
        assert outcome in OUTCOMES
        assert params
    sobol = sensitivity(None, samples=8, runs=2, years=4, seed=1, method="sobol")
    assert {"S1", "ST"} <= set(sobol.table.columns)
    cmp = compare(["security-only", "broadened"], posterior, runs=3, years=5, seed=0, draws=8)
    ans = answer(cmp, sens, posterior, elements=False, scenarios=False)
    assert ans.question.startswith("Should the US broaden")
    assert ans.statement.lower() not in ("yes", "yes.", "no", "no.")
    # no checks were run on this posterior: the rules allow no verdict
    assert ans.statement.startswith("The evidence does not decide")
    assert len(ans.outcomes) == len(OUTCOMES)
    for row in ans.outcomes:
        assert 0 <= row["p_lo"] <= row["p_better"] + 1e-9
        assert row["p_better"] <= row["p_hi"] + 1e-9 <= 1 + 1e-9
    assert ans.caveats
    assert {"question", "statement", "outcomes", "conditions", "caveats"} <= set(ans.to_dict())
    with pytest.raises(InputError, match="include"):
        answer(compare(["conditional"], posterior, runs=2, years=2, draws=2))


def test_sensitivity_rejects_unknown_method() -> None:
    with pytest.raises(InputError, match="sobol or morris"):
        sensitivity(None, method="fast")


def test_sign_flip_needs_more_than_noise() -> None:
    from bilat.sim.experiments import _flip

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 2000)
    noise = rng.normal(0, 1, 2000)
    assert _flip(x, -0.01 + noise)[0] is False  # no real change of sign
    flipped, threshold, direction = _flip(x, (x - 0.5) * 4 + 0.1 * noise)
    assert flipped
    assert direction == "below"  # better (negative) when x is low
    assert threshold == pytest.approx(0.5, abs=0.15)
