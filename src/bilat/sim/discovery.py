"""Scenario discovery on the posterior: where does "broadened minus security-only" change sign?

The old conditions varied one parameter at a time over the *prior*'s ranges;
they named regions the posterior excludes and missed regions where the sign
flips jointly. Here the search runs over joint *posterior* draws: a shallow
classification tree (CART, scikit-learn's ``DecisionTreeClassifier``; Breiman
et al. 1984; the use for scenario discovery after Lempert, Groves, Popper &
Bankes 2006, *Management Science* 52:4) learns from the parameters of each draw
whether broadening did better. Each leaf is a box of parameter space; it is
reported in plain words with its posterior mass (the share of posterior draws
inside) and the probability of "better" within it. A leaf whose majority
differs from the overall answer is a region where the sign flips.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.sim.params import FREE_PARAMETERS, PRIORS

__all__ = ["discover"]

F64 = npt.NDArray[np.float64]
_MEANING = {p.name: p.meaning for p in PRIORS}


def _words(bounds: dict[str, list[float]]) -> str:
    """A box as words: one clause per parameter (``name above a``, ``at most b``, between)."""
    parts = []
    for name, (lo, hi) in bounds.items():
        if np.isfinite(lo) and np.isfinite(hi):
            parts.append(f"{name} between {lo:.2f} and {hi:.2f}")
        elif np.isfinite(lo):
            parts.append(f"{name} above {lo:.2f}")
        else:
            parts.append(f"{name} at most {hi:.2f}")
    return " and ".join(parts) if parts else "anywhere"


def discover(
    parameters: F64,
    difference: F64,
    *,
    outcome: str,
    depth: int = 2,
    min_mass: float = 0.1,
    seed: int = 0,
    names: tuple[str, ...] = FREE_PARAMETERS,
) -> dict[str, Any]:
    """Regions of the posterior where the proposal does better or worse on ``outcome``.

    Parameters
    ----------
    parameters:
        Posterior draws (equally weighted), shape ``(n, P)``.
    difference:
        Proposal minus baseline for each draw (negative = the proposal is better).
    depth, min_mass:
        Tree depth and the least posterior mass of a leaf (regions smaller than
        ``min_mass`` are not reported: the tree may not split them off).

    Returns
    -------
    dict
        ``regions`` (each: ``conditions`` in words, ``mass``, ``p_better``,
        ``flips``: whether its majority differs from the overall answer),
        ``p_better`` overall and the tree's ``accuracy`` over the draws and
        against always guessing the majority (``baseline_accuracy``).
    """
    tree_module: Any = importlib.import_module("sklearn.tree")  # untyped library

    x = np.asarray(parameters, dtype=float)
    better = np.asarray(difference, dtype=float) < 0
    overall = float(better.mean())
    majority = overall >= 0.5
    out: dict[str, Any] = {
        "outcome": outcome,
        "draws": len(better),
        "p_better": overall,
        "method": f"CART (depth {depth}, leaves of at least {min_mass:.0%} posterior mass) "
        "over joint posterior draws",
        "regions": [],
    }
    if better.all() or not better.any():
        out["accuracy"] = 1.0
        out["baseline_accuracy"] = 1.0
        out["note"] = "every posterior draw gives the same sign: no region flips it"
        return out
    tree = tree_module.DecisionTreeClassifier(
        max_depth=depth,
        min_samples_leaf=max(int(min_mass * len(better)), 1),
        random_state=seed,
    ).fit(x, better)
    t = tree.tree_
    leaves = tree.apply(x)

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        left, right = t.children_left[node], t.children_right[node]
        if left == -1:
            inside = leaves == node
            p = float(better[inside].mean())
            out["regions"].append(
                {
                    "conditions": _words(bounds),
                    "mass": float(inside.mean()),
                    "p_better": p,
                    "flips": bool((p >= 0.5) != majority),
                }
            )
            return
        name = names[int(t.feature[node])]
        value = float(t.threshold[node])
        lo, hi = bounds.get(name, [-np.inf, np.inf])
        walk(int(left), {**bounds, name: [lo, min(hi, value)]})
        walk(int(right), {**bounds, name: [max(lo, value), hi]})

    walk(0, {})
    out["regions"].sort(key=lambda r: -r["mass"])
    out["accuracy"] = float(tree.score(x, better))
    out["baseline_accuracy"] = float(max(overall, 1 - overall))
    used = sorted({names[int(f)] for f in t.feature if f >= 0})
    out["parameters"] = used
    out["meanings"] = {n: _MEANING.get(n, "") for n in used}
    return out
