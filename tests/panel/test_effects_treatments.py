"""Treatments and outcomes: definitions on hand-made rows, onsets on the synthetic panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilat.errors import InputError, UnknownCodeError
from bilat.panel.synthetic import synthetic_panel
from bilat.panel.treatments import (
    EVENTS,
    OUTCOMES,
    TREATMENTS,
    event_onsets,
    get_event,
    get_outcome,
    get_treatment,
    variable_frame,
)


def rows(**columns: list[float]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({"ccode": [770] * n, "year": list(range(2000, 2000 + n))})
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_every_definition_is_documented_and_named_after_its_key() -> None:
    for table in (TREATMENTS, OUTCOMES):
        for key, variable in table.items():
            assert variable.name == key
            assert variable.description
            assert variable.unit
            assert variable.columns
            assert variable.to_dict()["name"] == key
    assert {v.concern for v in OUTCOMES.values()} == {
        "alignment",
        "rupture",
        "other_patrons",
        "instability",
        "opinion",
    }


@pytest.mark.parametrize(
    ("econ_share", "aid_dem", "aid_total", "expected"),
    [
        (0.05, 0.0, 100.0, 1.0),  # military-dominated, no democracy aid
        (0.05, 5.0, 100.0, 0.0),  # a democracy component
        (0.40, 0.0, 100.0, 0.0),  # an economic component
        (0.05, np.nan, 100.0, 1.0),  # democracy aid not recorded: judged on the mix
        (np.nan, 0.0, 0.0, np.nan),  # no aid: neither
    ],
)
def test_security_only(
    econ_share: float, aid_dem: float, aid_total: float, expected: float
) -> None:
    frame = rows(aid_econ_share=[econ_share], aid_dem=[aid_dem], aid_total=[aid_total])
    value = get_treatment("security_only").compute(frame).iloc[0]
    assert (np.isnan(value) and np.isnan(expected)) or value == expected


def test_aid_cutoff_needs_a_fall_of_more_than_half_from_positive_aid() -> None:
    frame = rows(aid_total=[100.0, 40.0, 30.0, 0.0, np.nan, 10.0, 60.0])
    cut = get_outcome("aid_cutoff").compute(frame).tolist()
    assert cut[1:4] == [1.0, 0.0, 1.0]
    assert np.isnan(cut[0])
    assert np.isnan(cut[4])
    assert np.isnan(cut[5])
    assert cut[6] == 0.0


def test_regime_change_and_rival_arms_keep_nulls() -> None:
    frame = rows(
        polity2=[-7.0, -7.0, 5.0, np.nan, 6.0],
        arms_share_china=[0.1, np.nan, 0.2, 0.0, 0.5],
        arms_share_russia=[0.2, 0.3, 0.0, 0.0, 0.1],
    )
    change = get_outcome("regime_change").compute(frame).tolist()
    assert change[1:3] == [0.0, 1.0]
    assert np.isnan(change[3])
    assert np.isnan(change[4])
    arms = get_outcome("rival_arms_share").compute(frame).tolist()
    assert arms[0] == pytest.approx(0.3)
    assert np.isnan(arms[1])


def test_broadening_index_needs_two_parts() -> None:
    frame = rows(
        aid_econ_share=[0.1, 0.9, np.nan, 0.5],
        aid_dem_share=[0.0, 0.1, np.nan, np.nan],
        trade_us=[np.nan, np.nan, np.nan, np.nan],
        defense_pact=[np.nan, np.nan, 1.0, np.nan],
    )
    index = get_treatment("broadening_index").compute(frame)
    assert index.iloc[0] < index.iloc[1]
    assert index.iloc[2:].isna().all()


def test_variable_frame_lags_the_treatment_by_partner_and_year() -> None:
    frame = pd.concat(
        [
            rows(
                aid_econ_share=[0.1, 0.2, 0.3], unga_agree_all=[0.5, 0.6, 0.7], aid_total=[1e6] * 3
            ),
            rows(
                aid_econ_share=[0.9, 0.8, 0.7], unga_agree_all=[0.1, 0.2, 0.3], aid_total=[1e6] * 3
            )
            .assign(ccode=771)
            .iloc[[0, 2]],  # a gap year: 2001 missing
        ]
    )
    out = variable_frame(frame, "econ_share", "unga_agree", lag=1)
    assert out["d"].iloc[:3].tolist()[1:] == [0.1, 0.2]
    assert np.isnan(out["d"].iloc[4])  # 2002's lag would be 2001, which is absent
    assert "aid_level" in out


def test_event_onsets_recover_the_planted_shifts() -> None:
    truth = synthetic_panel(seed=3)
    found = event_onsets(truth.panel, "broadening_shift")
    pd.testing.assert_series_equal(
        found.sort_index(), truth.onsets.sort_index(), check_names=False, check_dtype=False
    )
    assert event_onsets(truth.panel, "securitising_shift").empty


def test_names_are_checked() -> None:
    with pytest.raises(UnknownCodeError, match="econ_share"):
        get_treatment("econ")
    with pytest.raises(UnknownCodeError, match="unga_agree"):
        get_outcome("agree")
    assert get_event("econ_share") is EVENTS["broadening_shift"]
    with pytest.raises(UnknownCodeError):
        get_event("nothing")
    with pytest.raises(InputError, match="no sharp-shift event"):
        get_event("trade_intensity")
    with pytest.raises(InputError, match="lag"):
        variable_frame(rows(aid_econ_share=[0.1]), "econ_share", "unga_agree", lag=-1)


def test_a_repeated_partner_year_is_refused() -> None:
    from bilat.errors import ValidationError

    frame = rows(aid_econ_share=[0.1, 0.2], unga_agree_all=[0.5, 0.6])
    frame.loc[1, "year"] = 2000
    with pytest.raises(ValidationError, match="ccode 770, year 2000"):
        variable_frame(frame, "econ_share", "unga_agree")
    with pytest.raises(ValidationError, match="repeat a partner-year"):
        event_onsets(frame, "broadening_shift")
