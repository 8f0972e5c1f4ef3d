"""A stream of JSON values, one at a time: a JSON array, JSON Lines or concatenated objects.

:func:`iter_json` reads a PLOVER file of any of these shapes without holding it whole: each
value comes with its line, its raw text and, for a value that cannot be read, the reason;
after a broken value it resynchronises at the next line that opens an object or array, and
a value longer than 16 MiB is skipped whole (:data:`OVERSIZED`).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from bilat.ingest._normalise import RAW_LIMIT

__all__ = ["OVERSIZED", "iter_json"]

_RESYNC = re.compile(r"\n\s*[\[{]")
_MAX_RECORD = 1 << 24

OVERSIZED = "the record is longer than 16 MiB; not read"
"""The error :func:`iter_json` gives a record too long to hold (it is skipped whole)."""

_OUTSIDE = re.compile(r'["{}\[\]]')
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)


@dataclass
class _Skipping:
    """How far a scan over one JSON value is: nesting depth, in a string, after a backslash."""

    depth: int = 0
    in_string: bool = False
    escape: bool = False


def _value_end(text: str, state: _Skipping) -> int | None:
    """The end of the JSON value being scanned, in ``text`` (which continues it), or None.

    Only brackets, braces and strings are followed (quickly, by regular
    expression), so that an oversized record is skipped without being parsed
    or held: ``state`` carries the scan from one piece of text to the next.
    """
    i, n = 0, len(text)
    while True:
        if state.escape:
            if i >= n:
                return None
            i += 1
            state.escape = False
        if state.in_string:
            i = _STRING_BODY.match(text, i).end()  # type: ignore[union-attr]  # always matches
            if i >= n:
                return None
            if text[i] == "\\":  # a backslash ending the text: its escaped character follows
                state.escape = True
                i += 1
                continue
            i += 1  # the closing quote
            state.in_string = False
            if state.depth == 0:
                return i
            continue
        found = _OUTSIDE.search(text, i)
        if found is None:
            return None
        i = found.end()
        mark = found.group()
        if mark == '"':
            state.in_string = True
        elif mark in "{[":
            state.depth += 1
        else:
            state.depth -= 1
            if state.depth <= 0:
                return i


def iter_json(stream: IO[bytes], digest: Any = None) -> Iterator[tuple[int, Any, str, str | None]]:
    """Yield ``(line, value, raw, error)`` for each JSON value of a stream.

    Reads a JSON array element by element, JSON Lines, or concatenated values,
    holding one record at a time. A malformed value gives ``error`` and the
    reader resumes at the next line that starts an object.
    """
    decoder = json.JSONDecoder()
    incremental = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buf = ""
    line = 1
    eof = False
    in_array: bool | None = None

    def fill() -> bool:
        nonlocal buf, eof
        chunk = stream.read(1 << 20)
        if digest is not None and chunk:
            digest.update(chunk)
        if not chunk:
            eof = True
            buf += incremental.decode(b"", final=True)
            return False
        buf += incremental.decode(chunk)
        return True

    pos = 0
    while True:
        # skip whitespace (and, inside an array, commas)
        while True:
            while pos < len(buf) and (buf[pos].isspace() or (in_array and buf[pos] == ",")):
                pos += 1
            if pos < len(buf) or eof:
                break
            fill()
        if pos >= len(buf):
            return
        if in_array is None:
            in_array = buf[pos] == "["
            if in_array:
                pos += 1
                continue
            in_array = False
        if in_array and buf[pos] == "]":
            pos += 1
            in_array = False  # anything after the array is read as further values
            continue
        line += buf.count("\n", 0, pos)
        buf, pos = buf[pos:], 0
        try:
            value, end = decoder.raw_decode(buf, 0)
        except json.JSONDecodeError as err:
            if not eof and len(buf) < _MAX_RECORD:
                fill()
                continue
            state = _Skipping()
            cut = err.msg.startswith("Unterminated string") or err.pos >= len(buf) - 16
            if not eof and cut and _value_end(buf, state) is None:
                # a record too long to hold: skip it whole, to its own end, and go on
                head, lines = buf[:RAW_LIMIT], buf.count("\n")
                buf = ""
                while fill():
                    stop = _value_end(buf, state)
                    if stop is not None:
                        lines += buf.count("\n", 0, stop)
                        buf = buf[stop:]
                        break
                    lines += buf.count("\n")
                    buf = ""
                else:
                    lines += buf.count("\n")
                    buf = ""
                yield line, None, head, OVERSIZED
                line += lines
                pos = 0
                continue
            found = _RESYNC.search(buf, 1)
            stop = found.start() + 1 if found else len(buf)
            yield line, None, buf[:stop][:RAW_LIMIT], f"{err.msg} at line {line + err.lineno - 1}"
            line += buf.count("\n", 0, stop)
            buf, pos = buf[stop:], 0
            continue
        if end == len(buf) and not eof and fill():
            continue  # a number or literal might continue in the next chunk
        yield line, value, buf[:end][:RAW_LIMIT], None
        line += buf.count("\n", 0, end)
        buf, pos = buf[end:], 0
