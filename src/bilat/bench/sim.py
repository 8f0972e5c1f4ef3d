"""Simulator benchmarks: vectorised runs vs the same model agent by agent; calibration overhead.

``sim`` times :func:`bilat.sim.model.run` over arrays of runs (cut into blocks
that run in threads) against :class:`PlainModel`, the same rules written the
way general agent-based frameworks run them — one Python object per run, one
scalar update after another — and prints run-steps per second for both.
``sim-calibration`` times a calibration and reports the share of its time
spent inside the batched simulation calls (overhead <= 20 % means >= 0.83).
``sim-pooled-quality`` plants parameter sets, simulates the US-Pakistan record
and every panel partner from them, and compares the posterior accuracy per CPU
second of the hierarchical calibration across partners with the single-dyad
ABC-SMC (accuracy: the prior's RMSE to the truth over the posterior's, on the
prior's quantile scale).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from bilat.bench import BenchConfig, BenchResult, benchmark
from bilat.sim._parallel import block_rng, blocks, mapper
from bilat.sim.instruments import Instruments
from bilat.sim.model import run
from bilat.sim.params import Theta
from bilat.sim.policies import SecurityOnly
from bilat.sim.state import initial_state

__all__ = [
    "PlainModel",
    "PlainRun",
    "calibration_benchmark",
    "pooled_quality_benchmark",
    "sim_benchmark",
]

_US_EV = (1.0, 0.25, -1.0, -0.5, -0.5)
_PK_EV = (0.3, 0.1, -0.5, -0.2)
_AID = (1.0, 1.0, 0.0, 0.1)
_ECON = (1.0, 1.0, 0.3, 0.1)
_TRADE = (1.0, 1.0, 0.5, 0.5)
_TIES = (1.0, 1.0, 0.0, 0.0)
_DEMOC = (1.0, 1.0, 0.5, 0.0)
_SQRT12 = math.sqrt(12.0)


def _v(x: float) -> float:
    return x / (1.0 + x)


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def _bayes(p: float, llr: float) -> float:
    lr = math.exp(_clip(llr, -20.0, 20.0))
    return p * lr / (1.0 - p + p * lr)


class PlainRun:
    """One run of the model as a plain Python agent (the baseline; same rules as :func:`step`)."""

    def __init__(self) -> None:
        s = initial_state(1)
        self.us_trust = float(s.us_trust[0])
        self.pk_trust = float(s.pk_trust[0])
        self.threat = float(s.threat[0])
        self.proxies = float(s.proxies[0])
        self.china = float(s.china_share[0])
        self.ties = float(s.econ_ties[0])
        self.civilian = float(s.civilian[0])
        self.sentiment = float(s.sentiment[0])
        self.salience = float(s.salience[0])
        self.regime = int(s.regime[0])
        self.last_action = int(s.last_action[0])
        self.ruptures = 0
        self.delivered = 0.0
        self.withheld = 0.0
        self.pledge = 0.0
        self.broken = 0

    def step(self, ins: Instruments, th: Theta, u: Sequence[float]) -> None:
        """Advance one year with the six uniforms ``u``."""
        noise = [(x - 0.5) * _SQRT12 for x in u[2:5]]
        if math.isnan(ins.salience):
            rho = th.salience_persistence
            sal = _clip(
                rho * self.salience + (1 - rho) * th.salience_mean + th.salience_sd * noise[2]
            )
        else:
            sal = ins.salience
        civ = self.civilian if math.isnan(ins.civilian) else ins.civilian
        mil, ct, econ = ins.military_aid, ins.ct_reimbursement, ins.economic_aid
        trade, cond, assure = ins.trade_access, ins.conditions, ins.assurances
        democ, offered_pledge = ins.democracy_support, ins.commitment
        # the pledge: finite, breakable
        kept = 0 if offered_pledge > self.pledge else self.broken
        reneged = (
            offered_pledge > 0 and kept == 0 and sal < th.salience_threshold and u[5] < th.renege
        )
        if reneged:
            kept = 1
        commit = 0.0 if kept else offered_pledge
        self.pledge, self.broken = offered_pledge, kept
        offered = mil + ct + econ
        # the US rule
        defied = self.last_action >= 2
        punish = self.us_trust < th.sanction_trigger and defied and u[1] < th.enforcement
        persist = self.regime == 2 and self.us_trust < th.sanction_trigger + 0.1
        proposed = 1 if cond >= 0.5 else 0
        if punish or persist:
            proposed = 2
        if sal < th.salience_threshold and commit <= 0:
            proposed = 3
        if ins.regime >= 0:
            regime = ins.regime
        else:
            regime = 2 if (ins.sanctions >= 0.5 and proposed != 3) else proposed
            keep = 0.0 if (regime == 1 and self.last_action >= 2 and u[1] < th.enforcement) else 1.0
            mil *= _AID[regime] * keep
            ct *= _AID[regime] * keep
            econ *= _ECON[regime] * keep
            trade *= _TRADE[regime]
            assure *= _TIES[regime]
            commit *= _TIES[regime]
            democ *= _DEMOC[regime]
        delivered = mil + ct + econ
        rupture = self.regime <= 1 and regime >= 2
        coercion = _clip(
            ins.coercion + th.coercion_response * (1 - self.us_trust) * self.threat * sal
        )
        # Pakistan's utility
        m, c, fear = 1 - civ, civ, 1 - self.pk_trust
        util = [0.0] * 5
        goods = m * (_v(mil) + _v(ct) + 0.5 * assure) + c * (
            _v(econ) + 0.5 * (trade + democ + self.ties)
        )
        for k, lost in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
            util[k] += (1.0 - lost * th.enforcement) * goods
        hazard = th.moral_hazard * m * _v(ct)
        util[0] -= hazard
        util[1] += hazard
        hedge = th.hedge_value * fear * m
        util[0] -= 0.5 * hedge
        util[1] += 0.5 * hedge
        util[2] += hedge
        at_risk = th.enforcement * cond * (m * (_v(mil) + _v(ct)) + c * _v(econ))
        autonomy = 0.5 * cond * m
        util[0] -= autonomy
        util[1] -= 0.5 * at_risk
        util[2] -= at_risk
        util[3] -= at_risk
        util[4] += autonomy - at_risk
        util[1] -= 0.25 * coercion
        util[2] -= coercion
        util[3] -= 0.5 * coercion
        util[4] -= coercion
        a = self.sentiment
        util[0] -= 0.5 * a
        util[1] -= 0.25 * a
        util[4] += 0.25 * a
        util[3] += th.china_pull * (0.25 * (1 + fear) + 0.5 * self.china)
        util[3] -= 0.5 * civ * self.ties
        util[self.last_action] += th.routine_weight
        top = max(th.precision * x for x in util)
        weights = [math.exp(th.precision * x - top) for x in util]
        total = sum(weights)
        threshold = u[0] * total
        action, cum = 0, weights[0]
        for k in (1, 2, 3):
            if cum < threshold:
                action += 1
            cum += weights[k]
        if cum < threshold:
            action += 1
        # trust (Kydd)
        us_ev = _US_EV[action] - 0.5 * self.threat
        pk_ev = _PK_EV[regime] - 1.5 * rupture - float(reneged) + th.coercion_trust * coercion
        pk_ev += th.signal_weight * (commit * 0.1 + 0.5 * assure + 0.5 * self.ties)
        us = _bayes(self.us_trust, th.trust_learning * us_ev)
        pk = _bayes(self.pk_trust, th.trust_learning * pk_ev)
        us += 0.1 * (0.5 - us)
        pk += 0.1 * (0.5 - pk)
        # proxies and threat
        full, sel = float(action == 0), float(action == 1)
        grow = min(float(action == 2) + 0.3 * sel, 1.0)
        p = self.proxies
        proxies = p + th.proxy_growth * grow * (1 - p)
        away = th.vacuum * (regime == 3)
        proxies += th.proxy_growth * away * ((1 - p) if away > 0 else p)
        proxies -= (th.proxy_decay * full + 0.1) * p
        t = self.threat
        threat = t + th.threat_growth * p * (1 - t)
        threat -= (th.threat_suppression * (full + 0.5 * sel) + th.threat_decay) * t
        # patronage, ties, sentiment
        d = self.china
        offer = _v(econ) + trade
        inflow = (0.15 * (action == 3) + 0.02 * th.china_pull * fear) * (1 - d)
        china = _clip(d + inflow - (0.04 + th.china_crowd_out * min(offer, 1.0)) * d)
        e = self.ties
        broken = float(regime in (2, 3))
        ties = (
            e
            + th.ties_growth * 0.5 * min(offer, 1.0) * (1 - e)
            - (th.ties_decay + 0.1 * broken) * e
        )
        sentiment = _clip(
            a
            + (th.sentiment_gain * coercion + 0.1 * (regime == 2)) * (1 - a)
            - th.sentiment_relief * 0.5 * min(offer, 1.0) * a
            + 0.1 * (0.4 - a)
            + th.noise_sd * noise[1]
        )
        if math.isnan(ins.civilian):
            civ = _clip(
                civ
                + th.democracy_effect * democ * (1 - civ)
                - th.aid_militarises * _v(mil + ct) * civ
                + th.noise_sd * noise[0]
            )
        self.us_trust, self.pk_trust = _clip(us, 0.01, 0.99), _clip(pk, 0.01, 0.99)
        self.proxies, self.threat = _clip(proxies), _clip(threat)
        self.china, self.ties, self.sentiment = china, _clip(ties), sentiment
        self.civilian, self.salience = civ, sal
        self.regime, self.last_action = regime, action
        self.ruptures += int(rupture)
        self.delivered += delivered
        self.withheld += offered - delivered


class PlainModel:
    """A population of :class:`PlainRun` agents stepped one by one (the baseline)."""

    def __init__(self, runs: int, theta: Theta, seed: int = 0) -> None:
        self.agents = [PlainRun() for _ in range(runs)]
        self.theta = theta
        self.random = random.Random(seed)

    def step(self, instruments: Instruments) -> None:
        """Advance every agent one year."""
        draw: Callable[[], float] = self.random.random
        for agent in self.agents:
            agent.step(instruments, self.theta, [draw() for _ in range(6)])


def _vectorised(runs: int, years: int, seed: int) -> tuple[float, float]:
    """Run-steps per wall-clock second and per CPU second of the vectorised simulator."""
    schedule = SecurityOnly().schedule(range(years))
    theta = Theta()

    def one(sl: slice) -> float:
        n = sl.stop - sl.start
        traj = run(initial_state(n), schedule, theta, block_rng(seed, (99,), sl.start))
        return float(traj.final.threat.mean())

    parts = blocks(runs, 65_536)
    with mapper() as mapping:
        mapping(one, parts[:2])  # warm up
        start, cpu = time.perf_counter(), time.process_time()
        mapping(one, parts)
        elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    return runs * years / elapsed, runs * years / max(cpu_used, 1e-9)


def _plain(runs: int, years: int, seed: int) -> tuple[float, float]:
    schedule = SecurityOnly().schedule(range(years))
    model = PlainModel(runs, Theta(), seed)
    start, cpu = time.perf_counter(), time.process_time()
    for instruments in schedule:
        model.step(instruments)
    elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    return runs * years / elapsed, runs * years / max(cpu_used, 1e-9)


@benchmark("sim", "vectorised simulator vs the same model agent by agent in plain Python")
def sim_benchmark(config: BenchConfig) -> BenchResult:
    """Run-steps per second, vectorised (NumPy, threads over blocks) vs plain Python agents."""
    years = 50
    fast_runs = 32_768 if config.quick else 262_144
    slow_runs = 100 if config.quick else 1_000
    repeat = 1 if config.quick else 3
    fast_runs_cpu = [_vectorised(fast_runs, years, config.seed) for _ in range(repeat)]
    slow_runs_cpu = [_plain(slow_runs, years, config.seed) for _ in range(1 if config.quick else 2)]
    fast = max(r[0] for r in fast_runs_cpu)
    slow = max(r[0] for r in slow_runs_cpu)
    fast_cpu = max(r[1] for r in fast_runs_cpu)
    slow_cpu = max(r[1] for r in slow_runs_cpu)
    return BenchResult(
        name="sim",
        ratio=fast / slow,
        target=100.0,
        meaning=(
            f"times more run-steps per second than the agent-by-agent baseline "
            f"(vectorised {fast / 1e6:.2f} M/s, plain Python {slow / 1e3:.1f} k/s; "
            f"per CPU second {fast_cpu / slow_cpu:.0f}x)"
        ),
        details={
            "vectorised_run_steps_per_second": round(fast),
            "plain_python_run_steps_per_second": round(slow),
            "vectorised_run_steps_per_cpu_second": round(fast_cpu),
            "plain_python_run_steps_per_cpu_second": round(slow_cpu),
            "ratio_per_cpu_second": round(fast_cpu / slow_cpu, 1),
            "vectorised_runs": fast_runs,
            "plain_runs": slow_runs,
            "years": years,
        },
    )


@benchmark("sim-calibration", "share of calibration time spent in its batched simulations")
def calibration_benchmark(config: BenchConfig) -> BenchResult:
    """Calibrate the US-Pakistan case; the ratio is simulate time / total time (>= 0.83)."""
    from bilat.sim.calibration import Calibrator
    from bilat.sim.history import load_history

    history = load_history("us-pakistan")
    budget = 4_000 if config.quick else 40_000
    Calibrator(budget=2_000, seed=config.seed).fit(history)  # warm up
    result = Calibrator(budget=budget, seed=config.seed).fit(history)
    t = result.timings
    return BenchResult(
        name="sim-calibration",
        ratio=t["simulate_seconds"] / t["total_seconds"],
        target=1 / 1.2,
        meaning="share of the calibration's time spent simulating (overhead <= 20 % is >= 0.83)",
        details={
            "budget": budget,
            "simulate_seconds": round(t["simulate_seconds"], 3),
            "total_seconds": round(t["total_seconds"], 3),
            "overhead": round(t["overhead"], 3),
        },
    )


def _quantiles(matrix: Any) -> Any:
    """Each column on its prior's quantile scale (uniform under the prior)."""
    import numpy as np

    from bilat.sim.params import PRIORS

    m = np.atleast_2d(matrix)
    return np.column_stack([p.cdf(m[:, k]) for k, p in enumerate(PRIORS)])


