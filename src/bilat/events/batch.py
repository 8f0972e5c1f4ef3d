"""A batch being written to the event store, the rows it quarantines and what it did."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bilat.errors import (
    StoreError,
)
from bilat.events._db import (
    _COLUMNS,
    QUARANTINE_HELD,
    _first,
    _rollback,
    as_arrow,
    interrupts_raised,
)
from bilat.events._spool import SpoolDir

__all__ = ["BatchResult", "BatchWriter", "QuarantinedRow", "quarantine_table"]


@dataclass(frozen=True)
class QuarantinedRow:
    """A row that could not be read, kept with the reason why."""

    line: int | None
    reason: str
    raw: str = ""
    field: str | None = None
    value: str | None = None


@dataclass
class BatchResult:
    """What one batch did to the store. ``read == stored + duplicates + quarantined``."""

    file: str
    sha256: str
    read: int
    stored: int
    duplicates: int
    quarantined: int
    batch_id: int | None = None
    already_ingested: bool = False
    quarantine: list[QuarantinedRow] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The counts as a plain dict (the quarantined rows themselves left out)."""
        out = asdict(self)
        out.pop("quarantine")
        return out


class _Store(Protocol):
    """What a batch needs of its :class:`~bilat.events.EventStore`."""

    con: duckdb.DuckDBPyConnection

    def already_stored(self, sha256: str) -> BatchResult | None: ...


