"""``bilat study DYAD`` (the whole pipeline, to a report) and ``bilat serve`` (the web app)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from bilat.cli._common import JsonOption, console, console_err, print_json, progress
from bilat.errors import InputError
from bilat.study.pipeline import DEFAULT_BUDGET, StageFailedError
from bilat.study.result import StageOutcome

__all__ = ["folder_name", "register", "serve_command", "study_command"]


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError(
            "is not a date in YYYY-MM-DD form", field="--doc-date", value=text
        ) from err


def _exit_on(problems: list[StageOutcome]) -> None:
    """Exit 1 with one line when a stage failed (``--keep-going`` ran past it)."""
    if problems:
        names = ", ".join(f"{p.name} ({p.reason})" for p in problems)
        raise StageFailedError(f"{len(problems)} stage(s) did not complete: {names}")


def folder_name(case_name: str) -> str:
    """The default output folder's name for a case (``USA:EGY`` -> ``usa-egy``)."""
    return case_name.replace(":", "-").lower() if ":" in case_name else case_name


def study_command(
    case: str = typer.Argument(
        ...,
        help="The case: a dyad PATRON:CLIENT (USA:EGY, USA:TUR, USA:PAK ...), a case name "
        "(us-pakistan) or a case file (.toml).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: out/CASE, e.g. out/usa-egy)."
    ),
    text: list[Path] | None = typer.Option(
        None, "--text", help="A text document to code into the store; repeat for several."
    ),
    doc_date: str | None = typer.Option(
        None,
        "--doc-date",
        help="Date of the --text documents, YYYY-MM-DD (default: the case file's; required "
        "for a dyad without one).",
    ),
    db: Path | None = typer.Option(
        None,
        "--db",
        help="An event store (bilat ingest ...) whose events of the dyad feed the measures; "
        "read only.",
    ),
    budget: int = typer.Option(
        DEFAULT_BUDGET,
        "--budget",
        help="Calibration budget, in simulations (at least 400: 4 populations of 100).",
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed, the same numbers."),
    force: bool = typer.Option(
        False, "--force", help="Overwrite files in --out that bilat did not create."
    ),
    keep_going: bool = typer.Option(
        False,
        "--keep-going",
        help="Go on past a failed stage and write the report; still exit non-zero.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Study a partnership: record, stored events, panel, claims, model, policies -> report.

    Any dyad works (USA:EGY): the case is built from the panel, the events of
    --db and --text; a case file adds the question, eras and episodes, and only
    US–Pakistan ships a curated record and a calibrated model. Writes
    OUT/report.html, OUT/answer.json, OUT/figures/*.png, OUT/events.parquet, its
    own store OUT/study.duckdb and OUT/bilat-manifest.json (the files it
    created); refuses to overwrite any other file unless --force. A failed stage
    stops the run (exit 1) unless --keep-going.
    """
    from bilat.report import FIGURES, write_report
    from bilat.study import get_case, run_study
    from bilat.study.output import MANIFEST, STUDY_STORE

    chosen = get_case(case)
    folder = out if out is not None else Path("out") / folder_name(chosen.name)
    with progress(enabled=not as_json) as bar:
        task = bar.add_task("study", total=None)

        def on_stage(title: str, index: int, total: int) -> None:
            bar.update(task, description=title, completed=index, total=total)

        result = run_study(
            chosen,
            folder,
            texts=text or (),
            doc_date=_parse_date(doc_date),
            db=db,
            writer=write_report,
            figures=tuple(FIGURES),
            budget=budget,
            seed=seed,
            strict=not keep_going,
            force=force,
            on_stage=on_stage,
        )
        bar.update(task, completed=len(result.stages))
    answer: dict[str, Any] = json.loads((folder / "answer.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    written = sorted(str(name) for name in manifest["files"])
    summary = {
        "case": chosen.name,
        "out": str(folder),
        "files": {
            "report": str(folder / "report.html"),
            "answer": str(folder / "answer.json"),
            "events": str(folder / "events.parquet"),
            "store": str(folder / STUDY_STORE),
            "manifest": str(folder / MANIFEST),
            "figures": [  # only bilat's: a user's own figures/*.png are not the study's
                str(folder / name)
                for name in written
                if name.startswith("figures/") and (folder / name).is_file()
            ],
        },
        "seconds": round(result.seconds, 2),
        "stages": [s.to_dict() for s in result.stages],
        "answer": answer["answer"],
        "claims": [{"id": c["id"], "verdict": c["verdict"]} for c in answer["claims"]["items"]],
    }
    problems = result.problems()
    if as_json:
        print_json(summary)
        _exit_on(problems)
        return
    for stage in result.stages:
        mark = {"ok": "[green]ok[/]", "not_available": "[yellow]not available[/]"}.get(
            stage.status, "[red]failed[/]"
        )
        note = f" — {stage.reason}" if stage.reason else ""
        console.print(f"  {stage.title}: {mark} ({stage.seconds:.1f} s){note}", highlight=False)
    statement = answer["answer"].get("statement") or "not available"
    console.print(f"\n[bold]Answer:[/] {statement}", highlight=False)
    console.print(
        f"\nWrote {folder / 'report.html'} and {folder / 'answer.json'} in {result.seconds:.1f} s",
        highlight=False,
    )
    _exit_on(problems)


def serve_command(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface to bind (local only by default)."
    ),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="A study's output folder whose report to serve (default: out/us-pakistan).",
    ),
    case: str = typer.Option("us-pakistan", "--case", help="The case the app studies."),
) -> None:
    """Serve the study's views and the what-if controls on a local web app."""
    from bilat.app import create_app, require_app_extra

    require_app_extra()
    import uvicorn

    folder = out if out is not None else Path("out") / case
    application = create_app(case=case, study_dir=folder)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console_err.print(
            f"[yellow]warning:[/] serving on {host}: the app is reachable from other machines",
            highlight=False,
        )
    console_err.print(f"bilat app on http://{host}:{port}/ (Ctrl+C stops it)", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``study`` and ``serve``."""
    app.command("study")(study_command)
    app.command("serve")(serve_command)
