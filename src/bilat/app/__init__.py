"""The local web app (optional extra ``bilat[app]``): the study's views plus what-if controls.

``bilat serve`` runs :func:`create_app` under uvicorn on 127.0.0.1. FastAPI and
uvicorn are imported only when the app is created; without them
:class:`~bilat.errors.MissingExtraError` names the install command.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from bilat.errors import MissingExtraError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["MAX_HEAVY_REQUESTS", "MAX_UPLOAD_BYTES", "create_app", "require_app_extra"]

#: Largest upload the app accepts (bytes).
MAX_UPLOAD_BYTES = 2_000_000

#: Heavy requests (ingest, coding, what-if runs) that may run at once; one more gets 503.
MAX_HEAVY_REQUESTS = 2


def require_app_extra() -> None:
    """Check that the app's optional dependencies are installed.

    Raises
    ------
    MissingExtraError
        Naming the first missing module and ``pip install 'bilat[app]'``.
    """
    for module in ("fastapi", "uvicorn", "multipart"):
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(module if module != "multipart" else "python-multipart", "app")


def create_app(
    case: str = "us-pakistan",
    study_dir: str | Path | None = None,
    *,
    max_upload: int = MAX_UPLOAD_BYTES,
    max_heavy: int = MAX_HEAVY_REQUESTS,
) -> FastAPI:
    """Build the FastAPI application.

    Parameters
    ----------
    case:
        The case whose record, policies and simulator the app uses.
    study_dir:
        A study's output folder (``bilat study CASE --out DIR``); its
        ``report.html`` and ``answer.json`` are served when present. The path
        is fixed here, never taken from a request.
    max_upload:
        Largest accepted upload, in bytes.
    max_heavy:
        Heavy requests that may run at once, each in a worker thread.

    Raises
    ------
    MissingExtraError
        When FastAPI, uvicorn or python-multipart is not installed.
    """
    require_app_extra()
    from bilat.app.server import build_app

    folder = None if study_dir is None else Path(study_dir).resolve()
    return build_app(case, folder, max_upload, max_heavy)
