"""Dyad series: counts add up, shares lie in [0, 1], empty periods are zeros, SQL = pandas."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.datasets import SyntheticDyad, synthetic_dyad
from bilat.errors import InputError
from bilat.events import DOMAINS, EventStore
from bilat.measure import COERCION_PREFIXES, dyad_series


def _pandas_series(events: pd.DataFrame, actor: str, recipient: str) -> pd.DataFrame:
    """An independent pandas computation of a few columns, the reference for the SQL."""
    part = events[
        ((events.actor_country == actor) & (events.recipient_country == recipient))
        | ((events.actor_country == recipient) & (events.recipient_country == actor))
    ].copy()
    part["year"] = pd.to_datetime(part["date"]).dt.year
    part["coercive"] = part["cameo"].map(lambda c: c.startswith(COERCION_PREFIXES))
    return part.groupby(["year", "actor_country"]).agg(
        events=("id", "size"),
        goldstein_sum=("goldstein", "sum"),
        coercion=("coercive", "sum"),
        quad_1=("quad", lambda q: int((q == 1).sum())),
    )


def test_store_and_frame_give_the_same_series_and_match_pandas(cycle: SyntheticDyad) -> None:
    with EventStore(":memory:") as store:
        store.add_batch(cycle.events, file="synthetic", sha256="synthetic-0")
        from_store = dyad_series(store, "XAA:XBB")
    from_frame = dyad_series(cycle.events, "XAA:XBB")
    pd.testing.assert_frame_equal(from_store, from_frame)
    expected = _pandas_series(cycle.events, "XAA", "XBB")
    got = from_frame.assign(year=[p.year for p in from_frame["period"]]).set_index(
        ["year", "actor"]
    )
    for column in expected.columns:
        np.testing.assert_allclose(
            got.loc[expected.index, column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
        )


@pytest.mark.parametrize("freq", ["year", "quarter", "month"])
def test_counts_add_up_and_shares_in_unit_interval(cycle: SyntheticDyad, freq: str) -> None:
    s = dyad_series(cycle.events, "XAA:XBB", freq=freq)
    quads = s[[f"quad_{q}" for q in range(1, 5)]].sum(axis=1)
    pentas = s[[f"penta_{p}" for p in range(5)]].sum(axis=1)
    domains = s[[f"domain_{d}" for d in DOMAINS]].sum(axis=1)
    assert (quads == s["events"]).all()
    assert (pentas == s["events"]).all()
    assert (domains == s["events"]).all()
    assert (s["cooperation"] == s["penta_1"] + s["penta_2"]).all()
    assert (s[[f"coop_{d}" for d in DOMAINS]].sum(axis=1) == s["cooperation"]).all()
    assert int(s["events"].sum()) == len(cycle.events)
    shares = [c for c in s.columns if c.endswith("_share")]
    assert ((s[shares] >= 0) & (s[shares] <= 1)).all().all()
    assert (s["goldstein_pos"] >= 0).all()
    assert (s["goldstein_neg"] <= 0).all()
    np.testing.assert_allclose(
        s["goldstein_pos"] + s["goldstein_neg"], s["goldstein_sum"], atol=1e-9
    )
    per = {"year": 30, "quarter": 120, "month": 360}[freq]
    assert len(s) == 2 * per


def test_empty_periods_are_zero_rows_not_gaps(cycle: SyntheticDyad) -> None:
    s = dyad_series(cycle.events, "XAA:XBB", freq="year", since="1975", until="1981-06-30")
    assert list(s["label"].unique()) == ["1975", "1976", "1977", "1978", "1979", "1980", "1981"]
    empty = s[s["period"] < dt.date(1980, 1, 1)]
    assert (empty["events"] == 0).all()
    assert (empty["coop_share"] == 0).all()
    assert (empty["goldstein_mean"] == 0).all()
    assert s["direction"].iloc[:2].tolist() == ["XAA->XBB", "XBB->XAA"]


def test_weighted_counts_sum_weights(cycle: SyntheticDyad) -> None:
    s = dyad_series(cycle.events, "XAA:XBB", weighted=True)
    assert s["events"].sum() == pytest.approx(cycle.events["weight"].sum())
    assert s["events"].dtype == float


def test_unknown_dyad_gives_empty_series_and_bad_input_raises(cycle: SyntheticDyad) -> None:
    assert dyad_series(cycle.events, "USA:PAK").empty
    with pytest.raises(InputError, match="frequency"):
        dyad_series(cycle.events, "XAA:XBB", freq="week")
    with pytest.raises(InputError, match="before"):
        dyad_series(cycle.events, "XAA:XBB", since="2000", until="1990")
    with pytest.raises(InputError):
        dyad_series(cycle.events[["id"]], "XAA:XBB")


def test_coercion_share_tracks_the_sanctioned_phase(cycle: SyntheticDyad) -> None:
    s = dyad_series(cycle.events, "XAA:XBB", freq="quarter")
    s = s[s["direction"] == "XAA->XBB"]
    phase = [cycle.truth.phase_at(p) for p in s["period"]]
    by_phase = s.assign(phase=phase).groupby("phase")["coercion_share"].mean()
    assert by_phase["sanctioned"] > 0.4 > 0.1 > by_phase["engaged"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    years=st.integers(1, 4),
    freq=st.sampled_from(["year", "quarter", "month"]),
    weighted=st.booleans(),
)
def test_invariants_hold_for_any_synthetic_dyad(
    seed: int, years: int, freq: str, weighted: bool
) -> None:
    data = synthetic_dyad(years=years, rate=60, seed=seed)
    s = dyad_series(data.events, data.truth.dyad, freq=freq, weighted=weighted)
    shares = [c for c in s.columns if c.endswith("_share")]
    assert ((s[shares] >= 0) & (s[shares] <= 1 + 1e-12)).all().all()
    pentas = s[[f"penta_{p}" for p in range(5)]].sum(axis=1)
    np.testing.assert_allclose(pentas, s["events"])
    total = data.events["weight"].sum() if weighted else len(data.events)
    assert s["events"].sum() == pytest.approx(total)
    assert not s.isna().any().any()


def test_a_duckdb_connection_is_a_source(cycle: SyntheticDyad) -> None:
    con = duckdb.connect(":memory:")
    con.register("events", cycle.events)
    from_con = dyad_series(con, "XAA:XBB", freq="quarter")
    pd.testing.assert_frame_equal(from_con, dyad_series(cycle.events, "XAA:XBB", freq="quarter"))
    with pytest.raises(InputError, match="EventStore"):
        dyad_series([1, 2, 3], "XAA:XBB")  # type: ignore[arg-type]
