"""Learning across partners: a hierarchical calibration on the panel's US partners.

The model (issue #14, item 3): each partner ``p`` has its own parameters
``theta_p``, drawn from a shared population distribution. On the prior's
quantile scale (``u_k = F_k(theta_k)``, uniform under the prior) the
population is logit-normal, ``logit u_k ~ Normal(mu_k, sigma_k)`` independently
per parameter; ``mu`` and ``sigma`` are the shared population parameters. Each
partner's likelihood is the ABC kernel ``exp(-d^2 / 2h_p^2)`` of the distance
``d`` between its simulated and observed era means (:mod:`bilat.sim.partners`),
with ``h_p`` the 10 % quantile of that partner's distances.

Fitting is Monte Carlo EM by importance sampling (after Laird 1978 and the
Monte Carlo EM of Wei & Tanner 1990): one common set of ``N`` prior draws is
simulated through every partner once, in one vectorised call per block; a
partner's posterior weights are ``g(theta_n) / prior(theta_n) x kernel``;
``mu`` and ``sigma`` are updated to the partners' averaged posterior moments
(``sigma`` floored at :data:`SIGMA_FLOOR` so the importance weights do not
collapse). Because the draws are shared, leaving a partner out costs only a
one more EM step with its own weight removed (no new simulation): :func:`leave_one_out`
scores every partner's held-out years (after ``until``) from the population
fitted *without* it, by CRPS, against persistence, the partner's historical
mean and an AR(1) fitted to its own training years.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import run
from bilat.sim.params import FREE_PARAMETERS, PRIORS, Prior, Theta, prior_matrix
from bilat.sim.partners import (
    PAKISTAN,
    PARTNER_OBSERVABLES,
    SERIES,
    PartnerData,
    PartnerSims,
    observe_block,
    simulate_partners,
)
from bilat.sim.state import initial_state

__all__ = [
    "MIN_ESS_SHARE",
    "ROUNDS",
    "SIGMA_FLOOR",
    "WIDEN",
    "PartnerFit",
    "fit_population",
    "hierarchical_calibration",
    "leave_one_out",
    "recovery_check",
    "synthetic_partners",
]

F64 = npt.NDArray[np.float64]
#: Floor of the population sd on the logit scale (the prior itself is ~1.81).
SIGMA_FLOOR = 0.3
#: Rounds of proposals: the prior, then the population fitted so far (widened by ``WIDEN``).
ROUNDS = 3
WIDEN = 1.5
#: The population keeps at least this share of the common draws as its effective sample size.
MIN_ESS_SHARE = 0.1
_PRIOR_SD = math.pi / math.sqrt(3.0)  # the logistic distribution's sd: a uniform u
_EPS = 1e-6
_ITERS = 40
_ENSEMBLE = 200


def _logit_u(matrix: F64, priors: tuple[Prior, ...]) -> F64:
    u = np.column_stack([p.cdf(matrix[:, k]) for k, p in enumerate(priors)])
    u = np.clip(u, _EPS, 1 - _EPS)
    return np.log(u) - np.log1p(-u)


def _log_normal(z: F64, mu: F64, sigma: F64) -> F64:
    terms = -0.5 * ((z - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)
    return np.asarray(np.sum(terms, axis=1))


def _log_prior_z(z: F64) -> F64:
    """Log density of the prior on the logit scale (each coordinate logistic), ``(N,)``."""
    return np.asarray(np.sum(-z - 2 * np.log1p(np.exp(-z)), axis=1))


def _log_ratio(z: F64, mu: F64, sigma: F64, log_q: F64) -> F64:
    """log g(theta) / q(theta): logit-normal population over the draws' proposal density."""
    return _log_normal(z, mu, sigma) - log_q


def _kernel(dist: F64, quantile: float = 0.1) -> F64:
    h = np.maximum(np.quantile(dist, quantile, axis=0), 1e-9)
    return np.exp(-0.5 * (dist / h[None]) ** 2)


def _posteriors(log_ratio: F64, kernel: F64) -> F64:
    w = np.exp(log_ratio - log_ratio.max())[:, None] * kernel
    return w / np.maximum(w.sum(axis=0, keepdims=True), 1e-300)


