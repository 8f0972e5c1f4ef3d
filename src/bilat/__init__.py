"""bilat: measure, model and stress-test the partnership between two states.

The built-in case is the United States-Pakistan partnership. Each stage of the
pipeline (ontology, events, ingest, coding, record, measure, claims, sim, study)
is a subpackage usable on its own from Python, the CLI or a notebook.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from bilat.errors import BilatError

try:
    __version__ = version("bilat")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

__all__ = ["BilatError", "__version__"]
