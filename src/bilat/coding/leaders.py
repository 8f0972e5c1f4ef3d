"""Leaders with their terms of office (``data/bilat.leaders.csv``).

A leader's dictionary entry names the office's actor code; the term of office
dates an event that the text does not date ("President Musharraf handed over
...": within 1999-2008). A leader with several terms has one row per term.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from bilat._paths import package_data

__all__ = ["Leader", "leaders", "terms"]


@dataclass(frozen=True)
class Leader:
    """A leader's term: dictionary name, actor code, dates, source and aliases."""

    name: str
    code: str
    office: str
    start: dt.date
    end: dt.date | None
    source: str
    aliases: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def terms() -> dict[str, list[Leader]]:
    """Every term of office by leader name (uppercase words joined by ``_``), oldest first."""
    out: dict[str, list[Leader]] = {}
    path = package_data("coding", "data", "bilat.leaders.csv")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            aliases = tuple(a.strip().upper() for a in row["aliases"].split(";") if a.strip())
            leader = Leader(
                row["name"].upper(),
                row["code"],
                row["office"],
                dt.date.fromisoformat(row["start"]),
                dt.date.fromisoformat(row["end"]) if row["end"] else None,
                row["source"],
                aliases,
            )
            out.setdefault(leader.name, []).append(leader)
    for rows in out.values():
        rows.sort(key=lambda t: t.start)
    return out


@lru_cache(maxsize=1)
def leaders() -> dict[str, Leader]:
    """Leaders by dictionary name or alias: the first term of each (see :func:`terms`)."""
    out: dict[str, Leader] = {}
    for rows in terms().values():
        first = rows[0]
        for alias in (first.name, *first.aliases):
            out.setdefault(alias.replace(" ", "_"), first)
    return out
