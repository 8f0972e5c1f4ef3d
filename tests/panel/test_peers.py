"""Peers: nearest partners on standardised covariates, with their reasons."""

from __future__ import annotations

import json

import pytest

from bilat.errors import DataMissingError, InputError
from bilat.panel.peers import COVARIATES, PeersResult, find_peers, peer_trajectories
from bilat.panel.synthetic import synthetic_panel


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    frame = synthetic_panel(seed=8).panel.copy()
    # plant a twin: partner 105 takes Pakistan's covariates exactly
    pak = frame[frame["ccode"] == 770].set_index("year")
    twin = frame["ccode"] == 105
    for column in ("polity2", "rivalry", "defense_pact", "aid_total", "aid_mil_share"):
        frame.loc[twin, column] = frame.loc[twin, "year"].map(pak[column]).to_numpy()
    return frame


def test_the_planted_twin_is_the_nearest_peer(panel) -> None:  # type: ignore[no-untyped-def]
    result = find_peers(panel, "USA:PAK", k=4)
    assert isinstance(result, PeersResult)
    assert result.focal_ccode == 770
    assert next(p.ccode for p in result.peers) == 105
    assert result.peers[0].distance == pytest.approx(0.0, abs=1e-9)
    distances = [p.distance for p in result.peers]
    assert distances == sorted(distances)
    assert 770 not in [p.ccode for p in result.peers]
    for peer in result.peers:
        for label, _ in COVARIATES.values():
            assert label in peer.reason


def test_focal_by_code_iso_or_name(panel) -> None:  # type: ignore[no-untyped-def]
    by_iso = find_peers(panel, "PAK", k=2)
    assert find_peers(panel, 770, k=2).peers == by_iso.peers
    assert find_peers(panel, "pakistan (synthetic)", k=2).peers == by_iso.peers


def test_window_changes_the_profiles(panel) -> None:  # type: ignore[no-untyped-def]
    early = find_peers(panel, "USA:PAK", k=3, years=(1970, 1980))
    assert early.years == (1970, 1980)
    assert early.focal_values != find_peers(panel, "USA:PAK", k=3).focal_values


def test_serialises_and_summarises(panel) -> None:  # type: ignore[no-untyped-def]
    result = find_peers(panel, "USA:PAK", k=3)
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["focal"]["iso3"] == "PAK"
    assert len(payload["peers"]) == 3
    assert payload["peers"][0]["reason"]
    assert "Peers of" in result.summary()


def test_trajectories_put_the_focal_partner_first(panel) -> None:  # type: ignore[no-untyped-def]
    result = find_peers(panel, "USA:PAK", k=3)
    frame = peer_trajectories(panel, result, "unga_agree")
    assert frame["focal"].iloc[0]
    assert set(frame["ccode"]) == {770, *(p.ccode for p in result.peers)}


def test_bad_inputs(panel) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="USA"):
        find_peers(panel, "CHN:PAK")
    with pytest.raises(InputError, match="not a partner"):
        find_peers(panel, "USA:ZZZ")
    with pytest.raises(InputError, match="k"):
        find_peers(panel, "USA:PAK", k=0)
    with pytest.raises(InputError, match="years"):
        find_peers(panel, "USA:PAK", years=(1800, 1801))
    with pytest.raises(DataMissingError, match="rivalry"):
        find_peers(panel.assign(rivalry=float("nan")), "USA:PAK")
