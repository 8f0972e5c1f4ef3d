"""Property tests: every parser, fed anything, raises only BilatError and reconciles its counts."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.events import EventStore
from bilat.ingest import ingest

_counter = itertools.count()

FIELD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"),
    max_size=12,
)


def _run(tmp: Path, data: bytes, fmt: str) -> None:
    path = tmp / f"fuzz-{next(_counter)}"
    path.write_bytes(data)
    with EventStore(":memory:") as store:
        try:
            report = ingest([path], store, format=fmt)
        except BilatError:
            assert store.count() == 0
            return
        for f in report.files:
            assert f.read == f.stored + f.duplicates + f.quarantined
        assert store.count() == report.stored
        assert len(store.quarantined()) == report.quarantined


SETTINGS = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("fmt", ["auto", "gdelt", "icews", "plover", "bilat"])
@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    _run(tmp_path, data, fmt)


def _gdelt_line(fields: list[str], width: int) -> str:
    row = (fields + [""] * width)[:width]
    return "\t".join(row)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(st.lists(FIELD, max_size=61), st.sampled_from([57, 58, 61, 60, 3])),
        max_size=6,
    )
)
def test_gdelt_like_rows(tmp_path: Path, rows: list[tuple[list[str], int]]) -> None:
    lines = []
    for i, (fields, width) in enumerate(rows):
        base = [str(i + 1), "20200101", *fields]
        lines.append(_gdelt_line(base, width))
    _run(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"), "gdelt")


ICEWS_HEADER = (
    "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
    "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\t"
    "Publisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude"
)


@SETTINGS
@given(rows=st.lists(st.lists(FIELD, min_size=18, max_size=21), max_size=6))
def test_icews_like_rows(tmp_path: Path, rows: list[list[str]]) -> None:
    lines = [ICEWS_HEADER] + ["\t".join(r) for r in rows]
    _run(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"), "auto")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | FIELD,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELD, inner, max_size=3),
    max_leaves=8,
)
PLOVER_KEYS = st.sampled_from(
    ["id", "date", "event", "mode", "context", "actor", "recipient", "source", "target", "cameo"]
)


@SETTINGS
@given(records=st.lists(st.dictionaries(PLOVER_KEYS, JSON_VALUE, max_size=8), max_size=5))
def test_plover_like_records(tmp_path: Path, records: list[dict[str, object]]) -> None:
    import json

    text = "\n".join(json.dumps({"event": "AID", **r}) for r in records)
    _run(tmp_path, text.encode("utf-8"), "plover")