def _limited(z: F64, mu: F64, sigma: F64, min_ess: float, log_q: F64) -> tuple[F64, F64]:
    """The step from the prior towards ``(mu, sigma)`` that keeps the ESS >= ``min_ess``.

    The common prior draws can only represent a population that is not much
    narrower than the prior: where the update would leave fewer effective draws,
    it is shrunk towards the prior (bisection on the fraction of the step).
    """
    prior_mu, prior_sd = np.zeros_like(mu), np.full_like(sigma, _PRIOR_SD)
    if _ess(_weights(z, mu, sigma, log_q)) >= min_ess:
        return mu, sigma
    lo, hi = 0.0, 1.0
    for _ in range(10):
        mid = (lo + hi) / 2
        m, s = prior_mu + mid * (mu - prior_mu), prior_sd + mid * (sigma - prior_sd)
        if _ess(_weights(z, m, s, log_q)) >= min_ess:
            lo = mid
        else:
            hi = mid
    return prior_mu + lo * (mu - prior_mu), prior_sd + lo * (sigma - prior_sd)


def fit_population(
    z: F64,
    kernel: F64,
    *,
    iters: int = _ITERS,
    start: tuple[F64, F64] | None = None,
    min_ess: float | None = None,
    log_q: F64 | None = None,
) -> tuple[F64, F64, F64]:
    """Monte Carlo EM for ``(mu, sigma)``; also the partners' posterior weights ``(N, P)``.

    Each update is limited so that the population keeps an effective sample
    size of at least ``min_ess`` of the common draws (default a tenth of them).
    """
    n_k = z.shape[1]
    floor = MIN_ESS_SHARE * z.shape[0] if min_ess is None else min_ess
    mu, sigma = (np.zeros(n_k), np.full(n_k, _PRIOR_SD)) if start is None else start
    lq = _log_prior_z(z) if log_q is None else log_q
    w = _posteriors(_log_ratio(z, mu, sigma, lq), kernel)
    for _ in range(iters):
        first = (w.T @ z).mean(axis=0)
        second = (w.T @ (z * z)).mean(axis=0)
        new_sigma = np.sqrt(np.maximum(second - first**2, SIGMA_FLOOR**2))
        new_mu, new_sigma = _limited(z, first, new_sigma, floor, lq)
        done = np.max(np.abs(new_mu - mu)) < 1e-4 and np.max(np.abs(new_sigma - sigma)) < 1e-4
        mu, sigma = new_mu, new_sigma
        w = _posteriors(_log_ratio(z, mu, sigma, lq), kernel)
        if done:
            break
    return mu, sigma, w


def _weights(z: F64, mu: F64, sigma: F64, log_q: F64) -> F64:
    lr = _log_ratio(z, mu, sigma, log_q)
    g = np.exp(lr - lr.max())
    return g / g.sum()


def _ess(w: F64) -> float:
    return float(1.0 / np.sum(w * w))


def _crps_ensembles(ens: F64, y: F64) -> F64:
    """CRPS of each row's ensemble (``(C, M)``) at ``y`` (``(C,)``)."""
    x = np.sort(ens, axis=1)
    m = x.shape[1]
    term1 = np.mean(np.abs(x - y[:, None]), axis=1)
    coef = 2 * np.arange(1, m + 1) - m - 1
    return term1 - (x @ coef) / (m * m)


def _crps_gauss(mean: F64, sd: F64, y: F64) -> F64:
    from scipy.special import ndtr

    sd = np.maximum(sd, 1e-6)
    s = (y - mean) / sd
    pdf = np.exp(-0.5 * s * s) / math.sqrt(2 * math.pi)
    return np.asarray(sd * (s * (2 * ndtr(s) - 1) + 2 * pdf - 1 / math.sqrt(math.pi)))


def _baselines(train: F64, years: npt.NDArray[Any], horizon: F64) -> dict[str, tuple[F64, F64]]:
    """Persistence, historical mean and AR(1) forecasts (mean, sd) at ``horizon`` years ahead."""
    last, mean, sd = train[-1], float(np.mean(train)), float(np.std(train))
    step = float(np.std(np.diff(train))) if len(train) > 2 else sd
    out = {
        "persistence": (np.full(len(horizon), last), max(step, 1e-6) * np.sqrt(horizon)),
        "mean": (np.full(len(horizon), mean), np.full(len(horizon), max(sd, 1e-6))),
    }
    grid = np.arange(years[0], years[-1] + 1)
    filled = np.interp(grid, years, train)
    x, y = filled[:-1], filled[1:]
    if len(x) >= 3 and np.ptp(x) > 0:
        b, a = np.polyfit(x, y, 1)
        b = float(np.clip(b, -0.99, 0.99))
        a = float(np.mean(y) - b * np.mean(x))
        s2 = float(np.var(y - (a + b * x))) or 1e-12
        bh = b**horizon
        m = a * (1 - bh) / (1 - b) + bh * filled[-1]
        v = s2 * (1 - b ** (2 * horizon)) / (1 - b * b)
        out["ar1"] = (m, np.sqrt(np.maximum(v, 1e-12)))
    else:
        out["ar1"] = out["mean"]
    return out


