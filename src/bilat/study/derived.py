"""Eras and episodes of a case without a case file, derived from its data (never invented).

* :func:`panel_eras`: breaks in the dyad's annual US aid series (the panel's
  ``aid_total``, log scale) found by PELT change-point detection
  (:mod:`ruptures`); each segment is labelled by what the panel shows in it
  (mean aid, military share, sanctions in force).
* :func:`largest_episodes`: the stored events with the largest Goldstein
  magnitude, labelled by their own code and date.

The report says where its eras and episodes come from.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from bilat.study.case import Episode, Era

__all__ = ["ERA_SOURCE", "largest_episodes", "panel_eras"]

#: How derived eras are cited.
ERA_SOURCE = (
    "measured by bilat: change points (PELT, ruptures) in the panel's annual US aid series "
    "(log scale), each segment described by its own panel rows"
)


def panel_eras(rows: pd.DataFrame, *, min_size: int = 4) -> list[Era]:
    """Segments of the dyad's aid history between change points of ``log(1 + aid_total)``.

    ``kind`` is ``sanctioned`` when a US sanction was in force in most of the
    segment's years, ``engaged`` when its mean aid is above the dyad's median
    year, else ``disengaged``. Fewer than ``2 * min_size`` years with aid: no eras.
    """
    import ruptures

    data = rows.dropna(subset=["aid_total"]).sort_values("year")
    if len(data) < 2 * min_size:
        return []
    signal = np.log1p(data["aid_total"].to_numpy(float).clip(min=0))
    spread = float(np.var(signal)) or 1.0
    penalty = 2.0 * math.log(len(signal)) * spread
    ends = ruptures.Pelt(model="l2", min_size=min_size).fit(signal).predict(pen=penalty)
    years = data["year"].to_numpy(int)
    median = float(np.median(signal))
    eras: list[Era] = []
    start = 0
    for end in ends:
        part = data.iloc[start:end]
        level = float(np.mean(signal[start:end]))
        sanctioned = float(part["sanction_in_force"].fillna(0).astype(float).mean())
        mil = part["aid_mil_share"].dropna()
        kind = "sanctioned" if sanctioned > 0.5 else "engaged" if level > median else "disengaged"
        mean_aid = float(part["aid_total"].mean())
        label = f"aid ≈ ${mean_aid / 1e9:.2f} bn/yr" + (
            f", {float(mil.mean()):.0%} military" if not mil.empty else ""
        )
        eras.append(Era(int(years[start]), int(years[end - 1]), label, kind, ERA_SOURCE))
        start = end
    return eras


def largest_episodes(events: pd.DataFrame, n: int = 10) -> list[Episode]:
    """The ``n`` events with the largest Goldstein magnitude, one per day, as episodes."""
    if events.empty or "goldstein" not in events:
        return []
    frame = events.dropna(subset=["goldstein"]).copy()
    frame["magnitude"] = frame["goldstein"].astype(float).abs()
    frame = frame.sort_values(["magnitude", "date"], ascending=[False, True])
    frame = frame.drop_duplicates(subset=["date"]).head(n)
    out = []
    for row in frame.sort_values("date").to_dict("records"):
        when = pd.Timestamp(row["date"]).date()
        out.append(
            Episode(
                dt.date(when.year, when.month, when.day),
                f"{row.get('actor_country') or '?'}→{row.get('recipient_country') or '?'} "
                f"CAMEO {row.get('cameo')} ({row.get('dataset')}, "
                f"Goldstein {float(row['goldstein']):+.1f})",
            )
        )
    return out
