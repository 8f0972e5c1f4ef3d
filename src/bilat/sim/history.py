"""The history the model is calibrated to: the record's instruments and observables by year.

A :class:`History` pairs the instruments the US used each year (a schedule that
pins the regime, civilian control and strategic salience) with the record's
observables (Pakistan's cooperation, US coercion and the US regime). The
US-Pakistan history is built from :mod:`bilat.record` (its annual series and
events) and two small coding tables shipped here, each row with its source:
``data/salience.csv`` (US strategic salience of the region, bilat's ordinal
coding of the standard histories) and ``data/instruments.csv`` (conditions,
multi-year pledges, assurances and democracy support by period).

:func:`synthetic_history` makes a history with a known answer: the same
schedule, with observables simulated from chosen parameters.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from bilat._paths import package_data
from bilat.errors import DataMissingError, UnknownCodeError
from bilat.sim.instruments import Instruments
from bilat.sim.params import Theta
from bilat.sim.state import CONDITIONAL, DISENGAGED, ENGAGED, SANCTIONED, State, initial_state

__all__ = [
    "CASES",
    "ERAS",
    "OBSERVABLES",
    "History",
    "coded_table",
    "initial_for",
    "load_history",
    "stylised_schedule",
    "synthetic_history",
]

#: The periods of the partnership used for summary statistics (Kux 2001; Haqqani 2013).
ERAS: tuple[tuple[str, int, int], ...] = (
    ("early years", 1947, 1953),
    ("Cold War alliance", 1954, 1964),
    ("estrangement", 1965, 1978),
    ("Afghan war", 1979, 1989),
    ("sanctions decade", 1990, 2000),
    ("war on terror", 2001, 2008),
    ("conditional aid and crisis", 2009, 2013),
    ("drawdown", 2014, 2025),
)

#: The record's observables and the model quantity each is compared with (the
#: observation model is :mod:`bilat.sim.observe`). The US regime is *not* one:
#: the record's regime is coded from the same sanctions and aid series that the
#: schedule feeds in, so fitting it would fit the inputs to themselves.
OBSERVABLES: dict[str, str] = {
    "cooperation": "share of Pakistan->US events that are cooperative (roots 03-09) among "
    "cooperative and conflictual ones, vs the model's visible cooperation",
    "coercion": "share of US->Pakistan events that are threats or coercion (CAMEO 13, 17) "
    "vs the model's effective coercion",
    "unga": "Pakistan's UNGA agreement with the US, yearly (standardised) vs its alignment",
    "china_arms": "China's share of Pakistan's arms imports (SIPRI, panel) vs China's share "
    "of its patronage",
    "icews_cooperation": "cooperative share of ICEWS Pakistan->US events 2002-2014 (panel) "
    "vs visible cooperation",
}

#: Cases the model knows.
CASES: tuple[str, ...] = ("us-pakistan",)


@dataclass(frozen=True)
class History:
    """Instruments and observables by year.

    Attributes
    ----------
    case:
        The case name.
    years:
        Calendar years, shape ``(T,)``.
    schedule:
        One :class:`Instruments` per year (the historical policy).
    targets:
        Observables by name (see :data:`OBSERVABLES`), each shape ``(T,)``,
        NaN where the record has nothing; ``NAME_n`` holds the number of items
        (events, roll calls) behind a share, for the observation noise.
    sources:
        Where each input and target came from.
    notes:
        Caveats (estimates, substitutions, missing pieces).
    truth:
        For a synthetic history, the parameters that generated it.
    noise_sd:
        Measurement standard deviation of the Gaussian-noise observables.
    """

    case: str
    years: npt.NDArray[np.int64]
    schedule: tuple[Instruments, ...]
    targets: dict[str, npt.NDArray[np.float64]]
    sources: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    truth: Theta | None = None
    noise_sd: dict[str, float] = field(default_factory=dict)

    def index(self, year: int) -> int:
        """Position of ``year`` in :attr:`years`."""
        return int(np.searchsorted(self.years, year))

    def aid(self) -> dict[str, npt.NDArray[np.float64]]:
        """The aid series of the schedule, $ billion a year, by instrument."""
        return {
            name: np.array([float(getattr(i, name)) for i in self.schedule])
            for name in ("military_aid", "ct_reimbursement", "economic_aid")
        }


def initial_for(history: History, n: int) -> State:
    """The starting state of ``n`` runs in the history's first year."""
    first = history.schedule[0]
    civilian = 0.5 if np.isnan(first.civilian) else float(first.civilian)
    salience = 0.3 if np.isnan(first.salience) else float(first.salience)
    return initial_state(n, civilian=civilian, salience=salience)


