"""Leave-one-partner-out scores: the fast folds equal scikit-learn's; baselines behave."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bilat.errors import DataMissingError
from bilat.panel.oos import BASELINES, OosReport, design_matrix, leave_one_partner_out, logo_predict
from bilat.panel.oos import _frame as oos_frame
from bilat.panel.synthetic import synthetic_panel


@pytest.fixture(scope="module")
def truth():  # type: ignore[no-untyped-def]
    return synthetic_panel(40, (1975, 2000), seed=6)


def test_folds_match_scikit_learn(truth) -> None:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict

    frame = oos_frame(truth.panel, "unga_agree")
    x = design_matrix(frame)
    y = frame["y"].to_numpy()
    groups = frame["ccode"].to_numpy()
    ours = logo_predict(x, y, groups)
    theirs = cross_val_predict(
        LinearRegression(fit_intercept=False), x, y, groups=groups, cv=LeaveOneGroupOut()
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-10)


def test_scores_every_outcome_against_every_baseline(truth) -> None:  # type: ignore[no-untyped-def]
    report = leave_one_partner_out(truth.panel, focal=770)
    assert isinstance(report, OosReport)
    scored = {r.outcome: r for r in report.results}
    assert set(scored) | set(report.skipped) == {
        "unga_agree",
        "unga_distance",
        "sanction_imposed",
        "aid_cutoff",
        "mid_onset",
        "rival_arms_share",
        "regime_change",
        "pew_fav_us",
    }
    agree = scored["unga_agree"]
    assert set(agree.skill) == set(BASELINES)
    for name in BASELINES:
        expected = 1 - agree.rmse["model"] ** 2 / agree.rmse[name] ** 2
        assert agree.skill[name] == pytest.approx(expected)
    # agreement has partner levels: last year's value beats the other partners' mean
    assert agree.skill["pooled_mean"] > 0.3
    assert agree.focal is not None
    assert agree.focal["ccode"] == 770
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["results"][0]["rmse"]["model"] > 0


def test_a_held_out_partner_does_not_train_its_own_prediction(truth) -> None:  # type: ignore[no-untyped-def]
    frame = oos_frame(truth.panel, "unga_agree")
    x = design_matrix(frame)
    y = frame["y"].to_numpy().copy()
    groups = frame["ccode"].to_numpy()
    before = logo_predict(x, y, groups)
    mine = groups == 770
    y[mine] += 100.0  # change only Pakistan's outcomes
    after = logo_predict(x, y, groups)
    np.testing.assert_allclose(after[mine], before[mine])


def test_sparse_outcomes_are_skipped_with_a_reason(truth) -> None:  # type: ignore[no-untyped-def]
    report = leave_one_partner_out(
        truth.panel.assign(pew_fav_us=np.nan), ["unga_agree", "pew_fav_us"]
    )
    assert "pew_fav_us" in report.skipped
    with pytest.raises(DataMissingError):
        leave_one_partner_out(truth.panel.assign(pew_fav_us=np.nan), ["pew_fav_us"])
