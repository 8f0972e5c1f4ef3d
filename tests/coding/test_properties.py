"""Property tests for the parsers, and the shipped data files' sources."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat._paths import package_data
from bilat.coding.dates import anchors, find_date
from bilat.coding.dictionaries import read_actors, read_verbs
from bilat.coding.text import paragraphs
from bilat.errors import FormatError, MissingExtraError


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_paragraphs_cover_every_word(text: str) -> None:
    pieces = list(paragraphs(text, max_chars=500))
    assert all(len(p) <= 500 for _, p in pieces)
    assert "".join(p for _, p in pieces).split() == text.split()
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300), st.dates(min_value=dt.date(1900, 1, 1)))
def test_find_date_never_fails(sentence: str, day: dt.date) -> None:
    found = find_date(sentence, day)
    if found is not None:
        assert found.end is None or found.end >= found.start


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ABC _+[]<>-#0123456789\t{}&*()$", max_size=40), max_size=30))
def test_dictionary_readers_never_crash(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("dict") / "x.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    for reader in (read_actors, read_verbs):
        with contextlib.suppress(FormatError):
            reader(path)


def test_every_data_file_names_its_source() -> None:
    folder = package_data("coding", "data")
    with (folder / "SOURCES.csv").open(encoding="utf-8") as handle:
        listed = {row["file"]: row["source"] for row in csv.DictReader(handle)}
    for path in Path(folder).iterdir():
        name = path.name + "/" if path.is_dir() else path.name
        if name != "SOURCES.csv":
            assert listed.get(name), f"{name} has no source in SOURCES.csv"
    assert all(anchor.source for anchor in anchors())
    with (folder / "bilat.leaders.csv").open(encoding="utf-8") as handle:
        assert all(row["source"] for row in csv.DictReader(handle))


def test_missing_spacy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from bilat.coding.coder import load_nlp

    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(MissingExtraError, match="nlp"):
        load_nlp.__wrapped__("")
