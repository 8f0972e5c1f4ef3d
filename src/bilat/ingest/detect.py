"""Recognise an event file's format by its content, never by its name."""

from __future__ import annotations

import json
import re

from bilat.errors import FormatError
from bilat.events.schema import EVENT_FIELDS
from bilat.ingest._source import Source, decode_line

__all__ = ["FORMATS", "HEAD_SIZE", "TRIED", "detect_format", "read_head", "sniff"]

FORMATS = ("gdelt", "icews", "plover", "bilat")
"""The formats bilat reads."""

HEAD_SIZE = 1 << 16
"""Bytes read from the start of a stream to recognise it."""

TRIED = (
    "gdelt (57, 58 or 61 tab-separated columns, numeric GLOBALEVENTID first), "
    "icews (tab-separated header 'Event ID, Event Date, ..., CAMEO Code'), "
    "plover (JSON or JSON Lines records with PLOVER fields such as event, actor/source, "
    "or POLECAT's tab-separated header 'Event ID, Event Date, Event Type, ...'), "
    "bilat (bilat's own Parquet, CSV or JSON Lines export)"
)

_BILAT_REQUIRED = {f.name for f in EVENT_FIELDS if f.required}
_PLOVER_KEYS = {"event", "actor", "recipient", "source", "target", "eventText", "event_text"}


def read_head(source: Source, size: int = HEAD_SIZE) -> bytes:
    """The first ``size`` decompressed bytes of a source."""
    with source.open() as stream:
        return stream.read(size)


def _first_lines(head: bytes, n: int) -> list[bytes]:
    lines = [line.rstrip(b"\r") for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n")]
    kept = [line for line in lines if line.strip()]
    return kept[:n]


def sniff(head: bytes) -> str | None:
    """The format of a stream from its first bytes, or None when none fits.

    Returns one of :data:`FORMATS`, with ``"bilat"`` also for bilat's Parquet
    (magic ``PAR1``) and ``"polecat"`` folded into ``"plover"``.
    """
    if head.startswith(b"PAR1"):
        return "bilat"
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not stripped:
        return None
    if stripped[:1] in (b"[", b"{"):
        return _sniff_json(stripped)
    lines = _first_lines(head, 3)
    first, _ = decode_line(lines[0])
    if first is None:
        return None
    fields = first.split("\t")
    names = {re.sub(r"[^a-z0-9]", "", f.lower()) for f in fields}
    if first.startswith("Event ID\tEvent Date") or {"eventid", "eventdate"} <= names:
        if "cameocode" in names:
            return "icews"
        if "eventtype" in names:
            return "plover"
    if first.upper().startswith("GLOBALEVENTID\t"):
        return "gdelt"
    for line in _first_lines(head, 5):
        cells = line.split(b"\t")
        if len(cells) in (57, 58, 61) and cells[0].strip().isdigit():
            return "gdelt"  # the first rows may include a malformed one
    commas = {c.strip().strip('"') for c in first.split(",")}
    if commas >= _BILAT_REQUIRED:
        return "bilat"
    return None


def _sniff_json(text: bytes) -> str | None:
    decoded = text.decode("utf-8", errors="replace")
    body = decoded[1:] if decoded.startswith("[") else decoded
    body = body.lstrip()
    try:
        value, _ = json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError:
        # a first record longer than the sniffed head: judge by its keys' names
        keys = set(re.findall(r'"([A-Za-z_]+)"\s*:', body))
        value = dict.fromkeys(keys)
    if not isinstance(value, dict):
        return None
    keys = set(value)
    if keys >= _BILAT_REQUIRED:
        return "bilat"
    if keys & _PLOVER_KEYS and ("event" in keys or "eventText" in keys or "id" in keys):
        return "plover"
    return None


def detect_format(source: Source, head: bytes | None = None) -> str:
    """The format of a source, recognised from its content.

    Raises
    ------
    FormatError
        For an empty file, or one that no reader recognises (naming the
        formats tried).
    """
    data = read_head(source) if head is None else head
    if not data.strip():
        raise FormatError("the file is empty: there are no rows to ingest", file=source.name)
    found = sniff(data)
    if found is None:
        kind = "binary data" if b"\x00" in data[:4096] else "text"
        raise FormatError(
            f"not a known event format ({kind}); tried {TRIED}. Give --format to force a reader.",
            file=source.name,
        )
    return found
