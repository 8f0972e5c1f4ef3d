"""Public opinion: Pew Global Attitudes, % favourable view of the US (openpyxl).

A wide sheet: COUNTRY, COW Code, then one column per year 2002-2017; '-' marks a year in
which the question was not asked there, which becomes NULL (never 0).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from bilat.errors import FormatError
from bilat.panel.sources._base import US_COW, Context

__all__ = ["read_pew"]


def _load(path: Path) -> pd.DataFrame:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header = rows[0]
    if tuple(header[:2]) != ("COUNTRY", "COW Code"):
        raise FormatError(
            f"row 1 is {header!r}, expected COUNTRY, COW Code, years", file=path, line=1
        )
    body = [r for r in rows[1:] if any(v is not None for v in r)]
    frame = pd.DataFrame(body, columns=[str(h) for h in header])
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def read_pew(ctx: Context) -> None:
    """Table ``src_pew(ccode, year, pew_fav_us)``."""
    raw = ctx.open("pew", _load)
    ccode = pd.to_numeric(raw["COW Code"], errors="coerce")
    bad = ccode.isna()
    ctx.quarantine(
        "pew",
        pd.DataFrame(
            {
                "row": raw.index[bad],
                "field": "COW Code",
                "value": raw.loc[bad, "COUNTRY"],
                "reason": "no COW code",
            }
        ),
    )
    partners = raw.loc[~bad & (ccode != US_COW)]
    years = [c for c in raw.columns[2:] if c.isdigit()]
    long = partners.assign(ccode=ccode.astype("Int64")).melt(
        id_vars=["ccode"], value_vars=years, var_name="year", value_name="pew"
    )
    asked = long.pew.notna() & (long.pew.astype(str).str.strip() != "-")
    value = pd.to_numeric(long.pew.where(asked), errors="coerce")
    odd = asked & value.isna()
    if odd.any():
        first = long[odd].iloc[0]
        file = ctx.stats["pew"].file
        raise FormatError(
            f"a cell holds {first.pew!r}: expected a percentage or '-' (not asked)",
            file=file,
            field=str(first.year),
            value=first.pew,
        )
    long["pew_fav_us"] = value
    long = long[long.pew_fav_us.notna()]
    out = pd.DataFrame(
        {
            "ccode": long.ccode.astype("int64"),
            "year": long.year.astype("int64"),
            "pew_fav_us": long.pew_fav_us.astype("float64"),
        }
    )
    ctx.put("src_pew", out)
    ctx.account(
        "pew",
        read=len(raw),
        used=len(partners),
        out_of_scope=int((~bad & (ccode == US_COW)).sum()),
        years=out.year,
    )
