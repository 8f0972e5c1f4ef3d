"""Tab-separated readers' shared engine: blocks of lines in, raw Arrow blocks out.

Each block of whole lines is first parsed by Arrow's multi-threaded CSV parser
when every line in it has the same, known width and is valid UTF-8 (the usual
case, and the fast one). Otherwise the block is read line by line in Python:
each line is decoded on its own (UTF-8, else Windows-1252/Latin-1; lines of
control bytes are quarantined as undecodable), split on tabs, and checked
against the known widths. Either way every row keeps its physical line number.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from bilat.events.store import QuarantinedRow
from bilat.ingest._normalise import RAW_LIMIT, RawBlock
from bilat.ingest._source import Block, decode_line, iter_blocks, prefetch

__all__ = ["SLOW_ROWS", "Layout", "read_delimited"]


@dataclass(frozen=True)
class Layout:
    """Where a reader's raw columns sit in a line of ``width`` tab-separated fields."""

    width: int
    columns: Mapping[str, int | None]


def _decode_for_raw(data: bytes) -> str:
    text, _ = decode_line(data)
    if text is None:
        return data.decode("latin-1")
    return text


class _Lines:
    """Lazy access to a block's lines by line number, for quarantined rows' raw text."""

    def __init__(self, block: Block, skip: int) -> None:
        self.block = block
        self.skip = skip
        self._lines: list[bytes] | None = None

    def __call__(self, line: int) -> str:
        if self._lines is None:
            self._lines = self.block.lines()
        index = line - self.block.first_line
        if 0 <= index < len(self._lines):
            return _decode_for_raw(self._lines[index][:RAW_LIMIT])
        return ""


def read_delimited(
    stream: IO[bytes],
    layouts: Mapping[int, Layout],
    names: tuple[str, ...],
    *,
    digest: object = None,
    skip_header: bool = False,
    expected: str = "",
) -> Iterator[RawBlock]:
    """Read tab-separated lines into raw blocks with columns ``line``, ``width`` and ``names``.

    Parameters
    ----------
    layouts:
        The accepted widths and where each raw column sits.
    names:
        The raw column names, in output order.
    skip_header:
        Whether line 1 is a header (not a row).
    expected:
        How to describe the accepted widths in a quarantine reason.

    Lines are read, hashed and cut into blocks in a background thread (see
    :func:`~bilat.ingest._source.prefetch`) while the blocks before are parsed.
    An overlong line never reaches a block: it is quarantined with the block
    that follows it.
    """
    overlong: deque[QuarantinedRow] = deque()  # filled by the reading thread

    def on_overlong(line: int, head: bytes) -> None:
        overlong.append(
            QuarantinedRow(
                line=line,
                reason="the line is longer than 16 MiB; not read",
                raw=_decode_for_raw(head)[:RAW_LIMIT],
            )
        )

    def drain() -> list[QuarantinedRow]:
        return [overlong.popleft() for _ in range(len(overlong))]

    first = True
    blocks = iter_blocks(stream, digest, on_overlong=on_overlong)  # type: ignore[arg-type]
    for block in prefetch(blocks):
        skip = 0
        if first and skip_header:
            skip = 1
        first = False
        pending = drain()
        raw = _fast(block, skip, layouts, names)
        if raw is None:
            latin = _transcoded(block)
            if latin is not None:
                raw = _fast(latin, skip, layouts, names)
        if raw is not None:
            raw.quarantine[:0] = pending
            yield raw
            continue
        for part in _slow(block, skip, layouts, names, expected):
            part.quarantine[:0] = pending
            pending = []
            yield part
    if overlong:
        empty = pa.table({"line": pa.array([], pa.int64())})
        yield RawBlock(_with_names(empty, names), lambda _n: "", drain())


_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


def _transcoded(block: Block) -> Block | None:
    """A Latin-1 block re-encoded as UTF-8, for the fast path; None when it may be mixed.

    Only a block that is not valid UTF-8, holds no byte pair that looks like
    UTF-8 (so no line of it is UTF-8 text) and no control bytes is re-encoded
    whole (Windows-1252, else Latin-1); any other goes line by line.
    """
    data = block.data
    if data.isascii() or _UTF8_PAIR.search(data) is not None:
        return None
    if len(data.translate(None, _CONTROL)) != len(data):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return Block(block.first_line, text.encode("utf-8"), block.n_lines)


