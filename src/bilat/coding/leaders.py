"""Leaders with their terms of office (``data/bilat.leaders.csv``).

A leader's dictionary entry names the office's actor code; the term of office
dates an event that the text does not date ("President Musharraf handed over
...": within 1999-2008).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from bilat._paths import package_data

__all__ = ["Leader", "leaders"]


@dataclass(frozen=True)
class Leader:
    """A leader: dictionary name, actor code, term of office and its source."""

    name: str
    code: str
    office: str
    start: dt.date
    end: dt.date | None
    source: str


@lru_cache(maxsize=1)
def leaders() -> dict[str, Leader]:
    """Leaders by dictionary name (uppercase words joined by ``_``)."""
    out: dict[str, Leader] = {}
    path = package_data("coding", "data", "bilat.leaders.csv")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            leader = Leader(
                row["name"].upper(),
                row["code"],
                row["office"],
                dt.date.fromisoformat(row["start"]),
                dt.date.fromisoformat(row["end"]) if row["end"] else None,
                row["source"],
            )
            for alias in [row["name"], *row["aliases"].split(";")]:
                if alias.strip():
                    out[alias.strip().upper().replace(" ", "_")] = leader
    return out
