"""``bilat ingest`` and ``bilat quarantine``: read event files, show what was set aside."""

from __future__ import annotations

from pathlib import Path

import typer

from bilat.cli._common import DbOption, JsonOption, console, console_err, db_path, print_json
from bilat.cli._common import progress as progress_bar
from bilat.events import EventStore
from bilat.ingest import FORMATS, FileResult, Source, ingest

__all__ = ["ingest_command", "quarantine_command", "register"]


def _int_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def ingest_command(
    paths: list[Path] = typer.Argument(
        ..., help="Event files (plain, .gz or .zip) or directories."
    ),
    fmt: str = typer.Option(
        "auto",
        "--format",
        help="auto (recognise by content) or one of: " + ", ".join(FORMATS) + ".",
    ),
    db: Path | None = DbOption,
    engine: str = typer.Option(
        "local", "--engine", help="local, or dask (files in parallel, via Parquet)."
    ),
    parquet: Path | None = typer.Option(
        None, "--parquet", help="With --engine dask: where the Parquet dataset goes."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="With --engine dask: a scheduler address (default: local)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Ingest GDELT 1.0/2.0, ICEWS, PLOVER/POLECAT or bilat files; print the counts."""
    with EventStore(db_path(db)) as store, progress_bar(not as_json) as bar:
        task = bar.add_task("ingest", total=None)

        def found(sources: list[Source]) -> None:
            bar.update(task, total=len(sources))

        def done(result: FileResult) -> None:
            bar.advance(task)
            if not as_json:
                note = " (already ingested)" if result.already_ingested else ""
                console.print(
                    f"{result.path} [{result.format}]: read {result.read}, stored "
                    f"{result.stored}, duplicates {result.duplicates}, quarantined "
                    f"{result.quarantined}{note}",
                    highlight=False,
                    markup=False,
                )

        report = ingest(
            [str(p) for p in paths],
            store,
            format=fmt,
            engine=engine,
            on_file=done,
            on_sources=found,
            parquet_dir=parquet,
            scheduler=scheduler,
        )
    for name, why in report.skipped:
        console_err.print(f"skipped {name}: {why}", highlight=False, markup=False)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(
        f"total: read {report.read}, stored {report.stored}, duplicates "
        f"{report.duplicates}, quarantined {report.quarantined}",
        highlight=False,
        markup=False,
    )
    if report.quarantined:
        console.print("see the quarantined rows with `bilat quarantine`", style="dim")


def quarantine_command(
    db: Path | None = DbOption,
    limit: int = typer.Option(0, "--limit", min=0, help="Show at most this many rows (0: all)."),
    as_json: bool = JsonOption,
) -> None:
    """List the quarantined rows with their file, line and reason."""
    with EventStore(db_path(db), read_only=True) as store:
        rows = store.quarantined()
    if limit > 0:
        rows = rows.head(limit)
    records = [
        {
            "file": str(r["file"]),
            "line": _int_or_none(r["line"]),
            "reason": str(r["reason"]),
            "field": r["field"] if isinstance(r["field"], str) else None,
            "value": r["value"] if isinstance(r["value"], str) else None,
            "raw": r["raw"] if isinstance(r["raw"], str) else None,
        }
        for r in rows.to_dict("records")
    ]
    if as_json:
        print_json({"quarantined": records, "count": len(records)})
        return
    for r in records:
        console.print(f"{r['file']}:{r['line']}: {r['reason']}", highlight=False, markup=False)
    console.print(f"{len(records)} quarantined row(s)", style="dim")


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` and ``quarantine`` commands."""
    app.command("ingest")(ingest_command)
    app.command("quarantine")(quarantine_command)
