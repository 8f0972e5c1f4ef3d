"""The built-in US-Pakistan record: sourced events 1947-2025, annual series and claims.

Data files (in ``bilat/record/data``, each item with its citation):

* ``events.csv`` - dated events between the US, Pakistan and the neighbours and
  groups that matter; CAMEO codes as text, the rest derived through
  :mod:`bilat.ontology` when loading; ``reacts_to`` and ``distinct_from``
  link events (see :func:`links`).
* ``series/*.csv`` - annual series (aid, sanctions, regime, alliances, UN votes,
  China's support), one row per year with ``source`` and ``estimate``.
* ``claims.csv`` - the seed article's claims mapped to the events and series
  that test them.

``docs/record.md`` describes the sources and the estimate policy.
"""

from __future__ import annotations

from bilat.record._chronology import (
    EVENTS_FILE,
    LINK_COLUMNS,
    RECORD_DATASET,
    events,
    links,
    load,
)
from bilat.record._claims import claims
from bilat.record._series import SERIES_DESCRIPTIONS, series, series_names

__all__ = [
    "EVENTS_FILE",
    "LINK_COLUMNS",
    "RECORD_DATASET",
    "SERIES_DESCRIPTIONS",
    "claims",
    "events",
    "links",
    "load",
    "series",
    "series_names",
]
