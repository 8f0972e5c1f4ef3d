"""Regime: Polity2 and V-Dem polyarchy from isard's ``cw_democracy`` (COW state-years)."""

from __future__ import annotations

import pandas as pd
import pyreadr

from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context

__all__ = ["read_democracy"]


def read_democracy(ctx: Context) -> None:
    """Table ``src_democracy(ccode, year, polity2, v2x_polyarchy)``: one row per state-year.

    Its (ccode, year) pairs also define ``state_system``: isard builds the file on the COW
    state system, so a pair is present exactly when the state is a system member.
    """
    frame = ctx.open("cw_democracy", lambda p: pyreadr.read_r(p)["cw_democracy"])
    frame = frame.astype({"ccode": "int64", "year": "int64"})
    keep = (frame.ccode != US_COW) & frame.year.between(FIRST_YEAR, LAST_YEAR)
    used = frame.loc[keep, ["ccode", "year", "polity2", "v2x_polyarchy"]]
    ctx.put("src_democracy", used.reset_index(drop=True))
    ctx.account(
        "cw_democracy",
        read=len(frame),
        used=int(keep.sum()),
        out_of_scope=int((~keep).sum()),
        years=pd.Series(used.year),
    )
