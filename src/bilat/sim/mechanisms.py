"""The model's mechanisms, one swappable function each, with the source it follows.

A year of the simulator (:func:`bilat.sim.model.step`) builds a :class:`Context`
(the state, the instruments actually delivered, the parameters), then:

1. the US rule sets the engagement regime (:func:`us_regime_rule`);
2. each *utility term* adds to Pakistan's utility of its five choices (a
   ``(5, n)`` array; rows follow :data:`bilat.sim.state.ACTIONS`);
3. Pakistan chooses by logit quantal response (:func:`quantal_response`);
4. the *update* functions move the state.

A :class:`Mechanisms` bundle names the functions used; replace any of them
(``DEFAULT_MECHANISMS.replace(...)``) to test an alternative account.
:data:`NULL_MECHANISMS` swaps the strategic choice for routine and reciprocity
(Goldstein & Freeman 1991), the null model.

Notation in the docstrings: ``m = 1 - civilian`` (weight of military
interests), ``c = civilian``, ``F = 1 - pk_trust`` (abandonment fear),
``v(x) = x / (1 + x)`` (the value of $x billion a year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.sim.params import Theta
from bilat.sim.state import CONDITIONAL, DISENGAGED, ENGAGED, SANCTIONED, State

__all__ = [
    "COIN_FLIP_MECHANISMS",
    "DEFAULT_MECHANISMS",
    "NULL_MECHANISMS",
    "Context",
    "Mechanisms",
    "abandonment_hedge",
    "alliance_goods",
    "alternative_patron",
    "bayesian_trust",
    "civilian_control",
    "clip01",
    "coercion_deterrence",
    "coin_flip",
    "conditionality",
    "moral_hazard",
    "patronage_and_ties",
    "pledge_kept",
    "proxies_and_threat",
    "public_opinion",
    "quantal_response",
    "reciprocity_routine",
    "routine",
    "us_regime_rule",
    "value",
]

F32 = npt.NDArray[np.float32]
ONE = np.float32(1.0)


def clip01(x: F32, lo: float = 0.0, hi: float = 1.0) -> F32:
    """Clip the float32 array ``x`` to ``[lo, hi]`` in place and return it."""
    return np.clip(x, np.float32(lo), np.float32(hi), out=x)


def value(x: Any) -> Any:
    """The saturating value ``x / (1 + x)`` of $x billion a year (0.5 at $1 bn)."""
    return x / (ONE + x)


@dataclass
class Context:
    """What the mechanisms see in one year (arrays of shape ``(n,)``).

    ``mil``, ``ct``, ``econ``, ``trade``, ``cond``, ``assure``, ``democ`` and
    ``commit`` are the instruments *delivered* under this year's regime
    (float32 scalars when the same for every run, else arrays of shape ``(n,)``);
    ``coercion`` is the effective coercive pressure; ``regime`` the regime in
    force; ``civilian`` and ``salience`` this year's values; ``rupture`` marks
    runs whose regime just broke down and ``reneged`` those where the US broke
    a pledge this year.
    """

    state: State
    theta: Theta
    mil: Any
    ct: Any
    econ: Any
    trade: Any
    cond: Any
    assure: Any
    democ: Any
    commit: Any
    coercion: F32
    regime: npt.NDArray[np.int8]
    civilian: F32
    salience: F32
    rupture: npt.NDArray[np.bool_]
    reneged: npt.NDArray[np.bool_]

    @cached_property
    def v_mil(self) -> Any:
        """``v(mil)``."""
        return value(self.mil)

    @cached_property
    def v_ct(self) -> Any:
        """``v(ct)``."""
        return value(self.ct)

    @cached_property
    def v_econ(self) -> Any:
        """``v(econ)``."""
        return value(self.econ)

    @cached_property
    def v_security(self) -> Any:
        """``v(mil + ct)``, the value of security aid taken together."""
        return value(self.mil + self.ct)

    @property
    def fear(self) -> F32:
        """Abandonment fear ``F = 1 - pk_trust``."""
        return ONE - self.state.pk_trust

    @property
    def military_weight(self) -> F32:
        """``m = 1 - civilian``."""
        return ONE - self.civilian


UtilityTerm = Callable[[Context, F32], None]


# --------------------------------------------------------------------------- the US


def us_regime_rule(
    state: State, cond: Any, commit: Any, theta: Theta, u_enforce: F32, salience: F32
) -> npt.NDArray[np.int8]:
    """The regime the US would choose this year, before any policy pin.

    * **disengaged** when strategic salience falls below ``salience_threshold``
      and no unbroken pledge is in force (``commit == 0``) — the patron leaves
      when its stake falls (Snyder 1984; the exits after 1965 and 1990 as told by
      Kux 2001 and the seed article); a pledge delays the exit but may be broken
      (:func:`pledge_kept`);
    * **sanctioned** when US trust is below ``sanction_trigger``, Pakistan defied
      the US last year (hedging, the other patron, rejection) and the US enforces
      (probability ``enforcement``) — conditionality binds only when the donor
      can commit to punish (Svensson 2000; Bueno de Mesquita & Smith 2007);
      sanctions persist while trust stays low;
    * **conditional** when the policy attaches conditions (``cond >= 0.5``);
    * **engaged** otherwise.
    """
    defied = state.last_action >= 2
    trigger = np.float32(theta.sanction_trigger)
    punish = (state.us_trust < trigger) & defied & (u_enforce < theta.enforcement)
    persist = (state.regime == SANCTIONED) & (state.us_trust < trigger + np.float32(0.1))
    out = np.where(cond >= 0.5, np.int8(CONDITIONAL), np.int8(ENGAGED))
    out = np.where(punish | persist, np.int8(SANCTIONED), out)
    leave = (salience < theta.salience_threshold) & (commit <= 0)
    return np.where(leave, np.int8(DISENGAGED), out).astype(np.int8)


def pledge_kept(
    state: State, offered: Any, theta: Theta, u_renege: F32, salience: F32
) -> tuple[Any, npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Pledges are finite and breakable: the years of pledge that count, and who broke one.

    A pledge offered by the schedule (``offered`` years left; policies count
    their pledges down) counts unless the US has broken it. In a year when its
    stake has fallen (salience below ``salience_threshold``) the US breaks a
    pledge in force with probability ``renege`` (alliance commitments are
    honoured about three times in four: Leeds, Long & Mitchell 2000); a broken
    pledge counts for nothing until the schedule offers a new, longer one, and
    breaking it costs the US Pakistan's trust (see :func:`bayesian_trust`).

    Returns the effective years left, the new ``broken`` flags and the runs
    that broke a pledge this year.
    """
    renewed = offered > state.pledge
    broken = np.where(renewed, np.int8(0), state.broken)
    in_force = (offered > 0) & (broken == 0)
    breaks = in_force & (salience < theta.salience_threshold) & (u_renege < theta.renege)
    broken = np.where(breaks, np.int8(1), broken).astype(np.int8)
    effective = np.where(broken == 1, np.float32(0.0), offered)
    return effective, broken, breaks


