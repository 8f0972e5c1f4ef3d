"""Alliances: ATOP v5 non-directed dyad-years (peacesciencer's ``atop_alliance``)."""

from __future__ import annotations

import pandas as pd
import pyreadr

from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context

__all__ = ["ATOP_LAST_YEAR", "read_atop"]

ATOP_LAST_YEAR = 2018
_KINDS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def read_atop(ctx: Context) -> None:
    """Table ``src_atop(ccode, year, defense_pact, alliance_any)`` for US dyads.

    The file holds each US dyad-year in both orders (US first and partner first); the two
    rows agree, and the partner-year takes the maximum of each obligation.
    """
    frame = ctx.open("atop", lambda p: pyreadr.read_r(p)["atop_alliance"])
    frame = frame.astype({"ccode1": "int64", "ccode2": "int64", "year": "int64"})
    us = (frame.ccode1 == US_COW) | (frame.ccode2 == US_COW)
    keep = us & frame.year.between(FIRST_YEAR, LAST_YEAR)
    rows = frame.loc[keep]
    partner = rows.ccode2.where(rows.ccode1 == US_COW, rows.ccode1)
    out = pd.DataFrame(
        {
            "ccode": partner.to_numpy(),
            "year": rows.year.to_numpy(),
            "defense_pact": rows.atop_defense.astype("int64").to_numpy(),
            "alliance_any": (rows[list(_KINDS)].max(axis=1) > 0).astype("int64").to_numpy(),
        }
    )
    ctx.put("src_atop", out.groupby(["ccode", "year"], as_index=False).max())
    ctx.account(
        "atop",
        read=len(frame),
        used=int(keep.sum()),
        out_of_scope=int((~keep).sum()),
        years=out.year,
    )
