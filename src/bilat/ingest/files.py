"""Ingest one file: pick its reader, stage its rows in segments, store them as one batch.

:func:`ingest_source` is the whole life of one file; :func:`stage_source` is its reading
half, shared with the Dask engine in :mod:`bilat.ingest.parallel`. :func:`bilat.ingest.ingest`
walks the paths and hands each file here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, TypeVar

import duckdb

from bilat.errors import FormatError, InputError
from bilat.events.store import BatchResult, EventStore, QuarantinedRow, interrupts_raised
from bilat.ingest import gdelt, icews, native, plover
from bilat.ingest._normalise import Check, RawBlock, Stager
from bilat.ingest._source import Source, prefetch, sha256_of
from bilat.ingest.detect import FORMATS, detect_format, read_head, sniff

__all__ = [
    "MEMORY_LIMIT",
    "FileResult",
    "IngestReport",
    "Reader",
    "all_quarantined",
    "ingest_source",
    "memory_limit",
    "reader_for",
    "resolve_format",
    "stage_source",
    "unrecognised",
]


T = TypeVar("T")


class _ReadRaw(Protocol):
    def __call__(
        self,
        stream: IO[bytes],
        *,
        head: bytes,
        digest: Any = None,
    ) -> Iterator[RawBlock]: ...


@dataclass(frozen=True)
class Reader:
    """A format's reader: raw blocks from a stream, and the SQL that normalises them."""

    name: str
    read_raw: _ReadRaw
    sql: str
    checks: dict[str, Check]
    final: bool = False


def reader_for(fmt: str, head: bytes) -> Reader:
    """The reader of format ``fmt`` for a stream starting with ``head``.

    Raises
    ------
    InputError
        For an unknown format name, listing the valid ones.
    """
    if fmt == "gdelt":
        return Reader("gdelt", gdelt.read_raw, gdelt.SQL, gdelt.CHECKS)
    if fmt == "icews":
        return Reader("icews", icews.read_raw, icews.SQL, icews.CHECKS)
    if fmt == "plover":
        stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if stripped[:1] in (b"[", b"{"):
            return Reader("plover", plover.read_json_raw, plover.SQL, plover.CHECKS)
        return Reader("plover", plover.read_polecat_raw, plover.POLECAT_SQL, plover.CHECKS)
    if fmt == "bilat":
        return Reader("bilat", native.read_raw, native.SQL, native.CHECKS, final=True)
    raise InputError(
        f"unknown format {fmt!r}; choose auto or one of {', '.join(FORMATS)}",
        field="format",
        value=fmt,
    )