class BatchWriter:
    """One batch of an :class:`EventStore` being written, in one transaction.

    Append events with :meth:`append` and rejected rows with :meth:`quarantine`,
    as often as needed, then :meth:`commit`. Nothing is visible to other
    connections before the commit; leaving a ``with`` block without committing
    (or any error) rolls the whole batch back.

    Repeated ids are settled at the commit, in one pass over the batch: a row
    whose id is stored already, or appeared earlier in the batch, is dropped
    and counted as a duplicate (the first copy is kept).
    """

    def __init__(self, store: _Store, file: str, dataset: str | None) -> None:
        self.store = store
        self.file = file
        self.dataset = dataset
        self.appended = 0
        self.quarantined = 0
        self._open = True
        self._held: list[QuarantinedRow] = []  # quarantined rows not yet written anywhere
        self._spool: SpoolDir | None = None
        self._spill: pq.ParquetWriter | None = None
        self._at_end: list[Callable[[], object]] = []
        con = store.con
        con.execute("BEGIN TRANSACTION")
        try:
            row = _first(con.execute("SELECT nextval('batch_ids'), (SELECT count(*) FROM events)"))
            assert row is not None
            self.batch_id = int(row[0])
            self._had_events = bool(row[1])
        except BaseException:
            self.rollback()
            raise

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def _run(self, sql: str, params: list[Any], source: object) -> int:
        """Run an INSERT reading ``source`` (registered as ``_staged``); rows inserted."""
        con = self.store.con
        con.register("_staged", source)
        try:
            with interrupts_raised():
                row = _first(con.execute(sql, params))
        finally:
            # an interrupted statement aborts the transaction; unregistering may then fail
            # and must not hide the interrupt (the batch's rollback follows)
            with contextlib.suppress(duckdb.Error):
                con.unregister("_staged")
        return int(row[0]) if row else 0

    def append(self, events: pa.Table | pd.DataFrame | duckdb.DuckDBPyRelation) -> int:
        """Append events with the schema's columns; returns how many rows were appended."""
        source = events if isinstance(events, duckdb.DuckDBPyRelation) else as_arrow(events)
        n = self._run(
            f"INSERT INTO events SELECT {_COLUMNS}, ? AS batch_id FROM _staged",
            [self.batch_id],
            source,
        )
        self.appended += n
        return n

    def quarantine(self, rows: Sequence[QuarantinedRow] | duckdb.DuckDBPyRelation) -> int:
        """Quarantine rows (a list, or a relation of ``line, reason, raw, field, value``).

        Listed rows beyond :data:`QUARANTINE_HELD` are spilled to a Parquet file
        in a spool folder and stored at the commit, so that memory stays
        bounded however many rows a file has quarantined (DuckDB keeps every
        Python object a transaction reads until the transaction ends).
        """
        if isinstance(rows, duckdb.DuckDBPyRelation):
            n = self._insert_quarantine(rows)
            self.quarantined += n
            return n
        listed = list(rows)
        self._held.extend(listed)
        self.quarantined += len(listed)
        if len(self._held) >= QUARANTINE_HELD:
            self._spill_held()
        return len(listed)

    def _insert_quarantine(self, source: object) -> int:
        return self._run(
            "INSERT INTO quarantine SELECT ?, ?, line, reason, field, value, "
            "left(raw, 10000) FROM _staged",
            [self.batch_id, self.file],
            source,
        )

    def _spill_held(self) -> None:
        """Append the held quarantined rows to the batch's spill file."""
        if not self._held:
            return
        table = quarantine_table(self._held)
        if self._spill is None:
            self._spool = SpoolDir()
            self._spill = pq.ParquetWriter(
                str(self._spool.path / "quarantine.parquet"), table.schema
            )
        self._spill.write_table(table)
        self._held = []

    def flush_quarantine(self) -> int:
        """Store every quarantined row given so far (spilled or held) in the open transaction."""
        n = 0
        if self._spill is not None and self._spool is not None:
            self._spill_held()
            self._spill.close()
            self._spill = None
            path = self._spool.path / "quarantine.parquet"
            n += self._insert_quarantine(self.store.con.read_parquet(str(path)))
            self._spool.close()
            self._spool = None
        if self._held:
            n += self._insert_quarantine(quarantine_table(self._held))
            self._held = []
        return n

    def at_end(self, action: Callable[[], object]) -> None:
        """Run ``action`` once the batch's transaction has ended (committed or rolled back)."""
        self._at_end.append(action)

    def _end(self) -> None:
        """Drop the spill and run the end-of-transaction actions."""
        self._held = []
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        actions, self._at_end = self._at_end, []
        for action in actions:
            action()

    def _drop_duplicates(self) -> int:
        """Delete this batch's rows whose id is stored already or repeated; how many."""
        con = self.store.con
        b = {"b": self.batch_id}
        mine = "SELECT id FROM events WHERE batch_id = $b"
        gates = ["SELECT count(*) - count(DISTINCT id) FROM events WHERE batch_id = $b"]
        if self._had_events:  # ids stored by earlier batches
            gates.append(f"SELECT count(*) FROM events WHERE batch_id <> $b AND id IN ({mine})")
        if not any((_first(con.execute(gate, b)) or (0,))[0] for gate in gates):
            return 0
        # older batches' rows sort first, then this batch's in the order appended
        row = _first(
            con.execute(
                f"""DELETE FROM events WHERE rowid IN (
                    SELECT r FROM (
                        SELECT rowid AS r, batch_id AS b, row_number() OVER (
                            PARTITION BY id ORDER BY batch_id = $b, rowid) AS n
                        FROM events WHERE id IN ({mine}))
                    WHERE b = $b AND n > 1)""",
                b,
            )
        )
        return int(row[0]) if row else 0

    def commit(self, sha256: str, *, read: int | None = None) -> BatchResult:
        """Settle duplicates, check the counts and commit; the batch's result.

        When a batch with this content hash was stored meanwhile, nothing is
        added: the stored batch comes back with ``already_ingested`` set.

        Raises
        ------
        StoreError
            When ``read`` is not the rows appended plus the rows quarantined
            (a reader lost or invented rows); nothing is stored.
        """
        if not self._open:
            raise StoreError(f"{self.file}: the batch was already committed or rolled back")
        try:
            previous = self.store.already_stored(sha256)
            if previous is not None:
                self.rollback()
                return previous
            flushed = self.flush_quarantine()
            total = _first(
                self.store.con.execute(
                    "SELECT count(*) FROM quarantine WHERE batch_id = ?", [self.batch_id]
                )
            )
            if total is None or int(total[0]) != self.quarantined:
                raise StoreError(
                    f"{self.file}: {self.quarantined} rows were quarantined but "
                    f"{0 if total is None else total[0]} reached the store "
                    f"({flushed} at the commit); refusing to lose rows"
                )
            n_read = self.appended + self.quarantined if read is None else read
            if n_read != self.appended + self.quarantined:
                raise StoreError(
                    f"{self.file}: a reader reported {n_read} rows read but gave "
                    f"{self.appended} events and {self.quarantined} quarantined rows; "
                    "refusing to lose rows"
                )
            with interrupts_raised():
                duplicates = self._drop_duplicates()
            result = BatchResult(
                file=self.file,
                sha256=sha256,
                read=n_read,
                stored=self.appended - duplicates,
                duplicates=duplicates,
                quarantined=self.quarantined,
                batch_id=self.batch_id,
            )
            self.store.con.execute(
                "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    result.batch_id,
                    result.file,
                    result.sha256,
                    self.dataset,
                    result.read,
                    result.stored,
                    result.duplicates,
                    result.quarantined,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                ],
            )
            self.store.con.execute("COMMIT")
            self._open = False
        except BaseException:
            self.rollback()
            raise
        self._end()
        return result

    def rollback(self) -> None:
        """Undo everything the batch wrote (nothing happens after a commit)."""
        if self._open:
            self._open = False
            try:
                _rollback(self.store.con)
            finally:
                self._end()


def quarantine_table(rows: Sequence[QuarantinedRow]) -> pa.Table:
    """Quarantined rows as an Arrow table of ``line, reason, raw, field, value``."""
    return pa.table(
        {
            "line": pa.array([q.line for q in rows], pa.int64()),
            "reason": pa.array([q.reason for q in rows], pa.string()),
            "raw": pa.array([q.raw for q in rows], pa.string()),
            "field": pa.array([q.field for q in rows], pa.string()),
            "value": pa.array([q.value for q in rows], pa.string()),
        }
    )
