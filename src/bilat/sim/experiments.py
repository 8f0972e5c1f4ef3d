"""Policy experiments: paired comparisons, global sensitivity, and the answer to the article.

Every experiment first replays the record (the historical policy, 1950-2025)
with each posterior draw, then runs each policy forward from where history left
that run. All policies of a block of runs use the *same* random streams (common
random numbers), so the difference between two policies is paired run by run.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bilat.errors import InputError
from bilat.sim._parallel import BLOCK, block_rng, blocks, mapper
from bilat.sim.calibration import CalibrationResult
from bilat.sim.history import History, initial_for, load_history
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import OUTCOMES, outcomes, run
from bilat.sim.params import FREE_PARAMETERS, PRIORS, Prior, Theta, prior_matrix
from bilat.sim.policies import Policy, get_policy

__all__ = [
    "BASELINE",
    "DEFAULT_POLICIES",
    "PROPOSAL",
    "ComparisonResult",
    "SensitivityResult",
    "compare",
    "parameter_draws",
    "sensitivity",
    "simulate",
]

F64 = npt.NDArray[np.float64]

#: The policies :func:`compare` runs by default.
DEFAULT_POLICIES: tuple[str, ...] = ("security-only", "conditional", "broadened", "disengagement")
#: The article's proposal and the status quo it is compared with.
PROPOSAL, BASELINE = "broadened", "security-only"
_RECORD = ("us_trust", "pk_trust", "threat", "china_share")


def parameter_draws(
    posterior: CalibrationResult | npt.ArrayLike | None,
    k: int,
    seed: int,
    priors: tuple[Prior, ...] = PRIORS,
) -> F64:
    """``k`` parameter sets: from a calibration's posterior, an array, or (``None``) ``priors``."""
    if posterior is None:
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(8,))))
        return prior_matrix(rng, k, priors)
    if isinstance(posterior, CalibrationResult):
        return posterior.draws(k, seed)
    matrix = np.atleast_2d(np.asarray(posterior, dtype=float))
    if matrix.shape[1] != len(FREE_PARAMETERS):
        raise InputError(
            f"parameter draws need {len(FREE_PARAMETERS)} columns ({', '.join(FREE_PARAMETERS)})",
            field="posterior",
            value=matrix.shape,
        )
    if matrix.shape[0] >= k:
        return matrix[:k]
    return matrix[np.arange(k) % matrix.shape[0]]


def _policy_block(task: tuple[Any, ...]) -> dict[str, dict[str, F64]]:
    """History then each policy for one block of runs (same forward stream for every policy)."""
    history, policies, matrix, seed, key, index, years, mechanisms = task
    theta = Theta.from_matrix(matrix)
    past = run(
        initial_for(history, matrix.shape[0]),
        history.schedule,
        theta,
        block_rng(seed, (*key, 0), index),
        mechanisms=mechanisms,
    )
    future_years = list(range(int(history.years[-1]) + 1, int(history.years[-1]) + 1 + years))
    out: dict[str, dict[str, F64]] = {}
    for policy in policies:
        traj = run(
            past.final,
            policy.schedule(future_years),
            theta,
            block_rng(seed, (*key, 1), index),
            record=_RECORD,
            mechanisms=mechanisms,
        )
        out[policy.name] = outcomes(traj)
    return out


def _run_policies(
    history: History,
    policies: Sequence[Policy],
    matrix: F64,
    seed: int,
    key: tuple[int, ...],
    years: int,
    scheduler: Any,
    mechanisms: Mechanisms,
) -> dict[str, dict[str, F64]]:
    tasks = [
        (history, list(policies), matrix[sl], seed, key, b, years, mechanisms)
        for b, sl in enumerate(blocks(matrix.shape[0], BLOCK))
    ]
    with mapper(scheduler) as mapping:
        parts = mapping(_policy_block, tasks)
    return {
        p.name: {o: np.concatenate([part[p.name][o] for part in parts]) for o in OUTCOMES}
        for p in policies
    }


@dataclass
class ComparisonResult:
    """Posterior-predictive outcomes per policy, paired by common random numbers.

    Attributes
    ----------
    table:
        Tidy table, one row per policy and outcome: ``mean`` (over draws and
        runs), ``lo``/``hi`` (90 % interval of the expected outcome over
        posterior draws), ``run_lo``/``run_hi`` (90 % of single runs),
        ``diff``/``diff_lo``/``diff_hi`` (paired difference from the baseline)
        and ``p_better`` (posterior probability that the policy's expected
        outcome is lower — better — than the baseline's).
    per_draw:
        ``{policy: {outcome: array (draws,)}}`` expected outcomes per draw.
    parameters:
        The parameter draws, shape ``(draws, P)`` (rows match ``per_draw``).
    baseline, draws, runs, years, seed:
        How it was run.
    """

    table: pd.DataFrame
    per_draw: dict[str, dict[str, F64]]
    parameters: F64
    baseline: str
    draws: int
    runs: int
    years: int
    seed: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "baseline": self.baseline,
            "draws": self.draws,
            "runs": self.runs,
            "years": self.years,
            "seed": self.seed,
            "outcomes": dict(OUTCOMES),
            "rows": self.table.to_dict(orient="records"),
            "notes": self.notes,
        }


