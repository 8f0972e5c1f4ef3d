"""Fixtures for the report tests: one synthetic study result and its written report."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bilat.study import StudyResult

from .fake import shared_fake, shared_study_dir


@pytest.fixture(scope="session")
def fake_session() -> StudyResult:
    """A fully populated synthetic result, built once (do not mutate: use ``fake``)."""
    return shared_fake()


@pytest.fixture
def fake(fake_session: StudyResult) -> StudyResult:
    """A private copy of the synthetic result."""
    return copy.deepcopy(fake_session)


@pytest.fixture(scope="session")
def report_dir() -> Path:
    """A folder with the synthetic result's report, figures and answer.json."""
    return shared_study_dir()
