"""Regenerate bilat's ontology tables from the published reference tables.

Run from the repository root::

    .venv/bin/python tools/build_ontology.py [SHARED_DIR] [--out DIR]

It reads the reference lookups in ``../shared/data`` (eventcoding/lookups, eventdata/lookups,
eventdata/plover, eventcoding/ngec) and writes the CSV files in ``src/bilat/ontology/data``.
The CSV files are committed: bilat never reads ``../shared`` at run time.  Every row carries a
``source`` column naming the published table(s) each value came from; the few values bilat
decides itself (the domain rule, the corrections of CountryInfo's copy errors, the historical
states) are written here, in this script, with the reason beside them.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "bilat" / "ontology" / "data"

# Short names of the published tables, used in the ``source`` columns (docs/ontology.md
# gives the full citation of each).
SRC_GDELT_CODES = "GDELT CAMEO.eventcodes.txt"
SRC_GDELT_GOLD = "GDELT CAMEO.goldsteinscale.txt"
SRC_ICEWS = "ICEWS cameo-codes.csv (andybega/icews)"
SRC_PLOVER = "PLOVER CAMEO2PLOVER-2021.txt"
SRC_CI = "CountryInfo.120116.txt (Schrodt 2012)"
SRC_NGEC = "NGEC countries.csv"
SRC_COW = "NGEC cow2iso.txt"
SRC_T2C = "text_to_CAMEO countrynames.txt"
SRC_PHX = "Phoenix.Countries.actors.txt (PETRARCH2)"
SRC_AGENTS = "text_to_CAMEO agentnames.txt"
SRC_CAMEO_MANUAL = "CAMEO 1.1b3 codebook (Schrodt 2012)"
SRC_BILAT = "bilat"


# --------------------------------------------------------------------------- CAMEO events

QUAD = {
    **dict.fromkeys(range(1, 6), 1),
    **dict.fromkeys(range(6, 10), 2),
    **dict.fromkeys(range(10, 15), 3),
    **dict.fromkeys(range(15, 21), 4),
}
PENTA = {
    1: 0,
    2: 0,
    3: 1,
    4: 1,
    5: 1,
    6: 2,
    7: 2,
    8: 2,
    9: 2,
    10: 3,
    11: 3,
    12: 3,
    13: 3,
    16: 3,
    14: 4,
    15: 4,
    17: 4,
    18: 4,
    19: 4,
    20: 4,
}

# Domain rule (docs/ontology.md, "Domain").  First match wins:
# 1. roots 15, 18, 19, 20 (military posture, assault, fight, mass violence) -> security;
# 2. DOMAIN_OVERRIDE (codes whose PLOVER context is empty or ``human_security``);
# 3. the PLOVER context (for 02x appeals: the context of the mirrored 10x demand);
# 4. DOMAIN_BY_ROOT.
SECURITY_ROOTS = {"15", "18", "19", "20"}
DOMAIN_OVERRIDE = {
    "0252": "governance",  # appeal for easing of popular dissent
    "0352": "governance",  # intent to ease popular dissent
    "1052": "governance",  # demand easing of popular dissent
    "1242": "governance",  # decline to ease popular dissent
    "1311": "economic",  # threaten to reduce or stop aid
    "162": "economic",  # reduce or stop aid (unspecified: most aid is economic)
    "1663": "humanitarian",  # expel or withdraw aid agencies
    "171": "security",  # seize or damage property
    "1711": "security",  # confiscate property
    "1712": "security",  # destroy property
}
CONTEXT_DOMAIN = {
    "military": "security",
    "peacekeeping": "security",
    "intelligence": "security",
    "cbrn": "security",
    "economic": "economic",
    "humanitarian": "humanitarian",
    "asylum": "humanitarian",
    "diplomatic": "diplomatic",
    "political_institutions": "governance",
    "executive": "governance",
    "rights_freedoms": "governance",
    "democracy": "governance",
    "pro_autocracy": "governance",
    "human_rights": "governance",
    "legal": "governance",
    "crime": "governance",
    "religion_ethnicity": "governance",
}
DOMAIN_BY_ROOT = {
    "01": "diplomatic",
    "02": "diplomatic",
    "03": "diplomatic",
    "04": "diplomatic",
    "05": "diplomatic",
    "06": "economic",
    "07": "economic",
    "08": "diplomatic",
    "09": "governance",
    "10": "diplomatic",
    "11": "diplomatic",
    "12": "diplomatic",
    "13": "diplomatic",
    "14": "governance",
    "16": "diplomatic",
    "17": "governance",
}


def read_cameo_sources(shared: Path) -> dict[str, dict[str, object]]:
    look = shared / "data" / "eventcoding" / "lookups"
    ev = shared / "data" / "eventdata"
    labels: dict[str, str] = {}
    for line in (look / "gdelt_CAMEO.eventcodes.txt").read_text("utf-8").splitlines()[1:]:
        code, label = line.split("\t", 1)
        if len(code) >= 2:  # "1".."4" are quad-class labels, not event codes
            labels[code] = label.strip()
    gdelt: dict[str, float] = {}
    for line in (look / "gdelt_CAMEO.goldsteinscale.txt").read_text("utf-8").splitlines()[1:]:
        code, value = line.split()
        gdelt[code] = float(value)
    icews: dict[str, dict[str, str]] = {}
    with open(look / "icews_cameo-codes.utf8.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            icews[row["code"]] = row
    pyr_raw = json.loads((ev / "lookups" / "gdeltPyR_cameoCodes.json").read_text("utf-8"))
    pyr = {k: float(v) for k, v in pyr_raw["GoldsteinScale"].items()}
    pyg_raw = json.loads((ev / "lookups" / "py-gdelt_cameo_goldstein.json").read_text("utf-8"))
    pyg = {k: float(v["value"]) for k, v in pyg_raw.items()}
    plover: dict[str, tuple[str, str, str]] = {}
    for line in (ev / "plover" / "CAMEO2PLOVER-2021.txt").read_text("utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line.strip())
        if not m:
            continue
        code, rest = m.groups()
        rest = rest.split("#", 1)[0]
        parts = [p.strip() for p in rest.split(",")]
        parts += [""] * (3 - len(parts))
        event, mode, context = parts[0], parts[1], parts[2]
        context = ";".join(c.strip() for c in context.split(";") if c.strip())
        mode = mode.strip()
        if code not in plover:  # 175 is listed twice, 08 twice (CONCEDE, RETREAT): keep first
            plover[code] = (event, mode, context)
    return {
        "labels": labels,
        "gdelt": gdelt,
        "icews": icews,
        "pyr": pyr,
        "pyg": pyg,
        "plover": plover,
    }


def observed_goldstein(shared: Path) -> dict[str, tuple[set[float], int]]:
    """GoldsteinScale values seen per EventCode in the real GDELT rows (index 26 and 30)."""
    ev = shared / "data" / "eventdata"
    seen: dict[str, set[float]] = defaultdict(set)
    count: Counter[str] = Counter()
    for path in [
        ev / "gdelt2_export_arekziobrowski" / "20191024143000.export.CSV",
        ev / "gdelt_reed9999" / "events.csv",
    ]:
        for line in path.read_text("utf-8").splitlines():
            cols = line.split("\t")
            seen[cols[26]].add(float(cols[30]))
            count[cols[26]] += 1
    return {code: (values, count[code]) for code, values in seen.items()}


def domain_of(code: str, plover: dict[str, tuple[str, str, str]]) -> tuple[str, str]:
    root = code[:2]
    if root in SECURITY_ROOTS:
        return "security", f"root {root}"
    if code in DOMAIN_OVERRIDE:
        return DOMAIN_OVERRIDE[code], "bilat override"
    lookup = code
    if root == "02" and len(code) > 2:
        lookup = "10" + code[2:]  # appeals mirror demands: 021 <-> 101, 0231 <-> 1031 ...
    context = plover.get(lookup, ("", "", ""))[2].split(";")[0]
    if context in CONTEXT_DOMAIN:
        via = "PLOVER context" + (f" of {lookup}" if lookup != code else "")
        return CONTEXT_DOMAIN[context], via
    return DOMAIN_BY_ROOT[root], f"root {root}"


def build_cameo(shared: Path) -> None:
    src = read_cameo_sources(shared)
    labels: dict[str, str] = src["labels"]  # type: ignore[assignment]
    gdelt: dict[str, float] = src["gdelt"]  # type: ignore[assignment]
    icews: dict[str, dict[str, str]] = src["icews"]  # type: ignore[assignment]
    pyr: dict[str, float] = src["pyr"]  # type: ignore[assignment]
    pyg: dict[str, float] = src["pyg"]  # type: ignore[assignment]
    plover: dict[str, tuple[str, str, str]] = src["plover"]  # type: ignore[assignment]

    # The code list: GDELT's event-code lookup, plus codes that GDELT's Goldstein table or
    # the ICEWS table carry (106, 1213).  Codes found only in PLOVER (1214) or only in
    # gdeltPyR (0357, 1641-1643) have no Goldstein weight in a checked table: left out.
    codes = sorted(set(labels) | set(gdelt) | set(icews), key=lambda c: (c[:2], c))
    rows = []
    for code in codes:
        root = code[:2]
        r = int(root)
        # Labels: ICEWS's table (the CAMEO codebook's names; it agrees with text_to_CAMEO's
        # CAMEO_codefile.txt and CAMEO2PLOVER on 101-108, where GDELT's lookup differs and
        # has run 106 into 1056's line); GDELT's label is kept beside it when it differs.
        if code in icews:
            label, label_src = icews[code]["name"].strip(), SRC_ICEWS
        else:
            label, label_src = labels[code], SRC_GDELT_CODES
        gdelt_label = labels.get(code, "")
        if gdelt_label == label:
            gdelt_label = ""
        if code in gdelt:
            gold, gold_src = gdelt[code], SRC_GDELT_GOLD
        else:
            gold, gold_src = float(icews[code]["goldstein"]), SRC_ICEWS
        event, mode, context = plover.get(code, ("", "", ""))
        plover_src = SRC_PLOVER if code in plover else "none (CAMEO2PLOVER-2021 has no entry)"
        domain, domain_via = domain_of(code, plover)
        rows.append(
            {
                "code": code,
                "label": label,
                "label_gdelt": gdelt_label,
                "root": root,
                "level": len(code) - 1,
                "quad": QUAD[r],
                "penta": PENTA[r],
                "goldstein": f"{gold:.1f}",
                "plover_event": event,
                "plover_mode": mode,
                "plover_context": context,
                "domain": domain,
                "goldstein_source": gold_src,
                "source": (
                    f"label: {label_src}; label_gdelt: {SRC_GDELT_CODES}; "
                    f"goldstein: {gold_src}; plover: {plover_src}; "
                    f"quad/penta: {SRC_BILAT} root rule; domain: {SRC_BILAT} rule ({domain_via})"
                ),
            }
        )
    write(OUT / "cameo.csv", rows)

    observed = observed_goldstein(shared)
    dis = []
    for code in codes:
        values = {
            "gdelt": gdelt.get(code),
            "gdeltpyr": pyr.get(code),
            "icews": float(icews[code]["goldstein"]) if code in icews else None,
        }
        present = {v for v in values.values() if v is not None}
        if len(present) <= 1:
            continue
        seen, n = observed.get(code, (set(), 0))
        dis.append(
            {
                "code": code,
                "gdelt": fmt(values["gdelt"]),
                "gdeltpyr": fmt(values["gdeltpyr"]),
                "icews": fmt(values["icews"]),
                "py_gdelt": fmt(pyg.get(code)),
                "chosen": fmt(values["gdelt"] if values["gdelt"] is not None else values["icews"]),
                "observed": "|".join(fmt(v) for v in sorted(seen)),
                "observed_rows": n,
                "source": (
                    f"{SRC_GDELT_GOLD}; gdeltPyR cameoCodes.json; {SRC_ICEWS}; py-gdelt "
                    "cameo_goldstein.json (evidence only); observed: GDELT rows in "
                    "gdelt2_export_arekziobrowski + gdelt_reed9999"
                ),
            }
        )
    write(OUT / "goldstein_disagreements.csv", dis)
    print(f"cameo.csv: {len(rows)} codes; goldstein_disagreements.csv: {len(dis)} codes")


def fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


# --------------------------------------------------------------------------- countries

# CountryInfo.120116.txt has copy errors in a few blocks (it says so itself: "it will
# DEFINITELY CONTAIN ERRORS"); these are the corrections, by ISO3, with the reference that
# settles each value.  ``cow`` values come from NGEC cow2iso.txt whenever it has the state.
CI_FIX: dict[str, dict[str, str]] = {
    "GTM": {"fips": "GT"},  # CI block copied Guadeloupe's FIPS/ISO codes
    "GIN": {"fips": "GV"},  # CI block copied Papua New Guinea's codes
    "CYP": {"fips": "CY"},  # missing in CI
    "ISR": {"fips": "IS"},
    "JEY": {"fips": "JE"},
    "MYT": {"fips": "MF"},
    "BLM": {"fips": "TB"},
    "CCK": {"fips": "CK"},
    "COK": {"fips": "CW"},  # CI gives CK (Cocos) to both; Cook Islands is CW in FIPS 10-4
    "XKX": {"fips": "KV"},  # CI: NOT_YET; FIPS 10-4 KV (2008)
    "MNE": {"fips": "MJ", "capital": "Podgorica"},  # CI block copied Serbia's capital
    "PSE": {"fips": "WE|GZ"},  # GDELT geography splits West Bank (WE) and Gaza Strip (GZ)
    "USA": {"cow": "2"},
    "ZAF": {"fips": "SF"},  # CI gives SA (Saudi Arabia's FIPS code)
    "COG": {"fips": "CF"},  # CI gives CG (the DR Congo's FIPS code)
    "KGZ": {"fips": "KG"},  # CI gives KY
    "TKL": {"fips": "TL"},  # CI gives TK (Turks and Caicos Islands' FIPS code)
    "SRB": {"fips": "RI", "capital": "Belgrade"},
    "PNG": {"cow": "910"},
    "ATG": {"cow": "58"},  # missing in cow2iso; COW state list: Antigua & Barbuda 58 (1981-)
    # capitals CountryInfo gets wrong or lacks (or dates: Naypyidaw replaced Rangoon in 2005)
    "GRL": {"capital": "Nuuk"},  # CI: Thule
    "SYC": {"capital": "Victoria"},
    "VAT": {"fips": "VT", "capital": "Vatican City"},
    "MMR": {"fips": "BM", "capital": "Naypyidaw"},
    "SDN": {"capital": "Khartoum"},  # CI: Al Khartoum
}

# CountryInfo blocks whose ISO fields hold another country's codes (copy errors), by name.
CI_BLOCK_ISO3 = {
    "GUATEMALA": "GTM",
    "GUINEA": "GIN",
    "ISRAEL": "ISR",
    "JAPAN": "JPN",
    "JERSEY": "JEY",
    "MAYOTTE": "MYT",
    "SAINT BARTHELEMY": "BLM",
    "MYANMAR": "MMR",
    "TIMOR LESTE": "TLS",
    "KOSOVO": "XKX",
}
# CountryInfo blocks that are not states with an ISO code: the Bosnian entities, Tibet,
# Northern Cyprus, the Netherlands Antilles (dissolved 2010), the Serbia-and-Montenegro
# block (covered by the historical YUG row).
CI_SKIP = {"BHF", "SPR", "TIB", "ANT"}

# Extra CAMEO actor codes (legacy or CAMEO-specific spellings) beside the ISO3 code.
CAMEO_EXTRA = {
    "XKX": "KSV",  # CAMEO / CountryInfo use KSV for Kosovo
    "TLS": "TMP",  # CAMEO / CountryInfo use TMP for East Timor
    "ROU": "ROM",  # CAMEO manual's code for Romania (GDELT writes ROU)
}

# Other COW codes that belong to the same ISO3 state (NGEC cow2iso.txt rows).
COW_EXTRA = {"DEU": "260", "YEM": "678", "LIE": "223", "MCO": "221"}

# Name keys that a CountryInfo block gives to the wrong state (the Montenegro block copied
# Serbia's nationality list).
NAME_EXCLUDE = {"MNE": {"serb", "serbian", "serbs"}}

# Names used by ICEWS (Source/Target Country) and GDELT that the other references spell
# differently; source: the ICEWS 2018 sample (andybega/icews events.2018.sample.tab).
SRC_ICEWS_EVENTS = "ICEWS events.2018.sample.tab (country names)"
ICEWS_NAMES = {
    "RUS": "Russian Federation",
    "PSE": "Occupied Palestinian Territory",
    "MDA": "Moldova, Republic of",
    "MKD": "the former Yugoslav Republic of Macedonia",
    "VAT": "Holy See",
    "COD": "Democratic Republic of Congo",
    "SWZ": "Swaziland",
    "CZE": "Czech Republic",
    "CIV": "Cote d'Ivoire",
    "TLS": "Timor-Leste",
    "HKG": "Hong Kong",
}

# Common English names and former names that none of the references lists as a name.
# Source: bilat (general knowledge; each is an unambiguous, widely used name).
EXTRA_ALIASES = {
    "USA": "united states|united states of america|u.s.a.|america",
    "GBR": "britain|great britain|united kingdom of great britain and northern ireland",
    "DEU": "west germany|federal republic of germany|frg",
    "COD": "zaire|congo-kinshasa|drc",
    "COG": "congo-brazzaville|republic of the congo",
    "MMR": "burma",
    "ZWE": "rhodesia",
    "LKA": "ceylon",
    "KHM": "kampuchea",
    "BFA": "upper volta",
    "BEN": "dahomey",
    "IRN": "persia",
    "THA": "siam",
    "KOR": "republic of korea",
    "PRK": "democratic people's republic of korea",
    "CZE": "czechia",
    "SWZ": "eswatini",
    "MKD": "north macedonia|macedonia",
    "TLS": "east timor",
    "CPV": "cape verde",
    "CIV": "ivory coast",
    "VAT": "vatican",
    "TUR": "turkiye",
}

# Historical states (not in ISO 3166-1 any more).  Codes: ISO 3166-3 where one exists,
# otherwise the COW alpha code (marked).  Years: COW state-system membership (cow2iso
# validity years where it has them).  CAMEO codes as used by CAMEO / Phoenix dictionaries.
HISTORICAL = [
    {
        "iso3": "SUN",
        "cameo": "USR",
        "cow": "365",
        "fips": "UR",
        "name": "Soviet Union",
        "aliases": "ussr|u.s.s.r.|union of soviet socialist republics|soviet russia",
        "demonyms": "soviet|soviets",
        "capital": "Moscow",
        "start_year": "1922",
        "end_year": "1991",
        "source": "ISO 3166-3 (SUN); COW 365 (shared with RUS, which continues it); "
        "CAMEO USR (" + SRC_CAMEO_MANUAL + ")",
    },
    {
        "iso3": "YUG",
        "cameo": "YUG",
        "cow": "345",
        "fips": "YI",
        "name": "Yugoslavia",
        "aliases": "federal republic of yugoslavia|socialist federal republic of yugoslavia|"
        "serbia and montenegro|sfry",
        "demonyms": "yugoslav|yugoslavian|yugoslavs",
        "capital": "Belgrade",
        "start_year": "1918",
        "end_year": "2006",
        "source": f"ISO 3166-3 (YUG); {SRC_COW} (345 YUG); FIPS YI (Serbia and Montenegro, as "
        "used in GDELT geography); " + SRC_CI + " (Serbia and Montenegro block)",
    },
    {
        "iso3": "CSK",
        "cameo": "",
        "cow": "315",
        "fips": "",
        "name": "Czechoslovakia",
        "aliases": "czechoslovak socialist republic|czech and slovak federative republic",
        "demonyms": "czechoslovak|czechoslovakian",
        "capital": "Prague",
        "start_year": "1918",
        "end_year": "1992",
        "source": f"ISO 3166-3 (CSK); {SRC_COW} (315 CZE, 1962-1992)",
    },
    {
        "iso3": "DDR",
        "cameo": "DDR",
        "cow": "265",
        "fips": "",
        "name": "East Germany",
        "aliases": "german democratic republic|gdr",
        "demonyms": "east german|east germans",
        "capital": "East Berlin",
        "start_year": "1949",
        "end_year": "1990",
        "source": f"ISO 3166-3 (DDR); {SRC_COW} (265 GDR); CAMEO DDR ({SRC_PHX})",
    },
    {
        "iso3": "VDR",
        "cameo": "",
        "cow": "816",
        "fips": "",
        "name": "North Vietnam",
        "aliases": "democratic republic of vietnam|drv",
        "demonyms": "north vietnamese",
        "capital": "Hanoi",
        "start_year": "1954",
        "end_year": "1976",
        "source": f"ISO 3166-3 (VDR); {SRC_COW} (816 DRV; VNM continues it)",
    },
    {
        "iso3": "RVN",
        "cameo": "",
        "cow": "817",
        "fips": "",
        "name": "South Vietnam",
        "aliases": "republic of vietnam",
        "demonyms": "south vietnamese",
        "capital": "Saigon",
        "start_year": "1954",
        "end_year": "1975",
        "source": f"no ISO code: COW alpha code RVN used; {SRC_COW} (817 RVN)",
    },
    {
        "iso3": "YMD",
        "cameo": "",
        "cow": "680",
        "fips": "",
        "name": "South Yemen",
        "aliases": "people's democratic republic of yemen|yemen people's republic",
        "demonyms": "south yemeni",
        "capital": "Aden",
        "start_year": "1967",
        "end_year": "1990",
        "source": f"ISO 3166-3 (YMD); {SRC_COW} (680 YPR)",
    },
]

# Regional and organisational CAMEO actor codes and GDELT FIPS codes that are not states:
# they map to no ISO3 (``to_iso3`` returns None without error).
REGIONS = [
    ("cameo", "AFR", "Africa"),
    ("cameo", "ASA", "Asia"),
    ("cameo", "BLK", "Balkans"),
    ("cameo", "CRB", "Caribbean"),
    ("cameo", "CAU", "Caucasus"),
    ("cameo", "CFR", "Central Africa"),
    ("cameo", "CAS", "Central Asia"),
    ("cameo", "CEU", "Central Europe"),
    ("cameo", "EIN", "East Indies"),
    ("cameo", "EAF", "Eastern Africa"),
    ("cameo", "EEU", "Eastern Europe"),
    ("cameo", "EUR", "Europe"),
    ("cameo", "LAM", "Latin America"),
    ("cameo", "MEA", "Middle East"),
    ("cameo", "MDT", "Mediterranean"),
    ("cameo", "NAF", "North Africa"),
    ("cameo", "NMR", "North America"),
    ("cameo", "PGS", "Persian Gulf"),
    ("cameo", "SCN", "Scandinavia"),
    ("cameo", "SAM", "South America"),
    ("cameo", "SAS", "South Asia"),
    ("cameo", "SEA", "Southeast Asia"),
    ("cameo", "SAF", "Southern Africa"),
    ("cameo", "WAF", "West Africa"),
    ("cameo", "WST", "The West"),
    ("cameo", "IGO", "Intergovernmental organisation"),
    ("cameo", "NGO", "Non-governmental organisation"),
    ("cameo", "MNC", "Multinational corporation"),
    ("cameo", "UNO", "United Nations"),
    ("cameo", "NAT", "NATO"),
    ("fips", "OS", "Oceans"),
]


SMALL_WORDS = {"of", "and", "the", "da", "de", "du", "la", "le", "es", "al"}


def titled(text: str) -> str:
    """CountryInfo's upper-case names in title case: "SAINT JOHN'S" -> "Saint John's"."""
    words = []
    for i, word in enumerate(text.lower().split()):
        if re.fullmatch(r"([a-z]\.)+", word):  # initials: D.C.
            words.append(word.upper())
        elif i and word in SMALL_WORDS:
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


