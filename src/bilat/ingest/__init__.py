"""Ingest event data as it is in the wild: GDELT 1.0/2.0, ICEWS, PLOVER/POLECAT, bilat's own.

One reader per format, each streaming its input in blocks and normalising it
inside DuckDB; formats are recognised by content; every row read is stored,
a duplicate, or quarantined with its file, line and reason. See
``docs/ingest.md``.

>>> from bilat.events import EventStore
>>> from bilat.ingest import ingest
>>> with EventStore(":memory:") as store:  # doctest: +SKIP
...     report = ingest(["events.CSV"], store)
"""

from __future__ import annotations

from bilat.ingest._source import Source
from bilat.ingest.core import FileResult, IngestReport, ingest, ingest_source
from bilat.ingest.detect import FORMATS, detect_format, sniff

__all__ = [
    "FORMATS",
    "FileResult",
    "IngestReport",
    "Source",
    "detect_format",
    "ingest",
    "ingest_source",
    "sniff",
]
