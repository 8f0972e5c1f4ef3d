"""The observation model: from the simulator's latent series to what the record measures.

The model's quantities are probabilities and shares; the record observes them
through few events, a few dozen UN votes a year, lumpy arms deliveries. Each
:class:`Observable` says which model series a record series measures and how
it is measured, so that simulated and recorded series carry the same kind of
noise (which the posterior predictive check and the simulation-based
calibration need to be fair):

* ``binomial``: the record's share comes from ``n_t`` items a year (events,
  roll calls), so the simulated share is ``Binomial(n_t, p_t) / n_t`` with the
  record's own ``n_t``;
* ``gaussian``: additive noise whose standard deviation is estimated from the
  record's own year-to-year changes (``sd(diff) / sqrt 2``; an upper bound on
  the measurement noise, since the latent series moves too).

Two kinds of summary are taken (:class:`Summaries`): era means of ``share``
series (same scale as the model's), and era means of ``z`` series, each series
standardised over the fitted years (for UN votes, whose level follows
Cold-War bloc politics that the dyadic model does not contain: only the shape
of the series over time is compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import InputError
from bilat.sim.history import ERAS, History

__all__ = [
    "MODEL_SERIES",
    "OBSERVATION_MODEL",
    "Observable",
    "Summaries",
    "observables_of",
    "observe",
]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Observable:
    """One record series and the model series it measures.

    Attributes
    ----------
    name:
        Key in :attr:`History.targets` (the record's yearly values, NaN = none).
    model:
        The recorded model series it measures (:data:`bilat.sim.model.RECORDABLE`).
    kind:
        ``"share"`` (compared on its own scale) or ``"z"`` (standardised).
    scale:
        A difference of this size counts as one unit in the ABC distance.
    noise:
        ``"binomial"`` (counts in ``targets[name + "_n"]``) or ``"gaussian"``
        (standard deviation in ``history.noise_sd[name]``).
    meaning:
        What it is, in one line.
    """

    name: str
    model: str
    kind: str
    scale: float
    noise: str
    meaning: str


#: Every observable the model knows how to measure (a history uses those it has).
OBSERVATION_MODEL: tuple[Observable, ...] = (
    Observable(
        "cooperation",
        "cooperation",
        "share",
        0.1,
        "binomial",
        "cooperative share of the record's Pakistan->US events (CAMEO 03-09 among 03-20)",
    ),
    Observable(
        "coercion",
        "coercion",
        "share",
        0.1,
        "binomial",
        "share of the record's US->Pakistan events that are threats or coercion",
    ),
    Observable(
        "unga",
        "alignment",
        "z",
        0.5,
        "binomial",
        "Pakistan's UNGA agreement with the US (less all partners' mean when the panel is "
        "there), standardised; model: P(full) + P(selective) / 2",
    ),
    Observable(
        "china_arms",
        "china_share",
        "share",
        0.1,
        "gaussian",
        "China's share of Pakistan's arms imports (SIPRI TIV, from the panel); model: "
        "China's share of Pakistan's patronage",
    ),
    Observable(
        "icews_cooperation",
        "cooperation",
        "share",
        0.1,
        "binomial",
        "cooperative share of ICEWS Pakistan->US events, 2002-2014 (from the panel)",
    ),
)

#: The model series the observation model needs recorded.
MODEL_SERIES: tuple[str, ...] = tuple(sorted({o.model for o in OBSERVATION_MODEL}))


def observables_of(history: History) -> tuple[Observable, ...]:
    """The observables ``history`` has data for."""
    return tuple(
        o
        for o in OBSERVATION_MODEL
        if o.name in history.targets and np.isfinite(history.targets[o.name]).any()
    )


def observe(
    series: dict[str, npt.NDArray[Any]],
    history: History,
    rng: np.random.Generator | None,
) -> dict[str, F64]:
    """Simulated observations ``(T, n)`` of every observable of ``history`` (NaN where it has none).

    ``rng=None`` gives the noiseless expectation.
    """
    out: dict[str, F64] = {}
    for obs in observables_of(history):
        latent = np.clip(series[obs.model].astype(np.float64), 0.0, 1.0)
        missing = ~np.isfinite(history.targets[obs.name])
        if rng is not None and obs.noise == "binomial":
            counts = np.nan_to_num(history.targets.get(obs.name + "_n", np.zeros(len(missing))))
            n = np.maximum(counts.astype(np.int64), 1)[:, None]
            value = rng.binomial(np.broadcast_to(n, latent.shape), latent) / n
        elif rng is not None and obs.noise == "gaussian":
            sd = float(history.noise_sd.get(obs.name, 0.0))
            value = np.clip(latent + sd * rng.standard_normal(latent.shape), 0.0, 1.0)
        else:
            value = latent
        value = np.where(missing[:, None], np.nan, value)
        out[obs.name] = value
    return out


def _standardise(x: F64, mask: npt.NDArray[np.bool_]) -> F64:
    """Standardise each column of ``x`` (``(T, n)``) over the rows ``mask`` (sd floored at 0.02)."""
    part = x[mask]
    mean = np.nanmean(part, axis=0)
    sd = np.maximum(np.nanstd(part, axis=0), 0.02)
    return (x - mean) / sd


@dataclass(frozen=True)
class Summaries:
    """Era means of each observable through ``until``, for the record and for simulations.

    ``names[k]`` is ``"observable:era"``; ``rows[k]`` (shape ``(T,)``) averages
    the observed years of that era; ``scales[k]`` is the ABC unit.
    """

    names: tuple[str, ...]
    rows: tuple[F64, ...]
    scales: F64
    observed: F64
    until: int
    observables: tuple[Observable, ...]
    fit_mask: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, history: History, until: int | None = None) -> Summaries:
        """The summaries of ``history``'s record, using years ``<= until``."""
        years = history.years
        last = int(years[-1]) if until is None else int(until)
        fit = years <= last
        names: list[str] = []
        rows: list[F64] = []
        scales: list[float] = []
        observed: list[float] = []
        used = observables_of(history)
        for obs in used:
            target = history.targets[obs.name].astype(np.float64)
            value = target
            if obs.kind == "z":
                value = _standardise(target[:, None], fit & np.isfinite(target))[:, 0]
            for label, start, end in ERAS:
                mask = (years >= start) & (years <= end) & fit & np.isfinite(target)
                if mask.sum() < 1:
                    continue
                row = mask / mask.sum()
                names.append(f"{obs.name}:{label}")
                rows.append(row)
                scales.append(obs.scale)
                observed.append(float(np.nansum(row * np.nan_to_num(value))))
        if not names:
            raise InputError(
                f"the history of {history.case} has no observations up to {last}",
                field="until",
                value=last,
            )
        return cls(tuple(names), tuple(rows), np.array(scales), np.array(observed), last, used, fit)

    def simulated(self, observed_series: dict[str, F64]) -> F64:
        """Summaries ``(n, K)`` of simulated observations (from :func:`observe`)."""
        values: dict[str, F64] = {}
        for obs in self.observables:
            x = observed_series[obs.name]
            if obs.kind == "z":
                x = _standardise(x, self.fit_mask & np.isfinite(x[:, 0]))
            values[obs.name] = np.nan_to_num(x)
        n = next(iter(values.values())).shape[1]
        out = np.empty((n, len(self.names)))
        for k, (name, row) in enumerate(zip(self.names, self.rows, strict=True)):
            out[:, k] = row @ values[name.split(":", 1)[0]]
        return out

    def distance(self, simulated: F64) -> F64:
        """Root mean squared scaled difference from the record; shape ``(n,)``."""
        diff = (simulated - self.observed) / self.scales
        return np.sqrt(np.mean(diff * diff, axis=1))
