"""Matched comparison partners for a focal US partner (e.g. USA:PAK).

Each partner is summarised over a window of years by five covariates — regime
(mean Polity2), rivalry (share of years in a Thompson–Dreyer strategic rivalry),
alliance (share of years with a US defence pact), aid level (mean log of
1 + total US aid in million 2020 US$) and the military share of that aid. The
covariates are standardised across the candidates (z-scores) and the nearest
neighbours of the focal partner, by Euclidean distance
(:class:`sklearn.neighbors.NearestNeighbors`), are its peers. Each peer comes
with the reason: its values beside the focal partner's, closest first.

Matching on these covariates makes the peers similar in what the US could see
when it chose their aid; it cannot make them similar in what it could not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import DataMissingError, InputError

__all__ = ["COVARIATES", "Peer", "PeersResult", "find_peers", "peer_trajectories"]

#: Covariate -> (label, unit) used to match.
COVARIATES: dict[str, tuple[str, str]] = {
    "regime": ("regime (mean Polity2)", "-10..10"),
    "rivalry": ("years in a strategic rivalry", "share"),
    "alliance": ("years with a US defence pact", "share"),
    "aid_level": ("aid level (mean log(1 + million 2020 US$))", "log"),
    "military_share": ("military share of aid", "share"),
}


def _number(panel: pd.DataFrame, column: str) -> pd.Series:
    if column not in panel:
        return pd.Series(np.nan, index=panel.index, dtype=float)
    return pd.to_numeric(panel[column], errors="coerce").astype(float)


def _profiles(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per partner (index ``ccode``): the covariates, iso3 and country."""
    frame = pd.DataFrame(
        {
            "ccode": panel["ccode"].astype(int).to_numpy(),
            "regime": _number(panel, "polity2").to_numpy(),
            "rivalry": _number(panel, "rivalry").to_numpy(),
            "alliance": _number(panel, "defense_pact").to_numpy(),
            "aid_level": np.log1p(_number(panel, "aid_total").clip(lower=0) / 1e6).to_numpy(),
            "military_share": _number(panel, "aid_mil_share").to_numpy(),
        }
    )
    means = frame.groupby("ccode").mean()
    names = panel.assign(ccode=panel["ccode"].astype(int)).groupby("ccode")[["iso3", "country"]]
    return means.join(names.first())


