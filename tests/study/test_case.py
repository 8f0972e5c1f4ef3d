"""Cases: the built-in US–Pakistan case and the error for an unknown one."""

from __future__ import annotations

import pytest

from bilat.errors import UnknownCodeError
from bilat.study import CASES, get_case


def test_us_pakistan_case() -> None:
    case = get_case("us-pakistan")
    assert case.patron == "USA"
    assert case.client == "PAK"
    assert case.policies[:2] == ("broadened", "security-only")
    assert case.seed_doc_date.isoformat() == "2016-01-01"
    assert all(e.start <= e.end for e in case.eras)
    assert all(case.since <= ep.date.year <= case.until for ep in case.episodes)
    assert all(e.source for e in case.eras)


def test_unknown_case_names_the_choices() -> None:
    with pytest.raises(UnknownCodeError, match="us-pakistan"):
        get_case("us-pakistn")
    assert "us-pakistan" in CASES


def test_a_case_can_choose_its_claims() -> None:
    import dataclasses

    from bilat.events import EventStore
    from bilat.study import StudyResult
    from bilat.study.result import StageOutcome
    from bilat.study.stages import Context, evaluate_claims, load_record

    case = dataclasses.replace(get_case("us-pakistan"), claims=("coercion",))
    with EventStore(":memory:") as store:
        context = Context(result=StudyResult(case=case, seed=0, budget=1), store=store)
        load_record(context)
        context.result.stages.append(StageOutcome("record", "record"))
        evaluate_claims(context)
    assert [c["id"] for c in context.result.claims] == ["coercion"]
    assert context.result.claims[0]["verdict"] in {
        "supported", "not_supported", "mixed", "insufficient_data"
    }  # fmt: skip


def test_a_broken_subpackage_fails_the_stage_and_is_not_faked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the simulator unimportable, strict mode stops; --keep-going records a failure
    (not "not available"), the later stages say why, and the answer holds no numbers."""
    import sys

    from bilat.study import build_answer, run_study, validate_answer
    from bilat.study.pipeline import StageFailedError

    monkeypatch.setitem(sys.modules, "bilat.sim", None)  # import bilat.sim -> ImportError
    monkeypatch.setitem(sys.modules, "bilat.claims", None)
    with pytest.raises(StageFailedError, match="claims"):
        run_study("us-pakistan", None, budget=400, seed=0)
    result = run_study("us-pakistan", None, budget=400, seed=0, strict=False)
    status = {s.name: s.status for s in result.stages}
    assert status["record"] == "ok"
    assert status["measure"] == "ok"
    assert status["claims"] == status["calibrate"] == "failed"
    for name in ("policies", "sensitivity", "answer"):
        assert status[name] == "not_available", name
    assert "bilat.sim" in (result.stage("calibrate").reason or "")
    assert [p.name for p in result.problems()] == ["claims", "calibrate"]
    answer = build_answer(result)
    validate_answer(answer)
    assert answer["answer"]["statement"] is None
    assert answer["answer"]["probability"] is None
    assert answer["policies"]["items"] == []
    assert answer["claims"]["items"] == []
