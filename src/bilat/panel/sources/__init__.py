"""Readers of the panel's source files, one module per source family.

Each reader takes the build :class:`~bilat.panel.sources._base.Context`, opens its file with the
library made for the format, maps countries to COW codes (quarantining what does not map) and
leaves a DuckDB table ``src_<name>`` keyed by ``(ccode, year)``.  :data:`READERS` lists them in
build order.
"""

from __future__ import annotations

from collections.abc import Callable

from bilat.panel.sources._base import (
    FIRST_YEAR,
    LAST_YEAR,
    QUARANTINE_COLUMNS,
    SOURCE_FILES,
    US_COW,
    Context,
    SourceFile,
    SourceStats,
)
from bilat.panel.sources.aid import DEMOCRACY_ACCOUNTS, read_fae, read_greenbook
from bilat.panel.sources.alliances import read_atop
from bilat.panel.sources.arms import read_sipri
from bilat.panel.sources.disputes import read_cow_mid, read_gml, read_rivalries
from bilat.panel.sources.events import read_icews
from bilat.panel.sources.opinion import read_pew
from bilat.panel.sources.regime import read_democracy
from bilat.panel.sources.sanctions import read_ties
from bilat.panel.sources.trade import read_cow_trade, read_dots
from bilat.panel.sources.troops import read_troops
from bilat.panel.sources.unga import read_idealpoints, read_unvotes

__all__ = [
    "DEMOCRACY_ACCOUNTS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "QUARANTINE_COLUMNS",
    "READERS",
    "SOURCE_FILES",
    "SOURCE_TABLES",
    "US_COW",
    "Context",
    "SourceFile",
    "SourceStats",
]

#: Every reader, in build order, with the DuckDB table it leaves.
READERS: tuple[tuple[str, Callable[[Context], None]], ...] = (
    ("src_democracy", read_democracy),
    ("src_greenbook", read_greenbook),
    ("src_fae", read_fae),
    ("src_unvotes", read_unvotes),
    ("src_ideal", read_idealpoints),
    ("src_atop", read_atop),
    ("src_gml", read_gml),
    ("src_cow_mid", read_cow_mid),
    ("src_rivalry", read_rivalries),
    ("src_ties", read_ties),
    ("src_cow_trade", read_cow_trade),
    ("src_dots", read_dots),
    ("src_icews", read_icews),
    ("src_troops", read_troops),
    ("src_sipri", read_sipri),
    ("src_pew", read_pew),
)

SOURCE_TABLES = tuple(name for name, _ in READERS)
