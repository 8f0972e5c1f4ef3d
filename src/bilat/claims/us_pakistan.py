"""The article's claims about the US-Pakistan partnership, as testable hypotheses.

Each class states one claim of ``seed/us-pakistan-partnership.txt`` in bilat's
words, cites the literature on its mechanism, computes one statistic with a
bootstrap interval on a :class:`~bilat.claims.ClaimData`, and turns it into a
verdict by a decision rule written in its docstring. The patron is
``data.patron`` (the US), the client ``data.client`` (Pakistan), so every claim
also runs on any other patron-client pair.

A caution that applies to all of them: on the built-in record, events are a
curated chronology, not a census, so an event share is the share *in the
record*; run the same claims on a store of GDELT or ICEWS events
(:meth:`~bilat.claims.ClaimData.from_store`) to test them on machine-coded data.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bilat.claims.base import (
    INSUFFICIENT,
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    ClaimData,
    ClaimResult,
    percentile_interval,
    ratio_bootstrap,
)
from bilat.measure.series import COERCION_PREFIXES

__all__ = [
    "AID_SOURCES",
    "AidUnderMilitaryRule",
    "AlliedAndSanctioned",
    "CoercionIsRegular",
    "ConditionalAidResisted",
    "NonSecurityShortLived",
    "OtherPatrons",
    "SecurityDominates",
    "SelectiveCooperation",
    "SurgesAndAbruptExits",
    "TrustDeficit",
    "aid_series",
    "military_years",
]

COOPERATIVE = (1, 2)
CONFLICTUAL = (3, 4)


def _penta(events: pd.DataFrame) -> pd.Series:
    """Penta class of each event (from the column, else from the CAMEO root)."""
    if "penta" in events.columns and not events["penta"].isna().any():
        return events["penta"].astype(int)
    roots = events["cameo"].astype(str).str[:2].astype(int)
    return roots.map(
        lambda r: 0 if r <= 2 else 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 13 or r == 16 else 4
    )


def _ids(events: pd.DataFrame) -> list[str]:
    return [str(i) for i in events["id"]]


def _per_year(events: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """Per-year totals: ``hits`` (events where ``mask``) and ``all``."""
    frame = pd.DataFrame({"year": events["year"].to_numpy(), "hit": mask.to_numpy(dtype=float)})
    return frame.groupby("year").agg(hits=("hit", "sum"), all=("hit", "size"))


def _share_verdict(value: float, low: float, threshold: float) -> str:
    if not np.isfinite(value):
        return INSUFFICIENT
    if value <= threshold:
        return NOT_SUPPORTED
    return SUPPORTED if low > threshold else MIXED


def _numeric(frame: pd.DataFrame, *keywords: str) -> pd.Series | None:
    """The first numeric column whose name contains every keyword, indexed by year."""
    for column in frame.columns:
        low = str(column).lower()
        if column == "year" or not all(k in low for k in keywords):
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().any():
            return pd.Series(values.to_numpy(dtype=float), index=frame["year"].astype(int))
    return None


#: Aid series of the built-in record, best first: (series, value columns summed).
AID_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aid_accounts", ("total_constant_2020_usd",)),
    ("aid_obligations", ("obligations_constant_2020_usd",)),
    ("aid_greenbook", ("economic_usd", "military_dod_usd")),
)


def aid_series(data: ClaimData) -> list[tuple[str, pd.Series]]:
    """Total US aid per year from every aid source the data hold, best first.

    The record's sources are :data:`AID_SOURCES`; other data may give any
    series named like ``*aid*`` with a ``total`` (constant dollars preferred)
    or ``economic`` and ``military`` columns. Years without a figure are left
    out.
    """
    out: list[tuple[str, pd.Series]] = []
    for name, columns in AID_SOURCES:
        frame = data.series.get(name)
        if frame is None or "year" not in frame.columns:
            continue
        present = [c for c in columns if c in frame.columns]
        if not present:
            continue
        values = frame[present].apply(pd.to_numeric, errors="coerce")
        known = values.notna().any(axis=1).to_numpy()
        total = values.fillna(0.0).sum(axis=1).to_numpy()[known]
        out.append((name, pd.Series(total, index=frame["year"].astype(int).to_numpy()[known])))
    if out:
        return out
    for name, frame in data.series.items():
        if "aid" not in name.lower() or "year" not in frame.columns:
            continue
        for keys in (("total", "constant"), ("total",), ("constant",), ("value",)):
            column = _numeric(frame, *keys)
            if column is not None:
                out.append((name, column.dropna()))
                break
        else:
            parts = [
                p for p in (_numeric(frame, k) for k in ("economic", "military")) if p is not None
            ]
            if parts:
                known = pd.concat(parts, axis=1).notna().any(axis=1)
                total = pd.concat(parts, axis=1).fillna(0.0).sum(axis=1)[known]
                out.append((name, total))
    return out


class AidUnderMilitaryRule(Claim):
    """US aid to Pakistan was higher under military rule than under civilian rule.

    The article: military regimes "were publicly endorsed, supported and
    showered with millions of dollars in aids", while civilian governments of the
    1990s lived under sanctions. Murad Ali (2009) and Zaidi (2011) document the
    pattern; Bueno de Mesquita & Smith (2007, JCR 51:2) explain why a patron
    buys policy more cheaply from a small-coalition (military) regime.

    Statistic: mean annual aid in military-rule years divided by mean annual
    aid in civilian-rule years, for each aid source (the record has the
    Greenbook's economic and military obligations FY1948-2020 with the Foreign
    Aid Explorer's totals after, in constant 2020 dollars; USAID obligations
    1978-2017; and the older Lander Greenbook series 1946-2010). Interval:
    regime episodes (runs of years under one kind of ruler) are resampled
    within each kind. Verdict, per source: supported when
    the interval lies above 1; mixed when the ratio is above 1 but the
    interval covers 1; not supported when the ratio is at most 1. Sources that
    disagree give mixed; the first source gives the reported figure.
    Insufficient data without aid and regime series, or with fewer than two
    episodes of either kind.
    """

    claim_id: ClassVar[str] = "aid_military_rule"
    title: ClassVar[str] = "US aid is higher under military rule"
    article: ClassVar[str] = "Military regimes were showered with US aid; civilian ones sanctioned."
    literature: ClassVar[tuple[str, ...]] = (
        "Murad Ali (2009), US aid to Pakistan and democracy, Policy Perspectives",
        "Zaidi, S. A. (2011), Who benefits from US aid to Pakistan?, Carnegie Endowment",
        "Bueno de Mesquita, B. & Smith, A. (2007), Foreign aid and policy concessions, "
        "Journal of Conflict Resolution 51:2",
    )
    needs: ClassVar[tuple[str, ...]] = ("series: aid", "series: regime")

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "mean annual aid under military rule / under civilian rule (ratio)"
        sources = aid_series(data)
        regime = military_years(data)
        if not sources or regime is None:
            return self.insufficient(statistic, "needs an annual aid series and a regime series")
        regime_name, military = regime
        found: list[dict[str, Any]] = []
        problems: list[str] = []
        for aid_name, values in sources:
            one = self._one_source(values, military)
            if isinstance(one, str):
                problems.append(f"{aid_name}: {one}")
            else:
                found.append({"source": aid_name, **one})
        if not found:
            return self.insufficient(statistic, "; ".join(problems))
        verdicts = {f["verdict"] for f in found}
        verdict = verdicts.pop() if len(verdicts) == 1 else MIXED
        first = found[0]
        summary = "; ".join(
            f"{f['source']} {f['years'][0]}-{f['years'][1]}: {f['value']:.2f} "
            f"[{f['interval'][0]:.2f}, {f['interval'][1]:.2f}] ({f['verdict']})"
            for f in found
        )
        evidence = [f"{f['source']}:{y}" for f in found for y in f.pop("year_list")]
        return self.result(
            statistic=statistic,
            value=first["value"],
            interval=(float(first["interval"][0]), float(first["interval"][1])),
            interval_kind=self._interval_kind("regime episode (within kind)"),
            verdict=verdict,
            reason=(
                f"aid per military-rule year over aid per civilian-rule year: {summary}; "
                "supported when the interval lies above 1 in every source"
            ),
            evidence=evidence + [f"{regime_name}:{y}" for y in sorted(military.index)],
            details={"regime_series": regime_name, "sources": found, "skipped": problems},
        )

    def _one_source(self, aid: pd.Series, military: pd.Series) -> dict[str, Any] | str:
        years = sorted(set(aid.index) & set(military.index))
        if len(years) < 10:
            return f"only {len(years)} years have both aid and regime"
        frame = pd.DataFrame(
            {"aid": aid.groupby(level=0).sum().reindex(years).to_numpy(dtype=float)},
            index=years,
        )
        frame["military"] = military.groupby(level=0).first().reindex(years).astype(bool)
        gap = pd.Series(years, index=years).diff().fillna(1) != 1
        frame["episode"] = (frame["military"].ne(frame["military"].shift()) | gap).cumsum()
        episodes = frame.groupby("episode").agg(
            military=("military", "first"), total=("aid", "sum"), years=("aid", "size")
        )
        mil = episodes[episodes["military"]]
        civ = episodes[~episodes["military"]]
        if len(mil) < 2 or len(civ) < 2:
            return f"{len(mil)} military and {len(civ)} civilian episodes; each needs 2"
        m_mean = mil["total"].sum() / mil["years"].sum()
        c_mean = civ["total"].sum() / civ["years"].sum()
        if c_mean <= 0:
            return "no aid in civilian years"
        value = float(m_mean / c_mean)
        rng = np.random.default_rng(self.seed)
        im = rng.integers(0, len(mil), (self.n_boot, len(mil)))
        ic = rng.integers(0, len(civ), (self.n_boot, len(civ)))
        m_draw = mil["total"].to_numpy()[im].sum(1) / mil["years"].to_numpy()[im].sum(1)
        c_draw = civ["total"].to_numpy()[ic].sum(1) / civ["years"].to_numpy()[ic].sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = m_draw / c_draw
        draws = draws[np.isfinite(draws)]
        low, high = percentile_interval(draws, self.level)
        return {
            "value": value,
            "interval": [low, high],
            "verdict": _share_verdict(value, low, 1.0),
            "years": [int(years[0]), int(years[-1])],
            "military_episodes": len(mil),
            "civilian_episodes": len(civ),
            "military_years": int(mil["years"].sum()),
            "civilian_years": int(civ["years"].sum()),
            "mean_aid_military": float(m_mean),
            "mean_aid_civilian": float(c_mean),
            "year_list": [int(y) for y in years],
        }


def military_years(data: ClaimData) -> tuple[str, pd.Series] | None:
    """Whether each year was under military rule (bool, indexed by year).

    Looks for a series named like ``*regime*`` with a ``ruler_type`` column (or
    any text column whose values say "military" and "civilian"), or a 0/1
    column named like ``military``.
    """
    found = data.find_series("regime")
    if found is None:
        return None
    name, frame = found
    if "year" not in frame.columns:
        return None
    columns = sorted(frame.columns, key=lambda c: 0 if "type" in str(c).lower() else 1)
    for column in columns:
        if column in ("year", "source", "estimate", "citation", "note"):
            continue
        text = frame[column].astype(str).str.lower()
        if text.str.fullmatch("military|civilian").mean() > 0.5:
            return name, pd.Series(
                (text == "military").to_numpy(), index=frame["year"].astype(int).to_numpy()
            )
    for column in columns:
        if "military" in str(column).lower():
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if numbers.notna().any():
                return name, pd.Series(
                    numbers.fillna(0).astype(bool).to_numpy(),
                    index=frame["year"].astype(int).to_numpy(),
                )
    return None


def _segments(values: np.ndarray) -> list[tuple[int, int]]:
    """Segments ``[start, end)`` of a series' log level (ruptures PELT, L2, BIC penalty)."""
    import ruptures as rpt

    z = np.log1p(np.maximum(values, 0.0) / max(float(np.median(values[values > 0])), 1e-12)
                 if (values > 0).any() else values)  # fmt: skip
    sd = z.std()
    if len(z) < 4 or sd == 0:
        return [(0, len(z))]
    z = (z - z.mean()) / sd
    ends = rpt.Pelt(model="l2", min_size=2, jump=1).fit(z[:, None]).predict(pen=np.log(len(z)))
    starts = [0, *ends[:-1]]
    return list(zip(starts, ends, strict=True))


