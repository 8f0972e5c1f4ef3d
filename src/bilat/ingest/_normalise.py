"""Normalisation inside DuckDB: raw text fields in, event rows and quarantined rows out.

Every reader turns its input into *raw blocks*: Arrow tables of text fields
plus the physical ``line`` each row came from. A reader's SQL turns a raw
block into *candidate* rows (:data:`CANDIDATE_COLUMNS`) and flags rows that
fail its checks (``_check`` names the check, ``_value`` the bad value). The
shared SQL here then maps codes through the ontology (tables registered in
DuckDB, joined, never looked up row by row) and applies the checks every
format shares. A :class:`Stager` spools a file's raw blocks to temporary
Arrow files, in segments, each normalised and stored by one parallel
statement, so that a whole file becomes one batch of the store without being
held in memory.
"""

from __future__ import annotations

import contextlib
import mmap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from bilat.errors import StoreError
from bilat.events import SpoolDir
from bilat.events.schema import EVENT_FIELDS
from bilat.events.store import YEAR_RANGE, QuarantinedRow
from bilat.ingest._sql import CHECKS, FINAL, MAP_SOURCES, cameo_arrow, cameo_suggestions, resolve

_YEARS = f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]}"

__all__ = [
    "CANDIDATE_COLUMNS",
    "COMMONCHECKS",
    "RAW_LIMIT",
    "SEGMENT_BYTES",
    "SEGMENT_REJECTS",
    "Check",
    "RawBlock",
    "Segment",
    "Stager",
    "cameo_suggestions",
]

RAW_LIMIT = 2000
"""Characters of a quarantined row's raw text kept in the quarantine."""

CANDIDATE_COLUMNS = (
    "line",
    "id",
    "date",
    "date_end",
    "date_precision",
    "actor_code",
    "actor_country_key",
    "actor_sector_key",
    "actor_text",
    "recipient_code",
    "recipient_country_key",
    "recipient_sector_key",
    "recipient_text",
    "cameo",
    "plover_key",
    "event_src",
    "mode_src",
    "context_src",
    "quad_src",
    "goldstein_src",
    "weight",
    "dataset",
    "source_id",
    "doc_id",
    "sentence",
    "span",
    "url",
    "citation",
    "modality",
    "_check",
    "_value",
)
"""What a reader's SQL must select from its raw block, in this order.

``*_country_key`` and ``*_sector_key`` are the source's own country and sector
values (codes or names), mapped here through :func:`bilat.ontology.to_iso3` and
:func:`bilat.ontology.sector_of`. ``cameo`` may be NULL when ``plover_key`` (a
PLOVER event category) gives the CAMEO root instead. ``*_src`` values come
from the record and win over the ontology's.
"""


@dataclass(frozen=True)
class Check:
    """A check a row can fail: the field at fault and the reason, with ``{value}`` filled in."""

    field: str
    reason: str


COMMONCHECKS: dict[str, Check] = {
    "cameo": Check("cameo", "unknown CAMEO event code {value!r}"),
    "plover": Check("event", "unknown PLOVER event category {value!r}"),
    "nocode": Check("cameo", "no CAMEO code and no PLOVER event category"),
    "id": Check("id", "the record has no id"),
    "date": Check("date", "{value!r} is not a real date"),
    "year": Check("date", "the year of {value!r} lies outside " + _YEARS),
    "quad": Check("quad", "quad class {value!r} is not 1, 2, 3 or 4"),
    "goldstein": Check("goldstein", "Goldstein value {value!r} is not a number in [-10, 10]"),
    "weight": Check("weight", "weight {value!r} is not a non-negative number"),
}


@dataclass
class RawBlock:
    """Raw text fields of some rows, with the physical line each came from.

    ``table`` has a ``line`` column (int64) and the reader's text columns;
    ``raw_line(n)`` returns the text of line ``n`` (for quarantined rows);
    ``quarantine`` holds rows the reader itself rejected (bad width, bad bytes).
    """

    table: pa.Table
    raw_line: Callable[[int], str]
    quarantine: list[QuarantinedRow] = field(default_factory=list)


