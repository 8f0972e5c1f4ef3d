"""ICEWS coded-event files: tab-separated, 20 named columns, one header line.

The columns (Harvard Dataverse doi:10.7910/DVN/28075) are: Event ID, Event
Date, Source Name, Source Sectors, Source Country, Event Text, CAMEO Code,
Intensity, Target Name, Target Sectors, Target Country, Story ID, Sentence
Number, Publisher, City, District, Province, Country, Latitude, Longitude.
Columns are found by header name, so their order may vary.

Traps handled: Event ID alone is not unique, so the id is
``icews:{Event ID}:{Event Date}``; dates come as ISO (2018-06-01) or m/d/Y
(6/1/2018, in the 2017 file); countries are full names, mapped to ISO3; sectors
are comma lists, mapped to one bilat sector; files are Latin-1 (each line is
decoded as UTF-8 when valid, else Windows-1252/Latin-1); ``NA`` and empty
fields are missing. Intensity is the record's Goldstein value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from bilat.errors import FormatError
from bilat.ingest._delimited import Layout, read_delimited
from bilat.ingest._normalise import Check, RawBlock
from bilat.ingest._source import decode_line

__all__ = ["CHECKS", "COLUMNS", "NAMES", "SQL", "read_raw"]

COLUMNS = {
    "event_id": "Event ID",
    "event_date": "Event Date",
    "source_name": "Source Name",
    "source_sectors": "Source Sectors",
    "source_country": "Source Country",
    "cameo": "CAMEO Code",
    "intensity": "Intensity",
    "target_name": "Target Name",
    "target_sectors": "Target Sectors",
    "target_country": "Target Country",
    "story_id": "Story ID",
    "sentence_number": "Sentence Number",
    "publisher": "Publisher",
}
"""Raw column name -> ICEWS header name (the columns bilat reads)."""

NAMES = tuple(COLUMNS)
_REQUIRED = ("event_id", "event_date", "cameo")

CHECKS = {
    "event_id": Check("Event ID", "Event ID is empty"),
    "event_date": Check("Event Date", "Event Date {value!r} is not a real date (Y-m-d or m/d/Y)"),
    "cameo_empty": Check("CAMEO Code", "CAMEO Code is empty"),
    "intensity": Check("Intensity", "Intensity {value!r} is not a number in [-10, 10]"),
}


def _na(col: str) -> str:
    return f"CASE WHEN {col} IN ('', 'NA') THEN NULL ELSE {col} END"


_CLEAN = ", ".join(f"{_na(c)} AS {c}" for c in NAMES)

SQL = f"""
WITH r AS (
    SELECT line, {_CLEAN},
        CAST(coalesce(TRY_STRPTIME(event_date, '%Y-%m-%d'),
                      TRY_STRPTIME(event_date, '%m/%d/%Y')) AS DATE) AS d,
        TRY_CAST(intensity AS DOUBLE) AS g
    FROM _bilat_raw
)
SELECT
    line,
    'icews:' || event_id || ':' || coalesce(strftime(d, '%Y-%m-%d'), event_date) AS id,
    d AS date,
    CAST(NULL AS DATE) AS date_end,
    'day' AS date_precision,
    CAST(NULL AS VARCHAR) AS actor_code,
    source_country AS actor_country_key,
    source_sectors AS actor_sector_key,
    source_name AS actor_text,
    CAST(NULL AS VARCHAR) AS recipient_code,
    target_country AS recipient_country_key,
    target_sectors AS recipient_sector_key,
    target_name AS recipient_text,
    cameo,
    CAST(NULL AS VARCHAR) AS plover_key,
    CAST(NULL AS VARCHAR) AS event_src,
    CAST(NULL AS VARCHAR) AS mode_src,
    CAST(NULL AS VARCHAR) AS context_src,
    CAST(NULL AS INTEGER) AS quad_src,
    g AS goldstein_src,
    1.0 AS weight,
    'icews' AS dataset,
    event_id AS source_id,
    story_id AS doc_id,
    CAST(NULL AS VARCHAR) AS sentence,
    CAST(NULL AS VARCHAR) AS span,
    CAST(NULL AS VARCHAR) AS url,
    concat_ws(', ', publisher, 'ICEWS story ' || story_id, 'sentence ' || sentence_number)
        AS citation,
    'reported' AS modality,
    CASE
        WHEN event_id IS NULL THEN 'event_id'
        WHEN d IS NULL THEN 'event_date'
        WHEN cameo IS NULL THEN 'cameo_empty'
        WHEN intensity IS NOT NULL AND coalesce(NOT (g BETWEEN -10 AND 10), true)
            THEN 'intensity'
    END AS _check,
    CASE WHEN d IS NULL THEN event_date ELSE intensity END AS _value
FROM r
"""
"""Raw ICEWS fields to candidate event rows."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_layout(header: bytes) -> Layout:
    """The layout of an ICEWS file from its header line.

    Raises
    ------
    FormatError
        When a column bilat needs is missing, naming it and the columns found.
    """
    text, _ = decode_line(header.rstrip(b"\r\n").lstrip(b"\xef\xbb\xbf"))
    fields = (text or "").split("\t")
    index = {_norm(name): i for i, name in enumerate(fields)}
    columns: dict[str, int | None] = {}
    missing = []
    for raw, label in COLUMNS.items():
        found = index.get(_norm(label))
        if found is None and raw in _REQUIRED:
            missing.append(label)
        columns[raw] = found
    if missing:
        raise FormatError(
            f"an ICEWS header lacks the column(s) {', '.join(missing)}; found: "
            + ", ".join(fields[:25]),
            line=1,
        )
    return Layout(len(fields), columns)


def read_raw(
    stream: IO[bytes],
    *,
    head: bytes,
    digest: object = None,
) -> Iterator[RawBlock]:
    """Read an ICEWS event stream into raw blocks; ``head`` holds its header line."""
    layout = header_layout(head.split(b"\n", 1)[0])
    yield from read_delimited(
        stream,
        {layout.width: layout},
        NAMES,
        digest=digest,
        skip_header=True,
        expected=f"{layout.width} (the header's columns)",
    )
