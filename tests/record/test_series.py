"""The record's annual series: shape, sources, and spot checks against ../shared/data/dyadic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat import record
from bilat.errors import UnknownCodeError

PROGRAMMES = (
    "arms_embargo",
    "symington",
    "pressler",
    "glenn",
    "section_508",
    "missile",
    "security_assistance_2018",
)


def one(name: str) -> pd.DataFrame:
    frame = record.series(name)
    assert isinstance(frame, pd.DataFrame)
    return frame


def active_years(frame: pd.DataFrame, column: str) -> set[int]:
    return set(frame.loc[frame[column] != "", "year"])


def test_names_and_the_dict_agree() -> None:
    frames = record.series()
    assert isinstance(frames, dict)
    assert sorted(frames) == record.series_names()
    assert set(record.SERIES_DESCRIPTIONS) == set(record.series_names())


@pytest.mark.parametrize("name", record.series_names())
def test_every_series_is_contiguous_and_sourced(name: str) -> None:
    frame = one(name)
    years = frame["year"].to_numpy()
    assert np.array_equal(years, np.arange(years.min(), years.max() + 1)), name
    assert years.min() >= 1946
    assert years.max() <= 2025
    assert frame["source"].str.strip().ne("").all(), name
    assert frame["estimate"].dtype == bool
    assert "note" in frame.columns


def test_unknown_series_names_the_nearest() -> None:
    with pytest.raises(UnknownCodeError, match="sanctions"):
        record.series("sanction")


def test_series_returns_copies() -> None:
    frame = one("regime")
    frame.loc[0, "ruler"] = "nobody"
    assert one("regime").loc[0, "ruler"] != "nobody"


def test_cpi_is_based_1982_84_and_deflates_to_2020() -> None:
    cpi = one("cpi_u").set_index("year")["cpi_u"]
    assert cpi.loc[1982:1984].mean() == pytest.approx(100.0, abs=0.05)
    assert (cpi.diff().dropna() < 0).sum() <= 3  # deflation years are rare (1949, 1955, 2009)
    obligations = one("aid_obligations").set_index("year")
    row = obligations.loc[2017]
    expected = row["obligations_current_usd"] * cpi.loc[2020] / cpi.loc[2017]
    assert row["obligations_constant_2020_usd"] == pytest.approx(expected, abs=1)


def test_csf_estimates_agree_with_the_crs_total() -> None:
    crs = one("aid_crs").set_index("year")
    csf = crs.loc[2002:2008, "csf_current_usd_millions"]
    assert csf.notna().all()
    assert csf.sum() / 1000 == pytest.approx(6.7, abs=0.05)
    assert crs.loc[2002:2008, "estimate"].all()
    totals = crs.loc[2009:2018, "total_current_usd_billions"].tolist()
    assert totals == [3.04, 4.504, 3.581, 2.604, 2.633, 2.177, 1.604, 1.203, 0.59, 0.108]
    # FY2013: the newer edition is the default, the older one is kept beside it
    assert crs.loc[2013, "total_older_edition_usd_billions"] == pytest.approx(1.548)
    assert crs.loc[2013, "csf_current_usd_millions"] == 1438
    assert crs.loc[2013, "csf_older_edition_usd_millions"] == 353
    assert "2019" in crs.loc[2013, "total_edition"]
    assert crs.loc[2009:2016, "csf_current_usd_millions"].notna().all()
    assert crs.loc[2017:2020, "csf_current_usd_millions"].isna().all()
    assert crs["csf_edition"].where(crs["csf_current_usd_millions"].notna(), "x").ne("").all()


def test_aid_accounts_split_the_greenbook_and_reach_2024() -> None:
    aid = one("aid_accounts").set_index("year")
    assert (aid.index.min(), aid.index.max()) == (1946, 2024)
    green = aid.loc[1948:2020]
    parts = (
        green["greenbook_economic_constant_2020_usd"]
        + green["greenbook_military_constant_2020_usd"]
    )
    assert np.allclose(parts, green["total_constant_2020_usd"])
    assert (
        green["greenbook_democracy_current_usd"] <= green["greenbook_economic_current_usd"]
    ).all()
    assert set(aid.loc[2021:2024, "total_source"]) == {"fae"}
    assert aid.loc[2021:2024, "total_constant_2020_usd"].notna().all()
    # the two sources agree closely where both cover a year (economic + military vs FAE total)
    both = green["greenbook_economic_current_usd"] + green["greenbook_military_current_usd"]
    ratio = both.loc[1980:2020] / green.loc[1980:2020, "fae_obligations_current_usd"]
    assert ratio.between(0.9, 1.1).mean() > 0.9
    # the military share moves: no fixed split
    share = green["greenbook_military_current_usd"] / both
    assert share.loc[1955:1965].mean() > 0.1
    assert share.loc[1993:1997].max() < 0.05


def test_alliance_memberships() -> None:
    alliance = one("alliance").set_index("year")
    assert set(alliance.index[alliance["seato"] == 1]) == set(range(1955, 1974))
    assert set(alliance.index[alliance["cento"] == 1]) == set(range(1955, 1980))
    assert set(alliance.index[alliance["mnna"] == 1]) == set(range(2004, 2026))
    assert set(alliance.index[alliance["mdaa_1954"] == 1]) == set(range(1954, 2026))


def test_sanctions_count_programmes_in_force() -> None:
    sanctions = one("sanctions").set_index("year")
    statuses = set(sanctions[list(PROGRAMMES)].to_numpy().ravel())
    assert statuses <= {"", "in force", "eased", "waived"}
    counted = sanctions[list(PROGRAMMES)].isin(["in force", "eased"]).sum(axis=1)
    assert (counted == sanctions["n_in_force"]).all()
    # the 1990s: "most sanctioned ally"
    assert sanctions.loc[1990:2001, "n_in_force"].min() >= 1
    assert sanctions.loc[1999, "n_in_force"] == 3


def test_regime_rulers() -> None:
    regime = one("regime").set_index("year")
    assert regime["ruler"].str.strip().ne("").all()
    assert set(regime["ruler_type"]) == {"military", "civilian"}
    military = set(regime.index[regime["ruler_type"] == "military"])
    assert military == set(range(1958, 1971)) | set(range(1977, 1988)) | set(range(1999, 2008))


# -- spot checks against ../shared/data/dyadic ---------------------------------------------------


def test_sanctions_match_the_ties_cases(shared: Path) -> None:
    ties = pd.read_csv(shared / "data/dyadic/ties_sanctions/ties_custom_PAK_involved.csv")
    ties = ties[(ties["sender"] == "USA") & (ties["target"] == "PAK")]
    cases = {
        str(r["caseid"]): set(
            range(
                int(r["startyear"]),
                int(r["endyear"] if r["endyear"] != 3000 else r["startyear"]) + 1,
            )
        )
        for r in ties.to_dict("records")
    }
    sanctions = one("sanctions")
    listed: dict[str, set[int]] = {}
    for year, text in zip(sanctions["year"], sanctions["ties_cases"], strict=True):
        for case in filter(None, text.split(";")):
            listed.setdefault(case, set()).add(int(year))
    assert listed == cases
    # programmes and TIES cases agree where bilat's sources name the same sanction
    assert active_years(sanctions, "arms_embargo") == cases["1965090601"] == cases["1965090701"]
    assert active_years(sanctions, "glenn") == cases["1998051002"]
    assert cases["1999101601"] <= active_years(sanctions, "section_508")
    assert cases["2003032401"] <= active_years(sanctions, "missile")
    symington = sanctions.loc[sanctions["symington"] == "in force", "year"]
    assert max(cases["1974119901"]) == 1981 == symington[symington < 1985].max()


def test_obligations_match_the_public_file(shared: Path) -> None:
    public = pd.read_csv(shared / "data/dyadic/us_foreign_aid_total_explorer/US_aid_pakistan.csv")
    ours = one("aid_obligations").set_index("year")["obligations_current_usd"]
    public = public.set_index("Year")["current_amount"]
    assert list(ours.index) == list(public.index)
    assert np.allclose(ours.to_numpy(), public.to_numpy(), atol=1.0)


def test_greenbook_matches_the_lander_files(shared: Path) -> None:
    long = pd.read_csv(
        shared / "data/dyadic/us_foreign_aid_greenbook_lander/Pakistan_long_by_program.csv"
    )
    long = long[long["Program.Name"] != "Department of Defense Security Assistance"]
    totals = long.groupby("Year")["Dollars"].sum()
    ours = one("aid_greenbook").set_index("year")["economic_usd"].dropna()
    assert list(ours.index) == list(totals.index)
    assert np.allclose(ours.to_numpy(), totals.to_numpy(), rtol=1e-9)


def test_regime_years_match_polity(shared: Path) -> None:
    demo = pd.read_csv(shared / "data/dyadic/isard/cw_democracy_USA_PAK.csv")
    demo = demo[demo["ccode"] == 770].set_index("year")
    regime = one("regime").set_index("year")
    both = regime.join(demo[["polity2"]].rename(columns={"polity2": "polity2_file"}))
    both = both.dropna(subset=["polity2_file"])
    assert (both["polity2"] == both["polity2_file"]).all()
    martial = both[(both["ruler_type"] == "military") & (both["martial_law"] == 1)]
    assert len(martial) >= 8
    assert (martial["polity2"] <= -5).all()
    # military rule without martial law: Zia 1985-87 (-4), Musharraf 1999-2006 (-6, -5);
    # Musharraf's last year in power, 2007, after he left the army, is Polity's 2
    other = both[(both["ruler_type"] == "military") & (both["martial_law"] == 0)]
    assert (other.drop(index=2007)["polity2"] <= -4).all()
    assert both.loc[2007, "polity2"] == 2
    civilian = both[both["ruler_type"] == "civilian"]
    assert len(civilian) >= 25
    assert (civilian["polity2"] >= 4).all()


def test_vdem_and_atop_match_the_files(shared: Path) -> None:
    demo = pd.read_csv(shared / "data/dyadic/isard/cw_democracy_USA_PAK.csv")
    demo = demo[demo["ccode"] == 770].set_index("year")["v2x_polyarchy"]
    regime = one("regime").set_index("year")["v2x_polyarchy"]
    assert np.allclose(regime.to_numpy(), demo.reindex(regime.index).to_numpy(), equal_nan=True)
    atop = pd.read_csv(shared / "data/dyadic/peacesciencer/atop_alliance_USA_PAK.csv")
    atop = atop[(atop["ccode1"] == 2) & (atop["ccode2"] == 770)].set_index("year")
    alliance = one("alliance").set_index("year")
    assert (alliance.loc[1954:2018, "atop_defense"] == 1).all()
    assert (alliance.loc[atop.index, "atop_nonagg"].to_numpy() == atop["atop_nonagg"]).all()


def test_unga_agreement_matches_the_derived_file(shared: Path) -> None:
    derived = pd.read_csv(
        shared / "data/dyadic/un_voting/DERIVED_usa_pak_unga_agreement_by_year.csv"
    ).set_index("year")
    ours = one("unga_agreement").set_index("year")
    assert np.allclose(ours.loc[derived.index, "agreement"], derived["agree_3cat"])
    assert ours.loc[1950, "agreement"] > ours.loc[1990, "agreement"]
    missing = set(ours.index) - set(derived.index)
    assert missing == {1964}
    assert np.isnan(ours.loc[1964, "agreement"])


def test_build_script_reproduces_the_committed_series(shared: Path, tmp_path: Path) -> None:
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_record_series", root / "tools" / "build_record_series.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT = tmp_path
    module.main()
    committed = root / "src" / "bilat" / "record" / "data" / "series"
    for name in record.series_names():
        built = (tmp_path / f"{name}.csv").read_text("utf-8")
        assert built == (committed / f"{name}.csv").read_text("utf-8"), name
