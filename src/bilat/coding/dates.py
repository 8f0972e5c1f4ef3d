"""Dates in text: explicit days, months, years, decades, eras and relative days.

Every expression is resolved against the document date and a small table of
historical anchors (``data/anchors.csv``: "9/11", "the Soviet withdrawal" ...,
each with its source). A sentence without a date expression gets the date of
the last expression earlier in the same paragraph, else the document date.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from bilat._paths import package_data

__all__ = ["Anchor", "DateRef", "anchors", "find_date"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS.pop("may", None)
_MONTHS["may"] = 5
_DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_FIRST = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(?:of\s+)?(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DECADE = re.compile(r"\b(?:(early|mid|late)[- ])?(1[6-9]\d0|20\d0)'?s\b", re.IGNORECASE)
_YEAR = re.compile(
    r"(?<![\d/$.,])\b(1[6-9]\d\d|20\d\d)\b(?![\d/%]|\s*(?:million|billion|tonnes|tons))"
)
_WEEKDAY = re.compile(r"\b(?:on|last|this)\s+(" + "|".join(_DAYS) + r")\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(today|yesterday|last year|last month|this year)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateRef:
    """A resolved date: first and last day and a precision (day ... range)."""

    start: dt.date
    end: dt.date | None
    precision: str
    text: str


@dataclass(frozen=True)
class Anchor:
    """A historical anchor phrase and the period it names."""

    pattern: re.Pattern[str]
    start: dt.date
    end: dt.date | None
    precision: str
    label: str
    source: str


@lru_cache(maxsize=1)
def anchors() -> tuple[Anchor, ...]:
    """The historical anchors shipped with bilat (``coding/data/anchors.csv``)."""
    path = package_data("coding", "data", "anchors.csv")
    out = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            end = dt.date.fromisoformat(row["end"]) if row["end"] else None
            out.append(
                Anchor(
                    re.compile(row["pattern"], re.IGNORECASE),
                    dt.date.fromisoformat(row["start"]),
                    end,
                    row["precision"],
                    row["label"],
                    row["source"],
                )
            )
    return tuple(out)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _any_anchor() -> re.Pattern[str]:
    """One regex that matches where any anchor could: a fast first test."""
    return re.compile("|".join(f"(?:{a.pattern.pattern})" for a in anchors()), re.IGNORECASE)


def _year_ref(year: int, text: str) -> DateRef:
    return DateRef(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", text)


def _safe_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_QUICK = re.compile(r"\d|day\b|today|yesterday|year|month|" + _MONTH_RE, re.I)


def find_date(sentence: str, doc_date: dt.date | None) -> DateRef | None:
    """The first date expression in ``sentence``, resolved; None when there is none.

    Parameters
    ----------
    sentence:
        One sentence of text.
    doc_date:
        The document's date, for relative expressions ("on Thursday", "last
        year") and month-day dates without a year.
    """
    found = _explicit(sentence)
    if found is not None:
        return found
    if _any_anchor().search(sentence):
        for anchor in anchors():
            if anchor.pattern.search(sentence):
                return DateRef(anchor.start, anchor.end, anchor.precision, anchor.label)
    if doc_date is None or not _QUICK.search(sentence):
        return None
    return _relative(sentence, doc_date)


def _explicit(sentence: str) -> DateRef | None:
    """Days, months, decades and years written out in full."""
    if _DIGIT.search(sentence) is None:
        return None
    for regex, order in ((_ISO, "ymd"), (_DAY_FIRST, "dmy"), (_MONTH_FIRST, "mdy")):
        match = regex.search(sentence)
        if match:
            a, b, c = match.groups()
            if order == "ymd":
                day = _safe_day(int(a), int(b), int(c))
            elif order == "dmy":
                day = _safe_day(int(c), _MONTHS[b.lower()], int(a))
            else:
                day = _safe_day(int(c), _MONTHS[a.lower()], int(b))
            if day is not None:
                return DateRef(day, None, "day", match.group(0))
    match = _MONTH_YEAR.search(sentence)
    if match:
        month, year = _MONTHS[match.group(1).lower()], int(match.group(2))
        last = calendar.monthrange(year, month)[1]
        return DateRef(dt.date(year, month, 1), dt.date(year, month, last), "month", match.group(0))
    match = _DECADE.search(sentence)
    if match:
        part, decade = match.group(1), int(match.group(2))
        lo, hi = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get((part or "").lower(), (0, 9))
        return DateRef(
            dt.date(decade + lo, 1, 1), dt.date(decade + hi, 12, 31), "decade", match.group(0)
        )
    match = _YEAR.search(sentence)
    if match:
        return _year_ref(int(match.group(1)), match.group(0))
    return None


def _relative(sentence: str, doc_date: dt.date) -> DateRef | None:
    """Month-day dates without a year, weekdays, today, last year."""
    match = _MONTH_DAY.search(sentence)
    if match:
        day = _safe_day(doc_date.year, _MONTHS[match.group(1).lower()], int(match.group(2)))
        if day is not None:
            if day > doc_date:
                day = _safe_day(day.year - 1, day.month, day.day) or day
            return DateRef(day, None, "day", match.group(0))
    match = _WEEKDAY.search(sentence)
    if match:
        back = (doc_date.weekday() - _DAYS[match.group(1).lower()]) % 7
        return DateRef(doc_date - dt.timedelta(days=back), None, "day", match.group(0))
    match = _RELATIVE.search(sentence)
    if match:
        word = match.group(1).lower()
        if word == "today":
            return DateRef(doc_date, None, "day", word)
        if word == "yesterday":
            return DateRef(doc_date - dt.timedelta(days=1), None, "day", word)
        if word == "this year":
            return _year_ref(doc_date.year, word)
        if word == "last year":
            return _year_ref(doc_date.year - 1, word)
        first = doc_date.replace(day=1) - dt.timedelta(days=1)
        return DateRef(first.replace(day=1), first, "month", word)
    return None
