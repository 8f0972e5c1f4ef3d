"""Validation of a calibration, reported whatever it shows.

* :func:`ppc_check` — posterior predictive check per summary: the two-sided
  tail probability of each recorded summary among summaries simulated from the
  posterior (with the same observation noise), and an overall check on the
  standardised discrepancy; the model *passes* when the overall ``p >= 0.05``.
* :func:`holdout_check` — proper scores out of sample: fitted through
  ``until``, the model's posterior predictive for the later years against three
  baselines fitted to the record's own series through ``until``: persistence
  (the last value), the historical mean, and a VAR (statsmodels; lag order by
  AIC up to 2). Scores: the continuous ranked probability score (CRPS; the
  model's from its predictive ensemble, the baselines' from their Gaussian
  predictive distributions; Gneiting & Raftery 2007, JASA 102:477) and RMSE.
* :func:`sbc_check` — simulation-based calibration (Talts et al. 2018,
  arXiv:1804.06788): truths drawn from the prior make synthetic records through
  the same observation model; each is refitted with a small ABC budget; the
  rank of each truth in its posterior must be uniform (a Kolmogorov-Smirnov
  test per parameter), and so must the rank of the *policy effect* the truth
  implies (broadened minus security-only) among the effects its posterior
  implies, which is the quantity the answer rests on.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from bilat.sim._parallel import block_rng
from bilat.sim.calibration import QUANTILE, CalibrationResult
from bilat.sim.history import History, initial_for
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import run
from bilat.sim.observe import MODEL_SERIES, Summaries, _standardise, observables_of, observe
from bilat.sim.params import PRIORS, Prior, Theta, prior_matrix

__all__ = [
    "PPC_LEVEL",
    "crps_ensemble",
    "crps_gaussian",
    "fit_bands",
    "holdout_check",
    "ppc_check",
    "predictive",
    "sbc_check",
]

F64 = npt.NDArray[np.float64]

#: The overall posterior predictive p-value below which the model fails its check.
PPC_LEVEL = 0.05


def predictive(
    result: CalibrationResult,
    history: History,
    draws: int = 400,
    seed: int = 0,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> dict[str, F64]:
    """Posterior predictive observations of every observable, each ``(T, draws)``.

    One run per posterior draw through the whole history, observed through the
    observation model (the record's counts and gaps).
    """
    matrix = result.draws(draws, seed)
    rng = block_rng(seed, (3,), 0)
    traj = run(
        initial_for(history, draws),
        history.schedule,
        Theta.from_matrix(matrix),
        rng,
        record=MODEL_SERIES,
        mechanisms=mechanisms,
    )
    return observe(traj.series, history, rng)


def fit_bands(predicted: dict[str, F64], history: History) -> dict[str, Any]:
    """Year-by-year observed value, predictive mean and 90 % band of each observable (JSON)."""
    out: dict[str, Any] = {"years": history.years.tolist()}
    for name, values in predicted.items():
        target = history.targets[name]
        ok = np.isfinite(values[:, 0])
        mean = np.full(len(target), np.nan)
        lo, hi = mean.copy(), mean.copy()
        mean[ok] = values[ok].mean(axis=1)
        lo[ok], hi[ok] = np.quantile(values[ok], [0.05, 0.95], axis=1)

        def listed(x: F64) -> list[float | None]:
            return [None if not np.isfinite(v) else float(v) for v in x]

        out[name] = {
            "observed": listed(target),
            "mean": listed(mean),
            "lo": listed(lo),
            "hi": listed(hi),
        }
    return out


def ppc_check(
    result: CalibrationResult, history: History, predicted: dict[str, F64]
) -> dict[str, Any]:
    """Posterior predictive check of every summary the calibration fitted.

    Per summary: the predictive mean and 90 % interval, whether the record lies
    inside, and the two-sided tail probability ``2 min(P(sim <= obs), P(sim >=
    obs))``. Overall: the discrepancy ``D = sum_k ((s_k - mean_k) / sd_k)^2``
    of the record against that of each simulated record; ``p = P(D_sim >=
    D_obs)``. The model passes when ``p >= 0.05`` (:data:`PPC_LEVEL`).
    """
    summaries = Summaries.of(history, result.until)
    sims = summaries.simulated(predicted)  # (draws, K)
    obs = summaries.observed
    mean = sims.mean(axis=0)
    sd = np.maximum(sims.std(axis=0), 1e-9)
    lo, hi = np.quantile(sims, [0.05, 0.95], axis=0)
    below = (sims <= obs).mean(axis=0)
    above = (sims >= obs).mean(axis=0)
    p = np.minimum(1.0, 2.0 * np.minimum(below, above))
    d_obs = float(np.sum(((obs - mean) / sd) ** 2))
    d_sim = np.sum(((sims - mean) / sd) ** 2, axis=1)
    overall = float(np.mean(d_sim >= d_obs))
    rows = [
        {
            "summary": name,
            "observed": float(o),
            "mean": float(m),
            "interval_90": [float(a), float(b)],
            "inside_90": bool(a <= o <= b),
            "p": float(q),
        }
        for name, o, m, a, b, q in zip(summaries.names, obs, mean, lo, hi, p, strict=True)
    ]
    outside = [r["summary"] for r in rows if not r["inside_90"]]
    return {
        "summaries": rows,
        "p_overall": overall,
        "passes": overall >= PPC_LEVEL,
        "outside_90": outside,
        "count": len(rows),
        "draws": int(sims.shape[0]),
        "level": PPC_LEVEL,
    }


# -- proper scores ------------------------------------------------------------------------------
def crps_gaussian(mean: F64, sd: F64, y: F64) -> F64:
    """CRPS of a normal predictive distribution at ``y`` (closed form; lower is better)."""
    sd = np.maximum(sd, 1e-9)
    z = (y - mean) / sd
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + special.erf(z / math.sqrt(2)))
    return np.asarray(sd * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi)), dtype=float)


def crps_ensemble(ensemble: F64, y: float) -> float:
    """CRPS of an ensemble at ``y``: ``E|X - y| - E|X - X'| / 2`` (sorted-sample formula)."""
    x = np.sort(np.asarray(ensemble, dtype=float))
    m = len(x)
    term1 = float(np.mean(np.abs(x - y)))
    weights = 2 * np.arange(1, m + 1) - m - 1
    term2 = float(np.sum(weights * x)) / (m * m)
    return term1 - term2


def _var_forecast(train: F64, steps: int) -> tuple[F64, F64, int, str]:
    """VAR forecast means and sds (``(steps, k)``), the lag order and a note."""
    from statsmodels.tsa.api import VAR

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = VAR(train)
            order = max(1, int(model.select_order(maxlags=2).aic))
            fitted = model.fit(order)
            mean = fitted.forecast(train[-fitted.k_ar :], steps=steps)
            mse = fitted.forecast_cov(steps)
        sd = np.sqrt(np.maximum(np.array([np.diag(m) for m in mse]), 1e-12))
        return mean, sd, order, ""
    except (ValueError, np.linalg.LinAlgError) as err:
        mean = np.tile(train.mean(axis=0), (steps, 1))
        sd = np.tile(train.std(axis=0), (steps, 1))
        return mean, sd, 0, f"VAR failed ({err}); it falls back to the training mean"


def holdout_check(
    result: CalibrationResult, history: History, predicted: dict[str, F64]
) -> dict[str, Any]:
    """Proper scores after ``result.until``: the model against persistence, mean and VAR.

    For each observable with at least 10 observed training years and some
    observed later years: the model's predictive ensemble (its ``z``
    observables mapped back to the record's scale with the training years' mean
    and sd), and three Gaussian baselines fitted to the training years —
    persistence (last observed value; sd of the one-year changes times the
    square root of the horizon), the historical mean (sd of the series) and a
    VAR over those observables (gaps interpolated). Scores are averaged over
    the observed later years, then over observables.
    """
    years = history.years
    train = years <= result.until
    test = ~train
    if not test.any():
        return {"note": "no years after the fitted period"}
    usable = []
    for obs in observables_of(history):
        y = history.targets[obs.name]
        if (np.isfinite(y) & train).sum() >= 10 and (np.isfinite(y) & test).any():
            usable.append(obs)
    if not usable:
        return {"note": "no observable has both training and later years"}
    filled = []
    for obs in usable:
        y = history.targets[obs.name]
        ok = np.isfinite(y) & train
        filled.append(np.interp(years[train], years[ok], y[ok]))
    var_mean, var_sd, order, note = _var_forecast(np.column_stack(filled), int(test.sum()))
    scores: dict[str, dict[str, list[float]]] = {
        k: {"crps": [], "rmse": []} for k in ("model", "persistence", "mean", "var")
    }
    per: dict[str, Any] = {}
    test_index = np.flatnonzero(test)
    for j, obs in enumerate(usable):
        y = history.targets[obs.name]
        ok_train = np.isfinite(y) & train
        sims = predicted[obs.name]
        if obs.kind == "z":
            z = _standardise(sims, ok_train)
            sims = np.nanmean(y[ok_train]) + np.nanstd(y[ok_train]) * z
        last_year = years[ok_train][-1]
        last = y[ok_train][-1]
        step_sd = float(np.std(np.diff(y[ok_train]))) or 1e-6
        hist_mean, hist_sd = float(np.mean(y[ok_train])), float(np.std(y[ok_train]))
        rows: dict[str, dict[str, list[float]]] = {
            k: {"crps": [], "err": []} for k in ("model", "persistence", "mean", "var")
        }
        for pos, t in enumerate(test_index):
            if not np.isfinite(y[t]):
                continue
            h = years[t] - last_year
            truth = float(y[t])
            ens = sims[t]
            preds = {
                "persistence": (last, step_sd * math.sqrt(h)),
                "mean": (hist_mean, hist_sd),
                "var": (float(var_mean[pos, j]), float(var_sd[pos, j])),
            }
            rows["model"]["crps"].append(crps_ensemble(ens, truth))
            rows["model"]["err"].append(float(np.mean(ens)) - truth)
            for k, (m, s) in preds.items():
                rows[k]["crps"].append(
                    float(crps_gaussian(np.array(m), np.array(s), np.array(truth)))
                )
                rows[k]["err"].append(m - truth)
        entry: dict[str, Any] = {"years_observed": len(rows["model"]["crps"])}
        for k, r in rows.items():
            crps = float(np.mean(r["crps"]))
            rmse = float(np.sqrt(np.mean(np.square(r["err"]))))
            entry[k] = {"crps": crps, "rmse": rmse}
            scores[k]["crps"].append(crps)
            scores[k]["rmse"].append(rmse)
        per[obs.name] = entry
    overall = {
        k: {"crps": float(np.mean(v["crps"])), "rmse": float(np.mean(v["rmse"]))}
        for k, v in scores.items()
    }
    model_crps = overall["model"]["crps"]
    out: dict[str, Any] = {
        "train_until": result.until,
        "test_years": [int(y) for y in years[test]],
        "var_lag_order": order,
        "observables": per,
        "scores": overall,
        "beats": {k: bool(model_crps < overall[k]["crps"]) for k in ("persistence", "mean", "var")},
        "score": "CRPS (lower is better), averaged over observed later years, then observables",
    }
    out["loses_to_persistence"] = not out["beats"]["persistence"]
    # the fields the study and earlier reports read
    out["model_rmse"] = overall["model"]["rmse"]
    out["var_rmse"] = overall["var"]["rmse"]
    out["model_beats_var"] = out["beats"]["var"]
    if note:
        out["note"] = note
    return out


# -- simulation-based calibration ---------------------------------------------------------------
def _weighted_rank(x: F64, w: F64, truth: float) -> float:
    """The posterior mass below ``truth`` (a rank in [0, 1]; uniform if calibrated)."""
    return float(w[x < truth].sum() / w.sum())


def _effects(
    history: History,
    matrix: F64,
    seed: int,
    runs: int,
    years: int,
    mechanisms: Mechanisms,
) -> dict[str, F64]:
    """Broadened minus security-only per parameter set (mean over ``runs``), per outcome."""
    from bilat.sim.experiments import compare

    cmp = compare(
        ["security-only", "broadened"],
        matrix,
        runs=runs,
        years=years,
        seed=seed,
        draws=matrix.shape[0],
        history=history,
        mechanisms=mechanisms,
    )
    return {
        o: cmp.per_draw["broadened"][o] - cmp.per_draw["security-only"][o] for o in _EFFECT_OUTCOMES
    }


_EFFECT_OUTCOMES = ("trust_deficit", "china_dependence", "militant_threat")


def _batched_smc(
    history: History,
    observed: F64,
    budget: int,
    populations: int,
    seed: int,
    until: int,
    mechanisms: Mechanisms,
    priors: tuple[Prior, ...],
    quantile: float = QUANTILE,
) -> tuple[F64, F64]:
    """ABC-SMC for many synthetic records at once: particles ``(m, keep, P)`` and weights.

    The same algorithm as :class:`~bilat.sim.calibration.Calibrator` (the first
    population is one shared set of prior simulations; later populations stack
    every record's proposals into one batched run).
    """
    from bilat.sim.calibration import (
        _kernel_chol,
        _perturb,
        _simulate_summaries,
        _smc_weights,
    )

    summaries = Summaries.of(history, until)
    m = observed.shape[0]
    per = budget // populations
    keep = max(int(per * quantile), 20)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(42,))))
    scaled = observed / summaries.scales

    def distances(stats: F64, rows: F64) -> F64:
        diff = stats / summaries.scales - rows
        return np.sqrt(np.mean(diff * diff, axis=-1))

    from bilat.sim._parallel import mapper

    with mapper() as mapping:
        proposals = prior_matrix(rng, per, priors)
        stats, _ = _simulate_summaries(
            history, summaries, proposals, seed, (43, 0), mapping, mechanisms
        )
        d = distances(stats[None, :, :], scaled[:, None, :])  # (m, per)
        chosen = np.argsort(d, axis=1, kind="stable")[:, :keep]
        particles = proposals[chosen]  # (m, keep, P)
        weights = np.full((m, keep), 1.0 / keep)
        for t in range(1, populations):
            moved = np.empty((m, per, particles.shape[2]))
            chols = []
            for k in range(m):
                chol = _kernel_chol(particles[k], weights[k])
                chols.append(chol)
                moved[k] = _perturb(rng, particles[k], weights[k], chol, per)
            stats, _ = _simulate_summaries(
                history,
                summaries,
                moved.reshape(m * per, -1),
                seed,
                (43, t),
                mapping,
                mechanisms,
            )
            d = distances(stats.reshape(m, per, -1), scaled[:, None, :])
            chosen = np.argsort(d, axis=1, kind="stable")[:, :keep]
            new_particles = np.take_along_axis(moved, chosen[:, :, None], axis=1)
            for k in range(m):
                weights[k] = _smc_weights(
                    new_particles[k], particles[k], weights[k], chols[k], priors
                )
            particles = new_particles
    return particles, weights


