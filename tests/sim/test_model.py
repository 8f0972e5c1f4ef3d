"""The simulator: invariants, determinism, purity, common random numbers, the plain baseline."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.bench.sim import PlainRun
from bilat.errors import InputError
from bilat.sim.instruments import INSTRUMENT_FIELDS, Instruments
from bilat.sim.mechanisms import NULL_MECHANISMS, quantal_response
from bilat.sim.model import OUTCOMES, RECORDABLE, outcomes, run, step
from bilat.sim.params import PRIORS, Theta
from bilat.sim.policies import Broadened, SecurityOnly
from bilat.sim.state import State, initial_state

UNIT_FIELDS = (
    "us_trust",
    "pk_trust",
    "threat",
    "proxies",
    "china_share",
    "econ_ties",
    "civilian",
    "sentiment",
    "salience",
    "cooperation",
    "coercion",
)


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


instrument_values = st.fixed_dictionaries(
    {
        "military_aid": st.floats(0, 5),
        "ct_reimbursement": st.floats(0, 5),
        "economic_aid": st.floats(0, 5),
        "trade_access": st.floats(0, 1),
        "conditions": st.floats(0, 1),
        "sanctions": st.floats(0, 1),
        "coercion": st.floats(0, 1),
        "assurances": st.floats(0, 1),
        "democracy_support": st.floats(0, 1),
        "commitment": st.floats(0, 10),
        "regime": st.sampled_from([-1, -1, 0, 1, 2, 3]),
    }
)
theta_values = st.fixed_dictionaries({p.name: st.floats(p.low, p.high) for p in PRIORS})


@settings(max_examples=40, deadline=None)
@given(values=instrument_values, params=theta_values, seed=st.integers(0, 2**32 - 1))
def test_state_stays_in_bounds_and_aid_is_conserved(values: dict, params: dict, seed: int) -> None:
    instruments = Instruments(**values).validate()
    theta = Theta(**params)
    traj = run(initial_state(64), [instruments] * 6, theta, rng(seed), record=("regime",))
    final = traj.final
    for name in UNIT_FIELDS:
        x = getattr(final, name)
        assert np.all(np.isfinite(x)), name
        assert np.all((x >= 0) & (x <= 1)), name
    assert set(np.unique(final.regime)) <= {0, 1, 2, 3}
    assert set(np.unique(final.last_action)) <= {0, 1, 2, 3, 4}
    # flows conserved: what was offered was either delivered or withheld
    offered = 6 * float(instruments.total_aid)
    np.testing.assert_allclose(final.delivered + final.withheld, offered, rtol=1e-4, atol=1e-4)
    assert np.all(final.delivered >= -1e-6)
    assert np.all(final.withheld >= -1e-6)
    # patronage shares sum to one
    np.testing.assert_allclose(final.china_share + (1 - final.china_share), 1.0)
    if instruments.regime >= 0:
        assert np.all(traj.series["regime"] == instruments.regime)


@settings(max_examples=60, deadline=None)
@given(
    utility=st.lists(st.floats(-5, 5), min_size=5, max_size=5),
    precision=st.floats(0, 20),
    u=st.floats(0, 0.999999),
)
def test_quantal_response_gives_probabilities(utility: list, precision: float, u: float) -> None:
    util = np.array(utility, dtype=np.float32).reshape(5, 1)
    probs, action = quantal_response(util.copy(), np.float32(precision), np.float32([u]))
    assert np.all((probs >= 0) & (probs <= 1))
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    assert 0 <= int(action[0]) <= 4
    cumulative = np.cumsum(probs[:, 0])
    # the sampled action is the first whose cumulative probability exceeds u
    assert int(action[0]) == int(np.sum(cumulative[:-1] < u * cumulative[-1]))


def test_zero_precision_is_uniform() -> None:
    util = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    probs, _ = quantal_response(util, np.float32(0.0), np.zeros(3, dtype=np.float32))
    np.testing.assert_allclose(probs, 0.2, atol=1e-6)


def test_same_seed_same_result_and_different_seed_differs() -> None:
    schedule = SecurityOnly().schedule(range(30))
    a = run(initial_state(200), schedule, Theta(), rng(7), record=RECORDABLE)
    b = run(initial_state(200), schedule, Theta(), rng(7), record=RECORDABLE)
    c = run(initial_state(200), schedule, Theta(), rng(8), record=RECORDABLE)
    for name in RECORDABLE:
        np.testing.assert_array_equal(a.series[name], b.series[name])
    assert not np.array_equal(a.series["threat"], c.series["threat"])


def test_same_seed_same_result_across_processes() -> None:
    code = (
        "import numpy as np, hashlib\n"
        "from bilat.sim.model import run\n"
        "from bilat.sim.params import Theta\n"
        "from bilat.sim.policies import Broadened\n"
        "from bilat.sim.state import initial_state\n"
        "t = run(initial_state(100), Broadened().schedule(range(20)), Theta(),"
        " np.random.default_rng(3), record=('threat', 'pk_trust'))\n"
        "print(hashlib.sha256(t.series['threat'].tobytes() + t.series['pk_trust'].tobytes())"
        ".hexdigest())\n"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    here = run(
        initial_state(100),
        Broadened().schedule(range(20)),
        Theta(),
        rng(3),
        record=("threat", "pk_trust"),
    )
    import hashlib

    digest = hashlib.sha256(
        here.series["threat"].tobytes() + here.series["pk_trust"].tobytes()
    ).hexdigest()
    assert outs == {digest}


def test_step_is_pure() -> None:
    state = initial_state(50)
    before = {f.name: getattr(state, f.name).copy() for f in fields(state)}
    new = step(state, SecurityOnly().instruments(), Theta(), rng(0))
    assert isinstance(new, State)
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(state, name), value)


def test_policies_share_random_numbers() -> None:
    """Common random numbers: every policy consumes the same draws in each step."""
    states = []
    for policy in (SecurityOnly(), Broadened()):
        g = rng(11)
        step(initial_state(30), policy.instruments(), Theta(), g)
        states.append(g.random())
    assert states[0] == states[1]


def test_per_run_parameters_equal_scalar_runs() -> None:
    schedule = SecurityOnly().schedule(range(10))
    theta = Theta(precision=np.full(40, 2.0, dtype=np.float32))
    a = run(initial_state(40), schedule, theta, rng(1), record=("threat",))
    b = run(initial_state(40), schedule, Theta(precision=2.0), rng(1), record=("threat",))
    np.testing.assert_allclose(a.series["threat"], b.series["threat"], rtol=1e-6)


def test_plain_python_baseline_follows_the_same_rules() -> None:
    """The benchmark's agent-by-agent model, fed the same random numbers, tracks the arrays."""
    schedule = SecurityOnly().schedule(range(12))
    theta = Theta()
    vector_rng, plain_rng = rng(5), rng(5)
    state = initial_state(1)
    agent = PlainRun()
    for instruments in schedule:
        state = step(state, instruments, theta, vector_rng)
        u = plain_rng.random((6, 1), dtype=np.float32)[:, 0].astype(float)
        agent.step(instruments, theta, list(u))
        assert agent.last_action == int(state.last_action[0])
        assert agent.regime == int(state.regime[0])
    assert agent.threat == pytest.approx(float(state.threat[0]), abs=1e-4)
    assert agent.pk_trust == pytest.approx(float(state.pk_trust[0]), abs=1e-4)
    assert agent.china == pytest.approx(float(state.china_share[0]), abs=1e-4)
    assert agent.delivered == pytest.approx(float(state.delivered[0]), abs=1e-4)


