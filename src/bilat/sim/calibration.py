"""Calibration by approximate Bayesian computation (ABC-SMC), and honest checks of it.

The ten free parameters (:data:`bilat.sim.params.PRIORS`) are fitted to
summary statistics of the record: for each era of :data:`bilat.sim.history.ERAS`
(through the last fitted year), the mean of Pakistan's cooperation and of US
coercion, and the shares of years the US was engaged, sanctioned or disengaged
(the phase timings). The algorithm is a population Monte Carlo ABC (Beaumont,
Cornuet, Marin & Robert 2009, *Biometrika* 96:4; Toni et al. 2009, *J. R. Soc.
Interface* 6) with adaptive tolerances: each population proposes ``budget /
populations`` parameter sets — from the prior, then by perturbing the previous
population with a Gaussian kernel of its weighted covariance (Beaumont et al.
use twice that; here the narrower kernel kept the effective sample size higher
and fewer proposals outside the prior's support, which are redrawn) — simulates
them *all in one batched array call* (one run per parameter set), keeps the
``quantile`` closest and reweights them by prior over kernel density. The
effective sample size of each population is reported with the result.

Checks reported with every result:

* **identification**: each parameter's posterior 90 % interval width against
  its prior's (a ratio near 1 means the data say nothing about it);
* **simulation-based calibration** (after Talts et al. 2018, arXiv:1804.06788):
  parameters drawn from the prior generate synthetic histories; the same ABC
  must recover them (coverage of the 90 % interval; error against the prior's);
* **out of sample**: fitted through ``until`` (2013 by default), the model's
  posterior predictive for the later years against a VAR null model
  (Goldstein & Freeman 1991; statsmodels) fitted to the record's own series.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import InputError
from bilat.sim._parallel import BLOCK, block_rng, blocks, mapper, shared_client
from bilat.sim.history import ERAS, History, initial_for, load_history, synthetic_history
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import run
from bilat.sim.params import FREE_PARAMETERS, PRIORS, Theta, prior_matrix

__all__ = [
    "DEFAULT_BUDGET",
    "QUICK_BUDGET",
    "CalibrationResult",
    "Calibrator",
    "Summaries",
    "calibrate",
    "holdout_check",
    "identification",
    "sbc_check",
]

F64 = npt.NDArray[np.float64]

#: Simulations for ``bilat calibrate`` by default.
DEFAULT_BUDGET = 40_000
#: Simulations for a quick calibration (the study's default).
QUICK_BUDGET = 12_000

_SCALE = 0.1  # every summary is a share; a difference of 0.1 counts as one unit
#: Kernel covariance as a multiple of the population's weighted covariance.
KERNEL_SCALE = 1.0


@dataclass(frozen=True)
class Summaries:
    """The summary statistics of a history: era means of each observable.

    ``matrices[k]`` (shape ``(E, T)``) averages a yearly series over the years of
    each era that the record covers (up to ``until``); ``observed[k]`` holds the
    record's values (NaN for eras without data).
    """

    names: tuple[str, ...]
    matrices: tuple[F64, ...]
    observed: F64
    until: int

    @classmethod
    def of(cls, history: History, until: int | None = None) -> Summaries:
        """Build the summaries of ``history``, using years ``<= until``."""
        years = history.years
        last = int(years[-1]) if until is None else int(until)
        names: list[str] = []
        mats: list[F64] = []
        obs: list[float] = []
        regime = history.targets.get("regime")
        series = [
            ("cooperation", history.targets.get("cooperation")),
            ("coercion", history.targets.get("coercion")),
        ]
        if regime is not None:
            for code_name, codes in (
                ("engaged", (0, 1)),
                ("sanctioned", (2,)),
                ("disengaged", (3,)),
            ):
                indicator = np.where(np.isnan(regime), np.nan, np.isin(regime, codes).astype(float))
                series.append((f"regime_{code_name}", indicator))
        for name, target in series:
            if target is None:
                continue
            for label, start, end in ERAS:
                mask = (years >= start) & (years <= end) & (years <= last) & ~np.isnan(target)
                if not mask.any():
                    continue
                row = mask / mask.sum()
                names.append(f"{name}:{label}")
                mats.append(row)
                obs.append(float(np.nansum(row * np.nan_to_num(target))))
        if not names:
            raise InputError(
                f"the history of {history.case} has no observations up to {last}",
                field="until",
                value=last,
            )
        return cls(tuple(names), tuple(mats), np.array(obs), last)

    def simulated(self, series: dict[str, npt.NDArray[Any]]) -> F64:
        """Summaries of simulated series (each ``(T, n)``), shape ``(n, K)``."""
        proposed = series["proposed"]
        derived = {
            "cooperation": series["cooperation"],
            "coercion": series["coercion"],
            "regime_engaged": (proposed <= 1).astype(np.float32),
            "regime_sanctioned": (proposed == 2).astype(np.float32),
            "regime_disengaged": (proposed == 3).astype(np.float32),
        }
        out = np.empty((proposed.shape[1], len(self.names)))
        for k, (name, row) in enumerate(zip(self.names, self.matrices, strict=True)):
            out[:, k] = row @ derived[name.split(":", 1)[0]]
        return out

    def distance(self, simulated: F64) -> F64:
        """Root mean squared difference from the record, in units of 0.1; shape ``(n,)``."""
        diff = (simulated - self.observed) / _SCALE
        return np.sqrt(np.mean(diff * diff, axis=1))


_RECORD = ("cooperation", "coercion", "proposed")


def _block_summaries(task: tuple[Any, ...]) -> tuple[F64, float]:
    """Simulate one block of parameter sets; return their summaries and the seconds taken."""
    history, summaries, matrix, seed, key, index, mechanisms = task
    start = time.perf_counter()
    theta = Theta.from_matrix(matrix)
    traj = run(
        initial_for(history, matrix.shape[0]),
        history.schedule,
        theta,
        block_rng(seed, key, index),
        record=_RECORD,
        mechanisms=mechanisms,
    )
    out = summaries.simulated(traj.series)
    return out, time.perf_counter() - start


def _simulate_summaries(
    history: History,
    summaries: Summaries,
    matrix: F64,
    seed: int,
    key: Sequence[int],
    mapping: Any,
    mechanisms: Mechanisms,
) -> tuple[F64, float]:
    tasks = [
        (history, summaries, matrix[sl], seed, tuple(key), b, mechanisms)
        for b, sl in enumerate(blocks(matrix.shape[0], BLOCK))
    ]
    start = time.perf_counter()
    results = mapping(_block_summaries, tasks)
    return np.vstack([r[0] for r in results]), time.perf_counter() - start


def _weighted_quantile(x: F64, w: F64, q: Sequence[float]) -> F64:
    order = np.argsort(x)
    cw = np.cumsum(w[order])
    cw /= cw[-1]
    return np.interp(q, cw - 0.5 * w[order] / w.sum(), x[order])


_LOW = np.array([p.low for p in PRIORS])
_HIGH = np.array([p.high for p in PRIORS])


def _perturb(
    rng: np.random.Generator, particles: F64, weights: F64, chol: F64, count: int, rate: float
) -> tuple[F64, float]:
    """``count`` perturbed particles inside the prior's support, and the share that fell inside.

    Draws in batches sized by the last acceptance ``rate`` (so usually one or two).
    """
    dim = particles.shape[1]
    kept: list[F64] = []
    have, drawn = 0, 0
    for _ in range(50):
        size = int((count - have) / max(rate, 0.02) * 1.1) + 16
        parents = rng.choice(len(weights), size=size, p=weights)
        noise = rng.standard_normal((size, dim), dtype=np.float32) @ chol.T.astype(np.float32)
        cand = particles[parents] + noise
        cand = cand[np.all((cand > _LOW) & (cand < _HIGH), axis=1)]
        drawn += size
        kept.append(cand)
        have += len(cand)
        rate = max(have / drawn, 0.02)
        if have >= count:
            break
    if have < count:  # pragma: no cover - only with a degenerate kernel
        kept.append(particles[rng.choice(len(weights), size=count - have, p=weights)])
    return np.vstack(kept)[:count], rate


def _log_prior(matrix: F64) -> F64:
    return np.sum([p.logpdf(matrix[:, i]) for i, p in enumerate(PRIORS)], axis=0)


def identification(samples: F64, weights: F64) -> list[dict[str, Any]]:
    """Prior against posterior, per parameter: medians, 90 % intervals, width ratio, verdict.

    The verdict is ``identified`` when the posterior 90 % interval is under
    half the prior's, ``weakly identified`` under 90 %, else ``not identified``.
    """
    rows = []
    for i, prior in enumerate(PRIORS):
        lo, med, hi = _weighted_quantile(samples[:, i], weights, [0.05, 0.5, 0.95])
        ratio = float((hi - lo) / prior.width90)
        verdict = (
            "identified"
            if ratio < 0.5
            else "weakly identified"
            if ratio < 0.9
            else "not identified"
        )
        plo, pmed, phi = prior.ppf([0.05, 0.5, 0.95])
        rows.append(
            {
                "parameter": prior.name,
                "prior_median": float(pmed),
                "prior_90": [float(plo), float(phi)],
                "posterior_median": float(med),
                "posterior_90": [float(lo), float(hi)],
                "width_ratio": ratio,
                "verdict": verdict,
                "meaning": prior.meaning,
                "source": prior.source,
            }
        )
    return rows


@dataclass
class CalibrationResult:
    """What a calibration returns (it never changes the :class:`Calibrator`).

    Attributes
    ----------
    case, budget, seed, until:
        What was fitted, with how many simulations, from which seed, through which year.
    names:
        Free parameter names (columns of ``samples``).
    samples, weights:
        The final ABC population, shape ``(N, 10)``, and its normalised weights.
    epsilons, ess:
        Tolerance and effective sample size of each population.
    identification:
        Rows of :func:`identification`.
    summary_names, observed, posterior_summaries:
        The summary statistics, their record values, and the posterior mean
        of the simulated ones.
    fit:
        Posterior predictive of the observables year by year (for plots):
        ``years``, and per observable ``observed``, ``mean``, ``lo``, ``hi``.
    sbc, holdout:
        The checks (see :func:`sbc_check`, :func:`holdout_check`), or None.
    timings:
        ``simulate_seconds`` (inside the batched simulation calls),
        ``total_seconds`` and ``overhead`` (the calibration's own share).
    notes:
        Caveats about the data and the method.
    """

    case: str
    budget: int
    seed: int
    until: int
    names: tuple[str, ...]
    samples: F64
    weights: F64
    epsilons: list[float]
    ess: list[float]
    identification: list[dict[str, Any]]
    summary_names: tuple[str, ...]
    observed: F64
    posterior_summaries: F64
    fit: dict[str, Any] = field(default_factory=dict)
    sbc: dict[str, Any] | None = None
    holdout: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def draws(self, k: int, seed: int = 0) -> F64:
        """``k`` parameter sets resampled by weight, shape ``(k, 10)``."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(7,))))
        index = rng.choice(len(self.weights), size=k, p=self.weights)
        return self.samples[index]

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for ``--json`` (without the raw samples)."""
        return {
            "case": self.case,
            "budget": self.budget,
            "seed": self.seed,
            "until": self.until,
            "parameters": list(self.names),
            "identification": self.identification,
            "epsilons": self.epsilons,
            "ess": self.ess,
            "summaries": [
                {"name": n, "observed": float(o), "posterior_mean": float(p)}
                for n, o, p in zip(
                    self.summary_names, self.observed, self.posterior_summaries, strict=True
                )
            ],
            "fit": self.fit,
            "sbc": self.sbc,
            "holdout": self.holdout,
            "timings": self.timings,
            "notes": self.notes,
        }


@dataclass
class Calibrator:
    """ABC-SMC for the free parameters (scikit-learn style: ``fit`` returns a result).

    Parameters
    ----------
    budget:
        Total simulations (each one run of one parameter set through the history).
    populations:
        Number of SMC populations (``budget`` is split evenly).
    quantile:
        Share of each population's proposals kept.
    until:
        Last year whose observations enter the fit.
    seed:
        Seed of every random number used.
    scheduler:
        ``None`` (local threads), a Dask scheduler address or client.
    mechanisms:
        The model's mechanisms.
    """

    budget: int = QUICK_BUDGET
    populations: int = 4
    quantile: float = 0.1
    until: int = 2013
    seed: int = 0
    scheduler: Any = None
    mechanisms: Mechanisms = DEFAULT_MECHANISMS

    def fit(self, history: History) -> CalibrationResult:
        """Fit to ``history``; return a :class:`CalibrationResult` (no checks)."""
        if self.budget < 100 * self.populations:
            raise InputError(
                f"budget must be at least {100 * self.populations} simulations "
                f"({self.populations} populations of 100), got {self.budget}",
                field="budget",
                value=self.budget,
            )
        if not 0 < self.quantile < 1:
            raise InputError("quantile must lie in (0, 1)", field="quantile", value=self.quantile)
        started = time.perf_counter()
        summaries = Summaries.of(history, self.until)
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(1,)))
        )
        per = self.budget // self.populations
        keep = max(int(per * self.quantile), 20)
        sim_seconds = 0.0
        epsilons: list[float] = []
        ess: list[float] = []
        with mapper(self.scheduler) as mapping:
            proposals = prior_matrix(rng, per)
            stats, seconds = _simulate_summaries(
                history, summaries, proposals, self.seed, (2, 0), mapping, self.mechanisms
            )
            sim_seconds += seconds
            dist = summaries.distance(stats)
            chosen = np.argsort(dist, kind="stable")[:keep]
            particles, weights = proposals[chosen], np.full(keep, 1.0 / keep)
            best_stats = stats[chosen]
            epsilons.append(float(dist[chosen].max()))
            ess.append(float(keep))
            rate = 0.5
            for t in range(1, self.populations):
                cov = KERNEL_SCALE * np.cov(particles, rowvar=False, aweights=weights)
                cov += np.diag(np.full(cov.shape[0], 1e-9))
                chol = np.asarray(np.linalg.cholesky(cov), dtype=np.float64)
                moved, rate = _perturb(rng, particles, weights, chol, per, rate)
                stats, seconds = _simulate_summaries(
                    history, summaries, moved, self.seed, (2, t), mapping, self.mechanisms
                )
                sim_seconds += seconds
                dist = summaries.distance(stats)
                chosen = np.argsort(dist, kind="stable")[:keep]
                new = moved[chosen]
                whiten = np.linalg.inv(chol)
                a, b = new @ whiten.T, particles @ whiten.T
                sq = a @ b.T
                sq *= -2.0
                sq += (a * a).sum(1)[:, None]
                sq += (b * b).sum(1)[None, :]
                np.maximum(sq, 0.0, out=sq)
                sq *= -0.5
                np.exp(sq, out=sq)
                denom = sq @ weights
                log_prior = _log_prior(new)
                w = np.exp(log_prior - log_prior.max()) / np.maximum(denom, 1e-300)
                particles, weights = new, w / w.sum()
                best_stats = stats[chosen]
                epsilons.append(float(dist[chosen].max()))
                ess.append(float(1.0 / np.sum(weights**2)))
        samples = particles
        total = time.perf_counter() - started
        return CalibrationResult(
            case=history.case,
            budget=self.budget,
            seed=self.seed,
            until=summaries.until,
            names=FREE_PARAMETERS,
            samples=samples,
            weights=weights,
            epsilons=epsilons,
            ess=ess,
            identification=identification(samples, weights),
            summary_names=summaries.names,
            observed=summaries.observed,
            posterior_summaries=weights @ best_stats,
            timings={
                "simulate_seconds": sim_seconds,
                "total_seconds": total,
                "overhead": max(total - sim_seconds, 0.0) / max(sim_seconds, 1e-12),
            },
        )


def posterior_predictive(
    result: CalibrationResult,
    history: History,
    draws: int = 200,
    seed: int = 0,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> dict[str, Any]:
    """Year-by-year posterior predictive of the observables (mean and 90 % band)."""
    matrix = result.draws(draws, seed)
    rng = block_rng(seed, (3,), 0)
    traj = run(
        initial_for(history, draws),
        history.schedule,
        Theta.from_matrix(matrix),
        rng,
        record=_RECORD,
        mechanisms=mechanisms,
    )
    out: dict[str, Any] = {"years": history.years.tolist()}
    derived = {
        "cooperation": traj.series["cooperation"].astype(float),
        "coercion": traj.series["coercion"].astype(float),
        "regime_engaged": (traj.series["proposed"] <= 1).astype(float),
    }
    for name, values in derived.items():
        target = history.targets.get(
            "regime" if name == "regime_engaged" else name, np.full(len(history.years), np.nan)
        )
        if name == "regime_engaged":
            target = np.where(np.isnan(target), np.nan, (target <= 1).astype(float))
        out[name] = {
            "observed": [None if np.isnan(v) else float(v) for v in target],
            "mean": values.mean(axis=1).tolist(),
            "lo": np.quantile(values, 0.05, axis=1).tolist(),
            "hi": np.quantile(values, 0.95, axis=1).tolist(),
        }
    return out


def holdout_check(
    result: CalibrationResult, history: History, fit: dict[str, Any]
) -> dict[str, Any]:
    """Out-of-sample errors after ``result.until``: the model against a VAR null model.

    The VAR (statsmodels, lag order by AIC up to 2) is fitted to the record's
    yearly cooperation and coercion series through ``until`` (gaps filled by
    linear interpolation, ends by the nearest value) and forecast forward; the
    model's forecast is its posterior predictive mean. Errors are root mean
    squared differences over the later years that the record covers.
    """
    from statsmodels.tsa.api import VAR

    years = history.years
    names = ("cooperation", "coercion")
    train = years <= result.until
    test = ~train
    if not test.any():
        return {"note": "no years after the fitted period"}
    filled = []
    for name in names:
        y = history.targets.get(name, np.full(len(years), np.nan)).astype(float)
        ok = ~np.isnan(y) & train
        if ok.sum() < 5:
            return {"note": f"too few observed years of {name} before {result.until + 1}"}
        filled.append(np.interp(years[train], years[ok], y[ok]))
    data = np.column_stack(filled)
    note = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = VAR(data)
            order = max(1, int(model.select_order(maxlags=2).aic))
            fitted = model.fit(order)
            forecast = fitted.forecast(data[-fitted.k_ar :], steps=int(test.sum()))
    except (ValueError, np.linalg.LinAlgError) as err:
        note = f"VAR failed ({err}); the null model falls back to the training mean"
        order = 0
        forecast = np.tile(data.mean(axis=0), (int(test.sum()), 1))
    out: dict[str, Any] = {
        "train_until": result.until,
        "test_years": [int(y) for y in years[test]],
        "var_lag_order": order,
        "observables": {},
    }
    model_err, var_err = [], []
    for j, name in enumerate(names):
        y = history.targets[name].astype(float)[test]
        pred = np.asarray(fit[name]["mean"], dtype=float)[test]
        ok = ~np.isnan(y)
        if not ok.any():
            continue
        m = float(np.sqrt(np.mean((pred[ok] - y[ok]) ** 2)))
        v = float(np.sqrt(np.mean((forecast[ok, j] - y[ok]) ** 2)))
        model_err.append(m)
        var_err.append(v)
        out["observables"][name] = {"model_rmse": m, "var_rmse": v, "years_observed": int(ok.sum())}
    out["model_rmse"] = float(np.mean(model_err)) if model_err else None
    out["var_rmse"] = float(np.mean(var_err)) if var_err else None
    out["model_beats_var"] = None if not model_err else bool(out["model_rmse"] < out["var_rmse"])
    if note:
        out["note"] = note
    return out


def sbc_check(
    history: History,
    *,
    truths: int = 3,
    budget: int = 4000,
    seed: int = 0,
    until: int | None = None,
    scheduler: Any = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> dict[str, Any]:
    """Recovery of known parameters: draw truths from the prior, simulate, refit.

    For each parameter: how often the truth falls inside the posterior 90 %
    interval (nominally 90 %), and the posterior median's error relative to
    the prior median's (below 1 means the fit learned something). With a few
    truths this is a coarse check; raise ``truths`` for a proper one.
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(4,))))
    truth_matrix = prior_matrix(rng, truths)
    inside = np.zeros((truths, len(PRIORS)), dtype=bool)
    err_post = np.zeros((truths, len(PRIORS)))
    err_prior = np.zeros((truths, len(PRIORS)))
    ratios = np.zeros((truths, len(PRIORS)))
    prior_med = np.array([p.ppf(0.5) for p in PRIORS])
    widths = np.array([p.width90 for p in PRIORS])
    for k in range(truths):
        theta = Theta.from_matrix(truth_matrix[k : k + 1])
        synthetic = synthetic_history(theta, seed=seed * 1000 + k, base=history)
        fitted = Calibrator(
            budget=budget,
            seed=seed + k + 1,
            until=int(history.years[-1]) if until is None else until,
            scheduler=scheduler,
            mechanisms=mechanisms,
        ).fit(synthetic)
        for i, row in enumerate(fitted.identification):
            lo, hi = row["posterior_90"]
            inside[k, i] = lo <= truth_matrix[k, i] <= hi
            err_post[k, i] = abs(row["posterior_median"] - truth_matrix[k, i]) / widths[i]
            err_prior[k, i] = abs(prior_med[i] - truth_matrix[k, i]) / widths[i]
            ratios[k, i] = row["width_ratio"]
    rows = []
    for i, prior in enumerate(PRIORS):
        rows.append(
            {
                "parameter": prior.name,
                "coverage_90": float(inside[:, i].mean()),
                "error_posterior": float(err_post[:, i].mean()),
                "error_prior": float(err_prior[:, i].mean()),
                "width_ratio": float(ratios[:, i].mean()),
            }
        )
    return {
        "truths": truths,
        "budget_each": budget,
        "parameters": rows,
        "coverage_90": float(inside.mean()),
        "error_ratio": float(err_post.mean() / max(err_prior.mean(), 1e-12)),
    }


