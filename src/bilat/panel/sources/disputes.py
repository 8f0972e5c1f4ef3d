"""Disputes and rivalries: GML and COW MIDs (directed dispute-dyad-years), Thompson-Dreyer.

The MID files are directed: each dispute-dyad-year appears as (US, partner) and (partner, US).
The panel reads the rows with the US as ``ccode1``; ``hostlev`` is the dyad's hostility level.
"""

from __future__ import annotations

import pandas as pd
import pyreadr

from bilat.panel.countries import recode_cow
from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context

__all__ = ["COW_MID_LAST_YEAR", "GML_LAST_YEAR", "read_cow_mid", "read_gml", "read_rivalries"]

GML_LAST_YEAR = 2010
COW_MID_LAST_YEAR = 2014


def _us_rows(frame: pd.DataFrame) -> pd.Series:
    return (frame.ccode1 == US_COW) & frame.year.between(FIRST_YEAR, LAST_YEAR)


def read_gml(ctx: Context) -> None:
    """Table ``src_gml(ccode, year, mid_onset, mid_hostility)``."""
    frame = ctx.open("gml", lambda p: pyreadr.read_r(p)["gml_dirdisp"])
    keep = _us_rows(frame)
    rows = frame.loc[keep]
    out = (
        pd.DataFrame(
            {
                "ccode": rows.ccode2.astype("int64"),
                "year": rows.year.astype("int64"),
                "mid_onset": rows.midonset.astype("int64"),
                "mid_hostility": rows.hostlev.astype("int64"),
            }
        )
        .groupby(["ccode", "year"], as_index=False)
        .max()
    )
    ctx.put("src_gml", out)
    ctx.account(
        "gml", read=len(frame), used=len(rows), out_of_scope=int((~keep).sum()), years=rows.year
    )


def read_cow_mid(ctx: Context) -> None:
    """Table ``src_cow_mid(ccode, year, cow_mid_onset)``."""
    frame = ctx.open("cow_mid", lambda p: pyreadr.read_r(p)["cow_mid_dirdisps"])
    keep = _us_rows(frame)
    rows = frame.loc[keep]
    out = (
        pd.DataFrame(
            {
                "ccode": rows.ccode2.astype("int64"),
                "year": rows.year.astype("int64"),
                "cow_mid_onset": rows.disponset.astype("int64"),
            }
        )
        .groupby(["ccode", "year"], as_index=False)
        .max()
    )
    ctx.put("src_cow_mid", out)
    ctx.account(
        "cow_mid", read=len(frame), used=len(rows), out_of_scope=int((~keep).sum()), years=rows.year
    )


def read_rivalries(ctx: Context) -> None:
    """Table ``src_rivalry(ccode, year, rivalry, rivalry_us)``: one row per rival-year."""
    frame = ctx.open("td_rivalries", lambda p: pyreadr.read_r(p)["td_rivalries"])
    keep = (frame.endyear >= FIRST_YEAR) & (frame.styear <= LAST_YEAR)
    spans: list[tuple[int, int, bool]] = []
    for row in frame.loc[keep].itertuples():
        years = range(max(int(row.styear), FIRST_YEAR), min(int(row.endyear), LAST_YEAR) + 1)
        with_us = US_COW in (row.ccode1, row.ccode2)
        for side in (int(row.ccode1), int(row.ccode2)):
            spans.extend((side, y, with_us) for y in years)
    out = pd.DataFrame(spans, columns=["ccode", "year", "with_us"])
    out["ccode"] = recode_cow(out.ccode, out.year)
    out = (
        out[out.ccode != US_COW]
        .groupby(["ccode", "year"], as_index=False)
        .agg(rivalry=("with_us", "size"), rivalry_us=("with_us", "max"))
        .assign(rivalry=1)
    )
    out["rivalry_us"] = out["rivalry_us"].astype("int64")
    ctx.put("src_rivalry", out)
    ctx.account(
        "td_rivalries",
        read=len(frame),
        used=int(keep.sum()),
        out_of_scope=int((~keep).sum()),
        years=pd.concat([frame.styear[keep], frame.endyear[keep]]),
    )
