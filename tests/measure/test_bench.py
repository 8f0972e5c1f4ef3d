"""The measure benchmark runs (quick) and checks bilat against pandas; no timing is asserted."""

from __future__ import annotations

from bilat.bench import BenchConfig, available
from bilat.bench.measure import measure_benchmark


def test_measure_benchmark_quick_runs() -> None:
    assert "measure" in available()
    result = measure_benchmark(BenchConfig(quick=True, seed=1))
    assert result.name == "measure"
    assert result.target == 20.0
    assert result.ratio > 0
    assert result.details["events"] == 200_000
    assert result.details["dyad_events"] > 0
    assert result.to_dict()["passed"] in (True, False)
