"""The security claims: security dominates, coercion is regular, allied and sanctioned,
selective cooperation.

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
    ratio_bootstrap,
)
from bilat.claims.families._common import (
    COOPERATIVE,
    _ids,
    _numeric,
    _penta,
    _per_year,
    _share_verdict,
    _year_flags,
)
from bilat.measure.series import COERCION_PREFIXES

__all__ = [
    "AlliedAndSanctioned",
    "CoercionIsRegular",
    "SecurityDominates",
    "SelectiveCooperation",
]


class SecurityDominates(Claim):
    """US cooperation with Pakistan is dominated by security.

    The article: Washington "has hardly allowed bilateral cooperation to expand
    beyond security" and sees Pakistan "only viable for security purposes".

    Statistic: the security share of the patron's cooperative events toward
    the client (penta classes 1-2). Interval: years resampled. Verdict:
    supported when the interval lies above one half; mixed when the share is
    above one half but the interval is not; not supported otherwise. The share
    of military aid (and Coalition Support Funds) in US aid is reported beside
    it when the data have an aid series.
    """

    claim_id: ClassVar[str] = "security_only"
    title: ClassVar[str] = "US cooperation is dominated by security"
    article: ClassVar[str] = "Washington sees Pakistan through the prism of security alone."
    literature: ClassVar[tuple[str, ...]] = (
        "Kronstadt, K. A., Pakistan-U.S. Relations, Congressional Research Service reports",
        "Markey, D. (2013), No Exit from Pakistan, Cambridge University Press",
    )
    needs: ClassVar[tuple[str, ...]] = ("events",)

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "security share of US cooperative events toward Pakistan"
        us = data.directed(data.patron, data.client)
        coop = us[_penta(us).isin(COOPERATIVE)] if not us.empty else us
        if len(coop) < 10:
            return self.insufficient(statistic, f"{len(coop)} cooperative events; need 10")
        per = _per_year(coop, coop["domain"] == "security")
        value, (low, high) = ratio_bootstrap(
            per["hits"].to_numpy(), per["all"].to_numpy(),
            n_boot=self.n_boot, seed=self.seed, level=self.level,
        )  # fmt: skip
        shares = coop["domain"].value_counts(normalize=True).round(4).to_dict()
        details: dict[str, Any] = {"cooperative_events": len(coop), "domain_shares": shares}
        for name, frame in data.series.items():
            if "aid" not in name.lower() or "year" not in frame.columns:
                continue
            military = _numeric(frame, "military")
            economic = _numeric(frame, "economic")
            if military is None or economic is None or military.notna().sum() < 5:
                continue
            sec = military.fillna(0).sum()
            total = sec + economic.fillna(0).sum()
            if total > 0:
                details[f"aid_security_share_{name}"] = float(sec / total)
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("year"),
            verdict=_share_verdict(value, low, 0.5),
            reason=(
                f"{value:.0%} of {len(coop)} US cooperative events toward Pakistan are in "
                "security; supported when the interval lies above one half"
            ),
            evidence=_ids(coop),
            details=details,
        )


class CoercionIsRegular(Claim):
    """Coercion is a regular US instrument toward Pakistan.

    The article: "the U.S. has regularly used threats of various kinds, ranging
    from military to economic" (the 2001 "stone age" threat; sanctions through
    the 1990s). Coercive events are those with CAMEO codes starting 13
    (threaten), 162 (reduce or stop aid), 163 (sanctions, embargo) or 17
    (coerce).

    Statistic: the share of decades with patron events toward the client in
    which the patron also coerced it at least once. Interval: decades
    resampled. Verdict: supported when the interval lies above one half (a
    regular instrument, not a one-off); mixed when the share is above one half
    but the interval is not; not supported otherwise.
    """

    claim_id: ClassVar[str] = "coercion"
    title: ClassVar[str] = "Coercion is a regular US instrument"
    article: ClassVar[str] = "The US regularly used threats, from military to economic."
    literature: ClassVar[tuple[str, ...]] = (
        "Schelling, T. C. (1966), Arms and Influence, Yale University Press",
        "Drezner, D. W. (1999), The Sanctions Paradox, Cambridge University Press",
        "Musharraf, P. (2006), In the Line of Fire (the 2001 threat)",
    )
    needs: ClassVar[tuple[str, ...]] = ("events",)

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "share of decades in which the US coerced Pakistan"
        us = data.directed(data.patron, data.client)
        if len(us) < 10:
            return self.insufficient(statistic, f"{len(us)} US events toward Pakistan; need 10")
        codes = us["cameo"].astype(str)
        coercive = codes.map(lambda c: c.startswith(COERCION_PREFIXES))
        decade = (us["year"] // 10) * 10
        per = (
            pd.DataFrame({"decade": decade.to_numpy(), "hit": coercive.to_numpy()})
            .groupby("decade")["hit"]
            .any()
        )
        if len(per) < 3:
            return self.insufficient(statistic, f"events span {len(per)} decade(s); need 3")
        value, (low, high) = ratio_bootstrap(
            per.to_numpy(dtype=float), np.ones(len(per)),
            n_boot=self.n_boot, seed=self.seed, level=self.level,
        )  # fmt: skip
        share_per_year = _per_year(us, coercive)
        share, share_ci = ratio_bootstrap(
            share_per_year["hits"].to_numpy(), share_per_year["all"].to_numpy(),
            n_boot=self.n_boot, seed=self.seed, level=self.level,
        )  # fmt: skip
        kinds = {
            "threats (13)": int(codes.str.startswith("13").sum()),
            "aid cuts (162)": int(codes.str.startswith("162").sum()),
            "sanctions (163)": int(codes.str.startswith("163").sum()),
            "coercion (17)": int(codes.str.startswith("17").sum()),
        }
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("decade"),
            verdict=_share_verdict(value, low, 0.5),
            reason=(
                f"the US coerced Pakistan in {int(per.sum())} of {len(per)} decades with US "
                "events; supported when the interval lies above one half"
            ),
            evidence=_ids(us[coercive.to_numpy()]),
            details={
                "decades": {int(str(k)): bool(v) for k, v in per.items()},
                "coercive_events": int(coercive.sum()),
                "coercion_share_of_us_events": share,
                "coercion_share_interval": list(share_ci),
                "by_kind": kinds,
            },
        )


class AlliedAndSanctioned(Claim):
    """Pakistan is at once an ally of the US and one of its most sanctioned partners.

    The article: Pakistan was called both the "most allied ally" and the
    "most sanctioned ally"; it "remained buried under the U.S. imposed
    sanctions" through most of the 1990s. ATOP codes a US-Pakistan defence and
    consultation pledge in every year 1954-2018; TIES lists US sanctions cases
    starting 1965, 1974, 1977, 1996, 1998, 1999 and 2003 (see ANCHORS.md).

    Statistic: the share of formally allied years in which US sanctions were in
    force. Interval: decades resampled. Verdict: supported when sanctions were
    in force in at least a quarter of allied years (interval above 0.25);
    mixed when the share is above 0.25 but the interval is not, or when allied
    and sanctioned years overlap at all but less; not supported when they never
    overlap. Whether Pakistan is *among the most* sanctioned partners needs other
    dyads and is not tested here (reported as such).
    """

    claim_id: ClassVar[str] = "allied_sanctioned"
    title: ClassVar[str] = "Pakistan is at once an ally and among the most sanctioned partners"
    article: ClassVar[str] = "'Most allied ally' and 'most sanctioned ally' at different times."
    literature: ClassVar[tuple[str, ...]] = (
        "Leeds, B. A. et al. (2002), Alliance Treaty Obligations and Provisions, "
        "International Interactions 28",
        "Morgan, T. C., Bapat, N. & Kobayashi, Y. (2014), Threat and Imposition of Economic "
        "Sanctions 1945-2005 (TIES), Conflict Management and Peace Science 31:5",
        "Kux, D. (2001), The United States and Pakistan, 1947-2000: Disenchanted Allies",
    )
    needs: ClassVar[tuple[str, ...]] = ("series: alliance", "series: sanctions")

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "share of allied years with US sanctions in force"
        ally = _year_flags(data, "allian") or _year_flags(data, "ally")
        sanctions = _year_flags(data, "sanction", "n_in_force") or _year_flags(data, "sanction")
        if ally is None or sanctions is None:
            return self.insufficient(statistic, "needs an alliance series and a sanctions series")
        ally_name, allied = ally
        sanc_name, sanctioned = sanctions
        years = sorted(set(allied.index) & set(sanctioned.index))
        allied_years = [y for y in years if allied.loc[y]]
        if len(allied_years) < 10:
            return self.insufficient(statistic, f"{len(allied_years)} allied years; need 10")
        flags = pd.DataFrame(
            {"year": allied_years, "hit": [bool(sanctioned.loc[y]) for y in allied_years]}
        )
        flags["decade"] = (flags["year"] // 10) * 10
        per = flags.groupby("decade").agg(hits=("hit", "sum"), all=("hit", "size"))
        value, (low, high) = ratio_bootstrap(
            per["hits"].to_numpy(dtype=float), per["all"].to_numpy(dtype=float),
            n_boot=self.n_boot, seed=self.seed, level=self.level,
        )  # fmt: skip
        both = [int(y) for y, h in zip(flags["year"], flags["hit"], strict=True) if h]
        if not both:
            verdict = NOT_SUPPORTED
        elif value > 0.25 and low > 0.25:
            verdict = SUPPORTED
        else:
            verdict = MIXED
        episodes = int(sum(1 for i, y in enumerate(both) if i == 0 or y != both[i - 1] + 1))
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("decade"),
            verdict=verdict,
            reason=(
                f"US sanctions were in force in {len(both)} of {len(allied_years)} allied years "
                f"({episodes} spell(s)); supported when the interval lies above one quarter. "
                "The ranking against other US partners is not tested (one dyad only)."
            ),
            evidence=[Evidence.row(sanc_name, y) for y in both]
            + [Evidence.row(ally_name, y) for y in both],
            details={
                "allied_years": len(allied_years),
                "allied_and_sanctioned_years": both,
                "sanction_spells_while_allied": episodes,
                "most_sanctioned_ranking": "not tested: needs sanctions of other US partners",
            },
        )


class SelectiveCooperation(Claim):
    """Pakistan cooperates with the US selectively on security.

    The article: Musharraf handed "a number of Al-Qaida militants to the U.S."
    while "comfortably resisting action against various other Islamist
    groups"; Gates called the contacts "a strategic hedge". Byman & Kreps
    (2010) and Salehyan (2010, JCR 54:3) on states' delegation to militants;
    Bapat (2011, JPR 48:3) on the moral hazard of aid to a host.

    Statistic: the cooperative share of the client's security events toward the
    patron. Selective cooperation means neither compliance nor defiance: the
    share lies between 0.2 and 0.8. Interval: years resampled. Verdict:
    supported when the whole interval lies in [0.2, 0.8]; not supported when the
    share lies outside it; mixed otherwise.
    """

    claim_id: ClassVar[str] = "selective_cooperation"
    title: ClassVar[str] = "Pakistan cooperates selectively"
    article: ClassVar[str] = "Pakistan handed over some militants while sparing other groups."
    literature: ClassVar[tuple[str, ...]] = (
        "Byman, D. & Kreps, S. E. (2010), Agents of destruction? Applying principal-agent "
        "analysis to state-sponsored terrorism, International Studies Perspectives 11:1",
        "Salehyan, I. (2010), The delegation of war to rebel organizations, Journal of "
        "Conflict Resolution 54:3",
        "Bapat, N. A. (2011), Transnational terrorism, US military aid, and the incentive to "
        "misrepresent, Journal of Peace Research 48:3",
    )
    needs: ClassVar[tuple[str, ...]] = ("events",)

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "cooperative share of Pakistan's security events toward the US"
        pk = data.directed(data.client, data.patron)
        if pk.empty:
            return self.insufficient(statistic, "no events of Pakistan toward the US")
        penta = _penta(pk)
        sec = pk[(pk["domain"] == "security") & penta.isin((1, 2, 3, 4)).to_numpy()]
        if len(sec) < 8:
            return self.insufficient(statistic, f"{len(sec)} security events; need 8")
        per = _per_year(sec, _penta(sec).isin(COOPERATIVE))
        value, (low, high) = ratio_bootstrap(
            per["hits"].to_numpy(), per["all"].to_numpy(),
            n_boot=self.n_boot, seed=self.seed, level=self.level,
        )  # fmt: skip
        if not 0.2 <= value <= 0.8:
            verdict = NOT_SUPPORTED
        elif low >= 0.2 and high <= 0.8:
            verdict = SUPPORTED
        else:
            verdict = MIXED
        both = int(((per["hits"] > 0) & (per["hits"] < per["all"])).sum())
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("year"),
            verdict=verdict,
            reason=(
                f"{value:.0%} of Pakistan's {len(sec)} security events toward the US are "
                "cooperative; selective means between 20 % and 80 %, interval included"
            ),
            evidence=_ids(sec),
            details={"security_events": len(sec), "years_with_both": both},
        )
