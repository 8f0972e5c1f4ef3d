"""The hierarchical calibration across the panel's partners (issue #14, item 3)."""

from __future__ import annotations

import numpy as np
import pytest

from bilat.errors import InputError
from bilat.sim.hierarchy import (
    fit_population,
    hierarchical_calibration,
    recovery_check,
)
from bilat.sim.params import PRIORS, prior_matrix
from bilat.sim.partners import PAKISTAN, PartnerData, load_partners, simulate_partners


@pytest.fixture(scope="module")
def partners() -> PartnerData:
    return load_partners()


@pytest.fixture(scope="module")
def few(partners: PartnerData) -> PartnerData:
    index = np.arange(0, partners.n_partners, 6)
    return partners.take(np.union1d(index, np.flatnonzero(partners.ccodes == PAKISTAN)))


def test_the_panel_gives_over_a_hundred_partners(partners: PartnerData) -> None:
    assert partners.n_partners >= 100
    assert PAKISTAN in partners.ccodes
    t, p = len(partners.years), partners.n_partners
    for name in ("unga", "china_arms", "icews_cooperation"):
        assert partners.targets[name].shape == (t, p)
    ins = partners.schedule[0]
    assert np.shape(ins.military_aid) == (p,)
    assert np.all(np.asarray(ins.civilian) >= 0.15)
    # every partner has enough fitted and held-out years
    fit = partners.fit_mask()
    assert (np.isfinite(partners.targets["unga"][fit]).sum(axis=0) >= 20).all()


def test_simulation_is_vectorised_and_seeded(few: PartnerData) -> None:
    m = prior_matrix(np.random.default_rng(0), 7)
    a = simulate_partners(few, m, seed=3, block_draws=3)
    b = simulate_partners(few, m, seed=3, block_draws=3)
    assert a.summaries.shape == (7, few.n_partners, len(a.names))
    np.testing.assert_array_equal(a.summaries, b.summaries)
    assert np.isfinite(a.distances()).all()
    with pytest.raises(InputError, match="one row per partner"):
        simulate_partners(few, m, seed=0, per_partner=True)


def test_em_recovers_a_planted_population() -> None:
    """The estimator alone: partners whose likelihoods point at planted parameters."""
    rng = np.random.default_rng(0)
    n, p, k = 4000, 120, 3
    z = rng.logistic(size=(n, k))  # draws from the prior on the logit scale
    mu, sigma = np.array([1.0, -0.8, 0.0]), np.array([0.5, 0.7, 1.0])
    truth = mu + sigma * rng.standard_normal((p, k))
    seen = truth + 0.3 * rng.standard_normal((p, k))  # each partner's noisy evidence
    kernel = np.exp(-0.5 * (((z[:, None, :] - seen[None]) / 0.3) ** 2).sum(axis=2))
    got_mu, got_sigma, w = fit_population(z, kernel, iters=80, min_ess=50)
    assert np.abs(got_mu - mu).max() < 0.25
    assert np.abs(got_sigma - sigma).max() < 0.3
    assert w.shape == (n, p)
    np.testing.assert_allclose(w.sum(axis=0), 1.0)


def test_hierarchical_fit_is_seeded_and_scores_held_out_partners(few: PartnerData) -> None:
    a = hierarchical_calibration(few, draws=90, seed=5)
    b = hierarchical_calibration(few, draws=90, seed=5)
    np.testing.assert_array_equal(a.mu, b.mu)
    np.testing.assert_array_equal(a.sigma, b.sigma)
    lopo = a.summary["leave_one_partner_out"]
    assert lopo == b.summary["leave_one_partner_out"]
    assert lopo["partners_scored"] >= few.n_partners - 2
    assert set(lopo["scores"]) == {"hierarchical", "prior", "persistence", "mean", "ar1"}
    assert all(v > 0 for v in lopo["scores"].values())
    assert lopo["pakistan"]["country"]
    assert a.summary["population_ess"] >= 0.1 * 90 - 1e-6  # the EM keeps a tenth of the draws
    assert lopo["loses_to_persistence"] == (
        lopo["scores"]["hierarchical"] >= lopo["scores"]["persistence"]
    )
    draws = a.partner_draws(PAKISTAN, 10, seed=0)
    assert draws.shape == (10, len(PRIORS))
    c = hierarchical_calibration(few, draws=90, seed=6, lopo=False)
    assert not np.array_equal(a.mu, c.mu)
    with pytest.raises(InputError, match="not in the fit"):
        a.partner_draws(2, 3)


def test_recovery_check_reports_errors_against_the_prior(few: PartnerData) -> None:
    mu = np.zeros(len(PRIORS))
    mu[0], mu[4] = 1.5, -1.5
    out = recovery_check(few, mu, np.full(len(PRIORS), 0.5), draws=60, seed=0)
    again = recovery_check(few, mu, np.full(len(PRIORS), 0.5), draws=60, seed=0)
    assert out["population_rmse"] == again["population_rmse"]
    assert out["prior_rmse"] == pytest.approx(np.sqrt(np.mean(mu**2)))
    assert out["population_error_ratio"] > 0