def calibrate(
    case: str = "us-pakistan",
    budget: int = QUICK_BUDGET,
    seed: int = 0,
    *,
    until: int = 2013,
    check: bool = True,
    sbc_truths: int = 3,
    scheduler: Any = None,
    history: History | None = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> CalibrationResult:
    """Calibrate the model to a case; with ``check``, run the SBC and out-of-sample checks.

    Parameters
    ----------
    case:
        The case (``"us-pakistan"``); ignored when ``history`` is given.
    budget:
        Simulations for the fit (the SBC check uses a third of it per truth).
    seed:
        Seed; the same seed gives the same result, locally and through Dask.
    until:
        Last year whose observations enter the fit (later years are held out).
    check:
        Run :func:`sbc_check` and :func:`holdout_check`.
    sbc_truths:
        Number of synthetic truths for the SBC check.
    scheduler:
        ``None``, a Dask scheduler address or a ``distributed.Client``.
    history:
        A history to fit instead of the case's (for example a synthetic one).
    mechanisms:
        The model's mechanisms.
    """
    hist = history if history is not None else load_history(case)
    with shared_client(scheduler) as client:
        result = Calibrator(
            budget=budget, seed=seed, until=until, scheduler=client, mechanisms=mechanisms
        ).fit(hist)
        result.fit = posterior_predictive(result, hist, seed=seed, mechanisms=mechanisms)
        result.notes.extend(hist.notes)
        if check:
            result.holdout = holdout_check(result, hist, result.fit)
            result.sbc = sbc_check(
                hist,
                truths=sbc_truths,
                budget=max(budget // 3, 400),
                seed=seed,
                until=until,
                scheduler=client,
                mechanisms=mechanisms,
            )
    return result
