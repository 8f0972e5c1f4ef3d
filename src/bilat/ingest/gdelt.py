"""GDELT event files: 1.0 (57 and 58 columns) and 2.0 exports (61 columns).

GDELT event files are tab-separated with no header (a header row of GDELT's
column names, as some tools write it, is recognised and skipped):

* 57 columns: the GDELT 1.0 backfile (1979 to March 2013), no SOURCEURL;
* 58 columns: GDELT 1.0 daily files (from 1 April 2013), with SOURCEURL;
* 61 columns: GDELT 2.0 exports, English and translingual alike (ADM2 codes
  added after each ADM1, so DATEADDED and SOURCEURL move to columns 60 and 61).

Widths may be mixed within one file. The first 35 columns are the same in all
three layouts (codebooks: ``gdeltPyR/events1.csv`` and ``events2.csv``).

Normalisation: SQLDATE (not DATEADDED) is the date; EventCode stays text;
QuadClass and GoldsteinScale come from the record; Actor1/2CountryCode (CAMEO
country codes) map to ISO3; Actor1/2Type1Code give the sector; NumMentions is
the weight. Ids are ``gdelt1:{GLOBALEVENTID}`` and ``gdelt2:{GLOBALEVENTID}``
(datasets ``gdelt1`` and ``gdelt2``): bilat does not assume that the two
versions share one id space.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from bilat.ingest._delimited import Layout, read_delimited
from bilat.ingest._normalise import Check, RawBlock

__all__ = ["CHECKS", "NAMES", "SQL", "WIDTHS", "read_raw"]

WIDTHS = (57, 58, 61)
"""The column counts of GDELT event rows."""

_SHARED = {
    "gid": 0,
    "sqldate": 1,
    "a1code": 5,
    "a1name": 6,
    "a1country": 7,
    "a1type": 12,
    "a2code": 15,
    "a2name": 16,
    "a2country": 17,
    "a2type": 22,
    "eventcode": 26,
    "quad": 29,
    "goldstein": 30,
    "mentions": 31,
}
NAMES = (*_SHARED, "url")
"""The raw columns taken from each row."""

_LAYOUTS = {
    57: Layout(57, {**_SHARED, "url": None}),
    58: Layout(58, {**_SHARED, "url": 57}),
    61: Layout(61, {**_SHARED, "url": 60}),
}

CHECKS = {
    "gid": Check("GLOBALEVENTID", "GLOBALEVENTID {value!r} is not a whole number"),
    "sqldate": Check("SQLDATE", "SQLDATE {value!r} is not a real date in YYYYMMDD form"),
    "quad": Check("QuadClass", "QuadClass {value!r} is not 1, 2, 3 or 4"),
    "goldstein": Check("GoldsteinScale", "GoldsteinScale {value!r} is not a number in [-10, 10]"),
    "mentions": Check("NumMentions", "NumMentions {value!r} is not a whole number >= 0"),
    "eventcode": Check("EventCode", "EventCode is empty"),
}

SQL = r"""
WITH r AS (
    SELECT *,
        CASE WHEN width = 61 THEN '2' ELSE '1' END AS v,
        regexp_full_match(gid, '[0-9]{1,19}') AS gid_ok,
        CASE WHEN length(sqldate) = 8 THEN CAST(TRY_STRPTIME(sqldate, '%Y%m%d') AS DATE) END AS d,
        TRY_CAST(NULLIF(quad, '') AS INTEGER) AS q,
        TRY_CAST(NULLIF(goldstein, '') AS DOUBLE) AS g,
        TRY_CAST(NULLIF(mentions, '') AS DOUBLE) AS m
    FROM _bilat_raw
)
SELECT
    line,
    'gdelt' || v || ':' || gid AS id,
    d AS date,
    CAST(NULL AS DATE) AS date_end,
    'day' AS date_precision,
    NULLIF(a1code, '') AS actor_code,
    NULLIF(a1country, '') AS actor_country_key,
    NULLIF(a1type, '') AS actor_sector_key,
    NULLIF(a1name, '') AS actor_text,
    NULLIF(a2code, '') AS recipient_code,
    NULLIF(a2country, '') AS recipient_country_key,
    NULLIF(a2type, '') AS recipient_sector_key,
    NULLIF(a2name, '') AS recipient_text,
    NULLIF(eventcode, '') AS cameo,
    CAST(NULL AS VARCHAR) AS plover_key,
    CAST(NULL AS VARCHAR) AS event_src,
    CAST(NULL AS VARCHAR) AS mode_src,
    CAST(NULL AS VARCHAR) AS context_src,
    q AS quad_src,
    g AS goldstein_src,
    m AS weight,
    'gdelt' || v AS dataset,
    gid AS source_id,
    CAST(NULL AS VARCHAR) AS doc_id,
    CAST(NULL AS VARCHAR) AS sentence,
    CAST(NULL AS VARCHAR) AS span,
    NULLIF(url, '') AS url,
    'GDELT ' || v || '.0 event ' || gid AS citation,
    'reported' AS modality,
    CASE
        WHEN NOT gid_ok THEN 'gid'
        WHEN d IS NULL THEN 'sqldate'
        WHEN eventcode = '' THEN 'eventcode'
        WHEN quad <> '' AND coalesce(q NOT BETWEEN 1 AND 4, true) THEN 'quad'
        WHEN goldstein <> '' AND coalesce(NOT (g BETWEEN -10 AND 10), true) THEN 'goldstein'
        WHEN mentions <> '' AND coalesce(m < 0 OR m <> floor(m), true) THEN 'mentions'
    END AS _check,
    CASE
        WHEN NOT gid_ok THEN gid
        WHEN d IS NULL THEN sqldate
        WHEN quad <> '' AND coalesce(q NOT BETWEEN 1 AND 4, true) THEN quad
        WHEN goldstein <> '' AND coalesce(NOT (g BETWEEN -10 AND 10), true) THEN goldstein
        ELSE mentions
    END AS _value
FROM r
"""
"""Raw GDELT fields to candidate event rows (see :mod:`bilat.ingest._normalise`)."""


def read_raw(
    stream: IO[bytes],
    *,
    head: bytes,
    digest: object = None,
) -> Iterator[RawBlock]:
    """Read a GDELT event stream into raw blocks (mixed widths allowed).

    ``head`` is the start of the stream, to spot a header row.
    """
    skip = head.lstrip(b"\xef\xbb\xbf")[:13].upper() == b"GLOBALEVENTID"
    yield from read_delimited(
        stream,
        _LAYOUTS,
        NAMES,
        digest=digest,
        skip_header=skip,
        expected="57 or 58 (GDELT 1.0) or 61 (GDELT 2.0)",
    )
