"""Sanctions: TIES 4.1 cases with the US among the (up to five) senders (read with xlrd).

A case can be a threat without an imposition.  ``sanction_threat`` marks the case's start year
when ``threat`` is 1; ``sanction_imposed`` the imposition's start year; ``sanction_in_force``
every year from the imposition's start to the case's end year (or, for a case still open, its
"ongoing as of" year).  Target codes are COW codes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlrd

from bilat.panel.sources._base import FIRST_YEAR, LAST_YEAR, US_COW, Context

__all__ = ["TIES_LAST_YEAR", "read_ties"]

TIES_LAST_YEAR = 2005  # cases start 1945-2005
_SENDERS = ("sender1", "sender2", "sender3", "sender4", "sender5")


def _load(path: Path) -> pd.DataFrame:
    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_index(0)
    header = [str(v) for v in sheet.row_values(0)]
    rows = [sheet.row_values(i) for i in range(1, sheet.nrows)]
    frame = pd.DataFrame(rows, columns=header).replace("", None)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce")


def read_ties(ctx: Context) -> None:
    """Table ``src_ties(ccode, year, sanction_threat, sanction_imposed, sanction_in_force)``."""
    frame = ctx.open("ties", _load)
    us = pd.concat([_num(frame, c) == US_COW for c in _SENDERS], axis=1).any(axis=1)
    target = _num(frame, "targetstate")
    bad = us & (target.isna() | (target == US_COW) | (target >= 1000))
    ctx.quarantine(
        "ties",
        pd.DataFrame(
            {
                "row": frame.index[bad],
                "field": "targetstate",
                "value": frame.loc[bad, "targetstate"],
                "reason": "US case whose target is not a state (blank, US, institution code)",
                "year": _num(frame, "startyear")[bad],
            }
        ),
    )
    cases = frame.loc[us & ~bad]
    tgt = target[us & ~bad].astype("int64")
    start = _num(cases, "startyear")
    imposed_at = _num(cases, "sancimpositionstartyear")
    imposed = _num(cases, "imposition") == 1
    end = _num(cases, "endyear").fillna(_num(cases, "ongoingasofyear"))
    marks = []
    for ccode, s, threat, imp, at, e in zip(
        tgt, start, _num(cases, "threat") == 1, imposed, imposed_at, end, strict=True
    ):
        if threat:
            marks.append((ccode, int(s), "threat"))
        if imp and at == at:
            marks.append((ccode, int(at), "imposed"))
            last = int(e) if e == e else int(at)
            marks.extend((ccode, y, "in_force") for y in range(int(at), last + 1))
    out = pd.DataFrame(marks, columns=["ccode", "year", "kind"])
    out = out[out.year.between(FIRST_YEAR, LAST_YEAR)]
    wide = pd.crosstab([out.ccode, out.year], out.kind).clip(upper=1).reset_index()
    for kind in ("threat", "imposed", "in_force"):
        if kind not in wide:
            wide[kind] = 0
    wide = wide.rename(
        columns={
            "threat": "sanction_threat",
            "imposed": "sanction_imposed",
            "in_force": "sanction_in_force",
        }
    )
    cols = ["ccode", "year", "sanction_threat", "sanction_imposed", "sanction_in_force"]
    ctx.put("src_ties", wide[cols].astype("int64"))
    ctx.account(
        "ties",
        read=len(frame),
        used=len(cases),
        out_of_scope=int((~us).sum()),
        years=start,
    )
