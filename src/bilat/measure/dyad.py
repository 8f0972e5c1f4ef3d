"""Every measure of one dyad at once: series, phases, breadth, reciprocity, latent score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.events.store import Dyad, parse_dyad
from bilat.measure.breadth import breadth, pooled_breadth
from bilat.measure.latent import LatentResult, LatentScore
from bilat.measure.phases import ChangePointPhases, HMMPhases, PhaseResult
from bilat.measure.reciprocity import Reciprocity, ReciprocityResult
from bilat.measure.series import EventSource, dyad_series, scope_label, split_directions

__all__ = ["DyadMeasures", "measure_dyad"]


@dataclass
class DyadMeasures:
    """All measures of a dyad; a measure that could not be computed says why in ``notes``.

    Attributes
    ----------
    dyad, freq:
        ``"USA:PAK"`` and the frequency.
    series:
        :func:`~bilat.measure.dyad_series` output.
    breadth:
        :func:`~bilat.measure.breadth` output.
    phases:
        ``{"hmm": {direction: PhaseResult}, "changepoint": {...}}``.
    reciprocity:
        :class:`~bilat.measure.ReciprocityResult` or None.
    latent:
        :class:`~bilat.measure.LatentResult` or None.
    notes:
        Why a measure is missing (too few periods, no events, ...).
    include_substate:
        Whether events with an armed non-state actor or recipient were counted
        (default False: state-state events only).
    substate_left_out:
        How many sub-state events of the dyad were left out (0 when counted).
    """

    dyad: str
    freq: str
    series: pd.DataFrame
    breadth: pd.DataFrame
    phases: dict[str, dict[str, PhaseResult]] = field(default_factory=dict)
    reciprocity: ReciprocityResult | None = None
    latent: LatentResult | None = None
    notes: list[str] = field(default_factory=list)
    include_substate: bool = False
    substate_left_out: int = 0

    @property
    def scope(self) -> str:
        """``"state-state"`` or ``"state and sub-state"``."""
        return scope_label(self.include_substate)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``bilat measure --json``."""
        return {
            "dyad": self.dyad,
            "freq": self.freq,
            "scope": self.scope,
            "include_substate": self.include_substate,
            "substate_left_out": self.substate_left_out,
            "periods": int(self.series["period"].nunique()) if len(self.series) else 0,
            "series": _records(self.series),
            "breadth": {
                "by_period": _records(self.breadth),
                "overall": {
                    d: pooled_breadth(self.series, d) for d in split_directions(self.series)
                },
            },
            "phases": {
                method: {d: r.to_dict() for d, r in found.items()}
                for method, found in self.phases.items()
            },
            "reciprocity": None if self.reciprocity is None else self.reciprocity.to_dict(),
            "latent": None if self.latent is None else self.latent.to_dict(),
            "notes": list(self.notes),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if hasattr(v, "isoformat"):
                v = v.isoformat()
            elif isinstance(v, np.generic):
                v = v.item()
            clean[str(k)] = None if isinstance(v, float) and v != v else v
        out.append(clean)
    return out


def measure_dyad(
    source: EventSource,
    dyad: str | Dyad,
    *,
    freq: str = "year",
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    weighted: bool = False,
    datasets: Sequence[str] = (),
    min_duration: int = 2,
    seed: int | None = 0,
    include_substate: bool = False,
) -> DyadMeasures:
    """Compute every measure of a dyad; measures that need more data are skipped with a note.

    Parameters
    ----------
    source, dyad, freq, since, until, weighted, datasets:
        As for :func:`~bilat.measure.dyad_series`.
    min_duration:
        Shortest phase, in periods (see :class:`~bilat.measure.HMMPhases`).
    seed:
        Seed of the HMM restarts.
    include_substate:
        Count events whose actor or recipient is an armed non-state group
        (:data:`bilat.ontology.SUBSTATE_SECTORS`); by default only
        state-state events enter the measures.

    Returns
    -------
    DyadMeasures
    """
    pair = parse_dyad(dyad) if isinstance(dyad, str) else dyad
    series = dyad_series(
        source,
        pair,
        freq=freq,
        since=since,
        until=until,
        weighted=weighted,
        datasets=datasets,
        include_substate=include_substate,
    )
    result = DyadMeasures(
        dyad=f"{pair.actor}:{pair.recipient}",
        freq=freq,
        series=series,
        breadth=breadth(series) if len(series) else series.iloc[0:0],
        include_substate=include_substate,
        substate_left_out=int(series.attrs.get("substate_left_out", 0)),
    )
    if series.empty or float(series["events"].sum()) == 0:
        result.notes.append(f"no events of {result.dyad} in the chosen span")
        return result
    hmm: dict[str, PhaseResult] = {}
    cps: dict[str, PhaseResult] = {}
    for direction in split_directions(series):
        estimators = (
            (hmm, HMMPhases(min_duration=min_duration, seed=seed)),
            (cps, ChangePointPhases(min_size=max(2, min_duration))),
        )
        for store, estimator in estimators:
            try:
                store[direction] = estimator.fit(series, direction).results_
            except InputError as err:
                result.notes.append(f"phases ({type(estimator).__name__}, {direction}): {err}")
    result.phases = {"hmm": hmm, "changepoint": cps}
    try:
        result.reciprocity = Reciprocity().fit(series).results_
    except InputError as err:
        result.notes.append(f"reciprocity: {err}")
    except (ValueError, np.linalg.LinAlgError) as err:
        result.notes.append(f"reciprocity: the VAR could not be fitted ({err})")
    try:
        result.latent = LatentScore().fit(series).results_
    except InputError as err:
        result.notes.append(f"latent score: {err}")
    return result
