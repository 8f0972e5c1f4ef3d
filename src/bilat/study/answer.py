"""answer.json: the study's conclusions as JSON, and the schema bilat ships for it.

The schema (``bilat/study/answer.schema.json``, JSON Schema 2020-12) is a
contract: every section carries a ``status`` (``ok``, ``not_available`` or
``failed``) and a ``reason``; a section whose stage did not run holds no
numbers, never placeholders.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache
from typing import Any

import pandas as pd

from bilat import __version__
from bilat._paths import package_data
from bilat.errors import ValidationError
from bilat.study.comparative import panel_block
from bilat.study.result import StudyResult

__all__ = ["SCHEMA_VERSION", "answer_schema", "build_answer", "evidence_of", "validate_answer"]

SCHEMA_VERSION = "1"

#: Which stage each section of answer.json reports on.
_SECTION_STAGE = {
    "answer": "answer",
    "claims": "claims",
    "policies": "policies",
    "sensitivity": "sensitivity",
    "calibration": "calibrate",
    "measures": "measure",
    "coded": "code",
    "panel": "panel",
}


@cache
def answer_schema() -> dict[str, Any]:
    """Return the JSON schema of answer.json (a dict; do not mutate it)."""
    path = package_data("study", "answer.schema.json")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def validate_answer(answer: dict[str, Any]) -> None:
    """Check ``answer`` against :func:`answer_schema`.

    Raises
    ------
    ValidationError
        Naming the first offending field (as a JSON path) and the schema's complaint.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(answer_schema())
    errors = sorted(validator.iter_errors(answer), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise ValidationError(
            f"answer.json does not match its schema: {first.message}",
            field=where,
            value=None,
        )


def _clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN -> None, numpy scalars -> Python, dates -> ISO text."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def _section(result: StudyResult, key: str) -> dict[str, Any]:
    stage = result.stage(_SECTION_STAGE[key])
    if stage is None:
        return {"status": "not_available", "reason": "this stage did not run"}
    if stage.status == "ok":
        return {"status": "ok", "reason": None}
    return {"status": stage.status, "reason": stage.reason or stage.status}


def _label(ref: dict[str, Any]) -> str:
    """A display label of a reference (never parsed back)."""
    if ref["kind"] == "event":
        return str(ref["event"])
    column = f" ({ref['column']})" if ref.get("column") else ""
    return f"{ref['series']}{column} {ref['year']}"


def evidence_of(result: StudyResult, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The record items behind a claim, with their dates, summaries and citations.

    Each reference is structured (see :class:`bilat.claims.Evidence`): an event
    by its id (``{"kind": "event", "event": ID}``) or the row of an annual
    series for a year (``{"kind": "series", "series": NAME, "year": YEAR,
    "column": COLUMN or None}``). An item found nowhere is kept with
    ``found: false`` and empty fields, so that a reader sees a dangling
    reference rather than losing it.
    """
    events = result.events
    wanted = [str(r["event"]) for r in refs if r["kind"] == "event"]
    by_id: dict[str, dict[str, Any]] = {}
    if not events.empty and wanted:
        for record in events[events["id"].isin(wanted)].to_dict("records"):
            by_id[str(record["id"])] = {str(k): v for k, v in record.items()}
    out = []
    for ref in refs:
        empty: dict[str, Any] = {
            "id": _label(ref),
            "ref": dict(ref),
            "found": False,
            "date": None,
            "summary": None,
            "citation": None,
            "url": None,
            "cameo": None,
            "dataset": None,
        }
        if ref["kind"] != "event":
            out.append(_series_evidence(result, ref, empty))
            continue
        row = by_id.get(str(ref["event"]))
        if row is None:
            out.append(empty)
            continue
        out.append(
            dict(
                empty,
                found=True,
                date=_clean(row.get("date")),
                summary=_clean(row.get("sentence") or row.get("actor_text")),
                citation=_clean(row.get("citation")),
                url=_clean(row.get("url")),
                cameo=_clean(row.get("cameo")),
                dataset=_clean(row.get("dataset")),
            )
        )
    return out


#: Columns of a series row that describe it rather than measure something.
_META_COLUMNS = ("year", "source", "estimate", "note", "notes", "convention", "citation")


def _series_evidence(
    result: StudyResult, ref: dict[str, Any], empty: dict[str, Any]
) -> dict[str, Any]:
    """The ``year`` row of a record series (its ``column`` first), with its source."""
    name, year, column = str(ref["series"]), int(ref["year"]), ref.get("column")
    frame = result.series.get(name)
    if frame is None or "year" not in frame or (column is not None and column not in frame):
        return empty
    rows = frame[frame["year"] == year]
    if rows.empty:
        return empty
    row = rows.iloc[0]
    columns = [column] if column is not None else list(frame.columns)
    values = [
        f"{c} {row[c]}"
        for c in columns
        if c not in _META_COLUMNS
        and isinstance(row[c], str | int | float)
        and str(row[c]) not in ("", "nan", "None")
    ][:4]
    estimate = " (estimate)" if bool(row.get("estimate", False)) else ""
    return dict(
        empty,
        found=True,
        date=str(year),
        summary=f"{name} series, {year}: " + ", ".join(values) + estimate,
        citation=_clean(row.get("source")),
        dataset=f"series:{name}",
    )


def build_answer(result: StudyResult) -> dict[str, Any]:
    """Assemble answer.json from a study's result (the schema's shape, JSON-safe)."""
    case = result.case
    answer = _section(result, "answer")
    given = result.answer if answer["status"] == "ok" else {}
    answer.update(
        {
            "statement": given.get("statement"),
            "verdict": given.get("verdict"),
            "estimate": given.get("estimate"),
            "probability": given.get("probability"),
            "conditions": list(given.get("conditions", [])),
            "caveats": list(given.get("caveats", [])),
            "outcomes": list(given.get("outcomes", [])),
        }
    )
    for key in ("validation", "scenarios", "elements", "discovery", "what_would_decide"):
        if key in given:
            answer[key] = given[key]
    if given:
        answer["basis"] = given.get("basis", "model")
    claims = _section(result, "claims")
    claims["items"] = [
        {
            "id": c["id"],
            "claim": c["claim"],
            "verdict": c["verdict"],
            "statistic": c.get("statistic"),
            "interval": c.get("interval"),
            "explanation": c.get("explanation"),
            "series": list(c.get("series", [])),
            "interval_kind": c.get("interval_kind"),
            "evidence": evidence_of(result, list(c.get("evidence", []))),
        }
        for c in (result.claims if claims["status"] == "ok" else [])
    ]
    policies = _section(result, "policies")
    policies["baseline"] = case.policies[1] if len(case.policies) > 1 else None
    policies["items"] = result.policies if policies["status"] == "ok" else []
    sensitivity = _section(result, "sensitivity")
    sens = result.sensitivity if sensitivity["status"] == "ok" else {}
    sensitivity.update(
        {
            "method": sens.get("method"),
            "target": sens.get("target"),
            "items": list(sens.get("items", [])),
            "conditions": list(sens.get("conditions", [])),
        }
    )
    calibration = _section(result, "calibration")
    cal = result.calibration if calibration["status"] == "ok" else {}
    calibration.update(
        {
            "method": cal.get("method"),
            "budget": result.budget,
            "parameters": list(cal.get("parameters", [])),
            "until": cal.get("until"),
            "holdout": cal.get("holdout"),
        }
    )
    measures = _section(result, "measures")
    measures["events"] = len(result.events)
    measures["phases"] = [
        {"start": str(p["start"]), "end": str(p["end"]), "label": str(p["label"])}
        for p in result.measures.get("phases", [])
    ]
    coded = _section(result, "coded")
    coded["documents"] = [
        {
            "file": d["file"],
            "doc_id": d.get("doc_id"),
            "doc_date": str(d["doc_date"]),
            "events": int(d["events"]),
            "facts": int(d["facts"]),
        }
        for d in result.documents
    ]
    payload = {
        "schema_version": SCHEMA_VERSION,
        "bilat_version": __version__,
        "case": case.name,
        "title": case.title,
        "dyad": case.dyad,
        "question": case.question,
        "answer": answer,
        "claims": claims,
        "policies": policies,
        "sensitivity": sensitivity,
        "calibration": calibration,
        "measures": measures,
        "coded": coded,
        "panel": panel_block(result, _section(result, "panel")),
        "stages": [s.to_dict() for s in result.stages],
        "sources": result.sources,
        "run": {
            "seed": result.seed,
            "budget": result.budget,
            "seconds": round(result.seconds, 3),
            "events": len(result.events),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }
    cleaned: dict[str, Any] = _clean(payload)
    return cleaned
