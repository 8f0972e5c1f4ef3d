"""The aid claims: aid under military rule, surges and abrupt exits, conditions resisted.

Each class states one claim of ``seed/us-pakistan-partnership.txt`` in bilat's words,
cites the literature on its mechanism, computes one statistic with a bootstrap interval
and turns it into a verdict by the rule in its docstring.
"""

from __future__ import annotations

import itertools
import re
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
    CONFLICTUAL,
    _event_text,
    _ids,
    _numeric,
    _penta,
    _share_verdict,
)

__all__ = [
    "AID_SOURCES",
    "AidUnderMilitaryRule",
    "ConditionalAidResisted",
    "SurgesAndAbruptExits",
    "aid_series",
    "military_years",
]


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
        evidence = [Evidence.row(f["source"], y) for f in found for y in f.pop("year_list")]
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
            evidence=evidence + [Evidence.row(regime_name, y) for y in sorted(military.index)],
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
        evidence: list[Evidence | str] = []
        for d in distinct:  # patron events of the exit year, or the aid series' row
            if d["measure"] == "events":
                evidence += _ids(us[us["year"] == d["exit_year"]])
            else:
                evidence.append(Evidence.row(d["measure"], d["exit_year"]))
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
