"""The answer: verdict rules, built-in verdicts gone, scenario discovery on the posterior."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pytest

from bilat.errors import InputError
from bilat.sim import COIN_FLIP_MECHANISMS, OUTCOMES, answer, calibrate, compare
from bilat.sim.answer import UNDECIDED, verdict
from bilat.sim.calibration import CalibrationResult
from bilat.sim.discovery import discover
from bilat.sim.history import load_history
from bilat.sim.instruments import Instruments
from bilat.sim.policies import Policy


def test_verdict_rules() -> None:
    assert verdict(0.95, 0.5, True)[:2] == ("very likely better", True)
    assert verdict(0.75, 0.5, True)[:2] == ("likely better", True)
    assert verdict(0.5, 0.2, True)[:2] == ("uncertain", True)
    assert verdict(0.05, 0.5, True)[:2] == ("very likely worse", True)
    # within 0.10 of the prior's answer: not decided, however high
    words, decided, why = verdict(0.97, 0.92, True)
    assert (words, decided) == (UNDECIDED, False)
    assert "prior" in why
    # a model that fails its checks decides nothing
    assert verdict(0.99, 0.2, False)[:2] == (UNDECIDED, False)


def test_coin_flip_pakistan_gives_no_confident_verdict() -> None:
    """Pakistan's choice a fair coin: no outcome may come out 'better' with P > 0.9."""
    cal = calibrate(
        budget=12_000, seed=0, sbc_truths=0, mechanisms=COIN_FLIP_MECHANISMS, partner_draws=0
    )
    cmp = compare(
        ["security-only", "broadened"],
        cal,
        runs=10,
        years=20,
        seed=0,
        draws=60,
        mechanisms=COIN_FLIP_MECHANISMS,
    )
    rows = cmp.table[cmp.table.policy == "broadened"].set_index("outcome")
    for outcome in OUTCOMES:
        if outcome == "cost":  # the policies' own aid levels: accounting, not a finding
            continue
        assert rows.loc[outcome, "p_better"] <= 0.9, outcome
    ans = answer(cmp, None, cal, mechanisms=COIN_FLIP_MECHANISMS, elements=False, scenarios=False)
    assert not any(r["verdict"].endswith("better") for r in ans.outcomes)


def test_the_prior_alone_decides_nothing() -> None:
    cmp = compare(["security-only", "broadened"], None, runs=8, years=20, seed=0, draws=60)
    rows = cmp.table[cmp.table.policy == "broadened"].set_index("outcome")
    for outcome in ("trust_deficit", "china_dependence", "us_distrust", "pk_distrust"):
        assert rows.loc[outcome, "p_better"] <= 0.9, outcome
    ans = answer(cmp, None, None)
    assert ans.statement.startswith("The evidence does not decide")
    assert all(not r["decided"] for r in ans.outcomes)
    assert ans.validation["usable"] is False


@pytest.fixture(scope="module")
def calibrated() -> CalibrationResult:
    return calibrate(budget=2000, seed=1, sbc_truths=0)


def test_answer_carries_validation_elements_and_scenarios(calibrated: CalibrationResult) -> None:
    cmp = compare(["security-only", "broadened"], calibrated, runs=4, years=10, seed=0, draws=30)
    ans = answer(cmp, None, calibrated)
    data = ans.to_dict()
    assert {"validation", "elements", "discovery", "scenarios", "what_would_decide"} <= set(data)
    assert data["validation"]["ppc"]["p_overall"] is not None
    assert {r["policy"] for r in data["elements"]} >= {
        "security+trade",
        "security+economic",
        "security+assurances",
        "security+democracy",
        "security+all",
        "broadened",
    }
    priors = {r["prior"] for r in data["scenarios"]}
    assert priors == {"neutral", "article", "sceptical"}
    sources = {r["evidence"] for r in data["scenarios"]}
    assert "calibrated on Pakistan" in sources
    assert "prior only" in sources
    for r in ans.outcomes:
        assert 0 <= r["p_prior"] <= 1
        if r["decided"] and r["verdict"] in ("likely better", "very likely better"):
            assert abs(r["p_better"] - r["p_prior"]) >= 0.1
    if not data["validation"]["usable"]:
        assert ans.statement.startswith("The evidence does not decide")
    with pytest.raises(InputError, match="include"):
        answer(compare(["conditional"], calibrated, runs=2, years=2, draws=2))


def test_scenario_discovery_finds_a_planted_region() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (600, 3))
    diff = np.where(x[:, 1] > 0.7, 1.0, -1.0) + 0.1 * rng.normal(size=600)
    found = discover(x, diff, outcome="trust_deficit", names=("a", "b", "c"))
    flips = [r for r in found["regions"] if r["flips"]]
    assert flips
    assert "b above 0.7" in flips[0]["conditions"]
    assert flips[0]["mass"] == pytest.approx(0.3, abs=0.06)
    assert found["accuracy"] > found["baseline_accuracy"]


class _RecordAsPolicy(Policy):
    """The record's own instruments under another name (a test double of the record)."""

    name: ClassVar[str] = "record-copy"
    label: ClassVar[str] = "the record's instruments"
    sources: ClassVar[tuple[str, ...]] = ("bilat.record",)

    def schedule(self, years: Sequence[int]) -> list[Instruments]:
        hist = load_history()
        index = {int(y): i for i, y in enumerate(hist.years)}
        return [hist.schedule[index[int(y)]] for y in years]


def test_branch_replays_the_record_then_follows_the_policy(calibrated: CalibrationResult) -> None:
    from bilat.sim import branch

    result = branch("engaged", calibrated, 1990, until=2001, runs=4, draws=20, seed=0)
    assert result.branch_year == 1990
    assert result.until == 2001
    assert {r["outcome"] for r in result.rows} >= {"militant_threat", "pk_distrust"}
    for r in result.rows:
        lo, hi = r["difference_interval"]
        assert lo <= r["difference"] <= hi
        assert 0 <= r["p_better"] <= 1
    # the calibration here ran no checks on the branch's behalf beyond PPC/OOS: the verdict
    # words appear only when the rules allow them
    if not calibrated.ppc or not calibrated.ppc["passes"]:
        assert "beyond what the evidence can say" in result.statement
    # following the record's own instruments from the branch gives no difference
    same = branch(_RecordAsPolicy(), calibrated, 1990, until=1995, runs=2, draws=5, seed=0)
    assert all(abs(r["difference"]) < 1e-9 for r in same.rows)
    with pytest.raises(InputError, match="branch year"):
        branch("engaged", calibrated, 1900)
    with pytest.raises(InputError, match="forward policy"):
        branch("historical", calibrated, 1990)