def _interval(x: F64) -> tuple[float, float]:
    lo, hi = np.quantile(x, [0.05, 0.95])
    return float(lo), float(hi)


def compare(
    policies: Sequence[str | Policy] = DEFAULT_POLICIES,
    posterior: CalibrationResult | npt.ArrayLike | None = None,
    runs: int = 20,
    years: int = 20,
    seed: int = 0,
    *,
    draws: int = 100,
    case: str = "us-pakistan",
    baseline: str = BASELINE,
    history: History | None = None,
    scheduler: Any = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
    priors: tuple[Prior, ...] = PRIORS,
) -> ComparisonResult:
    """Run each policy forward from the record and compare outcomes (see :data:`OUTCOMES`).

    Parameters
    ----------
    policies:
        Names of built-in policies, paths of policy files, or :class:`Policy` objects.
    posterior:
        A :class:`CalibrationResult`, an array of parameter sets, or ``None``
        (the prior: a prior-predictive comparison).
    runs:
        Runs per parameter draw.
    years:
        Years simulated after the record ends.
    seed:
        Seed (same seed, same result; also through Dask).
    draws:
        Parameter draws.
    baseline:
        The policy differences are taken from (added if missing).
    priors:
        The priors drawn from when ``posterior`` is ``None``.
    """
    if runs < 1 or years < 1 or draws < 2:
        raise InputError(
            "runs and years must be at least 1 and draws at least 2",
            field="runs",
            value=(runs, years, draws),
        )
    chosen = [get_policy(p) for p in policies]
    if any(p.name == "historical" for p in chosen):
        raise InputError(
            "the historical policy replays the record; compare forward policies "
            "(security-only, conditional, broadened, disengagement or a policy file)",
            field="policies",
            value="historical",
        )
    if baseline not in [p.name for p in chosen]:
        chosen.insert(0, get_policy(baseline))
    names = [p.name for p in chosen]
    if len(set(names)) != len(names):
        raise InputError(f"policy names repeat: {names}", field="policies", value=names)
    hist = history if history is not None else load_history(case)
    base = parameter_draws(posterior, draws, seed, priors)
    matrix = np.repeat(base, runs, axis=0)
    results = _run_policies(hist, chosen, matrix, seed, (5,), years, scheduler, mechanisms)
    per_draw = {
        p: {o: values.reshape(draws, runs).mean(axis=1) for o, values in res.items()}
        for p, res in results.items()
    }
    rows = []
    for p in names:
        for o in OUTCOMES:
            values = per_draw[p][o]
            paired = (results[p][o] - results[baseline][o]).reshape(draws, runs).mean(axis=1)
            lo, hi = _interval(values)
            run_lo, run_hi = _interval(results[p][o])
            d_lo, d_hi = _interval(paired)
            rows.append(
                {
                    "policy": p,
                    "outcome": o,
                    "mean": float(values.mean()),
                    "lo": lo,
                    "hi": hi,
                    "run_lo": run_lo,
                    "run_hi": run_hi,
                    "diff": float(paired.mean()),
                    "diff_lo": d_lo,
                    "diff_hi": d_hi,
                    "p_better": float(np.mean(paired < 0)) if p != baseline else float("nan"),
                }
            )
    notes = []
    if posterior is None:
        notes.append("no posterior given: parameters drawn from the prior (prior predictive)")
    return ComparisonResult(
        table=pd.DataFrame(rows),
        per_draw=per_draw,
        parameters=base,
        baseline=baseline,
        draws=draws,
        runs=runs,
        years=years,
        seed=seed,
        notes=notes,
    )