def test_null_mechanisms_run() -> None:
    traj = run(
        initial_state(20),
        SecurityOnly().schedule(range(5)),
        Theta(),
        rng(0),
        record=("cooperation",),
        mechanisms=NULL_MECHANISMS,
    )
    assert traj.series["cooperation"].shape == (5, 20)


def test_outcomes_are_per_run() -> None:
    traj = run(
        initial_state(25),
        Broadened().schedule(range(8)),
        Theta(),
        rng(2),
        record=("us_trust", "pk_trust", "threat", "china_share"),
    )
    res = outcomes(traj)
    assert set(res) == set(OUTCOMES)
    np.testing.assert_allclose(
        res["trust_deficit"], 0.5 * (res["us_distrust"] + res["pk_distrust"]), atol=1e-6
    )
    for values in res.values():
        assert values.shape == (25,)
    assert np.all((res["rupture"] == 0) | (res["rupture"] == 1))


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InputError, match="trade_access"):
        Instruments(trade_access=2.0).validate()
    with pytest.raises(InputError, match="cannot record"):
        run(initial_state(2), [], Theta(), rng(0), record=("nope",))
    with pytest.raises(InputError, match="unknown parameter"):
        Theta().replace(nope=1.0)
    with pytest.raises(InputError, match="at least 1"):
        initial_state(0)
    assert len(INSTRUMENT_FIELDS) == 10


