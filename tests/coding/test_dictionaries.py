"""The PETRARCH dictionary reader, on the real validation dictionaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bilat.coding.dictionaries import load_dictionaries
from bilat.errors import InputError


def test_reads_the_petr_validation_dictionaries(validate_dir: Path) -> None:
    d = load_dictionaries(validate_dir)
    assert d.n_actors > 150
    assert d.n_agents > 150
    assert d.n_verbs > 150
    assert d.n_patterns > 300
    # date restrictions: Gollum is HOB before 1995-06-01, HOBGOV to 1999-08-15, HOBREB after
    gollum = d.actors["GOLLUM"][0]
    assert gollum.code_on(dt.date(1994, 1, 1)).code == "HOB"  # type: ignore[union-attr]
    assert gollum.code_on(dt.date(1996, 1, 1)).code == "HOBGOV"  # type: ignore[union-attr]
    assert gollum.code_on(dt.date(2001, 1, 1)).code == "HOBREB"  # type: ignore[union-attr]
    # synonyms share their entry's codes; multi-word phrases are kept whole
    assert d.actors["SMEAGOL"][0].codes == gollum.codes
    assert ("UNITED", "STATES") in {e.words for e in d.actors["UNITED"]}
    # agents: substitution sets, plurals, prefix and suffix codes
    assert {e.code for e in d.agents["CONGRESSMEN"]} == {"LEG"}
    assert d.agents["MSF"][0].prefix is True
    assert any(e.words == ("GOLDEN", "GEESE") for e in d.agents["GOLDEN"])
    # verbs: listed forms, reciprocal codes, particles and synsets
    assert d.verbs["SAID"][0].code == "010"
    assert d.verbs["MEET"][0].code == "040:040"
    assert d.verbs["CORDON"][0].particle == ("OFF",)
    assert "&TIETYPES" in d.synsets["&ACCORDSYN"]
    # discards: sentence- and story-level
    assert ("BASEBALL",) in d.discards
    assert ("TYPHOON",) in d.story_discards


def test_a_file_prefix_picks_one_dictionary_set(shared: Path) -> None:
    d = load_dictionaries(shared / "data" / "eventcoding" / "petrarch2" / "PETR.Validate")
    assert "ARNOR" in d.actors
    assert "AFGHANISTAN" in d.actors
    assert "PAKISTAN" not in {k for k in d.actors if len(d.actors[k]) > 5}


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="dictionaries"):
        load_dictionaries(tmp_path / "nope" / "x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no actor or no verb"):
        load_dictionaries(tmp_path / "empty")


def test_reads_petrarch2_operational_dictionaries_from_its_config(shared: Path) -> None:
    config = shared / "data" / "eventcoding" / "petrarch2" / "PETR_config.ini"
    d = load_dictionaries(config)
    assert d.n_actors > 30000
    assert d.n_verbs > 2000
    assert d.n_patterns > 4000
    assert "PAKISTAN" in d.actors
    # two date restrictions in the Phoenix actor files have 7-digit dates: skipped and reported
    assert len(d.problems) == 2
    assert all("bad date" in p for p in d.problems)