@dataclass
class FileResult:
    """What ingesting one file did. ``read == stored + duplicates + quarantined``."""

    path: str
    format: str
    read: int
    stored: int
    duplicates: int
    quarantined: int
    sha256: str = ""
    already_ingested: bool = False

    @classmethod
    def from_batch(cls, batch: BatchResult, fmt: str) -> FileResult:
        """The file result of a store batch."""
        return cls(
            batch.file,
            fmt,
            batch.read,
            batch.stored,
            batch.duplicates,
            batch.quarantined,
            batch.sha256,
            batch.already_ingested,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` entry: path, format and the four counts."""
        return {
            "path": self.path,
            "format": self.format,
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
        }


@dataclass
class IngestReport:
    """Per-file results and their totals."""

    files: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """What a directory walk did not read, with why: files of no known format, empty
    files, symbolic link loops, broken links, FIFOs and other special files."""

    @property
    def read(self) -> int:
        """Rows read in all files."""
        return sum(f.read for f in self.files)

    @property
    def stored(self) -> int:
        """Events newly stored."""
        return sum(f.stored for f in self.files)

    @property
    def duplicates(self) -> int:
        """Rows whose event was stored already (or repeated)."""
        return sum(f.duplicates for f in self.files)

    @property
    def quarantined(self) -> int:
        """Rows quarantined with a reason."""
        return sum(f.quarantined for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """``{"files": [...], "read": N, "stored": N, "duplicates": N, "quarantined": N,
        "skipped": [{"path": ..., "reason": ...}]}``."""
        return {
            "files": [f.to_dict() for f in self.files],
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "skipped": [{"path": path, "reason": why} for path, why in self.skipped],
        }


def _known(store: EventStore, source: Source) -> BatchResult | None:
    """A stored batch of this very content, when the file was ingested before (cheap check)."""
    row = store.con.execute(
        "SELECT count(*) FROM batches WHERE file = ?", [source.name]
    ).fetchall()[0]
    if not row or not row[0]:
        return None
    return store.already_stored(sha256_of(source))


def unrecognised(source: Source) -> str | None:
    """Why a file found in a directory walk is skipped, or None to read it."""
    head = read_head(source)
    if not head.strip():
        return "empty"
    if sniff(head) is None:
        return "not a known event format"
    return None


def resolve_format(source: Source, fmt: str, head: bytes) -> str:
    """The format to read ``source`` with: ``fmt``, or detected when ``fmt`` is auto."""
    if fmt == "auto":
        return detect_format(source, head)
    if fmt not in FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; choose auto or one of {', '.join(FORMATS)}",
            field="format",
            value=fmt,
        )
    if not head.strip():
        raise FormatError("the file is empty: there are no rows to ingest", file=source.name)
    return fmt


def stage_source(
    source: Source,
    con: duckdb.DuckDBPyConnection,
    on_events: Callable[[str], int],
    on_rejected: Callable[[list[QuarantinedRow]], object],
    fmt: str = "auto",
    at_end: Callable[[Callable[[], object]], None] | None = None,
    stagers: list[Stager] | None = None,
) -> tuple[str, str, int]:
    """Read a whole source, handing on its events and its quarantined rows as they come.

    The file is spooled in segments (see :class:`~bilat.ingest._normalise.Stager`):
    ``on_events`` gets the SQL of each segment's valid events, runs it on
    ``con`` and returns its row count; ``on_rejected`` gets quarantined rows
    in batches. Returns the format, the content's sha256 and the rows read.

    ``at_end`` registers an action to run when the caller's transaction ends
    (:meth:`~bilat.events.BatchWriter.at_end`): there the segments' memory maps
    are closed, which DuckDB holds until then. ``stagers`` (for tests and
    accounting) receives the stager used.
    """
    head = read_head(source)
    fmt = resolve_format(source, fmt, head)
    reader = reader_for(fmt, head)
    digest = hashlib.sha256()

    def reread() -> Iterator[RawBlock]:
        with source.open() as stream:
            yield from reader.read_raw(stream, head=head)

    stager = Stager(con, reader.sql, reader.checks, source.name, final=reader.final, reread=reread)
    if stagers is not None:
        stagers.append(stager)
    if at_end is not None:
        at_end(stager.close_maps)
    try:
        with source.open() as stream:
            blocks = reader.read_raw(stream, head=head, digest=digest)
            for segment in prefetch(stager.spool(blocks), depth=1):
                stager.load(segment, on_events, on_rejected)
        stager.settle(on_rejected)
    except FormatError as err:
        if err.file is None:
            raise FormatError(err.reason, file=source.name, line=err.line) from err
        raise
    finally:
        stager.close()
    return fmt, digest.hexdigest(), stager.read


def ingest_source(source: Source, store: EventStore, fmt: str = "auto") -> FileResult:
    """Ingest one source as one batch of ``store`` (see :func:`ingest`)."""
    previous = _known(store, source)
    if previous is not None:
        head = read_head(source)
        return FileResult.from_batch(previous, sniff(head) or fmt)
    used = resolve_format(source, fmt, read_head(source))
    con = store.con
    with (
        interrupts_raised(),
        memory_limit(con, MEMORY_LIMIT),
        store.begin_batch(source.name, dataset=used) as batch,
    ):
        _, sha, read = stage_source(
            source,
            con,
            lambda sql: batch.append(con.sql(sql)),
            batch.quarantine,
            used,
            at_end=batch.at_end,
        )
        if fmt != "auto" and read and not batch.appended:
            batch.flush_quarantine()
            first = con.execute(
                "SELECT line, reason FROM quarantine WHERE batch_id = ? ORDER BY line LIMIT 1",
                [batch.batch_id],
            ).fetchall()
            raise all_quarantined(source.name, used, read, first[0] if first else None)
        result = batch.commit(sha, read=read)
    done = FileResult.from_batch(result, used)
    done.path = source.name  # the same content under another name is still this file's result
    return done


def all_quarantined(
    name: str, fmt: str, read: int, first: tuple[int | None, str] | None
) -> FormatError:
    """The error for a file whose every row was quarantined under a format the user forced.

    Such a batch is not stored (so the file is not marked as ingested and the
    right format can read it afterwards).
    """
    example = ""
    if first is not None:
        line, reason = first
        example = f" (line {line}: {' '.join(str(reason).split())[:200]})"
    return FormatError(
        f"every one of the {read} rows was quarantined under the forced format {fmt!r}"
        f"{example}; nothing was stored and the file is not marked as ingested. "
        "Check --format, or leave it out to recognise the format.",
        file=name,
    )


MEMORY_LIMIT = "256MB"
"""DuckDB's memory limit while a file is ingested (it spills to disk beyond it)."""


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """Lower DuckDB's memory limit (and silence its progress bar) for a block of work.

    Both settings are restored afterwards.
    """
    previous, bar = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('enable_progress_bar')"
    ).fetchall()[0]
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET enable_progress_bar = false")
    try:
        yield
    finally:
        con.execute("RESET memory_limit")  # exact default; a custom limit is set back below
        now = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        if now != previous:
            con.execute(f"SET memory_limit = '{previous}'")
        con.execute(f"SET enable_progress_bar = {'true' if bar else 'false'}")
