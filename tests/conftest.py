"""Shared fixtures: the reference data in ../shared, and a fresh event store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat._paths import shared_dir
from bilat.events import EventStore


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ``shared`` folder beside the repository; tests that need it skip when it is absent."""
    found = shared_dir(required=False)
    if found is None:
        pytest.skip("../shared (the reference data) is absent; set BILAT_SHARED to run this test")
    return found


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    """A new, empty event store in a temporary file."""
    with EventStore(tmp_path / "events.duckdb") as opened:
        yield opened
