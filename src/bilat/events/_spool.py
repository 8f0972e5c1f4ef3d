"""Temporary spool folders that never outlive their process for long.

An ingest spools a file's rows (and the store spills quarantined rows) to a
folder in the system's temporary directory. Each folder holds a lock file that
its process keeps locked (``flock``) while it lives; the kernel drops the lock
when the process ends, however it ends (``kill -9`` included). So a folder
whose lock nobody holds belongs to a dead process: every new spool removes
such folders first, and a live concurrent ingest's folder (its lock held) is
left alone. A folder is removed by its owner on every exit path (see
:meth:`SpoolDir.close`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; folders are then only self-cleaned
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_NAME", "PREFIX", "SpoolDir", "clean_stale", "spool_root"]

PREFIX = "bilat-ingest-"
"""The name prefix of every spool folder (older bilat versions used it too)."""

LOCK_NAME = "owner.lock"
"""The lock file in a spool folder; it holds the owner's pid, for people."""

_GRACE = 60.0
"""Seconds a new folder's lock file is spared (its owner may be about to lock it)."""

_UNMARKED_AGE = 3600.0
"""Seconds after which a folder with no lock file (an older bilat's) counts as stale."""


def spool_root() -> Path:
    """The folder spools go in: the system's temporary directory (``TMPDIR``)."""
    return Path(tempfile.gettempdir())


def _held(lock: Path) -> bool:
    """Whether a live process holds the lock file (True when unsure)."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        handle = lock.open("rb")
    except OSError:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        handle.close()  # closing drops the probe's own lock at once
    return False


def _stale(folder: Path, now: float) -> bool:
    lock = folder / LOCK_NAME
    try:
        if not lock.exists():
            return now - folder.stat().st_mtime > _UNMARKED_AGE
        if now - lock.stat().st_mtime < _GRACE:
            return False
    except OSError:
        return False
    return not _held(lock)


def clean_stale(root: Path | None = None) -> list[Path]:
    """Remove spool folders left by processes that died; the folders removed.

    A folder whose lock is held (a live ingest, in this process or another)
    is kept.
    """
    base = spool_root() if root is None else root
    removed: list[Path] = []
    now = time.time()
    try:
        entries = sorted(base.glob(PREFIX + "*"))
    except OSError:
        return removed
    for folder in entries:
        if folder.is_dir() and not folder.is_symlink() and _stale(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


class SpoolDir:
    """A temporary folder owned (and locked) by this process until :meth:`close`.

    Creating one first removes stale folders of dead processes.
    """

    def __init__(self, root: Path | None = None) -> None:
        base = spool_root() if root is None else root
        self.removed_stale = clean_stale(base)
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        self._lock: IO[str] | None = None
        try:
            handle = (self.path / LOCK_NAME).open("w", encoding="utf-8")
            self._lock = handle
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> SpoolDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the folder and release its lock (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None
