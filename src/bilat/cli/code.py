"""``bilat code`` and ``bilat eval-coder``: text into events, and the coder's accuracy."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer

from bilat.cli._common import JsonOption, console, console_err, db_path, print_json
from bilat.errors import InputError

__all__ = ["code_command", "eval_command", "register"]


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise InputError("is not a date (use YYYY-MM-DD)", field="doc-date", value=value) from err


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in record.items()}


def code_command(
    source: str = typer.Argument(
        "-", help="A text/HTML file, a directory of them, or - for stdin."
    ),
    doc_date: str | None = typer.Option(
        None, "--doc-date", help="Document date, YYYY-MM-DD (default: today)."
    ),
    dicts: str | None = typer.Option(
        None,
        "--dicts",
        help="PETRARCH dictionaries: a folder, a file prefix in one, or a PETR_config.ini.",
    ),
    all_modalities: bool = typer.Option(
        False,
        "--all-modalities",
        help="Also hypothetical, counterfactual, prescriptive, negated.",
    ),
    engine: str = typer.Option("local", "--engine", help="local or dask (for a directory)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    workers: int = typer.Option(2, "--workers", help="Dask LocalCluster workers."),
    db: Path | None = typer.Option(
        None, "--db", help="Store the events in this DuckDB file instead of printing them."
    ),
    store: bool = typer.Option(
        False,
        "--store",
        help="Store the events in the default store ($BILAT_DB or ./bilat.duckdb).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Code English text into events: JSONL on stdout, or stored with --db."""
    from bilat.coding.modality import FACTS, MODALITY_ORDER
    from bilat.coding.parallel import code_files

    day = _date(doc_date) or dt.date.today()
    modalities = MODALITY_ORDER if all_modalities else FACTS
    if source == "-":
        from bilat.coding.coder import Coder

        data = sys.stdin.buffer.read()
        coder = Coder(dicts=dicts, modalities=modalities)
        records = coder.code_records(data, day, "stdin")
        name = "<stdin>"
    else:
        path = Path(source)
        if path.is_dir():
            paths = sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            paths = [path]
        else:
            raise InputError("no such file or directory", field="source", value=source)
        skipped: list[str] = []
        records = code_files(
            paths,
            day,
            dicts,
            modalities,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            errors=skipped if path.is_dir() else None,
        )
        for message in skipped:
            console_err.print(f"skipped {message}", highlight=False)
        name = str(path)
    if db is not None or store:
        from bilat.events import EventStore

        with EventStore(db_path(db)) as events:
            result = events.insert(records, file=name, dataset="coded")
        summary = {
            "file": name,
            "events": len(records),
            "stored": result.stored,
            "duplicates": result.duplicates,
            "db": str(db_path(db)),
        }
        if as_json:
            print_json(summary)
        else:
            console.print(
                f"{name}: {len(records)} events, {result.stored} stored, "
                f"{result.duplicates} duplicates -> {db_path(db)}",
                highlight=False,
            )
        return
    if as_json:
        print_json(
            {"source": name, "count": len(records), "events": [_jsonable(r) for r in records]}
        )
        return
    for record in records:
        sys.stdout.write(json.dumps(_jsonable(record), ensure_ascii=False) + "\n")


def eval_command(
    gold: Path = typer.Argument(..., help="Gold file: PETRARCH .xml, flat .jsonl, class .tsv."),
    dicts: str | None = typer.Option(
        None, "--dicts", help="PETRARCH dictionaries (default: bilat's own)."
    ),
    rows: bool = typer.Option(False, "--rows", help="Include per-record results in --json."),
    as_json: bool = JsonOption,
) -> None:
    """Score the coder on gold records (UD-PETRARCH's TP/FP metric; macro-F1 for classes)."""
    from bilat.coding.evaluate import evaluate

    result = evaluate(gold, dicts=dicts)
    payload = result.to_dict(rows=rows)
    if as_json:
        print_json(payload)
        return
    overall = payload["overall"]
    if result.kind == "triples":
        console.print(
            f"{gold.name}: records {overall['records']}, TP {overall['tp_pct']:.2f} %, "
            f"FN {overall['fn_pct']:.2f} %, FP {overall['fp_pct']:.2f} % "
            f"(correct {overall['correct']}, uncoded {overall['uncoded']}, "
            f"extra {overall['extra']})",
            highlight=False,
        )
        for name, tally in payload["categories"].items():
            console.print(
                f"  {name}: TP {tally['tp_pct']:.2f} %, FP {tally['fp_pct']:.2f} % "
                f"({tally['records']} records)",
                highlight=False,
            )
    else:
        console.print(
            f"{gold.name}: accuracy {payload['accuracy_pct']:.2f} %, macro-F1 "
            f"{payload['macro_f1']:.3f}, coded {payload['coded_pct']:.2f} %",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add the ``code`` and ``eval-coder`` commands."""
    app.command("code")(code_command)
    app.command("eval-coder")(eval_command)