@benchmark(
    "sim-pooled-quality",
    "posterior accuracy per CPU second: hierarchical fit across partners vs single-dyad ABC",
)
def pooled_quality_benchmark(config: BenchConfig) -> BenchResult:
    """Planted truths; accuracy gain (prior RMSE / posterior RMSE) per CPU second, pooled / ABC."""
    import numpy as np

    from bilat.sim.calibration import Calibrator
    from bilat.sim.hierarchy import hierarchical_calibration, synthetic_partners
    from bilat.sim.history import load_history, synthetic_history
    from bilat.sim.params import FREE_PARAMETERS, prior_matrix
    from bilat.sim.partners import load_partners

    truths = 2 if config.quick else 6
    abc_budget = 4_000 if config.quick else 12_000
    draws = 300 if config.quick else 500
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(config.seed)))
    planted = prior_matrix(rng, truths)
    partners = load_partners()
    if config.quick:
        partners = partners.take(np.arange(0, partners.n_partners, 3))
    record = load_history("us-pakistan")
    rows: list[dict[str, float]] = []
    for i, row in enumerate(planted):
        truth_u = _quantiles(row)[0]
        prior_rmse = float(np.sqrt(np.mean((0.5 - truth_u) ** 2)))
        theta = Theta().replace(**dict(zip(FREE_PARAMETERS, row.tolist(), strict=True)))
        history = synthetic_history(theta, config.seed + i, base=record)
        cpu = time.process_time()
        fit = Calibrator(budget=abc_budget, seed=config.seed + i).fit(history)
        abc_cpu = time.process_time() - cpu
        abc_u = fit.weights @ _quantiles(fit.samples)
        data = synthetic_partners(partners, np.tile(row, (partners.n_partners, 1)), config.seed + i)
        cpu = time.process_time()
        pooled = hierarchical_calibration(data, draws, config.seed + i, lopo=False)
        pooled_cpu = time.process_time() - cpu
        pooled_u = pooled.weights @ _quantiles(pooled.draws)
        abc_rmse = float(np.sqrt(np.mean((abc_u - truth_u) ** 2)))
        pooled_rmse = float(np.sqrt(np.mean((pooled_u - truth_u) ** 2)))
        rows.append(
            {
                "prior_rmse": prior_rmse,
                "abc_rmse": abc_rmse,
                "pooled_rmse": pooled_rmse,
                "abc_cpu": abc_cpu,
                "pooled_cpu": pooled_cpu,
            }
        )

    def mean(key: str) -> float:
        return float(np.mean([r[key] for r in rows]))

    abc_gain = float(np.mean([r["prior_rmse"] / r["abc_rmse"] for r in rows]))
    pooled_gain = float(np.mean([r["prior_rmse"] / r["pooled_rmse"] for r in rows]))
    abc_rate = abc_gain / max(mean("abc_cpu"), 1e-9)
    pooled_rate = pooled_gain / max(mean("pooled_cpu"), 1e-9)
    return BenchResult(
        name="sim-pooled-quality",
        ratio=pooled_rate / abc_rate,
        target=1.0,
        meaning=(
            "accuracy gain per CPU second of the hierarchical fit across partners over the "
            f"single-dyad ABC (gain = prior RMSE / posterior RMSE to a planted truth: pooled "
            f"{pooled_gain:.3f} in {mean('pooled_cpu'):.1f} CPU s, ABC {abc_gain:.3f} in "
            f"{mean('abc_cpu'):.1f} CPU s; {truths} truths)"
        ),
        details={
            "truths": truths,
            "abc_budget": abc_budget,
            "pooled_draws": draws,
            "partners": partners.n_partners,
            "prior_rmse": round(mean("prior_rmse"), 4),
            "abc_rmse": round(mean("abc_rmse"), 4),
            "pooled_rmse": round(mean("pooled_rmse"), 4),
            "abc_cpu_seconds": round(mean("abc_cpu"), 3),
            "pooled_cpu_seconds": round(mean("pooled_cpu"), 3),
            "abc_gain": round(abc_gain, 4),
            "pooled_gain": round(pooled_gain, 4),
        },
    )