class SurgesAndAbruptExits(Claim):
    """US engagement with Pakistan comes in surges that end in abrupt exits.

    The article: "multiple phases of intense bilateral engagement and
    disengagement"; engagement that "surged" after 1979 "abruptly vanished".
    Morrow (1991, AJPS 35:4) predicts that asymmetric alliances break when the
    patron's need shifts; Snyder (1984, World Politics 36:4) names the client's
    resulting fear of abandonment.

    Each engagement measure (every aid source, and the patron's events toward
    the client per year) is cut into segments of its log level by change-point
    detection (ruptures PELT, BIC penalty). A surge is a segment whose mean
    lies above the measure's median year; its exit is the drop into the next,
    lower segment. An exit is abrupt when the level at least halves (next
    segment mean <= half the surge mean) and at least half of that fall (in
    logs) happens in the single year of the break. Exits found by several
    measures within two years count once. Statistic: the share of exits that
    are abrupt. Interval: exits resampled. Verdict: supported when there are at
    least two exits, more than half abrupt and the interval above one half;
    mixed when the share is above one half but the interval is not; not
    supported when at most half are abrupt; insufficient data with fewer than
    two exits.
    """

    claim_id: ClassVar[str] = "surge_exit"
    title: ClassVar[str] = "US engagement comes in surges followed by abrupt exits"
    article: ClassVar[str] = (
        "Engagement surged (after 1979, after 2001) and then abruptly vanished."
    )
    literature: ClassVar[tuple[str, ...]] = (
        "Morrow, J. D. (1991), Alliances and asymmetry, American Journal of Political Science 35:4",
        "Snyder, G. H. (1984), The security dilemma in alliance politics, World Politics 36:4",
        "Kux, D. (2001), The United States and Pakistan, 1947-2000: Disenchanted Allies",
    )
    needs: ClassVar[tuple[str, ...]] = ("series: aid", "events")

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "share of surge exits that are abrupt (level halves, mostly in one year)"
        measures: list[tuple[str, pd.Series]] = [
            (n, s.groupby(level=0).sum().sort_index()) for n, s in aid_series(data)
        ]
        us = data.directed(data.patron, data.client)
        if not us.empty:
            counts = us.groupby("year").size()
            full = range(int(counts.index.min()), int(counts.index.max()) + 1)
            measures.append(("events", counts.reindex(full, fill_value=0).astype(float)))
        measures = [(n, s) for n, s in measures if len(s) >= 10]
        if not measures:
            return self.insufficient(statistic, "needs an aid series or patron events (10 years)")
        exits: list[dict[str, Any]] = []
        for name, measure in measures:
            values = measure.to_numpy(dtype=float)
            years = measure.index.to_numpy()
            median = float(np.median(values))
            segs = _segments(values)
            for (s0, e0), (s1, e1) in itertools.pairwise(segs):
                before, after = values[s0:e0].mean(), values[s1:e1].mean()
                if before <= median or after >= before:
                    continue
                ratio = after / before if before > 0 else 1.0
                total = np.log1p(before) - np.log1p(after)
                step = np.log1p(values[s1 - 1]) - np.log1p(values[s1])
                share_in_step = float(step / total) if total > 0 else 0.0
                exits.append(
                    {
                        "measure": name,
                        "surge": [int(years[s0]), int(years[e0 - 1])],
                        "exit_year": int(years[s1]),
                        "level_after_over_before": float(ratio),
                        "share_of_fall_in_one_year": float(np.clip(share_in_step, 0.0, 1.0)),
                        "abrupt": bool(ratio <= 0.5 and share_in_step >= 0.5),
                    }
                )
        distinct: list[dict[str, Any]] = []
        for found in exits:
            if all(abs(found["exit_year"] - d["exit_year"]) > 2 for d in distinct):
                distinct.append(found)
        if len(distinct) < 2:
            return self.insufficient(
                statistic,
                f"{len(distinct)} completed surge exit(s) across "
                f"{', '.join(n for n, _ in measures)}; the test needs two",
                exits=exits,
            )
        abrupt = np.array([d["abrupt"] for d in distinct], dtype=float)
        value, (low, high) = ratio_bootstrap(
            abrupt, np.ones_like(abrupt), n_boot=self.n_boot, seed=self.seed, level=self.level
        )
        evidence = [f"{d['measure']}:{d['exit_year']}" for d in distinct]
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=self._interval_kind("exit"),
            verdict=_share_verdict(value, low, 0.5),
            reason=(
                f"{int(abrupt.sum())} of {len(distinct)} surge exits were abrupt "
                f"(exit years {', '.join(str(d['exit_year']) for d in distinct)}); supported "
                "when more than half are, interval included"
            ),
            evidence=evidence,
            details={"exits": distinct, "all_exits": exits},
        )


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


