"""The Sun–Abraham event study: recovers a planted path, flags a planted pre-trend."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bilat.errors import DataMissingError, InputError
from bilat.panel.effects import EventStudyResult, event_study
from bilat.panel.synthetic import synthetic_panel


@pytest.fixture(scope="module")
def truth():  # type: ignore[no-untyped-def]
    return synthetic_panel(seed=4)


@pytest.fixture(scope="module")
def result(truth) -> EventStudyResult:  # type: ignore[no-untyped-def]
    return event_study(truth.panel, "econ_share", "unga_agree")


def test_recovers_the_planted_path(truth, result: EventStudyResult) -> None:  # type: ignore[no-untyped-def]
    path = result.path.set_index("rel")
    assert list(path.index) == list(range(-5, 6))
    assert path.loc[-1, "estimate"] == 0.0
    # the share acts with a one-year lag: nothing at onset, the full effect after
    assert abs(path.loc[0, "estimate"]) < 0.02
    after = path.loc[1:5]
    assert (
        (after["ci_low"] - 0.01 < truth.event_effect)
        & (truth.event_effect < after["ci_high"] + 0.01)
    ).all()
    assert after["estimate"].mean() == pytest.approx(truth.event_effect, abs=0.015)
    assert result.estimate == pytest.approx(truth.event_effect * 5 / 6, abs=0.015)
    assert (path.loc[-5:-2, "estimate"].abs() < 0.02).all()
    assert result.n_treated == len(truth.onsets)
    assert result.control == "never_treated"
    assert result.n_treated + result.n_control == truth.panel["ccode"].nunique()


def test_pretrend_test_rejects_a_planted_pretrend(truth) -> None:  # type: ignore[no-untyped-def]
    panel = truth.panel.copy()
    onset = panel["ccode"].map(truth.onsets)
    lead = (panel["year"] - onset).between(-5, -1)
    # treated partners drift towards the US in the five years before their shift
    panel.loc[lead, "unga_agree_all"] += 0.015 * (panel.loc[lead, "year"] - onset[lead] + 6)
    tilted = event_study(panel, "econ_share", "unga_agree")
    assert tilted.pretrend_p < 0.01


def test_last_treated_cohort_is_the_comparison_when_all_shift() -> None:
    everyone = synthetic_panel(40, (1970, 2000), treated=1.0, seed=2)
    result = event_study(everyone.panel, "econ_share", "unga_agree", cohort_width=10)
    assert result.control == "last_treated"
    assert result.n_control >= 1
    assert result.estimate > 0


def test_serialises_with_the_pretrend_test(result: EventStudyResult) -> None:
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["pretrend"]["df"] == 4
    assert 0 <= payload["pretrend"]["p_value"] <= 1
    assert len(payload["path"]) == 11
    assert payload["naive_twfe"]["estimate"] == pytest.approx(result.naive_twfe)
    assert "Sun–Abraham" in result.summary()


def test_same_data_same_numbers(truth, result: EventStudyResult) -> None:  # type: ignore[no-untyped-def]
    again = event_study(truth.panel, "econ_share", "unga_agree")
    pd.testing.assert_frame_equal(again.path, result.path)


def test_bad_inputs(truth) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="pre"):
        event_study(truth.panel, "econ_share", "unga_agree", pre=1)
    with pytest.raises(InputError, match="cohort_width"):
        event_study(truth.panel, "econ_share", "unga_agree", cohort_width=0)
    with pytest.raises(DataMissingError, match="no partner has both"):
        event_study(truth.panel.assign(unga_agree_all=np.nan), "econ_share", "unga_agree")