# --------------------------------------------------------------------------- Pakistan's utility


def alliance_goods(ctx: Context, utility: F32) -> None:
    """What the patron delivers, weighed by who rules (Morrow 1991, AJPS 35:4).

    An asymmetric alliance trades the client's autonomy for the patron's goods.
    The military values military aid, reimbursements and security assurances;
    civilians value economic aid, trade access, democracy support and economic
    ties: ``G = m (v(mil) + v(ct) + assure / 2) + c (v(econ) + (trade + democ +
    ties) / 2)``. Defiance puts the goods at risk only as far as the patron
    enforces (Svensson 2000; Bueno de Mesquita & Smith 2007): the choices keep
    ``1 - (1 - s) * enforcement`` of ``G`` with ``s`` = 1, 3/4, 1/2, 1/4 and 0.
    Aid to military rulers buys more (small coalitions sell concessions cheaply;
    Bueno de Mesquita & Smith 2007; Ali 2009).
    """
    m, c = ctx.military_weight, ctx.civilian
    half = np.float32(0.5)
    goods = m * (ctx.v_mil + ctx.v_ct + half * ctx.assure) + c * (
        ctx.v_econ + half * (ctx.trade + ctx.democ + ctx.state.econ_ties)
    )
    enforcement = ctx.theta.enforcement
    utility[0] += goods
    for row, lost in ((1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0)):
        utility[row] += (ONE - np.float32(lost) * enforcement) * goods