def _year_flags(data: ClaimData, keyword: str, *columns: str) -> tuple[str, pd.Series] | None:
    """A yes/no flag per year from a series (any positive or true value in given columns)."""
    found = data.find_series(keyword)
    if found is None or "year" not in found[1].columns:
        return None
    name, frame = found
    chosen = [
        c
        for c in frame.columns
        if c not in ("year", "source", "estimate", "citation", "note", "notes")
        and (not columns or any(k in str(c).lower() for k in columns))
    ]
    flags = pd.Series(False, index=frame["year"].astype(int))
    for column in chosen:
        raw = frame[column]
        numbers = pd.to_numeric(raw, errors="coerce")
        if numbers.notna().any():
            flags |= (numbers.fillna(0) > 0).to_numpy()
        else:
            text = raw.astype(str).str.lower()
            flags |= text.isin(["true", "yes", "y"]).to_numpy()
    return name, flags.groupby(level=0).any()


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
            evidence=[f"{sanc_name}:{y}" for y in both] + [f"{ally_name}:{y}" for y in both],
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


_KLB = re.compile(r"lugar|enhanced partnership|klb", re.IGNORECASE)
_KLB_RESISTED = re.compile(
    r"kerry|lugar|enhanced partnership|klb|\bbill\b|condition", re.IGNORECASE
)