def sbc_check(
    history: History,
    *,
    truths: int = 100,
    budget: int = 2000,
    seed: int = 0,
    until: int | None = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
    priors: tuple[Prior, ...] = PRIORS,
    effect_draws: int = 40,
    effect_runs: int = 4,
    years: int = 20,
) -> dict[str, Any]:
    """Simulation-based calibration: rank uniformity per parameter and for the policy effect.

    Each truth drawn from the prior makes a synthetic record (the same schedule,
    observation noise and gaps as ``history``), refitted by the same ABC-SMC
    with ``budget`` simulations in three populations — all truths at once, in
    batched runs. For each parameter the rank of the truth in its posterior is
    tested for uniformity (Kolmogorov-Smirnov), with the coverage of the 90 %
    interval and the error of the posterior median against the prior
    median's. For the policy effect (broadened minus security-only on the
    trust deficit, China dependence and the militant threat), the truth's own
    effect is set beside the effects of ``effect_draws`` posterior draws: rank
    uniformity, 90 % coverage, and the error of the posterior mean effect
    against the prior-predictive mean's.
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(4,))))
    truth_matrix = prior_matrix(rng, truths, priors)
    last = int(history.years[-1]) if until is None else until
    p = len(priors)
    # every synthetic record at once: one run per truth, observed with the record's noise
    traj = run(
        initial_for(history, truths),
        history.schedule,
        Theta.from_matrix(truth_matrix),
        block_rng(seed, (44,), 0),
        record=MODEL_SERIES,
        mechanisms=mechanisms,
    )
    summaries = Summaries.of(history, last)
    observed = summaries.simulated(observe(traj.series, history, block_rng(seed, (45,), 0)))
    particles, weights = _batched_smc(history, observed, budget, 3, seed, last, mechanisms, priors)
    ranks = np.zeros((truths, p))
    inside = np.zeros((truths, p), dtype=bool)
    err_post = np.zeros((truths, p))
    err_prior = np.zeros((truths, p))
    prior_med = np.array([pr.ppf(0.5) for pr in priors])
    widths = np.array([pr.width90 for pr in priors])
    draws = np.empty((truths, effect_draws, p))
    for k in range(truths):
        w = weights[k] / weights[k].sum()
        for i in range(p):
            x, t = particles[k, :, i], truth_matrix[k, i]
            ranks[k, i] = _weighted_rank(x, w, t)
            order = np.argsort(x)
            cw = np.cumsum(w[order])
            lo, med, hi = np.interp([0.05, 0.5, 0.95], cw - 0.5 * w[order], x[order])
            inside[k, i] = lo <= t <= hi
            err_post[k, i] = abs(med - t) / widths[i]
            err_prior[k, i] = abs(prior_med[i] - t) / widths[i]
        pick = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(46, k))))
        draws[k] = particles[k, pick.choice(len(w), size=effect_draws, p=w)]
    prior_draws = prior_matrix(
        np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(41,)))),
        effect_draws,
        priors,
    )
    prior_effect = _effects(history, prior_draws, seed, effect_runs, years, mechanisms)
    true_eff = _effects(history, truth_matrix, seed, 4 * effect_runs, years, mechanisms)
    post_eff = _effects(
        history, draws.reshape(truths * effect_draws, p), seed, effect_runs, years, mechanisms
    )
    rows = []
    for i, prior in enumerate(priors):
        ks = stats.kstest(ranks[:, i], "uniform")
        rows.append(
            {
                "parameter": prior.name,
                "rank_ks": float(ks.statistic),
                "rank_p": float(ks.pvalue),
                "uniform": bool(ks.pvalue >= 0.05),
                "coverage_90": float(inside[:, i].mean()),
                "error_posterior": float(err_post[:, i].mean()),
                "error_prior": float(err_prior[:, i].mean()),
            }
        )
    effect_rows = []
    for o in _EFFECT_OUTCOMES:
        truth = true_eff[o]
        e = post_eff[o].reshape(truths, effect_draws)
        lo, hi = np.quantile(e, [0.05, 0.95], axis=1)
        rank = np.mean(e < truth[:, None], axis=1)
        ks = stats.kstest(rank, "uniform")
        post_mean = e.mean(axis=1)
        err_p = float(np.mean(np.abs(post_mean - truth)))
        err_0 = float(np.mean(np.abs(float(prior_effect[o].mean()) - truth)))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(truth, post_mean)[0, 1] if truths > 2 else np.nan
        effect_rows.append(
            {
                "outcome": o,
                "rank_ks": float(ks.statistic),
                "rank_p": float(ks.pvalue),
                "uniform": bool(ks.pvalue >= 0.05),
                "coverage_90": float(np.mean((lo <= truth) & (truth <= hi))),
                "error_posterior": err_p,
                "error_prior": err_0,
                "error_ratio": err_p / max(err_0, 1e-12),
                "correlation": float(corr) if np.isfinite(corr) else None,
                "sign_recovered": float(np.mean(np.sign(post_mean) == np.sign(truth))),
            }
        )
    return {
        "truths": truths,
        "budget_each": budget,
        "noise": "the record's observation model (event and vote counts, gaps)",
        "parameters": rows,
        "uniform_parameters": int(sum(bool(r["uniform"]) for r in rows)),
        "coverage_90": float(inside.mean()),
        "error_ratio": float(err_post.mean() / max(err_prior.mean(), 1e-12)),
        "policy_effect": effect_rows,
    }
