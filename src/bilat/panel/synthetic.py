"""A US–partner panel with a known answer, in the ``dyad_year`` shape.

Like :func:`bilat.datasets.synthetic_dyad`, :func:`synthetic_panel` returns
seeded data together with the truth that made it, so that every estimator in
:mod:`bilat.panel.effects` can be tested for recovering a planted effect.

The generative model, partner ``i`` and year ``t``:

* **Aid mix.** A partner's economic share of aid is its own base level
  (uniform on 0.05–0.35) plus N(0, 0.05) noise; a share ``treated`` of partners
  have a *broadening onset* ``g_i`` (uniform over the middle of the years),
  from which the share is ``shift`` higher. Shares are clipped to 0–1. Total
  aid is log-normal around a partner level.
* **Alignment.** ``unga_agree_all = a_i + b_t + effect * econ_share_{t-1} + e``
  with ``a_i`` uniform on 0.3–0.6, ``b_t`` a common random walk (sd 0.01) and
  ``e`` ~ N(0, ``noise``). So the two-way FE slope of agreement on last year's
  economic share is ``effect``; in the event study the effect is
  ``effect * shift`` from one year after onset (the treatment acts with a lag),
  and zero before it. ``unga_ideal_distance`` is ``2 * (1 - agreement)`` plus
  noise (so its effects are ``-2`` times those on agreement).
* **Everything else** (sanctions, MIDs, arms shares, Polity2, pacts, trade,
  Pew) is drawn independently of aid: their true effects are zero.

The first partner is labelled Pakistan (COW 770, ``PAK``) so that the peers
and the study run on it; its numbers are synthetic like every other partner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import InputError

__all__ = ["SyntheticPanel", "synthetic_panel"]


@dataclass(frozen=True)
class SyntheticPanel:
    """A synthetic ``dyad_year`` table and the truth that generated it.

    Attributes
    ----------
    panel:
        One row per partner-year, with the ``dyad_year`` columns the designs read.
    onsets:
        Broadening onset year by ``ccode`` (treated partners only).
    effect:
        True two-way FE slope of ``unga_agree_all`` on last year's economic share.
    shift:
        Rise in the economic share at onset.
    seed:
        The seed used.
    """

    panel: pd.DataFrame
    onsets: pd.Series
    effect: float
    shift: float
    seed: int

    @property
    def event_effect(self) -> float:
        """The true event-study effect on agreement from one year after onset."""
        return self.effect * self.shift

    def to_dict(self) -> dict[str, Any]:
        """The truth (not the data) as a JSON-ready dict."""
        return {
            "effect": self.effect,
            "shift": self.shift,
            "event_effect": self.event_effect,
            "treated": len(self.onsets),
            "partners": int(self.panel["ccode"].nunique()),
            "seed": self.seed,
        }


def synthetic_panel(
    n_partners: int = 80,
    years: tuple[int, int] = (1970, 2010),
    *,
    effect: float = 0.2,
    shift: float = 0.45,
    treated: float = 0.6,
    noise: float = 0.03,
    seed: int = 0,
) -> SyntheticPanel:
    """Draw a seeded panel with a planted broadening effect on UNGA agreement.

    Parameters
    ----------
    n_partners:
        Number of partners (at least 10).
    years:
        First and last year, inclusive (at least 12 years).
    effect:
        Slope of agreement (share, 0–1) on last year's economic share of aid.
    shift:
        Rise in the economic share at a partner's broadening onset.
    treated:
        Share of partners that have an onset (the rest are never treated).
    noise:
        Standard deviation of agreement's idiosyncratic noise.
    seed:
        Random seed; the same seed gives the same panel.
    """
    first, last = years
    if n_partners < 10:
        raise InputError("must be at least 10", field="n_partners", value=n_partners)
    if last - first < 11:
        raise InputError("must span at least 12 years", field="years", value=years)
    if not 0 <= treated <= 1:
        raise InputError("must be between 0 and 1", field="treated", value=treated)
    rng = np.random.default_rng(seed)
    year = np.arange(first, last + 1)
    n_years = len(year)
    ccode = np.array([770] + [100 + 5 * i for i in range(1, n_partners)])
    iso3 = ["PAK"] + [f"X{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(1, n_partners)]
    names = ["Pakistan (synthetic)"] + [f"Partner {i}" for i in range(1, n_partners)]

    has_onset = rng.random(n_partners) < treated
    onset = rng.integers(first + 5, last - 4, size=n_partners)
    post = has_onset[:, None] & (year[None, :] >= onset[:, None])

    base = rng.uniform(0.05, 0.35, n_partners)
    share = base[:, None] + rng.normal(0, 0.05, (n_partners, n_years)) + shift * post
    share = np.clip(share, 0.0, 1.0)
    level = rng.normal(np.log(200e6), 1.0, n_partners)
    total = np.exp(level[:, None] + rng.normal(0, 0.3, (n_partners, n_years)))
    dem_share = np.where(rng.random((n_partners, n_years)) < 0.3, 0.02, 0.0) * (share > 0.2)

    lagged_share = np.concatenate([share[:, :1], share[:, :-1]], axis=1)
    a = rng.uniform(0.3, 0.6, n_partners)
    b = np.cumsum(rng.normal(0, 0.01, n_years))
    agree = a[:, None] + b[None, :] + effect * lagged_share
    agree = agree + rng.normal(0, noise, (n_partners, n_years))
    agree[:, 0] = np.nan  # no lagged share in the first year
    distance = 2 * (1 - agree) + rng.normal(0, 0.05, (n_partners, n_years))

    regime = rng.normal(0, 5, n_partners)
    polity = np.clip(
        np.round(regime[:, None] + np.cumsum(rng.normal(0, 0.8, (n_partners, n_years)), axis=1)),
        -10,
        10,
    )
    rivalry = (rng.random(n_partners) < 0.3)[:, None] & np.ones(n_years, dtype=bool)
    pact = (rng.random(n_partners) < 0.25)[:, None] & np.ones(n_years, dtype=bool)
    china = rng.beta(1, 8, (n_partners, n_years))
    russia = rng.beta(1, 6, (n_partners, n_years))
    us_arms = np.clip(1 - china - russia - rng.beta(1, 4, (n_partners, n_years)), 0, 1)
    pew = np.where(year[None, :] >= 2002, rng.normal(55, 12, (n_partners, n_years)), np.nan)
    pew = np.where(rng.random(n_partners)[:, None] < 0.4, pew, np.nan)

    def flat(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=float).reshape(-1)

    econ = share * total
    dem = dem_share * total
    frame = pd.DataFrame(
        {
            "ccode": np.repeat(ccode, n_years),
            "iso3": np.repeat(iso3, n_years),
            "country": np.repeat(names, n_years),
            "year": np.tile(year, n_partners),
            "aid_econ": flat(econ),
            "aid_mil": flat(total - econ),
            "aid_dem": flat(dem),
            "aid_total": flat(total),
            "aid_total_source": "synthetic",
            "aid_econ_share": flat(share),
            "aid_mil_share": flat(1 - share),
            "aid_dem_share": flat(dem_share),
            "arms_tiv_total": flat(rng.gamma(2, 50, (n_partners, n_years))),
            "arms_share_us": flat(us_arms),
            "arms_share_russia": flat(russia),
            "arms_share_china": flat(china),
            "defense_pact": flat(pact),
            "alliance_any": flat(pact),
            "mid_onset": flat(rng.random((n_partners, n_years)) < 0.02),
            "sanction_imposed": flat(rng.random((n_partners, n_years)) < 0.03),
            "trade_us": flat(np.exp(rng.normal(6, 1.5, n_partners))[:, None] * np.ones(n_years)),
            "unga_agree_all": flat(agree),
            "unga_ideal_distance": flat(distance),
            "polity2": flat(polity),
            "v2x_polyarchy": flat((polity + 10) / 20),
            "rivalry": flat(rivalry),
            "pew_fav_us": flat(pew),
        }
    )
    frame["ccode"] = frame["ccode"].astype("int64")
    frame["year"] = frame["year"].astype("int64")
    onsets = pd.Series(onset[has_onset], index=ccode[has_onset], name="onset").sort_index()
    onsets.index.name = "ccode"
    return SyntheticPanel(frame, onsets, float(effect), float(shift), int(seed))
