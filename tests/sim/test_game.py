"""Stage-game equilibria checked against an independent solver (support enumeration here)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from bilat.sim.game import logit_equilibrium, stage_game
from bilat.sim.instruments import Instruments
from bilat.sim.params import Theta
from bilat.sim.policies import Broadened, Conditional, SecurityOnly


def support_enumeration(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every Nash equilibrium of a nondegenerate bimatrix game with equal-size supports."""
    m, n = a.shape
    found = []
    for k in range(1, min(m, n) + 1):
        for rows in itertools.combinations(range(m), k):
            for cols in itertools.combinations(range(n), k):
                # column player's mix q makes the row player indifferent on `rows`
                q = _indifferent(a[np.ix_(rows, cols)])
                p = _indifferent(b[np.ix_(rows, cols)].T)
                if q is None or p is None:
                    continue
                x = np.zeros(m)
                y = np.zeros(n)
                x[list(rows)] = p
                y[list(cols)] = q
                if _is_nash(a, b, x, y, 1e-9):
                    found.append((x, y))
    return found


def _indifferent(payoff: np.ndarray) -> np.ndarray | None:
    k = payoff.shape[0]
    lhs = np.vstack([np.hstack([payoff, -np.ones((k, 1))]), np.hstack([np.ones(k), 0])])
    rhs = np.zeros(k + 1)
    rhs[-1] = 1
    try:
        sol = np.linalg.solve(lhs, rhs)
    except np.linalg.LinAlgError:
        return None
    mix = sol[:-1]
    return mix if np.all(mix >= -1e-12) else None


def _is_nash(a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float) -> bool:
    return bool(x @ a @ y >= (a @ y).max() - tol and x @ b @ y >= (x @ b).max() - tol)


def _pakistan_best_response_lp(b: np.ndarray, x: np.ndarray) -> float:
    """Pakistan's best-response value by linear programming (a second, independent check)."""
    n = b.shape[1]
    res = linprog(-(x @ b), A_eq=np.ones((1, n)), b_eq=[1.0], bounds=[(0, 1)] * n)
    return float(-res.fun)


GAMES = [
    (SecurityOnly().instruments(), Theta()),
    (Broadened().instruments(), Theta(precision=2.0, hedge_value=0.9)),
    (Conditional().instruments(), Theta(enforcement=0.9)),
    (Instruments(military_aid=2.0, ct_reimbursement=2.0, coercion=0.8), Theta(moral_hazard=0.9)),
]


@pytest.mark.parametrize(("instruments", "theta"), GAMES)
def test_logit_equilibrium_tends_to_a_nash_equilibrium(
    instruments: Instruments, theta: Theta
) -> None:
    us, pakistan = stage_game(instruments, theta)
    # break the US's ties (it is indifferent when Pakistan never defies) so the game is generic
    us = us + np.array([[0.0] * 5, [0.13, -0.07, 0.11, -0.03, 0.05]])
    x, y = logit_equilibrium(us, pakistan, precision=2000.0)
    assert x.sum() == pytest.approx(1.0)
    assert y.sum() == pytest.approx(1.0)
    assert _is_nash(us, pakistan, x, y, 1e-2)
    assert x @ pakistan @ y == pytest.approx(_pakistan_best_response_lp(pakistan, x), abs=1e-2)
    equilibria = support_enumeration(us, pakistan)
    assert equilibria, "the independent solver finds an equilibrium"
    assert min(np.abs(x - ex).max() + np.abs(y - ey).max() for ex, ey in equilibria) < 0.05


def test_low_precision_is_near_uniform() -> None:
    us, pakistan = stage_game(SecurityOnly().instruments())
    x, y = logit_equilibrium(us, pakistan, precision=1e-3)
    np.testing.assert_allclose(y, 0.2, atol=1e-3)
    np.testing.assert_allclose(x, 0.5, atol=1e-3)


def test_pakistan_payoffs_are_the_simulators_utilities() -> None:
    """Under engagement the game's payoffs rank Pakistan's choices as the simulator's QR does."""
    us, pakistan = stage_game(SecurityOnly().instruments())
    assert us.shape == pakistan.shape == (2, 5)
    # conditions cost the military autonomy under full cooperation
    assert pakistan[1, 0] < pakistan[0, 0]
