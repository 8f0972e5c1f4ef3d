"""The audit of issue 16 kept: reactions after triggers, one event per act, codes, sub-state."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pandas as pd
import pytest

from bilat import ontology, record
from bilat.events import EventStore
from bilat.measure import dyad_series

#: Reactions the issue names, each with the event it answers.
NAMED_REACTIONS: dict[str, str] = {
    "record:1999-10-section-508-sanctions": "record:1999-10-12-musharraf-coup",
    "record:2001-09-13-armitage-seven-demands": "record:2001-09-11-september-11",
    "record:2001-12-twin-peaks-standoff": "record:2001-12-13-indian-parliament-attack",
    "record:2011-09-pakistan-denies-haqqani-link": "record:2011-09-22-mullen-veritable-arm",
    "record:2011-05-afridi-arrest": "record:2011-05-02-abbottabad-raid",
    "record:1965-09-arms-embargo-1965": "record:1965-09-06-war-1965",
    "record:1971-12-enterprise-bay-of-bengal": "record:1971-12-03-war-1971",
    "record:1979-12-carter-reassures-zia": "record:1979-12-24-soviet-invasion",
    "record:1998-05-clinton-urges-restraint": "record:1998-05-11-india-tests-1998",
    "record:2007-11-us-urges-end-of-emergency": "record:2007-11-03-emergency-2007",
    "record:2021-01-us-protests-omar-sheikh": "record:2021-01-28-omar-sheikh-acquittal",
}

#: Events merged into another because they recorded the same act (gone -> kept).
MERGED: dict[str, str] = {
    "record:2001-09-stone-age-threat": "record:2001-09-13-armitage-seven-demands",
    "record:1990-10-f16-delivery-halted": "record:1990-10-01-pressler-sanctions-1990",
    "record:2009-09-24-klb-senate-passage": "record:2009-09-30-klb-house-passage",
    "record:2009-10-15-enhanced-partnership-act": "record:2009-09-30-klb-house-passage",
}

#: Same directed dyad, same CAMEO root, this many days apart or less: a possible double count.
WINDOW_DAYS = 31

#: A summary that says an actor asked for aid (the aid-request family).
ASKS_FOR_AID = re.compile(
    r"\b(ask(?:ed|ing)?|request(?:ed|ing)?|appeal(?:ed|ing)?|sought|lobb(?:y|ied)|press(?:ed)?)"
    r"\b(?:\s+\S+){0,8}?\s+for\s+(?:\S+\s+){0,5}?"
    r"(aid|assistance|loans?|arms|(?:economic|military) help)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return record.events()


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return record.links()


@pytest.fixture(scope="module")
def dates(frame: pd.DataFrame) -> dict[str, dt.date]:
    return dict(zip(frame["id"], frame["date"], strict=True))


@pytest.mark.parametrize(("reaction", "trigger"), sorted(NAMED_REACTIONS.items()))
def test_named_reactions_follow_their_triggers(
    links: pd.DataFrame, dates: dict[str, dt.date], reaction: str, trigger: str
) -> None:
    assert dates[reaction] >= dates[trigger], (reaction, dates[reaction], dates[trigger])
    linked = links.set_index("id").loc[reaction, "reacts_to"]
    assert trigger in linked, f"{reaction} should name {trigger} in reacts_to"


def test_no_reaction_is_dated_before_its_trigger(
    links: pd.DataFrame, dates: dict[str, dt.date]
) -> None:
    pairs = [(row.id, t) for row in links.itertuples() for t in row.reacts_to]
    assert len(pairs) >= 40
    early = [(r, t) for r, t in pairs if dates[r] < dates[t]]
    assert not early, early


def test_links_name_known_events_and_distinct_pairs_are_mutual(links: pd.DataFrame) -> None:
    known = set(links["id"])
    marked = {(row.id, other) for row in links.itertuples() for other in row.distinct_from}
    for a, b in marked:
        assert a in known
        assert b in known
        assert (b, a) in marked, f"{a} and {b}: distinct_from must be marked on both"


def test_a_link_to_an_unknown_event_is_an_error_naming_line_field_and_value() -> None:
    from bilat.errors import ValidationError

    rows = pd.DataFrame(
        {
            "id": ["record:2000-a", "record:2000-b"],
            "reacts_to": ["", "record:1999-nowhere"],
            "distinct_from": ["", ""],
        }
    )
    with pytest.raises(ValidationError) as caught:
        record.links(rows)
    assert caught.value.field == "reacts_to"
    assert caught.value.value == "record:1999-nowhere"
    assert "line 3" in str(caught.value)
    rows.loc[1, "reacts_to"] = "record:2000-b"
    with pytest.raises(ValidationError, match="itself"):
        record.links(rows)


@pytest.mark.parametrize(("gone", "kept"), sorted(MERGED.items()))
def test_named_double_counts_are_merged(frame: pd.DataFrame, gone: str, kept: str) -> None:
    ids = set(frame["id"])
    assert gone not in ids
    assert kept in ids


def test_one_event_per_act(frame: pd.DataFrame, links: pd.DataFrame) -> None:
    """Same directed dyad, same CAMEO root within 31 days: only if marked distinct."""
    marked = {(row.id, other) for row in links.itertuples() for other in row.distinct_from}
    rows = frame.to_dict("records")
    suspects = []
    for a, b in itertools.combinations(rows, 2):
        if (a["actor_country"], a["recipient_country"]) != (
            b["actor_country"],
            b["recipient_country"],
        ):
            continue
        if a["root"] != b["root"] or abs((a["date"] - b["date"]).days) > WINDOW_DAYS:
            continue
        if (a["id"], b["id"]) not in marked:
            suspects.append((a["id"], b["id"]))
    assert not suspects, suspects


def test_kerry_lugar_berman_is_one_pledge(frame: pd.DataFrame) -> None:
    text = frame["sentence"].str.contains("Kerry-Lugar|Enhanced Partnership", regex=True)
    pledges = frame[text & frame["cameo"].str.startswith("033")]
    assert list(pledges["id"]) == ["record:2009-09-30-klb-house-passage"]


def test_aid_requests_are_appeals_with_positive_goldstein(frame: pd.DataFrame) -> None:
    asks = frame[frame["sentence"].map(lambda s: bool(ASKS_FOR_AID.search(s)))]
    assert {
        "record:1947-10-jinnah-loan-request",
        "record:1953-ayub-lobbies-washington-1953",
    } <= set(asks["id"])
    for row in asks.itertuples():
        assert row.cameo.startswith("02"), (row.id, row.cameo)
        assert row.goldstein > 0, (row.id, row.goldstein)
    demands = frame[frame["cameo"].str.startswith("103")]
    for row in demands.itertuples():
        assert "demand" in row.sentence.lower(), row.id
        assert row.goldstein < 0


APPEAL_VERBS = re.compile(r"\b(ask|urg|appeal|request|lobb)", re.IGNORECASE)
DEMAND_VERBS = re.compile(r"\b(demand|press|insist)", re.IGNORECASE)


def test_appeals_and_demands_match_their_verbs(frame: pd.DataFrame) -> None:
    """CAMEO 2.0's verb dictionary: ASK, URGE -> 02 (appeal); DEMAND, PRESS, INSIST -> 10."""
    for row in frame[frame["root"] == "02"].itertuples():
        assert APPEAL_VERBS.search(row.sentence), row.id
        assert not DEMAND_VERBS.search(row.sentence), row.id
    for row in frame[frame["root"] == "10"].itertuples():
        assert DEMAND_VERBS.search(row.sentence), row.id


