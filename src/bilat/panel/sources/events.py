"""Events: ICEWS directed dyad-years 2002-2014 (netify's ``icews``), to and from the US.

The counts are of events from all news sources, so a sharp change in 2010-2012 can be a change
of coverage rather than of behaviour (ICEWS's source set changed then).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr

from bilat.panel.countries import cow_of_iso3
from bilat.panel.sources._base import Context

__all__ = ["read_icews"]

_COUNTS = {"verbCoop": "vcoop", "matlCoop": "mcoop", "verbConf": "vconf", "matlConf": "mconf"}


def read_icews(ctx: Context) -> None:
    """Table ``src_icews(ccode, year, icews_<kind>_to_us, icews_<kind>_from_us, shares)``."""
    frame = ctx.open("icews", lambda p: pyreadr.read_r(p)["icews"])
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    to_us = frame.j_iso3c == "USA"
    from_us = frame.i_iso3c == "USA"
    year = frame.year.astype("int64")
    other_iso = frame.i_iso3c.where(to_us, frame.j_iso3c)
    pairs = pd.DataFrame({"iso3": other_iso, "year": year})[to_us | from_us].drop_duplicates()
    codes = {
        (iso, y): cow_of_iso3(str(iso), int(y)) if isinstance(iso, str) else None
        for iso, y in zip(pairs.iso3, pairs.year, strict=True)
    }
    ccode = pd.Series(
        [codes.get((i, y)) for i, y in zip(other_iso, year, strict=True)],
        index=frame.index,
        dtype="Int64",
    )
    scope = to_us ^ from_us
    ok = scope & ccode.notna()
    bad = scope & ccode.isna()
    name = frame.i.where(to_us, frame.j)
    ctx.quarantine(
        "icews",
        pd.DataFrame(
            {
                "row": frame.index[bad],
                "field": "i_iso3c/j_iso3c",
                "value": name[bad],
                "reason": "ISO3 without a COW code",
                "year": year[bad],
            }
        ),
    )
    parts = []
    for mask, side in ((to_us & ok, "to"), (from_us & ok, "from")):
        rows = frame.loc[mask]
        part = pd.DataFrame({"ccode": ccode[mask].astype("int64"), "year": year[mask]})
        for src, short in _COUNTS.items():
            part[f"icews_{short}_{side}_us"] = rows[src].astype("float64")
        coop = part[f"icews_vcoop_{side}_us"] + part[f"icews_mcoop_{side}_us"]
        total = coop + part[f"icews_vconf_{side}_us"] + part[f"icews_mconf_{side}_us"]
        part[f"icews_coop_share_{side}_us"] = np.where(
            total > 0, coop / total.where(total > 0), np.nan
        )
        parts.append(part.groupby(["ccode", "year"], as_index=False).sum(min_count=1))
    out = parts[0].merge(parts[1], on=["ccode", "year"], how="outer", sort=True)
    ctx.put("src_icews", out)
    ctx.account(
        "icews",
        read=len(frame),
        used=int(ok.sum()),
        out_of_scope=int((~scope).sum()),
        years=year,
    )
