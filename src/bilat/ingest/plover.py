"""PLOVER records (JSON and JSON Lines) and POLECAT's tab-separated files.

PLOVER JSON comes with two sets of field names, both read:

* the 2021 manual's: ``actor``, ``recipient``, ``event``, ``mode``, ``context``,
  ``event_text``, ...;
* the 0.5b1 names of the gold-standard file ``PLOVER_GSR_CAMEO.txt``:
  ``source`` and ``target`` (lists of ``{"actorText", "code", "sector"}``),
  ``eventText``, ``textInfo``, ``dateCoded``.

A file may be a JSON array (read as a stream, one record at a time), JSON
Lines, or concatenated objects. An actor may be text, an object or a list of
objects (the first gives the code, country and sector; all names are kept in
``actor_text``). The PLOVER event category maps to a CAMEO root through the
ontology (old categories such as DEMAND and FIGHT included) unless the record
carries a CAMEO code. A ``DOCUMENT`` record documents the file, not an event:
it is counted and quarantined with that reason.

POLECAT's weekly tab-separated files (header ``Event ID, Event Date, Event
Type, Event Mode, Intensity, Quad Code, Contexts, Actor Name, Actor Country,
...``) have two known malformations, both handled: a header naming an extra
``Headline`` column that the rows lack, and stray tabs inside fields (a row
with more fields than the header is quarantined with that reason). POLECAT's
own Intensity scale is not CAMEO's Goldstein scale, so Goldstein values come
from the ontology's table for the mapped root.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

import pyarrow as pa

from bilat.errors import FormatError
from bilat.events.schema import content_id
from bilat.ingest._delimited import Layout, read_delimited
from bilat.ingest._json import OVERSIZED, iter_json
from bilat.ingest._normalise import Check, RawBlock
from bilat.ingest._source import decode_line

__all__ = [
    "CHECKS",
    "NAMES",
    "OVERSIZED",
    "POLECAT_COLUMNS",
    "POLECAT_SQL",
    "SQL",
    "iter_json",
    "polecat_layout",
    "read_json_raw",
    "read_polecat_raw",
    "record_fields",
]

NAMES = (
    "id",
    "date",
    "actor_code",
    "actor_country",
    "actor_sector",
    "actor_text",
    "recipient_code",
    "recipient_country",
    "recipient_sector",
    "recipient_text",
    "event",
    "mode",
    "context",
    "cameo",
    "goldstein",
    "sentence",
    "url",
    "doc_id",
    "citation",
    "dataset",
    "source_id",
    "pre_check",
    "pre_value",
)
"""The raw columns of a PLOVER record."""

CHECKS = {
    "document": Check("event", "a DOCUMENT record documents the file; it is not an event"),
    "object": Check("record", "not a JSON object: {value}"),
    "json": Check("record", "not valid JSON: {value}"),
    "oversized": Check("record", "{value}"),
    "plover_date": Check("date", "date {value!r} is not a real date (YYYY-MM-DD)"),
    "plover_goldstein": Check("goldstein", "goldstein {value!r} is not a number in [-10, 10]"),
}

_DATE = "_d"

SQL = f"""
SELECT
    line,
    NULLIF(id, '') AS id,
    {_DATE} AS date,
    CAST(NULL AS DATE) AS date_end,
    'day' AS date_precision,
    NULLIF(actor_code, '') AS actor_code,
    NULLIF(coalesce(NULLIF(actor_country, ''), actor_code), '') AS actor_country_key,
    NULLIF(actor_sector, '') AS actor_sector_key,
    NULLIF(actor_text, '') AS actor_text,
    NULLIF(recipient_code, '') AS recipient_code,
    NULLIF(coalesce(NULLIF(recipient_country, ''), recipient_code), '') AS recipient_country_key,
    NULLIF(recipient_sector, '') AS recipient_sector_key,
    NULLIF(recipient_text, '') AS recipient_text,
    NULLIF(cameo, '') AS cameo,
    CASE WHEN NULLIF(cameo, '') IS NULL THEN upper(trim(NULLIF(event, ''))) END AS plover_key,
    upper(trim(NULLIF(event, ''))) AS event_src,
    NULLIF(trim(mode), '') AS mode_src,
    NULLIF(trim(context), '') AS context_src,
    CAST(NULL AS INTEGER) AS quad_src,
    TRY_CAST(NULLIF(goldstein, '') AS DOUBLE) AS goldstein_src,
    1.0 AS weight,
    coalesce(dataset, 'plover') AS dataset,
    coalesce(NULLIF(source_id, ''), NULLIF(id, '')) AS source_id,
    NULLIF(doc_id, '') AS doc_id,
    NULLIF(sentence, '') AS sentence,
    CAST(NULL AS VARCHAR) AS span,
    NULLIF(url, '') AS url,
    NULLIF(citation, '') AS citation,
    'reported' AS modality,
    CASE
        WHEN pre_check IS NOT NULL THEN pre_check
        WHEN {_DATE} IS NULL THEN 'plover_date'
        WHEN NULLIF(goldstein, '') IS NOT NULL AND coalesce(
            NOT (TRY_CAST(goldstein AS DOUBLE) BETWEEN -10 AND 10), true) THEN 'plover_goldstein'
    END AS _check,
    CASE
        WHEN pre_check IS NOT NULL THEN pre_value
        WHEN {_DATE} IS NULL THEN date
        ELSE goldstein
    END AS _value
