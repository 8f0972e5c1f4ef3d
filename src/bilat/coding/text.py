"""Text intake for the coder: decoding, HTML stripping, language check, paragraphs.

Cheap, dependency-free checks that run before spaCy sees the text, so that bad
input fails with a clear message instead of silently coding nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from bilat.errors import InputError

__all__ = [
    "UNIT_CHARS",
    "clean_text",
    "decode_bytes",
    "english_score",
    "paragraphs",
    "strip_html",
]

_TAG = re.compile(r"<[^>]{0,2000}>")
_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|article|section|blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_HINT = re.compile(r"<(html|body|p|div|span|a|br|h[1-6]|article)\b", re.IGNORECASE)

_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "i",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "but",
        "have",
        "an",
        "they",
        "you",
        "were",
        "her",
        "she",
        "there",
        "has",
        "had",
        "been",
        "their",
        "its",
        "one",
        "we",
        "all",
        "would",
        "will",
        "can",
        "who",
        "more",
        "if",
        "no",
        "so",
        "what",
        "up",
        "out",
        "about",
        "into",
        "than",
        "them",
        "some",
        "could",
        "him",
        "only",
        "other",
        "after",
        "also",
        "over",
        "these",
        "two",
        "may",
        "should",
        "said",
    ]
)


def decode_bytes(data: bytes) -> str:
    """Decode bytes as UTF-8 (or Latin-1), refusing binary data.

    Raises
    ------
    InputError
        When the bytes look binary (NUL bytes or many control characters).
    """
    head = data[:65536]
    if b"\x00" in head:
        raise InputError(
            "looks like binary data (it contains NUL bytes); give plain text or HTML",
            field="text",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and controls / len(sample) > 0.01:
        raise InputError(
            f"looks like binary data ({controls} control characters in the first "
            f"{len(sample)}); give plain text or HTML",
            field="text",
        )
    return text


def strip_html(text: str) -> str:
    """Remove tags, scripts and styles; block tags become paragraph breaks."""
    if not _HTML_HINT.search(text[:100000]):
        return text
    text = _DROP.sub(" ", text)
    text = _BLOCK.sub("\n\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def english_score(text: str, limit: int = 20000) -> float:
    """Share of the first ``limit`` characters' words that are English stopwords (0-1)."""
    words = re.findall(r"[A-Za-z\u00C0-\u024F']+", text[:limit].lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in _STOPWORDS) / len(words)


def clean_text(text: str, *, check_language: bool = True) -> str:
    """Strip HTML and normalise whitespace; refuse text that is not English.

    Raises
    ------
    InputError
        When ``check_language`` and the text has at least 40 words of which fewer
        than 12 % are common English words (English prose has about 40-50 %).
    """
    text = strip_html(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00a0", " ")
    if check_language:
        words = re.findall(r"[^\W\d_]+", text[:20000])
        if len(words) >= 40:
            score = english_score(text)
            if score < 0.12:
                raise InputError(
                    f"does not look like English ({score:.0%} of its words are common English "
                    "words; English prose has about 40 %); the coder reads English only",
                    field="text",
                    value=text[:60],
                )
    return text


#: Longest unit (characters) the coder hands spaCy as one document. spaCy's memory grows
#: with the text in one ``nlp.pipe`` batch (``Coder.batch_size`` units, 64 x 600 characters
#: here). Measured peak RSS of ``Coder.code_records`` on 1 MB of text on one line, 64 units
#: per batch: 2,000-character units 684 MB, 1,000: 464 MB, 600: 372 MB; the old 20,000-character
#: cap took 1.4 GB on 400 KB.
UNIT_CHARS = 600

_NON_SPACE = re.compile(r"\S")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_SENTENCE_END = re.compile(r"[.!?;:][\"'\u201d\u2019)\]]*\s")


def paragraphs(text: str, max_chars: int = UNIT_CHARS) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, unit)`` pieces of ``text``: paragraphs, each at most ``max_chars``.

    A unit ends at a blank line or, when the paragraph is longer than
    ``max_chars`` (or the text has no blank lines at all), at the best break
    before the cap: the last sentence end in the window's second half, else its
    last line end, else the window's last whitespace. A word is never cut; only
    a run of ``max_chars`` characters without any whitespace (not a word) is
    cut at the cap. ``text[offset:offset + len(unit)] == unit`` always holds,
    units start at a non-space character, and the text is scanned once, so
    time is linear and memory is bounded by one unit whatever the text's shape.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    size = len(text)
    pos = 0
    while True:
        first = _NON_SPACE.search(text, pos)
        if first is None:
            return
        start = first.start()
        limit = start + max_chars
        blank = _BLANK_LINE.search(text, start, limit)
        if blank is not None:
            end = blank.start()
        elif size <= limit:
            end = size
        else:
            end = _break_before(text, start, limit)
        yield start, text[start:end]
        pos = end


def _break_before(text: str, start: int, limit: int) -> int:
    """Where to end a unit that starts at ``start`` and may not reach ``limit``."""
    half = start + (limit - start) // 2
    ends = [found.end() for found in _SENTENCE_END.finditer(text, half, limit)]
    if ends:
        return ends[-1]
    line = text.rfind("\n", half, limit)
    if line > start:
        return line
    if text[limit].isspace():
        return limit
    for i in range(limit - 1, start, -1):
        if text[i].isspace():
            return i
    return limit
