"""Synthetic dyads shared by the measure tests (generated once per session)."""

from __future__ import annotations

import pytest

from bilat.datasets import SyntheticDyad, synthetic_dyad


@pytest.fixture(scope="session")
def cycle() -> SyntheticDyad:
    """30 years through every phase: engaged, disengaged, sanctioned, disengaged, engaged."""
    return synthetic_dyad(years=30, seed=0)


@pytest.fixture(scope="session")
def steady() -> SyntheticDyad:
    """20 engaged years with B answering A one month later (coefficient +1)."""
    return synthetic_dyad(years=20, phases=[("engaged", 20)], reciprocity=1.0, lag=1, seed=1)