def moral_hazard(ctx: Context, utility: F32) -> None:
    """Reimbursements tied to an ongoing threat reward keeping it alive.

    Bapat (2011, JPR 48:3): US military aid to a host is associated with
    terrorist campaigns lasting longer; Powell (2019, APSR): a principal-agent
    problem persists when solving it would end the agent's leverage. Full
    cooperation forfeits ``moral_hazard * m * v(ct)`` of future reimbursements;
    selective cooperation gains it.
    """
    hazard = ctx.theta.moral_hazard * ctx.military_weight * ctx.v_ct
    utility[0] -= hazard
    utility[1] += hazard


def abandonment_hedge(ctx: Context, utility: F32) -> None:
    """Proxies insure against abandonment (Snyder 1984, World Politics 36:4).

    The alliance security dilemma: the more the client fears abandonment, the
    more it keeps a hedge. With ``H = hedge_value * F * m``, hedging gains ``H``
    and selective cooperation ``H / 2``; full cooperation, which dismantles the
    hedge and exposes Pakistan to the groups' retaliation if the US then
    leaves, loses ``H / 2`` (Gates's "strategic hedge", quoted in the seed
    article).
    """
    hedge = ctx.theta.hedge_value * ctx.fear * ctx.military_weight
    half = np.float32(0.5)
    utility[0] -= half * hedge
    utility[1] += half * hedge
    utility[2] += hedge


def conditionality(ctx: Context, utility: F32) -> None:
    """Conditions bind only if enforced (Svensson 2000; Bueno de Mesquita & Smith 2007).

    Complying costs the military autonomy (``cond * m / 2``: the 2009
    Kerry-Lugar-Berman conditions on civilian control, resented by the army);
    defying them loses the conditioned aid only with probability
    ``enforcement``: selective cooperation risks half, the other choices all of
    ``enforcement * cond * (m (v(mil) + v(ct)) + c v(econ))``. Rejecting the
    conditions outright also pleases the military (``cond * m / 2``).
    """
    m, c, cond = ctx.military_weight, ctx.civilian, ctx.cond
    half = np.float32(0.5)
    at_risk = ctx.theta.enforcement * cond * (m * (ctx.v_mil + ctx.v_ct) + c * ctx.v_econ)
    autonomy = half * cond * m
    utility[0] -= autonomy
    utility[1] -= half * at_risk
    utility[2] -= at_risk
    utility[3] -= at_risk
    utility[4] += autonomy - at_risk


def coercion_deterrence(ctx: Context, utility: F32) -> None:
    """Coercive threats raise the cost of defiance (Schelling 1966, *Arms and Influence*).

    Hedging and rejection lose ``coercion``; turning to the other patron loses
    half of it; selective cooperation a quarter. (The threats' cost in
    sentiment is in :func:`patronage_and_ties`.)
    """
    x = ctx.coercion
    utility[1] -= np.float32(0.25) * x
    utility[2] -= x
    utility[3] -= np.float32(0.5) * x
    utility[4] -= x


def public_opinion(ctx: Context, utility: F32) -> None:
    """Anti-US sentiment makes visible cooperation costly (the seed article).

    Full cooperation loses half the ``sentiment``, selective a quarter;
    rejecting US conditions gains a quarter — the domestic politics behind the
    rejection of the 2009 aid bill's conditions.
    """
    a = ctx.state.sentiment
    half, quarter = np.float32(0.5), np.float32(0.25)
    utility[0] -= half * a
    utility[1] -= quarter * a
    utility[4] += quarter * a


def routine(ctx: Context, utility: F32) -> None:
    """Bureaucratic routine: last year's choice keeps ``routine_weight`` (Goldstein & Freeman 1991).

    Great-power behaviour is "a relatively stable mix of bureaucratic routine
    and reciprocity"; the strategic model keeps the routine part as inertia.
    """
    weight = np.float32(ctx.theta.routine_weight)
    last = ctx.state.last_action
    for k in range(5):
        utility[k] += weight * (last == k)


