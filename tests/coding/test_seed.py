"""Coding the seed article: the events it asserts, and none from its wishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bilat.coding import Coder


@pytest.fixture(scope="module")
def seed_records(shared: Path, nlp: object) -> list[dict[str, Any]]:
    text = (shared / "seed" / "us-pakistan-partnership.txt").read_text(encoding="utf-8")
    coder = Coder(dicts="bilat", nlp=nlp, modalities=None, all_events=True)
    return coder.code_records(text, "2016-01-01", "seed")


# (what, actor country, recipient country, CAMEO root, first year, last year or None)
ASSERTED = [
    ("the 2001 threat", "USA", "PAK", "13", 2001, None),
    ("the 1990s sanctions", "USA", "PAK", "16", 1990, 1999),
    ("the 2009 aid act", "USA", "PAK", "07", 2009, 2009),
    ("its rejection", "PAK", "PAK", "12", 2009, 2009),
    ("Al-Qaida suspects handed over", "PAK", "USA", "06", 1999, 2008),
]


@pytest.mark.parametrize(("what", "actor", "recipient", "root", "first", "last"), ASSERTED)
def test_asserted_events(
    seed_records: list[dict[str, Any]],
    what: str,
    actor: str,
    recipient: str,
    root: str,
    first: int,
    last: int | None,
) -> None:
    hits = [
        r
        for r in seed_records
        if r["actor_country"] == actor
        and r["recipient_country"] == recipient
        and r["root"] == root
        and r["modality"] in ("asserted", "reported")
        and r["date"].year == first
        and (last is None or (r["date_end"] is not None and r["date_end"].year == last))
    ]
    assert hits, what


def test_no_fact_from_prescriptions_or_counterfactuals(seed_records: list[dict[str, Any]]) -> None:
    for record in seed_records:
        sentence = record["sentence"]
        if sentence.startswith(
            ("To build bilateral trust", "Arguably, had the U.S", "End the fake")
        ):
            assert record["modality"] not in ("asserted", "reported"), sentence
    wishes = {r["modality"] for r in seed_records}
    assert {"prescriptive", "counterfactual"} <= wishes


def test_every_record_carries_its_source(seed_records: list[dict[str, Any]]) -> None:
    for record in seed_records:
        assert record["dataset"] == "coded"
        assert record["doc_id"] == "seed"
        start, end = (int(x) for x in record["span"].split(":"))
        assert 0 <= start < end
