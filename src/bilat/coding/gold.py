"""Read gold records for :mod:`bilat.coding.evaluate`, each file as it is.

* PETRARCH XML validation files (not well-formed XML: split leniently on
  ``<Sentence``; ``evaluate="false"`` records and categories left out of the
  file's ``<Include>`` are skipped, as UD-PETRARCH's validation script does);
* the flat JSONL files derived from them (and from the PLOVER gold standard);
* the PLOVER gold standard's own JSON array file ``PLOVER_GSR_CAMEO.txt``;
* ConfliBERT's ``cameo_class`` TSV (a 5-way label per sentence).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.errors import FormatError, InputError

__all__ = ["PLOVER_OLD_TO_NEW", "GoldRecord", "read_gold"]

PLOVER_OLD_TO_NEW = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "INVESTIGATE": "ACCUSE",
    "COOPERATE": "COOPERATE",
    "SUPPORT": "SUPPORT",
}


@dataclass
class GoldRecord:
    """One gold record: text, date, category and expected triples (or a label)."""

    id: str
    text: str
    date: dt.date | None = None
    category: str = ""
    events: list[tuple[str, str, str]] = field(default_factory=list)
    kind: str = "triples"
    label: str | None = None
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    try:
        if len(digits) == 8:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return None


def _read_xml(path: Path, respect_include: bool) -> list[GoldRecord]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    include: set[str] | None = None
    found = re.search(r"<Include>([^<]*)", raw)
    if found and respect_include:
        include = {w.upper() for w in found.group(1).split()}
    out = []
    for chunk in raw.split("<Sentence")[1:]:
        head = chunk[: chunk.find(">")]
        attrs = dict(_ATTR.findall(head))
        if "id" not in attrs:
            continue
        if respect_include and attrs.get("evaluate", "true").lower() == "false":
            continue
        category = attrs.get("category", "") or attrs["id"].split("-")[0]
        if include is not None and category.upper() not in include:
            continue
        text_match = re.search(r"<Text>(.*?)</Text>", chunk, re.DOTALL)
        if text_match is None:
            continue
        text = " ".join(html.unescape(text_match.group(1)).split())
        events = []
        for coding in re.findall(r"<EventCoding\b([^>]*)>", chunk):
            a = dict(_ATTR.findall(coding))
            if {"sourcecode", "targetcode", "eventcode"} <= set(a):
                events.append(
                    (
                        html.unescape(a["sourcecode"]),
                        html.unescape(a["targetcode"]),
                        html.unescape(a["eventcode"]),
                    )
                )
        out.append(GoldRecord(attrs["id"], text, _date(attrs.get("date")), category, events))
    return out


def _read_jsonl(path: Path) -> list[GoldRecord]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise FormatError(f"not JSON: {err.msg}", file=path, line=n) from err
            text = " ".join(str(row.get("text", "")).split())
            if "events" in row:
                events = [
                    (html.unescape(e["source"]), html.unescape(e["target"]), e["code"])
                    for e in row["events"]
                ]
                out.append(
                    GoldRecord(
                        str(row.get("id", n)),
                        text,
                        _date(row.get("date")),
                        row.get("category") or str(row.get("id", "")).split("-")[0],
                        events,
                    )
                )
            elif "event" in row:
                record = _plover_record(row, n)
                if record is not None:
                    out.append(record)
            else:
                raise FormatError(
                    "a gold JSONL row needs 'events' (PETRARCH triples) or 'event' (PLOVER)",
                    file=path,
                    line=n,
                )
    return out


def _plover_record(row: dict[str, Any], n: int) -> GoldRecord | None:
    """A PLOVER gold record (None for the file's DOCUMENT record)."""
    if row.get("event") in (None, "DOCUMENT"):
        return None
    event = PLOVER_OLD_TO_NEW.get(row["event"], row["event"])
    return GoldRecord(
        str(row.get("id", n)),
        " ".join(str(row.get("text", "")).split()),
        _date(row.get("date")),
        row["event"],
        kind="plover",
        label=event,
        sources=_plover_codes(row.get("source")),
        targets=_plover_codes(row.get("target")),
    )


def _plover_codes(actors: Any) -> tuple[str, ...]:
    """The actor codes of a PLOVER ``source``/``target`` (a list of actors, or one)."""
    if isinstance(actors, dict):
        actors = [actors]
    if not isinstance(actors, list):
        return ()
    return tuple(str(a["code"]) for a in actors if isinstance(a, dict) and a.get("code"))


def _read_plover_array(path: Path) -> list[GoldRecord]:
    """PLOVER's gold standard file: one JSON array of records (``PLOVER_GSR_CAMEO.txt``)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise FormatError(f"not a JSON array: {err.msg}", file=path, line=err.lineno) from err
    if not isinstance(rows, list):
        raise FormatError("a PLOVER gold file holds one JSON array of records", file=path)
    out = []
    for n, row in enumerate(rows, 1):
        if isinstance(row, dict) and row.get("event") == "DOCUMENT":
            continue
        if not isinstance(row, dict) or "event" not in row or "text" not in row:
            raise FormatError(
                f"record {n} needs 'event' and 'text'", file=path, field="record", value=n
            )
        record = _plover_record(row, n)
        if record is not None:
            out.append(record)
    return out


def _read_tsv(path: Path) -> list[GoldRecord]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[-1].strip().isdigit():
                raise FormatError(
                    "expected 'text<TAB>class' with a numeric class", file=path, line=n
                )
            out.append(
                GoldRecord(
                    f"{path.stem}-{n}",
                    parts[0].strip(),
                    None,
                    parts[-1].strip(),
                    kind="class",
                    label=parts[-1].strip(),
                )
            )
    return out


def read_gold(path: str | Path, *, respect_include: bool = True) -> list[GoldRecord]:
    """Read a gold file: PETRARCH XML, flat JSONL (triples or PLOVER) or class TSV.

    Raises
    ------
    InputError
        When the file does not exist.
    FormatError
        When no reader recognises it, or a row is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such gold file", field="gold", value=str(path))
    name = path.name.lower()
    with path.open("rb") as handle:
        start = handle.read(64).lstrip()
    if name.endswith(".xml"):
        records = _read_xml(path, respect_include)
    elif start.startswith(b"["):
        records = _read_plover_array(path)
    elif name.endswith((".jsonl", ".json")):
        records = _read_jsonl(path)
    elif name.endswith((".tsv", ".txt")) and "class" in name:
        records = _read_tsv(path)
    else:
        raise FormatError(
            "unknown gold format; give PETRARCH .xml, flat .jsonl, PLOVER's JSON array "
            "(PLOVER_GSR_CAMEO.txt) or a cameo_class .tsv",
            file=path,
        )
    if not records:
        raise FormatError("holds no gold records", file=path)
    return records