def clean_name(raw: str) -> str:
    text = raw.split("#", 1)[0].strip()
    text = text.replace("_", " ").strip()
    return re.sub(r"\s+", " ", text)


def read_country_info(shared: Path) -> list[dict[str, object]]:
    text = (shared / "data" / "eventcoding" / "lookups" / "CountryInfo.120116.txt").read_text(
        "utf-8", errors="replace"
    )
    text = text[text.index("-->") :]

    def tag(block: str, name: str) -> str:
        m = re.search(rf"<{re.escape(name)}>(.*?)</{re.escape(name)}>", block, re.S)
        return m.group(1).strip() if m else ""

    out = []
    for block in re.findall(r"<Country>(.*?)</Country>", text, re.S):
        out.append(
            {
                "code": tag(block, "CountryCode"),
                "name": titled(clean_name(tag(block, "CountryName"))),
                "iso3": tag(block, "ISO3166-alpha3"),
                "iso2": tag(block, "ISO3166-alpha2"),
                "cow_alpha": tag(block, "COW-Alpha"),
                "cow": tag(block, "COW-Numeric"),
                "fips": tag(block, "FIPS-10"),
                "nat": [clean_name(x) for x in tag(block, "Nationality").splitlines()],
                "cap": [clean_name(x) for x in tag(block, "Capital").splitlines()],
            }
        )
    return out


