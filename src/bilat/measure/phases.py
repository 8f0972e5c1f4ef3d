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
from typing import Any, Literal

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.measure.phase_result import (
    FEATURES,
    PHASE_NAMES,
    PhaseResult,
    _build_result,
    _one_direction,
    _segment_labels,
    _standardise,
    label_phase,
    phase_features,
)

__all__ = [
    "FEATURES",
    "PHASE_NAMES",
    "ChangePointPhases",
    "HMMPhases",
    "PhaseResult",
    "label_phase",
    "phase_features",
]


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
