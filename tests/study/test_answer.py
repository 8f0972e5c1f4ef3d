"""answer.json and its schema: every study result, complete or partial, validates."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from bilat.errors import ValidationError
from bilat.study import StudyResult, answer_schema, build_answer, get_case, validate_answer
from bilat.study.result import StageOutcome

from ..report.fake import shared_fake


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(answer_schema())


def test_a_full_answer_validates() -> None:
    answer = build_answer(copy.deepcopy(shared_fake()))
    validate_answer(answer)
    assert answer["answer"]["status"] == "ok"
    assert answer["claims"]["items"][0]["evidence"][0]["citation"]
    assert {p["name"] for p in answer["policies"]["items"]} >= {"broadened", "security-only"}


def test_an_empty_study_validates_and_says_why() -> None:
    result = StudyResult(case=get_case("us-pakistan"), seed=0, budget=1)
    result.stages = [StageOutcome("claims", "Test", "not_available", "bilat.claims is missing")]
    answer = build_answer(result)
    validate_answer(answer)
    assert answer["claims"] == {
        "status": "not_available",
        "reason": "bilat.claims is missing",
        "items": [],
    }
    assert answer["answer"]["statement"] is None
    assert answer["policies"]["items"] == []


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("claims", "status"), "ok-ish", "claims/status"),
        (("answer", "probability"), 1.5, "answer/probability"),
        (("dyad",), "USA-PAK", "dyad"),
    ],
)
def test_a_bad_answer_is_rejected(path: tuple[str, ...], value: object, field: str) -> None:
    answer = build_answer(copy.deepcopy(shared_fake()))
    target = answer
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as caught:
        validate_answer(answer)
    assert caught.value.field is not None
    assert caught.value.field.startswith(field.split("/")[0])


def test_a_section_that_did_not_run_may_not_claim_ok_without_reason() -> None:
    answer = build_answer(copy.deepcopy(shared_fake()))
    answer["claims"]["status"] = "failed"
    answer["claims"]["reason"] = None
    with pytest.raises(ValidationError):
        validate_answer(answer)