def test_codes_the_issue_names(frame: pd.DataFrame) -> None:
    by = frame.set_index("id")
    assert "record:1988-04-10-ojhri-camp-explosion" not in by.index
    amendment = by.loc["record:2015-01-06-military-courts-amendment"]
    assert amendment["cameo"] != "057"
    war = by.loc["record:1971-12-03-war-1971"]
    assert (war["actor_country"], war["recipient_country"]) == ("PAK", "IND")
    raid = by.loc["record:2011-05-02-abbottabad-raid"]
    assert raid["recipient_country"] == "PAK"
    assert ontology.is_substate(raid["recipient_sector"])
    assert by.loc["record:1985-12-30-martial-law-lifted-1985", "cameo"] == "0814"


def test_militant_groups_are_never_coded_as_the_state(frame: pd.DataFrame) -> None:
    by = frame.set_index("id")
    for event in (
        "record:2008-11-26-mumbai-attacks",
        "record:2016-09-18-uri-attack",
        "record:2019-02-14-pulwama",
        "record:2010-05-01-times-square-bomb",
        "record:2001-12-13-indian-parliament-attack",
        "record:2025-04-22-pahalgam-attack",
    ):
        assert ontology.is_substate(by.loc[event, "actor_sector"]), event
    for event in ("record:2019-07-02-bla-sdgt", "record:2025-08-11-bla-fto"):
        assert by.loc[event, "recipient_sector"] == "SEP", event
    strikes = frame[frame["actor_country"].eq("USA") & frame["cameo"].eq("195")]
    on_militants = strikes[strikes["sentence"].str.contains("Taliban|al-Qaida|militant")]
    assert len(on_militants) >= 5
    for row in on_militants.itertuples():
        assert ontology.is_substate(row.recipient_sector), row.id


def test_default_dyad_measures_count_no_substate_event(
    frame: pd.DataFrame, store: EventStore
) -> None:
    record.load(store)
    pair = {"USA", "PAK"}
    dyad = frame[
        frame["actor_country"].isin(pair)
        & frame["recipient_country"].isin(pair)
        & (frame["actor_country"] != frame["recipient_country"])
    ]
    sub = dyad["actor_sector"].map(ontology.is_substate) | dyad["recipient_sector"].map(
        ontology.is_substate
    )
    assert sub.sum() >= 10
    default = dyad_series(store, "USA:PAK")
    assert int(default["events"].sum()) == int((~sub).sum())
    assert default.attrs["scope"] == "state-state"
    assert default.attrs["substate_left_out"] == int(sub.sum())
    everything = dyad_series(store, "USA:PAK", include_substate=True)
    assert int(everything["events"].sum()) == len(dyad)
    assert everything.attrs["scope"] == "state and sub-state"
