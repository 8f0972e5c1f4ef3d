"""The event record: bilat's one schema for events from every source.

One row per event; field names follow PLOVER where PLOVER has one (see
``DESIGN.md``). CAMEO codes are text, always: ``"010"``, never ``10``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
import pyarrow as pa

from bilat.errors import ValidationError

__all__ = [
    "DATE_PRECISIONS",
    "DOMAINS",
    "EVENT_FIELDS",
    "MODALITIES",
    "Field",
    "arrow_schema",
    "content_id",
    "empty_frame",
    "validate_frame",
    "validate_record",
]

DATE_PRECISIONS = ("day", "month", "year", "decade", "range")
DOMAINS = ("security", "economic", "diplomatic", "governance", "humanitarian")
MODALITIES = ("asserted", "reported", "hypothetical", "counterfactual", "prescriptive", "negated")


@dataclass(frozen=True)
class Field:
    """One column of the event record.

    ``kind`` is one of ``str``, ``date``, ``int``, ``float``; ``required``
    fields may not be missing; ``choices`` limits a text field's values.
    """

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""


EVENT_FIELDS: tuple[Field, ...] = (
    Field("id", "str", True, doc="stable id: the source's own, else a content hash"),
    Field("date", "date", True, doc="when it happened (the first day of a period)"),
    Field("date_end", "date", doc="last day, for periods"),
    Field("date_precision", "str", True, DATE_PRECISIONS),
    Field("actor_code", "str", doc="CAMEO-style actor code, e.g. PAKMIL"),
    Field("actor_country", "str", doc="ISO3 country of the actor"),
    Field("actor_sector", "str", doc="sector such as GOV, MIL, LEG, REB"),
    Field("actor_text", "str", doc="the actor as the source names it"),
    Field("recipient_code", "str"),
    Field("recipient_country", "str"),
    Field("recipient_sector", "str"),
    Field("recipient_text", "str"),
    Field("cameo", "str", True, doc="CAMEO event code as text"),
    Field("root", "str", True, doc="two-digit CAMEO root"),
    Field("event", "str", doc="PLOVER event type"),
    Field("mode", "str", doc="PLOVER mode"),
    Field("context", "str", doc="PLOVER context"),
    Field("quad", "int", True, doc="quad class 1-4"),
    Field("penta", "int", True, doc="penta class 0-4"),
    Field("goldstein", "float", True, doc="Goldstein weight, -10 to 10"),
    Field("domain", "str", True, DOMAINS),
    Field("modality", "str", True, MODALITIES),
    Field("dataset", "str", True, doc="gdelt1, gdelt2, icews, plover, record, coded, ..."),
    Field("source_id", "str", doc="the source's own id"),
    Field("doc_id", "str"),
    Field("sentence", "str", doc="the sentence that states it, for coded text"),
    Field("span", "str", doc="character span in the document, 'start:end'"),
    Field("url", "str"),
    Field("citation", "str"),
    Field("weight", "float", True, doc="mentions or articles, else 1"),
)

_BY_NAME = {f.name: f for f in EVENT_FIELDS}
_ARROW = {"str": pa.string(), "date": pa.date32(), "int": pa.int8(), "float": pa.float64()}
_SQL = {"str": "VARCHAR", "date": "DATE", "int": "TINYINT", "float": "DOUBLE"}


def arrow_schema() -> pa.Schema:
    """Return the Arrow schema of the event record."""
    return pa.schema([pa.field(f.name, _ARROW[f.kind], not f.required) for f in EVENT_FIELDS])


def sql_columns() -> str:
    """Return the column list of the event table as DuckDB DDL."""
    return ",\n".join(
        f"{f.name} {_SQL[f.kind]}{' NOT NULL' if f.required else ''}" for f in EVENT_FIELDS
    )


def empty_frame() -> pd.DataFrame:
    """Return an empty event frame with the schema's columns and dtypes."""
    return arrow_schema().empty_table().to_pandas()