def alternative_patron(ctx: Context, utility: F32) -> None:
    """The pull of another patron (Morrow 1991: asymmetric alliances break when needs shift).

    Turning to China gains ``china_pull * ((1 + F) / 4 + d / 2)`` — the more
    Pakistan fears US abandonment, and the larger China's share ``d`` of its
    patronage already is, the more the other patron is worth (the share feeds
    back into the choice) — and loses half the economic ties with the US that
    civilians would put at risk.
    """
    half = np.float32(0.5)
    pull = np.float32(0.25) * (ONE + ctx.fear) + half * ctx.state.china_share
    utility[3] += ctx.theta.china_pull * pull
    utility[3] -= half * ctx.civilian * ctx.state.econ_ties


def coin_flip(ctx: Context, utility: F32) -> None:
    """No strategy at all: every choice equally likely whatever the US does (a test model).

    Replacing every utility term by this one makes Pakistan's choice a fair
    five-sided coin; a model whose verdict survives this has it built in.
    """
    utility[:] = np.float32(0.0)


def reciprocity_routine(ctx: Context, utility: F32) -> None:
    """The null model: routine and reciprocity (Goldstein & Freeman 1991, APSR).

    No strategy: Pakistan repeats last year's choice (routine, weight 1) and
    answers the US's cooperation in kind (reciprocity): US cooperation is the
    goods delivered minus coercion; it raises full cooperation and lowers
    rejection by the same amount.
    """
    n = ctx.state.n
    routine = np.zeros_like(utility)
    routine[ctx.state.last_action.astype(np.intp), np.arange(n)] = ONE
    utility += routine
    us_coop = value(ctx.mil + ctx.ct + ctx.econ) + np.float32(0.5) * ctx.trade - ctx.coercion
    utility[0] += us_coop
    utility[4] -= us_coop


def quantal_response(
    utility: F32, precision: Any, u_choice: F32
) -> tuple[F32, npt.NDArray[np.int8]]:
    """Logit quantal response (McKelvey & Palfrey 1995): probabilities and a sampled choice.

    ``P(k) = exp(precision * U_k) / sum_j exp(precision * U_j)``; the choice is
    the first ``k`` whose cumulative probability exceeds ``u_choice``. Works in
    place on ``utility`` (shape ``(5, n)``) and returns the probabilities in it.
    """
    # exp(precision * (U_k - U_0)): four exponentials instead of five, clipped
    # so that float32 cannot overflow
    utility -= utility[0]
    utility *= precision
    np.clip(utility, np.float32(-60.0), np.float32(60.0), out=utility)
    np.exp(utility[1:], out=utility[1:])
    utility[0] = ONE
    threshold = utility[0] + utility[1] + utility[2] + utility[3] + utility[4]
    total = threshold.copy()
    threshold *= u_choice
    cumulative = utility[0].copy()
    action = (cumulative < threshold).view(np.int8).copy()
    for row in (1, 2, 3):
        cumulative += utility[row]
        action += (cumulative < threshold).view(np.int8)
    utility /= total
    return utility, action


# --------------------------------------------------------------------------- updates


_US_EVIDENCE = np.array([1.0, 0.25, -1.0, -0.5, -0.5], dtype=np.float32)
_PK_EVIDENCE = np.array([0.3, 0.1, -0.5, -0.2], dtype=np.float32)


def _bayes(p: F32, log_lr: F32) -> F32:
    """Posterior of prior ``p`` after evidence with log likelihood ratio ``log_lr``."""
    lr = np.exp(clip01(log_lr, -20.0, 20.0))
    out = p * lr
    out /= ONE - p + out
    return out


