"""The relationship claims: non-security ties are short-lived, the client has other
patrons, and a trust deficit persists.

Each class states one claim of ``seed/us-pakistan-partnership.txt`` in bilat's words,
cites the literature on its mechanism, computes one statistic with a bootstrap interval
and turns it into a verdict by the rule in its docstring.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bilat.claims.base import (
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    ClaimData,
    ClaimResult,
    Evidence,
    percentile_interval,
    ratio_bootstrap,
)
from bilat.claims.families._common import (
    COOPERATIVE,
    _ids,
    _penta,
    _share_verdict,
    _year_flags,
)

__all__ = [
    "NonSecurityShortLived",
    "OtherPatrons",
    "TrustDeficit",
]


class NonSecurityShortLived(Claim):
    """US non-security cooperation with Pakistan did not last.

    The article: "there have been eras when non-security cooperation was very
    strong" (the 2009 civilian aid package), yet Islamabad believes Washington
    "has hardly allowed bilateral cooperation to expand beyond security".

    A spell is a run of years with at least one patron cooperative event in a
    set of domains (gaps of one year are bridged). Statistic: the mean length
    of non-security spells divided by the mean length of security spells.
    Interval: spells resampled within each kind. Verdict: supported when the
    interval lies below 1; mixed when the ratio is below 1 but the interval
    covers 1; not supported when the ratio is at least 1; insufficient data with
    fewer than two spells of either kind.
    """

    claim_id: ClassVar[str] = "non_security_short_lived"
    title: ClassVar[str] = "Non-security cooperation did not last"
    article: ClassVar[str] = "Eras of strong non-security cooperation (KLB) were short."
    literature: ClassVar[tuple[str, ...]] = (
        "Epstein, S. B. & Kronstadt, K. A. (2013), Pakistan: U.S. Foreign Assistance, "
        "Congressional Research Service R41856",
        "Markey, D. (2013), No Exit from Pakistan, Cambridge University Press",
    )
    needs: ClassVar[tuple[str, ...]] = ("events",)

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "mean length of non-security / security cooperation spells (ratio)"
        us = data.directed(data.patron, data.client)
        coop = us[_penta(us).isin(COOPERATIVE).to_numpy()] if len(us) else us
        if len(coop) < 10:
            return self.insufficient(statistic, f"{len(coop)} cooperative events; need 10")
        sec_years = set(coop.loc[coop["domain"] == "security", "year"].astype(int))
        non_years = set(coop.loc[coop["domain"] != "security", "year"].astype(int))
        sec = np.array(_spells(sec_years), dtype=float)
        non = np.array(_spells(non_years), dtype=float)
        if len(sec) < 2 or len(non) < 2:
            return self.insufficient(
                statistic, f"{len(non)} non-security and {len(sec)} security spells; need 2 each"
            )
        value = float(non.mean() / sec.mean())
        rng = np.random.default_rng(self.seed)
        draws = non[rng.integers(0, len(non), (self.n_boot, len(non)))].mean(1) / sec[
            rng.integers(0, len(sec), (self.n_boot, len(sec)))
        ].mean(1)
        low, high = percentile_interval(draws, self.level)
        verdict = NOT_SUPPORTED if value >= 1 else SUPPORTED if high < 1 else MIXED
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("spell (within kind)"),
            verdict=verdict,
            reason=(
                f"non-security spells last {non.mean():.1f} years on average against "
                f"{sec.mean():.1f} for security; supported when the ratio's interval lies below 1"
            ),
            evidence=_ids(coop[coop["domain"] != "security"]),
            details={
                "non_security_spells": non.astype(int).tolist(),
                "security_spells": sec.astype(int).tolist(),
            },
        )


def _spells(years: set[int], bridge: int = 1) -> list[int]:
    """Lengths (in years, first to last inclusive) of runs, bridging gaps of ``bridge`` years."""
    if not years:
        return []
    ordered = sorted(years)
    out = []
    first = last = ordered[0]
    for y in ordered[1:]:
        if y - last <= bridge + 1:
            last = y
        else:
            out.append(last - first + 1)
            first = last = y
    out.append(last - first + 1)
    return out


class OtherPatrons(Claim):
    """Pakistan turns to other patrons after US cut-offs.

    The article: doubting American constancy, Pakistan "has looked for other
    sources and support". Snyder (1984, World Politics 36:4): hedging insures a
    client against abandonment; Morrow (1991, AJPS 35:4) on asymmetric
    alliances.

    A *turn* is a year with a cooperative event (penta 1-2) between the client
    and another patron (:attr:`others`: China, the Soviet Union, Russia, Saudi
    Arabia), or the first year of a milestone of a ``*china*`` support series.
    A *cut-off* is a year in which the number of US sanction programmes in force
    rises, or the patron cuts aid or imposes sanctions (CAMEO 162, 163) on the
    client. Statistic: the share of turns within three years after a cut-off,
    divided by the share of all years that lie in such windows (the share by
    chance). Interval: turns resampled. Verdict: supported when the interval
    lies above 1; mixed when the ratio is above 1 but the interval covers 1; not
    supported when it is at most 1; insufficient data with fewer than three
    turns or no cut-off.
    """

    claim_id: ClassVar[str] = "other_patrons"
    title: ClassVar[str] = "Pakistan turns to other patrons after US cut-offs"
    article: ClassVar[str] = "Pakistan has looked for other sources and support."
    literature: ClassVar[tuple[str, ...]] = (
        "Snyder, G. H. (1984), The security dilemma in alliance politics, World Politics 36:4",
        "Small, A. (2015), The China-Pakistan Axis: Asia's New Geopolitics, Hurst",
    )
    needs: ClassVar[tuple[str, ...]] = ("events", "series: sanctions", "series: china")
    others: ClassVar[tuple[str, ...]] = ("CHN", "SUN", "RUS", "SAU")
    window: ClassVar[int] = 3

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "turns to other patrons after US cut-offs / by chance (ratio)"
        turns: dict[int, str] = {}
        evidence: list[Evidence | str] = []
        e = data.events
        if not e.empty:
            pair = (
                (e["actor_country"] == data.client) & e["recipient_country"].isin(self.others)
            ) | ((e["recipient_country"] == data.client) & e["actor_country"].isin(self.others))
            coop = e[pair.to_numpy() & _penta(e).isin(COOPERATIVE).to_numpy()]
            for row in coop.to_dict("records"):
                turns.setdefault(pd.Timestamp(row["date"]).year, str(row["id"]))
            evidence += _ids(coop)
        support = data.find_series("china")
        if support is not None and "year" in support[1].columns:
            name, frame = support
            frame = frame.sort_values("year")
            for column in frame.columns:
                if column in ("year", "estimate"):
                    continue
                values = pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy()
                if not len(values) or not (values > 0).any():
                    continue
                first = int(frame["year"].to_numpy()[int(np.argmax(values > 0))])
                turns.setdefault(first, f"{name}:{column}")
                evidence.append(Evidence.row(name, first, column))
        cutoffs: set[int] = set()
        sanctions = _year_flags(data, "sanction", "n_in_force")
        found = data.find_series("sanction")
        if found is not None and "n_in_force" in found[1].columns:
            frame = found[1].sort_values("year")
            counts = pd.to_numeric(frame["n_in_force"], errors="coerce").fillna(0).to_numpy()
            rises = np.flatnonzero(np.diff(counts) > 0) + 1
            cutoffs |= {int(frame["year"].to_numpy()[i]) for i in rises}
        elif sanctions is not None:
            flags = sanctions[1].sort_index()
            starts = flags & ~flags.shift(1, fill_value=False)
            cutoffs |= {int(str(y)) for y in flags.index[starts.to_numpy()]}
        us = data.directed(data.patron, data.client)
        if not us.empty:
            cut = us["cameo"].astype(str).str.startswith(("162", "163"))
            cutoffs |= {int(y) for y in us.loc[cut.to_numpy(), "year"]}
        if len(turns) < 3 or not cutoffs:
            return self.insufficient(
                statistic, f"{len(turns)} turns to other patrons and {len(cutoffs)} US cut-offs"
            )
        years_with_data = [int(y) for y in e["date"].map(lambda d: pd.Timestamp(d).year)]
        span = range(min([*turns, *years_with_data]), max([*turns, *years_with_data]) + 1)
        covered = {y for c in cutoffs for y in range(c, c + self.window + 1)}
        chance = float(np.mean([y in covered for y in span]))
        hits = np.array([t in covered for t in sorted(turns)], dtype=float)
        value = float(hits.mean() / chance) if chance > 0 else float("nan")
        rng = np.random.default_rng(self.seed)
        draws = hits[rng.integers(0, len(hits), (self.n_boot, len(hits)))].mean(1) / chance
        low, high = percentile_interval(draws, self.level)
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("turn"),
            verdict=_share_verdict(value, low, 1.0),
            reason=(
                f"{int(hits.sum())} of {len(hits)} turns to other patrons came within "
                f"{self.window} years of a US cut-off, against {chance:.0%} of years by chance; "
                "supported when the ratio's interval lies above 1"
            ),
            evidence=evidence,
            details={
                "turn_years": sorted(turns),
                "cutoff_years": sorted(cutoffs),
                "share_by_chance": chance,
            },
        )


class TrustDeficit(Claim):
    """Relations rest on mutual distrust.

    The article: relations are "based on mutual distrust and manipulation" and
    end in "the overwhelming trust deficit". Kydd (2005, *Trust and Mistrust in
    International Relations*): trust is a belief about the other's type, eroded
    by signals of bad faith.

    Two proxies. Mutual suspicion: the share of decades (with events both ways)
    in which each side directed verbal conflict (penta 3: demands,
    disapproval, accusations, rejections, threats, reduced relations) at the
    other. Divergence: UN General Assembly voting agreement (a ``*unga*``
    series), whose mean over the last 30 years of data is compared with the
    first 30. Statistic: the mutual-suspicion share. Interval: decades
    resampled. Verdict: supported when the interval lies above one half and UN
    agreement fell; mixed when only one holds; not supported when neither does.
    """

    claim_id: ClassVar[str] = "trust_deficit"
    title: ClassVar[str] = "Relations rest on mutual distrust"
    article: ClassVar[str] = "Mutual distrust and manipulation; an overwhelming trust deficit."
    literature: ClassVar[tuple[str, ...]] = (
        "Kydd, A. H. (2005), Trust and Mistrust in International Relations, Princeton "
        "University Press",
        "Bailey, M. A., Strezhnev, A. & Voeten, E. (2017), Estimating dynamic state "
        "preferences from United Nations voting data, Journal of Conflict Resolution 61:2",
    )
    needs: ClassVar[tuple[str, ...]] = ("events", "series: unga")

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "share of decades with verbal conflict in both directions"
        us = data.directed(data.patron, data.client)
        pk = data.directed(data.client, data.patron)
        if us.empty or pk.empty:
            return self.insufficient(statistic, "needs events in both directions")
        decades = sorted(set((us["year"] // 10) * 10) & set((pk["year"] // 10) * 10))
        if len(decades) < 3:
            return self.insufficient(statistic, f"events both ways in {len(decades)} decade(s)")
        us_hot = us[_penta(us).to_numpy() == 3]
        pk_hot = pk[_penta(pk).to_numpy() == 3]
        hot_us = set((us_hot["year"] // 10) * 10)
        hot_pk = set((pk_hot["year"] // 10) * 10)
        mutual = np.array([d in hot_us and d in hot_pk for d in decades], dtype=float)
        value, (low, high) = ratio_bootstrap(
            mutual, np.ones_like(mutual), n_boot=self.n_boot, seed=self.seed, level=self.level
        )
        details: dict[str, Any] = {
            "decades": {int(d): bool(m) for d, m in zip(decades, mutual, strict=True)}
        }
        fell: bool | None = None
        unga = data.find_series("unga")
        if unga is not None and {"year", "agreement"} <= set(unga[1].columns):
            frame = unga[1].dropna(subset=["agreement"]).sort_values("year")
            if len(frame) >= 40:
                early = float(frame["agreement"].iloc[:30].mean())
                late = float(frame["agreement"].iloc[-30:].mean())
                fell = late < early
                details.update({"unga_agreement_first_30": early, "unga_agreement_last_30": late})
        suspicion = low > 0.5
        if fell is None:
            verdict = SUPPORTED if suspicion else MIXED if value > 0.5 else NOT_SUPPORTED
        else:
            verdict = (
                SUPPORTED if suspicion and fell else MIXED if suspicion or fell else NOT_SUPPORTED
            )
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("decade"),
            verdict=verdict,
            reason=(
                f"both sides voiced verbal conflict in {int(mutual.sum())} of {len(decades)} "
                "decades"
                + (
                    ""
                    if fell is None
                    else f"; UN voting agreement {'fell' if fell else 'did not fall'}"
                )
                + "; supported when the interval lies above one half and agreement fell"
            ),
            evidence=_ids(us_hot) + _ids(pk_hot),
            details=details,
        )
