"""``bilat record``: the built-in US-Pakistan record (events, annual series, claims)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from bilat import record
from bilat.cli._common import DbOption, JsonOption, console, db_path, print_json
from bilat.events import EventStore

__all__ = [
    "claims_command",
    "list_command",
    "load_command",
    "record_app",
    "register",
    "series_command",
]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN and NA become None)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict("records")]


record_app = typer.Typer(
    help="The built-in US-Pakistan record: sourced events, annual series and claims.",
    no_args_is_help=True,
)


def list_command(
    since: str | None = typer.Option(None, "--since", help="First date, YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Last date, YYYY-MM-DD."),
    as_json: bool = JsonOption,
) -> None:
    """List the record's events, with their sources."""
    frame = record.events(since=since, until=until)
    if as_json:
        print_json({"count": len(frame), "events": _rows(frame)})
        return
    table = Table(title=f"US-Pakistan record: {len(frame)} events", title_justify="left")
    for column in ("date", "actor", "recipient", "cameo", "summary"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples():
        table.add_row(
            f"{row.date} ({row.date_precision})",
            str(row.actor_text),
            str(row.recipient_text),
            str(row.cameo),
            str(row.sentence),
        )
    console.print(table)


record_app.command("list")(list_command)


def series_command(
    name: str | None = typer.Argument(None, help="A series name; omit to list them."),
    as_json: bool = JsonOption,
) -> None:
    """List the annual series, or print one of them."""
    if name is None:
        frames = record.series()
        assert isinstance(frames, dict)
        listing = [
            {
                "name": key,
                "description": record.SERIES_DESCRIPTIONS[key],
                "first_year": int(frame["year"].min()),
                "last_year": int(frame["year"].max()),
                "rows": len(frame),
                "columns": list(frame.columns),
            }
            for key, frame in frames.items()
        ]
        if as_json:
            print_json({"series": listing})
            return
        table = Table(title="annual series", title_justify="left")
        for column in ("name", "years", "description"):
            table.add_column(column, overflow="fold")
        for item in listing:
            years = f"{item['first_year']}-{item['last_year']}"
            table.add_row(str(item["name"]), years, str(item["description"]))
        console.print(table)
        return
    frame = record.series(name)
    assert isinstance(frame, pd.DataFrame)
    if as_json:
        print_json({"name": name, "rows": _rows(frame)})
        return
    shown = [c for c in frame.columns if c not in ("source", "note", "convention")]
    table = Table(title=f"series {name}", title_justify="left")
    for column in shown:
        table.add_column(column, overflow="fold")
    for row in _rows(frame[shown]):
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    console.print(table)


record_app.command("series")(series_command)


def claims_command(as_json: bool = JsonOption) -> None:
    """The seed article's claims and the events and series that test them."""
    frame = record.claims()
    if as_json:
        print_json({"claims": _rows(frame)})
        return
    table = Table(title="claims", title_justify="left")
    for column in ("claim_id", "claim", "events", "series"):
        table.add_column(column, overflow="fold")
    for item in _rows(frame):
        table.add_row(
            str(item["claim_id"]),
            str(item["claim"]),
            str(len(item["event_ids"])),
            ", ".join(item["series"]),
        )
    console.print(table)


record_app.command("claims")(claims_command)


def load_command(db: Path | None = DbOption, as_json: bool = JsonOption) -> None:
    """Load the record's events into the event store (idempotent)."""
    path = db_path(db)
    with EventStore(path) as store:
        result = record.load(store)
    if as_json:
        print_json(result.to_dict())
        return
    if result.already_ingested:
        console.print(f"the record is already in {path}; nothing added", highlight=False)
        return
    console.print(
        f"loaded the US-Pakistan record into {path}: read {result.read}, "
        f"stored {result.stored}, duplicates {result.duplicates}, "
        f"quarantined {result.quarantined}",
        highlight=False,
    )


record_app.command("load")(load_command)


def register(app: typer.Typer) -> None:
    """Add the ``record`` command group."""
    app.add_typer(record_app, name="record")