_METHODS = ("hierarchical", "prior", "persistence", "mean", "ar1")


def _score_partner(
    data: PartnerData, sims: PartnerSims, p: int, weights: dict[str, F64], rng: np.random.Generator
) -> dict[str, Any] | None:
    """Mean CRPS of partner ``p``'s held-out years by method (None if it has none)."""
    fit = data.fit_mask()
    per: dict[str, list[float]] = {k: [] for k in _METHODS}
    by_obs: dict[str, dict[str, float]] = {}
    for name in PARTNER_OBSERVABLES:
        y = data.targets[name][:, p]
        ok_train = fit & np.isfinite(y)
        ok_test = ~fit & np.isfinite(y)
        if ok_train.sum() < 5 or not ok_test.any():
            continue
        test_pos = np.flatnonzero(ok_test[~fit])
        truth = y[~fit][test_pos]
        horizon = (data.years[~fit][test_pos] - data.years[ok_train][-1]).astype(float)
        sims_p = sims.test[name][:, p, :][:, test_pos].astype(float)  # (n_draws, C)
        scores = {}
        for method in ("hierarchical", "prior"):
            draw = rng.choice(len(weights[method]), size=_ENSEMBLE, p=weights[method])
            ens = sims_p[draw].T  # (C, M)
            scores[method] = float(np.mean(_crps_ensembles(ens, truth)))
        for method, (m, s) in _baselines(y[ok_train], data.years[ok_train], horizon).items():
            scores[method] = float(np.mean(_crps_gauss(m, s, truth)))
        for method, value in scores.items():
            per[method].append(value)
        by_obs[name] = scores
    if not per["hierarchical"]:
        return None
    return {**{k: float(np.mean(v)) for k, v in per.items()}, "observables": by_obs}


def leave_one_out(
    data: PartnerData,
    sims: PartnerSims,
    z: F64,
    kernel: F64,
    start: tuple[F64, F64],
    seed: int,
    log_q: F64,
) -> dict[str, Any]:
    """Leave-one-partner-out CRPS of the held-out years, against the three baselines."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(37,))))
    prior_w = np.exp(_log_prior_z(z) - log_q)
    prior_w /= prior_w.sum()
    rows: list[dict[str, Any]] = []
    n_p = data.n_partners
    w_full = _posteriors(_log_ratio(z, start[0], start[1], log_q), kernel)
    first_each, second_each = w_full.T @ z, w_full.T @ (z * z)  # (P, K)
    first_all, second_all = first_each.sum(axis=0), second_each.sum(axis=0)
    floor = MIN_ESS_SHARE * z.shape[0]
    for p in range(n_p):
        # one EM step from the fitted population with partner p's own weight removed
        first = (first_all - first_each[p]) / (n_p - 1)
        second = (second_all - second_each[p]) / (n_p - 1)
        sd = np.sqrt(np.maximum(second - first**2, SIGMA_FLOOR**2))
        mu, sigma = _limited(z, first, sd, floor, log_q)
        weights = {"hierarchical": _weights(z, mu, sigma, log_q), "prior": prior_w}
        scored = _score_partner(data, sims, p, weights, rng)
        if scored is not None:
            rows.append({"ccode": int(data.ccodes[p]), "country": data.names[p], **scored})
    scores = {k: float(np.mean([r[k] for r in rows])) for k in _METHODS}
    model = scores["hierarchical"]
    share = {
        k: float(np.mean([r["hierarchical"] < r[k] for r in rows]))
        for k in _METHODS
        if k != "hierarchical"
    }
    pak = next((r for r in rows if r["ccode"] == PAKISTAN), None)
    by_obs = {
        name: {
            k: float(np.mean([r["observables"][name][k] for r in rows if name in r["observables"]]))
            for k in _METHODS
        }
        for name in PARTNER_OBSERVABLES
        if any(name in r["observables"] for r in rows)
    }
    return {
        "partners_scored": len(rows),
        "train_until": data.until,
        "test_years": [int(data.years[~data.fit_mask()][0]), int(data.years[-1])],
        "scores": scores,
        "beats": {k: bool(model < scores[k]) for k in _METHODS if k != "hierarchical"},
        "share_of_partners_beaten": share,
        "loses_to_persistence": bool(model >= scores["persistence"]),
        "pakistan": pak,
        "observables": by_obs,
        "score": "CRPS (lower is better) of each partner's held-out years, averaged over its "
        "observables, then over partners; the model's from the population fitted without "
        "that partner",
        "per_partner": rows,
    }


@dataclass
class PartnerFit:
    """What :func:`hierarchical_calibration` returns.

    ``mu``/``sigma`` are the population parameters (logit of the prior quantile);
    ``draws``/``weights`` the common prior draws and the population's importance
    weights over them; ``partner_weights`` each partner's posterior weights
    ``(N, P)``; ``summary`` a plain dict for answer.json.
    """

    data: PartnerData
    draws: F64
    mu: F64
    sigma: F64
    weights: F64
    partner_weights: F64
    summary: dict[str, Any] = field(default_factory=dict)

    def partner_draws(self, ccode: int, k: int, seed: int = 0) -> F64:
        """``k`` draws from one partner's posterior (partially pooled), shape ``(k, K)``."""
        hit = np.flatnonzero(self.data.ccodes == ccode)
        if len(hit) == 0:
            from bilat.errors import InputError

            raise InputError(f"partner {ccode} is not in the fit", field="ccode", value=ccode)
        w = self.partner_weights[:, int(hit[0])]
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(41,))))
        return self.draws[rng.choice(len(w), size=k, p=w / w.sum())]


