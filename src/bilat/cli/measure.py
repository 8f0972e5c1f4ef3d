"""``bilat measure`` (series, phases, breadth, reciprocity of a dyad) and ``bilat claims``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bilat.cli._common import DbOption, JsonOption, console, console_err, db_path, print_json
from bilat.errors import InputError, StoreError, UnknownCodeError

__all__ = ["check_dyad_countries", "claims_command", "measure_command", "register"]

_SUBSTATE_HELP = (
    "Also count events whose actor or recipient is an armed non-state group "
    "(insurgents, rebels, separatists, militias, transnational militants); "
    "by default only state-state events count."
)


def check_dyad_countries(dyad: str) -> None:
    """Check that both sides of ``"USA:PAK"`` are ISO3 codes the ontology knows.

    Raises
    ------
    UnknownCodeError
        Naming the unknown code and the nearest valid ISO3 codes.
    """
    from bilat.events.store import parse_dyad
    from bilat.ontology import countries, nearest, to_iso3

    pair = parse_dyad(dyad)
    for code in (pair.actor, pair.recipient):
        iso3 = to_iso3(code)
        if iso3 != code:
            # another scheme's code (CAMEO USR, FIPS PK) points at its ISO3 code first
            pool = [str(c) for c in countries()["iso3"]]
            suggestions = ([iso3] if iso3 else []) + nearest(code, pool)
            unique = list(dict.fromkeys(suggestions))[:3]  # one line on an 80-column terminal
            raise UnknownCodeError("country", code, unique, field="--dyad")


def measure_command(
    dyad: str = typer.Option(..., "--dyad", help="Two ISO3 codes, e.g. USA:PAK."),
    freq: str = typer.Option("year", "--freq", help="year, quarter or month."),
    since: str | None = typer.Option(None, "--since", help="First date (YYYY-MM-DD or YYYY)."),
    until: str | None = typer.Option(None, "--until", help="Last date (YYYY-MM-DD or YYYY)."),
    weighted: bool = typer.Option(False, "--weighted", help="Weight events by mentions."),
    dataset: list[str] | None = typer.Option(None, "--dataset", help="Only these datasets."),
    seed: int = typer.Option(0, "--seed", help="Seed of the HMM restarts."),
    include_substate: bool = typer.Option(False, "--include-substate", help=_SUBSTATE_HELP),
    db: Path | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Series, phases, breadth, reciprocity and latent score of a dyad, from the store."""
    from bilat.events import EventStore
    from bilat.measure import FREQUENCIES, measure_dyad

    if freq not in FREQUENCIES:
        raise InputError(
            f"unknown frequency {freq!r}; choose year, quarter or month",
            field="--freq",
            value=freq,
        )
    check_dyad_countries(dyad)
    path = db_path(db)
    if not path.exists():
        raise StoreError(
            f"no event store at {path}; load the built-in record with `bilat record load` "
            "(or ingest events with `bilat ingest`), or point --db at a store"
        )
    with EventStore(path, read_only=True) as store:
        if store.count() == 0:
            raise StoreError(
                f"the event store {path} is empty; load the built-in record with "
                "`bilat record load`"
            )
        found = measure_dyad(
            store,
            dyad,
            freq=freq,
            since=since,
            until=until,
            weighted=weighted,
            datasets=dataset or (),
            seed=seed,
            include_substate=include_substate,
        )
    if as_json:
        print_json(found.to_dict())
        return
    _print_measures(found)


