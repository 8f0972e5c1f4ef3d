"""Case files (TOML): the shipped us-pakistan file, its aliases, generic dyads and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import InputError, UnknownCodeError
from bilat.study import get_case
from bilat.study.case import CASES_DIR, generic_case, generic_question, load_case_file


def test_us_pakistan_is_read_from_its_case_file() -> None:
    case = get_case("us-pakistan")
    assert case.file == CASES_DIR / "us-pakistan.toml"
    assert case.record == "us-pakistan"
    assert case.model == "us-pakistan"
    assert len(case.eras) == 7
    assert len(case.episodes) == 15
    assert case.eras[0].source.startswith("bilat's summary")
    assert "Kux" in case.eras[0].source
    assert case.labels["sanctions"]["pressler"] == "Pressler"


@pytest.mark.parametrize("name", ["us-pakistan", "USA:PAK", "usa:pak"])
def test_the_alias_and_the_dyad_name_the_same_case(name: str) -> None:
    assert get_case(name) is get_case("us-pakistan")


def test_a_dyad_without_a_case_file_is_generic() -> None:
    case = get_case("USA:EGY")
    assert case == generic_case("USA:EGY")
    assert (case.client, case.client_name, case.record, case.model) == ("EGY", "Egypt", None, None)
    assert case.question == generic_question("the United States", "Egypt")
    assert case.eras == ()
    assert case.episodes == ()
    assert case.seed_doc_date is None


@pytest.mark.parametrize("name", ["USA:XXZ", "us-pakistn", "EGY"])
def test_an_unknown_case_or_country_is_refused(name: str) -> None:
    with pytest.raises(UnknownCodeError, match="us-pakistan"):
        get_case(name)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_case_file_gets_generic_defaults(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'name = "us-turkey"\ndyad = "USA:TUR"\n'
        'episodes = [{ date = 1974-07-20, label = "Cyprus" }]\n'
        '[[eras]]\nstart = 1952\nend = 1974\nlabel = "NATO"\nkind = "engaged"\n',
    )
    case = get_case(str(path))
    assert (case.name, case.dyad, case.client_name, case.model) == (
        "us-turkey", "USA:TUR", "Turkey", None
    )  # fmt: skip
    assert case.question == generic_question("the United States", "Turkey")
    assert case.eras[0].label == "NATO"
    assert case.episodes[0].label == "Cyprus"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('name = "x"\ndyad = "USA:TUR"\nsince = "1950"\n', "since"),
        ('name = "x"\ndyad = "USA:TUR"\ncolour = "red"\n', "colour"),
        ('name = "x"\n', "dyad"),
        ('name = "x"\ndyad = "USA-TUR"\n', "dyad"),
        ('name = "x"\ndyad = "USA:TUR"\n[[eras]]\nstart = 1950\nend = 1940\nlabel = "a"\n'
         'kind = "engaged"\n', "eras[0].end"),
        ('name = "x"\ndyad = "USA:TUR"\n[[eras]]\nstart = 1950\nend = 1960\nlabel = "a"\n'
         'kind = "friendly"\n', "eras[0].kind"),
        ('name = "x"\ndyad = "USA:TUR"\nepisodes = [{ date = "1974", label = "a" }]\n',
         "episodes[0].date"),
    ],
)  # fmt: skip
def test_a_bad_case_file_names_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_case_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}, field {key!r}: ")


def test_toml_that_does_not_parse_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name = "x"\ndyad = \n')
    with pytest.raises(InputError) as caught:
        load_case_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert "line 2" in message
    assert "\n" not in message
