"""Countries: ISO3, CAMEO, COW and FIPS 10-4 codes, names, demonyms, capitals.

``data/countries.csv`` (240 rows: 233 current states and territories, 7 historical states)
is built by ``tools/build_ontology.py`` from CountryInfo.120116.txt, NGEC's countries.csv and
cow2iso.txt, the Phoenix and text_to_CAMEO country dictionaries, with documented corrections.
``data/regions.csv`` lists the CAMEO regional/organisation actor codes (EUR, AFR, MEA, IGO,
...) and the GDELT FIPS code OS (oceans): they are not states and map to no ISO3.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import pandas as pd

from bilat.errors import InputError, UnknownCodeError
from bilat.ontology._load import nearest, norm_name, read_table

__all__ = [
    "COUNTRY_MAP_KINDS",
    "Country",
    "countries",
    "country",
    "country_map",
    "regions",
    "to_iso3",
]

#: The kinds of code :func:`country_map` can map from.
COUNTRY_MAP_KINDS = ("cameo", "cow", "fips", "iso2", "iso3", "name")


@dataclass(frozen=True, slots=True)
class Country:
    """One state (current or historical) or territory.

    Attributes
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 (ISO 3166-3 for a former state; XKX for Kosovo; the COW alpha
        code RVN for South Vietnam, which never had an ISO code).
    iso2 : str or None
        ISO 3166-1 alpha-2.
    cameo, cow, fips : str or None
        The main CAMEO actor code, Correlates of War numeric code and FIPS 10-4 code
        (GDELT geography).
    cameo_codes, cow_codes, fips_codes : tuple of str
        All codes of that kind that denote this state (e.g. COW 255 and 260 for Germany,
        FIPS WE and GZ for Palestine).
    name : str
        English short name.
    aliases, demonyms : tuple of str
        Other names and adjectives/demonyms, lower case.
    capital : str or None
    historical : bool
        True for a state that no longer exists (Soviet Union, Yugoslavia, ...).
    start_year, end_year : int or None
        Years of existence, for historical states.
    source : str
        The published tables the row came from.
    """

    iso3: str
    iso2: str | None
    cameo: str | None
    cow: str | None
    fips: str | None
    cameo_codes: tuple[str, ...]
    cow_codes: tuple[str, ...]
    fips_codes: tuple[str, ...]
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str | None
    historical: bool
    start_year: int | None
    end_year: int | None
    source: str


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("|") if v)


@functools.cache
def _countries() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for rec in read_table("countries.csv").to_dict("records"):
        row = {str(k): str(v) for k, v in rec.items()}
        cameo_codes = _split(row["cameo"])
        cow_codes = _split(row["cow"])
        fips_codes = _split(row["fips"])
        out[row["iso3"]] = Country(
            iso3=row["iso3"],
            iso2=row["iso2"] or None,
            cameo=cameo_codes[0] if cameo_codes else None,
            cow=cow_codes[0] if cow_codes else None,
            fips=fips_codes[0] if fips_codes else None,
            cameo_codes=cameo_codes,
            cow_codes=cow_codes,
            fips_codes=fips_codes,
            name=row["name"],
            aliases=_split(row["aliases"]),
            demonyms=_split(row["demonyms"]),
            capital=row["capital"] or None,
            historical=row["historical"] == "true",
            start_year=int(row["start_year"]) if row["start_year"] else None,
            end_year=int(row["end_year"]) if row["end_year"] else None,
            source=row["source"],
        )
    return out


@functools.cache
def _maps() -> dict[str, dict[str, str]]:
    """Code -> ISO3 dictionaries; a current state wins over a historical one."""
    maps: dict[str, dict[str, str]] = {kind: {} for kind in COUNTRY_MAP_KINDS}
    ordered = sorted(_countries().values(), key=lambda c: c.historical)
    for c in ordered:
        maps["iso3"].setdefault(c.iso3, c.iso3)
        if c.iso2:
            maps["iso2"].setdefault(c.iso2, c.iso3)
        for kind, codes in (("cameo", c.cameo_codes), ("cow", c.cow_codes), ("fips", c.fips_codes)):
            for code in codes:
                maps[kind].setdefault(code, c.iso3)
        for key in (c.name, *c.aliases, *c.demonyms):
            maps["name"].setdefault(norm_name(key), c.iso3)
    return maps


@functools.cache
def _region_codes() -> dict[str, frozenset[str]]:
    table = read_table("regions.csv")
    return {
        scheme: frozenset(table.loc[table["scheme"] == scheme, "code"])
        for scheme in ("cameo", "fips")
    }


def countries() -> pd.DataFrame:
    """The country table, one row per state or territory (a fresh copy).

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, iso2, cameo, cow, fips, name, aliases, demonyms, capital,
        historical, start_year, end_year, source`` plus ``cameo_all, cow_all, fips_all``.
        ``cameo``/``cow``/``fips`` hold the main code (None if none); the ``*_all``
        columns and ``aliases``/``demonyms`` are ``|``-separated text; ``historical``
        is bool; years are nullable Int64.
    """
    table = read_table("countries.csv").copy()
    for col in ("cameo", "cow", "fips"):
        table[f"{col}_all"] = table[col]
        first = table[col].str.split("|").str[0]
        table[col] = first.astype(object).where(first != "", None)
    for col in ("iso2", "capital"):
        table[col] = table[col].astype(object).where(table[col] != "", None)
    table["historical"] = table["historical"] == "true"
    for col in ("start_year", "end_year"):
        table[col] = pd.to_numeric(table[col].replace("", None)).astype("Int64")
    return table


def regions() -> pd.DataFrame:
    """CAMEO regional/organisation actor codes and GDELT FIPS codes that are not states.

    Returns
    -------
    pandas.DataFrame
        Columns ``scheme`` (cameo or fips), ``code``, ``name``, ``source``.
        :func:`to_iso3` returns None for these codes, without error.
    """
    return read_table("regions.csv").copy()


def country_map(kind: str) -> dict[str, str]:
    """A dictionary for vectorised mapping to ISO3, e.g. ``df.col.map(country_map("fips"))``.

    Parameters
    ----------
    kind : {"cameo", "fips", "cow", "name", "iso2", "iso3"}
        ``cameo``: CAMEO 3-letter actor country codes (GDELT Actor1CountryCode);
        ``fips``: FIPS 10-4 (GDELT ActionGeo_CountryCode); ``cow``: COW numeric codes as
        text; ``name``: lower-case names, aliases and demonyms (ICEWS country names
        included) -- lower-case your values first.  A code shared by a current and a
        historical state (COW 365) maps to the current one.

    Returns
    -------
    dict of str to str
        A fresh dictionary, safe to modify.

    Raises
    ------
    InputError
        For an unknown ``kind``.
    """
    if kind not in COUNTRY_MAP_KINDS:
        raise InputError(
            f"unknown country map kind {kind!r}; valid: {', '.join(COUNTRY_MAP_KINDS)}",
            field="kind",
            value=kind,
        )
    return dict(_maps()[kind])


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def to_iso3(value: object) -> str | None:
    """Map a country code or name to its ISO3 code; None if it is not a known state.

    Tried in order: an ISO3 code; a CAMEO actor country code (``PAK``, ``USR``); for a
    longer CAMEO actor code (``PAKGOV``, ``USAMIL``) its first three letters; a FIPS 10-4
    code (two letters -- GDELT geography, so ``AS`` is Australia, not American Samoa),
    then ISO2; a COW numeric code (int or digits); a name, alias or demonym (any case;
    ``"Pakistani"``, ``"Russian Federation"``).  Regional and organisation codes
    (``EUR``, ``AFR``, ``MEA``, ``IGO``, FIPS ``OS``), blanks, None and NaN give None.
    """
    if _is_missing(value) or isinstance(value, bool):
        return None
    maps = _maps()
    if isinstance(value, int):
        return maps["cow"].get(str(value))
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        return maps["cow"].get(text.lstrip("0") or "0")
    upper = text.upper()
    if text == upper and re.fullmatch(r"[A-Z]{2,}", text):
        found = _from_code(upper)
        if found is not None or upper in _region_codes()["cameo"] | _region_codes()["fips"]:
            return found
    found = maps["name"].get(norm_name(text))
    if found is None and norm_name(text).startswith("the "):
        found = maps["name"].get(norm_name(text)[4:])
    return found


def _from_code(code: str) -> str | None:
    maps = _maps()
    if len(code) == 3:
        return maps["iso3"].get(code) or maps["cameo"].get(code)
    if len(code) == 2:
        return maps["fips"].get(code) or maps["iso2"].get(code)
    if len(code) % 3 == 0:
        return maps["cameo"].get(code[:3])
    return None


def country(code_or_name: object) -> Country:
    """Look up one country by any code or name (see :func:`to_iso3`).

    Raises
    ------
    UnknownCodeError
        If nothing matches; ``suggestions`` holds the nearest ISO3 codes and names.
        A regional code (``EUR``) also raises: it is not a country.
    """
    iso3 = to_iso3(code_or_name)
    if iso3 is None:
        text = "" if _is_missing(code_or_name) else str(code_or_name).strip()
        table = _countries()
        if text.isupper() and len(text) <= 3:
            pool: list[str] = list(table)
        else:
            pool = [c.name for c in table.values()]
        raise UnknownCodeError("country", text, nearest(text, pool))
    return _countries()[iso3]
