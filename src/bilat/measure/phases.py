"""Phases of a directed relationship: engagement, disengagement, sanction.

Two estimators segment one direction of a dyad series (see
:func:`~bilat.measure.dyad_series`) into labelled intervals:

* :class:`HMMPhases` — a Gaussian hidden Markov model (hmmlearn) whose states
  are chained engagement <-> disengagement <-> sanction: the left-right-left
  topology of Schrodt's hidden-Markov crisis models (Schrodt, P. A. 1997,
  "Pattern recognition of international crises using hidden Markov models",
  APSA; 2000, in *Political Complexity*, ed. D. Richards), in which a
  relationship can escalate and de-escalate but moves only between adjacent
  states. ``topology="full"`` lifts the restriction.
* :class:`ChangePointPhases` — penalised change-point detection (ruptures,
  PELT with an L2 cost; Killick, Fearnhead & Eckley 2012, JASA 107:500).

Both work on the same standardised features per period: the volume
``log(1 + events)``, the cooperation share and the coercion share. A state or
segment is labelled by one documented rule (:func:`label_phase`) applied to
its mean evidence, so labels mean the same thing for both methods:

* **sanction** when conflict outweighs cooperation *and* its coercive share
  (threats, aid cuts, sanctions, coercion) is at least the direction's own
  share over the whole span (and at least 10 %) — relative, so that a source
  rich in coercive events (a curated chronology) is read on its own scale;
* otherwise **engagement** when its mean event count is at least half that of
  the busiest state or segment;
* otherwise **disengagement**.

Shares are pooled over the periods of a state or segment (events of a kind
over all its events), so that sparse periods do not dilute them.

Each transition carries its **abruptness**: the share of the change between
the two phases' mean features that happens within ``window`` periods either
side of the boundary (1 = a step; near 0 = a slow drift), with the relative
change in event volume and the size of the jump in standard deviations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.measure.series import period_range, split_directions

__all__ = [
    "FEATURES",
    "PHASE_NAMES",
    "ChangePointPhases",
    "HMMPhases",
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


class _Counter(logging.Filter):
    """Swallow and count hmmlearn's "not converging" log records."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        self.count += 1
        return False


@contextmanager
def _quiet_hmmlearn() -> Iterator[_Counter]:
    """Keep hmmlearn's EM warnings off the terminal for the fit; report them in the result."""
    logger = logging.getLogger("hmmlearn.base")
    counter = _Counter()
    logger.addFilter(counter)
    try:
        yield counter
    finally:
        logger.removeFilter(counter)


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


