"""Run a case end to end: record -> coding -> measures -> claims -> model -> report.

:func:`run_study` is the one entry point. Each stage calls the public functions
of the subpackage that owns it (:mod:`bilat.record`, :mod:`bilat.coding`,
:mod:`bilat.measure`, :mod:`bilat.claims`, :mod:`bilat.sim`) through the small
adapters in :mod:`bilat.study.stages`. A stage whose subpackage or input is
missing ends ``not_available`` with the reason, and the report and answer.json
say so; a stage never fills in numbers of its own.
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
from bilat.study.result import StageOutcome, StudyResult

__all__ = ["DEFAULT_BUDGET", "STAGES", "ProgressCallback", "StageSpec", "run_study"]

#: The quick calibration budget (simulations) of a default run; the same as
#: ``bilat.sim.QUICK_BUDGET``.
DEFAULT_BUDGET = 12_000

#: Called before each stage with (stage title, index, number of stages).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StageSpec:
    """One stage of the study: its name, its title and the function that runs it."""

    name: str
    title: str
    run: Callable[[stages.Context], None]


STAGES: tuple[StageSpec, ...] = (
    StageSpec("record", "Load the built-in record", stages.load_record),
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
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
    strict: bool = False,
    on_stage: ProgressCallback | None = None,
) -> StudyResult:
    """Run every stage of a study and, when ``out`` is given, write its outputs there.

    Parameters
    ----------
    case:
        A :class:`Case` or the name of a built-in one.
    out:
        Output folder: ``bilat.duckdb`` (a fresh store), ``events.parquet``,
        ``answer.json``, ``report.html`` and ``figures/*.png``. ``None`` keeps
        everything in memory (an in-memory store; nothing is written).
    texts:
        Text documents to code into the store (such as the seed article).
    doc_date:
        The documents' date, against which relative dates are resolved
        (default: the case's ``seed_doc_date``).
    budget:
        Calibration budget, in simulations (the quick default keeps a run
        under two minutes on two cores).
    seed:
        Random seed; the same seed gives the same numbers.
    strict:
        Re-raise any unexpected error of a stage instead of recording the stage
        as ``failed`` (tests use it; the CLI does not, so a report is written).
    on_stage:
        Progress callback, called before each stage.

    Returns
    -------
    StudyResult
        Everything the study produced, with each stage's outcome.

    Raises
    ------
    InputError
        For a bad budget, or a text file that does not exist.
    """
    if isinstance(case, str):
        case = get_case(case)
    if budget < 1:
        raise InputError("must be a positive number of simulations", field="budget", value=budget)
    paths = [Path(t) for t in texts]
    for path in paths:
        if not path.is_file():
            raise InputError("no such text file", file=path, field="--text", value=str(path))
    out_dir = None if out is None else Path(out)
    result = StudyResult(case=case, seed=int(seed), budget=int(budget), out=out_dir)
    started = time.perf_counter()
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        db = out_dir / "bilat.duckdb"
        for stale in (db, db.with_name(db.name + ".wal")):
            stale.unlink(missing_ok=True)
        store = EventStore(db)
    else:
        store = EventStore(":memory:")
    context = stages.Context(
        result=result,
        store=store,
        texts=paths,
        doc_date=doc_date or case.seed_doc_date,
        started=started,
    )
    try:
        for index, spec in enumerate(STAGES):
            if on_stage is not None:
                on_stage(spec.title, index, len(STAGES))
            _run_stage(spec, context, strict)
            if spec.name == "code":
                context.refresh_events()
        result.seconds = time.perf_counter() - started
        if out_dir is not None:
            stages.write_answer(context)
    finally:
        store.close()
    return result


def _run_stage(spec: StageSpec, context: stages.Context, strict: bool) -> None:
    outcome = StageOutcome(spec.name, spec.title)
    tick = time.perf_counter()
    try:
        spec.run(context)
    except stages.NotAvailable as why:
        outcome.status, outcome.reason = "not_available", str(why)
    except ImportError as err:
        outcome.status = "not_available"
        outcome.reason = f"a subpackage this stage needs is not available: {err}"
    except MissingExtraError as err:
        outcome.status, outcome.reason = "not_available", str(err)
    except BilatError as err:
        if strict:
            raise
        outcome.status, outcome.reason = "failed", f"{type(err).__name__}: {err}"
    except Exception as err:  # a bug in a stage must not cost the user the whole report
        if strict:
            raise
        outcome.status, outcome.reason = "failed", f"{type(err).__name__}: {err}"
    outcome.seconds = time.perf_counter() - tick
    context.result.stages.append(outcome)
