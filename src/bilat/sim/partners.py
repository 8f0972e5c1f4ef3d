"""Many US partners at once: their schedules and observables from the panel, simulated together.

:func:`load_partners` builds, from the cross-national panel (:mod:`bilat.panel`,
issue #10), one schedule of US instruments and three observed series for every
US partner with enough data, 1950-2024:

* **instruments** (per partner and year): Greenbook military and economic aid
  (constant 2020 $ billion; missing is none); a US sanction in force (TIES);
  assurances 0.3 while an ATOP defence pact binds the US (the last coded value
  carried past ATOP's 2018 end); civilian control pinned at 0.15 under
  autocracies (Polity2 <= -6) and 0.35 + 0.03 x max(Polity2, 0) otherwise (0.5
  without a score) — the same coding as Pakistan's, with Polity2 standing in for
  the record's ruler type. Salience, conditions, pledges, trade access and
  democracy support are not coded for other partners: salience follows the
  model's own AR(1) and the others are zero (a limit, stated in the docs).
* **observables**: UNGA agreement with the US less the mean of all partners
  that year (compared on the partner's own scale, like Pakistan's: the model's
  alignment standardised over the fitted years and mapped to the partner's mean
  and sd, plus Gaussian noise); China's share of the partner's arms imports
  (SIPRI, Gaussian noise); the cooperative share of ICEWS partner->US events
  2002-2014 (binomial on the counts). Noise sds are each series' year-to-year
  changes / sqrt 2 (floored), as for Pakistan.

:func:`simulate_partners` runs every parameter set through every partner in one
array call per block (runs ordered draw-major: run ``i * P + p`` is draw ``i``
for partner ``p``) and returns era-mean summaries of the fitted years and the
simulated observations of the held-out years.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import DataMissingError, InputError
from bilat.sim._parallel import block_rng
from bilat.sim.history import ERAS
from bilat.sim.instruments import Instruments
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import run
from bilat.sim.params import Theta
from bilat.sim.state import initial_state

__all__ = [
    "PAKISTAN",
    "PARTNER_OBSERVABLES",
    "SERIES",
    "PartnerData",
    "PartnerSims",
    "load_partners",
    "observe_block",
    "simulate_partners",
]

F64 = npt.NDArray[np.float64]
FIRST, LAST = 1950, 2024
#: Pakistan's COW code.
PAKISTAN = 770

#: Observables per partner: name -> (model series, ABC scale on the partner's own units, noise).
#: The UNGA scale is half the partner's own sd (as Pakistan's ``z`` observable).
PARTNER_OBSERVABLES: dict[str, tuple[str, float, str]] = {
    "unga": ("alignment", 0.5, "gaussian"),
    "china_arms": ("china_share", 0.1, "gaussian"),
    "icews_cooperation": ("cooperation", 0.1, "binomial"),
}
SERIES = tuple(sorted({m for m, _, _ in PARTNER_OBSERVABLES.values()}))
_MIN_SD = 0.02


@dataclass(frozen=True)
class PartnerData:
    """Schedules and observables of ``P`` partners over ``T`` years.

    Attributes
    ----------
    ccodes, names:
        The partners (COW code, name), shape ``(P,)``.
    years:
        Calendar years, shape ``(T,)``.
    schedule:
        One :class:`Instruments` per year whose fields are arrays of shape ``(P,)``.
    civilian0:
        Civilian control in the first year, shape ``(P,)``.
    targets:
        Observed series by name, shape ``(T, P)``, NaN where missing.
    counts:
        Items behind a binomial share (ICEWS events), shape ``(T, P)``.
    noise_sd:
        Gaussian measurement sd by name, shape ``(P,)``.
    until:
        Last fitted year; later years are held out.
    """

    ccodes: npt.NDArray[np.int64]
    names: tuple[str, ...]
    years: npt.NDArray[np.int64]
    schedule: tuple[Instruments, ...]
    civilian0: F64
    targets: dict[str, F64]
    counts: dict[str, F64]
    noise_sd: dict[str, F64]
    until: int = 2013

    @property
    def n_partners(self) -> int:
        """Number of partners ``P``."""
        return len(self.ccodes)

    def take(self, index: Any) -> PartnerData:
        """The partners selected by ``index`` (an index array or a boolean mask)."""
        idx = np.arange(self.n_partners)[index]
        schedule = tuple(_taken(ins, idx) for ins in self.schedule)
        return replace(
            self,
            ccodes=self.ccodes[idx],
            names=tuple(self.names[i] for i in idx),
            schedule=schedule,
            civilian0=self.civilian0[idx],
            targets={k: v[:, idx] for k, v in self.targets.items()},
            counts={k: v[:, idx] for k, v in self.counts.items()},
            noise_sd={k: v[idx] for k, v in self.noise_sd.items()},
        )

    def fit_mask(self) -> npt.NDArray[np.bool_]:
        """Years that enter the fit, shape ``(T,)``."""
        return self.years <= self.until


def _taken(ins: Instruments, idx: Any) -> Instruments:
    arrays: dict[str, Any] = {
        k: np.asarray(v)[idx] for k, v in ins.as_dict().items() if isinstance(v, np.ndarray)
    }
    return replace(ins, **arrays)


def _pivot(panel: Any, column: str, years: npt.NDArray[np.int64], ccodes: Any) -> F64:
    if column not in panel.columns:
        return np.full((len(years), len(ccodes)), np.nan)
    table = panel.pivot_table(index="year", columns="ccode", values=column, aggfunc="first")
    table = table.reindex(index=years, columns=ccodes)
    return np.asarray(table.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _noise(y: F64) -> F64:
    """Per-column sd of year-to-year changes / sqrt 2 (NaN gaps skipped), floored."""
    out = np.full(y.shape[1], _MIN_SD)
    for p in range(y.shape[1]):
        v = y[:, p][np.isfinite(y[:, p])]
        if len(v) > 2:
            out[p] = max(float(np.std(np.diff(v)) / np.sqrt(2.0)), _MIN_SD)
    return out


def load_partners(
    panel: Any = None,
    *,
    until: int = 2013,
    min_fit_years: int = 20,
    min_test_years: int = 3,
) -> PartnerData:
    """Every US partner with at least ``min_fit_years`` of UNGA data through ``until``
    and ``min_test_years`` observations after it (see the module docstring).

    Raises
    ------
    DataMissingError
        When the panel is not available.
    """
    if panel is None:
        try:
            from bilat.panel import load_panel
        except ImportError as err:  # pragma: no cover - the panel ships with bilat
            raise DataMissingError("the partner calibration needs bilat.panel") from err
        panel = load_panel()
    years = np.arange(FIRST, LAST + 1)
    panel = panel[(panel["year"] >= FIRST) & (panel["year"] <= LAST)].copy()
    panel["unga_rel"] = panel["unga_agree_all"] - panel.groupby("year")["unga_agree_all"].transform(
        "mean"
    )
    ccodes_all = np.array(sorted(panel["ccode"].dropna().unique().astype(int)))
    unga = _pivot(panel, "unga_rel", years, ccodes_all)
    china = _pivot(panel, "arms_share_china", years, ccodes_all)
    tiv = _pivot(panel, "arms_tiv_total", years, ccodes_all)
    china = np.where(np.isfinite(tiv) & (tiv > 0), china, np.nan)
    vc = [
        _pivot(panel, c, years, ccodes_all)
        for c in (
            "icews_vcoop_to_us",
            "icews_mcoop_to_us",
            "icews_vconf_to_us",
            "icews_mconf_to_us",
        )
    ]
    total = vc[0] + vc[1] + vc[2] + vc[3]
    icews = np.where(
        np.isfinite(total) & (total > 0), (vc[0] + vc[1]) / np.where(total > 0, total, 1), np.nan
    )
    fit = years <= until
    test = ~fit
    enough = np.isfinite(unga[fit]).sum(axis=0) >= min_fit_years
    later = (np.isfinite(unga[test]) | np.isfinite(china[test])).sum(axis=0) >= min_test_years
    keep = np.flatnonzero(enough & later)
    if len(keep) == 0:
        raise DataMissingError("no partner in the panel has enough UNGA and later data")
    ccodes = ccodes_all[keep]
    names_by = panel.drop_duplicates("ccode").set_index("ccode")["country"]
    names = tuple(str(names_by.get(c, c)) for c in ccodes)

    def cols(x: F64) -> F64:
        return x[:, keep]

    mil = np.nan_to_num(cols(_pivot(panel, "aid_mil", years, ccodes_all)) / 1e9).clip(min=0.0)
    econ = np.nan_to_num(cols(_pivot(panel, "aid_econ", years, ccodes_all)) / 1e9).clip(min=0.0)
    sanction = np.nan_to_num(cols(_pivot(panel, "sanction_in_force", years, ccodes_all))).clip(0, 1)
    pact = cols(_pivot(panel, "defense_pact", years, ccodes_all))
    for p in range(pact.shape[1]):  # carry the last coded value past ATOP's end
        last = 0.0
        for t in range(len(years)):
            if np.isfinite(pact[t, p]):
                last = float(pact[t, p])
            else:
                pact[t, p] = last
    polity = cols(_pivot(panel, "polity2", years, ccodes_all))
    civilian = np.where(
        np.isfinite(polity),
        np.where(polity <= -6, 0.15, 0.35 + 0.03 * np.clip(polity, 0, None)),
        0.5,
    )
    schedule = tuple(
        Instruments(
            military_aid=mil[t],
            economic_aid=econ[t],
            sanctions=sanction[t],
            assurances=0.3 * (pact[t] >= 1),
            civilian=civilian[t],
        )
        for t in range(len(years))
    )
    targets = {"unga": cols(unga), "china_arms": cols(china), "icews_cooperation": cols(icews)}
    counts = {"icews_cooperation": np.nan_to_num(cols(total))}
    noise_sd = {"unga": _noise(targets["unga"]), "china_arms": _noise(targets["china_arms"])}
    return PartnerData(
        ccodes=ccodes.astype(np.int64),
        names=names,
        years=years,
        schedule=schedule,
        civilian0=civilian[0].astype(float),
        targets=targets,
        counts=counts,
        noise_sd=noise_sd,
        until=until,
    )


@dataclass(frozen=True)
class PartnerSims:
    """Simulations of ``N`` parameter sets through ``P`` partners.

    Attributes
    ----------
    names:
        Summary names ``"observable:era"``, length ``S``.
    summaries:
        Simulated era means of the fitted years, shape ``(N, P, S)``.
    observed, available:
        The partners' own era means ``(P, S)`` and where they exist.
    scales:
        ABC unit of each summary for each partner, shape ``(P, S)``.
    test_years:
        Held-out years, shape ``(H,)``.
    test:
        Simulated observations of the held-out years by observable, ``(N, P, H)`` (float32).
    seconds:
        Time inside the simulator.
    """

    names: tuple[str, ...]
    summaries: F64
    observed: F64
    available: npt.NDArray[np.bool_]
    scales: F64
    test_years: npt.NDArray[np.int64]
    test: dict[str, npt.NDArray[np.float32]]
    seconds: float

    def distances(self) -> F64:
        """Root mean squared scaled distance of every simulation from its partner, ``(N, P)``."""
        diff = (self.summaries - self.observed[None]) / self.scales[None]
        diff = np.where(self.available[None], diff, 0.0)
        count = np.maximum(self.available.sum(axis=1), 1)
        return np.sqrt(np.sum(diff * diff, axis=2) / count[None])


def _train_moments(y: F64, fit: npt.NDArray[np.bool_]) -> tuple[F64, F64]:
    part = np.where(fit[:, None] & np.isfinite(y), y, np.nan)
    with np.errstate(invalid="ignore"):
        mean = np.nan_to_num(np.nanmean(part, axis=0))
        sd = np.maximum(np.nan_to_num(np.nanstd(part, axis=0)), _MIN_SD)
    return mean, sd


def observe_block(
    data: PartnerData, series: dict[str, Any], nb: int, rng: np.random.Generator
) -> dict[str, F64]:
    """Simulated observations ``(T, nb, P)`` of each observable (NaN where the partner has none)."""
    fit = data.fit_mask()
    n_p = data.n_partners
    out: dict[str, F64] = {}
    for name, (model, _, noise) in PARTNER_OBSERVABLES.items():
        y = data.targets[name]
        latent = np.clip(series[model].astype(np.float64), 0, 1).reshape(len(data.years), nb, n_p)
        missing = ~np.isfinite(y)
        if name == "unga":
            mask = (fit[:, None] & ~missing)[:, None, :]
            cnt = np.maximum(mask.sum(axis=0), 1)
            mu = np.where(mask, latent, 0).sum(axis=0) / cnt
            var = np.where(mask, (latent - mu) ** 2, 0).sum(axis=0) / cnt
            z = (latent - mu) / np.maximum(np.sqrt(var), _MIN_SD)
            mean, sd = _train_moments(y, fit)
            latent = mean[None, None] + sd[None, None] * z
        if noise == "gaussian":
            value = latent + data.noise_sd[name][None, None] * rng.standard_normal(latent.shape)
            if name != "unga":
                value = np.clip(value, 0, 1)
        else:
            n = np.maximum(data.counts[name].astype(np.int64), 1)[:, None, :]
            value = rng.binomial(np.broadcast_to(n, latent.shape), latent) / n
        out[name] = np.where(missing[:, None, :], np.nan, value)
    return out


def _eras(data: PartnerData) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    fit = data.fit_mask()
    return [
        (label, (data.years >= a) & (data.years <= b) & fit)
        for label, a, b in ERAS
        if ((data.years >= a) & (data.years <= b) & fit).any()
    ]


def _era_means(x: F64, mask: npt.NDArray[np.bool_]) -> F64:
    """Means over the rows ``mask`` of ``x`` (``(T, ...)``), NaN ignored; NaN where none."""
    part = x[mask]
    ok = np.isfinite(part)
    cnt = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, np.where(ok, part, 0).sum(axis=0) / np.maximum(cnt, 1), np.nan)


def _tiled(ins: Instruments, times: int) -> Instruments:
    """``ins`` with every per-partner array repeated ``times`` times (draw-major runs)."""
    arrays: dict[str, Any] = {
        k: np.tile(v, times) for k, v in ins.as_dict().items() if isinstance(v, np.ndarray)
    }
    return replace(ins, **arrays)


def simulate_partners(
    data: PartnerData,
    matrix: F64,
    seed: int,
    *,
    per_partner: bool = False,
    key: tuple[int, ...] = (31,),
    block_draws: int | None = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> PartnerSims:
    """Simulate parameter sets ``matrix`` through every partner (see the module docstring).

    ``matrix`` is ``(N, K)`` (every set through every partner) or, with
    ``per_partner``, ``(P, K)`` (set ``p`` through partner ``p`` only: ``N = 1``).
    The same seed gives the same result.
    """
    matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
    n_p = data.n_partners
    if per_partner and matrix.shape[0] != n_p:
        raise InputError(
            f"per-partner parameters need one row per partner ({n_p}), got {matrix.shape[0]}",
            field="matrix",
        )
    n_draws = 1 if per_partner else matrix.shape[0]
    size = block_draws or max(1, 8192 // n_p)
    eras = _eras(data)
    fit = data.fit_mask()
    test_years = data.years[~fit]
    names = tuple(f"{o}:{label}" for o in PARTNER_OBSERVABLES for label, _ in eras)
    observed = np.column_stack(
        [_era_means(data.targets[o], m) for o in PARTNER_OBSERVABLES for _, m in eras]
    )
    available = np.isfinite(observed)
    mean_sd = _train_moments(data.targets["unga"], fit)[1]
    scales = np.column_stack(
        [
            (mean_sd * scale) if o == "unga" else np.full(n_p, scale)
            for o, (_, scale, _) in PARTNER_OBSERVABLES.items()
            for _ in eras
        ]
    )
    summaries = np.empty((n_draws, n_p, len(names)))
    test = {
        o: np.empty((n_draws, n_p, len(test_years)), dtype=np.float32) for o in PARTNER_OBSERVABLES
    }
    seconds = 0.0
    for b, start in enumerate(range(0, n_draws, size)):
        stop = min(start + size, n_draws)
        nb = stop - start
        rows = matrix if per_partner else np.repeat(matrix[start:stop], n_p, axis=0)
        begun = time.perf_counter()
        rng = block_rng(seed, key, b)
        state = initial_state(nb * n_p, salience=0.3)
        state = replace(state, civilian=np.tile(data.civilian0, nb).astype(np.float32))
        schedule = [_tiled(ins, nb) for ins in data.schedule]
        traj = run(
            state, schedule, Theta.from_matrix(rows), rng, record=SERIES, mechanisms=mechanisms
        )
        seen = observe_block(data, traj.series, nb, rng)
        seconds += time.perf_counter() - begun
        cols = []
        for o in PARTNER_OBSERVABLES:
            for _, m in eras:
                cols.append(_era_means(seen[o], m))
            test[o][start:stop] = np.transpose(seen[o][~fit], (1, 2, 0))
        summaries[start:stop] = np.stack(cols, axis=-1)
    return PartnerSims(
        names=names,
        summaries=summaries,
        observed=np.nan_to_num(observed),
        available=available,
        scales=scales,
        test_years=test_years,
        test=test,
        seconds=seconds,
    )
