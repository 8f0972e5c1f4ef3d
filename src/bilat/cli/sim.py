"""The strategic model's commands: ``calibrate``, ``simulate``, ``compare``, ``sensitivity``."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from bilat.cli._common import JsonOption, console, print_json

__all__ = [
    "calibrate_command",
    "compare_command",
    "register",
    "sensitivity_command",
    "simulate_command",
]

CaseOption = typer.Option("us-pakistan", "--case", help="The case (us-pakistan).")
SeedOption = typer.Option(0, "--seed", help="Seed: the same seed gives the same result.")
SchedulerOption = typer.Option(
    None, "--scheduler", help="Dask scheduler address (tcp://host:8786); default: run here."
)


def _posterior(
    case: str,
    budget: int,
    seed: int,
    scheduler: str | None,
    prior: bool,
    partners: bool = False,
) -> Any:
    from bilat import sim

    if prior:
        return None
    # the predictive check and the out-of-sample scores (cheap) decide whether the answer
    # may use verdict words; the simulation-based calibration is left to `bilat calibrate`;
    # the calibration across partners only where an answer reads it (`bilat compare`)
    return sim.calibrate(
        case=case,
        budget=budget,
        seed=seed,
        check=True,
        sbc_truths=0,
        scheduler=scheduler,
        partner_draws=None if partners else 0,
    )


def _outcome_table(rows: list[dict[Any, Any]], title: str, paired: bool) -> Table:
    table = Table(title=title)
    table.add_column("policy")
    table.add_column("outcome")
    table.add_column("mean [90%]")
    if paired:
        table.add_column("diff [90%]")
        table.add_column("P(better)")
    for r in rows:
        cells = [r["policy"], r["outcome"], f"{r['mean']:.2f} [{r['lo']:.2f}, {r['hi']:.2f}]"]
        if paired:
            p = r.get("p_better")
            cells.append(f"{r['diff']:+.2f} [{r['diff_lo']:+.2f}, {r['diff_hi']:+.2f}]")
            cells.append("-" if p is None or p != p else f"{p:.2f}")
        table.add_row(*cells)
    return table


def _print_branch(result: Any, as_json: bool) -> None:
    """Print a counterfactual history (``bilat simulate --branch``)."""
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(
        title=f"{result.policy} from {result.branch_year} to {result.until} vs the record"
    )
    for col in ("outcome", "record", "branch", "difference [90%]", "P(better)", "verdict"):
        table.add_column(col)
    for r in result.rows:
        lo, hi = r["difference_interval"]
        table.add_row(
            r["outcome"],
            f"{r['record']:.3f}",
            f"{r['branch']:.3f}",
            f"{r['difference']:+.3f} [{lo:+.3f}, {hi:+.3f}]",
            f"{r['p_better']:.2f} (prior {r['p_prior']:.2f})",
            r["verdict"],
        )
    console.print(table)
    console.print(result.statement, highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", style="dim", highlight=False)


def calibrate_command(
    case: str = CaseOption,
    budget: int = typer.Option(
        20_000, "--budget", help="Simulations for the fit (ABC-SMC, 4 populations)."
    ),
    seed: int = SeedOption,
    until: int = typer.Option(2013, "--until", help="Last year fitted; later years are held out."),
    check: bool = typer.Option(
        True, "--check/--no-check", help="Run the PPC, out-of-sample and SBC checks."
    ),
    sbc_truths: int = typer.Option(
        100, "--sbc-truths", help="Synthetic truths for simulation-based calibration (0: none)."
    ),
    partner_draws: int | None = typer.Option(
        None,
        "--partner-draws",
        help="Prior draws of the hierarchical fit across the panel's partners "
        "(default budget/24; 0: none).",
    ),
    scheduler: str | None = SchedulerOption,
    as_json: bool = JsonOption,
) -> None:
    """Fit the model to the record by ABC-SMC and report what the data identify."""
    from bilat import sim

    result = sim.calibrate(
        case=case,
        budget=budget,
        seed=seed,
        until=until,
        check=check,
        sbc_truths=sbc_truths,
        scheduler=scheduler,
        partner_draws=partner_draws,
    )
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"{case}: posterior vs prior (fit through {result.until})")
    for col in ("parameter", "prior 90%", "posterior median [90%]", "width ratio", "verdict"):
        table.add_column(col)
    for r in result.identification:
        table.add_row(
            r["parameter"],
            f"[{r['prior_90'][0]:.2f}, {r['prior_90'][1]:.2f}]",
            f"{r['posterior_median']:.2f} [{r['posterior_90'][0]:.2f}, {r['posterior_90'][1]:.2f}]",
            f"{r['width_ratio']:.2f}",
            r["verdict"],
        )
    console.print(table)
    t = result.timings
    console.print(
        f"tolerance {result.epsilons[0]:.2f} -> {result.epsilons[-1]:.2f}; "
        f"ESS {result.ess[-1]:.0f}; simulations {t['simulate_seconds']:.1f}s of "
        f"{t['total_seconds']:.1f}s (calibration overhead {100 * t['overhead']:.0f}%)",
        highlight=False,
    )
    if result.ppc:
        p = result.ppc
        console.print(
            f"posterior predictive check: p = {p['p_overall']:.3f} "
            f"({'passes' if p['passes'] else 'FAILS'} at 0.05); {len(p['outside_90'])} of "
            f"{p['count']} summaries outside their 90% intervals",
            highlight=False,
        )
    if result.holdout and result.holdout.get("scores"):
        h = result.holdout
        scores = ", ".join(f"{k} {v['crps']:.3f}" for k, v in h["scores"].items())
        console.print(
            f"out of sample ({h['test_years'][0]}-{h['test_years'][-1]}), CRPS: {scores}",
            highlight=False,
        )
    if result.sbc:
        s = result.sbc
        effect = "; ".join(
            f"{r['outcome']} coverage {r['coverage_90']:.2f}, error/prior {r['error_ratio']:.2f}"
            for r in s["policy_effect"]
        )
        console.print(
            f"simulation-based calibration ({s['truths']} truths): 90% coverage "
            f"{s['coverage_90']:.2f}; uniform ranks for {s['uniform_parameters']} of "
            f"{len(s['parameters'])} parameters; posterior error / prior error "
            f"{s['error_ratio']:.2f}; policy effect: {effect}",
            highlight=False,
        )
    lopo = (result.partners or {}).get("leave_one_partner_out")
    if lopo:
        scores = ", ".join(f"{k} {v:.3f}" for k, v in lopo["scores"].items())
        console.print(
            f"across {lopo['partners_scored']} partners, each held out "
            f"({lopo['test_years'][0]}-{lopo['test_years'][1]}), CRPS: {scores}",
            highlight=False,
        )
    for note in result.notes:
        console.print(f"note: {note}", style="dim", highlight=False)


def simulate_command(
    case: str = CaseOption,
    policy: str = typer.Option(
        ..., "--policy", help="A built-in policy or a .toml/.yaml policy file."
    ),
    runs: int = typer.Option(20, "--runs", min=1, help="Runs per posterior draw."),
    years: int = typer.Option(20, "--years", help="Years after the record."),
    draws: int = typer.Option(50, "--draws", min=2, help="Posterior draws."),
    budget: int = typer.Option(8000, "--budget", help="Simulations for the calibration."),
    seed: int = SeedOption,
    prior: bool = typer.Option(False, "--prior", help="Use the prior, skip calibration."),
    branch: int | None = typer.Option(
        None,
        "--branch",
        help="Replay the record to this year, then follow --policy (a counterfactual).",
    ),
    until: int | None = typer.Option(
        None, "--until", help="Last year of a --branch history (default: the record's end)."
    ),
    scheduler: str | None = SchedulerOption,
    as_json: bool = JsonOption,
) -> None:
    """Posterior-predictive outcomes of one policy, or a counterfactual history (--branch)."""
    from bilat import sim

    chosen = sim.get_policy(policy)
    posterior = _posterior(case, budget, seed, scheduler, prior)
    if branch is not None:
        _print_branch(
            sim.branch(
                chosen,
                posterior,
                branch,
                until=until,
                runs=runs,
                draws=draws,
                seed=seed,
                case=case,
            ),
            as_json,
        )
        return
    table = sim.simulate(
        chosen,
        posterior,
        runs=runs,
        years=years,
        seed=seed,
        draws=draws,
        case=case,
        scheduler=scheduler,
    )
    rows = table.to_dict(orient="records")
    if as_json:
        print_json(
            {
                "policy": chosen.describe(),
                "runs": runs,
                "years": years,
                "draws": draws,
                "seed": seed,
                "rows": rows,
            }
        )
        return
    console.print(_outcome_table(rows, f"{chosen.name}: {chosen.label}", paired=False))


def compare_command(
    case: str = CaseOption,
    policies: str = typer.Option(
        ",".join(("security-only", "conditional", "broadened", "disengagement")),
        "--policies",
        help="Comma-separated policies (built-in names or policy files).",
    ),
    runs: int = typer.Option(20, "--runs", min=1, help="Paired runs per posterior draw."),
    years: int = typer.Option(20, "--years", help="Years after the record."),
    draws: int = typer.Option(100, "--draws", min=2, help="Posterior draws."),
    budget: int = typer.Option(8000, "--budget", help="Simulations for the calibration."),
    seed: int = SeedOption,
    prior: bool = typer.Option(False, "--prior", help="Use the prior, skip calibration."),
    scheduler: str | None = SchedulerOption,
    as_json: bool = JsonOption,
) -> None:
    """Compare policies (paired by common random numbers) and answer the article's question."""
    from bilat import sim

    names = [p.strip() for p in policies.split(",") if p.strip()]
    posterior = _posterior(case, budget, seed, scheduler, prior, partners=True)
    result = sim.compare(
        names,
        posterior,
        runs=runs,
        years=years,
        seed=seed,
        draws=draws,
        case=case,
        scheduler=scheduler,
    )
    names_in = set(result.per_draw)
    verdict = (
        sim.answer(result, None, posterior, seed=seed)
        if {sim.PROPOSAL, sim.BASELINE} <= names_in
        else None
    )
    if as_json:
        print_json(
            {
                "comparison": result.to_dict(),
                "answer": None if verdict is None else verdict.to_dict(),
            }
        )
        return
    console.print(
        _outcome_table(
            result.table.to_dict(orient="records"),
            f"{case}: policies vs {result.baseline}, {years} years after the record",
            paired=True,
        )
    )
    if verdict is not None:
        console.print(f"\n[bold]{verdict.question}[/]")
        console.print(verdict.statement, highlight=False)
        for caveat in verdict.caveats:
            console.print(f"caveat: {caveat}", style="dim", highlight=False)