class ConditionalAidResisted(Claim):
    """Conditional civilian aid (the 2009 Kerry-Lugar-Berman act) met resistance in Pakistan.

    The article: Pakistan's military "is known to have forced the government
    into rejecting the bill" because a condition asked for civilian control of
    the military. Svensson (2000) and Bueno de Mesquita & Smith (2007): aid
    conditions bind only when the donor can commit to enforce them and the
    recipient's ruling coalition gains by accepting.

    The act is found in the data as a patron event whose text mentions Kerry,
    Lugar or the Enhanced Partnership. Statistic: the conflictual share (penta
    3-4) of the client's events toward the patron in the 18 months from the
    act, minus that share in all its earlier events toward the patron.
    Interval: events resampled within each window. Verdict: supported when the
    client voiced disapproval or rejection of the act itself in the window (a
    conflictual event whose text names the act, "the bill" or its
    "conditions") and the difference's interval lies above 0; mixed when only
    one of the two holds; not supported when neither does.
    """

    claim_id: ClassVar[str] = "conditional_aid_resisted"
    title: ClassVar[str] = "Conditional civilian aid met resistance"
    article: ClassVar[str] = "Pakistan's military pushed the government to reject the KLB act."
    literature: ClassVar[tuple[str, ...]] = (
        "Svensson, J. (2000), When is foreign aid policy credible? Aid dependence and "
        "conditionality, Journal of Development Economics 61:1",
        "Bueno de Mesquita, B. & Smith, A. (2007), Foreign aid and policy concessions, "
        "Journal of Conflict Resolution 51:2",
        "Enhancing Partnership with Pakistan Act of 2009, Public Law 111-73",
    )
    needs: ClassVar[tuple[str, ...]] = ("events",)

    def compute(self, data: ClaimData) -> ClaimResult:
        statistic = "change in the conflictual share of Pakistan's events toward the US after KLB"
        us = data.directed(data.patron, data.client)
        text = _event_text(us)
        act = us[text.str.contains(_KLB).to_numpy()] if len(us) else us
        if act.empty:
            return self.insufficient(statistic, "the data hold no event of the KLB act")
        start = pd.Timestamp(min(pd.to_datetime(act["date"])))
        pk = data.directed(data.client, data.patron)
        if pk.empty:
            return self.insufficient(statistic, "no events of Pakistan toward the US")
        when = pd.to_datetime(pk["date"])
        after = pk[((when >= start) & (when < start + pd.DateOffset(months=18))).to_numpy()]
        before = pk[(when < start).to_numpy()]
        if len(after) < 1 or len(before) < 3:
            return self.insufficient(
                statistic, f"{len(after)} events after and {len(before)} before the act"
            )
        hit_after = _penta(after).isin(CONFLICTUAL).to_numpy(dtype=float)
        hit_before = _penta(before).isin(CONFLICTUAL).to_numpy(dtype=float)
        value = float(hit_after.mean() - hit_before.mean())
        rng = np.random.default_rng(self.seed)
        ia = rng.integers(0, len(hit_after), (self.n_boot, len(hit_after)))
        ib = rng.integers(0, len(hit_before), (self.n_boot, len(hit_before)))
        draws = hit_after[ia].mean(1) - hit_before[ib].mean(1)
        low, high = percentile_interval(draws, self.level)
        resisting = after[
            _event_text(after).str.contains(_KLB_RESISTED).to_numpy()
            & _penta(after).isin(CONFLICTUAL).to_numpy()
        ]
        direct = len(resisting) > 0
        rise = low > 0
        verdict = SUPPORTED if direct and rise else MIXED if direct or rise else NOT_SUPPORTED
        return self.result(
            statistic=statistic,
            value=value,
            interval=(low, high),
            interval_kind=(
                f"bootstrap of events within each window, {round(self.level * 100)} %, "
                f"{self.n_boot} draws, seed {self.seed}"
            ),
            verdict=verdict,
            reason=(
                f"{len(resisting)} Pakistani event(s) rejected or criticised the act within 18 "
                f"months; the conflictual share changed by {value:+.2f}; supported when both "
                "the direct rejection and a rise (interval above 0) are present"
            ),
            evidence=_ids(act) + _ids(resisting) + _ids(after),
            details={
                "act_date": start.date().isoformat(),
                "events_after": len(after),
                "events_before": len(before),
                "conflict_share_after": float(hit_after.mean()),
                "conflict_share_before": float(hit_before.mean()),
                "resisting_events": _ids(resisting),
            },
        )


def _event_text(events: pd.DataFrame) -> pd.Series:
    parts = [c for c in ("sentence", "actor_text", "recipient_text", "citation") if c in events]
    if not parts or events.empty:
        return pd.Series([""] * len(events), index=events.index, dtype=str)
    text = events[parts[0]].fillna("").astype(str)
    for column in parts[1:]:
        text = text + " " + events[column].fillna("").astype(str)
    return text


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
        evidence: list[str] = []
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
                evidence.append(f"{name}:{column}:{first}")
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
