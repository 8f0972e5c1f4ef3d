"""The record's aid series: the Greenbook's accounts, the Foreign Aid Explorer and the CRS tables.

Used by ``tools/build_record_series.py`` (which writes every series); run that script to
rebuild. Reads ``../shared/data/panel/aid/us_foreignaid_greenbook.xlsx`` (USAID Greenbook,
obligations by fiscal year, assistance category and funding account, FY1946-2020, prepared
by USAID Data Services on 9 August 2022) with openpyxl and
``../shared/data/panel/aid/us_foreign_aid_country.csv`` (Foreign Aid Explorer country totals,
FY1946-2024). The CRS figures are transcribed below, each with its edition.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

GREENBOOK = (
    "USAID, U.S. Overseas Loans and Grants (Greenbook), obligations by assistance category and "
    "funding account, FY1946-2020"
)
GREENBOOK_EDITION = "prepared by USAID Data Services, 9 August 2022"
EXPLORER = "USAID Foreign Aid Explorer, country totals, obligations, FY1946-2024"
EXPLORER_EDITION = "as distributed in jacqpark/Aid-Lending-and-TRIPS-RIO @ 7cddb43f8638"
CRS_TITLE = (
    "K. Alan Kronstadt and Susan B. Epstein, Direct Overt U.S. Aid Appropriations for and "
    "Military Reimbursements to Pakistan (Congressional Research Service table)"
)
CRS_2014 = "FY2002-FY2015 edition, 6 March 2014"
CRS_2019 = "FY2002-FY2020 edition, 12 March 2019"

#: Funding accounts counted as democracy aid (a part of economic aid in the Greenbook).
DEMOCRACY_ACCOUNTS = (
    "Democracy Fund, Department of State",
    "National Endowment for Democracy, Department of State",
)

#: Coalition Support Fund reimbursements, US$ million: year -> (value, edition, estimate).
#: FY2002-08: recalled yearly amounts whose sum (6,697) is the CRS total for FY2002-08 in
#: both editions (flagged estimates). FY2013: the 2019 edition's FY2002-13 total (12,125)
#: minus FY2002-12 as in the 2014 edition (10,687) = 1,438, derived (flagged).
CSF: dict[int, tuple[float, str, bool]] = {
    2002: (1169, CRS_2014, True),
    2003: (1247, CRS_2014, True),
    2004: (705, CRS_2014, True),
    2005: (964, CRS_2014, True),
    2006: (862, CRS_2014, True),
    2007: (731, CRS_2014, True),
    2008: (1019, CRS_2014, True),
    2009: (685, CRS_2014, False),
    2010: (1499, CRS_2014, False),
    2011: (1118, CRS_2014, False),
    2012: (688, CRS_2014, False),
    2013: (1438, CRS_2019, True),
    2014: (1198, CRS_2019, False),
    2015: (700, CRS_2019, False),
    2016: (550, CRS_2019, False),
}
#: The older edition's figure where the newer one revised it.
CSF_OLDER: dict[int, tuple[float, str]] = {2013: (353, CRS_2014)}

#: Grand total of overt aid and reimbursements, US$ million: year -> (value, edition, estimate).
#: FY2013 in the 2019 edition: its FY2002-13 total (28,502) minus the 2014 edition's FY2002-12
#: total (25,869) = 2,633, derived (flagged). FY2020 is the request.
TOTAL: dict[int, tuple[float, str, bool]] = {
    2009: (3040, CRS_2014, False),
    2010: (4504, CRS_2014, False),
    2011: (3581, CRS_2014, False),
    2012: (2604, CRS_2014, False),
    2013: (2633, CRS_2019, True),
    2014: (2177, CRS_2019, False),
    2015: (1604, CRS_2019, False),
    2016: (1203, CRS_2019, False),
    2017: (590, CRS_2019, False),
    2018: (108, CRS_2019, False),
    2020: (70, CRS_2019, True),
}
TOTAL_OLDER: dict[int, tuple[float, str]] = {2013: (1548, CRS_2014)}

CRS_NOTES: dict[int, str] = {
    2013: "the 2014 edition (1,548 million in all, 353 CSF) predates final FY2013 figures; "
    "the 2019 edition implies 2,633 million in all and 1,438 CSF (derived from its "
    "cumulative columns); both kept, the newer as the default",
    2017: "no Coalition Support Funds were paid for FY2017 and FY2018 (2019 edition)",
    2018: "no Coalition Support Funds were paid for FY2017 and FY2018 (2019 edition)",
    2019: "the 2019 edition gives no FY2019 figure (request not yet made)",
    2020: "FY2020 is the administration's request, not an appropriation",
}


def build_crs_aid(constant: Callable[[pd.Series, pd.Series], pd.Series]) -> pd.DataFrame:
    """CSF reimbursements and CRS grand totals FY2002-2020, each value with its edition."""
    frame = pd.DataFrame({"year": range(2002, 2021)})
    year = frame["year"]
    frame["csf_current_usd_millions"] = year.map(lambda y: CSF[y][0] if y in CSF else None)
    frame["csf_constant_2020_usd_millions"] = constant(
        frame["csf_current_usd_millions"].astype(float), year
    )
    frame["csf_edition"] = year.map(lambda y: CSF[y][1] if y in CSF else "")
    frame["csf_older_edition_usd_millions"] = year.map(
        lambda y: CSF_OLDER[y][0] if y in CSF_OLDER else None
    )
    frame["total_current_usd_billions"] = year.map(
        lambda y: TOTAL[y][0] / 1000 if y in TOTAL else None
    )
    frame["total_edition"] = year.map(lambda y: TOTAL[y][1] if y in TOTAL else "")
    frame["total_older_edition_usd_billions"] = year.map(
        lambda y: TOTAL_OLDER[y][0] / 1000 if y in TOTAL_OLDER else None
    )
    frame["source"] = CRS_TITLE + "; deflator: U.S. Bureau of Labor Statistics CPI-U"
    frame["estimate"] = [
        int((y in CSF and CSF[y][2]) or (y in TOTAL and TOTAL[y][2])) for y in year
    ]
    notes = []
    for y in year:
        parts = []
        if y <= 2008:
            parts.append(
                "yearly CSF amount recalled from the CRS table (estimate); the FY2002-08 sum, "
                "6,697 million, is the CRS total; FY2002-08 aid and reimbursements together "
                "were 12,140 million (2014 edition)"
            )
        if y in CRS_NOTES:
            parts.append(CRS_NOTES[y])
        notes.append("; ".join(parts))
    frame["note"] = notes
    return frame


def _greenbook_pakistan(path: Path) -> pd.DataFrame:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    header: list[str] | None = None
    rows: list[dict[str, object]] = []
    for values in sheet.iter_rows(values_only=True):
        if header is None:
            if values and values[0] == "Fiscal Year":
                header = [str(v) for v in values]
            continue
        if values[2] == "Pakistan":
            rows.append(dict(zip(header, values, strict=True)))
    book.close()
    if header is None:
        raise SystemExit(f"{path}: no header row starting with 'Fiscal Year'")
    frame = pd.DataFrame(rows)
    # the transition quarter of 1976 (written 1976.9) is folded into FY1976
    frame["year"] = frame["Fiscal Year"].astype(float).astype(int)
    return frame


def build_aid_accounts(
    aid_dir: Path, constant: Callable[[pd.Series, pd.Series], pd.Series]
) -> pd.DataFrame:
    """US aid to Pakistan FY1946-2024: Greenbook economic, military and democracy; FAE totals."""
    green = _greenbook_pakistan(aid_dir / "us_foreignaid_greenbook.xlsx")
    frame = pd.DataFrame({"year": range(1946, 2025)})
    dollars = {
        "current_usd": "Obligations (Historical Dollars)",
        "constant_2020_usd": "Obligations (Constant Dollars)",
    }
    last_green = int(green["year"].max())
    covered = frame["year"].between(1948, last_green)
    for unit, column in dollars.items():
        parts = {
            "economic": green["Assistance Category"] == "Economic",
            "military": green["Assistance Category"] == "Military",
            "democracy": green["Funding Account Name"].isin(DEMOCRACY_ACCOUNTS),
        }
        for name, mask in parts.items():
            sums = green[mask].groupby("year")[column].sum()
            values = frame["year"].map(sums).fillna(0.0).astype(float)
            frame[f"greenbook_{name}_{unit}"] = values.where(covered)
    explorer = pd.read_csv(aid_dir / "us_foreign_aid_country.csv", dtype=str)
    explorer = explorer[
        (explorer["Country Code"] == "PAK") & (explorer["Transaction Type Name"] == "Obligations")
    ].copy()
    explorer["year"] = explorer["Fiscal Year"].str[:4].astype(int)  # 1976tq -> 1976
    fae = explorer.groupby("year")["current_amount"].apply(lambda s: s.astype(float).sum())
    fae_covered = frame["year"].between(1948, int(explorer["year"].max()))
    frame["fae_obligations_current_usd"] = frame["year"].map(fae).fillna(0.0).where(fae_covered)
    frame["fae_obligations_constant_2020_usd"] = constant(
        frame["fae_obligations_current_usd"], frame["year"]
    )
    green_total = (
        frame["greenbook_economic_constant_2020_usd"]
        + frame["greenbook_military_constant_2020_usd"]
    )
    frame["total_constant_2020_usd"] = green_total.where(covered).fillna(
        frame["fae_obligations_constant_2020_usd"]
    )
    frame["total_source"] = [
        "greenbook" if g else ("fae" if f else "")
        for g, f in zip(covered, fae_covered, strict=True)
    ]
    frame["source"] = [
        f"{GREENBOOK} ({GREENBOOK_EDITION}); {EXPLORER} ({EXPLORER_EDITION})"
        if g
        else (f"{EXPLORER} ({EXPLORER_EDITION}); deflator: BLS CPI-U" if f else GREENBOOK)
        for g, f in zip(covered, fae_covered, strict=True)
    ]
    frame["estimate"] = 0
    notes = []
    for y, g, f in zip(frame["year"], covered, fae_covered, strict=True):
        if not f:
            notes.append("before Pakistan's first fiscal year of US aid (FY1948)")
        elif not g:
            notes.append(
                "after the Greenbook's last year (FY2020): the total is the Foreign Aid "
                "Explorer's obligations, deflated with the CPI-U; no economic/military split"
            )
        elif y == 1976:
            notes.append("FY1976 includes the transition quarter (July-September 1976)")
        else:
            notes.append(
                "economic includes democracy (NED and Democracy Fund accounts); a year without "
                "Greenbook rows is 0; total = economic + military (Greenbook constant 2020 "
                "dollars); the two sources are kept side by side"
            )
    frame["note"] = notes
    return frame
