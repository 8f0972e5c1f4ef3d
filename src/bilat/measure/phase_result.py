"""What both phase estimators share: features, the labelling rule and :class:`PhaseResult`.

:mod:`bilat.measure.phases` describes the estimators and the rule; this module holds the
per-period features, the rule (:func:`label_phase`), the pooled evidence of a segment and
the result with its transitions and their abruptness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.measure.series import period_range, split_directions

__all__ = [
    "FEATURES",
    "PHASE_NAMES",
    "PhaseResult",
    "label_phase",
    "phase_features",
]

PHASE_NAMES: tuple[str, ...] = ("engagement", "disengagement", "sanction")
FEATURES: tuple[str, ...] = ("volume", "coop_share", "coercion_share")
_WINDOW = {"year": 1, "quarter": 2, "month": 3}


def label_phase(
    events: float,
    coop_share: float,
    conflict_share: float,
    coercion_share: float,
    busiest: float,
    baseline_coercion: float = 0.0,
) -> str:
    """Label a state or segment from its evidence (the rule of the module docstring).

    Parameters
    ----------
    events:
        Mean events per period.
    coop_share, conflict_share, coercion_share:
        Pooled shares of its events.
    busiest:
        Mean events per period of the busiest state or segment.
    baseline_coercion:
        Coercive share of the whole direction over the span.
    """
    if conflict_share > coop_share and coercion_share >= max(baseline_coercion, 0.1):
        return "sanction"
    if busiest > 0 and events >= 0.5 * busiest:
        return "engagement"
    return "disengagement"


def _one_direction(series: pd.DataFrame, direction: str | None) -> tuple[str, pd.DataFrame]:
    parts = split_directions(series)
    if not parts:
        raise InputError("the series is empty: no periods to segment", field="series")
    if direction is None:
        direction = next(iter(parts))
    if direction not in parts:
        raise InputError(
            f"unknown direction {direction!r}; choose from {', '.join(parts)}",
            field="direction",
            value=direction,
        )
    return direction, parts[direction].sort_index()


def phase_features(part: pd.DataFrame) -> pd.DataFrame:
    """The per-period features phases are fitted on (unstandardised).

    ``volume`` is ``log(1 + events)``; ``coop_share`` and ``coercion_share``
    are taken from the series.
    """
    return pd.DataFrame(
        {
            "volume": np.log1p(part["events"].to_numpy(dtype=float)),
            "coop_share": part["coop_share"].to_numpy(dtype=float),
            "coercion_share": part["coercion_share"].to_numpy(dtype=float),
        },
        index=part.index,
    )


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    return (x - x.mean(axis=0)) / sd


@dataclass
class PhaseResult:
    """Phases of one direction of a dyad, as labelled intervals with their evidence.

    Attributes
    ----------
    direction:
        ``"USA->PAK"``.
    method:
        ``"hmm"`` or ``"changepoint"``.
    freq:
        Frequency of the series.
    periods:
        One row per period: ``period``, ``label``, ``segment`` (0-based index
        of the phase it belongs to) and, for the HMM, ``state`` and
        ``probability`` (posterior probability of the decoded state).
    phases:
        One row per phase: ``label``, ``start`` (first day), ``end`` (first
        day after it), ``periods``, and its evidence: mean ``events``,
        ``coop_share``, ``conflict_share``, ``coercion_share`` and
        ``goldstein_mean``.
    transitions:
        One row per boundary: ``date``, ``from``, ``to``, ``abruptness`` (0-1),
        ``volume_change`` (mean events after / before, minus 1) and ``jump_sd``.
    details:
        Method-specific figures (log-likelihood, penalty, state means, ...).
    """

    direction: str
    method: str
    freq: str
    periods: pd.DataFrame
    phases: pd.DataFrame
    transitions: pd.DataFrame
    details: dict[str, Any] = field(default_factory=dict)

    def breakpoints(self) -> list[Any]:
        """The first day of every phase after the first."""
        return list(self.phases["start"].iloc[1:])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {
            "direction": self.direction,
            "method": self.method,
            "freq": self.freq,
            "phases": _records(self.phases),
            "transitions": _records(self.transitions),
            "details": self.details,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and value != value:
                value = None
            clean[str(key)] = value
        out.append(clean)
    return out


def _absorb_short(labels: np.ndarray, min_duration: int) -> np.ndarray:
    """Relabel runs shorter than ``min_duration`` periods as the run before them.

    The first run, when short, joins the run after it. Repeats until every run
    is long enough or only one run is left.
    """
    out = labels.copy()
    if min_duration <= 1 or len(out) == 0:
        return out
    while True:
        bounds = np.flatnonzero(out[1:] != out[:-1]) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(out)]])
        if len(starts) == 1:
            return out
        lengths = ends - starts
        short = np.flatnonzero(lengths < min_duration)
        if short.size == 0:
            return out
        k = int(short[np.argmin(lengths[short])])
        donor = k - 1 if k > 0 else k + 1
        out[starts[k] : ends[k]] = out[starts[donor]]


def _build_result(
    direction: str,
    method: str,
    freq: str,
    part: pd.DataFrame,
    segment: np.ndarray,
    seg_labels: list[str],
    z: np.ndarray,
    extra_periods: dict[str, np.ndarray],
    details: dict[str, Any],
    min_duration: int = 1,
) -> PhaseResult:
    """Merge equal neighbours, describe each phase and each transition."""
    periods = list(part.index)
    labels = _absorb_short(np.array([seg_labels[s] for s in segment]), min_duration)
    # phases: runs of equal labels
    phase_id = np.concatenate([[0], np.cumsum(labels[1:] != labels[:-1])]).astype(int)
    steps = period_range(periods[-1], periods[-1], freq)
    after_last = _next_period(steps[0], freq)
    rows = []
    for k in range(int(phase_id.max()) + 1):
        idx = np.flatnonzero(phase_id == k)
        chunk = part.iloc[idx]
        end = periods[idx[-1] + 1] if idx[-1] + 1 < len(periods) else after_last
        rows.append(
            {
                "label": str(labels[idx[0]]),
                "start": periods[idx[0]],
                "end": end,
                "periods": len(idx),
                "events": float(chunk["events"].mean()),
                "coop_share": float(chunk["coop_share"].mean()),
                "conflict_share": float(chunk["conflict_share"].mean()),
                "coercion_share": float(chunk["coercion_share"].mean()),
                "goldstein_mean": float(chunk["goldstein_mean"].mean()),
            }
        )
    phases = pd.DataFrame(rows)
    window = _WINDOW.get(freq, 1)
    trans = []
    for k in range(1, len(rows)):
        before = np.flatnonzero(phase_id == k - 1)
        after = np.flatnonzero(phase_id == k)
        b = int(after[0])
        mu_before, mu_after = z[before].mean(axis=0), z[after].mean(axis=0)
        delta = mu_after - mu_before
        size = float(np.linalg.norm(delta))
        w_before = z[max(int(before[0]), b - window) : b].mean(axis=0)
        w_after = z[b : min(int(after[-1]) + 1, b + window)].mean(axis=0)
        local = float((w_after - w_before) @ delta / size**2) if size > 0 else 0.0
        ev_before = float(part["events"].iloc[before].mean())
        ev_after = float(part["events"].iloc[after].mean())
        trans.append(
            {
                "date": periods[b],
                "from": rows[k - 1]["label"],
                "to": rows[k]["label"],
                "abruptness": float(np.clip(local, 0.0, 1.0)),
                "volume_change": (ev_after / ev_before - 1.0) if ev_before > 0 else float("nan"),
                "jump_sd": size,
            }
        )
    transitions = pd.DataFrame(
        trans, columns=pd.Index(["date", "from", "to", "abruptness", "volume_change", "jump_sd"])
    )
    per = pd.DataFrame({"period": periods, "label": labels, "segment": phase_id, **extra_periods})
    return PhaseResult(direction, method, freq, per, phases, transitions, details)


def _next_period(day: Any, freq: str) -> Any:
    step = {"year": 12, "quarter": 3, "month": 1}[freq]
    total = day.year * 12 + day.month - 1 + step
    return type(day)(total // 12, total % 12 + 1, 1)


def _pooled(chunk: pd.DataFrame) -> tuple[float, float, float, float]:
    """Mean events per period and pooled cooperation, conflict and coercion shares."""
    total = float(chunk["events"].sum())
    if len(chunk) == 0 or total <= 0:
        return 0.0, 0.0, 0.0, 0.0
    return (
        total / len(chunk),
        float(chunk["cooperation"].sum()) / total,
        float(chunk["conflict"].sum()) / total,
        float(chunk["coercion"].sum()) / total,
    )


def _segment_labels(part: pd.DataFrame, segment: np.ndarray) -> list[str]:
    means = [
        _pooled(part.iloc[np.flatnonzero(segment == s)]) for s in range(int(segment.max()) + 1)
    ]
    busiest = max((m[0] for m in means), default=0.0)
    baseline = _pooled(part)[3]
    return [label_phase(*m, busiest=busiest, baseline_coercion=baseline) for m in means]
