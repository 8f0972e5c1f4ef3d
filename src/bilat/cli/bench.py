"""``bilat bench``: run benchmarks side by side with their baselines."""

from __future__ import annotations

import typer

from bilat import bench
from bilat.cli._common import JsonOption, console, print_json

__all__ = ["bench_command", "register"]


def bench_command(
    names: list[str] | None = typer.Argument(None, help="Benchmarks to run (default: all)."),
    quick: bool = typer.Option(False, "--quick", help="Small inputs, for a smoke test."),
    seed: int = typer.Option(0, "--seed", help="Seed for generated inputs."),
    list_only: bool = typer.Option(False, "--list", help="List the benchmarks and exit."),
    as_json: bool = JsonOption,
) -> None:
    """Run benchmarks; each prints `name: ratio` against its baseline, run side by side."""
    if list_only:
        found = bench.available()
        if as_json:
            print_json({n: b.description for n, b in found.items()})
        else:
            for name, item in found.items():
                console.print(f"{name}: {item.description}", highlight=False)
        return
    results = bench.run(names or None, bench.BenchConfig(quick=quick, seed=seed))
    if as_json:
        print_json({"benchmarks": [r.to_dict() for r in results]})
        return
    for r in results:
        verdict = "meets" if r.passed else "MISSES"
        print(f"{r.name}: {r.ratio:.2f}")
        console.print(
            f"  {r.meaning}; target >= {r.target:g}: {verdict}", highlight=False, style="dim"
        )


def register(app: typer.Typer) -> None:
    """Add the ``bench`` command."""
    app.command("bench")(bench_command)
