"""Code many documents: one process, or in parallel on a Dask cluster.

Each worker loads spaCy's pipeline once (cached per process) and codes whole
files, so the work units are documents and nothing but file paths and event
records crosses the wire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bilat.errors import InputError, MissingExtraError

__all__ = ["ENGINES", "code_file", "code_files"]

ENGINES = ("local", "dask")


def code_file(
    path: str | Path,
    doc_date: dt.date | None = None,
    dicts: str | None = None,
    modalities: Sequence[str] | None = None,
    all_events: bool = False,
) -> list[dict[str, Any]]:
    """Code one file and return its event records (``doc_id`` = the file name)."""
    from bilat.coding.coder import Coder
    from bilat.coding.modality import FACTS

    path = Path(path)
    coder = Coder(
        dicts=dicts,
        modalities=tuple(modalities) if modalities else FACTS,
        all_events=all_events,
    )
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", file=path) from err
    return coder.code_records(data, doc_date, path.name)


def _code_file_safe(
    path: str | Path,
    doc_date: dt.date | None = None,
    dicts: str | None = None,
    modalities: Sequence[str] | None = None,
    all_events: bool = False,
) -> tuple[list[dict[str, Any]], str | None]:
    """:func:`code_file`, with a bad document reported instead of raised."""
    try:
        return code_file(path, doc_date, dicts, modalities, all_events), None
    except InputError as err:
        return [], f"{Path(path).name}: {err}"


def code_files(
    paths: Sequence[str | Path],
    doc_date: dt.date | None = None,
    dicts: str | None = None,
    modalities: Sequence[str] | None = None,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    errors: list[str] | None = None,
    all_events: bool = False,
) -> list[dict[str, Any]]:
    """Code many files; ``engine="dask"`` spreads them over a Dask cluster.

    Parameters
    ----------
    paths:
        The documents.
    engine:
        ``local`` (this process) or ``dask``.
    scheduler:
        Address of a running Dask scheduler; default a ``LocalCluster`` with
        ``workers`` single-threaded worker processes, closed afterwards.
    errors:
        When given, a document that cannot be coded (binary, not English) is
        skipped and its message appended here; otherwise the error is raised.
    all_events:
        Every event of a sentence, not one per clause (see :class:`~bilat.coding.Coder`).

    Raises
    ------
    InputError
        For an unknown engine.
    MissingExtraError
        When ``engine="dask"`` and dask.distributed is not installed.
    """
    if engine not in ENGINES:
        raise InputError(
            f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}",
            field="engine",
            value=engine,
        )
    mods = tuple(modalities) if modalities else None
    if engine == "local":
        out: list[dict[str, Any]] = []
        for path in paths:
            if errors is None:
                out.extend(code_file(path, doc_date, dicts, mods, all_events))
                continue
            records, error = _code_file_safe(path, doc_date, dicts, mods, all_events)
            out.extend(records)
            if error is not None:
                errors.append(error)
        return out
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise MissingExtraError("distributed", "dask") from err
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = client.map(
            _code_file_safe,
            [str(p) for p in paths],
            doc_date=doc_date,
            dicts=dicts,
            modalities=mods,
            all_events=all_events,
            pure=False,
        )
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    out = []
    for records, error in results:
        if error is not None:
            if errors is None:
                raise InputError(error)
            errors.append(error)
        out.extend(records)
    return out
