"""What a study produces: one plain container that the report, the app and answer.json read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.study.case import Case

__all__ = ["STAGE_STATUSES", "StageOutcome", "StudyResult"]

#: The states a stage can end in. ``not_available``: an input the stage needs is
#: missing (no ``--text``, an earlier stage that did not run, an optional extra
#: that is not installed; the reason says which); ``failed``: it raised an error.
STAGE_STATUSES = ("ok", "not_available", "failed")


@dataclass
class StageOutcome:
    """How one stage of the study ended.

    Parameters
    ----------
    name:
        Machine name (``record``, ``code``, ``measure``, ...).
    title:
        What the stage does, for a human.
    status:
        One of :data:`STAGE_STATUSES`.
    reason:
        Why a stage is ``not_available`` or ``failed``; ``None`` when ``ok``.
    seconds:
        Wall-clock time spent in the stage.
    extra:
        The optional extra (``nlp``, ``dask``, ...) whose absence made the stage
        ``not_available``: what was asked could not be done, so the run fails.
    """

    name: str
    title: str
    status: str = "ok"
    reason: str | None = None
    seconds: float = 0.0
    extra: str | None = None

    @property
    def problem(self) -> bool:
        """Whether this stage did not do what was asked (failed, or an extra is missing)."""
        return self.status == "failed" or self.extra is not None

    def to_dict(self) -> dict[str, Any]:
        """The outcome as a JSON-ready dict."""
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "reason": self.reason,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class StudyResult:
    """Everything one run of a study produced, as plain data.

    Attributes
    ----------
    case:
        The case studied.
    seed, budget:
        The random seed and the calibration budget (simulations) used.
    stages:
        How each stage ended, in order.
    events:
        Every event in the study's store (record, coded text, ingested), in
        the event schema.
    coded:
        The events coded from ``--text`` documents (every modality, with the
        ``doc_id`` of their document).
    documents:
        One dict per coded document: ``file``, ``doc_id``, ``doc_date``,
        ``events`` (all modalities), ``facts`` (asserted or reported).
    series:
        Annual dyad series from the record by name (``aid``, ``sanctions``,
        ``regime``, ...): frames with a ``year`` column.
    measures:
        Measured quantities: ``yearly`` (frame: year, direction, counts,
        Goldstein sums), ``phases`` (list of dicts with ``start``, ``end``,
        ``label``), ``breadth`` (frame) — whichever were available.
    claims:
        One dict per claim: ``id``, ``claim``, ``verdict``, ``statistic``,
        ``interval``, ``explanation``, ``evidence`` (list of event ids).
    calibration:
        ``method``, ``parameters`` (prior and posterior summaries) and ``fit``
        (frame: year, observed, simulated median and band), when available.
    policies:
        One dict per policy with its outcomes (mean, interval, unit).
    sensitivity:
        ``method``, ``target`` and ``items`` (parameter, index, interval, flips).
    answer:
        ``statement``, ``verdict``, ``estimate``, ``probability``,
        ``conditions``, ``caveats``.
    sources:
        Every source the report cites: ``id``, ``citation``, ``kind``, ``url``.
    panel:
        The comparative evidence across US partners (:mod:`bilat.study.comparative`).
    out:
        The output folder, when the study wrote one.
    seconds:
        Total wall-clock time.
    """

    case: Case
    seed: int
    budget: int
    stages: list[StageOutcome] = field(default_factory=list)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    coded: pd.DataFrame = field(default_factory=pd.DataFrame)
    documents: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, pd.DataFrame] = field(default_factory=dict)
    measures: dict[str, Any] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    calibration: dict[str, Any] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    sensitivity: dict[str, Any] = field(default_factory=dict)
    answer: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    panel: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None
    seconds: float = 0.0

    def stage(self, name: str) -> StageOutcome | None:
        """The outcome of the stage called ``name``, if it ran."""
        for outcome in self.stages:
            if outcome.name == name:
                return outcome
        return None

    def problems(self) -> list[StageOutcome]:
        """The stages that failed or lacked an optional extra (the run must exit non-zero)."""
        return [outcome for outcome in self.stages if outcome.problem]

    def available(self, name: str) -> bool:
        """Whether the stage called ``name`` ran and ended ``ok``."""
        outcome = self.stage(name)
        return outcome is not None and outcome.status == "ok"
