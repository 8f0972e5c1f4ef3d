"""What-if questions on a case: edit a policy, run the simulator, code or ingest an upload.

Plain functions over plain data, used by the web app (:mod:`bilat.app`) and
usable from Python. Nothing here reads a path that a caller supplies: uploads
arrive as bytes or text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.util
import io
import json
import threading
from typing import Any

import pandas as pd

from bilat.errors import FormatError, InputError
from bilat.events import EventStore
from bilat.study.case import Case
from bilat.study.result import StudyResult

__all__ = [
    "MAX_CODED_ITEMS",
    "WHAT_IF_DRAWS",
    "Unavailable",
    "code_upload",
    "coder_available",
    "decode_text",
    "edited_policy",
    "ingest_upload",
    "load_record_into",
    "policy_catalogue",
    "posterior_for",
    "record_available",
    "simulator_available",
    "what_if",
]

#: At most this many coded events are returned in one answer.
MAX_CODED_ITEMS = 500


class Unavailable(Exception):  # noqa: N818 - a condition reported to the user, not a bug
    """A subpackage the request needs is not available in this installation."""


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def simulator_available() -> bool:
    """Whether :mod:`bilat.sim` is importable."""
    return _has("bilat.sim")


def coder_available() -> bool:
    """Whether :mod:`bilat.coding` and spaCy are importable."""
    return _has("bilat.coding") and _has("spacy")


def record_available() -> bool:
    """Whether :mod:`bilat.record` is importable."""
    return _has("bilat.record")


def load_record_into(case: Case, store: EventStore) -> str:
    """Load the case's record into ``store``; returns ``"ok"`` or why it could not."""
    from bilat.study.stages import Context, NotAvailable, load_record

    context = Context(result=StudyResult(case=case, seed=0, budget=1), store=store)
    try:
        load_record(context)
    except NotAvailable as why:
        return f"not available: {why}"
    except ImportError as err:
        return f"not available: {err}"
    return "ok"


# -- policies and the simulator -----------------------------------------------------------------
def _sim() -> Any:
    try:
        import bilat.sim as sim
    except ImportError as err:
        raise Unavailable(f"the simulator (bilat.sim) is not available: {err}") from err
    return sim


def _policies_module() -> Any:
    try:
        from bilat.sim import policies
    except ImportError as err:
        raise Unavailable(f"the simulator's policies are not available: {err}") from err
    return policies


def policy_catalogue(case: Case) -> dict[str, Any]:
    """The case's forward policies with their instruments, and each instrument's range and unit.

    The historical policy replays the record and is left out.
    """
    policies = _policies_module()
    from bilat.sim.instruments import AID_FIELDS, INSTRUMENT_FIELDS

    items = []
    for name in case.policies:
        if name == "historical":  # replays the record: nothing to ask "what if" of
            continue
        policy = policies.get_policy(name)
        described = policy.describe()
        instruments = {
            k: float(v)
            for k, v in described.get("instruments", {}).items()
            if k in INSTRUMENT_FIELDS
        }
        items.append(
            {
                "name": policy.name,
                "label": policy.label,
                "sources": list(policy.sources),
                "editable": isinstance(policy, policies.ConstantPolicy),
                "instruments": instruments,
            }
        )
    ranges = []
    for field in INSTRUMENT_FIELDS:
        if field in AID_FIELDS:
            ranges.append({"name": field, "min": 0.0, "max": 5.0, "step": 0.1, "unit": "$ bn/year"})
        elif field == "commitment":
            ranges.append({"name": field, "min": 0.0, "max": 10.0, "step": 1.0, "unit": "years"})
        else:
            ranges.append({"name": field, "min": 0.0, "max": 1.0, "step": 0.05, "unit": "0-1"})
    return {"policies": items, "instruments": ranges, "baseline": _baseline(case)}


def _baseline(case: Case) -> str:
    return case.policies[1] if len(case.policies) > 1 else case.policies[0]


