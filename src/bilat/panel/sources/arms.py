"""Arms imports by supplier: SIPRI trend-indicator values (TIV), supplier-recipient-years.

TIV measures the military capability transferred, not its price: sum and compare TIVs, never
read them as dollars.  Rows with a recipient that is not a state (NATO, the UN, "Unknown
recipient(s)", rebel groups) are quarantined with their TIV.  A supplier without a COW code
(the EU, "Unknown supplier(s)") still counts in the recipient's total.
"""

from __future__ import annotations

import pandas as pd

from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context, map_frame

__all__ = ["CHINA_COW", "RUSSIA_COW", "read_sipri"]

RUSSIA_COW = 365  # the USSR to 1991, Russia after
CHINA_COW = 710


def read_sipri(ctx: Context) -> None:
    """Table ``src_sipri(ccode, year, arms_tiv_total, arms_share_us/_russia/_china)``."""
    raw = ctx.open("sipri", pd.read_csv)
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    year = raw.year.astype("int64")
    scope = year.between(FIRST_YEAR, LAST_YEAR)
    by_name, reason = map_frame(raw.recipient, year)
    ccode = raw.recipient_cown.astype("Int64").fillna(by_name)
    ok = scope & ccode.notna() & (ccode != US_COW)
    bad = scope & ccode.isna()
    ctx.quarantine(
        "sipri",
        pd.DataFrame(
            {
                "row": raw.index[bad],
                "field": "recipient",
                "value": raw.recipient[bad],
                "reason": reason[bad].fillna("no COW code"),
                "year": year[bad],
                "amount": raw.value[bad],
            }
        ),
    )
    rows = raw.loc[ok]
    supplier = raw.supplier_cown.where(raw.supplier_cown.notna(), -1)[ok]
    frame = pd.DataFrame(
        {
            "ccode": ccode[ok].astype("int64"),
            "year": year[ok],
            "tiv": rows.value.astype("float64"),
            "us": rows.value.where(supplier == US_COW, 0).astype("float64"),
            "ru": rows.value.where(supplier == RUSSIA_COW, 0).astype("float64"),
            "cn": rows.value.where(supplier == CHINA_COW, 0).astype("float64"),
        }
    )
    agg = frame.groupby(["ccode", "year"], as_index=False).sum()
    total = agg.tiv.where(agg.tiv > 0)
    out = pd.DataFrame(
        {
            "ccode": agg.ccode,
            "year": agg.year,
            "arms_tiv_total": agg.tiv,
            "arms_share_us": agg.us / total,
            "arms_share_russia": agg.ru / total,
            "arms_share_china": agg.cn / total,
        }
    )
    ctx.put("src_sipri", out)
    ctx.account(
        "sipri",
        read=len(raw),
        used=int(ok.sum()),
        out_of_scope=int((~scope).sum()) + int((scope & (ccode == US_COW)).sum()),
        years=year,
    )