def coded_table(name: str) -> list[dict[str, str]]:
    """Rows of a coding table shipped in ``bilat/sim/data`` (``salience`` or ``instruments``)."""
    path = package_data("sim", "data", f"{name}.csv")
    if not path.is_file():
        raise DataMissingError(f"the sim coding table {path} is missing; reinstall bilat")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _coded_series(years: npt.NDArray[np.int64]) -> dict[str, npt.NDArray[np.float64]]:
    out: dict[str, npt.NDArray[np.float64]] = {}
    salience = np.full(years.shape, np.nan)
    for row in coded_table("salience"):
        mask = (years >= int(row["start"])) & (years <= int(row["end"]))
        salience[mask] = float(row["salience"])
    out["salience"] = salience
    for name in ("conditions", "assurances", "democracy_support", "commitment"):
        out[name] = np.zeros(years.shape)
    for row in coded_table("instruments"):
        start, end = int(row["start"]), int(row["end"])
        mask = (years >= start) & (years <= end)
        if row["instrument"] == "commitment":
            # a pledge of N years made in ``start``: years left, counting down
            out["commitment"][mask] = np.maximum(float(row["value"]) - (years[mask] - start), 0)
        else:
            out[row["instrument"]][mask] = float(row["value"])
    return out


def stylised_schedule(
    years: Sequence[int] | None = None,
) -> tuple[npt.NDArray[np.int64], list[Instruments]]:
    """A stylised 1950-2025 schedule of surges and exits, for tests and benchmarks.

    Not data: aid of $1.5 bn a year in the three surges (1954-64, 1980-89,
    2002-13), $0.2 bn otherwise, sanctions in 1990-2001, and the coded salience,
    conditions and pledges of ``data/*.csv``. Regime and civilian control are
    left to the model (``civilian`` is pinned at 0.5).
    """
    yrs = np.arange(1950, 2026) if years is None else np.asarray(years, dtype=np.int64)
    coded = _coded_series(yrs)
    schedule = []
    for i, y in enumerate(yrs):
        surge = (1954 <= y <= 1964) or (1980 <= y <= 1989) or (2002 <= y <= 2013)
        aid = 1.5 if surge else 0.2
        schedule.append(
            Instruments(
                military_aid=aid * 0.4,
                ct_reimbursement=aid * 0.3 if y >= 2002 else 0.0,
                economic_aid=aid * (0.3 if y >= 2002 else 0.6),
                sanctions=1.0 if 1990 <= y <= 2001 else 0.0,
                conditions=float(coded["conditions"][i]),
                assurances=float(coded["assurances"][i]),
                democracy_support=float(coded["democracy_support"][i]),
                commitment=float(coded["commitment"][i]),
                salience=float(coded["salience"][i]),
                civilian=0.5,
            )
        )
    return yrs, schedule


def synthetic_history(
    theta: Theta,
    seed: int,
    *,
    base: History | None = None,
    runs: int = 1,
    noise: bool = True,
) -> History:
    """A history with a known answer: ``base``'s schedule, observables simulated from ``theta``.

    The observations go through the same observation model as the calibration's
    simulations (:func:`bilat.sim.observe.observe`: the record's own event and
    vote counts, its missing years), so the synthetic record is as noisy and as
    gappy as the real one; ``noise=False`` gives the expectation instead. With
    ``runs > 1`` the targets are the mean over runs. Without ``base`` the
    :func:`stylised_schedule` is used, with every observable every year.
    """
    from bilat.sim.model import run
    from bilat.sim.observe import MODEL_SERIES, observe

    if base is None:
        years, schedule = stylised_schedule()
        full = np.full(len(years), 0.5)
        counts = np.full(len(years), 20.0)
        base = History(
            "synthetic",
            years,
            tuple(schedule),
            {
                "cooperation": full,
                "cooperation_n": counts,
                "coercion": full,
                "coercion_n": counts,
            },
            notes=("stylised schedule",),
        )
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    traj = run(initial_for(base, runs), base.schedule, theta, rng, record=MODEL_SERIES)
    seen = observe(traj.series, base, rng if noise else None)
    targets = dict(base.targets)
    for name, values in seen.items():
        targets[name] = values.mean(axis=1)  # a missing year is missing in every run
    return replace(
        base,
        case=f"synthetic:{base.case}",
        targets=targets,
        truth=theta,
        sources={"targets": f"simulated from known parameters, seed {seed}"},
    )


@functools.lru_cache(maxsize=4)
def load_history(case: str = "us-pakistan") -> History:
    """The calibration history of ``case`` (built from :mod:`bilat.record`; cached).

    Raises
    ------
    UnknownCodeError
        For a case the model does not know.
    DataMissingError
        When the record is not available.
    """
    if case not in CASES:
        raise UnknownCodeError("case", case, list(CASES))
    from bilat.sim._record import history_from_record

    return history_from_record()


def regime_code(sanctioned: bool, conditional: bool, engaged: bool) -> int:
    """The record's regime for one year: sanctions, then conditions, then engagement."""
    if sanctioned:
        return SANCTIONED
    if conditional:
        return CONDITIONAL
    return ENGAGED if engaged else DISENGAGED