def edited_policy(case: Case, name: str, instruments: dict[str, float]) -> Any:
    """The built-in policy ``name``, with some instruments replaced (validated).

    An edited policy is named ``"NAME (edited)"`` so that it never passes for
    the built-in one.
    """
    policies = _policies_module()
    from bilat.sim.instruments import INSTRUMENT_FIELDS

    if name not in case.policies:
        from bilat.errors import UnknownCodeError

        raise UnknownCodeError("policy", name, list(case.policies))
    policy = policies.get_policy(name)
    if not instruments:
        return policy
    unknown = sorted(set(instruments) - set(INSTRUMENT_FIELDS))
    if unknown:
        raise InputError(
            f"unknown instrument {unknown[0]!r}; choose from {', '.join(INSTRUMENT_FIELDS)}",
            field="instruments",
            value=unknown[0],
        )
    if not isinstance(policy, policies.ConstantPolicy):
        raise InputError(
            f"policy {name!r} replays the record and cannot be edited; edit another policy",
            field="policy",
            value=name,
        )
    edited_class = type(
        f"Edited{type(policy).__name__}",
        (type(policy),),
        {"name": f"{policy.name} (edited)", "__doc__": f"{policy.name}, edited in a what-if."},
    )
    values = {f.name: getattr(policy, f.name) for f in dataclasses.fields(policy)}
    values.update({k: float(v) for k, v in instruments.items()})
    edited = edited_class(**values)
    edited.instruments()  # validates the ranges
    return edited


_POSTERIORS: dict[tuple[str, int], Any] = {}
_POSTERIOR_LOCK = threading.Lock()
#: Parameter draws of a what-if run (its runs are spread over them).
WHAT_IF_DRAWS = 50


def posterior_for(case: Case, seed: int = 0) -> Any:
    """The case's calibrated posterior for what-if runs (quick budget, cached per process)."""
    sim = _sim()
    key = (case.name, seed)
    with _POSTERIOR_LOCK:
        if key not in _POSTERIORS:
            _POSTERIORS[key] = sim.calibrate(
                case=case.name, budget=sim.QUICK_BUDGET, seed=seed, check=False
            )
        return _POSTERIORS[key]


def what_if(
    case: Case,
    policy: str,
    instruments: dict[str, float] | None = None,
    *,
    runs: int = 500,
    years: int = 15,
    seed: int = 0,
) -> dict[str, Any]:
    """Simulate a (possibly edited) policy against the baseline with common random numbers.

    The parameters come from the case's calibrated posterior (:func:`posterior_for`);
    ``runs`` are spread over :data:`WHAT_IF_DRAWS` parameter draws.

    Returns
    -------
    dict
        ``policy``, ``baseline``, ``instruments`` (as used), ``runs``, ``years``,
        ``seed`` and ``outcomes``: per outcome its mean and 90 % interval (over
        parameter draws), the baseline's mean, and the paired difference with
        its interval.
    """
    sim = _sim()
    baseline_name = _baseline(case)
    if policy == "historical":
        raise InputError(
            "the historical policy replays the record; choose a forward policy for a what-if",
            field="policy",
            value=policy,
        )
    chosen = edited_policy(case, policy, dict(instruments or {}))
    baseline = edited_policy(case, baseline_name, {})
    pair = [baseline] if chosen.name == baseline.name else [chosen, baseline]
    per_draw = max(1, runs // WHAT_IF_DRAWS)
    comparison = sim.compare(
        pair,
        posterior_for(case),
        runs=per_draw,
        years=years,
        seed=seed,
        draws=WHAT_IF_DRAWS,
        case=case.name,
        baseline=baseline_name,
    )
    table = comparison.table.set_index(["policy", "outcome"])
    outcomes = []
    for outcome in pd.unique(comparison.table["outcome"]):
        row = table.loc[(chosen.name, outcome)]
        base = table.loc[(baseline_name, outcome)]
        same = chosen.name == baseline_name
        outcomes.append(
            {
                "name": str(outcome),
                "label": str(outcome).replace("_", " "),
                "mean": float(row["mean"]),
                "interval": {"low": float(row["lo"]), "high": float(row["hi"]), "level": 0.9},
                "baseline_mean": float(base["mean"]),
                "difference": 0.0 if same else float(row["diff"]),
                "difference_interval": None
                if same
                else {"low": float(row["diff_lo"]), "high": float(row["diff_hi"]), "level": 0.9},
                "lower_is_better": True,
                "unit": _UNITS.get(str(outcome)),
            }
        )
    used = {f: float(getattr(chosen, f)) for f in _instrument_fields()}
    return {
        "policy": chosen.name,
        "baseline": baseline_name,
        "instruments": used,
        "runs": per_draw * WHAT_IF_DRAWS,
        "years": years,
        "seed": seed,
        "outcomes": outcomes,
    }


def _instrument_fields() -> tuple[str, ...]:
    from bilat.sim.instruments import INSTRUMENT_FIELDS

    return tuple(INSTRUMENT_FIELDS)


_UNITS = {
    "trust_deficit": "share (0-1)",
    "militant_threat": "index (0-1)",
    "china_dependence": "share (0-1)",
    "rupture": "probability",
    "cost": "$ billion",
}


# -- uploads ------------------------------------------------------------------------------------
def _ingest_auto(data: bytes, store: EventStore) -> dict[str, Any]:
    try:
        from bilat.ingest import ingest
    except ImportError as err:
        raise Unavailable(f"bilat.ingest is not available: {err}") from err
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="bilat-upload-") as folder:
        path = Path(folder) / "upload.dat"  # bilat's name, never the client's
        path.write_bytes(data)
        report = ingest([path], store)
        quarantined = store.quarantined()
        mine = quarantined[quarantined["file"] == str(path)]
    totals = {"read": 0, "stored": 0, "duplicates": 0, "quarantined": 0}
    for result in report.files:
        for key in totals:
            totals[key] += int(getattr(result, key))
    reasons = [
        f"row {row['line']}" + (f", field {row['field']}" if row["field"] else "") + f": "
        f"{row['reason']}"
        for row in mine.head(20).to_dict("records")
    ]
    return {**totals, "reasons": reasons}