def test_every_mechanism_cites_its_source() -> None:
    from bilat.sim import mechanisms

    functions = [
        *mechanisms.DEFAULT_MECHANISMS.utility_terms,
        mechanisms.us_regime_rule,
        mechanisms.bayesian_trust,
        mechanisms.proxies_and_threat,
        mechanisms.patronage_and_ties,
        mechanisms.civilian_control,
        mechanisms.reciprocity_routine,
        mechanisms.quantal_response,
    ]
    pattern = re.compile(r"\b(19|20)\d\d\b|seed article")
    for func in functions:
        assert func.__doc__, func.__name__
        assert pattern.search(func.__doc__), f"{func.__name__} cites no source"


def test_mechanisms_are_swappable() -> None:
    """Dropping the abandonment hedge (Snyder) makes proxy hedging rarer."""
    from bilat.sim.mechanisms import DEFAULT_MECHANISMS, abandonment_hedge

    without = DEFAULT_MECHANISMS.replace(
        utility_terms=tuple(
            t for t in DEFAULT_MECHANISMS.utility_terms if t is not abandonment_hedge
        )
    )
    schedule = SecurityOnly().schedule(range(15))
    theta = Theta(hedge_value=1.0)
    shares = []
    for mech in (DEFAULT_MECHANISMS, without):
        traj = run(
            initial_state(2000, pk_trust=0.2),
            schedule,
            theta,
            rng(0),
            record=("last_action",),
            mechanisms=mech,
        )
        shares.append(float(np.mean(traj.series["last_action"] == 2)))
    assert shares[1] < shares[0]


def test_a_pledge_runs_down_and_is_not_renewed() -> None:
    pledges = [float(i.commitment) for i in Broadened().schedule(range(8))]
    assert pledges == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0]


def test_pledges_can_be_broken_and_a_broken_pledge_stops_counting() -> None:
    """With renege = 1 and salience below the threshold the US leaves despite the pledge."""
    schedule = [Instruments(economic_aid=1.0, commitment=5.0 - t, salience=0.1) for t in range(4)]
    kept = run(
        initial_state(50),
        schedule,
        Theta(renege=0.0, salience_threshold=0.5),
        rng(3),
        record=("regime", "broken"),
    )
    broken = run(
        initial_state(50),
        schedule,
        Theta(renege=1.0, salience_threshold=0.5),
        rng(3),
        record=("regime", "broken"),
    )
    assert (kept.series["regime"] != 3).all()
    assert (kept.series["broken"] == 0).all()
    assert (broken.series["regime"] == 3).all()
    assert (broken.series["broken"] == 1).all()
    # a broken pledge costs Pakistan's trust
    assert broken.final.pk_trust.mean() < kept.final.pk_trust.mean()
    # a new, longer pledge counts again
    renewed = [*schedule, Instruments(economic_aid=1.0, commitment=5.0, salience=0.1)]
    again = run(
        initial_state(50),
        renewed,
        Theta(renege=0.0, salience_threshold=0.5),
        rng(3),
        record=("broken",),
    )
    assert (again.series["broken"][-1] == 0).all()


def test_contested_parameters_span_both_signs() -> None:
    """Every effect the literature disputes has a prior on both sides of zero."""
    from bilat.sim.params import CONTESTED

    by_name = {p.name: p for p in PRIORS}
    for name in CONTESTED:
        prior = by_name[name]
        assert prior.low < 0 < prior.high, name
        assert "either sign" in prior.source, name


def test_coin_flip_choice_is_uniform() -> None:
    from bilat.sim.mechanisms import COIN_FLIP_MECHANISMS

    traj = run(
        initial_state(4000),
        SecurityOnly().schedule(range(3)),
        Theta(),
        rng(4),
        record=("last_action",),
        mechanisms=COIN_FLIP_MECHANISMS,
    )
    counts = (
        np.bincount(traj.series["last_action"].ravel(), minlength=5)
        / traj.series["last_action"].size
    )
    np.testing.assert_allclose(counts, 0.2, atol=0.02)
