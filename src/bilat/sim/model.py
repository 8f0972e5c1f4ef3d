"""The simulator: one pure, vectorised step and a loop over years.

``step(state, policy_t, theta, rng)`` advances every run by one year with array
operations only (no loop over runs); :func:`run` applies a schedule of yearly
:class:`~bilat.sim.instruments.Instruments` and records the fields asked for.
The random numbers each step draws are the same in number and order whatever
the policy, so two policies run from the same seed share their random streams
(common random numbers) and their differences are paired.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import InputError
from bilat.sim.instruments import Instruments
from bilat.sim.mechanisms import (
    DEFAULT_MECHANISMS,
    Context,
    Mechanisms,
    clip01,
    quantal_response,
    value,
)
from bilat.sim.params import Theta
from bilat.sim.state import CONDITIONAL, SANCTIONED, State

__all__ = [
    "OUTCOMES",
    "RECORDABLE",
    "Trajectory",
    "outcomes",
    "run",
    "step",
    "visible_cooperation",
]

F32 = npt.NDArray[np.float32]
ONE = np.float32(1.0)

# Share of each instrument delivered under each regime (engaged, conditional,
# sanctioned, disengaged, and conditional with the aid withheld) when the
# model's own rule sets the regime.
_AID = np.array([1.0, 1.0, 0.0, 0.1, 0.0], dtype=np.float32)
_ECON = np.array([1.0, 1.0, 0.3, 0.1, 0.0], dtype=np.float32)
_TRADE = np.array([1.0, 1.0, 0.5, 0.5, 1.0], dtype=np.float32)
_TIES = np.array([1.0, 1.0, 0.0, 0.0, 1.0], dtype=np.float32)
_DEMOC = np.array([1.0, 1.0, 0.5, 0.0, 1.0], dtype=np.float32)


def _deliver(offer: Any, shares: F32, code: npt.NDArray[np.int8]) -> tuple[Any, Any]:
    """Delivered amounts by regime code, and their values ``v(x)`` (None for arrays)."""
    if np.ndim(offer) == 0:
        table = np.float32(offer) * shares
        return np.take(table, code), np.take(value(table), code)
    return offer * np.take(shares, code), None


def _deliver_value(mil: Any, ct: Any, code: npt.NDArray[np.int8]) -> Any:
    """``v(mil + ct)`` delivered, by table lookup when both offers are scalars."""
    if np.ndim(mil) == 0 and np.ndim(ct) == 0:
        return np.take(value((np.float32(mil) + np.float32(ct)) * _AID), code)
    return None


_SQRT12 = math.sqrt(12.0)

#: State fields :func:`run` can record, year by year.
RECORDABLE: tuple[str, ...] = (
    "us_trust",
    "pk_trust",
    "threat",
    "proxies",
    "china_share",
    "econ_ties",
    "civilian",
    "sentiment",
    "salience",
    "regime",
    "last_action",
    "cooperation",
    "coercion",
    "proposed",
    "delivered",
    "alignment",
    "broken",
)

#: Outcomes of a policy per run (lower is better for the US on every one).
OUTCOMES: dict[str, str] = {
    "trust_deficit": "1 - mean of the two sides' trust, averaged over the horizon",
    "us_distrust": "1 - the US's trust in Pakistan, averaged over the horizon",
    "pk_distrust": "1 - Pakistan's trust that the US will stay, averaged over the horizon",
    "militant_threat": "militant threat to the US, averaged over the horizon",
    "china_dependence": "China's share of Pakistan's patronage at the end of the horizon",
    "rupture": "1 if the partnership ruptured (to sanctioned or disengaged) at least once",
    "cost": "aid the US delivered over the horizon, $ billion",
}


def visible_cooperation(probs: F32) -> F32:
    """Cooperative share of Pakistan's visible dealings with the US: ``(Pf + Ps) / (Pf + Ps + Pr)``.

    Full and selective cooperation show as cooperative events towards the US,
    rejection as conflictual ones; hedging through proxies and turning to
    China leave no Pakistan-to-US event. This is what the record's share of
    cooperative Pakistan-to-US events measures.
    """
    coop = probs[0] + probs[1]
    return (coop / (coop + probs[4])).astype(np.float32, copy=False)


def _arr(value: Any, n: int) -> Any:
    """A float32 scalar for a scalar (broadcasting is cheaper than a full array), else the array."""
    out = np.asarray(value, dtype=np.float32)
    if out.ndim == 0:
        return np.float32(out)
    if out.shape != (n,):
        raise InputError(
            f"an instrument array must have shape ({n},), got {out.shape}", field="instruments"
        )
    return out


def step(
    state: State,
    policy_t: Instruments,
    theta: Theta,
    rng: np.random.Generator,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> State:
    """Advance every run by one year.

    Parameters
    ----------
    state:
        The partnership now, arrays of shape ``(n,)``.
    policy_t:
        This year's US instruments (scalars or ``(n,)`` arrays) and pins.
    theta:
        Parameters (scalars or ``(n,)`` arrays, one per run).
    rng:
        The random stream; each call draws exactly ``6 n`` uniforms, whatever
        the policy (so that policies share random numbers).
    mechanisms:
        The functions that make up the model (default: the strategic model).

    Returns
    -------
    State
        The partnership a year later (a new object; ``state`` is not changed).
    """
    n = state.n
    uniform = rng.random((6, n), dtype=np.float32)
    # rows 2-4: centred uniform noise with unit variance (cheaper than normals)
    normal = (uniform[2:5] - np.float32(0.5)) * np.float32(_SQRT12)

    if math.isnan(policy_t.salience):
        rho = np.float32(theta.salience_persistence)
        salience = clip01(
            rho * state.salience
            + (ONE - rho) * np.float32(theta.salience_mean)
            + np.float32(theta.salience_sd) * normal[2]
        )
    else:
        salience = np.full(n, policy_t.salience, dtype=np.float32)
    # a pin is a scalar (every run) or an array of shape (n,) (one value per run, e.g. per partner)
    civilian_pin = np.asarray(policy_t.civilian, dtype=np.float32)
    pinned_civilian = not bool(np.isnan(civilian_pin).all())
    civilian = (
        np.broadcast_to(civilian_pin, (n,)).astype(np.float32)
        if pinned_civilian
        else state.civilian
    )

    mil = _arr(policy_t.military_aid, n)
    ct = _arr(policy_t.ct_reimbursement, n)
    econ = _arr(policy_t.economic_aid, n)
    trade = _arr(policy_t.trade_access, n)
    cond = _arr(policy_t.conditions, n)
    assure = _arr(policy_t.assurances, n)
    democ = _arr(policy_t.democracy_support, n)
    pledge_offered = _arr(policy_t.commitment, n)
    commit, broken, reneged = mechanisms.pledge(state, pledge_offered, theta, uniform[5], salience)
    offered = mil + ct + econ

    proposed = mechanisms.regime_rule(state, cond, commit, theta, uniform[1], salience)
    if policy_t.regime >= 0:
        regime = np.full(n, policy_t.regime, dtype=np.int8)
    else:
        sanctions = _arr(policy_t.sanctions, n)
        regime = np.where(
            (sanctions >= 0.5) & (proposed != 3), np.int8(SANCTIONED), proposed
        ).astype(np.int8)
        withhold = (
            (regime == CONDITIONAL) & (state.last_action >= 2) & (uniform[1] < theta.enforcement)
        )
        # code 4 = conditional with the aid withheld; each instrument's delivered
        # value is looked up by code (one pass) when the policy gives a scalar
        code = np.where(withhold, np.int8(4), regime)
        security = _deliver_value(mil, ct, code)
        mil, v_mil = _deliver(mil, _AID, code)
        ct, v_ct = _deliver(ct, _AID, code)
        econ, v_econ = _deliver(econ, _ECON, code)
        trade = _deliver(trade, _TRADE, code)[0]
        assure = _deliver(assure, _TIES, code)[0]
        commit = _deliver(commit, _TIES, code)[0]
        democ = _deliver(democ, _DEMOC, code)[0]
    delivered = np.broadcast_to(mil + ct + econ, (n,))
    rupture = (state.regime <= CONDITIONAL) & (regime >= SANCTIONED)
    coercion = clip01(
        _arr(policy_t.coercion, n)
        + theta.coercion_response * (ONE - state.us_trust) * state.threat * salience
    )

    ctx = Context(
        state=state,
        theta=theta,
        mil=mil,
        ct=ct,
        econ=econ,
        trade=trade,
        cond=cond,
        assure=assure,
        democ=democ,
        commit=commit,
        coercion=coercion,
        regime=regime,
        civilian=civilian,
        salience=salience,
        rupture=rupture,
        reneged=reneged,
    )
    if policy_t.regime < 0:
        for name, cached in (
            ("v_mil", v_mil),
            ("v_ct", v_ct),
            ("v_econ", v_econ),
            ("v_security", security),
        ):
            if cached is not None:
                ctx.__dict__[name] = cached
    utility = np.zeros((5, n), dtype=np.float32)
    for term in mechanisms.utility_terms:
        term(ctx, utility)
    probs, action = quantal_response(utility, theta.precision, uniform[0])

    us_trust, pk_trust = mechanisms.trust(ctx, action)
    proxies, threat = mechanisms.proxies(ctx, action)
    china, ties, sentiment = mechanisms.patronage(ctx, action, normal[1])
    new_civilian = civilian if pinned_civilian else mechanisms.civilian(ctx, normal[0])

    return State(
        us_trust=us_trust.astype(np.float32, copy=False),
        pk_trust=pk_trust.astype(np.float32, copy=False),
        threat=threat.astype(np.float32, copy=False),
        proxies=proxies.astype(np.float32, copy=False),
        china_share=china.astype(np.float32, copy=False),
        econ_ties=ties.astype(np.float32, copy=False),
        civilian=np.asarray(new_civilian, dtype=np.float32),
        sentiment=sentiment.astype(np.float32, copy=False),
        salience=salience,
        regime=regime,
        last_action=action,
        ruptures=(state.ruptures + rupture).astype(np.int16),
        delivered=(state.delivered + delivered).astype(np.float32, copy=False),
        withheld=state.withheld + (offered - delivered).astype(np.float32, copy=False),
        cooperation=visible_cooperation(probs),
        coercion=coercion.astype(np.float32, copy=False),
        proposed=proposed,
        pledge=np.broadcast_to(pledge_offered, (n,)).astype(np.float32),
        broken=broken,
        alignment=(probs[0] + np.float32(0.5) * probs[1]).astype(np.float32),
    )


@dataclass
class Trajectory:
    """What :func:`run` returns: the final state and the recorded fields.

    Attributes
    ----------
    years:
        The simulated years, shape ``(T,)``.
    final:
        The state after the last year.
    series:
        Recorded fields, each of shape ``(T, n)`` (row ``t`` is the state *after*
        year ``years[t]``).
    start:
        The state before the first year.
    """

    years: npt.NDArray[np.int64]
    final: State
    series: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    start: State | None = None


def run(
    state: State,
    schedule: Sequence[Instruments],
    theta: Theta,
    rng: np.random.Generator,
    *,
    years: Sequence[int] | None = None,
    record: Sequence[str] = (),
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> Trajectory:
    """Apply ``schedule`` (one :class:`Instruments` per year) to ``state``.

    Parameters
    ----------
    state, theta, rng, mechanisms:
        As for :func:`step`.
    schedule:
        The instruments of each year, in order.
    years:
        Calendar years of the schedule (default ``0 .. T-1``).
    record:
        Names from :data:`RECORDABLE` to keep year by year.
    """
    unknown = [r for r in record if r not in RECORDABLE]
    if unknown:
        raise InputError(
            f"cannot record {unknown[0]!r}; choose from {', '.join(RECORDABLE)}",
            field="record",
            value=unknown[0],
        )
    steps = len(schedule)
    n = state.n
    series = {name: np.empty((steps, n), dtype=getattr(state, name).dtype) for name in record}
    start = state
    for t, instruments in enumerate(schedule):
        state = step(state, instruments, theta, rng, mechanisms)
        for name in record:
            series[name][t] = getattr(state, name)
    year_array = np.arange(steps) if years is None else np.asarray(years, dtype=np.int64)
    return Trajectory(years=year_array, final=state, series=series, start=start)


def outcomes(trajectory: Trajectory) -> dict[str, npt.NDArray[np.float64]]:
    """Per-run outcomes (see :data:`OUTCOMES`) of a trajectory that recorded trust and threat.

    Needs ``us_trust``, ``pk_trust``, ``threat`` and ``china_share`` recorded
    and ``trajectory.start``; returns arrays of shape ``(n,)``.
    """
    s = trajectory.series
    needed = ("us_trust", "pk_trust", "threat", "china_share")
    missing = [k for k in needed if k not in s]
    if missing or trajectory.start is None:
        raise InputError(
            f"outcomes need the recorded fields {', '.join(needed)} and the start state",
            field="record",
            value=missing,
        )
    start, final = trajectory.start, trajectory.final
    trust = 0.5 * (s["us_trust"].astype(np.float64) + s["pk_trust"])
    return {
        "trust_deficit": 1.0 - trust.mean(axis=0),
        "us_distrust": 1.0 - s["us_trust"].astype(np.float64).mean(axis=0),
        "pk_distrust": 1.0 - s["pk_trust"].astype(np.float64).mean(axis=0),
        "militant_threat": s["threat"].astype(np.float64).mean(axis=0),
        "china_dependence": s["china_share"][-1].astype(np.float64),
        "rupture": (final.ruptures > start.ruptures).astype(np.float64),
        "cost": (final.delivered - start.delivered).astype(np.float64),
    }