FROM (SELECT *, TRY_CAST(left(NULLIF(date, ''), 10) AS DATE) AS _d FROM _bilat_raw)
"""
"""Raw PLOVER fields to candidate event rows."""


# -- JSON -------------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        parts = [_text(v) for v in value]
        joined = ",".join(p for p in parts if p)
        return joined or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value).strip()
    return text or None


_NAME_KEYS = ("actorText", "actor_text", "text", "name", "actor", "actor_name")
_CODE_KEYS = ("code", "actor_code", "cameo_code")
_COUNTRY_KEYS = ("country", "actor_country", "iso3", "country_code")
_SECTOR_KEYS = ("sector", "actor_sector", "sectors", "agent", "primary_sector")


def _first(obj: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if key in obj:
            found = _text(obj[key])
            if found:
                return found
    return None


def _actor(value: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(code, country, sector, text) of an actor given as text, an object or a list."""
    if isinstance(value, list):
        items = [v for v in value if v not in (None, "")]
        if not items:
            return None, None, None, None
        code, country, sector, _ = _actor(items[0])
        names = [_actor(v)[3] for v in items]
        return code, country, sector, "; ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return (
            _first(value, _CODE_KEYS),
            _first(value, _COUNTRY_KEYS),
            _first(value, _SECTOR_KEYS),
            _first(value, _NAME_KEYS),
        )
    return None, None, None, _text(value)


def record_fields(record: Mapping[str, Any], dataset: str = "plover") -> dict[str, str | None]:
    """The raw columns (:data:`NAMES`) of one PLOVER record, old or new field names."""
    new = "actor" in record or "recipient" in record
    who = record.get("actor") if new else record.get("source")
    whom = record.get("recipient") if new else record.get("target")
    a_code, a_country, a_sector, a_text = _actor(who)
    r_code, r_country, r_sector, r_text = _actor(whom)
    a_code = _text(record.get("actor_code")) or a_code
    a_country = _text(record.get("actor_country")) or a_country
    a_sector = _text(record.get("actor_sector")) or a_sector
    r_code = _text(record.get("recipient_code")) or r_code
    r_country = _text(record.get("recipient_country")) or r_country
    r_sector = _text(record.get("recipient_sector")) or r_sector
    event = _text(record.get("event"))
    citation = _text(record.get("publication")) or _text(record.get("publisher"))
    if new and citation is None:
        citation = _text(record.get("source"))
    rid = _text(record.get("id"))
    if rid is None:
        rid = content_id(dict(record), dataset)
    out: dict[str, str | None] = {
        "id": rid,
        "date": _text(record.get("date") or record.get("event_date") or record.get("story_date")),
        "actor_code": a_code,
        "actor_country": a_country,
        "actor_sector": a_sector,
        "actor_text": a_text,
        "recipient_code": r_code,
        "recipient_country": r_country,
        "recipient_sector": r_sector,
        "recipient_text": r_text,
        "event": event,
        "mode": _text(record.get("mode")),
        "context": _text(record.get("context") or record.get("contexts")),
        "cameo": _text(record.get("cameo") or record.get("cameo_code")),
        "goldstein": _text(record.get("goldstein")),
        "sentence": _text(record.get("text") or record.get("sentence")),
        "url": _text(record.get("url") or record.get("source_url")),
        "doc_id": _text(record.get("doc_id") or record.get("story_id") or record.get("article_id")),
        "citation": citation,
        "dataset": dataset,
        "source_id": rid,
        "pre_check": None,
        "pre_value": None,
    }
    if event is not None and event.upper() == "DOCUMENT":
        out["pre_check"] = "document"
        out["pre_value"] = event
    return out


def read_json_raw(
    stream: IO[bytes],
    *,
    head: bytes = b"",
    digest: Any = None,
    batch: int = 20_000,
) -> Iterator[RawBlock]:
    """Read PLOVER JSON or JSON Lines into raw blocks of at most ``batch`` records."""
    rows: list[dict[str, str | None]] = []
    lines: list[int] = []
    raws: dict[int, str] = {}
    seen: dict[str, str] = {}
    for line, value, raw, error in iter_json(stream, digest):
        if error is not None:
            fields = dict.fromkeys(NAMES)
            check = "oversized" if error == OVERSIZED else "json"
            fields.update(pre_check=check, pre_value=error, id=f"line {line}")
        elif not isinstance(value, dict):
            fields = dict.fromkeys(NAMES)
            fields.update(pre_check="object", pre_value=type(value).__name__, id=f"line {line}")
        else:
            fields = record_fields(value)
            _unique_id(fields, value, seen)
        rows.append(fields)
        lines.append(line)
        raws[line] = raw
        if len(rows) >= batch:
            yield _json_block(rows, lines, raws)
            rows, lines, raws = [], [], {}
    if rows:
        yield _json_block(rows, lines, raws)


