"""Blocks of runs with their own seeds, mapped locally (threads) or on a Dask cluster.

Runs are cut into blocks of a fixed size; block ``b`` of task ``key`` draws its
random numbers from ``SeedSequence(seed, spawn_key=(*key, b))``. The blocks,
and so the results, do not depend on where or in how many threads they run:
the same seed gives the same numbers locally and through Dask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from bilat.errors import MissingExtraError

__all__ = ["BLOCK", "Mapper", "block_rng", "blocks", "mapper", "shared_client"]

T = TypeVar("T")
R = TypeVar("R")

#: Runs per block (fixed, so results never depend on the executor).
BLOCK = 8192

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def blocks(n: int, size: int = BLOCK) -> list[slice]:
    """Slices that cut ``n`` runs into blocks of ``size`` (the last may be shorter)."""
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def block_rng(seed: int, key: Sequence[int], block: int) -> np.random.Generator:
    """The generator of one block: ``PCG64(SeedSequence(seed, spawn_key=(*key, block)))``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(*key, block)))
    )


@contextmanager
def mapper(scheduler: Any = None, threads: int | None = None) -> Iterator[Mapper]:
    """A ``map(func, items) -> list`` that runs locally or on a Dask cluster.

    Parameters
    ----------
    scheduler:
        ``None`` to run here (in ``threads`` threads; NumPy releases the GIL),
        a scheduler address such as ``"tcp://127.0.0.1:8786"``, or a
        ``distributed.Client``.
    threads:
        Local threads (default: the number of CPUs, at most 4).
    """
    if scheduler is None:
        workers = threads or min(os.cpu_count() or 1, 4)
        if workers <= 1:
            yield lambda func, items: [func(item) for item in items]
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:

            def local(func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
                if len(items) <= 1:
                    return [func(item) for item in items]
                return list(pool.map(func, items))

            yield local
        return
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - dask is a test dependency
        raise MissingExtraError("dask.distributed", "dask") from err
    if isinstance(scheduler, Client):
        client, owned = scheduler, False
    else:
        client, owned = Client(str(scheduler), set_as_default=False), True
    try:

        def remote(func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            futures = client.map(func, list(items), pure=False)
            return list(client.gather(futures))

        yield remote
    finally:
        if owned:
            client.close()


@contextmanager
def shared_client(scheduler: Any) -> Iterator[Any]:
    """One ``distributed.Client`` for a scheduler address, reused by several mappers.

    ``None`` and existing clients pass through unchanged.
    """
    if scheduler is None or not isinstance(scheduler, str):
        yield scheduler
        return
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - dask is a test dependency
        raise MissingExtraError("dask.distributed", "dask") from err
    client = Client(scheduler, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
