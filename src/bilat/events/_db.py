"""What the event store's modules share: connection, constants, small DuckDB helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from bilat.errors import (
    InputError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
)
from bilat.events.schema import EVENT_FIELDS, arrow_schema, sql_columns

__all__ = [
    "CONNECTION_CONFIG",
    "QUARANTINE_HELD",
    "SCHEMA_VERSION",
    "YEAR_RANGE",
    "ExportFormat",
    "as_arrow",
    "create_tables",
    "interrupts_raised",
]

SCHEMA_VERSION = "1"
YEAR_RANGE = (1800, 2200)
"""Years an event date may have: every reader quarantines a date outside them."""

CONNECTION_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
"""Settings of every connection the store opens: DuckDB never fetches or loads an
extension on its own (opening a SQLite file would otherwise download one over the network)."""

_IN_RANGE = (
    f"date BETWEEN DATE '{YEAR_RANGE[0]}-01-01' AND DATE '{YEAR_RANGE[1]}-12-31' "
    f"AND (date_end IS NULL OR date_end <= DATE '{YEAR_RANGE[1]}-12-31')"
)

QUARANTINE_HELD = 20_000
"""Quarantined rows a batch holds in memory before spilling them to disk."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_FORMULA = r"^\x27*[=+@\t\r-]"  # a CSV cell a spreadsheet would run as a formula (RE2 syntax)
ExportFormat = Literal["parquet", "csv", "jsonl"]
_COLUMNS = ", ".join(f.name for f in EVENT_FIELDS)


def _foreign_kind(path: Path) -> str | None:
    """What a file that is plainly not a DuckDB database is (SQLite), or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError:
        return None
    return "a SQLite database" if head == _SQLITE_MAGIC else None


def _connect(path: Path, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise StoreError(
            f"no event store at {path}; create one with `bilat record load` or `bilat ingest`"
        )
    foreign = _foreign_kind(path) if path.is_file() else None
    if foreign is not None:
        raise StoreError(
            f"{path} is {foreign}, not a DuckDB event store; bilat left it untouched. "
            "Give --db a DuckDB file (or a new name)."
        )
    if not read_only:
        target = path if path.exists() else path.parent
        if not os.access(target if str(target) else Path("."), os.W_OK):
            raise StoreReadOnlyError(
                f"{target} is not writable; choose another --db or open the store read-only"
            )
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=CONNECTION_CONFIG)
        except duckdb.IOException as err:
            text = str(err)
            if "lock" in text.lower():
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                raise StoreLockedError(
                    f"{path} is in use by another process; wait for it to finish "
                    f"(waited {lock_timeout:g} s). DuckDB said: {text}"
                ) from err
            raise StoreError(
                f"{path} cannot be opened as a DuckDB event store: {text}. "
                "Is it a DuckDB file? bilat left it untouched."
            ) from err
        except duckdb.Error as err:
            raise StoreError(
                f"{path} cannot be opened as a DuckDB event store: {err}. bilat left it untouched."
            ) from err


def as_arrow(events: pa.Table | pd.DataFrame) -> pa.Table:
    """Events as an Arrow table with exactly the schema's columns and types.

    Raises
    ------
    StoreError
        When a column is missing or a value does not fit its type.
    """
    schema = arrow_schema()
    if isinstance(events, pd.DataFrame):
        missing = [f.name for f in EVENT_FIELDS if f.name not in events.columns]
        if missing:
            raise StoreError(f"events lack the column(s) {', '.join(missing)}")
        events = pa.Table.from_pandas(events[[f.name for f in EVENT_FIELDS]], preserve_index=False)
    try:
        return events.select([f.name for f in EVENT_FIELDS]).cast(schema)
    except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as err:
        raise StoreError(f"events do not fit the event schema: {err}") from err


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables (meta, batches, events, quarantine) in one transaction."""
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    con.execute("CREATE SEQUENCE batch_ids START 1")
    con.execute(
        """CREATE TABLE batches (
            batch_id BIGINT PRIMARY KEY, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
            dataset VARCHAR, read BIGINT NOT NULL, stored BIGINT NOT NULL,
            duplicates BIGINT NOT NULL, quarantined BIGINT NOT NULL,
            added_at TIMESTAMP NOT NULL)"""
    )
    con.execute(f"CREATE TABLE events ({sql_columns()}, batch_id BIGINT NOT NULL)")
    con.execute(
        """CREATE TABLE quarantine (
            batch_id BIGINT NOT NULL, file VARCHAR NOT NULL, line BIGINT,
            reason VARCHAR NOT NULL, field VARCHAR, value VARCHAR, raw VARCHAR)"""
    )


@contextlib.contextmanager
def interrupts_raised() -> Iterator[None]:
    """Turn DuckDB's "query interrupted" error (Ctrl-C during a statement) into KeyboardInterrupt.

    So that an interrupted ingest rolls back and ends like any other Ctrl-C
    (exit code 130), not with a DuckDB error.
    """
    try:
        yield
    except (RuntimeError, duckdb.Error) as err:
        if "interrupted" in str(err).lower():
            raise KeyboardInterrupt from err
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; one DuckDB already ended (an interrupt) is fine."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as err:
        if "no transaction is active" not in str(err).lower():
            raise


def _first(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of a result, fetching all of it (DuckDB wants results finished)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def _as_date(value: dt.date | str, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise InputError("is not a date in YYYY-MM-DD form", field=name, value=value) from err