def decode_text(data: bytes) -> str:
    """Decode an uploaded text, refusing binary data (:class:`~bilat.errors.InputError`)."""
    if b"\x00" in data[:65536]:
        raise InputError("looks like binary data; upload a UTF-8 text file", field="file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"is not UTF-8 text (byte {err.start}); upload a UTF-8 text file", field="file"
        ) from err


def code_upload(text: str, doc_date: dt.date, store: EventStore | None) -> dict[str, Any]:
    """Code a text into events (every modality); add them to ``store`` when given."""
    if not coder_available():
        raise Unavailable("the coder (bilat.coding with spaCy) is not available")
    from bilat.coding import Coder

    doc_id = "upload:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
    records = Coder(modalities=None).code_records(text, doc_date, doc_id)
    stored = 0
    if store is not None and records:
        stored = store.insert(records, file=doc_id, dataset="coded").stored
    facts = sum(1 for r in records if r["modality"] in ("asserted", "reported"))
    items = [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
        for r in records[:MAX_CODED_ITEMS]
    ]
    return {
        "doc_id": doc_id,
        "doc_date": doc_date.isoformat(),
        "events": len(records),
        "facts": facts,
        "stored": stored,
        "items": items,
    }


def ingest_upload(data: bytes, fmt: str, store: EventStore) -> dict[str, Any]:
    """Add uploaded events to ``store`` (bad rows quarantined, with their reasons).

    ``fmt`` is ``auto`` (any format :mod:`bilat.ingest` recognises by content:
    GDELT, ICEWS, PLOVER/POLECAT, bilat's own; the bytes go to a temporary file
    whose name bilat chooses), or ``jsonl`` / ``csv`` for bilat's own event
    records, parsed in memory.

    Raises
    ------
    FormatError
        When the bytes are not events in the chosen format.
    """
    if fmt == "auto":
        return _ingest_auto(data, store)
    text = decode_text(data)
    rows: list[dict[str, Any]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise FormatError(f"not JSON: {err.msg}", file="upload", line=number) from err
            if not isinstance(row, dict):
                raise FormatError("each line must be a JSON object", file="upload", line=number)
            rows.append(row)
    elif fmt == "csv":
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
            raise FormatError(f"not CSV: {err}", file="upload") from err
        rows = [
            {str(k): (v if v != "" else None) for k, v in r.items()}
            for r in frame.to_dict("records")
        ]
    else:
        raise InputError(f"unknown format {fmt!r}; choose jsonl or csv", field="fmt", value=fmt)
    if not rows:
        raise FormatError("the file holds no events", file="upload")
    digest = hashlib.sha256(data).hexdigest()
    result = store.insert(rows, file=f"upload:{digest[:16]}", dataset=None)
    reasons = [
        f"row {q.line}" + (f", field {q.field}" if q.field else "") + f": {q.reason}"
        for q in result.quarantine[:20]
    ]
    return {
        "read": result.read,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "quarantined": result.quarantined,
        "reasons": reasons,
    }
