"""Benchmarks that run their baseline side by side and report ratios.

A benchmark is a function that takes a :class:`BenchConfig` and returns a
:class:`BenchResult`; it times bilat's way and a baseline in the same run, on
the same input, and reports ``ratio`` (how many times faster bilat is than the
baseline, or the fraction of the baseline's rate, as its ``meaning`` says) and
whether that meets the target. Register one with :func:`benchmark` in a module
listed in :data:`BENCH_MODULES`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bilat.errors import InputError

__all__ = [
    "BENCH_MODULES",
    "BenchConfig",
    "BenchResult",
    "Benchmark",
    "available",
    "benchmark",
    "best_of",
    "run",
]

BENCH_MODULES: tuple[str, ...] = (
    "store",
    "coding",
    "ingest",
    "measure",
    "sim",
    "panel",
    "panel_effects",
)


@dataclass(frozen=True)
class BenchConfig:
    """How big a benchmark run is. ``quick`` runs shrink inputs for tests."""

    quick: bool = False
    seed: int = 0


@dataclass
class BenchResult:
    """The outcome of one benchmark: ``ratio`` against the baseline and the target."""

    name: str
    ratio: float
    target: float
    meaning: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether the ratio meets the target."""
        return self.ratio >= self.target

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return {
            "name": self.name,
            "ratio": round(self.ratio, 3),
            "target": self.target,
            "passed": self.passed,
            "meaning": self.meaning,
            "details": self.details,
        }


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark and the function that runs it."""

    name: str
    description: str
    func: Callable[[BenchConfig], BenchResult]


_REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, description: str
) -> Callable[[Callable[[BenchConfig], BenchResult]], Callable[[BenchConfig], BenchResult]]:
    """Register a benchmark function under ``name``."""

    def wrap(func: Callable[[BenchConfig], BenchResult]) -> Callable[[BenchConfig], BenchResult]:
        _REGISTRY[name] = Benchmark(name, description, func)
        return func

    return wrap


def available() -> dict[str, Benchmark]:
    """Every registered benchmark, by name (importing the benchmark modules)."""
    for module in BENCH_MODULES:
        importlib.import_module(f"bilat.bench.{module}")
    return dict(sorted(_REGISTRY.items()))


def run(names: list[str] | None = None, config: BenchConfig | None = None) -> list[BenchResult]:
    """Run the named benchmarks (all when ``names`` is empty) and return their results."""
    known = available()
    chosen = names or list(known)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise InputError(
            f"unknown benchmark {unknown[0]!r}; choose from {', '.join(known)}",
            field="name",
            value=unknown[0],
        )
    cfg = config or BenchConfig()
    return [known[n].func(cfg) for n in chosen]


def best_of(func: Callable[[], object], repeat: int = 3) -> float:
    """The best wall-clock time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best