class HMMPhases:
    """Phases from a Gaussian hidden Markov model with a left-right-left topology.

    Parameters
    ----------
    n_states:
        Number of hidden states (default 3: engagement, disengagement,
        sanction).
    topology:
        ``"left-right-left"`` (each state moves only to its neighbours in the
        chain; Schrodt 1997, 2000) or ``"full"``.
    n_init:
        Number of EM restarts (jittered starting means); the best
        log-likelihood wins.
    n_iter:
        Maximum EM iterations per restart.
    min_duration:
        Phases shorter than this many periods are absorbed into the phase
        before them (1 keeps every decoded phase; sparse yearly data read
        better with 2).
    stickiness:
        Weight of a Dirichlet prior that favours staying in a state, as a
        share of the periods per state (0: plain maximum likelihood; the
        default 0.5 adds pseudo-counts worth half the periods per state).
    seed:
        Seed of the restarts; same seed, same phases.

    Attributes
    ----------
    results_:
        The :class:`PhaseResult` of the last :meth:`fit`.
    model_:
        The fitted ``hmmlearn.hmm.GaussianHMM``.
    """

    def __init__(
        self,
        n_states: int = 3,
        *,
        topology: Literal["left-right-left", "full"] = "left-right-left",
        n_init: int = 5,
        n_iter: int = 200,
        min_duration: int = 1,
        stickiness: float = 0.5,
        seed: int | None = 0,
    ) -> None:
        self.n_states = n_states
        self.topology = topology
        self.n_init = n_init
        self.n_iter = n_iter
        self.min_duration = min_duration
        self.stickiness = stickiness
        self.seed = seed

    def _transmat(self) -> np.ndarray:
        k = self.n_states
        if self.topology == "full":
            mat = np.full((k, k), 0.1 / max(k - 1, 1))
            np.fill_diagonal(mat, 0.9)
            return mat
        mat = np.zeros((k, k))
        for i in range(k):
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < k]
            mat[i, i] = 0.9 if neighbours else 1.0
            for j in neighbours:
                mat[i, j] = 0.1 / len(neighbours)
        return mat

    def _transmat_prior(self, n: int) -> np.ndarray:
        """Dirichlet pseudo-counts: ``stickiness * n / n_states`` on the diagonal, none elsewhere.

        A prior of 1 adds nothing (so zeros of the topology stay zero); the
        diagonal mass discourages states that flicker period by period.
        """
        prior = np.ones((self.n_states, self.n_states))
        np.fill_diagonal(prior, 1.0 + self.stickiness * n / self.n_states)
        return prior

    def _start_means(self, z: np.ndarray) -> np.ndarray:
        """Chain order: engagement (busy, cooperative), disengagement (quiet), sanction."""
        n = len(z)
        third = max(1, n // 3)
        engage = np.argsort(-(z[:, 0] + z[:, 1]))[:third]
        quiet = np.argsort(z[:, 0])[:third]
        hostile = np.argsort(-(z[:, 2] - z[:, 1]))[:third]
        base = [z[engage].mean(axis=0), z[quiet].mean(axis=0), z[hostile].mean(axis=0)]
        means = np.array(base[: self.n_states])
        if self.n_states > 3:
            extra = np.quantile(z, np.linspace(0.1, 0.9, self.n_states - 3), axis=0)
            means = np.vstack([means, extra])
        return means

    def fit(self, series: pd.DataFrame, direction: str | None = None) -> HMMPhases:
        """Fit to one direction of a dyad series (default: the first direction).

        Returns
        -------
        HMMPhases
            ``self``, with ``results_`` and ``model_`` set.
        """
        from hmmlearn.hmm import GaussianHMM

        if self.topology not in ("left-right-left", "full"):
            raise InputError(
                f"unknown topology {self.topology!r}; choose left-right-left or full",
                field="topology",
                value=self.topology,
            )
        if self.n_states < 2:
            raise InputError("n_states must be at least 2", field="n_states", value=self.n_states)
        name, part = _one_direction(series, direction)
        freq = str(series.attrs.get("freq", "year"))
        x = phase_features(part).to_numpy()
        if len(x) < 2 * self.n_states:
            raise InputError(
                f"{len(x)} periods are too few for a {self.n_states}-state HMM; "
                f"give at least {2 * self.n_states} (a longer span or a finer --freq)",
                field="series",
                value=len(x),
            )
        z = _standardise(x) + 0.0
        rng = np.random.default_rng(self.seed)
        start_means = self._start_means(z)
        best: Any = None
        best_score = -np.inf
        em_warnings = 0
        for restart in range(self.n_init):
            model = GaussianHMM(
                n_components=self.n_states,
                covariance_type="diag",
                n_iter=self.n_iter,
                random_state=int(rng.integers(2**31 - 1)),
                init_params="",
                params="stmc",
                min_covar=1e-3,
                transmat_prior=self._transmat_prior(len(z)),
            )
            model.startprob_ = np.full(self.n_states, 1.0 / self.n_states)
            model.transmat_ = self._transmat()
            jitter = 0.0 if restart == 0 else 0.3
            model.means_ = start_means + rng.normal(0.0, jitter, start_means.shape)
            model.covars_ = np.full((self.n_states, z.shape[1]), 1.0)
            with _quiet_hmmlearn() as warned:
                model.fit(z)
            em_warnings += warned.count
            score = float(model.score(z))
            if score > best_score:
                best, best_score = model, score
        states = best.predict(z)
        posterior = best.predict_proba(z)
        # each run of one decoded state is an interval, labelled by its own evidence
        runs = np.concatenate([[0], np.cumsum(states[1:] != states[:-1])]).astype(int)
        labels = _segment_labels(part, runs)
        self.model_ = best
        self.results_ = _build_result(
            name,
            "hmm",
            freq,
            part,
            runs,
            labels,
            z,
            {"state": states, "probability": posterior[np.arange(len(z)), states]},
            {
                "log_likelihood": best_score,
                "converged": bool(best.monitor_.converged),
                "em_warnings": em_warnings,
                "topology": self.topology,
                "state_means": np.round(best.means_, 4).tolist(),
                "transmat": np.round(best.transmat_, 4).tolist(),
                "features": list(FEATURES),
                "min_duration": self.min_duration,
            },
            self.min_duration,
        )
        return self


class ChangePointPhases:
    """Phases from penalised change-point detection (ruptures PELT, L2 cost).

    Parameters
    ----------
    penalty:
        PELT penalty on the standardised features; default ``log(n) * d``
        for ``n`` periods and ``d`` features (BIC; larger means fewer breaks).
    n_breaks:
        When given, the exact number of breaks (ruptures ``Binseg``) instead
        of a penalty.
    min_size:
        Shortest phase, in periods.

    Attributes
    ----------
    results_:
        The :class:`PhaseResult` of the last :meth:`fit`.
    breakpoints_:
        Indices (into the periods) where a new segment starts.
    """

    def __init__(
        self, *, penalty: float | None = None, n_breaks: int | None = None, min_size: int = 2
    ) -> None:
        self.penalty = penalty
        self.n_breaks = n_breaks
        self.min_size = min_size

    def fit(self, series: pd.DataFrame, direction: str | None = None) -> ChangePointPhases:
        """Fit to one direction of a dyad series (default: the first direction).

        Returns
        -------
        ChangePointPhases
            ``self``, with ``results_`` and ``breakpoints_`` set.
        """
        import ruptures as rpt

        name, part = _one_direction(series, direction)
        freq = str(series.attrs.get("freq", "year"))
        x = phase_features(part).to_numpy()
        n = len(x)
        if n < 2 * self.min_size:
            raise InputError(
                f"{n} periods are too few for change points with min_size {self.min_size}",
                field="series",
                value=n,
            )
        z = _standardise(x)
        if self.n_breaks is not None:
            algo = rpt.Binseg(model="l2", min_size=self.min_size, jump=1).fit(z)
            ends = algo.predict(n_bkps=int(self.n_breaks))
            penalty = None
        else:
            penalty = (
                float(self.penalty) if self.penalty is not None else float(np.log(n) * z.shape[1])
            )
            algo = rpt.Pelt(model="l2", min_size=self.min_size, jump=1).fit(z)
            ends = algo.predict(pen=penalty)
        starts = [int(e) for e in ends[:-1]]
        segment = np.zeros(n, dtype=int)
        for s in starts:
            segment[s:] += 1
        labels = _segment_labels(part, segment)
        self.breakpoints_ = starts
        self.results_ = _build_result(
            name,
            "changepoint",
            freq,
            part,
            segment,
            labels,
            z,
            {},
            {
                "penalty": penalty,
                "n_breaks": len(starts),
                "segment_labels": labels,
                "features": list(FEATURES),
            },
        )
        return self