@dataclass(frozen=True)
class Peer:
    """One comparison partner and why it was chosen.

    Attributes
    ----------
    ccode, iso3, country:
        The partner.
    distance:
        Euclidean distance to the focal partner on the standardised covariates.
    values:
        The partner's covariates (raw units, see :data:`COVARIATES`).
    reason:
        Its covariates beside the focal partner's, closest first.
    """

    ccode: int
    iso3: str | None
    country: str
    distance: float
    values: dict[str, float]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The peer as a JSON-ready dict."""
        return {
            "ccode": self.ccode,
            "iso3": self.iso3,
            "country": self.country,
            "distance": self.distance,
            "values": dict(self.values),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PeersResult:
    """The peers of a focal partner over a window of years.

    Attributes
    ----------
    focal_ccode, focal_iso3, focal_country:
        The focal partner.
    focal_values:
        Its covariates.
    peers:
        The matched partners, nearest first.
    years:
        The window the covariates average over.
    n_candidates:
        Partners with every covariate observed in the window.
    n_excluded:
        Partners left out because a covariate was never observed in the window.
    """

    focal_ccode: int
    focal_iso3: str | None
    focal_country: str
    focal_values: dict[str, float]
    peers: tuple[Peer, ...]
    years: tuple[int, int]
    n_candidates: int
    n_excluded: int

    def summary(self) -> str:
        """A short human summary: one line per peer."""
        lines = [
            f"Peers of {self.focal_country} ({self.focal_iso3}), {self.years[0]}–{self.years[1]}, "
            f"from {self.n_candidates} partners ({self.n_excluded} without every covariate):"
        ]
        lines += [
            f"  {p.country} ({p.iso3}), distance {p.distance:.2f}: {p.reason}" for p in self.peers
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "focal": {
                "ccode": self.focal_ccode,
                "iso3": self.focal_iso3,
                "country": self.focal_country,
                "values": dict(self.focal_values),
            },
            "years": list(self.years),
            "covariates": {k: {"label": v[0], "unit": v[1]} for k, v in COVARIATES.items()},
            "n_candidates": self.n_candidates,
            "n_excluded": self.n_excluded,
            "peers": [p.to_dict() for p in self.peers],
        }


def _resolve(profiles: pd.DataFrame, focal: str | int) -> int:
    """The ccode of ``focal``: ``USA:PAK``, ``PAK``, a COW code or a country name."""
    text = str(focal).strip()
    if ":" in text:
        us, _, text = text.partition(":")
        if us.upper() != "USA":
            raise InputError(
                "the panel holds US partnerships: the dyad must start with USA",
                field="dyad",
                value=str(focal),
            )
    if text.isdigit() and int(text) in profiles.index:
        return int(text)
    for column in ("iso3", "country"):
        hits = profiles.index[profiles[column].astype(str).str.upper() == text.upper()]
        if len(hits):
            return int(hits[0])
    raise InputError(
        "is not a partner in the panel (give USA:ISO3, ISO3, a COW code or a country name)",
        field="dyad",
        value=str(focal),
    )


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _reason(values: pd.Series, focal: pd.Series, scaled_gap: pd.Series) -> str:
    parts = []
    for name in scaled_gap.sort_values().index:
        label = COVARIATES[name][0]
        parts.append(f"{label} {values[name]:.2f} vs {focal[name]:.2f}")
    return "; ".join(parts)


def find_peers(
    panel: pd.DataFrame,
    focal: str | int = "USA:PAK",
    *,
    k: int = 5,
    years: tuple[int, int] | None = None,
) -> PeersResult:
    """The ``k`` partners most like ``focal`` in regime, rivalry, alliance and aid.

    Parameters
    ----------
    panel:
        The ``dyad_year`` table.
    focal:
        ``USA:ISO3``, an ISO3 code, a COW code or a country name.
    k:
        Number of peers (1 or more).
    years:
        First and last year of the window (default: every year in the panel).

    Raises
    ------
    InputError
        For an unknown partner, a bad ``k`` or an empty window.
    DataMissingError
        When the focal partner lacks a covariate in the window, or fewer than
        ``k`` candidates have them all.
    """
    from sklearn.neighbors import NearestNeighbors

    if k < 1:
        raise InputError("must be at least 1", field="k", value=k)
    first = int(panel["year"].min()) if years is None else int(years[0])
    last = int(panel["year"].max()) if years is None else int(years[1])
    window = panel[(panel["year"] >= first) & (panel["year"] <= last)]
    if window.empty:
        raise InputError("holds no panel years", field="years", value=(first, last))
    profiles = _profiles(window)
    code = _resolve(profiles, focal)
    covariates = list(COVARIATES)
    focal_row = profiles.loc[code]
    missing = [c for c in covariates if not np.isfinite(focal_row[c])]
    if missing:
        raise DataMissingError(
            f"{focal_row['country']} has no {', '.join(missing)} in {first}–{last}: "
            "cannot match peers on it"
        )
    complete = profiles.dropna(subset=covariates)
    candidates = complete.drop(index=code, errors="ignore")
    if len(candidates) < k:
        raise DataMissingError(
            f"only {len(candidates)} partners have every covariate in {first}–{last} (need {k})"
        )
    values = complete[covariates]
    spread = values.std(ddof=0).replace(0, 1.0)
    scaled = (values - values.mean()) / spread
    model = NearestNeighbors(n_neighbors=k).fit(scaled.loc[candidates.index].to_numpy())
    distances, rows = model.kneighbors(scaled.loc[[code]].to_numpy())
    raw = values.to_dict("index")
    z = scaled.to_dict("index")
    peers = []
    for distance, row in zip(distances[0], rows[0], strict=True):
        ccode = int(candidates.index[row])
        gap = pd.Series({c: abs(z[ccode][c] - z[code][c]) for c in covariates})
        peers.append(
            Peer(
                ccode=ccode,
                iso3=_text(candidates.at[ccode, "iso3"]),
                country=str(candidates.at[ccode, "country"]),
                distance=float(distance),
                values={c: float(raw[ccode][c]) for c in covariates},
                reason=_reason(pd.Series(raw[ccode]), pd.Series(raw[code]), gap),
            )
        )
    return PeersResult(
        focal_ccode=code,
        focal_iso3=_text(focal_row["iso3"]),
        focal_country=str(focal_row["country"]),
        focal_values={c: float(raw[code][c]) for c in covariates},
        peers=tuple(peers),
        years=(first, last),
        n_candidates=len(candidates),
        n_excluded=len(profiles) - len(complete),
    )


def peer_trajectories(panel: pd.DataFrame, peers: PeersResult, outcome: str) -> pd.DataFrame:
    """Yearly values of an outcome for the focal partner and its peers.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``ccode``, ``country``, ``focal`` (bool) and ``value``.
    """
    from bilat.panel.treatments import get_outcome

    codes = [peers.focal_ccode, *(p.ccode for p in peers.peers)]
    rows = panel[panel["ccode"].astype(int).isin(codes)]
    rows = rows[(rows["year"] >= peers.years[0]) & (rows["year"] <= peers.years[1])]
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int).to_numpy(),
            "ccode": rows["ccode"].astype(int).to_numpy(),
            "country": rows["country"].astype(str).to_numpy(),
            "value": get_outcome(outcome).compute(rows).to_numpy(),
        }
    )
    frame["focal"] = frame["ccode"] == peers.focal_ccode
    return frame.sort_values(["focal", "ccode", "year"], ascending=[False, True, True]).reset_index(
        drop=True
    )
