"""Countries: codes, names and the country codes found in the real GDELT and ICEWS rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.errors import InputError, UnknownCodeError
from bilat.ontology import Country, countries, country, country_map, regions, to_iso3

from .test_cameo import gdelt_rows

ALL_ISO3 = frozenset(countries()["iso3"])


def test_table_covers_every_state() -> None:
    table = countries()
    assert len(table) >= 200
    assert table["iso3"].is_unique
    assert table["name"].str.len().gt(0).all()
    assert table["source"].str.len().gt(0).all()
    current = table[~table["historical"]]
    # every UN member has a COW code; spot-check the dyad and a few others
    for iso3, cow, fips, cameo in [
        ("USA", "2", "US", "USA"),
        ("PAK", "770", "PK", "PAK"),
        ("IND", "750", "IN", "IND"),
        ("AFG", "700", "AF", "AFG"),
        ("CHN", "710", "CH", "CHN"),
        ("DEU", "255", "GM", "DEU"),
        ("ZAF", "560", "SF", "ZAF"),
        ("GTM", "90", "GT", "GTM"),
        ("GIN", "438", "GV", "GIN"),
    ]:
        row = current[current["iso3"] == iso3].iloc[0]
        assert (row["cow"], row["fips"], row["cameo"]) == (cow, fips, cameo), iso3


def test_codes_are_unique_among_current_states() -> None:
    table = countries()
    current = table[~table["historical"]]
    for col in ("cameo_all", "cow_all", "fips_all"):
        codes = [c for cell in current[col] for c in cell.split("|") if c]
        assert len(codes) == len(set(codes)), col


def test_historical_states() -> None:
    table = countries().set_index("iso3")
    for iso3, cameo_code, start, end in [
        ("SUN", "USR", 1922, 1991),
        ("YUG", "YUG", 1918, 2006),
        ("CSK", None, 1918, 1992),
        ("DDR", "DDR", 1949, 1990),
        ("VDR", None, 1954, 1976),
        ("RVN", None, 1954, 1975),
    ]:
        row = table.loc[iso3]
        assert bool(row["historical"])
        assert row["cameo"] == cameo_code
        assert (row["start_year"], row["end_year"]) == (start, end)
    assert to_iso3("USR") == "SUN"
    assert to_iso3("Soviet Union") == "SUN"
    assert to_iso3("East Germany") == "DDR"
    assert to_iso3("West Germany") == "DEU"
    assert to_iso3("Czechoslovakia") == "CSK"
    assert to_iso3("South Vietnam") == "RVN"
    # a COW code shared with the successor maps to the current state
    assert to_iso3(365) == "RUS"
    assert to_iso3("345") == "SRB"
    assert to_iso3(260) == "DEU"


@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        ("PAK", "PAK"),
        ("PK", "PAK"),  # FIPS
        ("770", "PAK"),
        (770, "PAK"),
        ("Pakistan", "PAK"),
        ("pakistani", "PAK"),
        ("PAKISTANIS", "PAK"),
        ("  Pakistan ", "PAK"),
        ("PAKGOV", "PAK"),  # a full CAMEO actor code
        ("USAMILGOV", "USA"),
        ("United States", "USA"),
        ("the United States", "USA"),
        ("American", "USA"),
        ("Russian Federation", "RUS"),
        ("Moldova, Republic of", "MDA"),
        ("Côte d'Ivoire", "CIV"),
        ("Burma", "MMR"),
        ("KSV", "XKX"),
        ("TMP", "TLS"),
        ("ROM", "ROU"),
        ("AS", "AUS"),  # FIPS first: GDELT geography
        ("WE", "PSE"),
        ("GZ", "PSE"),
        ("OD", "SSD"),
        ("PAKISTAN", "PAK"),
    ],
)
def test_to_iso3(value: object, iso3: str) -> None:
    assert to_iso3(value) == iso3


@pytest.mark.parametrize(
    "value",
    ["EUR", "AFR", "MEA", "SEA", "SAF", "WST", "IGO", "OS", "", None, float("nan"), "zz", "to"],
)
def test_regions_and_blanks_map_to_none_without_error(value: object) -> None:
    assert to_iso3(value) is None


def test_regions_table() -> None:
    table = regions()
    assert {"EUR", "AFR", "ASA", "MEA", "IGO"} <= set(table["code"])
    assert table["source"].str.len().gt(0).all()
    for code in table["code"]:
        assert to_iso3(code) is None, code


def test_country_returns_a_dataclass() -> None:
    pak = country("Pakistani")
    assert isinstance(pak, Country)
    assert (pak.iso3, pak.cameo, pak.cow, pak.fips, pak.capital) == (
        "PAK",
        "PAK",
        "770",
        "PK",
        "Islamabad",
    )
    assert "pakistani" in pak.demonyms
    assert country("DEU").cow_codes == ("255", "260")
    assert country("PSE").fips_codes == ("WE", "GZ")


def test_unknown_country_names_the_nearest() -> None:
    with pytest.raises(UnknownCodeError) as info:
        country("Pakistn")
    assert "Pakistan" in info.value.suggestions
    with pytest.raises(UnknownCodeError) as info:
        country("PAQ")
    assert info.value.suggestions
    with pytest.raises(UnknownCodeError):
        country("EUR")  # a region is not a country


def test_country_map_for_vectorised_mapping() -> None:
    frame = pd.DataFrame({"fips": ["PK", "US", "OS", None], "cameo": ["PAK", "USA", "EUR", ""]})
    assert frame["fips"].map(country_map("fips")).tolist()[:2] == ["PAK", "USA"]
    assert frame["fips"].map(country_map("fips")).isna().tolist() == [False, False, True, True]
    assert frame["cameo"].map(country_map("cameo")).tolist()[:2] == ["PAK", "USA"]
    assert country_map("cow")["770"] == "PAK"
    names = country_map("name")
    assert names["pakistan"] == "PAK"
    assert names["pakistani"] == "PAK"
    assert names["ivory coast"] == "CIV"
    assert all(k == k.lower() for k in names)
    names["pakistan"] = "XXX"
    assert country_map("name")["pakistan"] == "PAK"  # a fresh copy each call
    with pytest.raises(InputError, match="cameo"):
        country_map("isoo")


def test_every_actor_and_geography_country_in_gdelt_maps(shared: Path) -> None:
    region_codes = set(regions()["code"])
    actor, geo = set(), set()
    for cols in gdelt_rows(shared):
        geo_idx = (37, 45, 53) if len(cols) == 61 else (37, 44, 51)
        actor.update(cols[i] for i in (7, 17))
        geo.update(cols[i] for i in geo_idx)
    actor.discard("")
    geo.discard("")
    assert "PAK" in actor
    assert "PK" in geo
    unmapped_actor = sorted(c for c in actor if to_iso3(c) is None and c not in region_codes)
    unmapped_geo = sorted(c for c in geo if to_iso3(c) is None and c not in region_codes)
    assert not unmapped_actor
    assert not unmapped_geo
    cameo_map, fips_map = country_map("cameo"), country_map("fips")
    assert all(c in cameo_map or c in region_codes for c in actor)
    assert all(c in fips_map or c in region_codes for c in geo)


def test_actor_and_geography_agree_where_both_are_states(shared: Path) -> None:
    """Actor1CountryCode (CAMEO) and Actor1Geo_CountryCode (FIPS) mostly name the same state."""
    same = total = 0
    for cols in gdelt_rows(shared):
        a, g = to_iso3(cols[7]), to_iso3(cols[37])
        if a and g:
            total += 1
            same += a == g
    assert total > 500
    assert same / total > 0.7


def test_every_icews_country_maps(shared: Path) -> None:
    path = shared / "data" / "eventdata" / "icews" / "events.2018.sample.tab"
    names = set()
    with open(path, encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            names.update((row["Source Country"], row["Target Country"], row["Country"]))
    names.discard("NA")
    assert len(names) > 100
    unmapped = sorted(n for n in names if to_iso3(n) is None)
    assert not unmapped
    assert to_iso3("Occupied Palestinian Territory") == "PSE"
    assert to_iso3("the former Yugoslav Republic of Macedonia") == "MKD"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=12), st.integers(), st.none(), st.floats()))
def test_to_iso3_never_raises(value: object) -> None:
    found = to_iso3(value)
    assert found is None or found in ALL_ISO3
