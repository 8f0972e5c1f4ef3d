"""How a stage's error becomes its outcome: a missing extra, a broken import, a bug."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bilat.errors import InputError, MissingExtraError
from bilat.events import EventStore
from bilat.study import get_case
from bilat.study.pipeline import StageFailedError, StageSpec, _run_stage, minimum_budget, run_study
from bilat.study.result import StudyResult
from bilat.study.stages import Context


@pytest.fixture
def context() -> Iterator[Context]:
    with EventStore(":memory:") as store:
        yield Context(
            result=StudyResult(case=get_case("us-pakistan"), seed=0, budget=400), store=store
        )


def _raising(error: BaseException) -> StageSpec:
    def run(_: Context) -> None:
        raise error

    return StageSpec("probe", "A probe stage", run)


def test_a_missing_optional_extra_names_the_install(context: Context) -> None:
    spec = _raising(ModuleNotFoundError("No module named 'spacy'", name="spacy"))
    _run_stage(spec, context, strict=False)
    (outcome,) = context.result.stages
    assert outcome.status == "not_available"
    assert "pip install 'bilat[nlp]'" in (outcome.reason or "")
    assert outcome.problem  # what was asked was not done: the run exits non-zero
    with pytest.raises(MissingExtraError, match=r"bilat\[nlp\]"):
        _run_stage(spec, context, strict=True)


@pytest.mark.parametrize(
    "error",
    [
        ModuleNotFoundError("No module named 'bilat.sim'", name="bilat.sim"),
        ImportError("cannot import name 'calibrate' from 'bilat.sim'", name="bilat.sim"),
        ModuleNotFoundError("No module named 'numpy'", name="numpy"),
    ],
)
def test_any_other_import_error_is_a_failure(context: Context, error: ImportError) -> None:
    spec = _raising(error)
    _run_stage(spec, context, strict=False)
    (outcome,) = context.result.stages
    assert outcome.status == "failed"
    assert "not available" not in (outcome.reason or "")
    with pytest.raises(StageFailedError, match="probe"):
        _run_stage(spec, context, strict=True)


def test_a_user_error_in_a_stage_keeps_its_message_in_strict_mode(context: Context) -> None:
    spec = _raising(InputError("bad", field="--text", value="x"))
    with pytest.raises(InputError, match="bad"):
        _run_stage(spec, context, strict=True)
    _run_stage(spec, context, strict=False)
    assert context.result.stages[-1].status == "failed"


def test_the_budget_minimum_comes_from_the_calibrator() -> None:
    from bilat.sim.calibration import Calibrator

    assert minimum_budget() == 100 * Calibrator.populations == 400
    with pytest.raises(InputError, match="at least 400"):
        run_study("us-pakistan", None, budget=399)


def _wrapped_by_set_name() -> None:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as err:
        raise RuntimeError("Error calling __set_name__") from err


def _duckdb_query_interrupted() -> None:
    raise RuntimeError("Query interrupted")


@pytest.mark.parametrize("interrupt", [_wrapped_by_set_name, _duckdb_query_interrupted])
def test_a_wrapped_ctrl_c_is_an_interrupt_not_a_failed_stage(
    context: Context, interrupt: Callable[[], None]
) -> None:
    """Python 3.11 wraps an interrupt raised in ``__set_name__`` in a RuntimeError; DuckDB
    reports one as ``RuntimeError("Query interrupted")``."""
    spec = StageSpec("probe", "A probe stage", lambda _: interrupt())
    for strict in (True, False):
        with pytest.raises(KeyboardInterrupt):
            _run_stage(spec, context, strict=strict)
    assert context.result.stages == []