def _population_rows(mu: F64, sigma: F64, priors: tuple[Prior, ...]) -> list[dict[str, Any]]:
    rows = []
    for k, prior in enumerate(priors):
        u = 1 / (1 + np.exp(-(mu[k] + sigma[k] * np.array([-1.645, 0.0, 1.645]))))
        lo, med, hi = (float(v) for v in prior.ppf(u))
        rows.append(
            {
                "parameter": FREE_PARAMETERS[k],
                "mu": float(mu[k]),
                "sigma": float(sigma[k]),
                "population_median": med,
                "population_90": [lo, hi],
                "moved": bool(abs(mu[k]) > 0.5 or sigma[k] < 0.6 * _PRIOR_SD),
            }
        )
    return rows


def _log_mixture(z: F64, proposals: list[tuple[F64, F64] | None]) -> F64:
    """Log density of the equal mixture of the rounds' proposals (the prior for ``None``)."""
    logs = np.column_stack(
        [_log_prior_z(z) if q is None else _log_normal(z, q[0], q[1]) for q in proposals]
    )
    top = logs.max(axis=1, keepdims=True)
    return np.asarray(top[:, 0] + np.log(np.mean(np.exp(logs - top), axis=1)))


def _concat(parts: list[PartnerSims]) -> PartnerSims:
    first = parts[0]
    return replace(
        first,
        summaries=np.concatenate([p.summaries for p in parts]),
        test={k: np.concatenate([p.test[k] for p in parts]) for k in first.test},
        seconds=sum(p.seconds for p in parts),
    )


