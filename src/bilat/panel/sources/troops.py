"""US troops abroad: troopdata's country-years (DMDC active-duty counts), 1950-2024.

troopdata uses COW codes for states and its own codes (1000 and up, 6 for Puerto Rico, ...)
for territories and places that are not states; those rows are quarantined.  It writes 255 for
West Germany and 679 for "Yemen" before 1990; :func:`recode_cow` moves them to 260 and 678
(summed with any rows already there) before the country-years are formed.
"""

from __future__ import annotations

import pandas as pd

from bilat.ontology import countries
from bilat.panel.countries import recode_cow
from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context

__all__ = ["read_troops"]


def _cow_codes() -> set[int]:
    return {int(c) for cell in countries()["cow_all"] for c in str(cell).split("|") if c}


def read_troops(ctx: Context) -> None:
    """Table ``src_troops(ccode, year, us_troops)``."""
    raw = ctx.open("troopdata", pd.read_csv)
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    known = raw.ccode.isin(_cow_codes())
    scope = raw.year.between(FIRST_YEAR, LAST_YEAR) & (raw.ccode != US_COW)
    ok = scope & known
    bad = scope & ~known
    ctx.quarantine(
        "troopdata",
        pd.DataFrame(
            {
                "row": raw.index[bad],
                "field": "ccode",
                "value": raw.loc[bad, "ccode"].astype(str) + " " + raw.loc[bad, "countryname"],
                "reason": "not a COW state code (troopdata territory code)",
                "year": raw.year[bad],
                "amount": raw.troops_ad[bad],
            }
        ),
    )
    used = raw.loc[ok]
    out = (
        pd.DataFrame(
            {
                "ccode": recode_cow(used.ccode, used.year).astype("int64"),
                "year": used.year.astype("int64"),
                "us_troops": used.troops_ad.astype("float64"),
            }
        )
        .groupby(["ccode", "year"], as_index=False)
        .sum()
    )
    ctx.put("src_troops", out)
    ctx.account(
        "troopdata",
        read=len(raw),
        used=int(ok.sum()),
        out_of_scope=int((~scope).sum()),
        years=used.year,
    )