def sensitivity_command(
    case: str = CaseOption,
    samples: int = typer.Option(64, "--samples", min=1, help="SALib base sample (a power of 2)."),
    runs: int = typer.Option(16, "--runs", min=1, help="Paired runs per parameter set."),
    years: int = typer.Option(20, "--years", help="Years after the record."),
    method: str = typer.Option("sobol", "--method", help="sobol or morris."),
    ranges: str = typer.Option("prior", "--ranges", help="prior or posterior 90% ranges."),
    budget: int = typer.Option(8000, "--budget", help="Simulations for the calibration."),
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    as_json: bool = JsonOption,
) -> None:
    """Which parameters decide whether broadening beats security-only (Sobol or Morris)."""
    from bilat import sim

    posterior = _posterior(case, budget, seed, scheduler, ranges == "prior")
    result = sim.sensitivity(
        posterior,
        samples=samples,
        runs=runs,
        years=years,
        seed=seed,
        method=method,
        ranges=ranges,
        case=case,
        scheduler=scheduler,
    )
    if as_json:
        print_json(result.to_dict())
        return
    index = "ST" if method == "sobol" else "mu_star"
    table = Table(title=f"sensitivity of broadened minus security-only ({method}, {index})")
    table.add_column("parameter")
    outcomes = list(dict.fromkeys(result.table["outcome"]))
    for o in outcomes:
        table.add_column(o)
    for name in dict.fromkeys(result.table["parameter"]):
        cells = [name]
        for o in outcomes:
            row = result.table[(result.table.parameter == name) & (result.table.outcome == o)]
            flag = " *" if bool(row["flips"].iloc[0]) else ""
            cells.append(f"{float(row[index].iloc[0]):.2f}{flag}")
        table.add_row(*cells)
    console.print(table)
    console.print("* the sign of the difference flips across this parameter's range")
    for c in result.conditions or ["no parameter flips the sign within the ranges explored"]:
        console.print(c, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the model's commands."""
    app.command("calibrate")(calibrate_command)
    app.command("simulate")(simulate_command)
    app.command("compare")(compare_command)
    app.command("sensitivity")(sensitivity_command)