def build_countries(shared: Path) -> None:
    look = shared / "data" / "eventcoding" / "lookups"
    ngec_dir = shared / "data" / "eventcoding" / "ngec"
    ci = read_country_info(shared)
    with open(ngec_dir / "countries.csv", encoding="utf-8", newline="") as fh:
        ngec = [r for r in csv.DictReader(fh) if re.fullmatch(r"[A-Z]{3}", r["CCA3"])]
    cow_rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(ngec_dir / "cow2iso.txt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["iso3"] and r["cow_id"]:
                cow_rows[r["iso3"]].append(r)
    phoenix = dict(
        line.split("\t")
        for line in (look / "cameo_country_codes_from_Phoenix.Countries.actors.tsv")
        .read_text("utf-8")
        .splitlines()[1:]
    )
    t2c = [
        line.split("\t")
        for line in (look / "text_to_CAMEO__countrynames.txt")
        .read_text("utf-8", errors="replace")
        .splitlines()
    ]

    entities: dict[str, dict[str, object]] = {}

    def entity(iso3: str) -> dict[str, object]:
        return entities.setdefault(
            iso3,
            {
                "iso3": iso3,
                "iso2": "",
                "cameo": [],
                "cow": [],
                "fips": "",
                "name": "",
                "names": [],
                "aliases": [],
                "demonyms": [],
                "ngec_nat": [],
                "capital": "",
                "sources": set(),
            },
        )

    # 1. CountryInfo: the ISO3 is the last three letters of the CountryCode (USAASM -> ASM;
    #    [YUGBIH ...][BIH ...] -> BIH) when ISO3166-alpha3 is not a clean match.
    for row in ci:
        code = str(row["code"])
        name_key = str(row["name"]).upper()
        iso3 = str(row["iso3"])
        if name_key in CI_BLOCK_ISO3:
            iso3 = CI_BLOCK_ISO3[name_key]
        elif not re.fullmatch(r"[A-Z]{3}", iso3):
            cands = re.findall(r"[A-Z]{3,6}", code)
            iso3 = cands[-1][-3:] if cands else ""
        iso3 = {"KSV": "XKX", "TMP": "TLS"}.get(iso3, iso3)
        if not iso3 or iso3 in CI_SKIP or name_key == "SERBIA AND MONTENEGRO":
            continue
        e = entity(iso3)
        e["sources"].add(SRC_CI)  # type: ignore[union-attr]
        e["names"].append(row["name"])  # type: ignore[union-attr]
        fips = str(row["fips"])
        if re.fullmatch(r"[A-Z]{2}", fips) and not e["fips"]:
            e["fips"] = fips
        if re.fullmatch(r"[A-Z]{2}", str(row["iso2"])) and name_key not in CI_BLOCK_ISO3:
            e["iso2"] = row["iso2"]
        nat = [n for n in row["nat"] if n]  # type: ignore[union-attr]
        if nat:
            e["demonyms"].append(nat[0])  # type: ignore[union-attr]
            e["aliases"].extend(nat[1:])  # type: ignore[union-attr]
        caps = [c for c in row["cap"] if c]  # type: ignore[union-attr]
        if caps and not e["capital"]:
            e["capital"] = titled(caps[0])
        if code == iso3:
            e["cameo"].append(code)  # type: ignore[union-attr]

    # 2. NGEC countries.csv: ISO2, English name, nationalities.
    for row in ngec:
        iso3 = row["CCA3"]
        if iso3 in {"EUR", "UNO"}:  # organisations, not states (see REGIONS)
            continue
        e = entity(iso3)
        e["sources"].add(SRC_NGEC)  # type: ignore[union-attr]
        e["name"] = row["Name"].replace("Myanmar [Burma]", "Myanmar").strip()
        if (row["CCA2"] and row["CCA2"] != "NA") or iso3 == "NAM":
            e["iso2"] = row["CCA2"]
        for item in row["Nationality"].split(","):
            item = item.strip()
            if item:
                e["ngec_nat"].append(item)  # type: ignore[union-attr]

    # 3. CAMEO codes: Phoenix dictionary and text_to_CAMEO.
    for code, _name in phoenix.items():
        if code in entities:
            entity(code)["cameo"].append(code)  # type: ignore[union-attr]
            entity(code)["sources"].add(SRC_PHX)  # type: ignore[union-attr]
    for parts in t2c:
        if len(parts) < 3 or not re.fullmatch(r"[A-Z]{3}", parts[1]):
            continue
        name, code = parts[0].strip(), parts[1]
        iso3 = {"KSV": "XKX"}.get(code, code)
        if iso3 in entities:
            e = entity(iso3)
            e["cameo"].append(code)  # type: ignore[union-attr]
            e["aliases"].append(name)  # type: ignore[union-attr]
            e["sources"].add(SRC_T2C)  # type: ignore[union-attr]
    for iso3, code in CAMEO_EXTRA.items():
        entity(iso3)["cameo"].append(code)  # type: ignore[union-attr]

    # 4. COW codes from cow2iso (the current row first).
    for iso3, rows in cow_rows.items():
        if iso3 not in entities or iso3 in {"VNM", "DDR", "YMD", "CSK", "YUG"}:
            continue
        rows = sorted(rows, key=lambda r: (r["valid_until"] != "", r["valid_from"]))
        e = entity(iso3)
        e["cow"].append(rows[0]["cow_id"])  # type: ignore[union-attr]
        e["sources"].add(SRC_COW)  # type: ignore[union-attr]
    entity("VNM")["cow"].append("816")  # type: ignore[union-attr]  # COW: unified Vietnam = 816
    entity("XKX")["cow"].append("347")  # type: ignore[union-attr]
    entity("SRB")["cow"].append("345")  # type: ignore[union-attr]  # COW 345 continues as Serbia
    entity("TWN")["cow"].append("713")  # type: ignore[union-attr]
    for iso3, code in COW_EXTRA.items():
        entity(iso3)["cow"].append(code)  # type: ignore[union-attr]

    for iso3, name in ICEWS_NAMES.items():
        entity(iso3)["names"].append(name)  # type: ignore[union-attr]
        entity(iso3)["sources"].add(SRC_ICEWS_EVENTS)  # type: ignore[union-attr]
    for iso3, extra in EXTRA_ALIASES.items():
        entity(iso3)["aliases"].extend(extra.split("|"))  # type: ignore[union-attr]
        entity(iso3)["sources"].add(f"{SRC_BILAT} (common names)")  # type: ignore[union-attr]

    for iso3, fix in CI_FIX.items():
        e = entity(iso3)
        if "fips" in fix:
            e["fips"] = fix["fips"]
        if "capital" in fix:
            e["capital"] = fix["capital"]
        if "cow" in fix:
            e["cow"] = [fix["cow"]]
        e["sources"].add(f"{SRC_BILAT} (corrections to CountryInfo)")  # type: ignore[union-attr]

    # Drop entities with no usable code at all, and the DDR row (historical, below).
    for iso3 in ["DDR"]:
        entities.pop(iso3, None)

    rows = []
    for iso3 in sorted(entities):
        e = entities[iso3]
        if not e["name"] and not e["names"]:
            raise SystemExit(f"no name for {iso3}: {e}")
        name = str(e["name"]) or str(e["names"][0])  # type: ignore[index]
        rows.append(
            {
                "iso3": iso3,
                "iso2": e["iso2"],
                "cameo": "|".join(dict.fromkeys([iso3, *e["cameo"]])),  # type: ignore[list-item]
                "cow": "|".join(dict.fromkeys(e["cow"])),  # type: ignore[arg-type]
                "fips": e["fips"],
                "name": name,
                "names": [name, *e["names"]],  # type: ignore[list-item]
                "aliases": e["aliases"],
                "demonyms": e["demonyms"],
                "ngec_nat": e["ngec_nat"],
                "capital": e["capital"],
                "historical": "false",
                "start_year": "",
                "end_year": "",
                "source": "; ".join(sorted(e["sources"])),  # type: ignore[call-overload]
            }
        )
    for h in HISTORICAL:
        rows.append(
            {
                **h,
                "iso2": "",
                "names": [h["name"], *h["aliases"].split("|")],
                "aliases": [],
                "demonyms": h["demonyms"].split("|"),
                "ngec_nat": [],
                "historical": "true",
            }
        )

    # Resolve name keys: a lower-case key belongs to one row only.  Rank 0 = the row's
    # names, 1 = aliases, 2 = CountryInfo's first nationality, 3 = NGEC's nationality list
    # (which also folds territories into their parent); at the best rank, a key claimed
    # by two rows is ambiguous and dropped (the build log lists them).
    claims: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        for rank, field in enumerate(("names", "aliases", "demonyms", "ngec_nat")):
            for value in row[field]:  # type: ignore[attr-defined]
                key = norm(value)
                if key and key not in NAME_EXCLUDE.get(str(row["iso3"]), set()):
                    claims[key][rank].add(str(row["iso3"]))
    owner: dict[str, str] = {}
    dropped = []
    for key, by_rank in claims.items():
        best = min(by_rank)
        holders = by_rank[best]
        if len(holders) == 1:
            owner[key] = next(iter(holders))
        else:
            current = {h for h in holders if h not in {r["iso3"] for r in HISTORICAL}}
            if len(current) == 1:
                owner[key] = next(iter(current))
            else:
                dropped.append((key, sorted(holders)))
    out = []
    for row in rows:
        iso3 = str(row["iso3"])
        name_key = norm(str(row["name"]))

        def keep(values: list[str], iso3: str = iso3, name_key: str = name_key) -> str:
            seen: dict[str, None] = {}
            for v in values:
                k = norm(v)
                if k and k != name_key and owner.get(k) == iso3:
                    seen.setdefault(k)
            return "|".join(seen)

        aliases = keep([*row["names"], *row["aliases"]])  # type: ignore[misc]
        demonyms = keep([*row["demonyms"], *row["ngec_nat"]])  # type: ignore[misc]
        alias_set = set(aliases.split("|"))
        demonyms = "|".join(d for d in demonyms.split("|") if d and d not in alias_set)
        out.append(
            {
                "iso3": iso3,
                "iso2": row["iso2"],
                "cameo": row["cameo"],
                "cow": row["cow"],
                "fips": row["fips"],
                "name": row["name"],
                "aliases": aliases,
                "demonyms": demonyms,
                "capital": row["capital"],
                "historical": row["historical"],
                "start_year": row["start_year"],
                "end_year": row["end_year"],
                "source": row["source"],
            }
        )
    for col in ("cameo", "cow", "fips", "iso2"):
        seen_codes: dict[str, str] = {}
        for row in out:
            if row["historical"] == "true":
                continue
            for code in str(row[col]).split("|"):
                if code and code in seen_codes:
                    raise SystemExit(f"{col} {code} on {seen_codes[code]} and {row['iso3']}")
                seen_codes[code] = str(row["iso3"])
    write(OUT / "countries.csv", out)
    write(
        OUT / "regions.csv",
        [
            {
                "scheme": scheme,
                "code": code,
                "name": name,
                "source": (
                    f"{SRC_CAMEO_MANUAL}, actor codes (regions and organisations)"
                    if scheme == "cameo"
                    else "GDELT geography (FIPS 10-4 'OS' = oceans)"
                ),
            }
            for scheme, code, name in REGIONS
        ],
    )
    print(f"countries.csv: {len(out)} rows; ambiguous name keys dropped: {len(dropped)}")
    for key, holders in sorted(dropped):
        print(f"  dropped {key!r}: {', '.join(holders)}")


def norm(value: str) -> str:
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    text = text.strip().lower().replace("_", " ")
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;")


# --------------------------------------------------------------------------- sectors

# The order is the priority that ``sector_of`` uses for an ICEWS comma list
# ("Military,Government" -> MIL): security services first, then government.
SECTORS = [
    ("MIL", "Military", "Armed forces, defence establishment"),
    ("SPY", "Intelligence", "State intelligence services"),
    ("COP", "Police", "Police and internal security forces"),
    ("GOV", "Government", "Executive, ministries, civil servants"),
    ("LEG", "Legislature", "Parliament, congress, assemblies"),
    ("JUD", "Judiciary", "Courts, judges, prosecutors"),
    ("OPP", "Opposition", "Political opposition, dissidents, protesters"),
    ("PTY", "Political party", "Political parties"),
    ("REB", "Rebels", "Armed rebels"),
    ("INS", "Insurgents", "Insurgents"),
    ("SEP", "Separatists", "Separatist rebels"),
    ("RAD", "Radicals", "Radicals, extremists, fundamentalists"),
    ("MOD", "Moderates", "Moderate groups"),
    ("UAF", "Unaligned armed forces", "Armed groups of unclear allegiance"),
    ("IMG", "International militarised group", "Transnational armed groups"),
    ("CRM", "Criminals", "Criminals and gangs"),
    ("BUS", "Business", "Firms and business people"),
    ("MNC", "Multinational corporation", "Multinational corporations"),
    ("AGR", "Agriculture", "Farmers, agricultural interests"),
    ("LAB", "Labour", "Trade unions, workers"),
    ("MED", "Media", "Press, broadcasters, journalists"),
    ("EDU", "Education", "Schools, universities, students"),
    ("HLH", "Health", "Health sector, medical workers"),
    ("ELI", "Elites", "Eminent persons, former officials"),
    ("CVL", "Civilians", "General population"),
    ("REF", "Refugees", "Refugees and displaced people"),
    ("REL", "Religious", "Religious groups and leaders"),
    ("HRI", "Human rights", "Human-rights groups"),
    ("DEV", "Development", "Development organisations"),
    ("ENV", "Environment", "Environmental groups"),
    ("NGO", "Non-governmental organisation", "NGOs and activists"),
    ("NGM", "Non-governmental movement", "Social movements"),
    ("IGO", "Intergovernmental organisation", "IGOs (UN, NATO, EU, ...)"),
    ("PKO", "Peacekeepers", "Peacekeeping forces"),
    ("INT", "International non-state", "Transnational generic actors"),
]

# ICEWS sector names -> bilat sector.  The first choice is text_to_CAMEO agentnames.txt
# (ICEWS sector -> CAMEO agent code; its first three letters give the bilat sector);
# SECTOR_FIX corrects its clear slips (e.g. "Tourism Ministry" -> GOVJUD) and adds the ICEWS
# names it lacks.  A ministry is GOV whatever its field.  Ethnic groups get no sector
# (CAMEO codes ethnicity separately); ideologies are OPP only when nothing else applies.
SECTOR_FIX = {
    "Executive": "GOV",
    "Executive Office": "GOV",
    "Cabinet": "GOV",
    "Foreign Ministry": "GOV",
    "Interior / Home Ministry": "GOV",
    "Defense / Security Ministry": "GOV",
    "Tourism Ministry": "GOV",
    "Drugs Ministry": "GOV",
    "Elections Ministry": "GOV",
    "Transportation Ministry": "GOV",
    "Energy Ministry": "GOV",
    "Environment Ministry": "GOV",
    "Health Ministry": "GOV",
    "Labor Ministry": "GOV",
    "Education Ministry": "GOV",
    "Justice / Law Ministry": "GOV",
    "Human Rights Ministry": "GOV",
    "Agriculture / Fishing / Forestry Ministry": "GOV",
    "Finance / Economy / Commerce / Trade Ministry": "GOV",
    "Industrial / Textiles / Mining Ministry": "GOV",
    "Science / Tech / Knowledge / Innovation Ministry": "GOV",
    "Information / Communication / Transparency Ministry": "GOV",
    "Management / Budget / Planning / Organization Ministry": "GOV",
    "Women / Children / Social / Welfare / Development / Religion Ministry": "GOV",
    "Intelligence Ministry": "SPY",
    "State Media": "MED",
    "Government Religious": "REL",
    "Police": "COP",
    "National / Border Divisions": "COP",
    "Provincial Divisions": "COP",
    "Municipal Divisions": "COP",
    "Military Intelligence": "SPY",
    "Local": "GOV",
    "Provincial": "GOV",
    "Municipal": "GOV",
    "Legal": "JUD",
    "Medical / Health": "HLH",
    "National Religious": "REL",
    "Religious Majority": "REL",
    "Religious Minority": "REL",
    "Radicals / Extremists / Fundamentalists": "RAD",
    "Organized Violent": "RAD",
    "Insurgents": "INS",
    "Separatists": "SEP",
    "Agricultural": "AGR",
    "Elite": "ELI",
    "Social": "CVL",
    "Nongovernmental Organizations / Activists": "NGO",
    "Nongovernmental Organization (International)": "NGO",
    "Agricultural NGOs": "NGO",
    "Business NGOs": "NGO",
    "Education NGOs": "NGO",
    "Energy NGOs": "NGO",
    "Environment NGOs": "NGO",
    "Ethnic NGOs": "NGO",
    "Development NGOs": "NGO",
    "Human Rights NGOs": "NGO",
    "Information / Communication / Transparency NGOs": "NGO",
    "Labor NGOs": "NGO",
    "Legal NGOs": "NGO",
    "Media NGOs": "NGO",
    "Medical / Health NGOs": "NGO",
    "Refugees / Displaced NGOs": "NGO",
    "Charity NGOs": "NGO",
    "International Religious": "REL",
    "International Ethnic": "",
    "International Dissident": "OPP",
    "International Insurgents": "IMG",
    "International Radicals / Extremists / Fundamentalists": "IMG",
    "Unaffiliated Sectors": "",
    "Ideological": "",
    "Nationalist": "",
    "Fundamentalist": "RAD",
    "Secular": "",
    "Tribalist": "",
    "Communist": "",
    "Center Left": "",
    "Center Right": "",
    "Far Left": "",
    "Far Right": "",
    "Centrist": "",
    "Libertarian": "",
    "Anarchist": "",
    "Global": "IGO",
    "Regional": "IGO",
    "Dissident": "OPP",
    "Exiles": "OPP",
    "Banned Parties": "OPP",
    "State Owned Enterprises": "BUS",
}
RELIGIONS = {
    "Buddhist",
    "Catholic",
    "Christian",
    "Hindu",
    "Jewish",
    "Jews",
    "Muslim",
    "Orthodox",
    "Protestant",
    "Shia",
    "Shinto",
    "Sikh",
    "Sunni",
}


def build_sectors(shared: Path) -> None:
    write(
        OUT / "sectors.csv",
        [
            {
                "code": code,
                "label": label,
                "description": desc,
                "source": f"{SRC_CAMEO_MANUAL}, actor type codes; label and description: "
                + SRC_BILAT,
            }
            for code, label, desc in SECTORS
        ],
    )
    known = {code for code, _, _ in SECTORS}
    mapping: dict[str, tuple[str, str]] = {}
    look = shared / "data" / "eventcoding" / "lookups"
    for line in (look / "text_to_CAMEO__agentnames.txt").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        name, code = parts[0].strip(), parts[1].strip()
        if name == "NULL" or not re.fullmatch(r"[A-Za-z]{3,6}", code):
            continue
        sector = code[:3] if code[:3] in known else ""
        mapping[name] = (sector, SRC_AGENTS)
    sample_sectors: set[str] = set()
    with open(
        shared / "data" / "eventdata" / "icews" / "events.2018.sample.tab",
        encoding="latin-1",
        newline="",
    ) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            for field in ("Source Sectors", "Target Sectors"):
                for s in r[field].split(","):
                    if s.strip() and s.strip() != "NA":
                        sample_sectors.add(s.strip())
    for name in sorted(sample_sectors - set(mapping)):
        if name in RELIGIONS:
            mapping[name] = ("REL", f"{SRC_BILAT} (religion)")
        elif name.endswith(" IGOs"):
            mapping[name] = ("IGO", f"{SRC_BILAT} (IGO sector names)")
        elif name.endswith(" Business") or name.startswith("State-Owned "):
            mapping[name] = ("BUS", f"{SRC_BILAT} (business sector names)")
        elif name.endswith(" Party") or (name.startswith("Government ") and "Party" in name):
            mapping[name] = ("PTY", f"{SRC_BILAT} (party names)")
        elif name in {"Army", "Navy", "Air Force", "Marines", "Army Special Forces"}:
            mapping[name] = ("MIL", f"{SRC_BILAT}")
        elif name in {"Entertainment", "Television Entertainment", "Television News"}:
            mapping[name] = ("MED", f"{SRC_BILAT}")
        else:
            mapping[name] = ("", f"{SRC_BILAT} (ethnic or other group: no sector)")
    for name, sector in SECTOR_FIX.items():
        old = mapping.get(name)
        if old is None or old[0] != sector:
            mapping[name] = (sector, f"{SRC_BILAT} (corrects {SRC_AGENTS})" if old else SRC_BILAT)
    rows = []
    for name in sorted(mapping):
        sector, source = mapping[name]
        if sector and sector not in known:
            raise SystemExit(f"unknown sector {sector} for {name}")
        rows.append(
            {
                "icews": name,
                "sector": sector,
                "in_sample": "true" if name in sample_sectors else "false",
                "source": source,
            }
        )
    missing = sample_sectors - set(mapping)
    if missing:
        raise SystemExit(f"ICEWS sectors without a mapping: {sorted(missing)}")
    write(OUT / "icews_sectors.csv", rows)
    print(f"sectors.csv: {len(SECTORS)} sectors; icews_sectors.csv: {len(rows)} names")


# --------------------------------------------------------------------------- output


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    global OUT
    args = sys.argv[1:]
    if "--out" in args:
        i = args.index("--out")
        OUT = Path(args[i + 1])
        del args[i : i + 2]
    shared = Path(args[0]) if args else ROOT.parent / "shared"
    build_cameo(shared)
    build_countries(shared)
    build_sectors(shared)


if __name__ == "__main__":
    main()
