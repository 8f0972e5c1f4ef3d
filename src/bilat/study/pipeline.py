"""Run a case end to end: record -> coding -> measures -> claims -> model -> report.

:func:`run_study` is the one entry point. Each stage calls the public functions
of the subpackage that owns it (:mod:`bilat.record`, :mod:`bilat.coding`,
:mod:`bilat.measure`, :mod:`bilat.claims`, :mod:`bilat.sim`) through the small
adapters in :mod:`bilat.study.stages`. A stage whose input is missing (no
``--text``, or an earlier stage that did not run) ends ``not_available`` with
the reason, and the report and answer.json say so; a stage never fills in
numbers of its own.

A stage that fails stops the study (``strict``, the default) with the error; with
``strict=False`` (``--keep-going``) the study records the failure, writes what
it can, and the command still exits non-zero. A missing optional extra (spaCy,
Dask) is reported with the ``pip install`` that fixes it, and counts as a failure
in strict mode; any other ``ImportError`` is a failure (a broken install), never
"not available".

The study writes only inside its output folder, and only through
:class:`~bilat.study.output.OutputFolder`: its store is ``OUT/study.duckdb`` (a
name no other command uses by default), the files it created are listed in
``OUT/bilat-manifest.json``, and a file it did not create stops the run before
any work unless ``force`` is given.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilat.errors import BilatError, InputError, MissingExtraError
from bilat.events import EventStore
from bilat.study import comparative, stages
from bilat.study.case import Case, get_case
from bilat.study.output import MANIFEST, STUDY_STORE, OutputFolder
from bilat.study.result import StageOutcome, StudyResult

__all__ = [
    "DEFAULT_BUDGET",
    "OPTIONAL_EXTRAS",
    "STAGES",
    "ProgressCallback",
    "StageFailedError",
    "StageSpec",
    "caused_by_interrupt",
    "minimum_budget",
    "planned_outputs",
    "run_study",
]

#: The quick calibration budget (simulations) of a default run; the same as
#: ``bilat.sim.QUICK_BUDGET``.
DEFAULT_BUDGET = 12_000

#: Third-party modules of bilat's optional extras, and the extra that installs each.
OPTIONAL_EXTRAS = {
    "spacy": "nlp",
    "en_core_web_sm": "nlp",
    "dask": "dask",
    "distributed": "dask",
    "fastapi": "app",
    "uvicorn": "app",
    "multipart": "app",
}


class StageFailedError(BilatError):
    """A stage of the study failed (strict mode); the message names the stage and the error.

    It exits with code 1: the inputs were accepted, but the work failed.
    """

    exit_code = 1


def minimum_budget() -> int:
    """The smallest calibration budget the model accepts (100 per ABC-SMC population).

    Read from :class:`bilat.sim.calibration.Calibrator`, whose ``fit`` enforces it;
    1 when the simulator cannot be imported (the calibrate stage then fails on its own).
    """
    try:
        from bilat.sim.calibration import Calibrator
    except ImportError:
        return 1
    return 100 * int(Calibrator.populations)


def planned_outputs(figures: Sequence[str] = ()) -> list[str]:
    """Every file a study may write in its output folder (relative paths).

    ``figures`` names the report's figures (``bilat.report.FIGURES``), written
    as ``figures/NAME.png`` when a report writer is given.
    """
    return [
        MANIFEST,
        STUDY_STORE,
        f"{STUDY_STORE}.wal",
        "events.parquet",
        "answer.json",
        "report.html",
        *(f"figures/{name}.png" for name in figures),
    ]


#: Called before each stage with (stage title, index, number of stages).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StageSpec:
    """One stage of the study: its name, its title and the function that runs it."""

    name: str
    title: str
    run: Callable[[stages.Context], None]


STAGES: tuple[StageSpec, ...] = (
    StageSpec("record", "Gather the record, stored events and panel rows", stages.load_record),
    StageSpec("code", "Code the text documents", stages.code_texts),
    StageSpec("measure", "Measure the dyad", stages.measure),
    StageSpec("claims", "Test the article's claims", stages.evaluate_claims),
    StageSpec("calibrate", "Calibrate the model", stages.calibrate),
    StageSpec("policies", "Run the policy experiments", stages.compare_policies),
    StageSpec("sensitivity", "Sensitivity analysis", stages.sensitivity),
    StageSpec("answer", "Answer the question", stages.answer),
    StageSpec("panel", "What happened to other partners", comparative.compare_partners),
    StageSpec("report", "Write the report", stages.write_outputs),
)


def run_study(
    case: Case | str = "us-pakistan",
    out: str | Path | None = None,
    *,
    texts: Sequence[str | Path] = (),
    doc_date: dt.date | None = None,
    db: str | Path | None = None,
    writer: stages.ReportWriter | None = None,
    figures: Sequence[str] = (),
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
    strict: bool = True,
    force: bool = False,
    on_stage: ProgressCallback | None = None,
) -> StudyResult:
    """Run every stage of a study and, when ``out`` is given, write its outputs there.

    Parameters
    ----------
    case:
        A :class:`Case` or the name of a built-in one.
    out:
        Output folder: ``study.duckdb`` (the study's own fresh store),
        ``events.parquet``, ``answer.json``, ``report.html``, ``figures/*.png``
        and ``bilat-manifest.json`` (the files the study created). ``None``
        keeps everything in memory (an in-memory store; nothing is written).
    texts:
        Text documents to code into the store (such as the seed article).
    doc_date:
        The documents' date, against which relative dates are resolved
        (default: the case's ``seed_doc_date``; required with ``texts`` for a
        case that has none).
    db:
        A user's event store (ingested GDELT, ICEWS, ...): the dyad's events are
        copied into the study's own store and feed the measures. Opened read-only.
    writer, figures:
        What writes ``report.html`` and ``figures/*.png`` into ``out``, and the
        names of those figures: ``bilat.report.write_report`` and
        ``bilat.report.FIGURES`` (the CLI passes them; :mod:`bilat.study` does
        not import the report). Without a writer the report stage is
        ``not_available`` and only ``events.parquet`` and ``answer.json`` are written.
    budget:
        Calibration budget, in simulations (the quick default keeps a run
        under two minutes on two cores).
    seed:
        Random seed; the same seed gives the same numbers.
    strict:
        Stop at the first stage that fails (the default): a bilat error, an
        operating-system error or a missing optional extra is raised as it is,
        any other error as :class:`StageFailedError`. ``False`` records the
        stage as ``failed`` and goes on, so a report is still written.
    force:
        Overwrite files in ``out`` that bilat did not create (refused otherwise).
    on_stage:
        Progress callback, called before each stage.

    Returns
    -------
    StudyResult
        Everything the study produced, with each stage's outcome.

    Raises
    ------
    InputError
        Before any work: for a budget below :func:`minimum_budget`, a text file
        that does not exist, or an output folder that cannot be written or holds
        a file bilat did not create (:class:`~bilat.study.output.OutputExistsError`).
    StageFailedError
        In strict mode, when a stage fails with an unexpected error.
    """
    if isinstance(case, str):
        case = get_case(case)
    least = minimum_budget()
    if budget < least:
        raise InputError(
            f"the calibration needs at least {least} simulations, got {budget}",
            field="--budget",
            value=budget,
        )
    paths = [Path(t) for t in texts]
    for path in paths:
        if not path.is_file():
            raise InputError("no such text file", file=path, field="--text", value=str(path))
    when = doc_date or case.seed_doc_date
    if paths and when is None:
        raise InputError(
            f"the case {case.name} has no document date; give the documents' date as "
            "--doc-date YYYY-MM-DD",
            field="--doc-date",
        )
    user_db = None if db is None else Path(db)
    if user_db is not None and not user_db.is_file():
        raise InputError("no such event store", file=user_db, field="--db", value=str(user_db))
    folder = None
    if out is not None:
        folder = OutputFolder(out, force=force, command="bilat study")
        folder.check(planned_outputs(figures))  # refuse before any work or any write
    result = StudyResult(
        case=case, seed=int(seed), budget=int(budget), out=None if out is None else Path(out)
    )
    started = time.perf_counter()
    if folder is not None:
        own = folder.claim(STUDY_STORE)
        folder.claim(f"{STUDY_STORE}.wal")
        for stale in (STUDY_STORE, f"{STUDY_STORE}.wal"):  # the last run's store, ours
            folder.remove(stale)
        if user_db is not None and user_db.resolve() == own.resolve():
            raise InputError(
                "is the study's own store, which each run rebuilds; ingest into another file",
                file=user_db,
                field="--db",
            )
        store = EventStore(own)
    else:
        store = EventStore(":memory:")
    context = stages.Context(
        result=result,
        store=store,
        texts=paths,
        doc_date=when or dt.date.today(),
        started=started,
        output=folder,
        db=user_db,
        writer=writer,
    )
    try:
        for index, spec in enumerate(STAGES):
            if on_stage is not None:
                on_stage(spec.title, index, len(STAGES))
            _run_stage(spec, context, strict)
            if spec.name == "code":
                context.refresh_events()
        result.seconds = time.perf_counter() - started
        if folder is not None:
            stages.write_answer(context)
    finally:
        store.close()
    return result


def _missing_extra(err: ImportError) -> MissingExtraError | None:
    """The optional extra whose missing module caused ``err``, if that is what it is."""
    name = getattr(err, "name", None) or ""
    top = name.split(".", 1)[0]
    if isinstance(err, ModuleNotFoundError) and top in OPTIONAL_EXTRAS:
        return MissingExtraError(top, OPTIONAL_EXTRAS[top])
    return None


def caused_by_interrupt(err: BaseException) -> bool:
    """Whether ``err`` is, or was raised from or while handling, a Ctrl-C.

    Code that is interrupted sometimes reports it as another error: Python 3.11
    wraps a ``KeyboardInterrupt`` raised in ``__set_name__`` in a
    ``RuntimeError``, and DuckDB raises its own ``InterruptException`` or a
    ``RuntimeError("Query interrupted")``. That is still the user's Ctrl-C, not
    a failed stage.
    """
    seen: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in seen:
        if isinstance(current, KeyboardInterrupt) or type(current).__name__ == "InterruptException":
            return True
        if isinstance(current, RuntimeError) and str(current) == "Query interrupted":
            return True
        seen.append(current)
        current = current.__cause__ or current.__context__
    return False


def _run_stage(spec: StageSpec, context: stages.Context, strict: bool) -> None:
    outcome = StageOutcome(spec.name, spec.title)
    tick = time.perf_counter()
    try:
        try:
            spec.run(context)
        except ImportError as err:
            extra = _missing_extra(err)
            if extra is None:
                raise
            raise extra from err
    except stages.NotAvailable as why:
        outcome.status, outcome.reason = "not_available", str(why)
    except MissingExtraError as err:
        if strict:
            raise
        outcome.status, outcome.reason, outcome.extra = "not_available", str(err), err.extra
    except (BilatError, OSError) as err:
        if strict:
            raise
        outcome.status, outcome.reason = "failed", f"{type(err).__name__}: {err}"
    except Exception as err:  # a bug in a stage must not cost the user the whole report
        if caused_by_interrupt(err):  # Ctrl-C, wrapped by the code it interrupted
            raise KeyboardInterrupt from err
        if strict:
            raise StageFailedError(
                f"stage {spec.name!r} ({spec.title}) failed: {type(err).__name__}: {err}; "
                "rerun with --keep-going to write the report without it"
            ) from err
        outcome.status, outcome.reason = "failed", f"{type(err).__name__}: {err}"
    outcome.seconds = time.perf_counter() - tick
    context.result.stages.append(outcome)
