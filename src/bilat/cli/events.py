"""``bilat events`` (query and export) and ``bilat db stats|batches|forget-batch``."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import cast

import typer
from rich.table import Table

from bilat.cli._common import (
    DbOption,
    ForceOption,
    JsonOption,
    console,
    console_err,
    db_path,
    print_json,
    refuse_to_replace,
)
from bilat.errors import InputError
from bilat.events import EventStore, parse_dyad
from bilat.events.store import YEAR_RANGE, ExportFormat

__all__ = [
    "batches_command",
    "db_app",
    "events_command",
    "forget_batch_command",
    "register",
    "stats_command",
]

_FORMATS = ("jsonl", "csv", "parquet")


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
    force: bool = ForceOption,
) -> None:
    """Query the event store by dyad, period and codes; export as JSONL, CSV or Parquet."""
    if fmt not in _FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; choose {', '.join(_FORMATS)}", field="--format", value=fmt
        )
    if fmt == "parquet" and out is None:
        raise InputError("Parquet is binary: give --out FILE", field="--out", value=None)
    refuse_to_replace(out, force, "--out")
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
    if stats["out_of_range"]:
        console_err.print(
            f"warning: {stats['out_of_range']} event(s) have a date outside "
            f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]} (stored by an older bilat); find their batch "
            "with `bilat db batches` and remove it with `bilat db forget-batch ID`",
            highlight=False,
            markup=False,
        )


db_app.command("stats")(stats_command)


def batches_command(db: Path | None = DbOption, as_json: bool = JsonOption) -> None:
    """List the stored batches (one per file ingested) with their ids and counts."""
    with EventStore(db_path(db), read_only=True) as store:
        frame = store.batches()
    rows = [
        {
            "batch_id": int(r["batch_id"]),
            "file": str(r["file"]),
            "dataset": r["dataset"] if isinstance(r["dataset"], str) else None,
            "read": int(r["read"]),
            "stored": int(r["stored"]),
            "duplicates": int(r["duplicates"]),
            "quarantined": int(r["quarantined"]),
            "sha256": str(r["sha256"]),
        }
        for r in frame.to_dict("records")
    ]
    if as_json:
        print_json({"batches": rows, "count": len(rows)})
        return
    for r in rows:
        console.print(
            f"{r['batch_id']}\t{r['file']} [{r['dataset']}]: read {r['read']}, stored "
            f"{r['stored']}, duplicates {r['duplicates']}, quarantined {r['quarantined']}",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(rows)} batch(es)", style="dim")


def forget_batch_command(
    batch_id: int = typer.Argument(..., help="The batch to remove (see `bilat db batches`)."),
    db: Path | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Remove a batch: its events, quarantined rows and record, in one transaction."""
    with EventStore(db_path(db)) as store:
        removed = store.forget_batch(batch_id)
    if as_json:
        print_json(removed)
        return
    console.print(
        f"forgot batch {removed['batch_id']} ({removed['file']}): removed {removed['events']} "
        f"event(s) and {removed['quarantined']} quarantined row(s); ingesting the file again "
        "stores it anew",
        highlight=False,
        markup=False,
    )


db_app.command("batches")(batches_command)
db_app.command("forget-batch")(forget_batch_command)


def register(app: typer.Typer) -> None:
    """Add ``events`` and the ``db`` group."""
    app.command("events")(events_command)
    app.add_typer(db_app, name="db")
