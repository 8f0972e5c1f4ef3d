"""``bilat panel``: the US-partner dyad-year panel (build, effects, peers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bilat.cli._common import (
    ForceOption,
    JsonOption,
    console,
    db_path,
    print_json,
    progress,
    refuse_to_replace,
)
from bilat.panel import build_panel
from bilat.panel.sources import READERS

__all__ = [
    "build_command",
    "effects_command",
    "panel_app",
    "peers_command",
    "register",
]

panel_app = typer.Typer(
    help="Every US partnership since 1946 as one dyad-year panel.",
    no_args_is_help=True,
)


def build_command(
    db: Path | None = typer.Option(
        None,
        "--db",
        envvar="BILAT_DB",
        help="DuckDB file to receive dyad_year, panel_columns, panel_sources and "
        "panel_quarantine (default ./bilat.duckdb; BILAT_DB overrides).",
    ),
    sources: Path | None = typer.Option(
        None,
        "--sources",
        help="Folder laid out as shared/data/panel (default: $BILAT_SHARED/data/panel or "
        "../shared/data/panel).",
    ),
    parquet: Path | None = typer.Option(
        None, "--parquet", help="Also write dyad_year as zstd Parquet (panel_sources beside it)."
    ),
    force: bool = ForceOption,
    as_json: bool = JsonOption,
) -> None:
    """Build the panel from its source files; a bad source file leaves the old panel intact."""
    refuse_to_replace(parquet, force, "--parquet")
    target = db if db is not None or parquet is not None else db_path(None)
    with progress(not as_json) as bar:
        task = bar.add_task("panel build", total=len(READERS))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"read {name}")

        result = build_panel(sources, db=target, parquet=parquet, progress=step)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"dyad_year: {result.rows} partner-years, {result.partners} partners, "
        f"{result.year_min}-{result.year_max}; {result.quarantined} source rows quarantined",
        highlight=False,
    )
    for src in result.sources:
        console.print(
            f"  {src['file']}: read {src['rows_read']}, used {src['rows_used']}, "
            f"quarantined {src['rows_quarantined']}, out of scope {src['rows_out_of_scope']}",
            highlight=False,
            style="dim",
        )
    written = [p for p in (result.db, result.parquet) if p]
    console.print(f"written: {', '.join(written)}", highlight=False)


panel_app.command("build")(build_command)


def register(app: typer.Typer) -> None:
    """Add the ``panel`` command group."""
    app.add_typer(panel_app, name="panel")


PanelDbOption = typer.Option(
    None,
    "--db",
    help="A DuckDB file with a dyad_year table (from `bilat panel build --db`); "
    "default: the panel shipped with bilat.",
)


def effects_command(
    treatment: str = typer.Option(
        "broadening_index",
        "--treatment",
        help="Treatment: broadening_index, econ_share, democracy_aid, trade_intensity, "
        "defense_pact or security_only.",
    ),
    outcome: str = typer.Option(
        "unga_agree",
        "--outcome",
        help="Outcome: unga_agree, unga_distance, sanction_imposed, aid_cutoff, mid_onset, "
        "rival_arms_share, regime_change or pew_fav_us.",
    ),
    estimator: str = typer.Option(
        "twfe", "--estimator", help="twfe (two-way fixed effects) or event (Sun-Abraham)."
    ),
    level: float = typer.Option(0.9, "--level", help="Interval level (0-1)."),
    db: Path | None = PanelDbOption,
    as_json: bool = JsonOption,
) -> None:
    """Estimate what a treatment did to an outcome across every US partner since 1946."""
    from bilat.errors import UnknownCodeError
    from bilat.panel import load_panel
    from bilat.panel.effects import event_study, twfe

    if estimator not in ("twfe", "event"):
        raise UnknownCodeError("estimator", estimator, ["event", "twfe"])
    with progress(not as_json) as bar:
        bar.add_task(f"{estimator}: {treatment} -> {outcome}", total=None)
        panel = load_panel(db)
        if estimator == "twfe":
            result: Any = twfe(panel, treatment, outcome, level=level)
        else:
            result = event_study(panel, treatment, outcome, level=level)
    payload = result.to_dict()
    if as_json:
        print_json(payload)
        return
    interval = payload["interval"]
    console.print(
        f"[bold]{treatment} -> {outcome}[/] ({estimator}): estimate {payload['estimate']:+.4f}, "
        f"{interval['level']:.0%} interval [{interval['low']:+.4f}, {interval['high']:+.4f}], "
        f"p = {payload['p_value']:.3f}",
        highlight=False,
    )
    console.print(
        f"partners: {payload['n_partners']} ({payload['n_identifying']} identify the effect); "
        f"years: {payload['n_years']} ({payload['years'][0]}-{payload['years'][1]}); "
        f"partner-years: {payload['n_obs']}",
        highlight=False,
    )
    pretrend = payload["pretrend"]
    if pretrend is None:
        console.print("pre-trend test: none for this design (use --estimator event)")
    else:
        console.print(
            f"pre-trend test: F = {pretrend['statistic']:.2f} on {pretrend['df']} leads, "
            f"p = {pretrend['p_value']:.3f} ({pretrend['test']}); naive TWFE "
            f"{payload['naive_twfe']['estimate']:+.4f}",
            highlight=False,
        )
    console.print("assumptions:")
    for line in payload["assumptions"]:
        console.print(f"  - {line}", highlight=False)


def peers_command(
    dyad: str = typer.Argument("USA:PAK", help="The focal dyad, USA:ISO3 (e.g. USA:PAK)."),
    k: int = typer.Option(5, "--k", min=1, help="Number of peers."),
    since: int | None = typer.Option(None, "--since", help="First year of the window."),
    until: int | None = typer.Option(None, "--until", help="Last year of the window."),
    db: Path | None = PanelDbOption,
    as_json: bool = JsonOption,
) -> None:
    """List the partners most like the focal one (regime, rivalry, alliance, aid) and why."""
    from bilat.panel import load_panel
    from bilat.panel.peers import find_peers

    with progress(not as_json) as bar:
        bar.add_task(f"peers of {dyad}", total=None)
        panel = load_panel(db)
        years = None
        if since is not None or until is not None:
            years = (
                since if since is not None else int(panel["year"].min()),
                until if until is not None else int(panel["year"].max()),
            )
        result = find_peers(panel, dyad, k=k, years=years)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(result.summary(), highlight=False)


panel_app.command("effects")(effects_command)
panel_app.command("peers")(peers_command)
