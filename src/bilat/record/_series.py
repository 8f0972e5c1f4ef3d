"""The record's annual series: one CSV per series in ``bilat/record/data/series``."""

from __future__ import annotations

import functools

import pandas as pd

from bilat._paths import package_data
from bilat.errors import UnknownCodeError
from bilat.ontology import nearest

__all__ = ["SERIES_DESCRIPTIONS", "series", "series_names"]

#: What each series holds (one row per year; every row has ``source``, ``estimate``, ``note``).
SERIES_DESCRIPTIONS: dict[str, str] = {
    "aid_accounts": "US aid by fiscal year 1946-2024: Greenbook economic, military and "
    "democracy obligations (to FY2020, current and constant 2020 dollars), Foreign Aid Explorer "
    "totals (to FY2024), and a default total with its source",
    "aid_crs": "Coalition Support Fund reimbursements FY2002-16 and CRS totals of aid and "
    "reimbursements FY2009-20, each with its CRS edition (the older edition kept where revised)",
    "aid_greenbook": "US economic aid by fiscal year 1946-2010 (Greenbook, units undocumented) "
    "and the partial Department of Defense line",
    "aid_obligations": "total US aid obligations 1978-2017, current and constant 2020 dollars",
    "alliance": "treaty memberships (1954 agreement, SEATO, CENTO, 1959 agreement, MNNA) and "
    "ATOP codes 1947-2025",
    "china_support": "indicators of China's support for Pakistan 1963-2025",
    "cpi_u": "US CPI-U annual averages 1947-2024, the deflator",
    "regime": "Pakistan's ruler, ruler type and martial law at year end, Polity2 and V-Dem "
    "1947-2025",
    "sanctions": "US sanction programmes on Pakistan by year with the TIES cases, 1947-2025",
    "unga_agreement": "UN General Assembly voting agreement of Pakistan with the US 1947-2020",
}

_TEXT = {
    "source",
    "note",
    "csf_edition",
    "total_edition",
    "total_source",
    "ties_cases",
    "ruler",
    "ruler_title",
    "ruler_type",
    "convention",
    "used",
    "arms_embargo",
    "symington",
    "pressler",
    "glenn",
    "section_508",
    "missile",
    "security_assistance_2018",
}


def series_names() -> list[str]:
    """The names of the shipped series, sorted."""
    return sorted(SERIES_DESCRIPTIONS)


@functools.cache
def _read(name: str) -> pd.DataFrame:
    path = package_data("record", "data", "series", f"{name}.csv")
    header = pd.read_csv(path, nrows=0).columns
    frame = pd.read_csv(path, dtype={c: str for c in header if c in _TEXT})
    for column in header:
        if column in _TEXT:
            frame[column] = frame[column].fillna("")
    frame["year"] = frame["year"].astype(int)
    frame["estimate"] = frame["estimate"].astype(bool)
    return frame


def series(name: str | None = None) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """One annual series as a frame, or every series as a dict of frames.

    Parameters
    ----------
    name:
        One of :func:`series_names`; ``None`` returns them all.

    Returns
    -------
    pandas.DataFrame or dict of str to pandas.DataFrame
        One row per year (``year``, int, contiguous), the series' value
        columns, ``source`` (the dataset or work each row comes from),
        ``estimate`` (bool) and ``note``. Dollar columns say ``current`` or
        ``constant_2020`` in their names.

    Raises
    ------
    UnknownCodeError
        For an unknown name, with the nearest valid names.
    """
    if name is None:
        return {n: _read(n).copy() for n in series_names()}
    if name not in SERIES_DESCRIPTIONS:
        raise UnknownCodeError("series", name, nearest(name, series_names()) or series_names())
    return _read(name).copy()
