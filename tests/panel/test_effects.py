"""Two-way fixed effects: recovers a planted effect; matches statsmodels' dummy regression."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bilat.errors import DataMissingError, InputError, UnknownCodeError
from bilat.panel.effects import TWFE_ASSUMPTIONS, TwfeResult, twfe
from bilat.panel.synthetic import synthetic_panel
from bilat.panel.treatments import variable_frame


@pytest.fixture(scope="module")
def truth():  # type: ignore[no-untyped-def]
    return synthetic_panel(seed=11)


def test_recovers_the_planted_slope(truth) -> None:  # type: ignore[no-untyped-def]
    result = twfe(truth.panel, "econ_share", "unga_agree")
    assert isinstance(result, TwfeResult)
    assert result.ci_low < truth.effect < result.ci_high
    assert result.estimate == pytest.approx(truth.effect, abs=0.02)
    assert result.n_partners == truth.panel["ccode"].nunique()
    assert result.n_identifying == result.n_partners
    assert result.p_value < 0.001
    # the ideal-point distance is -2 x agreement (plus noise): the same effect, flipped
    distance = twfe(truth.panel, "econ_share", "unga_distance")
    assert distance.estimate == pytest.approx(-2 * truth.effect, abs=0.08)


def test_no_effect_where_none_was_planted(truth) -> None:  # type: ignore[no-untyped-def]
    result = twfe(truth.panel, "econ_share", "rival_arms_share")
    assert result.ci_low < 0 < result.ci_high


def test_matches_statsmodels_dummy_regression_with_partner_clusters() -> None:
    import statsmodels.formula.api as smf

    small = synthetic_panel(30, (1980, 1995), seed=5)
    frame = variable_frame(small.panel, "econ_share", "unga_agree").dropna()
    ols = smf.ols("y ~ d + aid_level + C(ccode) + C(year)", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["ccode"].to_numpy()}
    )
    result = twfe(small.panel, "econ_share", "unga_agree")
    assert result.estimate == pytest.approx(ols.params["d"], rel=1e-8)
    # the two small-sample corrections differ a little; the clustering must be the same
    assert result.std_error == pytest.approx(ols.bse["d"], rel=0.1)
    unclustered = smf.ols("y ~ d + aid_level + C(ccode) + C(year)", data=frame).fit()
    assert abs(result.std_error - unclustered.bse["d"]) > 1e-6


def test_result_is_frozen_and_serialisable(truth) -> None:  # type: ignore[no-untyped-def]
    result = twfe(truth.panel, "econ_share", "mid_onset")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["interval"]["level"] == 0.9
    assert payload["assumptions"] == list(TWFE_ASSUMPTIONS)
    assert "partners" in result.summary()
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # type: ignore[misc]


def test_constant_treatment_is_not_identified(truth) -> None:  # type: ignore[no-untyped-def]
    # the synthetic defence pacts never change within a partner
    with pytest.raises(DataMissingError, match="too few partners"):
        twfe(truth.panel, "defense_pact", "unga_agree")


def test_bad_inputs(truth) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownCodeError):
        twfe(truth.panel, "aid", "unga_agree")
    with pytest.raises(InputError, match="level"):
        twfe(truth.panel, "econ_share", "unga_agree", level=1.5)
    empty = truth.panel.assign(unga_agree_all=np.nan)
    with pytest.raises(DataMissingError):
        twfe(empty, "econ_share", "unga_agree")
