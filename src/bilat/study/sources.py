"""The report's list of sources: every work the study rests on, each listed once.

The record cites a work in several spellings: with a trailing kind (``..., book``,
``..., official statement``), behind a column label (``ruler: Dennis Kux, ...``),
inside a series' combined citation (``Kux ...; Rennack ...``), with a different
dash, case or spacing. :func:`collect_sources` splits combined citations,
recognises a work by :func:`source_key` and lists it once, with the number of
record events that cite it and every part of the study that does.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bilat.study.result import StudyResult

__all__ = ["collect_sources", "source_key", "split_citation"]

#: A label in front of a citation that says what it is the source of
#: (``ruler: ...``, ``deflator: ...``, ``absence of a programme per ...``).
_LEAD = re.compile(r"^(?:[a-z][a-z_]{0,30}:\s+|[a-z][a-z ]{0,40}\s+per\s+)")
#: Trailing words that say what kind of document a work is, not which one.
_KIND = re.compile(
    r",\s*(?:book|(?:official|crs|news)\s+(?:statement|document|report|release)s?|"
    r"crs report|public law|treaty(?: text)?|report|memoir|interview)\s*\.?$",
    re.IGNORECASE,
)
#: Trailing page or edition references (``, p. 12``, ``, pp. 3-5``, ``, 2nd edn``).
_PAGE = re.compile(
    r",\s*(?:pp?\.?\s*[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?|"
    r"(?:\d+(?:st|nd|rd|th)\s+)?(?:ed|edn|edition)\.?|chapter\s+\d+|ch\.\s*\d+)\s*$",
    re.IGNORECASE,
)


#: A formal document number identifies a work whatever the title's length
#: (Congressional Research Service reports: ``RL33498``, ``RS20995``).
_DOCUMENT_NUMBER = re.compile(
    r"\b(?:Congressional Research Service|CRS)\s+report\s+(R[LS]?\d{4,5})\b", re.IGNORECASE
)


def split_citation(text: str, *, combined: bool = True) -> list[str]:
    """The works a citation names, labels removed.

    With ``combined`` (a series' citation, which joins its rows' sources with
    ``; ``) the text is split on semicolons outside parentheses; a record
    event's citation is one work and is kept whole.
    """
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if combined and char == ";" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    cleaned = []
    for part in parts:
        part = " ".join(part.split())
        part = _LEAD.sub("", part)
        if part:
            cleaned.append(part)
    return cleaned


def _strip_noise(text: str) -> str:
    """``text`` without trailing kind, page and edition words (repeatedly)."""
    previous = None
    while previous != text:
        previous = text
        text = _PAGE.sub("", _KIND.sub("", text)).rstrip(" ,.;")
    return text


def source_key(text: str) -> str:
    """What identifies a work: case, spacing, dashes, punctuation and trailing noise ignored.

    A citation that carries a formal document number (a CRS report's) is
    identified by that number, so a short and a full title of one report agree.
    """
    number = _DOCUMENT_NUMBER.search(text)
    if number is not None:
        return "crs-" + number.group(1).casefold()
    text = unicodedata.normalize("NFKC", _strip_noise(" ".join(text.split())))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def collect_sources(result: StudyResult) -> list[dict[str, Any]]:
    """Every source the study cites, once each: record citations, series sources, eras, documents.

    Each entry has ``id`` (``S1``, ...), ``citation`` (the work without kind or
    page noise, as first seen), ``kind`` (the parts of the study that cite it,
    comma-separated: ``record``, ``series:NAME``, ``eras``, ``coded text``),
    ``url`` and, when record events cite it, ``events`` (how many).
    """
    entries: dict[str, dict[str, Any]] = {}

    def add(
        citation: str, kind: str, url: str | None = None, events: int = 0, combined: bool = True
    ) -> None:
        for work in split_citation(citation, combined=combined):
            key = source_key(work)
            if not key:
                continue
            entry = entries.setdefault(
                key, {"citation": _strip_noise(work), "kinds": [], "url": None, "events": 0}
            )
            if kind not in entry["kinds"]:
                entry["kinds"].append(kind)
            entry["url"] = entry["url"] or url
            entry["events"] += events

    if not result.events.empty and "citation" in result.events:
        counts: dict[str, int] = {}
        urls: dict[str, str | None] = {}
        for citation, url in zip(result.events["citation"], result.events["url"], strict=True):
            if isinstance(citation, str) and citation:
                counts[citation] = counts.get(citation, 0) + 1
                urls.setdefault(citation, url if isinstance(url, str) else None)
        for citation, count in sorted(counts.items()):
            add(citation, "record", urls[citation], count, combined=False)
    for name, frame in result.series.items():
        if "source" in frame:
            for citation in sorted({str(s) for s in frame["source"].dropna()}):
                add(citation, f"series:{name}")
    for era in result.case.eras:
        add(era.source, "eras", combined=False)
    for doc in result.documents:
        citation = f"{doc['file']} (coded by bilat; document date {doc['doc_date']})"
        add(citation, "coded text", combined=False)
    sources = []
    for i, entry in enumerate(entries.values(), start=1):
        source: dict[str, Any] = {
            "id": f"S{i}",
            "citation": entry["citation"],
            "kind": ", ".join(entry["kinds"]),
            "url": entry["url"],
        }
        if entry["events"]:
            source["events"] = entry["events"]
        sources.append(source)
    return sources