def _unique_id(fields: dict[str, str | None], record: Any, seen: dict[str, str]) -> None:
    """Give a record whose id was already used in the file by a *different* record its own id.

    ``PLOVER_GSR_CAMEO.txt`` has two different events under one id; keeping the
    id would make the second a duplicate and drop it. The second gets
    ``{id}~{content hash}`` (stable across runs); exact repeats keep the id and
    count as duplicates; ``source_id`` keeps the file's id.
    """
    rid = fields["id"]
    if rid is None:
        return
    digest = hashlib.sha256(
        json.dumps(record, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()[:12]
    first = seen.setdefault(rid, digest)
    if first != digest:
        fields["id"] = f"{rid}~{digest}"


def _json_block(
    rows: list[dict[str, str | None]], lines: list[int], raws: dict[int, str]
) -> RawBlock:
    columns: dict[str, pa.Array] = {"line": pa.array(lines, pa.int64())}
    for name in NAMES:
        columns[name] = pa.array([r[name] for r in rows], pa.string())
    return RawBlock(pa.table(columns), lambda n: raws.get(n, ""))


# -- POLECAT ----------------------------------------------------------------------------------
POLECAT_COLUMNS = {
    "id": ("Event ID",),
    "date": ("Event Date",),
    "event": ("Event Type",),
    "mode": ("Event Mode",),
    "context": ("Contexts", "Context"),
    "actor_text": ("Actor Name",),
    "actor_country": ("Actor Country",),
    "actor_sector": ("Primary Actor Sector", "Actor Sectors"),
    "recipient_text": ("Recipient Name",),
    "recipient_country": ("Recipient Country",),
    "recipient_sector": ("Primary Recipient Sector", "Recipient Sectors"),
    "citation": ("Source", "Publisher"),
    "url": ("URL", "Source URL"),
    "doc_id": ("Story ID", "Article ID"),
}
"""Raw column -> the POLECAT header names it may have (first found wins)."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def polecat_layout(header: bytes, first_row: bytes | None) -> tuple[Layout, bool]:
    """The layout of a POLECAT file, and whether the header's extra Headline was dropped.

    Raises
    ------
    FormatError
        When the header lacks Event ID, Event Date or Event Type.
    """
    text, _ = decode_line(header.rstrip(b"\r\n").lstrip(b"\xef\xbb\xbf"))
    fields = (text or "").split("\t")
    dropped = False
    if first_row is not None and any(_norm(f) == "headline" for f in fields):
        row_width = first_row.rstrip(b"\r\n").count(b"\t") + 1
        if row_width == len(fields) - 1:
            fields = [f for f in fields if _norm(f) != "headline"]
            dropped = True
    index: dict[str, int] = {}
    for i, name in enumerate(fields):
        index.setdefault(_norm(name), i)
    columns: dict[str, int | None] = dict.fromkeys(NAMES)
    for raw, labels in POLECAT_COLUMNS.items():
        for label in labels:
            if _norm(label) in index:
                columns[raw] = index[_norm(label)]
                break
    missing = [POLECAT_COLUMNS[k][0] for k in ("id", "date", "event") if columns[k] is None]
    if missing:
        raise FormatError(
            f"a POLECAT header lacks the column(s) {', '.join(missing)}; found: "
            + ", ".join(fields[:45]),
            line=1,
        )
    return Layout(len(fields), columns), dropped


POLECAT_SQL = SQL.replace("coalesce(dataset, 'plover')", "'polecat'")
"""Raw POLECAT fields to candidate rows: as PLOVER, with dataset ``polecat``."""


def read_polecat_raw(
    stream: IO[bytes],
    *,
    head: bytes,
    digest: Any = None,
) -> Iterator[RawBlock]:
    """Read a POLECAT tab-separated stream into raw blocks; ``head`` holds its first lines."""
    lines = head.split(b"\n")
    first_row = lines[1] if len(lines) > 2 or (len(lines) == 2 and lines[1]) else None
    layout, _ = polecat_layout(lines[0], first_row)
    for block in read_delimited(
        stream,
        {layout.width: layout},
        NAMES,
        digest=digest,
        skip_header=True,
        expected=f"{layout.width} (the header's columns; a stray tab inside a field?)",
    ):
        yield RawBlock(block.table.drop_columns(["width"]), block.raw_line, block.quarantine)
