"""The article's claims: stable ids, each tied to record events and series that exist."""

from __future__ import annotations

import pandas as pd

from bilat import record

REQUIRED = {
    "aid_military_rule",
    "surge_exit",
    "security_only",
    "coercion",
    "allied_sanctioned",
    "selective_cooperation",
    "conditional_aid_resisted",
    "other_patrons",
    "trust_deficit",
    "non_security_short_lived",
}


def test_required_claims_are_present_and_unique() -> None:
    frame = record.claims()
    assert frame["claim_id"].is_unique
    assert set(frame["claim_id"]) >= REQUIRED


def test_claims_point_at_real_events_and_series() -> None:
    frame = record.claims()
    ids = set(record.events()["id"])
    frames = record.series()
    assert isinstance(frames, dict)
    for row in frame.itertuples():
        for text in (row.claim, row.test, row.source):
            assert text.strip(), row.claim_id
        assert len(row.event_ids) >= 5, row.claim_id
        assert set(row.event_ids) <= ids, row.claim_id
        for ref in row.series:
            name, column = ref.split(":")
            assert column in frames[name].columns, (row.claim_id, ref)


def test_claims_have_their_own_words() -> None:
    seed_like = pd.Series(record.claims()["claim"])
    assert not seed_like.str.contains("most allied ally in Asia").any()
