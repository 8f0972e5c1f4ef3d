"""bilat's own exports read back: Parquet, CSV (with header) and JSON Lines.

These are the files :meth:`bilat.events.EventStore.export` writes, so a round
trip keeps every field as it was (nothing is re-derived from the ontology);
each row is checked against the event schema and quarantined with the field
and value at fault when it does not fit. For Parquet, ``line`` is the row
number (1-based); for CSV and JSON Lines it is the physical line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bilat.errors import FormatError
from bilat.events.schema import EVENT_FIELDS
from bilat.events.store import YEAR_RANGE
from bilat.ingest._normalise import RAW_LIMIT, Check, RawBlock
from bilat.ingest.plover import OVERSIZED, iter_json

__all__ = ["CHECKS", "NAMES", "SQL", "read_raw"]

_YEARS = f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]}"

NAMES = tuple(f.name for f in EVENT_FIELDS)

_CAST = {"str": "VARCHAR", "date": "DATE", "int": "TINYINT", "float": "DOUBLE"}


def _expr(name: str, kind: str) -> str:
    col = f"NULLIF(\"{name}\", '')"
    if kind == "str":
        return col
    if kind == "date":
        return f"TRY_CAST(left({col}, 10) AS DATE)"
    return f"TRY_CAST({col} AS {_CAST[kind]})"


def _checks() -> tuple[str, str, dict[str, Check]]:
    cases: list[tuple[str, str, str]] = []
    checks: dict[str, Check] = {
        "pre": Check("record", "{value}"),
    }
    cases.append(("pre_check IS NOT NULL", "pre_check", "pre_value"))
    for f in EVENT_FIELDS:
        col = f"NULLIF(\"{f.name}\", '')"
        typed = _expr(f.name, f.kind)
        if f.required:
            key = f"missing_{f.name}"
            checks[key] = Check(f.name, f"{f.name} is required but missing")
            cases.append((f"{col} IS NULL", f"'{key}'", "NULL"))
        if f.kind != "str":
            key = f"type_{f.name}"
            checks[key] = Check(f.name, f"{{value!r}} is not a valid {f.kind} for {f.name}")
            cases.append((f"{col} IS NOT NULL AND {typed} IS NULL", f"'{key}'", col))
        if f.choices:
            key = f"choice_{f.name}"
            checks[key] = Check(
                f.name, f"{{value!r}} is not one of {', '.join(f.choices)} for {f.name}"
            )
            options = ", ".join(f"'{c}'" for c in f.choices)
            cases.append((f"{col} NOT IN ({options})", f"'{key}'", col))
    extra = {
        "cameo_form": (
            "NOT regexp_full_match(cameo, '[0-9]{2,4}') OR NOT starts_with(cameo, root)",
            "cameo",
            Check("cameo", "CAMEO code {value!r} must be 2-4 digits starting with its root"),
        ),
        "quad_range": (
            f"{_expr('quad', 'int')} NOT BETWEEN 1 AND 4",
            "quad",
            Check("quad", "quad {value!r} is not 1-4"),
        ),
        "penta_range": (
            f"{_expr('penta', 'int')} NOT BETWEEN 0 AND 4",
            "penta",
            Check("penta", "penta {value!r} is not 0-4"),
        ),
        "goldstein_range": (
            f"NOT ({_expr('goldstein', 'float')} BETWEEN -10 AND 10)",
            "goldstein",
            Check("goldstein", "goldstein {value!r} is not in [-10, 10]"),
        ),
        "weight_range": (
            f"{_expr('weight', 'float')} < 0 OR isnan({_expr('weight', 'float')})",
            "weight",
            Check("weight", "weight {value!r} is negative or not a number"),
        ),
        "date_year": (
            f"year({_expr('date', 'date')}) NOT BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}",
            "date",
            Check("date", "the year of {value!r} lies outside " + _YEARS),
        ),
        "date_end_year": (
            f"year({_expr('date_end', 'date')}) NOT BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}",
            "date_end",
            Check("date_end", "the year of {value!r} lies outside " + _YEARS),
        ),
        "date_order": (
            f"{_expr('date_end', 'date')} < {_expr('date', 'date')}",
            "date_end",
            Check("date_end", "date_end {value!r} is before the date"),
        ),
    }
    for key, (condition, column, check) in extra.items():
        checks[key] = check
        cases.append((condition, f"'{key}'", f'"{column}"'))
    check_sql = "CASE " + " ".join(f"WHEN {c} THEN {k}" for c, k, _ in cases) + " END"
    value_sql = (
        "CAST(CASE " + " ".join(f"WHEN {c} THEN {v}" for c, _, v in cases) + " END AS VARCHAR)"
    )
    return check_sql, value_sql, checks


_CHECK_SQL, _VALUE_SQL, CHECKS = _checks()

SQL = (
    "SELECT line, "
    + ", ".join(f"{_expr(f.name, f.kind)} AS {f.name}" for f in EVENT_FIELDS)
    + f", {_CHECK_SQL} AS _check, {_VALUE_SQL} AS _value FROM _bilat_raw"
)
"""Raw text fields of a bilat export to checked event rows (no ontology mapping)."""


def read_raw(
    stream: IO[bytes],
    *,
    head: bytes,
    digest: Any = None,
    batch: int = 50_000,
) -> Iterator[RawBlock]:
    """Read a bilat export (Parquet, CSV or JSON Lines, told apart by content)."""
    if head.startswith(b"PAR1"):
        yield from _parquet(stream, digest, batch)
    elif head.lstrip()[:1] in (b"{", b"["):
        yield from _json(stream, digest, batch)
    else:
        yield from _csv(stream, digest, batch)


def _block(rows: list[dict[str, Any]], lines: list[int], raws: dict[int, str]) -> RawBlock:
    columns: dict[str, pa.Array] = {"line": pa.array(lines, pa.int64())}
    for name in (*NAMES, "pre_check", "pre_value"):
        columns[name] = pa.array(
            [None if r.get(name) is None else str(r.get(name)) for r in rows], pa.string()
        )
    return RawBlock(pa.table(columns), lambda n: raws.get(n, ""))


def _parquet(stream: IO[bytes], digest: Any, batch: int) -> Iterator[RawBlock]:
    data = stream.read()
    if digest is not None:
        digest.update(data)
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as err:
        raise FormatError(f"not a readable Parquet file: {err}") from err
    missing = [n for n in NAMES if n not in parquet.schema_arrow.names]
    if missing:
        raise FormatError(
            "a Parquet file that is not a bilat export: it lacks the column(s) "
            + ", ".join(missing)
        )
    row = 1
    for record_batch in parquet.iter_batches(batch_size=batch, columns=list(NAMES)):
        n = record_batch.num_rows
        columns: dict[str, pa.Array] = {"line": pa.array(range(row, row + n), pa.int64())}
        for name in NAMES:
            columns[name] = pc.cast(record_batch.column(name), pa.string())
        columns["pre_check"] = pa.nulls(n, pa.string())
        columns["pre_value"] = pa.nulls(n, pa.string())
        table = pa.table(columns)
        first = row

        def raw_line(number: int, table: pa.Table = table, first: int = first) -> str:
            return str(table.slice(number - first, 1).to_pylist()[0])[:RAW_LIMIT]

        yield RawBlock(table, raw_line)
        row += n


class _Hashing(io.RawIOBase):
    def __init__(self, inner: IO[bytes], digest: Any) -> None:
        super().__init__()
        self._inner = inner
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        if self._digest is not None and data:
            self._digest.update(data)
        buffer[: len(data)] = data
        return len(data)


_TEXT = frozenset(f.name for f in EVENT_FIELDS if f.kind == "str")
_QUOTED_FORMULA = re.compile(r"'+[=+@\t\r-]")


def _unquoted(value: str) -> str:
    """A text cell as stored: the quote CSV export puts before a formula-like cell removed."""
    return value[1:] if _QUOTED_FORMULA.match(value) else value


def _csv(stream: IO[bytes], digest: Any, batch: int) -> Iterator[RawBlock]:
    text = io.TextIOWrapper(
        io.BufferedReader(_Hashing(stream, digest)), encoding="utf-8", errors="replace", newline=""
    )
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [f.name for f in EVENT_FIELDS if f.required and f.name not in header]
    if missing:
        raise FormatError(
            "line 1 is not the header of a bilat CSV export: it lacks the column(s) "
            + ", ".join(missing)
            + " (is this another format read with --format bilat?); nothing was stored. "
            "Use --format auto or the file's own format.",
            line=1,
        )
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    raws: dict[int, str] = {}
    start = reader.line_num + 1
    for fields in reader:
        line = start
        start = reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            record: dict[str, Any] = {
                "pre_check": "pre",
                "pre_value": f"{len(fields)} comma-separated fields; the header has {len(header)}",
            }
        else:
            record = {
                name: _unquoted(value) if name in _TEXT else value
                for name, value in zip(header, fields, strict=True)
            }
        rows.append(record)
        lines.append(line)
        raws[line] = ",".join(fields)[:RAW_LIMIT]
        if len(rows) >= batch:
            yield _block(rows, lines, raws)
            rows, lines, raws = [], [], {}
    if rows:
        yield _block(rows, lines, raws)


def _json(stream: IO[bytes], digest: Any, batch: int) -> Iterator[RawBlock]:
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    raws: dict[int, str] = {}
    for line, value, raw, error in iter_json(stream, digest):
        if error is not None:
            why = error if error == OVERSIZED else f"not valid JSON: {error}"
            record: dict[str, Any] = {"pre_check": "pre", "pre_value": why}
        elif not isinstance(value, dict):
            record = {"pre_check": "pre", "pre_value": "not a JSON object"}
        else:
            record = value
        rows.append(record)
        lines.append(line)
        raws[line] = raw
        if len(rows) >= batch:
            yield _block(rows, lines, raws)
            rows, lines, raws = [], [], {}
    if rows:
        yield _block(rows, lines, raws)
