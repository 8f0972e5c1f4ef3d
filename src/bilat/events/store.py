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

import contextlib
import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, cast

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bilat.errors import (
    InputError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
    ValidationError,
)
from bilat.events._spool import SpoolDir
from bilat.events.schema import EVENT_FIELDS, arrow_schema, sql_columns, validate_record

__all__ = [
    "BatchResult",
    "BatchWriter",
    "Dyad",
    "EventStore",
    "QuarantinedRow",
    "interrupts_raised",
    "parse_dyad",
    "quarantine_table",
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


@dataclass(frozen=True)
class Dyad:
    """A pair of ISO3 countries; ``directed`` keeps only actor -> recipient."""

    actor: str
    recipient: str
    directed: bool = False


def parse_dyad(text: str, directed: bool = False) -> Dyad:
    """Parse ``"USA:PAK"`` into a :class:`Dyad`.

    Raises
    ------
    InputError
        When the text is not two three-letter codes separated by a colon.
    """
    parts = text.upper().split(":")
    if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
        raise InputError(
            "a dyad is two ISO3 country codes separated by a colon, such as USA:PAK",
            field="dyad",
            value=text,
        )
    return Dyad(parts[0], parts[1], directed)


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
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        self.con.execute("CREATE SEQUENCE batch_ids START 1")
        self.con.execute(
            """CREATE TABLE batches (
                batch_id BIGINT PRIMARY KEY, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
                dataset VARCHAR, read BIGINT NOT NULL, stored BIGINT NOT NULL,
                duplicates BIGINT NOT NULL, quarantined BIGINT NOT NULL,
                added_at TIMESTAMP NOT NULL)"""
        )
        self.con.execute(f"CREATE TABLE events ({sql_columns()}, batch_id BIGINT NOT NULL)")
        self.con.execute(
            """CREATE TABLE quarantine (
                batch_id BIGINT NOT NULL, file VARCHAR NOT NULL, line BIGINT,
                reason VARCHAR NOT NULL, field VARCHAR, value VARCHAR, raw VARCHAR)"""
        )
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

    @staticmethod
    def _as_arrow(events: pa.Table | pd.DataFrame) -> pa.Table:
        schema = arrow_schema()
        if isinstance(events, pd.DataFrame):
            missing = [f.name for f in EVENT_FIELDS if f.name not in events.columns]
            if missing:
                raise StoreError(f"events lack the column(s) {', '.join(missing)}")
            events = pa.Table.from_pandas(
                events[[f.name for f in EVENT_FIELDS]], preserve_index=False
            )
        try:
            return events.select([f.name for f in EVENT_FIELDS]).cast(schema)
        except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as err:
            raise StoreError(f"events do not fit the event schema: {err}") from err

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

    def __init__(self, store: EventStore, file: str, dataset: str | None) -> None:
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
        source = (
            events if isinstance(events, duckdb.DuckDBPyRelation) else EventStore._as_arrow(events)
        )
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
