"""Ingest event files into an :class:`~bilat.events.EventStore`, losing nothing.

Each file (or zip member) becomes one batch of the store, written in one
transaction: its rows are read in blocks and spooled to temporary Arrow
files in segments, each normalised and stored by one INSERT inside DuckDB
while the next is read (bounded memory whatever the file's size); only a
file read to its end is committed. For every file, rows read = stored +
duplicates + quarantined, each quarantined row named with its file, line and
reason; a file whose content was ingested before adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bilat.errors import InputError
from bilat.events.store import EventStore
from bilat.ingest._source import Source, expand, prefetch
from bilat.ingest.detect import FORMATS
from bilat.ingest.files import (
    MEMORY_LIMIT,
    FileResult,
    IngestReport,
    Reader,
    all_quarantined,
    ingest_source,
    memory_limit,
    reader_for,
    resolve_format,
    stage_source,
    unrecognised,
)
from bilat.ingest.parallel import ingest_dask

__all__ = [
    "MEMORY_LIMIT",
    "FileResult",
    "IngestReport",
    "Reader",
    "all_quarantined",
    "ingest",
    "ingest_source",
    "memory_limit",
    "prefetch",
    "reader_for",
    "resolve_format",
    "stage_source",
]


def ingest(
    paths: Sequence[str | Path],
    store: EventStore,
    *,
    format: str = "auto",
    engine: str = "local",
    on_file: Callable[[FileResult], None] | None = None,
    on_sources: Callable[[list[Source]], None] | None = None,
    parquet_dir: str | Path | None = None,
    scheduler: str | None = None,
) -> IngestReport:
    """Ingest event files, zip archives and directories into ``store``.

    Parameters
    ----------
    paths:
        Files (plain, gzip or zip, recognised by content) and directories
        (walked recursively in sorted order).
    store:
        The event store to write to.
    format:
        ``auto`` (recognise each file by its content) or one of
        :data:`~bilat.ingest.detect.FORMATS`.
    engine:
        ``local`` (one file after another, in this process) or ``dask``
        (files read in parallel on a Dask cluster into a Parquet dataset
        partitioned by year, which the store then loads; see
        :func:`bilat.ingest.parallel.ingest_dask`).
    on_file, on_sources:
        Callbacks, for a progress display: each file's result; the sources found.
    parquet_dir, scheduler:
        For ``engine="dask"``: where the Parquet dataset goes, and the
        scheduler's address (default: a local cluster).

    Returns
    -------
    IngestReport
        Per-file counts and their totals.

    Raises
    ------
    FormatError
        For a file of no known format (naming the formats tried), an empty file,
        or a truncated or corrupt gzip or zip file. Files before it stay stored
        (each is its own batch); nothing of the bad file is stored; re-running
        skips the files already ingested.
    """
    if format != "auto" and format not in FORMATS:
        raise InputError(
            f"unknown format {format!r}; choose auto or one of {', '.join(FORMATS)}",
            field="format",
            value=format,
        )
    walked: list[tuple[str, str]] = []
    sources = expand(list(paths), walked)
    if on_sources is not None:
        on_sources(sources)
    if engine == "dask":
        done = ingest_dask(
            sources,
            store,
            format=format,
            parquet_dir=parquet_dir,
            scheduler=scheduler,
            on_file=on_file,
        )
        done.skipped[:0] = walked
        return done
    if engine != "local":
        raise InputError(
            f"unknown engine {engine!r}; choose local or dask", field="engine", value=engine
        )
    report = IngestReport(skipped=walked)
    for source in sources:
        if source.walked and format == "auto":
            why = unrecognised(source)
            if why is not None:
                report.skipped.append((source.name, why))
                continue
        result = ingest_source(source, store, format)
        report.files.append(result)
        if on_file is not None:
            on_file(result)
    return report
