"""Parallel ingest with Dask: many files read at once into a Parquet dataset by year.

Each file is read and normalised on a Dask worker (the same readers and SQL
as the local engine, on a private in-memory DuckDB), and its events are
written to a Parquet dataset partitioned by year (``year=2019/...``, hive
style, the interchange format for Dask and Spark). The store then loads each
file's Parquet parts as one batch, in file order, in this process, so that
the invariants of the local engine hold unchanged: rows read = stored +
duplicates + quarantined per file, re-ingesting adds nothing, and events
repeated across files are stored once. The Parquet dataset keeps every
file's events as read (cross-file duplicates included).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from bilat.errors import InputError, MissingExtraError
from bilat.events.schema import EVENT_FIELDS
from bilat.events.store import CONNECTION_CONFIG, EventStore, QuarantinedRow, quarantine_table
from bilat.ingest._source import Source, sha256_of
from bilat.ingest.files import (
    MEMORY_LIMIT,
    FileResult,
    IngestReport,
    all_quarantined,
    stage_source,
    unrecognised,
)

__all__ = ["PartResult", "ingest_dask", "read_to_parquet"]

_COLUMNS = ", ".join(f.name for f in EVENT_FIELDS)


@dataclass
class PartResult:
    """What a worker did with one source: its Parquet files, counts and quarantine."""

    name: str
    format: str = ""
    sha256: str = ""
    read: int = 0
    files: list[str] = field(default_factory=list)
    quarantined: int = 0
    quarantine_file: str | None = None
    """A Parquet file of the quarantined rows (``line, reason, raw, field, value``), written
    as they come so that a worker never holds them all; the store loads it."""
    first_quarantined: tuple[int | None, str] | None = None
    skipped: str | None = None
    known: bool = False


def read_to_parquet(source: Source, fmt: str, out: str, known: frozenset[str]) -> PartResult:
    """Read one source and write its events to the Parquet dataset ``out`` (a worker task).

    Sources whose content hash is in ``known`` (already in the store) are not read.
    """
    result = PartResult(source.name)
    if source.walked and fmt == "auto":
        result.skipped = unrecognised(source)
        if result.skipped is not None:
            return result
    sha = sha256_of(source)
    if sha in known:
        result.sha256, result.known = sha, True
        return result
    con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET enable_progress_bar = false")
    target = out.replace("'", "''")
    prefix = f"part-{sha[:16]}"
    segments = itertools.count()

    def copy(sql: str) -> int:
        name = f"{prefix}-{next(segments):04d}"
        row = con.execute(
            f"COPY (SELECT *, year(date) AS year FROM ({sql})) TO '{target}' "
            f"(FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE, "
            f"FILENAME_PATTERN '{name}_{{i}}')"
        ).fetchall()
        return int(row[0][0])

    rejected = Path(out) / "_quarantine" / f"{prefix}.parquet"
    writer: pq.ParquetWriter | None = None

    def reject(rows: list[QuarantinedRow]) -> None:
        nonlocal writer
        if not rows:
            return
        table = quarantine_table(rows)
        if writer is None:
            rejected.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(str(rejected), table.schema)
            result.first_quarantined = (rows[0].line, rows[0].reason)
        writer.write_table(table)
        result.quarantined += len(rows)

    try:
        result.format, result.sha256, result.read = stage_source(source, con, copy, reject, fmt)
    finally:
        con.close()
        if writer is not None:
            writer.close()
            result.quarantine_file = str(rejected)
    result.files = sorted(glob.glob(str(Path(out) / "year=*" / f"{prefix}-*.parquet")))
    return result


def ingest_dask(
    sources: Sequence[Source],
    store: EventStore,
    *,
    format: str = "auto",
    parquet_dir: str | Path | None = None,
    scheduler: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    n_workers: int = 2,
) -> IngestReport:
    """Ingest ``sources`` in parallel on a Dask cluster (see the module docstring).

    Parameters
    ----------
    parquet_dir:
        The Parquet dataset (default: ``<store>.parquet`` beside a store file;
        required for an in-memory store).
    scheduler:
        A scheduler address; default: a new local cluster of ``n_workers``
        single-threaded worker processes.

    Raises
    ------
    MissingExtraError
        When dask[distributed] is not installed.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - the extra is installed in tests
        raise MissingExtraError("dask[distributed]", "dask") from err
    if parquet_dir is None:
        if str(store.path) == ":memory:":
            raise InputError(
                "--engine dask needs a Parquet directory (--parquet) with an in-memory store",
                field="parquet",
            )
        parquet_dir = store.path.with_suffix(".parquet")
    out = Path(parquet_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    known = frozenset(str(s) for s in store.batches()["sha256"].tolist())
    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = client.map(
            read_to_parquet,
            list(sources),
            fmt=format,
            out=str(out),
            known=known,
            pure=False,
        )
        parts: list[PartResult] = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    report = IngestReport()
    for part in parts:
        if part.skipped is not None:
            report.skipped.append((part.name, part.skipped))
            continue
        if format != "auto" and part.read and not part.known and part.quarantined == part.read:
            raise all_quarantined(part.name, format, part.read, part.first_quarantined)
        result = _load(part, store)
        report.files.append(result)
        if on_file is not None:
            on_file(result)
    with contextlib.suppress(OSError):  # the quarantine files' folder, once it is empty
        (out / "_quarantine").rmdir()
    return report


def _load(part: PartResult, store: EventStore) -> FileResult:
    """Store one worker's Parquet parts as one batch (nothing, when its content is stored)."""
    if part.files:
        relation = store.con.read_parquet(part.files, hive_partitioning=True).select(_COLUMNS)
    else:
        relation = store.con.sql(f"SELECT {_COLUMNS} FROM events WHERE false")
    quarantine: duckdb.DuckDBPyRelation | list[QuarantinedRow] = []
    if part.quarantine_file is not None:
        quarantine = store.con.read_parquet(part.quarantine_file)
    try:
        batch = store.add_batch(
            relation,
            file=part.name,
            sha256=part.sha256,
            read=part.read,
            quarantine=quarantine,
            dataset=part.format,
        )
    finally:
        if part.quarantine_file is not None:  # bilat's own intermediate file
            Path(part.quarantine_file).unlink(missing_ok=True)
    return FileResult.from_batch(batch, part.format or "known")
