"""Phases, breadth, reciprocity and the latent score recover what synthetic_dyad planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.api import VAR

from bilat.datasets import SyntheticDyad, synthetic_dyad
from bilat.errors import InputError
from bilat.measure import (
    ChangePointPhases,
    HMMPhases,
    LatentScore,
    Reciprocity,
    breadth,
    dyad_series,
    label_phase,
    measure_dyad,
    pooled_breadth,
)

NAMES = {"engaged": "engagement", "disengaged": "disengagement", "sanctioned": "sanction"}


def _agreement(data: SyntheticDyad, periods: pd.DataFrame) -> float:
    truth = [NAMES[data.truth.phase_at(p)] for p in periods["period"]]
    return float(np.mean(np.array(truth) == periods["label"].to_numpy()))


def _break_error(data: SyntheticDyad, found: list[object], freq_months: int) -> float:
    """Largest distance (months) from a planted break to the nearest found one."""
    months = [d.year * 12 + d.month for d in found]  # type: ignore[attr-defined]
    worst = 0
    for b in data.truth.breakpoints():
        target = b.year * 12 + b.month
        worst = max(worst, min(abs(target - m) for m in months))
    return worst / freq_months


@pytest.mark.parametrize("estimator", [HMMPhases(seed=0), ChangePointPhases()])
def test_phases_recovered_quarterly(cycle: SyntheticDyad, estimator: object) -> None:
    series = dyad_series(cycle.events, cycle.truth.dyad, freq="quarter")
    result = estimator.fit(series).results_  # type: ignore[attr-defined]
    assert _agreement(cycle, result.periods) >= 0.9
    assert list(result.phases["label"]) == [
        "engagement",
        "disengagement",
        "sanction",
        "disengagement",
        "engagement",
    ]
    assert _break_error(cycle, result.breakpoints(), 3) <= 2  # within two quarters
    t = result.transitions
    assert len(t) == 4
    assert ((t["abruptness"] >= 0) & (t["abruptness"] <= 1)).all()
    assert t["volume_change"].iloc[0] < -0.5  # engagement -> disengagement: volume collapses
    assert t["abruptness"].min() > 0.5  # planted breaks are steps


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_hmm_phases_recovered_at_year_and_month(seed: int) -> None:
    data = synthetic_dyad(years=30, seed=seed)
    for freq in ("year", "month"):
        series = dyad_series(data.events, data.truth.dyad, freq=freq)
        result = HMMPhases(seed=0).fit(series).results_
        assert _agreement(data, result.periods) >= 0.85, freq


def test_phase_estimators_are_seeded_and_sklearn_like(cycle: SyntheticDyad) -> None:
    series = dyad_series(cycle.events, cycle.truth.dyad, freq="quarter")
    model = HMMPhases(seed=3)
    assert model.fit(series) is model
    first = model.results_.periods
    again = HMMPhases(seed=3).fit(series).results_.periods
    pd.testing.assert_frame_equal(first, again)
    assert HMMPhases(n_states=4, seed=0).fit(series).model_.n_components == 4
    full = HMMPhases(topology="full", seed=0).fit(series).results_
    assert full.details["topology"] == "full"
    lrl = HMMPhases(seed=0).fit(series).model_.transmat_
    assert lrl[0, 2] == 0
    assert lrl[2, 0] == 0
    assert ChangePointPhases(n_breaks=2).fit(series).results_.details["n_breaks"] == 2
    json_ready = model.results_.to_dict()
    assert json_ready["phases"][0]["start"] == "1980-01-01"


def test_phase_errors_name_the_problem(cycle: SyntheticDyad) -> None:
    series = dyad_series(cycle.events, cycle.truth.dyad, freq="year", until="1982")
    with pytest.raises(InputError, match="too few"):
        HMMPhases().fit(series)
    full = dyad_series(cycle.events, cycle.truth.dyad)
    with pytest.raises(InputError, match="direction"):
        HMMPhases().fit(full, direction="AAA->BBB")
    with pytest.raises(InputError, match="topology"):
        HMMPhases(topology="ring").fit(full)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("events", "coop", "conflict", "coercion", "baseline", "label"),
    [
        (100, 0.8, 0.1, 0.01, 0.1, "engagement"),
        (20, 0.8, 0.1, 0.01, 0.1, "disengagement"),
        (60, 0.2, 0.7, 0.5, 0.1, "sanction"),
        (60, 0.2, 0.7, 0.15, 0.2, "engagement"),  # coercion below the dyad's own level
        (20, 0.4, 0.5, 0.05, 0.0, "disengagement"),  # hostile but not coercive
        (60, 0.5, 0.4, 0.3, 0.1, "engagement"),  # coercive but net cooperative
    ],
)
def test_label_rule_table(
    events: float, coop: float, conflict: float, coercion: float, baseline: float, label: str
) -> None:
    found = label_phase(events, coop, conflict, coercion, busiest=100, baseline_coercion=baseline)
    assert found == label


def test_breadth_recovers_domain_mix() -> None:
    mix = {"security": 0.8, "economic": 0.05, "diplomatic": 0.1, "governance": 0.03,
           "humanitarian": 0.02}  # fmt: skip
    data = synthetic_dyad(years=15, domain_mix=mix, seed=2)
    series = dyad_series(data.events, data.truth.dyad)
    overall = pooled_breadth(series)
    for domain, share in mix.items():
        assert overall[f"share_{domain}"] == pytest.approx(share, abs=0.03)
    expected = -sum(p * np.log(p) for p in mix.values())
    assert overall["entropy"] == pytest.approx(expected, abs=0.05)
    per = breadth(series)
    shares = per[[c for c in per.columns if c.startswith("share_")]]
    busy = per["cooperation"] > 0
    np.testing.assert_allclose(shares[busy].sum(axis=1), 1.0)
    assert ((per["evenness"] >= 0) & (per["evenness"] <= 1)).all()
    broad = pooled_breadth(dyad_series(synthetic_dyad(years=15, seed=2).events, "XAA:XBB"))
    assert broad["evenness"] > overall["evenness"]


def test_breadth_of_an_empty_period_is_zero(cycle: SyntheticDyad) -> None:
    per = breadth(dyad_series(cycle.events, cycle.truth.dyad, since="1978", until="1980"))
    empty = per[per["cooperation"] == 0]
    assert len(empty) == 4
    assert (empty["entropy"] == 0).all()
    assert (empty["effective_domains"] == 0).all()


@pytest.mark.parametrize(("coef", "lag"), [(1.0, 1), (1.0, 2), (-1.0, 1)])
def test_reciprocity_sign_and_lag_recovered(coef: float, lag: int) -> None:
    data = synthetic_dyad(years=20, phases=[("engaged", 20)], reciprocity=coef, lag=lag, seed=0)
    series = dyad_series(data.events, data.truth.dyad, freq="month")
    result = Reciprocity().fit(series).results_
    _a, b = result.directions
    assert result.responds(b)  # B answers A
    row = result.reciprocity.set_index("direction").loc[b]
    assert row["sign"] == np.sign(coef)
    assert row["peak_horizon"] == lag
    assert result.lag_order >= lag


def test_no_reciprocity_planted_none_found() -> None:
    data = synthetic_dyad(years=20, phases=[("engaged", 20)], reciprocity=0.0, seed=0)
    result = Reciprocity().fit(dyad_series(data.events, "XAA:XBB", freq="month")).results_
    assert not result.granger["significant"].any()
    assert (result.reciprocity["sign"] == 0).all()


def test_var_figures_equal_statsmodels_own(steady: SyntheticDyad) -> None:
    series = dyad_series(steady.events, steady.truth.dyad, freq="month")
    model = Reciprocity(maxlags=6, ic="aic", horizon=5)
    result = model.fit(series).results_
    data = model.data(series)
    own = VAR(data.to_numpy()).fit(maxlags=6, ic="aic")
    assert result.lag_order == own.k_ar
    for row in result.granger.itertuples():
        cause = list(data.columns).index(row.cause)
        effect = list(data.columns).index(row.effect)
        test = own.test_causality(effect, [cause], kind="f")
        assert row.statistic == pytest.approx(test.test_statistic)
        assert row.pvalue == pytest.approx(test.pvalue)
    irf = own.irf(5)
    got = result.irf.set_index(["horizon", "response", "impulse"])["value"]
    names = list(data.columns)
    for h in range(6):
        for i, response in enumerate(names):
            for j, impulse in enumerate(names):
                assert got.loc[(h, response, impulse)] == pytest.approx(irf.irfs[h, i, j])
    np.testing.assert_allclose(result.var.params, own.params)
    decomp = own.fevd(6).decomp
    routine = result.routine.set_index("direction")
    for i, name in enumerate(names):
        assert routine.loc[name, "share_from_own"] == pytest.approx(decomp[i, -1, i])
        assert routine.loc[name, "share_from_other"] == pytest.approx(decomp[i, -1, 1 - i])
        assert routine.loc[name, "own_lag_sum"] == pytest.approx(own.coefs[:, i, i].sum())


def test_reciprocity_rejects_short_or_flat_series(cycle: SyntheticDyad) -> None:
    short = dyad_series(cycle.events, cycle.truth.dyad, until="1985")
    with pytest.raises(InputError, match="too few"):
        Reciprocity().fit(short)
    with pytest.raises(InputError, match="ic"):
        Reciprocity(ic="xyz").fit(dyad_series(cycle.events, cycle.truth.dyad))  # type: ignore[arg-type]


def test_latent_score_tracks_planted_cooperation(cycle: SyntheticDyad) -> None:
    series = dyad_series(cycle.events, cycle.truth.dyad, freq="quarter")
    result = LatentScore().fit(series).results_
    latent = cycle.truth.latent
    logit = np.log(latent["p_coop_a"] / (1 - latent["p_coop_a"]))
    quarter = [pd.Timestamp(m).to_period("Q").start_time.date() for m in latent["month"]]
    truth = logit.groupby(quarter).mean()
    a = result.scores[result.scores["direction"] == "XAA->XBB"].set_index("period")
    assert np.corrcoef(truth.loc[a.index], a["score"])[0, 1] > 0.85
    assert (a["lower"] <= a["score"]).all()
    assert (a["score"] <= a["upper"]).all()
    assert set(result.params) == {"XAA->XBB", "XBB->XAA"}


def test_latent_gap_widens_interval(cycle: SyntheticDyad) -> None:
    series = dyad_series(cycle.events, cycle.truth.dyad, freq="quarter")
    gappy = series.copy()
    hole = (gappy["period"] >= pd.Timestamp("1984-01-01").date()) & (
        gappy["period"] < pd.Timestamp("1986-01-01").date()
    )
    for column in ("cooperation", "conflict", "events"):
        gappy.loc[hole, column] = 0
    scores = LatentScore().fit(gappy).results_.scores
    a = scores[scores["direction"] == "XAA->XBB"].set_index("period")
    inside = a.loc[hole[gappy["direction"] == "XAA->XBB"].to_numpy(), "sd"].mean()
    assert np.isnan(a.loc[hole[gappy["direction"] == "XAA->XBB"].to_numpy(), "index"]).all()
    assert inside > a["sd"].median()


def test_measure_dyad_bundles_everything_and_notes_gaps(cycle: SyntheticDyad) -> None:
    found = measure_dyad(cycle.events, cycle.truth.dyad, freq="quarter")
    assert found.notes == []
    assert set(found.phases) == {"hmm", "changepoint"}
    assert found.reciprocity is not None
    assert found.latent is not None
    payload = found.to_dict()
    assert set(payload) >= {"dyad", "freq", "series", "breadth", "phases", "reciprocity", "latent"}
    nothing = measure_dyad(cycle.events, "USA:PAK")
    assert nothing.notes
    assert nothing.reciprocity is None