def content_id(record: Mapping[str, Any], dataset: str) -> str:
    """Return a stable id for a record that has none: a hash of its content.

    The same content gives the same id in every run and on every machine.
    """
    keys = sorted(k for k in record if k not in ("id", "weight"))
    payload = json.dumps({k: _jsonable(record[k]) for k in keys}, sort_keys=True)
    digest = hashlib.sha256(f"{dataset}\x1f{payload}".encode()).hexdigest()[:20]
    return f"{dataset}:{digest}"


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NaT or (isinstance(value, str) and value == "")


def _coerce(field: Field, value: object) -> object:
    if _missing(value):
        if field.required:
            raise ValidationError("is required but missing", field=field.name, value=value)
        return None
    try:
        if field.kind == "str":
            text = str(value)
            if field.choices and text not in field.choices:
                raise ValidationError(
                    f"{text!r} is not one of {', '.join(field.choices)}",
                    field=field.name,
                    value=value,
                )
            return text
        if field.kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value))
        if field.kind == "int":
            if isinstance(value, bool) or float(str(value)) != int(float(str(value))):
                raise ValueError(value)
            return int(float(str(value)))
        number = float(str(value))
        if math.isnan(number) or math.isinf(number):
            raise ValueError(value)
        return number
    except ValidationError:
        raise
    except (TypeError, ValueError) as err:
        raise ValidationError(
            f"{value!r} is not a valid {field.kind}", field=field.name, value=value
        ) from err


def validate_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Check one event and return it with every field coerced to its type.

    Raises
    ------
    ValidationError
        Naming the field and the value, for an unknown field, a missing
        required field, a value of the wrong type or a value out of range.
    """
    unknown = sorted(set(record) - set(_BY_NAME))
    if unknown:
        raise ValidationError(
            f"unknown field(s) {', '.join(unknown)}; the event fields are " + ", ".join(_BY_NAME),
            field=unknown[0],
            value=record[unknown[0]],
        )
    out: dict[str, Any] = {f.name: _coerce(f, record.get(f.name)) for f in EVENT_FIELDS}
    cameo, root = str(out["cameo"]), str(out["root"])
    if not cameo.isdigit() or len(cameo) not in (2, 3, 4) or not cameo.startswith(root):
        raise ValidationError(
            f"CAMEO code {cameo!r} must be 2-4 digits as text and start with its root {root!r}",
            field="cameo",
            value=cameo,
        )
    _check_range(out, "quad", 1, 4)
    _check_range(out, "penta", 0, 4)
    _check_range(out, "goldstein", -10.0, 10.0)
    if out["weight"] is not None and float(out["weight"]) < 0:
        raise ValidationError("must not be negative", field="weight", value=out["weight"])
    if out["date_end"] is not None and out["date_end"] < out["date"]:
        raise ValidationError(
            f"ends before it starts ({out['date']})", field="date_end", value=out["date_end"]
        )
    return out


def _check_range(record: dict[str, Any], name: str, low: float, high: float) -> None:
    value = record[name]
    if value is not None and not low <= value <= high:
        raise ValidationError(f"must lie in [{low}, {high}]", field=name, value=value)


def validate_frame(records: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Validate many events and return them as a frame with the schema's dtypes.

    Raises at the first bad record, naming its position, field and value.
    """
    rows: Iterable[Mapping[str, Any]] = (
        cast(list[Mapping[str, Any]], records.to_dict("records"))
        if isinstance(records, pd.DataFrame)
        else records
    )
    checked = []
    for i, row in enumerate(rows):
        try:
            checked.append(validate_record(row))
        except ValidationError as err:
            raise ValidationError(
                f"record {i}: {err.reason}", field=err.field, value=err.value
            ) from err
    if not checked:
        return empty_frame()
    table = pa.Table.from_pylist(checked, schema=arrow_schema())
    return table.to_pandas()