def hierarchical_calibration(
    data: PartnerData,
    draws: int = 500,
    seed: int = 0,
    *,
    lopo: bool = True,
    priors: tuple[Prior, ...] = PRIORS,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> PartnerFit:
    """Fit the population to every partner; with ``lopo``, score each partner held out."""
    started = time.perf_counter()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(33,))))
    each = max(draws // ROUNDS, 20)
    matrices: list[F64] = []
    parts: list[PartnerSims] = []
    proposals: list[tuple[F64, F64] | None] = [None]  # None: the prior
    mu, sigma = np.zeros(len(priors)), np.full(len(priors), _PRIOR_SD)
    for r in range(ROUNDS):
        if r == 0:
            matrix = prior_matrix(rng, each, priors)
        else:
            spread = np.minimum(sigma * WIDEN, _PRIOR_SD)
            proposals.append((mu, spread))
            zr = mu + spread * rng.standard_normal((each, len(priors)))
            u = np.clip(1 / (1 + np.exp(-zr)), _EPS, 1 - _EPS)
            matrix = np.column_stack([p.ppf(u[:, k]) for k, p in enumerate(priors)])
        matrices.append(matrix)
        parts.append(simulate_partners(data, matrix, seed, key=(31, r), mechanisms=mechanisms))
        sims = _concat(parts)
        allm = np.vstack(matrices)
        z = _logit_u(allm, priors)
        log_q = _log_mixture(z, proposals)
        kernel = _kernel(sims.distances())
        mu, sigma, w = fit_population(z, kernel, log_q=log_q)
    matrix = allm
    weights = _weights(z, mu, sigma, log_q)
    summary: dict[str, Any] = {
        "method": "hierarchical: partner parameters logit-normal around shared population "
        "parameters on the prior's quantile scale; ABC kernel likelihood per partner; Monte "
        "Carlo EM by importance sampling over draws from the prior and then from the fitted "
        "population (adaptive rounds, deterministic-mixture weights)",
        "rounds": ROUNDS,
        "partners": data.n_partners,
        "draws": draws,
        "seed": seed,
        "until": data.until,
        "population": _population_rows(mu, sigma, priors),
        "population_ess": _ess(weights),
        "partner_ess_median": float(np.median(1.0 / np.sum(w * w, axis=0))),
    }
    if lopo:
        summary["leave_one_partner_out"] = leave_one_out(
            data, sims, z, kernel, (mu, sigma), seed, log_q
        )
    summary["timings"] = {
        "simulate_seconds": sims.seconds,
        "total_seconds": time.perf_counter() - started,
    }
    return PartnerFit(data, matrix, mu, sigma, weights, w, summary)


def recovery_check(
    data: PartnerData,
    truth_mu: F64,
    truth_sigma: F64,
    *,
    draws: int = 400,
    seed: int = 0,
    priors: tuple[Prior, ...] = PRIORS,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> dict[str, Any]:
    """Plant a population, simulate synthetic partners from it, refit, and measure recovery.

    Each partner's parameters are drawn from the planted population and its
    observables simulated through the same observation model (the partners' own
    schedules, gaps and counts); the refit's population means and each
    partner's posterior means are compared with the truth on the logit scale,
    against the prior's (mean 0).
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(43,))))
    n_p, n_k = data.n_partners, len(priors)
    z_true = truth_mu[None] + truth_sigma[None] * rng.standard_normal((n_p, n_k))
    u = 1 / (1 + np.exp(-z_true))
    theta = np.column_stack([p.ppf(u[:, k]) for k, p in enumerate(priors)])
    planted = synthetic_partners(data, theta, seed + 1, mechanisms)
    result = hierarchical_calibration(
        planted, draws=draws, seed=seed, lopo=False, priors=priors, mechanisms=mechanisms
    )
    mu_err = float(np.sqrt(np.mean((result.mu - truth_mu) ** 2)))
    prior_err = float(np.sqrt(np.mean(truth_mu**2)))
    z = _logit_u(result.draws, priors)
    post_mean = result.partner_weights.T @ z  # (n_p, n_k)
    partner_err = float(np.sqrt(np.mean((post_mean - z_true) ** 2)))
    partner_prior_err = float(np.sqrt(np.mean(z_true**2)))
    per = [
        {
            "parameter": FREE_PARAMETERS[k],
            "truth_mu": float(truth_mu[k]),
            "fitted_mu": float(result.mu[k]),
            "error": float(abs(result.mu[k] - truth_mu[k])),
            "prior_error": float(abs(truth_mu[k])),
        }
        for k in range(n_k)
    ]
    return {
        "partners": n_p,
        "draws": draws,
        "population_rmse": mu_err,
        "prior_rmse": prior_err,
        "population_error_ratio": mu_err / max(prior_err, 1e-12),
        "partner_rmse": partner_err,
        "partner_prior_rmse": partner_prior_err,
        "partner_error_ratio": partner_err / max(partner_prior_err, 1e-12),
        "parameters": per,
        "seconds": result.summary["timings"]["total_seconds"],
    }


def synthetic_partners(
    data: PartnerData, theta: F64, seed: int, mechanisms: Mechanisms = DEFAULT_MECHANISMS
) -> PartnerData:
    """``data`` with every partner's observed series simulated from its own parameters.

    ``theta`` has one row per partner; the observations carry the same noise,
    gaps and counts as the real ones (a planted truth for recovery checks).
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(47,))))
    state = replace(
        initial_state(data.n_partners, salience=0.3), civilian=data.civilian0.astype(np.float32)
    )
    traj = run(
        state, data.schedule, Theta.from_matrix(theta), rng, record=SERIES, mechanisms=mechanisms
    )
    seen = observe_block(data, traj.series, 1, rng)
    return replace(data, targets={k: v[:, 0, :] for k, v in seen.items()})