def simulate(
    policy: str | Policy,
    posterior: CalibrationResult | npt.ArrayLike | None = None,
    runs: int = 20,
    years: int = 20,
    seed: int = 0,
    *,
    draws: int = 50,
    case: str = "us-pakistan",
    scheduler: Any = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> pd.DataFrame:
    """Outcomes of one policy: a tidy table (outcome, mean, 90 % intervals).

    The historical policy replays the record (``years`` is ignored); other
    policies run ``years`` forward from the record's end.
    """
    chosen = get_policy(policy)
    hist = load_history(case)
    base = parameter_draws(posterior, draws, seed)
    matrix = np.repeat(base, runs, axis=0)
    if chosen.name == "historical":
        traj = run(
            initial_for(hist, matrix.shape[0]),
            hist.schedule,
            Theta.from_matrix(matrix),
            block_rng(seed, (9,), 0),
            years=hist.years.tolist(),
            record=_RECORD,
            mechanisms=mechanisms,
        )
        res = outcomes(traj)
    else:
        res = _run_policies(hist, [chosen], matrix, seed, (5,), years, scheduler, mechanisms)[
            chosen.name
        ]
    rows = []
    for o, values in res.items():
        per = values.reshape(draws, runs).mean(axis=1)
        lo, hi = _interval(per)
        run_lo, run_hi = _interval(values)
        rows.append(
            {
                "policy": chosen.name,
                "outcome": o,
                "mean": float(values.mean()),
                "lo": lo,
                "hi": hi,
                "run_lo": run_lo,
                "run_hi": run_hi,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class SensitivityResult:
    """Global sensitivity of "proposal minus baseline" to the free parameters.

    Attributes
    ----------
    table:
        One row per parameter and outcome: Sobol first-order ``S1`` and total
        ``ST`` indices (with confidence half-widths) or Morris ``mu_star`` and
        ``sigma``; ``flips`` (whether the sign of the mean difference changes
        across the parameter's range) and ``threshold`` (where it changes).
    sign_flips:
        ``{outcome: [parameter, ...]}``: the parameters whose value decides
        whether the proposal beats the baseline on that outcome.
    conditions:
        Readable statements of those conditions.
    bounds:
        The parameter ranges explored.
    margins:
        For each outcome on which the proposal is better throughout, where
        (which parameter's range) its advantage is smallest.
    """

    method: str
    ranges: str
    table: pd.DataFrame
    sign_flips: dict[str, list[str]]
    conditions: list[str]
    bounds: dict[str, tuple[float, float]]
    samples: int
    seed: int
    margins: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "method": self.method,
            "ranges": self.ranges,
            "samples": self.samples,
            "seed": self.seed,
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "rows": self.table.to_dict(orient="records"),
            "sign_flips": self.sign_flips,
            "conditions": self.conditions,
            "margins": self.margins,
        }


def _bins(x: F64, y: F64, bins: int = 5) -> tuple[F64, F64, F64, F64]:
    """Quantile bins of ``x``: edges, centres, and the mean of ``y`` with its standard error."""
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    means = np.full(bins, np.nan)
    errors = np.full(bins, np.nan)
    for b in range(bins):
        part = y[idx == b]
        if part.size:
            means[b] = part.mean()
            errors[b] = part.std(ddof=1) / np.sqrt(part.size) if part.size > 1 else np.inf
    return edges, 0.5 * (edges[:-1] + edges[1:]), means, errors


def _flip(x: F64, y: F64, bins: int = 5) -> tuple[bool, float | None, str]:
    """Does the mean of ``y`` change sign across quantile bins of ``x``? Where, which way?

    A flip needs a bin whose mean is below zero and one whose mean is above zero,
    each by more than two standard errors (noise alone does not flip a sign).
    """
    _, centres, means, errors = _bins(x, y, bins)
    below = np.flatnonzero(means < -2 * errors)
    above = np.flatnonzero(means > 2 * errors)
    if below.size == 0 or above.size == 0:
        return False, None, ""
    if below.max() < above.min():  # better (negative) at low values of x
        lo, hi, direction = below.max(), above.min(), "below"
    elif above.max() < below.min():  # better at high values of x
        lo, hi, direction = above.max(), below.min(), "above"
    else:  # not monotone: report the extremes
        lo, hi = int(min(below.min(), above.min())), int(max(below.max(), above.max()))
        direction = "below" if means[0] < 0 else "above"
    threshold = float(0.5 * (centres[lo] + centres[hi]))
    return True, threshold, direction


def _weakest(
    x: F64, names: Sequence[str], y: F64, bins: int = 5
) -> tuple[str, float, float, float]:
    """The parameter bin where the mean difference is least favourable: (name, lo, hi, mean)."""
    best: tuple[str, float, float, float] | None = None
    for i, name in enumerate(names):
        edges, _, means, _ = _bins(x[:, i], y, bins)
        b = int(np.nanargmax(means))
        if best is None or means[b] > best[3]:
            best = (name, float(edges[b]), float(edges[b + 1]), float(means[b]))
    assert best is not None
    return best


def sensitivity(
    posterior: CalibrationResult | None = None,
    samples: int = 64,
    runs: int = 16,
    years: int = 20,
    seed: int = 0,
    *,
    method: str = "sobol",
    ranges: str = "prior",
    proposal: str = PROPOSAL,
    baseline: str = BASELINE,
    case: str = "us-pakistan",
    history: History | None = None,
    scheduler: Any = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> SensitivityResult:
    """Which parameters decide whether ``proposal`` beats ``baseline`` (SALib Sobol or Morris).

    The parameters range over the prior's 90 % intervals (``ranges="prior"``,
    the default: most parameters are not identified, so the prior is the honest
    range) or the posterior's (``ranges="posterior"``). The posterior, when
    given, still sets nothing else: the experiment is over the ranges. Each
    sampled parameter set runs ``runs`` paired runs
    of both policies; the response is the mean difference, proposal minus
    baseline, of each outcome (negative: the proposal is better).

    Parameters
    ----------
    samples:
        SALib base sample size ``N`` (Sobol: ``N (2D + 2)`` parameter sets, use a
        power of two; Morris: ``N`` trajectories).
    method:
        ``"sobol"`` or ``"morris"``.
    ranges:
        ``"prior"`` or ``"posterior"`` 90 % intervals.
    """
    if method not in ("sobol", "morris"):
        raise InputError(
            f"unknown method {method!r}; choose sobol or morris", field="method", value=method
        )
    if ranges not in ("prior", "posterior"):
        raise InputError(
            f"unknown ranges {ranges!r}; choose prior or posterior", field="ranges", value=ranges
        )
    if ranges == "posterior" and posterior is not None:
        box = {r["parameter"]: tuple(r["posterior_90"]) for r in posterior.identification}
    else:
        box = {p.name: tuple(float(v) for v in p.ppf([0.05, 0.95])) for p in PRIORS}
    bounds = {name: (float(box[name][0]), float(box[name][1])) for name in FREE_PARAMETERS}
    for name, (lo, hi) in bounds.items():
        if not hi > lo:
            bounds[name] = (lo, lo + 1e-6)
    problem = {
        "num_vars": len(FREE_PARAMETERS),
        "names": list(FREE_PARAMETERS),
        "bounds": [list(bounds[n]) for n in FREE_PARAMETERS],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.sample import sobol as sobol_sample

            x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
        else:
            from SALib.sample import morris as morris_sample

            x = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    hist = history if history is not None else load_history(case)
    chosen = [get_policy(baseline), get_policy(proposal)]
    matrix = np.repeat(x, runs, axis=0)
    results = _run_policies(hist, chosen, matrix, seed, (10,), years, scheduler, mechanisms)
    rows = []
    flips: dict[str, list[str]] = {}
    conditions: list[str] = []
    margins: list[str] = []
    for o in OUTCOMES:
        y = (results[proposal][o] - results[baseline][o]).reshape(len(x), runs).mean(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "sobol":
                from SALib.analyze import sobol as sobol_analyze

                res = sobol_analyze.analyze(
                    problem, y, calc_second_order=False, print_to_console=False, seed=seed
                )
                idx = {
                    "S1": res["S1"],
                    "S1_conf": res["S1_conf"],
                    "ST": res["ST"],
                    "ST_conf": res["ST_conf"],
                }
            else:
                from SALib.analyze import morris as morris_analyze

                res = morris_analyze.analyze(problem, x, y, num_levels=4, seed=seed)
                idx = {"mu_star": res["mu_star"], "sigma": res["sigma"]}
        for i, name in enumerate(FREE_PARAMETERS):
            flipped, threshold, direction = _flip(x[:, i], y)
            row: dict[str, Any] = {"outcome": o, "parameter": name}
            row.update({k: float(v[i]) for k, v in idx.items()})
            row.update({"flips": flipped, "threshold": threshold, "mean_diff": float(y.mean())})
            rows.append(row)
            if flipped:
                flips.setdefault(o, []).append(name)
                conditions.append(
                    f"{proposal} beats {baseline} on {o.replace('_', ' ')} only when "
                    f"{name} is {direction} about {threshold:.2f}"
                )
        if o not in flips and y.mean() < 0:
            name, lo, hi, worst = _weakest(x, FREE_PARAMETERS, y)
            margins.append(
                f"{proposal}'s advantage on {o.replace('_', ' ')} holds across the ranges; "
                f"it is smallest ({worst:+.3f}, against {y.mean():+.3f} on average) when "
                f"{name} lies in [{lo:.2f}, {hi:.2f}]"
            )
    return SensitivityResult(
        method=method,
        ranges=ranges,
        table=pd.DataFrame(rows),
        sign_flips=flips,
        conditions=conditions,
        margins=margins,
        bounds=bounds,
        samples=samples,
        seed=seed,
    )
