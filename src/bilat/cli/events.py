"""``bilat events`` (query and export) and ``bilat db stats``."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import cast

import typer
from rich.table import Table

from bilat.cli._common import DbOption, JsonOption, console, console_err, db_path, print_json
from bilat.errors import InputError
from bilat.events import EventStore, parse_dyad
from bilat.events.store import ExportFormat

_FORMATS = ("jsonl", "csv", "parquet")


def register(app: typer.Typer) -> None:
    """Add ``events`` and the ``db`` group."""

    @app.command("events")
    def events_command(
        db: Path | None = DbOption,
        dyad: str | None = typer.Option(None, "--dyad", help="Two ISO3 codes, e.g. USA:PAK."),
        directed: bool = typer.Option(
            False, "--directed", help="Only actor -> recipient (default: both ways)."
        ),
        since: str | None = typer.Option(None, "--since", help="First date, YYYY-MM-DD."),
        until: str | None = typer.Option(None, "--until", help="Last date, YYYY-MM-DD."),
        code: list[str] | None = typer.Option(
            None, "--code", help="CAMEO code prefix; repeat for several (e.g. --code 19)."
        ),
        dataset: list[str] | None = typer.Option(None, "--dataset", help="Only these datasets."),
        fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv or parquet."),
        out: Path | None = typer.Option(
            None, "--out", help="Write to this file (default: standard output)."
        ),
    ) -> None:
        """Query the event store by dyad, period and codes; export as JSONL, CSV or Parquet."""
        if fmt not in _FORMATS:
            raise InputError(
                f"unknown format {fmt!r}; choose {', '.join(_FORMATS)}", field="--format", value=fmt
            )
        if fmt == "parquet" and out is None:
            raise InputError("Parquet is binary: give --out FILE", field="--out", value=None)
        query = {
            "dyad": parse_dyad(dyad, directed) if dyad else None,
            "directed": directed,
            "since": since,
            "until": until,
            "codes": code or (),
            "datasets": dataset or (),
        }
        with EventStore(db_path(db), read_only=True) as store:
            if out is not None:
                n = store.export(out, cast(ExportFormat, fmt), **query)
                console_err.print(f"wrote {n} events to {out}", highlight=False)
                return
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / f"events.{fmt}"
                store.export(target, cast(ExportFormat, fmt), **query)
                with target.open(encoding="utf-8") as exported:
                    shutil.copyfileobj(exported, sys.stdout)

    db_app = typer.Typer(help="Inspect the event store.", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("stats")
    def stats_command(db: Path | None = DbOption, as_json: bool = JsonOption) -> None:
        """Counts of events, batches and quarantined rows, by dataset."""
        with EventStore(db_path(db), read_only=True) as store:
            stats = store.stats()
        if as_json:
            print_json(stats)
            return
        table = Table(title=f"event store {stats['path']}", show_header=False)
        for key in ("events", "first_date", "last_date", "batches", "read", "stored"):
            table.add_row(key, str(stats[key]))
        table.add_row("duplicates", str(stats["duplicates"]))
        table.add_row("quarantined", str(stats["quarantined"]))
        for name, n in stats["by_dataset"].items():
            table.add_row(f"  dataset {name}", str(n))
        console.print(table)
