"""The columns of the ``dyad_year`` table: name, DuckDB type, unit, source id, description.

This is the one place the panel's variables are defined; ``panel_columns()``, the DuckDB table
``panel_columns``, the Parquet metadata and docs/panel.md all come from :data:`COLUMNS`.
Source ids name the files in :data:`bilat.panel.sources.SOURCE_FILES`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COLUMNS", "KEY", "Column", "column_names"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of ``dyad_year``."""

    name: str
    dtype: str
    unit: str
    source_id: str
    description: str


KEY = ("ccode", "year")

_ICEWS = "ICEWS dyad-year count of {kind} events {dir} (all sources; 2002-2014)"

COLUMNS: tuple[Column, ...] = (
    Column("ccode", "INTEGER", "COW code", "panel", "partner's Correlates of War state code"),
    Column("iso3", "VARCHAR", "ISO 3166 alpha-3", "ontology", "partner ISO3 (NULL if none)"),
    Column("country", "VARCHAR", "name", "ontology", "partner name in that year"),
    Column("year", "INTEGER", "year", "panel", "calendar year (US fiscal year for aid)"),
    Column(
        "state_system",
        "BOOLEAN",
        "flag",
        "cw_democracy",
        "True if the partner is a COW system member that year (isard's cw_democracy years)",
    ),
    Column(
        "aid_econ",
        "DOUBLE",
        "constant 2020 US$",
        "greenbook",
        "US economic aid obligations (Greenbook 'Economic' category), FY1946-2020",
    ),
    Column(
        "aid_mil",
        "DOUBLE",
        "constant 2020 US$",
        "greenbook",
        "US military aid obligations (Greenbook 'Military' category), FY1946-2020",
    ),
    Column(
        "aid_dem",
        "DOUBLE",
        "constant 2020 US$",
        "greenbook",
        "democracy/governance aid: Greenbook accounts National Endowment for Democracy, "
        "Democracy Fund and Transition Initiatives (USAID OTI); FY1946-2020",
    ),
    Column(
        "aid_total",
        "DOUBLE",
        "constant 2020 US$",
        "greenbook|fae",
        "aid_econ + aid_mil to FY2020; Foreign Aid Explorer obligations FY2021-2024",
    ),
    Column("aid_total_source", "VARCHAR", "label", "panel", "'greenbook' or 'fae'"),
    Column("aid_econ_share", "DOUBLE", "share 0-1", "greenbook", "aid_econ / aid_total"),
    Column("aid_mil_share", "DOUBLE", "share 0-1", "greenbook", "aid_mil / aid_total"),
    Column("aid_dem_share", "DOUBLE", "share 0-1", "greenbook", "aid_dem / aid_total"),
    Column(
        "arms_tiv_total",
        "DOUBLE",
        "SIPRI TIV (millions)",
        "sipri",
        "partner's arms imports from all suppliers (trend-indicator values, not dollars)",
    ),
    Column("arms_share_us", "DOUBLE", "share 0-1", "sipri", "share of arms imports from the US"),
    Column("arms_share_russia", "DOUBLE", "share 0-1", "sipri", "share from the USSR/Russia"),
    Column("arms_share_china", "DOUBLE", "share 0-1", "sipri", "share from China"),
    Column(
        "defense_pact",
        "INTEGER",
        "0/1",
        "atop",
        "ATOP v5 US-partner defence pledge that year; NULL after 2018",
    ),
    Column(
        "alliance_any",
        "INTEGER",
        "0/1",
        "atop",
        "any ATOP obligation (defence, offence, neutrality, non-aggression, consultation)",
    ),
    Column(
        "mid_onset",
        "INTEGER",
        "0/1",
        "gml",
        "a US-partner MID began that year (Gibler-Miller-Little); NULL after 2010",
    ),
    Column(
        "mid_hostility",
        "INTEGER",
        "1-5",
        "gml",
        "highest hostility level in US-partner MIDs that year; NULL if none or uncovered",
    ),
    Column(
        "cow_mid_onset",
        "INTEGER",
        "0/1",
        "cow_mid",
        "a US-partner MID began that year (COW MID 5); NULL after 2014",
    ),
    Column(
        "sanction_threat",
        "INTEGER",
        "0/1",
        "ties",
        "TIES: a case with the US as a sender and a threat began that year (cases to 2005)",
    ),
    Column(
        "sanction_imposed",
        "INTEGER",
        "0/1",
        "ties",
        "TIES: a US sanction was imposed that year",
    ),
    Column(
        "sanction_in_force",
        "INTEGER",
        "0/1",
        "ties",
        "TIES: a US sanction was in force at some point of that year",
    ),
    Column(
        "trade_us",
        "DOUBLE",
        "current million US$",
        "cow_trade|dots",
        "partner's trade with the US, imports + exports (COW to 2014, IMF DOTS from 2015)",
    ),
    Column("trade_source", "VARCHAR", "label", "panel", "'cow' or 'dots'"),
    Column(
        "trade_seam",
        "BOOLEAN",
        "flag",
        "panel",
        "True in the first year taken from the other trade source",
    ),
    Column(
        "unga_agree_all",
        "DOUBLE",
        "share 0-1",
        "unvotes",
        "share of UNGA roll calls both voted in where the partner voted as the US",
    ),
    Column(
        "unga_agree_important",
        "DOUBLE",
        "share 0-1",
        "unvotes",
        "same, important votes only (US State Department list, from 1983)",
    ),
    Column(
        "unga_n_votes",
        "INTEGER",
        "count",
        "unvotes",
        "roll calls in which both the partner and the US voted (yes/no/abstain)",
    ),
    Column(
        "unga_ideal_distance",
        "DOUBLE",
        "ideal-point units",
        "idealpoints",
        "|idealpointall(partner) - idealpointall(US)| (Bailey, Strezhnev & Voeten)",
    ),
    Column("polity2", "DOUBLE", "-10..10", "cw_democracy", "Polity2 (Polity5)"),
    Column("v2x_polyarchy", "DOUBLE", "0-1", "cw_democracy", "V-Dem electoral democracy"),
    Column(
        "military_rule",
        "INTEGER",
        "0/1",
        "none",
        "no shipped source codes military rule: always NULL",
    ),
    Column(
        "rivalry",
        "INTEGER",
        "0/1",
        "td_rivalries",
        "partner in any Thompson-Dreyer strategic rivalry that year (with anyone)",
    ),
    Column(
        "rivalry_us",
        "INTEGER",
        "0/1",
        "td_rivalries",
        "partner in a Thompson-Dreyer strategic rivalry with the US that year",
    ),
    Column(
        "us_troops",
        "DOUBLE",
        "persons",
        "troopdata",
        "US active-duty troops in the partner (DMDC via troopdata), 1950-2024",
    ),
    Column(
        "pew_fav_us",
        "DOUBLE",
        "percent",
        "pew",
        "Pew Global Attitudes: % favourable view of the US; NULL when not asked",
    ),
    *(
        Column(
            f"icews_{kind}_{d}_us",
            "DOUBLE",
            "events",
            "icews",
            _ICEWS.format(
                kind=label,
                dir="partner -> US" if d == "to" else "US -> partner",
            ),
        )
        for d in ("to", "from")
        for kind, label in (
            ("vcoop", "verbal cooperation"),
            ("mcoop", "material cooperation"),
            ("vconf", "verbal conflict"),
            ("mconf", "material conflict"),
        )
    ),
    Column(
        "icews_coop_share_to_us",
        "DOUBLE",
        "share 0-1",
        "icews",
        "cooperative share of partner -> US events (NULL with no events)",
    ),
    Column(
        "icews_coop_share_from_us",
        "DOUBLE",
        "share 0-1",
        "icews",
        "cooperative share of US -> partner events (NULL with no events)",
    ),
)


def column_names() -> list[str]:
    """The names of ``dyad_year``'s columns, in order."""
    return [c.name for c in COLUMNS]
