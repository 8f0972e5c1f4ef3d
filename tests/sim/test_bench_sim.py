"""The simulator's benchmarks run in quick mode (no timing is asserted)."""

from __future__ import annotations

from bilat.bench import BenchConfig, available
from bilat.bench.sim import (
    PlainModel,
    calibration_benchmark,
    pooled_quality_benchmark,
    sim_benchmark,
)
from bilat.sim.params import Theta
from bilat.sim.policies import SecurityOnly


def test_registered() -> None:
    found = available()
    assert {"sim", "sim-calibration", "sim-pooled-quality"} <= set(found)


def test_sim_benchmark_quick() -> None:
    result = sim_benchmark(BenchConfig(quick=True))
    assert result.ratio > 0
    assert result.details["vectorised_run_steps_per_second"] > 0
    assert result.details["plain_python_run_steps_per_second"] > 0


def test_calibration_benchmark_quick() -> None:
    result = calibration_benchmark(BenchConfig(quick=True))
    assert 0 < result.ratio <= 1
    assert result.details["budget"] == 4000


def test_plain_model_runs() -> None:
    model = PlainModel(5, Theta(), seed=1)
    for instruments in SecurityOnly().schedule(range(3)):
        model.step(instruments)
    assert all(0 <= a.threat <= 1 for a in model.agents)


def test_pooled_quality_benchmark_quick() -> None:
    result = pooled_quality_benchmark(BenchConfig(quick=True))
    again = pooled_quality_benchmark(BenchConfig(quick=True))
    assert result.ratio > 0
    d = result.details
    assert d["truths"] == 2
    assert d["partners"] >= 30
    assert d["abc_rmse"] > 0
    assert d["pooled_rmse"] > 0
    # the accuracies are seeded (the CPU times are not)
    assert (d["abc_rmse"], d["pooled_rmse"]) == (
        again.details["abc_rmse"],
        again.details["pooled_rmse"],
    )
