"""Expected events for sentences, as tables (bilat's own dictionaries)."""

from __future__ import annotations

import pytest

from bilat.coding import Coder

CASES = [
    # (sentence, expected (source, target, code, modality) events)
    ("Pakistan condemned India on Monday.", {("PAK", "IND", "111", "asserted")}),
    # passive voice: the agent acts on the subject
    ("Pakistan was criticized by India.", {("IND", "PAK", "111", "asserted")}),
    # coordination of subjects and of objects
    (
        "India and China criticized Pakistan.",
        {("IND", "PAK", "111", "asserted"), ("CHN", "PAK", "111", "asserted")},
    ),
    (
        "Washington threatened Pakistan and Iran.",
        {("USAGOV", "PAK", "130", "asserted"), ("USAGOV", "IRN", "130", "asserted")},
    ),
    # reported speech: the reported event, not the statement
    ("Officials said Pakistan attacked India.", {("PAK", "IND", "190", "reported")}),
    # negation, hypothesis, prescription, counterfactual
    ("Pakistan did not attack India.", {("PAK", "IND", "190", "negated")}),
    ("Pakistan might attack India.", {("PAK", "IND", "190", "hypothetical")}),
    ("The United States should sanction Pakistan.", {("USA", "PAK", "163", "prescriptive")}),
    (
        "The U.S. needs to expand its partnership with Pakistan.",
        {("USA", "PAK", "030", "prescriptive")},
    ),
    (
        "Had the U.S. stayed, Washington would have sanctioned Pakistan.",
        {("USAGOV", "PAK", "163", "counterfactual")},
    ),
    # a verb the dictionaries do not know codes nothing: never a default code
    ("Pakistan pondered India.", set()),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_sentence_table(coder: Coder, sentence: str, expected: set[tuple[str, ...]]) -> None:
    got = {
        (e.source, e.target, e.code, e.modality)
        for e in coder.code(sentence, "2016-01-01", check_language=False)
    }
    assert got == expected


def test_only_facts_by_default(nlp: object) -> None:
    facts = Coder(dicts="bilat", nlp=nlp)
    assert facts.code("Pakistan might attack India.", check_language=False) == []
    assert len(facts.code("Pakistan attacked India.", check_language=False)) == 1


def test_repeated_sentences_are_coded_once(coder: Coder) -> None:
    text = "Pakistan attacked India.\n\nPakistan attacked India."
    assert len(coder.code(text, "2016-01-01", check_language=False)) == 1


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"),
    [
        ("In 2009, India attacked Pakistan.", "2009-01-01", "2009-12-31", "year"),
        ("During the 1990s, India attacked Pakistan.", "1990-01-01", "1999-12-31", "decade"),
        ("After 9/11, India attacked Pakistan.", "2001-09-11", None, "range"),
        ("On 5 March 2010, India attacked Pakistan.", "2010-03-05", None, "day"),
        ("After the Soviet withdrawal, India attacked Pakistan.", "1989-02-15", None, "range"),
        ("India attacked Pakistan on Monday.", "2015-12-28", None, "day"),
    ],
)
def test_dates(coder: Coder, sentence: str, start: str, end: str | None, precision: str) -> None:
    records = Coder(dicts="bilat", nlp=coder.pipeline).code_records(
        sentence, "2016-01-01", check_language=False
    )
    assert len(records) == 1
    record = records[0]
    assert record["date"].isoformat() == start
    assert (record["date_end"].isoformat() if record["date_end"] else None) == end
    assert record["date_precision"] == precision