def claims_command(
    case: str = typer.Argument("us-pakistan", help="The case whose claims to test."),
    n_boot: int = typer.Option(2000, "--n-boot", min=1, help="Bootstrap draws per interval."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    include_substate: bool = typer.Option(False, "--include-substate", help=_SUBSTATE_HELP),
    as_json: bool = JsonOption,
) -> None:
    """Test the article's claims on the built-in record: statistic, interval, verdict."""
    from bilat.claims import CASES, run_case
    from bilat.measure import scope_label

    if case not in CASES:
        raise InputError(
            f"unknown case {case!r}; choose from {', '.join(CASES)}", field="case", value=case
        )
    results = run_case(case, n_boot=n_boot, seed=seed, include_substate=include_substate)
    scope = scope_label(include_substate)
    if as_json:
        print_json(
            {
                "case": case,
                "data": "built-in record",
                "scope": scope,
                "include_substate": include_substate,
                "claims": [r.to_dict() for r in results],
            }
        )
        return
    table = Table(
        title=f"claims of the article, tested on the built-in record ({case}; {scope} events)"
    )
    table.add_column("claim")
    table.add_column("verdict")
    table.add_column("statistic [interval]", justify="right")
    table.add_column("why")
    colours = {
        "supported": "green",
        "not supported": "red",
        "mixed": "yellow",
        "insufficient data": "dim",
    }
    for r in results:
        figure = "—" if r.value is None else f"{r.value:.2f}"
        if r.interval is not None:
            figure += f" [{r.interval[0]:.2f}, {r.interval[1]:.2f}]"
        table.add_row(
            f"{r.title}\n[dim]{r.claim_id}[/]",
            f"[{colours[r.verdict]}]{r.verdict}[/]",
            figure,
            r.reason,
        )
    console.print(table)


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _print_measures(found: Any) -> None:
    series = found.series
    if found.include_substate:
        scope_note = "events: state and sub-state (armed non-state actors counted)"
    else:
        scope_note = (
            f"events: state-state only ({found.substate_left_out} sub-state event(s) left out; "
            "--include-substate counts them)"
        )
    console.print(scope_note, highlight=False)
    for note in found.notes:
        console_err.print(f"note: {note}", highlight=False)
    if series.empty:
        console.print(f"no events of {found.dyad}; nothing to measure", highlight=False)
        return
    table = Table(title=f"{found.dyad} by {found.freq} ({found.scope} events)")
    for column in ("period", "direction", "events", "coop", "conflict", "coercion", "Goldstein",
                   "security"):  # fmt: skip
        table.add_column(column, justify="right" if column != "direction" else "left")
    for row in series.itertuples():
        table.add_row(
            str(row.label),
            str(row.direction),
            _fmt(row.events, 0) if isinstance(row.events, float) else str(row.events),
            _fmt(row.coop_share),
            _fmt(row.conflict_share),
            _fmt(row.coercion_share),
            _fmt(row.goldstein_mean),
            _fmt(row.domain_security_share),
        )
    console.print(table)
    hmm = found.phases.get("hmm", {})
    for direction, result in hmm.items():
        phases = Table(title=f"phases of {direction} (HMM, left-right-left)")
        for column in ("from", "to", "label", "events", "coop", "coercion"):
            phases.add_column(column)
        for p in result.phases.itertuples():
            phases.add_row(
                str(p.start), str(p.end), p.label, _fmt(p.events, 1), _fmt(p.coop_share),
                _fmt(p.coercion_share),
            )  # fmt: skip
        console.print(phases)
        for t in result.transitions.to_dict("records"):
            console.print(
                f"  {t['date']}: {t['from']} -> {t['to']}, abruptness {t['abruptness']:.2f}"
                + (
                    f", volume change {t['volume_change']:+.0%}"
                    if t["volume_change"] == t["volume_change"]
                    else ", from no events"
                ),
                highlight=False,
            )
    payload = found.to_dict()
    overall = payload["breadth"]["overall"]
    for direction, b in overall.items():
        console.print(
            f"breadth of {direction}: security share {b['share_security']:.2f}, "
            f"evenness {b['evenness']:.2f} over {int(b['cooperation'])} cooperative events",
            highlight=False,
        )
    if found.reciprocity is not None:
        rec = found.reciprocity
        console.print(f"reciprocity (VAR, {rec.lag_order} lag(s)):", highlight=False)
        for g in rec.granger.itertuples():
            console.print(
                f"  {g.cause} Granger-causes {g.effect}: F = {g.statistic:.2f}, p = {g.pvalue:.3f}",
                highlight=False,
            )
        for r in rec.routine.itertuples():
            console.print(
                f"  {r.direction}: {r.share_from_own:.0%} of its forecast variance from its own "
                f"shocks (routine), {r.share_from_other:.0%} from the other's (reciprocity)",
                highlight=False,
            )
        for r in rec.reciprocity.itertuples():
            console.print(
                f"  cumulative response of {r.direction} to {r.responds_to}: "
                f"{r.cumulative_response:+.2f} [{r.lower:+.2f}, {r.upper:+.2f}]",
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    """Add the ``measure`` and ``claims`` commands."""
    app.command("measure")(measure_command)
    app.command("claims")(claims_command)
