"""Reconciliation: USA-PAK against shared/data/dyadic and the record; totals against sources.

The dyadic files were cut from the same or sibling sources.  Where they are the same data the
panel must give the same years and values; where they are another vintage (the Lander copy of
the Greenbook, the QSS copy of the UN votes) the test states and checks the relationship.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from bilat import record
from tests.panel.conftest import Built

DYADIC = ("data", "dyadic")


@pytest.fixture(scope="module")
def dyadic(shared: Path) -> Path:
    return shared.joinpath(*DYADIC)


def _quarantine(built: Built, source_id: str) -> pd.DataFrame:
    con = duckdb.connect(str(built.db), read_only=True)
    try:
        return con.execute(
            "SELECT * FROM panel_quarantine WHERE source_id = ?", [source_id]
        ).fetchdf()
    finally:
        con.close()


def test_atop_defence_pledges_match(pak: pd.DataFrame, dyadic: Path) -> None:
    atop = pd.read_csv(dyadic / "peacesciencer" / "atop_alliance_USA_PAK.csv")
    atop = atop.groupby("year").max()
    years = atop.index.astype(int)
    assert (pak.loc[years, "defense_pact"].to_numpy() == atop.atop_defense.to_numpy()).all()
    kinds = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    any_kind = (atop[kinds].max(axis=1) > 0).astype(int).to_numpy()
    assert (pak.loc[years, "alliance_any"].to_numpy() == any_kind).all()
    others = pak.loc[1947:2018].drop(index=years, errors="ignore")
    assert (others.defense_pact == 0).all()


def test_gml_and_cow_mids_match(pak: pd.DataFrame, dyadic: Path) -> None:
    gml = pd.read_csv(dyadic / "peacesciencer" / "gml_mid_ddydisps_USA_PAK.csv")
    by_year = gml.groupby("year").agg(onset=("gmlmidonset", "max"), host=("hostlev", "max"))
    onset_years = sorted(int(y) for y in by_year.index[by_year.onset == 1])
    assert sorted(pak.index[pak.mid_onset == 1]) == onset_years
    assert (pak.loc[by_year.index.astype(int), "mid_hostility"].to_numpy() == by_year.host).all()
    cow = pd.read_csv(dyadic / "peacesciencer" / "cow_mid_ddydisps_USA_PAK.csv")
    cow_onsets = sorted(int(y) for y in cow.year[cow.cowmidonset == 1].unique())
    assert sorted(pak.index[pak.cow_mid_onset == 1]) == cow_onsets


def test_rivalries_match(pak: pd.DataFrame, dyadic: Path) -> None:
    td = pd.read_csv(dyadic / "peacesciencer" / "td_rivalries_USA_or_PAK.csv")
    mine = td[(td.ccode1 == 770) | (td.ccode2 == 770)]
    years = {y for r in mine.itertuples() for y in range(int(r.styear), int(r.endyear) + 1)}
    covered = {y for y in years if 1946 <= y <= 2010}
    assert set(pak.index[pak.rivalry == 1]) == covered
    assert (pak.rivalry_us.dropna() == 0).all()


def test_ties_us_cases_against_pakistan_appear(pak: pd.DataFrame, dyadic: Path) -> None:
    ties = pd.read_csv(dyadic / "ties_sanctions" / "ties_custom_PAK_involved.csv")
    us_cases = ties[(ties.sender1 == 2) & (ties.targetstate == 770)]
    assert len(us_cases) == 8
    flags = ["sanction_threat", "sanction_imposed", "sanction_in_force"]
    for case in us_cases.itertuples():
        assert pak.loc[int(case.startyear), flags].max() == 1, case.caseid


def test_unga_agreement_matches_the_derived_file(pak: pd.DataFrame, dyadic: Path) -> None:
    derived = pd.read_csv(dyadic / "un_voting" / "DERIVED_usa_pak_unga_agreement_by_year.csv")
    derived = derived.set_index("year")
    assert (pak.loc[derived.index, "unga_n_votes"].to_numpy() == derived.n_joint).all()
    np.testing.assert_allclose(
        pak.loc[derived.index, "unga_agree_all"].to_numpy(float), derived.share_identical
    )
    assert set(pak.index[pak.unga_n_votes.notna()]) == set(derived.index)


def test_unga_votes_reproduce_the_pakistan_vote_file(pak: pd.DataFrame, dyadic: Path) -> None:
    votes = pd.read_csv(dyadic / "un_voting" / "unvotes_un_votes_USA_PAK.csv")
    meta = pd.read_csv(dyadic / "un_voting" / "unvotes_un_roll_calls_meta.csv")
    year = meta.set_index("rcid").date.str[:4].astype(int)
    wide = votes.pivot_table(index="rcid", columns="country_code", values="vote", aggfunc="first")
    both = wide.dropna(subset=["US", "PK"])
    same = (both.US == both.PK).groupby(both.index.map(year)).mean()
    np.testing.assert_allclose(pak.loc[same.index, "unga_agree_all"].to_numpy(float), same)
    imp = meta.set_index("rcid").importantvote == 1
    both_imp = both[both.index.map(imp).fillna(False).astype(bool)]
    same_imp = (both_imp.US == both_imp.PK).groupby(both_imp.index.map(year)).mean()
    np.testing.assert_allclose(
        pak.loc[same_imp.index, "unga_agree_important"].to_numpy(float), same_imp
    )


def test_qss_copy_is_another_vintage_of_the_votes(pak: pd.DataFrame, dyadic: Path) -> None:
    """QSS's PctAgreeUS counts a different set of roll calls: same 1947, close elsewhere."""
    qss = pd.read_csv(dyadic / "un_voting" / "qss_unvoting_USA_PAK.csv")
    qss = qss[qss.CountryAbb == "PAK"].set_index("Year")
    gap = (qss.PctAgreeUS - pak.loc[qss.index, "unga_agree_all"].astype(float)).abs()
    assert gap.loc[1947] < 1e-6
    assert gap.median() < 0.03


