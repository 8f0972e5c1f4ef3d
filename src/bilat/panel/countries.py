"""Map the panel sources' country names and codes to COW codes, year by year.

Every lookup goes through :mod:`bilat.ontology` first (names, aliases, ISO3, ISO2, COW).  What
the ontology cannot place is looked up in :data:`SOURCE_ALIASES`, a short explicit table of the
spellings the sources use ("Korea, South", "China (P.R.C.)", "Serbia and Montenegro, Former").
Names that are regions or territories without a COW code return a reason instead of a code, so
the caller quarantines the row.

Historical states never map silently: :data:`SUCCESSOR_RULES` says, for each ISO3 code that
covers more than one COW state over time, which COW code a given year belongs to.  A source
that already gives COW codes keeps them (COW 365 is the USSR to 1991 and Russia after; 345 is
Yugoslavia to 2006 and Serbia after), and :func:`partner_label` names the state of that year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

from bilat.ontology import countries, to_iso3
from bilat.ontology._load import norm_name

__all__ = [
    "COW_RECODES",
    "NOT_A_COUNTRY",
    "NOT_COUNTRIES",
    "NO_COW_CODE",
    "SOURCE_ALIASES",
    "SUCCESSOR_RULES",
    "UNKNOWN_NAME",
    "Mapped",
    "SuccessorRule",
    "cow_of_iso3",
    "map_name",
    "partner_label",
    "recode_cow",
]

NOT_A_COUNTRY = "not a country (region or unspecified)"
NO_COW_CODE = "territory without a COW state code"
UNKNOWN_NAME = "name or code not in bilat.ontology"

#: Spellings used by the panel's sources that the ontology's name table does not hold.
#: Value: an ISO3 code, or None for a territory that has no COW state code.
SOURCE_ALIASES: dict[str, str | None] = {
    "korea, south": "KOR",
    "korea, north": "PRK",
    "china (p.r.c.)": "CHN",
    "china (taiwan)": "TWN",
    "china (hong kong)": None,
    "burma (myanmar)": "MMR",
    "serbia and montenegro, former": "YUG",
    "micronesia (federated states of)": "FSM",
    "st. vincent and grenadines": "VCT",
    "st. vincent and the grenadines": "VCT",
    "west bank/gaza": None,
    "palestine": None,
    "palestinian territories": None,
    "hong kong": None,
    "macao": None,
    "puerto rico": None,
    "aruba": None,
    "greenland": None,
    "new caledonia": None,
    "french polynesia": None,
    "bermuda": None,
    "cayman islands": None,
    "netherlands antilles": None,
    "curacao": None,
    "sint maarten": None,
    "anguilla": None,
    "montserrat": None,
    "british virgin islands": None,
    "turks and caicos islands": None,
    "gibraltar": None,
    "faroe islands": None,
    "western sahara": None,
    "guam": None,
    "american samoa": None,
    "northern mariana islands": None,
    "cook islands": None,
    "niue": None,
    "wallis and futuna": None,
    "saint helena": None,
    "mayotte": None,
    "reunion": None,
    "french guiana": None,
    "guadeloupe": None,
    "martinique": None,
    "aden": None,
    # unvotes (Voeten) and Foreign Aid Explorer names
    "myanmar (burma)": "MMR",
    "congo - brazzaville": "COG",
    "congo - kinshasa": "COD",
    "yemen arab republic": "YEM",
    "sudan (former)": "SDN",
    "zanzibar": None,
    "china (hong kong, s.a.r., p.r.c.)": None,
    # IMF Direction of Trade names
    "congo, dem. rep. of the": "COD",
    "congo, rep. of": "COG",
    "korea, rep. of": "KOR",
    "korea, dem. people's rep. of": "PRK",
    "china, p.r.: mainland": "CHN",
    "china, p.r.: hong kong": None,
    "china, p.r.: macao": None,
    "taiwan province of china": "TWN",
    "lao people's dem. rep.": "LAO",
    "slovak rep.": "SVK",
    "dominican rep.": "DOM",
    "kyrgyz rep.": "KGZ",
    "syrian arab rep.": "SYR",
    "west bank and gaza": None,
    "holy see": None,
    "venezuela, rep. bolivariana de": "VEN",
    "turkiye, rep of": "TUR",
    "yemen, rep. of": "YEM",
}

#: Aggregates that some sources list beside countries.
NOT_COUNTRIES = frozenset(
    {"world", "belgium-luxembourg", "european union", "special categories", "kashmir"}
)

# Suffixes the IMF puts after a country's name ("Estonia, Rep. of"); dropped before lookup.
_SUFFIX = re.compile(
    r",\s*(the\s+)?(rep\.?|republic|kingdom|islamic rep\.|state|federal dem\. rep\.|"
    r"union|united rep\.|arab rep\.|dem\. rep\.|federated states)(\s+of)?(\s+the)?"
    r"(,?\s*kingdom of the netherlands)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SuccessorRule:
    """Which COW code an ISO3 code denotes in a given year.

    ``spans`` is a tuple of ``(last_year, cow)`` pairs in order; a year after the last span's
    ``last_year`` takes the last code.  ``why`` is the rule in words (shown in docs/panel.md).
    """

    iso3: str
    spans: tuple[tuple[int, int], ...]
    why: str

    def cow(self, year: int) -> int:
        """The COW code of ``year``."""
        for last, code in self.spans:
            if year <= last:
                return code
        return self.spans[-1][1]


#: Explicit successor rules for the ISO3 codes that cover more than one COW state.
SUCCESSOR_RULES: dict[str, SuccessorRule] = {
    rule.iso3: rule
    for rule in (
        SuccessorRule(
            "DEU",
            ((1990, 260), (9999, 255)),
            "'Germany' is the German Federal Republic (COW 260) to 1990 -- US aid went to the "
            "West; 1946-54 rows fall outside the COW state system and are flagged -- and united "
            "Germany (COW 255) from 1991",
        ),
        SuccessorRule(
            "YEM",
            ((1990, 678), (9999, 679)),
            "'Yemen' is the Yemen Arab Republic (North, COW 678) to 1990 and the Republic of "
            "Yemen (COW 679) from 1991; South Yemen (COW 680) only when a source names it",
        ),
        SuccessorRule(
            "VNM",
            ((1975, 817), (9999, 816)),
            "'Vietnam' is the Republic of Vietnam (South, COW 817) to 1975 -- the US partner -- "
            "and the unified Vietnam (COW 816) from 1976; North Vietnam only when named",
        ),
        SuccessorRule(
            "YUG",
            ((9999, 345),),
            "Yugoslavia and its successor Serbia and Montenegro / Serbia keep COW 345 "
            "(peacesciencer convention); Montenegro (341) and Kosovo (347) are separate",
        ),
        SuccessorRule(
            "SUN",
            ((9999, 365),),
            "the Soviet Union and Russia share COW 365; the USSR label is used to 1991",
        ),
        SuccessorRule(
            "CSK",
            ((1992, 315), (9999, 316)),
            "Czechoslovakia is COW 315 to 1992; the Czech Republic is COW 316 from 1993",
        ),
    )
}

#: COW codes some sources use for years in which COW gives the state another code:
#: (code, first year, last year, COW code of those years, why).
COW_RECODES: tuple[tuple[int, int, int, int, str], ...] = (
    (
        255,
        1946,
        1989,
        260,
        "troopdata and Thompson-Dreyer write 255 (Germany) for West Germany before unification",
    ),
    (
        679,
        1946,
        1989,
        678,
        "troopdata and Thompson-Dreyer write 679 (Yemen) for North Yemen before unification "
        "(troopdata's few 679 rows are added to its 678 rows of the same year)",
    ),
)


def recode_cow(ccode: pd.Series, year: pd.Series) -> pd.Series:
    """Apply :data:`COW_RECODES` to a column of COW codes (an explicit, logged rule)."""
    out = ccode.copy()
    for code, first, last, to, _why in COW_RECODES:
        out = out.mask((ccode == code) & year.between(first, last), to)
    return out


# Labels of COW codes whose state changed while the code stayed: (last year, iso3, name).
_LABEL_SPANS: dict[int, tuple[tuple[int, str, str], ...]] = {
    365: ((1991, "SUN", "Soviet Union"), (9999, "RUS", "Russia")),
    345: ((2006, "YUG", "Yugoslavia"), (9999, "SRB", "Serbia")),
    255: ((9999, "DEU", "Germany"),),
    260: ((9999, "DEU", "German Federal Republic (West Germany)"),),
    678: ((9999, "YEM", "Yemen Arab Republic (North Yemen)"),),
    679: ((9999, "YEM", "Yemen"),),
    816: ((1975, "VNM", "Democratic Republic of Vietnam (North)"), (9999, "VNM", "Vietnam")),
    817: ((9999, "RVN", "Republic of Vietnam (South)"),),
}


@dataclass(frozen=True, slots=True)
class Mapped:
    """The result of mapping one name or code: a COW code, or the reason there is none."""

    ccode: int | None
    reason: str | None = None


def _clean(name: str) -> str:
    text = re.sub(r"\s+", " ", name.strip()).replace(" & ", " and ")
    return re.sub(r", the$", "", text, flags=re.IGNORECASE)


@functools.cache
def _aliases() -> dict[str, str | None]:
    return {norm_name(k): v for k, v in SOURCE_ALIASES.items()}


@functools.cache
def _iso3_to_cow() -> dict[str, int]:
    out: dict[str, int] = {}
    for row in countries().itertuples():
        if row.cow:
            out[str(row.iso3)] = int(str(row.cow))
    return out


@functools.cache
def _cow_to_label() -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for row in countries().sort_values(["historical", "iso3"]).itertuples():
        for code in str(row.cow_all).split("|"):
            if code:
                out.setdefault(int(code), (str(row.iso3), str(row.name)))
    return out


def cow_of_iso3(iso3: str, year: int) -> int | None:
    """The COW code of ``iso3`` in ``year`` (successor rules applied); None without one."""
    rule = SUCCESSOR_RULES.get(iso3)
    if rule is not None:
        return rule.cow(year)
    return _iso3_to_cow().get(iso3)


@functools.cache
def _name_to_iso3(name: str) -> tuple[str | None, str | None]:
    """(iso3, reason) for a name; exactly one of the two is None."""
    cleaned = _clean(name).replace(", Kingdom of the Netherlands", "")
    key = norm_name(cleaned)
    if "(not specified)" in key or key in NOT_COUNTRIES or key.endswith(" region"):
        return None, NOT_A_COUNTRY
    for candidate in (key, norm_name(_SUFFIX.sub("", key))):
        if candidate in _aliases():
            found = _aliases()[candidate]
            return (found, None) if found else (None, NO_COW_CODE)
    iso3 = to_iso3(cleaned) or to_iso3(_SUFFIX.sub("", cleaned))
    if iso3 is None:
        return None, UNKNOWN_NAME
    return iso3, None


def map_name(name: object, year: int) -> Mapped:
    """Map a country name, ISO3 code or COW code to the COW code of ``year``.

    Parameters
    ----------
    name:
        A name ("Korea, South"), an ISO3 code ("PAK") or a COW code (770 or "770").
    year:
        The year of the row: the successor rules depend on it.

    Returns
    -------
    Mapped
        ``ccode`` set, or ``ccode`` None with the quarantine ``reason``.
    """
    if name is None or (isinstance(name, float) and name != name):
        return Mapped(None, "blank country field")
    if isinstance(name, int | float) or str(name).strip().isdigit():
        return Mapped(int(float(str(name))))
    iso3, reason = _name_to_iso3(str(name))
    if iso3 is None:
        return Mapped(None, reason)
    code = cow_of_iso3(iso3, year)
    if code is None:
        return Mapped(None, NO_COW_CODE)
    return Mapped(code)


def partner_label(ccode: int, year: int) -> tuple[str | None, str]:
    """(ISO3, name) of the state that COW ``ccode`` denotes in ``year``."""
    spans = _LABEL_SPANS.get(ccode)
    if spans is not None:
        for last, iso3, label in spans:
            if year <= last:
                return iso3, label
    found = _cow_to_label().get(ccode)
    if found is None:
        return None, f"COW {ccode}"
    return found