def bayesian_trust(ctx: Context, action: npt.NDArray[np.int8]) -> tuple[F32, F32]:
    """Trust as a belief about the other's type, moved by evidence (Kydd 2000, 2005).

    Each side updates its belief by Bayes' rule, the year's evidence having log
    likelihood ratio ``trust_learning`` times:

    * for the US, Pakistan's choice (full +1, selective +1/4, hedging -1, the
      other patron -1/2, rejection -1/2) less half the threat;
    * for Pakistan, the regime (engaged +0.3, conditional +0.1, sanctioned
      -0.5, disengaged -0.2), a rupture (-1.5: leaving is the strong evidence),
      a broken pledge (-1 more), ``coercion_trust`` times the coercion (either
      sign: hostility in Jervis's spiral model, resolve for Schelling and
      Fearon) and ``signal_weight`` times the US's signals of staying — the
      years left on an unbroken pledge (``commit / 10``), security assurances
      and economic ties (each /2) — whose sign the literature disputes (Kydd
      2005: costly signals reassure; Jervis 1976: they are discounted or
      suspected).

    Beliefs then relax a tenth of the way back to 1/2 (types can change),
    and stay within [0.01, 0.99].
    """
    th, st = ctx.theta, ctx.state
    half = np.float32(0.5)
    us_ev = np.take(_US_EVIDENCE, action) - half * st.threat
    pk_ev = np.take(_PK_EVIDENCE, ctx.regime) - np.float32(1.5) * ctx.rupture
    pk_ev -= ctx.reneged.astype(np.float32)
    pk_ev += th.coercion_trust * ctx.coercion
    pk_ev += th.signal_weight * (
        ctx.commit * np.float32(0.1) + half * ctx.assure + half * st.econ_ties
    )
    relax = np.float32(0.1)
    us = _bayes(st.us_trust, th.trust_learning * us_ev)
    pk = _bayes(st.pk_trust, th.trust_learning * pk_ev)
    us += relax * (half - us)
    pk += relax * (half - pk)
    return clip01(us, 0.01, 0.99), clip01(pk, 0.01, 0.99)


def proxies_and_threat(ctx: Context, action: npt.NDArray[np.int8]) -> tuple[F32, F32]:
    """Delegation to militants and the threat it breeds (Salehyan 2010; Byman & Kreps 2010).

    Proxies grow (rate ``proxy_growth``, towards 1) when Pakistan hedges (1) or
    cooperates selectively (0.3), change by ``vacuum`` times that rate while
    the US is disengaged (either sign: the vacuum the seed article and Coll
    2004 describe after 1989, or Pape's 2005 finding that a foreign presence
    feeds militancy, in which case they shrink when the US is away), and
    shrink when Pakistan cooperates fully (``proxy_decay``) and, unless
    sustained, by a tenth a year. The threat to the US grows
    with the proxy stock (``threat_growth``), falls with Pakistan's
    counter-terrorism cooperation (``threat_suppression``, full 1, selective
    1/2) and decays (``threat_decay``).
    """
    th, st = ctx.theta, ctx.state
    full = (action == 0).astype(np.float32)
    sel = (action == 1).astype(np.float32)
    grow = clip01((action == 2).astype(np.float32) + np.float32(0.3) * sel)
    p = st.proxies
    rate = np.float32(th.proxy_growth)
    proxies = p + rate * grow * (ONE - p)
    # the vacuum: either sign (grows towards 1 or shrinks towards 0)
    away = (ctx.regime == DISENGAGED).astype(np.float32) * th.vacuum
    proxies += rate * away * np.where(away > 0, ONE - p, p)
    proxies -= (np.float32(th.proxy_decay) * full + np.float32(0.1)) * p
    m = st.threat
    coop = full + np.float32(0.5) * sel
    threat = m + np.float32(th.threat_growth) * p * (ONE - m)
    threat -= (np.float32(th.threat_suppression) * coop + np.float32(th.threat_decay)) * m
    return clip01(proxies), clip01(threat)


