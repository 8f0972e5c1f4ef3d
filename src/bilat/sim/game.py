"""The stage game one simulated year embeds, and its logit equilibrium.

Each year the US chooses how to engage and Pakistan chooses among its five
options (:data:`bilat.sim.state.ACTIONS`). :func:`stage_game` writes that year
as a 2 x 5 bimatrix game — the US either engages unconditionally or attaches
conditions to the same aid; Pakistan's payoffs are exactly the utilities the
simulator uses (:mod:`bilat.sim.mechanisms`), the US's are the value of
Pakistan's choice to it less the aid it pays — and :func:`logit_equilibrium`
finds its logit quantal response equilibrium (McKelvey & Palfrey 1995), which
approaches a Nash equilibrium as the precision grows.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from bilat.errors import InputError
from bilat.sim.instruments import Instruments
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Context, Mechanisms
from bilat.sim.params import Theta
from bilat.sim.state import CONDITIONAL, ENGAGED, State, initial_state

__all__ = ["US_STRATEGIES", "US_VALUE", "logit_equilibrium", "stage_game"]

F64 = npt.NDArray[np.float64]

#: The US's two strategies in the stage game.
US_STRATEGIES: tuple[str, ...] = ("engage", "condition")
#: Value to the US of each of Pakistan's choices (full, selective, hedge, China, reject).
US_VALUE = np.array([1.0, 0.5, -0.5, -0.5, -0.25])


def _pakistan_utility(
    state: State, instruments: Instruments, theta: Theta, regime: int, mechanisms: Mechanisms
) -> F64:
    def f(x: object) -> npt.NDArray[np.float32]:
        return np.full(1, x, dtype=np.float32)

    ctx = Context(
        state=state,
        theta=theta,
        mil=f(instruments.military_aid),
        ct=f(instruments.ct_reimbursement),
        econ=f(instruments.economic_aid),
        trade=f(instruments.trade_access),
        cond=f(instruments.conditions),
        assure=f(instruments.assurances),
        democ=f(instruments.democracy_support),
        commit=f(instruments.commitment),
        coercion=f(instruments.coercion),
        regime=np.full(1, regime, dtype=np.int8),
        civilian=state.civilian,
        salience=state.salience,
        rupture=np.zeros(1, dtype=bool),
        reneged=np.zeros(1, dtype=bool),
    )
    utility = np.zeros((5, 1), dtype=np.float32)
    for term in mechanisms.utility_terms:
        term(ctx, utility)
    return utility[:, 0].astype(float)


def stage_game(
    instruments: Instruments,
    theta: Theta | None = None,
    state: State | None = None,
    *,
    aid_cost: float = 0.2,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> tuple[F64, F64]:
    """The 2 x 5 stage game of one year: payoff matrices ``(us, pakistan)``.

    Rows are the US strategies (engage: ``instruments`` with no conditions;
    condition: the same with ``conditions = 1``); columns are Pakistan's
    choices. The US gets :data:`US_VALUE` of Pakistan's choice less
    ``aid_cost`` per $ billion of aid paid; under conditions, defiance
    (hedging, China, rejection) forfeits the aid with probability
    ``enforcement``, which the US saves.

    Parameters
    ----------
    instruments:
        The US offer (pins are ignored).
    theta:
        Parameters (scalars); default :class:`Theta`.
    state:
        One run's state (``n == 1``); default :func:`initial_state`.
    """
    th = theta or Theta()
    st = state or initial_state(1)
    if st.n != 1:
        raise InputError("the stage game takes the state of a single run", field="state")
    engage = replace(instruments, conditions=0.0)
    condition = replace(instruments, conditions=1.0)
    pakistan = np.vstack(
        [
            _pakistan_utility(st, engage, th, ENGAGED, mechanisms),
            _pakistan_utility(st, condition, th, CONDITIONAL, mechanisms),
        ]
    )
    aid = float(instruments.total_aid)
    enforcement = float(np.asarray(th.enforcement))
    paid_condition = np.array([aid, aid, *(aid * (1 - enforcement),) * 3])
    us = np.vstack([US_VALUE - aid_cost * aid, US_VALUE - aid_cost * paid_condition])
    return us, pakistan


def _softmax(x: F64) -> F64:
    z = np.exp(x - x.max())
    return z / z.sum()


def logit_equilibrium(
    us: F64, pakistan: F64, precision: float, *, tol: float = 1e-10, max_iter: int = 20_000
) -> tuple[F64, F64]:
    """Logit quantal response equilibrium of a bimatrix game (mixed strategies of both players).

    Solved by damped fixed-point iteration of ``p = softmax(precision * us @ q)``,
    ``q = softmax(precision * pakistan.T @ p)``, following the equilibrium path
    from low to the requested precision (homotopy), which selects the
    principal branch of McKelvey & Palfrey (1995).
    """
    us, pakistan = np.asarray(us, dtype=float), np.asarray(pakistan, dtype=float)
    if us.shape != pakistan.shape or us.ndim != 2:
        raise InputError("the two payoff matrices must have the same 2-D shape", field="payoffs")
    p = np.full(us.shape[0], 1 / us.shape[0])
    q = np.full(us.shape[1], 1 / us.shape[1])
    for lam in np.geomspace(min(0.1, precision), precision, 40):
        for _ in range(max_iter):
            p_new = _softmax(lam * (us @ q))
            q_new = _softmax(lam * (pakistan.T @ p_new))
            step = max(np.abs(p_new - p).max(), np.abs(q_new - q).max())
            p, q = 0.5 * p + 0.5 * p_new, 0.5 * q + 0.5 * q_new
            if step < tol:
                break
    return p, q
