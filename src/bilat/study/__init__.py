"""A case study end to end: any dyad + the data that exist -> answer.json and a report.

``run_study("USA:EGY", out="out/usa-egy", writer=bilat.report.write_report,
figures=tuple(bilat.report.FIGURES))`` gathers the case's data (the curated record
where one ships, a user's store, the panel's rows) into a fresh store, codes any
text documents, measures the dyad, tests the claims and runs the calibrated
model where the case has them, answers the question (from the model, else from
the panel), and writes ``answer.json``, ``events.parquet`` and, through the
writer, ``report.html`` and ``figures/*.png``. ``us-pakistan`` is the case
with a record and a calibrated model.
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