def test_democracy_scores_match(pak: pd.DataFrame, dyadic: Path) -> None:
    dem = pd.read_csv(dyadic / "isard" / "cw_democracy_USA_PAK.csv")
    dem = dem[(dem.ccode == 770) & dem.year.between(1946, 2024)].set_index("year")
    dem.index = dem.index.astype(int)
    np.testing.assert_array_equal(pak.loc[dem.index, "polity2"].to_numpy(float), dem.polity2)
    np.testing.assert_array_equal(
        pak.loc[dem.index, "v2x_polyarchy"].to_numpy(float), dem.v2x_polyarchy
    )
    assert pak.loc[dem.index, "state_system"].all()


def test_lander_greenbook_is_the_economic_series_rebased(pak: pd.DataFrame, dyadic: Path) -> None:
    """The Lander files carry Greenbook economic aid in an older constant-dollar base.

    FY1948-1998 their ratio to the panel's constant-2020 economic aid stays within 0.857-0.871
    (a re-basing: one deflator ratio per year); from FY1999 the vintages diverge.
    """
    lander = pd.read_csv(
        dyadic / "us_foreign_aid_greenbook_lander" / "Pakistan_long_by_program.csv"
    )
    by_year = lander.groupby("Year").Dollars.sum()
    assert set(by_year.index) <= set(pak.index[pak.aid_econ > 0])
    early = by_year.loc[:1998]
    ratio = early / pak.loc[early.index, "aid_econ"].astype(float)
    assert ratio.between(0.855, 0.872).all()
    record_econ = record.series("aid_greenbook").set_index("year").economic_usd.dropna()
    # the record's economic line leaves out the DoD line, which is empty before FY2006
    np.testing.assert_allclose(record_econ.loc[early.index], early)


