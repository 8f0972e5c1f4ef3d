"""Fixtures for the coder tests: one spaCy pipeline and one coder per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.coding import Coder


@pytest.fixture(scope="session", autouse=True)
def _dictionary_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Built dictionaries are cached in a temporary folder, not the user's cache."""
    before = os.environ.get("BILAT_CACHE_DIR")
    os.environ["BILAT_CACHE_DIR"] = str(tmp_path_factory.mktemp("bilat-cache"))
    yield
    if before is None:
        os.environ.pop("BILAT_CACHE_DIR", None)
    else:
        os.environ["BILAT_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def nlp() -> object:
    """spaCy's pipeline (skips when spaCy or the model is absent)."""
    pytest.importorskip("spacy")
    from bilat.coding import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def coder(nlp: object) -> Coder:
    """A coder with bilat's own small dictionaries that returns every modality."""
    return Coder(dicts="bilat", nlp=nlp, modalities=None)


@pytest.fixture(scope="session")
def news_coder(nlp: object) -> Coder:
    """A coder with the default news dictionaries (Phoenix + bilat) and every modality."""
    return Coder(nlp=nlp, modalities=None)


@pytest.fixture(scope="session")
def validate_dir(shared: Path) -> Path:
    """UD-PETRARCH's validation folder (records and their dictionaries)."""
    return shared / "data" / "eventcoding" / "universalpetrarch_dev_validate"