_EVENT_COLUMNS = ", ".join(f.name for f in EVENT_FIELDS)


SEGMENT_BYTES = 256 << 20
"""Arrow bytes of raw rows per spool segment (each is normalised and stored by one INSERT)."""

SEGMENT_REJECTS = 20_000
"""Rows the reader rejected that close a segment early (so they are staged in bounded batches)."""

_MAP_SCHEMA = pa.schema([("kind", pa.string()), ("key", pa.string()), ("value", pa.string())])


@dataclass
class Segment:
    """Part of a file's raw rows spooled to an Arrow file, with the rows the reader rejected.

    ``maps`` resolves every country, sector and PLOVER key seen so far in the file.
    """

    path: Path | None
    rows: int
    rejected: list[QuarantinedRow]
    maps: pa.Table


class Stager:
    """Stages one file in segments: raw rows spooled to disk, normalised by DuckDB in bulk.

    :meth:`spool` runs in the reading thread and touches no database: it
    resolves each raw block's country, sector and PLOVER keys through the
    ontology (once per distinct key) and appends the block to an Arrow IPC
    file, nearly a plain copy, closing a :class:`Segment` every
    :data:`SEGMENT_BYTES`. :meth:`load` then runs, in the caller's thread,
    the normalising SQL over a whole segment, memory-mapped, so that each row
    is checked and normalised once, by one parallel statement, while the next
    segment is read. Memory stays bounded by about two segments whatever the
    file's size.

    Rows that fail a check are left out of a segment's events; the row count
    the statement returns shows whether any did, and only then are they found
    by the checks' SQL. :meth:`settle` quarantines them at the end, their raw
    text read again from the file.

    Parameters
    ----------
    con:
        The connection that runs the SQL (the store's, or a private one).
    candidates:
        The reader's SQL over a raw block registered as ``_bilat_raw``,
        selecting :data:`CANDIDATE_COLUMNS`.
    checks:
        The reader's own checks, by the names its SQL puts in ``_check``.
    file:
        The file name, for messages.
    final:
        The reader's SQL already selects the event columns (plus ``line``,
        ``_check`` and ``_value``): no ontology mapping (bilat's own exports).
    reread:
        Reads the file's raw blocks again (for the raw text of failed rows).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        candidates: str,
        checks: Mapping[str, Check],
        file: str,
        *,
        final: bool = False,
        reread: Callable[[], Iterator[RawBlock]] | None = None,
    ) -> None:
        self.con = con
        self.candidates = candidates
        self.final = final
        self.reread = reread
        self.checks = {**COMMONCHECKS, **checks}
        self.file = file
        self.read = 0
        self.events = 0
        self.failed = 0
        self._maps: dict[tuple[str, str], str | None] = {}
        self._spool = SpoolDir()
        self._dir = self._spool.path
        self._segments = 0
        self.mapped = 0
        """Segments memory-mapped so far."""
        self.released = 0
        """Segments whose mapped pages were handed back (``madvise``) once stored."""
        self.unmapped = 0
        """Segments whose memory map is closed (at once, or when the transaction ends)."""
        self._open_maps: list[mmap.mmap] = []

    # -- the reading thread --------------------------------------------------------------------
    def _map_keys(self, table: pa.Table) -> None:
        """Resolve the block's country, sector and PLOVER keys not seen before."""
        for kind, cols in MAP_SOURCES.items():
            for col in cols:
                if col not in table.column_names:
                    continue
                for key in pc.unique(table.column(col)).to_pylist():
                    if not key:
                        continue
                    if kind == "plover":
                        key = key.strip().upper()
                    if (kind, key) not in self._maps:
                        self._maps[(kind, key)] = resolve(kind, key)

    def _maps_table(self) -> pa.Table:
        kinds, keys, values = [], [], []
        for (kind, key), value in self._maps.items():
            kinds.append(kind)
            keys.append(key)
            values.append(value)
        return pa.table([kinds, keys, values], schema=_MAP_SCHEMA)

    def spool(self, blocks: Iterable[RawBlock]) -> Iterator[Segment]:
        """Spool raw blocks into segments (see the class docstring); runs in any thread."""
        writer: ipc.RecordBatchFileWriter | None = None
        schema: pa.Schema | None = None
        path: Path | None = None
        rows = size = 0
        rejected: list[QuarantinedRow] = []

        def close() -> Segment:
            """Close the segment being written (once: the reader may be mapping it)."""
            nonlocal writer, path, rows, size, rejected
            if writer is not None:
                writer.close()
            segment = Segment(path, rows, rejected, self._maps_table())
            writer, path, rows, size, rejected = None, None, 0, 0, []
            return segment

        try:
            for block in blocks:
                self.read += block.table.num_rows + len(block.quarantine)
                rejected.extend(block.quarantine)
                table = block.table
                if table.num_rows:
                    if not self.final:
                        self._map_keys(table)
                    if schema is None:
                        schema = table.schema
                    elif table.schema != schema:
                        table = table.cast(schema)
                    if writer is None:
                        path = self._dir / f"segment-{self._segments:05d}.arrow"
                        self._segments += 1
                        writer = ipc.new_file(str(path), schema)
                    writer.write_table(table)
                    rows += table.num_rows
                    size += table.nbytes
                if size >= SEGMENT_BYTES or len(rejected) >= SEGMENT_REJECTS:
                    yield close()
            if rows or rejected:
                yield close()
        finally:
            if writer is not None:
                writer.close()

    # -- the caller's thread -------------------------------------------------------------------
    def _sql(self, body: str) -> str:
        """``body`` (SQL over ``_bilat_cand``) with the reader's SQL as that CTE."""
        if self.final:
            return self.candidates
        return f"WITH _bilat_cand AS ({self.candidates}), {body.lstrip().removeprefix('WITH ')}"

    def events_sql(self, ordered: bool = True) -> str:
        """SQL of the valid, normalised events of the segment being loaded (in line order).

        The order matters when an id repeats in the segment: the store keeps
        the copy appended first, and DuckDB's joins do not keep the rows'
        order. Segments are appended one after another, so a segment without
        a repeated id needs no sort (``ordered=False``).
        """
        sql = f"SELECT {_EVENT_COLUMNS} FROM ({self._sql(FINAL)}) WHERE _check IS NULL"
        return sql + " ORDER BY line" if ordered else sql

    def repeats_an_id(self) -> bool:
        """Whether an id occurs twice in the segment registered as ``_bilat_raw``.

        A hash count over the ids, far cheaper than sorting every segment.
        """
        row = self.con.execute(
            f"SELECT count(id) <> count(DISTINCT id) FROM ({self.candidates})"
        ).fetchall()
        return bool(row and row[0][0])

    def load(
        self,
        segment: Segment,
        on_events: Callable[[str], int],
        on_rejected: Callable[[list[QuarantinedRow]], object],
    ) -> None:
        """Hand a segment's events (as SQL) to ``on_events`` and its rejected rows on.

        ``on_events`` runs the SQL (an INSERT or a COPY) and returns its row
        count; rows that failed a check are noted for :meth:`settle`.
        """
        if segment.rejected:
            on_rejected(segment.rejected)
        if segment.path is None:
            return
        con = self.con
        with segment.path.open("rb") as handle:
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.mapped += 1
        self._open_maps.append(mapping)
        table = ipc.open_file(pa.BufferReader(pa.py_buffer(mapping))).read_all()
        con.register("_bilat_raw", table)
        con.register("_bilat_map", segment.maps)
        con.register("_bilat_cameo", cameo_arrow())
        try:
            n = on_events(self.events_sql(ordered=self.repeats_an_id()))
            self.events += n
            if n < segment.rows:
                con.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS _bilat_failed "
                    "(line BIGINT, _check VARCHAR, _value VARCHAR)"
                )
                row = con.execute(
                    "INSERT INTO _bilat_failed SELECT line, _check, _value "
                    f"FROM ({self._sql(CHECKS)}) WHERE _check IS NOT NULL"
                ).fetchall()
                self.failed += int(row[0][0])
        finally:
            for name in ("_bilat_raw", "_bilat_map", "_bilat_cameo"):
                # an interrupted statement aborts the transaction: unregistering may then fail,
                # and must not hide the interrupt (the batch's rollback follows)
                with contextlib.suppress(duckdb.Error):
                    con.unregister(name)
            del table
            # DuckDB keeps what a transaction scanned until it ends: hand the pages back now,
            # and close the map now if nothing holds it (else when the transaction ends)
            if hasattr(mapping, "madvise"):
                mapping.madvise(mmap.MADV_DONTNEED)
            self.released += 1
            self.close_maps()
            segment.path.unlink(missing_ok=True)

    @property
    def resident(self) -> int:
        """Segments mapped whose pages have not been handed back (the one being stored)."""
        return self.mapped - self.released

    def close_maps(self) -> int:
        """Close every memory map nothing holds any more; how many stay open.

        A map DuckDB still holds (it keeps what an open transaction scanned)
        cannot be closed yet: call this again once the transaction has ended.
        """
        still: list[mmap.mmap] = []
        for mapping in self._open_maps:
            try:
                mapping.close()
            except BufferError:
                still.append(mapping)
                continue
            self.unmapped += 1
        self._open_maps = still
        return len(still)

    def settle(self, on_rejected: Callable[[list[QuarantinedRow]], object]) -> None:
        """Quarantine the rows that failed a check, with their raw text; check the counts.

        The raw text comes from reading the file again, a block at a time, and
        only when some row failed.

        Raises
        ------
        StoreError
            When rows read are not events + rejected + failed rows (rows would be lost).
        """
        found = 0
        if self.failed and self.reread is not None:
            for block in self.reread():
                if block.table.num_rows == 0:
                    continue
                lines = block.table.column("line")
                bad = self.con.execute(
                    "SELECT line, _check, _value FROM _bilat_failed "
                    "WHERE line BETWEEN ? AND ? ORDER BY line",
                    [pc.min(lines).as_py(), pc.max(lines).as_py()],
                ).fetchall()
                if bad:
                    found += len(bad)
                    on_rejected(
                        [
                            self.quarantined(int(line), str(check), value, block.raw_line)
                            for line, check, value in bad
                        ]
                    )
        if found != self.failed:
            raise StoreError(
                f"{self.file}: {self.failed} rows failed a check but {found} were found again; "
                "refusing to lose rows"
            )

    def quarantined(
        self, line: int, check: str, value: object, raw_line: Callable[[int], str]
    ) -> QuarantinedRow:
        """The quarantine entry of a row that failed ``check``."""
        rule = self.checks.get(check, Check("?", "failed check " + check + " ({value!r})"))
        text = None if value is None else str(value)
        reason = rule.reason.format(value=text)
        if check == "cameo" and text:
            near = cameo_suggestions(text)
            if near:
                reason += "; nearest valid: " + ", ".join(near)
        return QuarantinedRow(
            line=line,
            reason=reason,
            raw=raw_line(line)[:RAW_LIMIT],
            field=rule.field,
            value=None if text is None else text[:RAW_LIMIT],
        )

    def close(self) -> None:
        """Delete the spool and drop the table of failed rows (on every exit path).

        The spool goes first: dropping the table fails on a connection whose
        transaction an error or an interrupt has aborted, and that is left to
        the batch's rollback.
        """
        self.close_maps()
        self._spool.close()
        with contextlib.suppress(duckdb.Error):
            self.con.execute("DROP TABLE IF EXISTS _bilat_failed")