def test_explorer_totals_are_the_obligations_of_the_explorer_file(
    shared: Path, dyadic: Path
) -> None:
    """The record's explorer series is the same FAE obligations, another vintage (within 1.1%)."""
    fae = pd.read_csv(shared / "data" / "panel" / "aid" / "us_foreign_aid_country.csv")
    fae = fae[(fae["Country Code"] == "PAK") & (fae["Transaction Type Name"] == "Obligations")]
    mine = fae.groupby(fae["Fiscal Year"].str[:4].astype(int)).current_amount.sum()
    theirs = pd.read_csv(dyadic / "us_foreign_aid_total_explorer" / "US_aid_pakistan.csv")
    theirs = theirs.set_index("Year").current_amount
    assert ((theirs / mine.loc[theirs.index] - 1).abs() < 0.011).all()
    rec = record.series("aid_obligations").set_index("year").obligations_current_usd
    np.testing.assert_array_equal(rec.loc[theirs.index].to_numpy(), theirs.to_numpy())


def test_record_series_agree_with_the_panel(pak: pd.DataFrame) -> None:
    regime = record.series("regime").set_index("year")
    years = regime.index[regime.index.isin(pak.index)]
    np.testing.assert_allclose(
        pak.loc[years, "v2x_polyarchy"].to_numpy(float), regime.loc[years, "v2x_polyarchy"]
    )
    unga = record.series("unga_agreement").set_index("year")
    years = unga.index[unga.n_joint_votes.notna()]
    assert (pak.loc[years, "unga_n_votes"].to_numpy() == unga.loc[years, "n_joint_votes"]).all()
    alliance = record.series("alliance").set_index("year").atop_defense.dropna()
    assert (pak.loc[alliance.index, "defense_pact"].to_numpy() == alliance.to_numpy()).all()


def test_greenbook_total_is_partners_plus_quarantine(built: Built) -> None:
    book = openpyxl.load_workbook(
        built.sources / "aid" / "us_foreignaid_greenbook.xlsx", read_only=True
    )
    amounts = [float(row[8]) for row in book.worksheets[0].iter_rows(values_only=True, min_row=8)]
    book.close()
    total = sum(amounts)
    p = built.panel
    partners = p.loc[p.year <= 2020, ["aid_econ", "aid_mil"]].sum().sum()
    held = _quarantine(built, "greenbook")
    assert (
        held.reason.str.startswith("not a country") | held.reason.str.startswith("territory")
    ).all()
    assert (held.value.str.contains("World")).any()
    assert partners + held.amount.sum() == pytest.approx(total, rel=1e-12)
    assert len(amounts) == 75_002


def test_sipri_troops_and_dots_totals(built: Built) -> None:
    p = built.panel
    sipri = pd.read_csv(built.sources / "arms" / "sipri-exports-processed.csv")
    to_us = sipri.recipient_cown == 2
    held = _quarantine(built, "sipri").amount.sum()
    assert p.arms_tiv_total.sum() + held == sipri.value[~to_us].sum()
    troops = pd.read_csv(built.sources / "troops" / "troopdata-rebuild-country-year.csv")
    troops = troops[(troops.ccode != 2) & troops.year.between(1946, 2024)]
    assert (
        p.us_troops.sum() + _quarantine(built, "troopdata").amount.sum() == troops.troops_ad.sum()
    )
    dots = pd.read_csv(built.sources / "trade" / "dots_us.csv", encoding="utf-8-sig")
    late = dots[dots["Time Period"] >= 2015]
    flows = late.iloc[:, 5] + late.iloc[:, 7]
    held_dots = _quarantine(built, "dots")
    held_late = held_dots.loc[held_dots.year >= 2015, "amount"].sum()
    assert p.loc[p.year >= 2015, "trade_us"].sum() + held_late == pytest.approx(flows.sum() / 1e6)


def test_quarantine_rows_name_file_row_field_value_reason(built: Built) -> None:
    con = duckdb.connect(str(built.db), read_only=True)
    held = con.sql("SELECT * FROM panel_quarantine").fetchdf()
    con.close()
    assert len(held) > 1000
    for col in ("file", "field", "value", "reason"):
        assert (held[col].astype(str).str.len() > 0).all(), col
    assert (held.row >= 1).all()
    assert not held.duplicated(["source_id", "row", "field"]).any()
