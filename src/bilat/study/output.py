"""An output folder that bilat writes into without ever destroying a file it did not create.

Every file a study (or a report) writes goes through :class:`OutputFolder`,
which keeps a manifest, ``bilat-manifest.json``, of the files bilat created in
that folder. The rules:

* a file listed in the manifest is bilat's own: a later run may overwrite or
  remove it;
* any other file that is in the way (a user's ``answer.json``, a store of the
  same name) stops the run *before any work starts*, with a one-line error that
  names the file and suggests ``--force``;
* with ``force`` such a file is overwritten (and is bilat's from then on), but
  nothing outside the files bilat writes is ever deleted;
* a file is written to a temporary name beside it and renamed into place, so a
  crash or a full disk never leaves half a file under the real name, and the
  manifest names a file before the file exists, so a run that dies half-way
  can be repeated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bilat import __version__
from bilat.errors import InputError

__all__ = ["MANIFEST", "STUDY_STORE", "OutputExistsError", "OutputFolder"]

#: The manifest of the files bilat created in an output folder.
MANIFEST = "bilat-manifest.json"
#: The study's own event store inside its output folder. No other command uses
#: this name by default (theirs is ``./bilat.duckdb``), so ``--out .`` beside a
#: user's store leaves that store alone.
STUDY_STORE = "study.duckdb"


class OutputExistsError(InputError):
    """A file that bilat did not create is in the way of an output."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} exists and was not written by bilat; move it away, choose another "
            "--out folder, or pass --force to overwrite it",
            field="--out",
            value=str(path),
        )


class OutputFolder:
    """A folder bilat writes into, with the manifest of the files it created there.

    Parameters
    ----------
    path:
        The folder (created when missing).
    force:
        Overwrite files bilat did not create instead of refusing.
    command:
        Which command writes, recorded in the manifest.

    Raises
    ------
    InputError
        When ``path`` is a file, cannot be created or cannot be written, or when
        a manifest of that name exists but is not bilat's (without ``force``).
    """

    def __init__(self, path: str | Path, *, force: bool = False, command: str = "bilat") -> None:
        self.path = Path(path)
        self.force = force
        self.command = command
        if self.path.exists() and not self.path.is_dir():
            raise InputError(
                "is a file, not a folder; choose a folder for --out",
                field="--out",
                value=str(self.path),
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(
                f"cannot create the folder ({err.strerror}); choose another --out",
                field="--out",
                value=str(self.path),
            ) from err
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise InputError(
                "the folder is not writable; choose another --out",
                field="--out",
                value=str(self.path),
            )
        self._files: set[str] = set()
        self._read_manifest()

    # -- the manifest ----------------------------------------------------------------------
    @property
    def manifest(self) -> Path:
        """The manifest's path."""
        return self.path / MANIFEST

    @property
    def files(self) -> list[str]:
        """The files bilat created here (relative paths, sorted)."""
        return sorted(self._files)

    def _read_manifest(self) -> None:
        if not self.manifest.exists():
            return
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
            files = data["files"] if data.get("created_by") == "bilat" else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            files = None
        if not isinstance(files, list):
            if not self.force:
                raise OutputExistsError(self.manifest)
            return  # forced: the foreign manifest is replaced by ours
        self._files = {str(f) for f in files if isinstance(f, str)}

    def _write_manifest(self) -> None:
        payload: dict[str, Any] = {
            "created_by": "bilat",
            "command": self.command,
            "bilat_version": __version__,
            "note": "Files bilat created in this folder; a later run may overwrite only these.",
            "files": self.files,
        }
        self._atomic(self.manifest, (json.dumps(payload, indent=2) + "\n").encode("utf-8"))

    # -- ownership ---------------------------------------------------------------------------
    def _relative(self, name: str | Path) -> str:
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"{name} is not a path inside the output folder")
        return relative.as_posix()

    def owns(self, name: str | Path) -> bool:
        """Whether bilat created ``name`` (relative to the folder)."""
        return self._relative(name) in self._files

    def check(self, names: Iterable[str | Path]) -> None:
        """Refuse, before any work, when one of ``names`` exists and is not bilat's.

        Raises
        ------
        OutputExistsError
            Naming the first such file (never raised with ``force``).
        """
        if self.force:
            return
        for name in names:
            if self._relative(name) == MANIFEST:
                continue  # checked when the folder was opened: bilat's own, or refused
            target = self.path / self._relative(name)
            if (target.exists() or target.is_symlink()) and not self.owns(name):
                raise OutputExistsError(target)

    def claim(self, name: str | Path) -> Path:
        """Record that bilat writes ``name`` (in the manifest, before the file exists).

        Returns the file's full path.

        Raises
        ------
        OutputExistsError
            When the file exists, is not bilat's and ``force`` is off.
        """
        self.check([name])
        relative = self._relative(name)
        if relative not in self._files:
            self._files.add(relative)
            self._write_manifest()
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def remove(self, name: str | Path) -> None:
        """Delete ``name`` if bilat created it; leave any other file alone."""
        if self.owns(name):
            (self.path / self._relative(name)).unlink(missing_ok=True)

    # -- writing -----------------------------------------------------------------------------
    def write_bytes(self, name: str | Path, data: bytes) -> Path:
        """Write ``data`` to ``name`` (claimed first; atomically: temporary file, then rename)."""
        target = self.claim(name)
        self._atomic(target, data)
        return target

    def write_text(self, name: str | Path, text: str) -> Path:
        """Write ``text`` as UTF-8 to ``name`` (see :meth:`write_bytes`)."""
        return self.write_bytes(name, text.encode("utf-8"))

    @staticmethod
    def _atomic(target: Path, data: bytes) -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
