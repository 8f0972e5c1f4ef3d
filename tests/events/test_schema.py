"""The event schema: validation names the field and the value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bilat.errors import ValidationError
from bilat.events import EVENT_FIELDS, arrow_schema, content_id, validate_frame, validate_record


def make_event(**changes: Any) -> dict[str, Any]:
    """A valid event; ``changes`` override fields."""
    base: dict[str, Any] = {
        "id": "test:1",
        "date": "2001-09-13",
        "date_precision": "day",
        "actor_country": "USA",
        "recipient_country": "PAK",
        "cameo": "130",
        "root": "13",
        "quad": 3,
        "penta": 3,
        "goldstein": -4.4,
        "domain": "security",
        "modality": "asserted",
        "dataset": "test",
        "weight": 1.0,
    }
    base.update(changes)
    return base


def test_valid_record_is_coerced() -> None:
    out = validate_record(make_event())
    assert out["date"] == dt.date(2001, 9, 13)
    assert out["cameo"] == "130"
    assert out["quad"] == 3
    assert set(out) == {f.name for f in EVENT_FIELDS}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2001-02-30", "not a valid date"),
        ("quad", 7, "must lie in"),
        ("penta", "x", "not a valid int"),
        ("goldstein", 12.0, "must lie in"),
        ("domain", "sports", "not one of"),
        ("modality", "rumoured", "not one of"),
        ("date_precision", "hour", "not one of"),
        ("cameo", "14x", "2-4 digits"),
        ("cameo", "140", "start with its root"),
        ("weight", -1, "must not be negative"),
        ("id", None, "required"),
        ("date_end", "2001-01-01", "ends before it starts"),
    ],
)
def test_bad_field_names_field_and_value(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_record(make_event(**{field: value}))
    assert caught.value.field == field
    assert message in str(caught.value)
    assert field in str(caught.value)


def test_unknown_field_is_named() -> None:
    with pytest.raises(ValidationError, match="unknown field"):
        validate_record(make_event(colour="red"))


def test_codes_stay_text() -> None:
    frame = validate_frame([make_event(cameo="010", root="01", quad=1, penta=0)])
    assert frame.loc[0, "cameo"] == "010"
    assert arrow_schema().field("cameo").type == "string"


def test_validate_frame_names_record_position() -> None:
    with pytest.raises(ValidationError, match="record 1"):
        validate_frame([make_event(), make_event(quad=9)])


def test_content_id_is_stable_and_content_sensitive() -> None:
    a = content_id(make_event(), "test")
    assert a == content_id(make_event(), "test")
    assert a != content_id(make_event(cameo="131"), "test")
    assert a.startswith("test:")
