"""Claims see state-state events unless sub-state ones are asked for."""

from __future__ import annotations

from bilat.claims import from_record, run_case, state_events
from bilat.ontology import is_substate


def test_default_claim_data_holds_no_substate_event() -> None:
    data = from_record()
    assert data.include_substate is False
    assert "state-state" in data.label
    for column in ("actor_sector", "recipient_sector"):
        assert not data.events[column].map(is_substate).any()
    wide = from_record(include_substate=True)
    assert wide.include_substate is True
    extra = len(wide.events) - len(data.events)
    assert extra >= 30
    assert len(state_events(wide.events)) == len(data.events)


def test_run_case_takes_the_switch() -> None:
    narrow = {r.claim_id: r for r in run_case(n_boot=50, seed=1)}
    wide = {r.claim_id: r for r in run_case(n_boot=50, seed=1, include_substate=True)}
    assert set(narrow) == set(wide)
    differs = [k for k in narrow if narrow[k].to_dict() != wide[k].to_dict()]
    assert differs, "counting militant events should move at least one claim"
