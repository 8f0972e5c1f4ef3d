"""The event store: one embedded DuckDB file holding events, batches and a quarantine.

Invariants
----------
* Every batch is written in one transaction: a crash part-way leaves no trace of it.
* For every batch, rows read = stored + duplicates + quarantined.
* Re-adding a batch whose content hash is already stored adds nothing.
* Ids are stable, so the same event from two files is stored once.

Readers in the same process read a consistent snapshot while a writer writes
(DuckDB's MVCC); another process waits for the file lock up to ``lock_timeout``
seconds, then gets :class:`~bilat.errors.StoreLockedError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import duckdb
import pandas as pd
import pyarrow as pa

from bilat.errors import (
    InputError,
    StoreError,
    StoreReadOnlyError,
    ValidationError,
)
from bilat.events._db import (
    _COLUMNS,
    _FORMULA,
    _IN_RANGE,
    CONNECTION_CONFIG,
    QUARANTINE_HELD,
    SCHEMA_VERSION,
    YEAR_RANGE,
    ExportFormat,
    _as_date,
    _connect,
    _first,
    _rollback,
    create_tables,
    interrupts_raised,
)
from bilat.events.batch import BatchResult, BatchWriter, QuarantinedRow, quarantine_table
from bilat.events.dyad import Dyad, parse_dyad
from bilat.events.schema import EVENT_FIELDS, arrow_schema, validate_record

__all__ = [
    "CONNECTION_CONFIG",
    "QUARANTINE_HELD",
    "SCHEMA_VERSION",
    "YEAR_RANGE",
    "BatchResult",
    "BatchWriter",
    "Dyad",
    "EventStore",
    "ExportFormat",
    "QuarantinedRow",
    "interrupts_raised",
    "parse_dyad",
    "quarantine_table",
]


class EventStore:
    """An event store in one DuckDB file (``":memory:"`` for a throwaway one).

    Parameters
    ----------
    path:
        The database file; created when missing unless ``read_only``.
    read_only:
        Open for reading only; several such readers may share the file.
    lock_timeout:
        Seconds to wait for another process to release the file.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | Path = "bilat.duckdb",
        *,
        read_only: bool = False,
        lock_timeout: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        memory = str(path) == ":memory:"
        self.con = (
            duckdb.connect(":memory:", config=CONNECTION_CONFIG)
            if memory
            else _connect(self.path, read_only, lock_timeout)
        )
        try:
            self._open()
        except BaseException:
            self.con.close()
            raise

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.con.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the same database, for a reader in another thread."""
        return self.con.cursor()

    def _has_table(self, name: str) -> bool:
        row = _first(
            self.con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
            )
        )
        return bool(row and row[0])

    def _open(self) -> None:
        """Check that the database is a bilat store (or create one in an empty, writable file).

        Nothing is written to a database that is not a bilat store.
        """
        if self._has_table("events"):
            version = None
            if self._has_table("meta"):
                row = _first(
                    self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'")
                )
                version = None if row is None else row[0]
            if version is None or not self._has_table("batches"):
                raise StoreError(
                    f"{self.path} holds an events table but no bilat metadata: it is not a bilat "
                    "event store; bilat left it untouched. Choose another --db."
                )
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has event schema {version}, bilat needs {SCHEMA_VERSION}"
                )
            return
        if self.read_only:
            raise StoreError(f"{self.path} is a DuckDB file but not a bilat event store")
        self._create()

    def _create(self) -> None:
        if self._has_any_table():
            raise StoreError(
                f"{self.path} is a DuckDB database with other tables, not a bilat event store; "
                "bilat left it untouched. Choose another --db."
            )
        create_tables(self.con)
        self.con.execute("COMMIT")

    def _has_any_table(self) -> bool:
        row = _first(self.con.execute("SELECT count(*) FROM information_schema.tables"))
        return bool(row and row[0])

    # -- writing ----------------------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreReadOnlyError(f"{self.path} is open read-only; open it for writing")

    def find_batch(self, sha256: str) -> BatchResult | None:
        """Return the stored batch with this content hash, if any."""
        row = _first(
            self.con.execute(
                "SELECT batch_id, file, read, stored, duplicates, quarantined FROM batches "
                "WHERE sha256 = ? ORDER BY batch_id LIMIT 1",
                [sha256],
            )
        )
        if row is None:
            return None
        return BatchResult(row[1], sha256, row[2], row[3], row[4], row[5], row[0])

    def add_batch(
        self,
        events: pa.Table | pd.DataFrame | duckdb.DuckDBPyRelation,
        *,
        file: str,
        sha256: str,
        read: int | None = None,
        quarantine: Sequence[QuarantinedRow] | duckdb.DuckDBPyRelation = (),
        dataset: str | None = None,
    ) -> BatchResult:
        """Store a batch of events that already have the schema's columns.

        ``read`` is the number of rows the reader read (default: events plus
        quarantined rows). Rows whose id is already stored, or repeated in the
        batch, are counted as duplicates. When a batch with the same ``sha256``
        is stored already, nothing is added and its counts come back with
        ``already_ingested`` set.

        ``events`` and ``quarantine`` may also be DuckDB relations on this
        store's connection (so that a big file is never held in Python
        memory); a quarantine relation has the columns ``line, reason, raw,
        field, value``, and the result's ``quarantine`` list is then empty.
        To write a batch piece by piece, use :meth:`begin_batch`.
        """
        previous = self.already_stored(sha256)
        if previous is not None:
            return previous
        rows = [] if isinstance(quarantine, duckdb.DuckDBPyRelation) else list(quarantine)
        with self.begin_batch(file, dataset=dataset) as batch:
            batch.append(events)
            batch.quarantine(rows or quarantine)
            result = batch.commit(sha256, read=read)
        result.quarantine = rows
        return result

    def begin_batch(self, file: str, *, dataset: str | None = None) -> BatchWriter:
        """Open a batch to write piece by piece, in one transaction (see :class:`BatchWriter`)."""
        self._check_writable()
        return BatchWriter(self, file, dataset)

    def already_stored(self, sha256: str) -> BatchResult | None:
        """The stored batch of this content, counted as a re-run that added nothing, if any."""
        previous = self.find_batch(sha256)
        if previous is not None:
            previous.already_ingested = True
            previous.stored = 0
            previous.duplicates = previous.read - previous.quarantined
        return previous

    def forget_batch(self, batch_id: int) -> dict[str, Any]:
        """Remove a batch: its events, its quarantined rows and its record, in one transaction.

        Afterwards the batch's file is no longer known, so ingesting it again
        stores it anew. Events that a later batch counted as duplicates of this
        batch's events are not brought back (they were never stored twice):
        re-ingest that file after forgetting its batch too.

        Returns
        -------
        dict
            ``batch_id``, ``file``, ``sha256`` and the rows removed (``events``,
            ``quarantined``).

        Raises
        ------
        InputError
            When no batch has this id (naming the ids there are).
        """
        self._check_writable()
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            with interrupts_raised():
                return self._forget(batch_id)
        except BaseException:
            _rollback(con)
            raise

    def _forget(self, batch_id: int) -> dict[str, Any]:
        """The body of :meth:`forget_batch`, inside its transaction (committed here)."""
        con = self.con
        row = _first(con.execute("SELECT file, sha256 FROM batches WHERE batch_id = ?", [batch_id]))
        if row is None:
            ids = [r[0] for r in con.execute("SELECT batch_id FROM batches ORDER BY 1").fetchall()]
            shown = ", ".join(str(i) for i in ids[:20]) or "none"
            raise InputError(
                f"no batch {batch_id} in {self.path} (batches: {shown}); "
                "list them with `bilat db batches`",
                field="batch_id",
                value=batch_id,
            )
        removed = _first(con.execute("DELETE FROM events WHERE batch_id = ?", [batch_id]))
        dropped = _first(con.execute("DELETE FROM quarantine WHERE batch_id = ?", [batch_id]))
        con.execute("DELETE FROM batches WHERE batch_id = ?", [batch_id])
        con.execute("COMMIT")
        return {
            "batch_id": batch_id,
            "file": row[0],
            "sha256": row[1],
            "events": int(removed[0]) if removed else 0,
            "quarantined": int(dropped[0]) if dropped else 0,
        }

    def insert(
        self,
        records: Iterable[Mapping[str, Any]] | pd.DataFrame,
        *,
        file: str = "<python>",
        dataset: str | None = None,
    ) -> BatchResult:
        """Validate records one by one and store them as one batch.

        Invalid records are quarantined with the field and value at fault,
        never dropped; the batch hash is that of the records' content.
        """
        rows: list[Mapping[str, Any]] = (
            cast(list[Mapping[str, Any]], records.to_dict("records"))
            if isinstance(records, pd.DataFrame)
            else list(records)
        )
        good: list[dict[str, Any]] = []
        bad: list[QuarantinedRow] = []
        digest = hashlib.sha256()
        for i, row in enumerate(rows, start=1):
            digest.update(repr(sorted(row.items(), key=lambda kv: kv[0])).encode())
            try:
                good.append(validate_record(row))
            except ValidationError as err:
                bad.append(
                    QuarantinedRow(
                        line=i,
                        reason=err.reason,
                        raw=repr(dict(row))[:2000],
                        field=err.field,
                        value=None if err.value is None else str(err.value),
                    )
                )
        table = pa.Table.from_pylist(good, schema=arrow_schema())
        return self.add_batch(
            table, file=file, sha256=digest.hexdigest(), quarantine=bad, dataset=dataset
        )

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def where(
        dyad: Dyad | str | None = None,
        *,
        directed: bool = False,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        codes: Sequence[str] = (),
        datasets: Sequence[str] = (),
        modalities: Sequence[str] = (),
    ) -> tuple[str, list[Any]]:
        """Build the SQL ``WHERE`` clause (and its parameters) of an event query.

        ``codes`` are CAMEO prefixes ("19" takes every code of root 19). Events
        dated outside :data:`YEAR_RANGE` (which only an older bilat could store)
        are left out, so that no query fails on them; :meth:`stats` counts them
        and :meth:`forget_batch` removes them.
        """
        clauses: list[str] = [_IN_RANGE]
        params: list[Any] = []
        if isinstance(dyad, str):
            dyad = parse_dyad(dyad, directed)
        if dyad is not None:
            pair = "(actor_country = ? AND recipient_country = ?)"
            if dyad.directed or directed:
                clauses.append(pair)
                params += [dyad.actor, dyad.recipient]
            else:
                clauses.append(f"({pair} OR {pair})")
                params += [dyad.actor, dyad.recipient, dyad.recipient, dyad.actor]
        if since is not None:
            clauses.append("coalesce(date_end, date) >= ?")
            params.append(_as_date(since, "since"))
        if until is not None:
            clauses.append("date <= ?")
            params.append(_as_date(until, "until"))
        for values, op in (
            (codes, "starts_with(cameo, ?)"),
            (datasets, "dataset = ?"),
            (modalities, "modality = ?"),
        ):
            if values:
                clauses.append("(" + " OR ".join([op] * len(values)) + ")")
                params += [str(v) for v in values]
        return " AND ".join(clauses), params

    def query(
        self,
        dyad: Dyad | str | None = None,
        *,
        directed: bool = False,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        codes: Sequence[str] = (),
        datasets: Sequence[str] = (),
        modalities: Sequence[str] = (),
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Return the matching events, ordered by date and id, as a frame."""
        where, params = self.where(
            dyad,
            directed=directed,
            since=since,
            until=until,
            codes=codes,
            datasets=datasets,
            modalities=modalities,
        )
        sql = f"SELECT {_COLUMNS} FROM events WHERE {where} ORDER BY date, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.con.sql(sql, params=params).to_arrow_table().cast(arrow_schema()).to_pandas()

    def export(
        self,
        out: str | Path,
        fmt: ExportFormat = "parquet",
        **query: Any,
    ) -> int:
        """Write the events matching ``query`` (see :meth:`query`) to a file.

        Returns the number of events written.
        """
        where, params = self.where(**query)
        columns = _COLUMNS
        if fmt == "csv":  # a text cell a spreadsheet would run as a formula gets a quote first
            columns = ", ".join(
                f"CASE WHEN regexp_matches({f.name}, '{_FORMULA}') THEN chr(39) || {f.name} "
                f"ELSE {f.name} END AS {f.name}"
                if f.kind == "str"
                else f.name
                for f in EVENT_FIELDS
            )
        options = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER", "jsonl": "FORMAT json"}
        if fmt not in options:
            raise InputError(
                f"unknown export format {fmt!r}; choose parquet, csv or jsonl",
                field="format",
                value=fmt,
            )
        sql = f"SELECT {columns} FROM events WHERE {where} ORDER BY date, id"
        target = str(out).replace("'", "''")
        self.con.execute(f"COPY ({sql}) TO '{target}' ({options[fmt]})", params)
        row = _first(self.con.execute(f"SELECT count(*) FROM events WHERE {where}", params))
        return int(row[0]) if row else 0

    def count(self) -> int:
        """The number of stored events."""
        row = _first(self.con.execute("SELECT count(*) FROM events"))
        return int(row[0]) if row else 0

    def stats(self) -> dict[str, Any]:
        """Counts of events, batches and quarantined rows, by dataset, with the date range."""
        con = self.con
        low, high = YEAR_RANGE
        # dates as text: a date outside Python's range (year 0, stored by an older bilat)
        # must not stop the statistics
        totals = con.execute(
            "SELECT count(*), CAST(min(date) AS VARCHAR), "
            "CAST(max(coalesce(date_end, date)) AS VARCHAR), "
            f"count(*) FILTER (WHERE year(date) NOT BETWEEN {low} AND {high} "
            f"OR year(date_end) NOT BETWEEN {low} AND {high}) FROM events"
        ).fetchall()[0]
        assert totals is not None
        by_dataset = dict(
            con.execute("SELECT dataset, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
        )
        batch_totals = con.execute(
            "SELECT count(*), coalesce(sum(read), 0), coalesce(sum(stored), 0), "
            "coalesce(sum(duplicates), 0), coalesce(sum(quarantined), 0) FROM batches"
        ).fetchall()[0]
        assert batch_totals is not None
        return {
            "path": str(self.path),
            "events": int(totals[0]),
            "first_date": totals[1],
            "last_date": totals[2],
            "out_of_range": int(totals[3]),
            "by_dataset": {k: int(v) for k, v in by_dataset.items()},
            "batches": int(batch_totals[0]),
            "read": int(batch_totals[1]),
            "stored": int(batch_totals[2]),
            "duplicates": int(batch_totals[3]),
            "quarantined": int(batch_totals[4]),
        }

    def batches(self) -> pd.DataFrame:
        """Every stored batch with its file, hash and counts."""
        return self.con.execute("SELECT * FROM batches ORDER BY batch_id").fetchdf()

    def quarantined(self) -> pd.DataFrame:
        """Every quarantined row with its file, line and reason."""
        return self.con.execute(
            "SELECT batch_id, file, line, reason, field, value, raw FROM quarantine "
            "ORDER BY batch_id, line"
        ).fetchdf()
