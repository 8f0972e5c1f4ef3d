"""A case study end to end: dyad + record + claims + policies -> report and answer.json.

``run_study("us-pakistan", out="out/us-pakistan")`` loads the built-in record into
a fresh store, codes any text documents, measures the dyad, tests the claims,
calibrates the model, runs the policy experiments and the sensitivity analysis,
and writes ``report.html``, ``answer.json``, ``figures/*.png`` and
``events.parquet``.
"""

from __future__ import annotations

from bilat.study.answer import answer_schema, build_answer, validate_answer
from bilat.study.case import CASES, Case, Episode, Era, get_case
from bilat.study.pipeline import STAGES, run_study
from bilat.study.result import StageOutcome, StudyResult

__all__ = [
    "CASES",
    "STAGES",
    "Case",
    "Episode",
    "Era",
    "StageOutcome",
    "StudyResult",
    "answer_schema",
    "build_answer",
    "get_case",
    "run_study",
    "validate_answer",
]
