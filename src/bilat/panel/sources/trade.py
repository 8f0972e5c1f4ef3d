"""Trade with the US: COW Trade v4 (directed dyad-years, to 2014) and IMF DOTS (1995-2022).

COW ``flow1`` is ccode1's imports from ccode2 in current million US$, and -9 means missing.
In a (US, partner) row, flow1 is US imports from the partner and flow2 the partner's imports
from the US; their sum is the dyad's trade.  The (partner, US) mirror rows carry the same
flows and are counted as out of scope.  DOTS gives US exports (FOB) and imports (CIF) in US$.
"""

from __future__ import annotations

import pandas as pd
import pyreadr

from bilat.errors import FormatError
from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context, map_frame

__all__ = ["COW_TRADE_LAST_YEAR", "read_cow_trade", "read_dots", "us_trade"]

COW_TRADE_LAST_YEAR = 2014
_EXPORTS = "Goods, Value of Exports, Free on board (FOB), US Dollars (TXG_FOB_USD)"
_IMPORTS = "Goods, Value of Imports, Cost, Insurance, Freight (CIF), US Dollars (TMG_CIF_USD)"


def us_trade(frame: pd.DataFrame) -> pd.DataFrame:
    """The (US, partner) rows of COW trade as ``ccode, year, trade_cow`` (-9 -> missing).

    A boolean mask on the numpy columns pyreadr returns: on this one filter it beats handing the
    1.35M-row frame to DuckDB (``bilat bench panel`` measured both).
    """
    us = frame[(frame.ccode1 == US_COW) & frame.year.between(FIRST_YEAR, LAST_YEAR)]
    ok = (us.flow1 >= 0) & (us.flow2 >= 0)
    return pd.DataFrame(
        {
            "ccode": us.ccode2.astype("int64").to_numpy(),
            "year": us.year.astype("int64").to_numpy(),
            "trade_cow": (us.flow1 + us.flow2).where(ok).to_numpy(),
        }
    )


def read_cow_trade(ctx: Context) -> None:
    """Table ``src_cow_trade(ccode, year, trade_cow)`` in current million US$."""
    frame = ctx.open("cow_trade", lambda p: pyreadr.read_r(p)[None])
    used = us_trade(frame)
    ctx.put("src_cow_trade", used)
    ctx.account(
        "cow_trade",
        read=len(frame),
        used=len(used),
        out_of_scope=len(frame) - len(used),
        years=used.year,
    )


def read_dots(ctx: Context) -> None:
    """Table ``src_dots(ccode, year, trade_dots)`` in current million US$."""
    raw = ctx.open("dots", lambda p: pd.read_csv(p, encoding="utf-8-sig"))
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    missing = [
        c for c in ("Counterpart Country Name", "Time Period", _EXPORTS, _IMPORTS) if c not in raw
    ]
    if missing:
        file = ctx.stats["dots"].file
        raise FormatError(f"no column {missing[0]!r}", file=file, field=missing[0])
    year = raw["Time Period"].astype("int64")
    ccode, reason = map_frame(raw["Counterpart Country Name"], year)
    ok = ccode.notna()
    ctx.quarantine(
        "dots",
        pd.DataFrame(
            {
                "row": raw.index[~ok],
                "field": "Counterpart Country Name",
                "value": raw.loc[~ok, "Counterpart Country Name"],
                "reason": reason[~ok],
                "year": year[~ok],
                "amount": (raw.loc[~ok, _EXPORTS] + raw.loc[~ok, _IMPORTS]) / 1e6,
            }
        ),
    )
    used = pd.DataFrame(
        {
            "ccode": ccode[ok].astype("int64"),
            "year": year[ok],
            "trade_dots": (raw.loc[ok, _EXPORTS] + raw.loc[ok, _IMPORTS]) / 1e6,
        }
    )
    ctx.put("dots_rows", used)
    ctx.con.execute(
        "CREATE OR REPLACE TABLE src_dots AS SELECT ccode, year, sum(trade_dots) AS trade_dots "
        "FROM dots_rows GROUP BY ccode, year"
    )
    ctx.account("dots", read=len(raw), used=int(ok.sum()), out_of_scope=0, years=year)
