"""US aid: the USAID Greenbook workbook (FY1946-2020) and Foreign Aid Explorer totals.

Greenbook (``aid/us_foreignaid_greenbook.xlsx``, read with openpyxl): six title lines, a blank
line, then the header.  Its constant dollars are already 2020 dollars (the title says
"Constant 2020 $US", and FY2020 historical = constant in every row), so no deflator is applied.
Regional rows ("World (not specified)", "Asia (not specified)", ...) and territories without a
COW code ("West Bank/Gaza", "China (Hong Kong)") are quarantined with their amounts, so the
Greenbook total equals the partners' total plus the quarantined total.

Foreign Aid Explorer (``aid/us_foreign_aid_country.csv``): country totals without an
economic/military split, constant dollars of FY2022.  The panel takes its obligations for
FY2021-2024 (after the Greenbook ends) and converts them to 2020 dollars with the explorer's
own deflator: the ratio of current to constant dollars over all its FY2020 obligations.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from bilat.errors import FormatError
from bilat.panel.sources._base import LAST_YEAR, US_COW, Context, map_frame

__all__ = [
    "DEMOCRACY_ACCOUNTS",
    "FAE_FIRST_YEAR",
    "GREENBOOK_HEADER",
    "fae_deflator",
    "read_fae",
    "read_greenbook",
]

GREENBOOK_HEADER = (
    "Fiscal Year",
    "Region",
    "Country",
    "Assistance Category",
    "Publication Row",
    "Funding Agency",
    "Funding Account Name",
    "Obligations (Historical Dollars)",
    "Obligations (Constant Dollars)",
)
_GB_HEADER_ROW = 7  # 1-based spreadsheet row of the header

#: Greenbook funding accounts counted as democracy/governance aid.
DEMOCRACY_ACCOUNTS = (
    "National Endowment for Democracy, Department of State",
    "Democracy Fund, Department of State",
    "Transition Initiatives, International Assistance Program",
)

FAE_FIRST_YEAR = 2021


def _load_greenbook(path: Path) -> pd.DataFrame:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        head = [next(rows) for _ in range(_GB_HEADER_ROW)]
        if tuple(head[-1]) != GREENBOOK_HEADER:
            raise FormatError(
                f"row {_GB_HEADER_ROW} is {head[-1]!r}, expected the Greenbook header "
                f"{GREENBOOK_HEADER!r}",
                file=path,
                line=_GB_HEADER_ROW,
            )
        body = list(rows)
    finally:
        book.close()
    frame = pd.DataFrame(body, columns=list(GREENBOOK_HEADER))
    frame.index = pd.RangeIndex(_GB_HEADER_ROW + 1, _GB_HEADER_ROW + 1 + len(frame))
    return frame


def read_greenbook(ctx: Context) -> None:
    """Table ``src_greenbook(ccode, year, aid_econ, aid_mil, aid_dem)``, constant 2020 $."""
    raw = ctx.open("greenbook", _load_greenbook)
    bad_year = pd.to_numeric(raw["Fiscal Year"], errors="coerce").isna()
    bad_amount = pd.to_numeric(raw["Obligations (Constant Dollars)"], errors="coerce").isna()
    if bad_year.any() or bad_amount.any():
        row = int(raw.index[bad_year | bad_amount][0])
        field = "Fiscal Year" if bad_year.any() else "Obligations (Constant Dollars)"
        raise FormatError(
            f"{field} is not a number ({raw.loc[row, field]!r}); the workbook is damaged",
            file=ctx.stats["greenbook"].file,
            line=row,
            field=field,
            value=raw.loc[row, field],
        )
    # The transition quarter of 1976 (July-September) is written 1976.9: it counts in FY1976.
    year = raw["Fiscal Year"].astype("float64").floordiv(1).astype("int64")
    amount = raw["Obligations (Constant Dollars)"].astype("float64")
    ccode, reason = map_frame(raw["Country"], year)
    ok = ccode.notna()
    ctx.quarantine(
        "greenbook",
        pd.DataFrame(
            {
                "row": raw.index[~ok],
                "field": "Country",
                "value": raw.loc[~ok, "Country"],
                "reason": reason[~ok],
                "year": year[~ok],
                "amount": amount[~ok],
            }
        ),
    )
    used = pd.DataFrame(
        {
            "ccode": ccode[ok].astype("int64"),
            "year": year[ok],
            "category": raw.loc[ok, "Assistance Category"],
            "dem": raw.loc[ok, "Funding Account Name"].isin(DEMOCRACY_ACCOUNTS),
            "amount": amount[ok],
        }
    )
    ctx.put("gb_rows", used)
    ctx.con.execute(
        """
        CREATE OR REPLACE TABLE src_greenbook AS
        SELECT ccode, year,
               coalesce(sum(amount) FILTER (WHERE category = 'Economic'), 0) AS aid_econ,
               coalesce(sum(amount) FILTER (WHERE category = 'Military'), 0) AS aid_mil,
               coalesce(sum(amount) FILTER (WHERE dem), 0) AS aid_dem
        FROM gb_rows GROUP BY ccode, year
        """
    )
    unknown = set(raw["Assistance Category"].unique()) - {"Economic", "Military"}
    if unknown:
        raise FormatError(
            f"unknown Assistance Category {sorted(unknown)!r}",
            file=ctx.stats["greenbook"].file,
            field="Assistance Category",
        )
    ctx.account("greenbook", read=len(raw), used=int(ok.sum()), out_of_scope=0, years=year)


def fae_deflator(frame: pd.DataFrame) -> float:
    """Factor from the explorer's constant dollars to constant 2020 dollars.

    Over FY2020 obligations, current / constant = P2020 / P_base, so multiplying a constant
    amount by it re-bases it on 2020.
    """
    fy2020 = frame[(frame["Fiscal Year"] == "2020")]
    return float(fy2020["current_amount"].sum() / fy2020["constant_amount"].sum())


def read_fae(ctx: Context) -> None:
    """Table ``src_fae(ccode, year, aid_fae)``: obligations FY2021-2024 in constant 2020 $."""
    raw = ctx.open("fae", lambda p: pd.read_csv(p, dtype={"Fiscal Year": str}))
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    obligations = (raw["Transaction Type Name"] == "Obligations").to_numpy()
    year = pd.to_numeric(raw["Fiscal Year"], errors="coerce")
    scope = obligations & (year >= FAE_FIRST_YEAR).to_numpy() & (year <= LAST_YEAR).to_numpy()
    rows = raw.loc[scope]
    by_code, _ = map_frame(rows["Country Code"], year[scope])
    by_name, reason = map_frame(rows["Country Name"], year[scope])
    ccode = by_code.fillna(by_name)
    ok = ccode.notna()
    ctx.quarantine(
        "fae",
        pd.DataFrame(
            {
                "row": rows.index[~ok],
                "field": "Country Name",
                "value": rows.loc[~ok, "Country Name"],
                "reason": reason[~ok],
                "year": year[scope][~ok],
                "amount": rows.loc[~ok, "constant_amount"],
            }
        ),
    )
    factor = fae_deflator(raw.loc[obligations])
    used = pd.DataFrame(
        {
            "ccode": ccode[ok].astype("int64"),
            "year": year[scope][ok].astype("int64"),
            "aid_fae": rows.loc[ok, "constant_amount"].astype("float64") * factor,
        }
    )
    used = used[used.ccode != US_COW]
    ctx.put("fae_rows", used)
    ctx.con.execute(
        "CREATE OR REPLACE TABLE src_fae AS SELECT ccode, year, sum(aid_fae) AS aid_fae "
        "FROM fae_rows GROUP BY ccode, year"
    )
    ctx.stats["fae"].note = f"constant FY2022 $ x {factor:.6f} = constant 2020 $"
    ctx.account(
        "fae",
        read=len(raw),
        used=len(used),
        out_of_scope=int((~scope).sum()) + int(ok.sum()) - len(used),
        years=used.year,
    )