def patronage_and_ties(
    ctx: Context, action: npt.NDArray[np.int8], noise: F32
) -> tuple[F32, F32, F32]:
    """Patron shares, economic ties and anti-US sentiment.

    * China's share of patronage grows by 0.15 of the US share when Pakistan
      turns to it, and by ``0.02 * china_pull * F`` of it each year (Morrow
      1991); it erodes by 0.04 a year unless renewed, and US economic offers
      change it by ``-china_crowd_out * min(v(econ) + trade, 1)`` of it — a
      parameter of either sign (patrons substitute, Morrow 1991; or a US move
      draws a Chinese counter-offer, Small 2015). Shares stay in [0, 1] and
      sum to one with the US share.
    * Economic ties grow with trade access and economic aid (``ties_growth``),
      decay (``ties_decay``) and erode faster (0.1) under sanctions or
      disengagement.
    * Sentiment rises with coercion (``sentiment_gain``) and sanctions (0.1),
      falls with economic benefits (``sentiment_relief``), reverts by a tenth
      a year to 0.4 and is noisy (``noise_sd``).
    """
    th, st = ctx.theta, ctx.state
    d = st.china_share
    us_share = ONE - d
    turn = (action == 3).astype(np.float32)
    econ_offer = np.clip(ctx.v_econ + ctx.trade, np.float32(0), ONE)
    inflow = (np.float32(0.15) * turn + np.float32(0.02) * th.china_pull * ctx.fear) * us_share
    outflow = (np.float32(0.04) + th.china_crowd_out * econ_offer) * d
    china = clip01(d + inflow - outflow)
    e = st.econ_ties
    broken = ((ctx.regime == SANCTIONED) | (ctx.regime == DISENGAGED)).astype(np.float32)
    ties = e + np.float32(th.ties_growth) * np.float32(0.5) * econ_offer * (ONE - e)
    ties -= (np.float32(th.ties_decay) + np.float32(0.1) * broken) * e
    a = st.sentiment
    sanctioned = (ctx.regime == SANCTIONED).astype(np.float32)
    sentiment = (
        a
        + (th.sentiment_gain * ctx.coercion + np.float32(0.1) * sanctioned) * (ONE - a)
        - np.float32(th.sentiment_relief) * np.float32(0.5) * econ_offer * a
        + np.float32(0.1) * (np.float32(0.4) - a)
        + np.float32(th.noise_sd) * noise
    )
    return china, clip01(ties), clip01(sentiment)


def civilian_control(ctx: Context, noise: F32) -> F32:
    """Civilian control drifts with democracy support and aid to the security services.

    Democracy support moves civilian control by ``democracy_effect`` (either
    sign: Finkel, Perez-Linan & Seligson 2007 find democracy aid works;
    Carothers 2006 describes the backlash it provokes); military aid
    and reimbursements strengthen the military (``aid_militarises``: US aid was
    high under military rulers and strengthened the army and intelligence
    services — Ali 2009; Zaidi 2011); noise ``noise_sd``.
    """
    th, c = ctx.theta, ctx.civilian
    out = (
        c
        + th.democracy_effect * ctx.democ * (ONE - c)
        - np.float32(th.aid_militarises) * ctx.v_security * c
        + np.float32(th.noise_sd) * noise
    )
    return clip01(out)


@dataclass(frozen=True)
class Mechanisms:
    """The functions one simulated year uses; swap any to test another account.

    Attributes
    ----------
    utility_terms:
        Functions ``term(ctx, utility)`` that add to Pakistan's ``(5, n)`` utility.
    regime_rule, pledge, trust, proxies, patronage, civilian:
        The US rule, the pledge rule and the state updates (see each
        default's docstring).
    """

    utility_terms: tuple[UtilityTerm, ...] = (
        alliance_goods,
        moral_hazard,
        abandonment_hedge,
        conditionality,
        coercion_deterrence,
        public_opinion,
        alternative_patron,
        routine,
    )
    regime_rule: Callable[..., npt.NDArray[np.int8]] = us_regime_rule
    pledge: Callable[..., tuple[Any, Any, Any]] = pledge_kept
    trust: Callable[..., tuple[F32, F32]] = bayesian_trust
    proxies: Callable[..., tuple[F32, F32]] = proxies_and_threat
    patronage: Callable[..., tuple[F32, F32, F32]] = patronage_and_ties
    civilian: Callable[..., F32] = civilian_control

    def replace(self, **changes: Any) -> Mechanisms:
        """A copy with some mechanisms replaced."""
        return replace(self, **changes)


#: The strategic model.
DEFAULT_MECHANISMS = Mechanisms()
#: The null model: Pakistan's choice by routine and reciprocity only.
NULL_MECHANISMS = Mechanisms(utility_terms=(reciprocity_routine,))
#: Pakistan's choice replaced by a fair coin (for tests of built-in verdicts).
COIN_FLIP_MECHANISMS = Mechanisms(utility_terms=(coin_flip,))
