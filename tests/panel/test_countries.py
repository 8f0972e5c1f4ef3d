"""Country mapping: the ontology first, explicit aliases, successor rules, quarantine reasons."""

from __future__ import annotations

import pytest

from bilat.panel.countries import (
    NO_COW_CODE,
    NOT_A_COUNTRY,
    SUCCESSOR_RULES,
    UNKNOWN_NAME,
    map_name,
    partner_label,
)


@pytest.mark.parametrize(
    ("name", "year", "ccode"),
    [
        ("Pakistan", 1960, 770),
        ("PAK", 2001, 770),
        (770, 1990, 770),
        ("Germany", 1980, 260),
        ("Germany", 1995, 255),
        ("Vietnam", 1970, 817),
        ("Vietnam", 1980, 816),
        ("Yemen", 1985, 678),
        ("Yemen", 1995, 679),
        ("Yemen Arab Republic", 1970, 678),
        ("Serbia and Montenegro, Former", 1960, 345),
        ("Korea, South", 1960, 732),
        ("Korea, Rep. of", 2010, 732),
        ("China (P.R.C.)", 2010, 710),
        ("China (Taiwan)", 1960, 713),
        ("Estonia, Rep. of", 2000, 366),
        ("Gambia, The", 2000, 420),
        ("Trinidad & Tobago", 2000, 52),
        ("Congo - Kinshasa", 1990, 490),
        ("Antigua and Barbuda", 1990, 58),
    ],
)
def test_names_and_codes_map_to_the_cow_code_of_the_year(
    name: object, year: int, ccode: int
) -> None:
    assert map_name(name, year).ccode == ccode


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("World (not specified)", NOT_A_COUNTRY),
        ("Asia (not specified)", NOT_A_COUNTRY),
        ("Eurasia Region", NOT_A_COUNTRY),
        ("European Union", NOT_A_COUNTRY),
        ("West Bank/Gaza", NO_COW_CODE),
        ("China (Hong Kong)", NO_COW_CODE),
        ("Puerto Rico", NO_COW_CODE),
        ("Atlantis", UNKNOWN_NAME),
        (None, "blank country field"),
    ],
)
def test_what_does_not_map_says_why(name: object, reason: str) -> None:
    mapped = map_name(name, 2000)
    assert mapped.ccode is None
    assert mapped.reason == reason


def test_every_successor_rule_is_explained_and_ordered() -> None:
    for rule in SUCCESSOR_RULES.values():
        assert rule.why
        lasts = [last for last, _ in rule.spans]
        assert lasts == sorted(lasts)


def test_labels_follow_the_state_of_the_year() -> None:
    assert partner_label(365, 1980) == ("SUN", "Soviet Union")
    assert partner_label(365, 2000) == ("RUS", "Russia")
    assert partner_label(345, 1990)[0] == "YUG"
    assert partner_label(345, 2010)[0] == "SRB"
    assert partner_label(817, 1970)[0] == "RVN"
    assert partner_label(770, 2000) == ("PAK", "Pakistan")
