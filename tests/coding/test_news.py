"""The default news dictionaries (bundled Phoenix + bilat): expected triples, leaders, fixes."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.coding import Coder
from bilat.coding.defaults import PHOENIX_FILES

CASES = [
    # (sentence, document date, expected (source, target, code) triples)
    ("Pakistan condemned India on Monday.", "2018-06-01", {("PAK", "IND", "111")}),
    ("Pakistan was criticized by India.", "2018-06-01", {("IND", "PAK", "111")}),
    # actors without a country: --- and their sector
    (
        "Rebels killed three soldiers in Kenya on Monday.",
        "2018-06-01",
        {("---REB", "---MIL", "190")},
    ),
    ("Police arrested protesters in Karachi.", "2018-06-01", {("---COP", "---OPP", "173")}),
    ("The Taliban killed two Afghan soldiers.", "2018-06-01", {("AFGREB", "AFGMIL", "190")}),
    # a place locates a target that names no actor
    ("Gunmen attacked a mall in Kenya's capital.", "2018-06-01", {("---UAF", "KEN", "190")}),
    # a verb of saying reports the event it says
    ("Officials said Pakistan attacked India.", "2018-06-01", {("PAK", "IND", "190")}),
    # dated leaders: a sitting head of government is GOV, before or after the term ELI
    ("Donald Trump met Imran Khan.", "2019-06-01", {("USAGOV", "PAKGOV", "040")}),
    ("Donald Trump met Imran Khan.", "2013-06-01", {("USAELI", "PAKELI", "040")}),
    ("Joe Biden met Shehbaz Sharif.", "2023-06-01", {("USAGOV", "PAKGOV", "040")}),
    # the US Congress, not "the US" and a stray Congress
    (
        "The US Congress approved an aid package for Pakistan.",
        "2009-06-01",
        {("USALEG", "PAK", "070")},
    ),
]


@pytest.mark.parametrize(("sentence", "day", "expected"), CASES)
def test_news_sentence_table(
    news_coder: Coder, sentence: str, day: str, expected: set[tuple[str, str, str]]
) -> None:
    got = {e.triple for e in news_coder.code(sentence, day, check_language=False)}
    assert got == expected


def test_killed_falls_back_to_the_base_form(news_coder: Coder) -> None:
    # Phoenix lists KILLED only in multi-word entries (KILLED_AND, KILLED_OR); when none
    # fits, the lemma KILL must still code the verb
    index = news_coder.dictionaries.verbs
    assert index["KILLED"]
    assert all(e.particle for e in index["KILLED"])
    from bilat.coding.verbs import verb_entries

    doc = news_coder.pipeline("Rebels killed three soldiers.")
    entries = verb_entries(doc[1], index)
    assert entries
    assert entries[0].word == "KILL"
    attacked = news_coder.pipeline("Rebels attacked the soldiers.")
    assert verb_entries(attacked[1], index)


def test_one_event_per_clause_unless_all_events(nlp: object) -> None:
    text = "India warned Pakistan after militants attacked Indian soldiers."
    one = Coder(nlp=nlp, modalities=None).code(text, "2010-01-01", check_language=False)
    every = Coder(nlp=nlp, modalities=None, all_events=True).code(
        text, "2010-01-01", check_language=False
    )
    # "attacked" heads a subordinate clause of "warned": one event, the root's
    assert [e.triple for e in one] == [("IND", "PAK", "130")]
    assert {e.verb for e in every} == {"warned", "attacked"}


def test_bundled_dictionaries_ship_with_their_licence() -> None:
    folder = importlib.resources.files("bilat.coding") / "data" / "phoenix"
    licence = (folder / "LICENSE.petrarch2").read_text(encoding="utf-8")
    assert "MIT License" in licence
    assert "Open Event Data" in licence
    assert "openeventdata/petrarch2" in (folder / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for names in PHOENIX_FILES.values():
        for name in names:
            assert (folder / name).is_file(), name


def test_dictionary_cache_is_written_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilat.coding.defaults import build_news_dictionaries, news_dictionaries

    monkeypatch.setenv("BILAT_CACHE_DIR", str(tmp_path))
    built = news_dictionaries.__wrapped__()
    (cached,) = tmp_path.glob("dictionaries-news-*.pickle")
    again = news_dictionaries.__wrapped__()
    assert again.n_actors == built.n_actors == build_news_dictionaries().n_actors
    assert again.n_patterns == built.n_patterns
    # a damaged cache is rebuilt, not trusted
    cached.write_bytes(b"not a pickle")
    assert news_dictionaries.__wrapped__().n_actors == built.n_actors


def test_year_discards_are_dropped(news_coder: Coder) -> None:
    assert ("2009",) not in news_coder.dictionaries.discards
    assert news_coder.code("In 2009, Pakistan condemned India.", "2016-01-01")


def test_story_discard_regex_belongs_to_its_dictionaries() -> None:
    from bilat.coding.dictionaries import Dictionaries
    from bilat.coding.parse import story_discard

    first = Dictionaries(story_discards=[("BASKETBALL",)])
    second = Dictionaries(story_discards=[("TYPHOON",)])
    assert story_discard(first).search("a basketball game")
    assert story_discard(second).search("a typhoon hit")
    assert not story_discard(second).search("a basketball game")
    assert story_discard(first) is first.story_regex


def test_pipeline_keeps_the_given_nlp(nlp: object) -> None:
    given = Coder(nlp=nlp)
    assert given.pipeline is nlp
    assert given.nlp is nlp
    default = Coder()
    assert default.pipeline is not None
    assert default.nlp is None


def test_code_names_a_missing_file(tmp_path: Path) -> None:
    from bilat.cli.main import app
    from bilat.errors import InputError

    missing = tmp_path / "nosuch.txt"
    result = CliRunner().invoke(app, ["code", str(missing)])
    assert isinstance(result.exception, InputError)
    assert str(missing) in str(result.exception)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a relative clause's agent, or "by", says who did the thing that was condemned
        (
            "The White House condemned the attack, which was carried out by Taliban militants.",
            {("USAGOV", "AFGREB", "111")},
        ),
        (
            "The White House condemned an attack by Taliban militants.",
            {("USAGOV", "AFGREB", "111")},
        ),
        # a place gives a sector actor its country, not the capital's government
        ("Protesters in Islamabad burned an American flag.", {("PAKOPP", "USA", "141")}),
    ],
)
def test_things_and_places(
    news_coder: Coder, sentence: str, expected: set[tuple[str, ...]]
) -> None:
    assert {e.triple for e in news_coder.code(sentence, "2018-06-01")} == expected


def test_events_without_a_target(nlp: object) -> None:
    news = Coder(nlp=nlp)
    dyads_only = Coder(nlp=nlp, null_targets=False)
    text = "Pakistani troops opened fire on Monday."
    assert [e.triple for e in news.code(text, "2016-01-01")] == [("PAKMIL", "---", "193")]
    assert dyads_only.code(text, "2016-01-01") == []
    # a bare statement is no event, target or not
    assert news.code("Officials in Pakistan said the talks had failed.", "2016-01-01") == []
    # a user's PETRARCH dictionaries code dyads only, as PETRARCH does
    assert Coder(dicts="/no/such/dicts", nlp=nlp)._null_targets() is False