def _with_names(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    n = table.num_rows
    for name in ("width", *names):
        if name not in table.column_names:
            kind = pa.int32() if name == "width" else pa.string()
            table = table.append_column(name, pa.nulls(n, kind))
    return table.select(["line", "width", *names])


def _fast(
    block: Block, skip: int, layouts: Mapping[int, Layout], names: tuple[str, ...]
) -> RawBlock | None:
    data = block.data
    start = 0
    for _ in range(skip):
        cut = data.find(b"\n", start)
        start = len(data) if cut < 0 else cut + 1
    n = block.n_lines - skip
    if n <= 0:
        return RawBlock(_with_names(pa.table({"line": pa.array([], pa.int64())}), names), str)
    end = data.find(b"\n", start)
    first_line = data[start : end if end >= 0 else len(data)]
    width = first_line.count(b"\t") + 1
    layout = layouts.get(width)
    if layout is None or b"\r" in data:
        return None
    used = {name: idx for name, idx in layout.columns.items() if idx is not None}
    bad = [0]

    def invalid(_row: object) -> str:
        bad[0] += 1
        return "error"  # stop at the first bad row: the block goes line by line instead

    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(memoryview(data)[start:])),
            read_options=pcsv.ReadOptions(
                column_names=[f"c{i}" for i in range(width)],
                block_size=1 << 22,
            ),
            parse_options=pcsv.ParseOptions(
                delimiter="\t",
                quote_char=False,
                escape_char=False,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in used.values()},
                include_columns=[f"c{i}" for i in used.values()],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if bad[0] or table.num_rows != n:
        return None
    first = block.first_line + skip
    columns: dict[str, pa.Array] = {
        "line": pa.array(np.arange(first, first + n, dtype=np.int64)),
        "width": pa.array(np.full(n, width, dtype=np.int32)),
    }
    for name in names:
        idx = layout.columns.get(name)
        columns[name] = table.column(f"c{idx}") if idx is not None else pa.nulls(n, pa.string())
    return RawBlock(pa.table(columns), _Lines(block, skip))


SLOW_ROWS = 20_000
"""Lines read one by one per raw block: what is held of a block of bad lines stays bounded."""


def _iter_lines(data: bytes | bytearray) -> Iterator[bytes]:
    """The lines of ``data`` one at a time, without their line ends (none held as a list)."""
    start, end = 0, len(data)
    while start < end:
        cut = data.find(b"\n", start)
        stop = end if cut < 0 else cut
        line = bytes(data[start:stop])
        yield line[:-1] if line.endswith(b"\r") else line
        start = stop + 1


def _slow(
    block: Block,
    skip: int,
    layouts: Mapping[int, Layout],
    names: tuple[str, ...],
    expected: str,
) -> Iterator[RawBlock]:
    """Read a block line by line into raw blocks of at most :data:`SLOW_ROWS` lines each."""
    lines_no: list[int] = []
    widths: list[int] = []
    cols: dict[str, list[str | None]] = {name: [] for name in names}
    bad: list[QuarantinedRow] = []

    def part() -> RawBlock:
        table = pa.table(
            {
                "line": pa.array(lines_no, pa.int64()),
                "width": pa.array(widths, pa.int32()),
                **{name: pa.array(cols[name], pa.string()) for name in names},
            }
        )
        return RawBlock(table, _Lines(block, 0), list(bad))

    for offset, raw in enumerate(_iter_lines(block.data)):
        if offset < skip:
            continue
        if len(lines_no) + len(bad) >= SLOW_ROWS:
            yield part()
            lines_no, widths, bad = [], [], []
            cols = {name: [] for name in names}
        number = block.first_line + offset
        if not raw.strip():
            continue  # blank lines are not rows
        text, _ = decode_line(raw)
        if text is None:
            bad.append(
                QuarantinedRow(
                    line=number,
                    reason="undecodable: control bytes that are neither UTF-8 nor Latin-1 text",
                    raw=raw[:RAW_LIMIT].decode("latin-1"),
                )
            )
            continue
        fields = text.split("\t")
        layout = layouts.get(len(fields))
        if layout is None:
            bad.append(
                QuarantinedRow(
                    line=number,
                    reason=f"{len(fields)} tab-separated fields; expected {expected}",
                    raw=text[:RAW_LIMIT],
                    field="columns",
                    value=str(len(fields)),
                )
            )
            continue
        lines_no.append(number)
        widths.append(len(fields))
        for name in names:
            idx = layout.columns.get(name)
            cols[name].append(fields[idx] if idx is not None else None)
    yield part()
