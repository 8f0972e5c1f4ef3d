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

__all__ = ["code_command", "eval_command", "register", "train_model_command"]


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
    all_events: bool = typer.Option(
        False, "--all-events", help="Every event of a sentence, not one per clause."
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
        coder = Coder(dicts=dicts, modalities=modalities, all_events=all_events)
        records = coder.code_records(data, day, "stdin")
        name = "<stdin>"
    else:
        path = Path(source)
        if path.is_dir():
            paths = sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            paths = [path]
        else:
            raise InputError("no such file or directory", file=source)
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
            all_events=all_events,
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
    gold: Path = typer.Argument(
        ...,
        help="Gold file: PETRARCH .xml, flat .jsonl, PLOVER_GSR_CAMEO.txt, cameo_class .tsv.",
    ),
    dicts: str | None = typer.Option(
        None,
        "--dicts",
        help="Dictionaries (default: the bundled Phoenix + bilat set; 'bilat' for bilat's own).",
    ),
    split: str = typer.Option(
        "all", "--split", help="all, or the fixed 'tune' or 'held-out' half of the records."
    ),
    all_events: bool = typer.Option(
        False, "--all-events", help="Score every event of a sentence, not one per clause."
    ),
    model: Path | None = typer.Option(
        None,
        "--model",
        help="An event-type model (bilat train-coder-model) for sentences the dictionaries "
        "do not code.",
    ),
    model_threshold: float = typer.Option(
        0.15, "--model-threshold", help="Least probability for a model event (0-1)."
    ),
    rows: bool = typer.Option(False, "--rows", help="Include per-record results in --json."),
    as_json: bool = JsonOption,
) -> None:
    """Score the coder on gold records: TP/FP by category and by error class."""
    from bilat.coding.coder import Coder
    from bilat.coding.evaluate import evaluate

    coder = None
    if model is not None:
        from bilat.coding.model import EventTypeModel

        if not 0.0 <= model_threshold <= 1.0:
            raise InputError(
                "must lie between 0 and 1", field="--model-threshold", value=model_threshold
            )
        coder = Coder(
            dicts=dicts,
            all_events=all_events,
            model=EventTypeModel.load(model),
            model_threshold=model_threshold,
        )
    result = evaluate(gold, coder, dicts=dicts, split=split, all_events=all_events)
    payload = result.to_dict(rows=rows)
    if as_json:
        print_json(payload)
        return
    overall = payload["overall"]
    if result.kind == "triples":
        console.print(
            f"{gold.name} ({split}): records {overall['records']}, TP {overall['tp_pct']:.2f} %, "
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
        for side in ("uncoded", "extra"):
            counts = ", ".join(f"{k} {v}" for k, v in payload["errors"][side].items() if v)
            console.print(f"  {side} by error class: {counts or 'none'}", highlight=False)
    else:
        console.print(
            f"{gold.name} ({split}): accuracy {payload['accuracy_pct']:.2f} %, coded "
            f"{payload['coded_pct']:.2f} %, right where coded "
            f"{payload['right_where_coded_pct']:.2f} %, macro-F1 {payload['macro_f1']:.3f}",
            highlight=False,
        )


def train_model_command(
    gold: list[Path] = typer.Argument(
        ...,
        help="Gold files with CAMEO codes: PETRARCH .xml / flat .jsonl, or JSONL rows with "
        "'text' and 'cameo_code'.",
    ),
    out: Path = typer.Option(..., "--out", help="Where to write the model (a new JSON file)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same model)."),
    as_json: bool = JsonOption,
) -> None:
    """Train the optional event-type model (TF-IDF + logistic regression) on gold files."""
    from bilat.coding.model import EventTypeModel, training_rows

    if out.exists():
        raise InputError("exists; choose a new file for the model", file=out)
    texts, roots, described = training_rows(gold)
    model = EventTypeModel.train(texts, roots, seed=seed, trained_on=described)
    model.save(out)
    summary = {"model": str(out), "sentences": len(texts), "roots": sorted(set(roots))}
    summary["trained_on"] = described
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"{out}: trained on {len(texts)} sentences, {len(set(roots))} roots", highlight=False
        )


def register(app: typer.Typer) -> None:
    """Add the ``code``, ``eval-coder`` and ``train-coder-model`` commands."""
    app.command("code")(code_command)
    app.command("eval-coder")(eval_command)
    app.command("train-coder-model")(train_model_command)
