"""Fixtures for the web app: the FastAPI application and an in-process test client."""

from __future__ import annotations

import functools
import importlib.util
import warnings
from pathlib import Path
from typing import Any

import pytest

from ..report.fake import shared_study_dir

# The app is an optional extra: without it these tests are not collected (pip install 'bilat[app]').
collect_ignore_glob: list[str] = []
if any(importlib.util.find_spec(m) is None for m in ("fastapi", "uvicorn", "multipart")):
    collect_ignore_glob.append("test_*.py")  # pragma: no cover
elif importlib.util.find_spec("schemathesis") is None:  # pragma: no cover
    collect_ignore_glob.append("test_openapi.py")


#: Where the test client addresses the app: a loopback Host the app's guard accepts.
LOCAL_URL = "http://127.0.0.1"


def client_class() -> Any:
    """FastAPI's TestClient addressing the app as ``LOCAL_URL`` (``base_url=`` overrides it).

    Its import warns that httpx will be replaced; not our concern.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
        from fastapi.testclient import TestClient
    return functools.partial(TestClient, base_url=LOCAL_URL)


@pytest.fixture(scope="session")
def study_dir() -> Path:
    """A folder holding a report and an answer.json (from synthetic test data)."""
    return shared_study_dir()


@pytest.fixture
def client(study_dir: Path) -> Any:
    """A test client of the app serving ``study_dir``."""
    from bilat.app import create_app

    with client_class()(create_app(study_dir=study_dir, max_upload=50_000)) as opened:
        yield opened
