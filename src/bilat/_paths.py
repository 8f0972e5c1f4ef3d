"""Where bilat finds the shared reference data that lies beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

from bilat.errors import DataMissingError

__all__ = ["package_data", "shared_dir"]

_PACKAGE = Path(__file__).resolve().parent


def package_data(*parts: str) -> Path:
    """Return the path of a data file shipped inside the bilat package."""
    return _PACKAGE.joinpath(*parts)


def shared_dir(required: bool = True) -> Path | None:
    """Return the ``shared`` folder that holds the reference data.

    Looked up, in order: ``$BILAT_SHARED``; ``../shared`` beside the repository
    root (for a source checkout); ``../shared`` beside the current directory.

    Raises
    ------
    DataMissingError
        When ``required`` and no such folder exists.
    """
    candidates = []
    if env := os.environ.get("BILAT_SHARED"):
        candidates.append(Path(env))
    candidates.append(_PACKAGE.parents[1] / ".." / "shared")
    candidates.append(Path.cwd() / ".." / "shared")
    for candidate in candidates:
        if (candidate / "data").is_dir():
            return candidate.resolve()
    if required:
        raise DataMissingError(
            "the shared reference data folder was not found; set BILAT_SHARED to the "
            "folder that holds data/ and seed/ (tried: "
            + ", ".join(str(c) for c in candidates)
            + ")"
        )
    return None
