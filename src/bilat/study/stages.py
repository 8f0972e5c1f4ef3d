"""The stages of a study, each a thin adapter over the subpackage that owns the work.

Every stage takes a :class:`Context` and fills in part of its
:class:`~bilat.study.result.StudyResult`. A stage raises :class:`NotAvailable`
(with the reason) when an input it needs is missing; the study records that
and goes on. A subpackage that cannot be imported is an error, not a missing
input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from bilat.errors import InputError
from bilat.events import EventStore
from bilat.study.case import dyads_with
from bilat.study.output import OutputFolder
from bilat.study.result import StudyResult
from bilat.study.sources import collect_sources

__all__ = [
    "FACT_MODALITIES",
    "HEADLINE_OUTCOME",
    "OUTCOME_UNITS",
    "Context",
    "NotAvailable",
    "ReportWriter",
    "answer",
    "calibrate",
    "code_texts",
    "collect_sources",
    "compare_policies",
    "evaluate_claims",
    "load_record",
    "measure",
    "sensitivity",
    "write_answer",
    "write_outputs",
]

#: Modalities that count as facts (the coder's default).
FACT_MODALITIES = ("asserted", "reported")


class ReportWriter(Protocol):
    """Writes a finished study's report into its output folder (``bilat.report.write_report``).

    The caller passes it in, so :mod:`bilat.study` never imports :mod:`bilat.report`.
    """

    def __call__(
        self, result: StudyResult, out: str | Path, *, folder: OutputFolder | None = None
    ) -> object:
        """Write ``report.html`` and the figures for ``result`` into ``out``."""


class NotAvailable(Exception):  # noqa: N818 - a stage outcome, not an error
    """A stage cannot run: an input it needs is missing."""


@dataclass
class Context:
    """What the stages share: the result being built, the store and the inputs."""

    result: StudyResult
    store: EventStore
    texts: list[Path] = field(default_factory=list)
    doc_date: dt.date = dt.date(2016, 1, 1)
    scratch: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    output: OutputFolder | None = None
    db: Path | None = None
    writer: ReportWriter | None = None

    def refresh_events(self) -> None:
        """Re-read every event of the store into ``result.events``."""
        self.result.events = self.store.query()


def _api(module: str, *names: str) -> Any:
    """The first of ``names`` that ``module`` defines.

    Raises
    ------
    ImportError
        When the module cannot be imported or defines none of ``names``: a broken
        install, which fails the stage (it is not a missing input).
    """
    mod = importlib.import_module(module)
    for name in names:
        found = getattr(mod, name, None)
        if found is not None:
            return found
    raise ImportError(f"{module} does not provide {' or '.join(names)}", name=module)


# -- record ---------------------------------------------------------------------------------------
def load_record(ctx: Context) -> None:
    """Gather the case's data: its curated record (if one ships), a user's store, the panel rows.

    * the curated record (events and annual series, :mod:`bilat.record`) when
      the case names one (only a shipped case file does);
    * the dyad's events from a user's store (``--db``: ingested GDELT, ICEWS...),
      copied into the study's own store, so they feed the measures;
    * the client's dyad-year rows of the panel (:mod:`bilat.panel`) as the
      ``panel`` series (aid by type, UNGA agreement, sanctions, arms shares).

    What was found and what was not is listed in ``result.measures["data"]``;
    the stage is not available only when none of them holds anything.
    """
    case = ctx.result.case
    notes: list[str] = []
    if case.record is not None:
        load = _api("bilat.record", "load")
        load(ctx.store)
        series = _api("bilat.record", "series")
        names = _api("bilat.record", "series_names")
        ctx.result.series = {str(name): series(name) for name in names()}
        notes.append(f"curated record {case.record!r}: {ctx.store.count()} sourced events")
    else:
        notes.append(f"no curated record ships for {case.dyad} (only for {dyads_with('record')})")
    if ctx.db is not None:
        with EventStore(ctx.db, read_only=True) as user:
            found = user.query(case.dyad)
        if not found.empty:
            ctx.store.insert(found, file=str(ctx.db), dataset=None)
        notes.append(f"{len(found)} events of {case.dyad} from the store {ctx.db}")
    else:
        notes.append("no event store was given (--db), so no ingested events")
    rows = panel_rows(ctx)
    if rows.empty:
        notes.append(f"the panel has no rows for {case.client}")
    else:
        ctx.result.series["panel"] = rows
        if not case.eras:
            from bilat.study.derived import panel_eras

            ctx.result.measures["eras"] = panel_eras(rows)
        notes.append(
            f"panel: {len(rows)} dyad-years of {case.client}, "
            f"{int(rows['year'].min())}–{int(rows['year'].max())}"
        )
    ctx.result.measures["data"] = notes
    ctx.refresh_events()
    if not ctx.result.series and ctx.result.events.empty:
        raise NotAvailable("; ".join(notes))


def shipped_panel(ctx: Context) -> pd.DataFrame:
    """The panel the study reads (a caller may hand its own in as ``scratch["panel"]``)."""
    if "panel" not in ctx.scratch:
        load_panel = _api("bilat.panel", "load_panel")
        ctx.scratch["panel"] = load_panel()
    panel: pd.DataFrame = ctx.scratch["panel"]
    return panel


def panel_rows(ctx: Context) -> pd.DataFrame:
    """The client's dyad-year rows of the panel, within the case's period, by year."""
    case = ctx.result.case
    panel = shipped_panel(ctx)
    rows = panel[(panel["iso3"] == case.client) & panel["year"].between(case.since, case.until)]
    return rows.sort_values("year").reset_index(drop=True)


# -- coding -------------------------------------------------------------------------------------
def code_texts(ctx: Context) -> None:
    """Code each ``--text`` document into the store (every modality kept, facts flagged)."""
    if not ctx.texts:
        raise NotAvailable("no text documents were given (use --text FILE)")
    coder_class = _api("bilat.coding", "Coder")
    coder = coder_class(modalities=None)
    frames = []
    for path in ctx.texts:
        data = path.read_bytes()  # the coder decodes it, and refuses binary data by name
        doc_id = "doc:" + hashlib.sha256(data).hexdigest()[:16]
        try:
            events = coder.code_records(data, ctx.doc_date, doc_id)
        except InputError as err:
            if err.file is not None:
                raise
            raise InputError(err.reason, file=path, field="--text", value=err.value) from err
        frame = events if isinstance(events, pd.DataFrame) else pd.DataFrame(events)
        if not frame.empty:
            ctx.store.insert(frame, file=str(path), dataset="coded")
        facts = int(frame["modality"].isin(FACT_MODALITIES).sum()) if not frame.empty else 0
        ctx.result.documents.append(
            {
                "file": path.name,
                "doc_id": doc_id,
                "doc_date": ctx.doc_date.isoformat(),
                "events": len(frame),
                "facts": facts,
            }
        )
        frames.append(frame.assign(doc_id=doc_id) if not frame.empty else frame)
    ctx.result.coded = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# -- measure ------------------------------------------------------------------------------------
def measure(ctx: Context) -> None:
    """Every measure of the dyad (series, phases, breadth, reciprocity, latent score) on facts."""
    if ctx.store.count() == 0:
        raise NotAvailable("the store holds no events (neither the record nor coded text)")
    measure_dyad = _api("bilat.measure", "measure_dyad")
    case = ctx.result.case
    facts = ctx.result.events[ctx.result.events["modality"].isin(FACT_MODALITIES)]
    found = measure_dyad(
        facts,
        case.dyad,
        freq="year",
        since=dt.date(case.since, 1, 1),
        until=dt.date(case.until, 12, 31),
        seed=ctx.result.seed,
    )
    ctx.scratch["measures"] = found
    if not case.episodes:
        from bilat.study.derived import largest_episodes

        ctx.result.measures["episodes"] = largest_episodes(facts)
    measures = ctx.result.measures
    measures["yearly"] = found.series
    measures["breadth"] = found.breadth
    measures["notes"] = list(found.notes)
    direction = f"{case.patron}->{case.client}"
    hmm = found.phases.get("hmm", {}).get(direction)
    if hmm is not None:
        measures["phases"] = [
            {"start": row["start"], "end": row["end"], "label": row["label"]}
            for row in hmm.phases.to_dict("records")
        ]
        measures["transitions"] = hmm.transitions
        measures["phase_method"] = f"hidden Markov model, {direction}"
    if found.latent is not None:
        measures["latent"] = found.latent.scores
    if found.reciprocity is not None:
        measures["reciprocity"] = found.reciprocity.to_dict()


# -- claims -------------------------------------------------------------------------------------
def evaluate_claims(ctx: Context) -> None:
    """Test the article's claims on the built-in record.

    The claims run on the record alone, not on the coded article: testing the
    article's claims on the article's own assertions would be circular.
    """
    if ctx.result.case.record is None:
        raise NotAvailable(
            f"no curated record ships for {ctx.result.case.dyad}, and the article's claims "
            f"are tested on a curated record (one ships only for {dyads_with('record')})"
        )
    if not ctx.result.available("record"):
        raise NotAvailable("the built-in record did not load, and the claims are tested on it")
    from_record = _api("bilat.claims", "from_record")
    run_claims = _api("bilat.claims", "run_claims")
    case = ctx.result.case
    chosen = _api("bilat.claims", "CLAIMS")
    if case.claims:
        claim_class = _api("bilat.claims", "claim_class")
        chosen = tuple(claim_class(claim_id) for claim_id in case.claims)
    verdicts = run_claims(from_record(case.patron, case.client), chosen, seed=ctx.result.seed)
    ctx.result.claims = [_claim_dict(v) for v in verdicts]


_VERDICTS = {
    "supported": "supported",
    "not supported": "not_supported",
    "not_supported": "not_supported",
    "mixed": "mixed",
    "insufficient data": "insufficient_data",
    "insufficient_data": "insufficient_data",
}


def _claim_dict(verdict: Any) -> dict[str, Any]:
    """A claim result (``bilat.claims.ClaimResult`` or its dict) in answer.json's shape."""
    data = verdict.to_dict() if hasattr(verdict, "to_dict") else dict(verdict)
    kind = str(data.get("interval_kind") or "")
    level_match = re.search(r"(\d+(?:\.\d+)?)\s*%", kind)
    level = float(level_match.group(1)) / 100 if level_match else 0.9
    interval = data.get("interval")
    if isinstance(interval, list | tuple) and len(interval) == 2:
        interval = {"low": interval[0], "high": interval[1], "level": level}
    statistic = data.get("statistic")
    if isinstance(statistic, str):
        statistic = {"name": statistic, "value": data.get("value")}
    return {
        "id": str(data.get("claim_id") or data.get("id")),
        "claim": str(data.get("title") or data.get("claim")),
        "verdict": _VERDICTS.get(str(data.get("verdict")).replace("-", " "), "insufficient_data"),
        "statistic": statistic,
        "interval": interval,
        "interval_kind": kind or None,
        "explanation": data.get("reason") or data.get("explanation"),
        "series": [str(s) for s in data.get("series", [])],
        "evidence": [_evidence_ref(e) for e in data.get("evidence", [])],
    }


def _evidence_ref(item: Any) -> dict[str, Any]:
    """A claim's evidence item as answer.json's ``ref`` (a plain string is an event id)."""
    if hasattr(item, "to_dict"):
        item = item.to_dict()
    if isinstance(item, dict):
        year = item.get("year")
        return {
            "kind": str(item["kind"]),
            "event": None if item.get("event") is None else str(item["event"]),
            "series": None if item.get("series") is None else str(item["series"]),
            "year": None if year is None else int(year),
            "column": None if item.get("column") is None else str(item["column"]),
        }
    return {"kind": "event", "event": str(item), "series": None, "year": None, "column": None}


# -- model ------------------------------------------------------------------------------------
#: Units of the simulator's outcomes (every outcome is better when lower).
OUTCOME_UNITS = {
    "trust_deficit": "share (0-1)",
    "us_distrust": "share (0-1)",
    "pk_distrust": "share (0-1)",
    "militant_threat": "index (0-1)",
    "china_dependence": "share (0-1)",
    "rupture": "probability",
    "cost": "$ billion",
}
#: The outcome that answers the article's question ("diminishing the trust deficit").
HEADLINE_OUTCOME = "trust_deficit"


def _interval(low: Any, high: Any, level: float = 0.9) -> dict[str, Any]:
    return {"low": _float(low), "high": _float(high), "level": level}


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number


def not_calibrated(case: Any) -> str:
    """Why the strategic model does not run for ``case`` (its model is calibrated elsewhere)."""
    return (
        f"the strategic model is calibrated on {dyads_with('model')} only; it is not "
        f"calibrated for {case.dyad}, so it is not run (its parameters, fitted to another "
        "dyad's record, would say nothing about this one)"
    )


def calibrate(ctx: Context) -> None:
    """Calibrate the strategic model to the record (ABC-SMC, with its checks)."""
    case = ctx.result.case
    if case.model is None:
        raise NotAvailable(not_calibrated(case))
    run = _api("bilat.sim", "calibrate")
    fit = run(case=case.model, budget=ctx.result.budget, seed=ctx.result.seed)
    ctx.scratch["posterior"] = fit
    parameters = [
        {
            "name": row["parameter"],
            "prior": _interval(*row["prior_90"]),
            "posterior": _interval(*row["posterior_90"]),
            "median": _float(row["posterior_median"]),
            "width_ratio": _float(row["width_ratio"]),
            "verdict": row.get("verdict"),
            "meaning": row.get("meaning"),
        }
        for row in fit.identification
    ]
    rows = []
    years = list(fit.fit.get("years", []))
    for name, values in fit.fit.items():
        if name == "years" or not isinstance(values, dict):
            continue
        for i, year in enumerate(years):
            rows.append(
                {
                    "series": name.replace("_", " "),
                    "year": int(year),
                    "observed": _float(values["observed"][i]),
                    "median": _float(values["mean"][i]),
                    "low": _float(values["lo"][i]),
                    "high": _float(values["hi"][i]),
                }
            )
    ctx.result.calibration = {
        "method": "ABC-SMC (population Monte Carlo)",
        "until": fit.until,
        "parameters": parameters,
        "fit": rows,
        "holdout": fit.holdout,
        "sbc": fit.sbc,
        "notes": list(fit.notes),
        "timings": dict(fit.timings),
    }


def _forward_policies(ctx: Context) -> list[str]:
    """The case's policies that run forward from the record (the historical one replays it)."""
    return [p for p in ctx.result.case.policies if p != "historical"]


def compare_policies(ctx: Context) -> None:
    """Posterior-predictive outcomes of each policy, paired by common random numbers."""
    if "posterior" not in ctx.scratch:
        raise NotAvailable("the model was not calibrated")
    compare = _api("bilat.sim", "compare")
    get_policy = _api("bilat.sim", "get_policy")
    outcomes_meaning = _api("bilat.sim", "OUTCOMES")
    case = ctx.result.case
    baseline = case.policies[1]
    comparison = compare(
        _forward_policies(ctx), ctx.scratch["posterior"], seed=ctx.result.seed, baseline=baseline
    )
    ctx.scratch["comparison"] = comparison
    table = comparison.table
    items = []
    for name in pd.unique(table["policy"]):
        policy = get_policy(str(name))
        part = table[table["policy"] == name]
        outcomes = []
        for row in part.to_dict("records"):
            outcome = str(row["outcome"])
            outcomes.append(
                {
                    "name": outcome,
                    "label": outcome.replace("_", " "),
                    "meaning": outcomes_meaning.get(outcome),
                    "mean": _float(row["mean"]),
                    "interval": _interval(row["lo"], row["hi"]),
                    "unit": OUTCOME_UNITS.get(outcome),
                    "lower_is_better": True,
                    "difference": None if name == baseline else _float(row["diff"]),
                    "difference_interval": None
                    if name == baseline
                    else _interval(row["diff_lo"], row["diff_hi"]),
                    "p_better": _float(row["p_better"]),
                }
            )
        items.append(
            {
                "name": str(name),
                "label": policy.label,
                "description": (policy.__doc__ or "").strip().split("\n")[0],
                "sources": list(policy.sources),
                "outcomes": outcomes,
            }
        )
    ctx.result.policies = items
    ctx.result.measures["comparison"] = {
        "draws": comparison.draws,
        "runs": comparison.runs,
        "years": comparison.years,
        "baseline": comparison.baseline,
        "notes": list(comparison.notes),
    }


def sensitivity(ctx: Context) -> None:
    """Global sensitivity (Sobol) of "broadened minus security-only" to the model's parameters."""
    if "posterior" not in ctx.scratch:
        raise NotAvailable("the model was not calibrated")
    run = _api("bilat.sim", "sensitivity")
    case = ctx.result.case
    found = run(
        ctx.scratch["posterior"],
        seed=ctx.result.seed,
        proposal=case.policies[0],
        baseline=case.policies[1],
    )
    ctx.scratch["sensitivity"] = found
    items = []
    for row in found.table.to_dict("records"):
        index = row.get("ST", row.get("mu_star"))
        conf = row.get("ST_conf")
        interval = (
            _interval(float(index) - float(conf), float(index) + float(conf), 0.95)
            if conf is not None and index is not None
            else None
        )
        items.append(
            {
                "parameter": str(row["parameter"]),
                "outcome": str(row["outcome"]),
                "index": _float(index),
                "interval": interval,
                "flips_sign": bool(row["flips"]),
                "threshold": _float(row.get("threshold")),
            }
        )
    label = "Sobol total-order index" if found.method == "sobol" else "Morris mu*"
    ctx.result.sensitivity = {
        "method": f"{label} ({found.ranges} 90 % ranges, N = {found.samples})",
        "target": f"{case.policies[0]} minus {case.policies[1]}",
        "items": items,
        "conditions": list(found.conditions),
        "sign_flips": dict(found.sign_flips),
    }


def answer(ctx: Context) -> None:
    """The answer to the case's question, with its uncertainty and conditions.

    Without a calibrated model for the dyad, the answer rests on the panel's
    comparative evidence and the dyad's own series
    (:func:`bilat.study.comparative.panel_answer`).
    """
    if ctx.result.case.model is None:
        from bilat.study.comparative import panel_answer

        panel_answer(ctx)
        return
    if "comparison" not in ctx.scratch:
        raise NotAvailable("the policy experiments did not run")
    run = _api("bilat.sim", "answer")
    found = run(
        ctx.scratch["comparison"],
        ctx.scratch.get("sensitivity"),
        ctx.scratch.get("posterior"),
        proposal=ctx.result.case.policies[0],
        seed=ctx.result.seed,
    )
    headline = next((o for o in found.outcomes if o["outcome"] == HEADLINE_OUTCOME), None)
    estimate = None
    probability = None
    verdict = None
    if headline is not None:
        case = ctx.result.case
        estimate = {
            "name": f"{HEADLINE_OUTCOME.replace('_', ' ')}, {case.policies[0]} minus "
            f"{case.policies[1]}",
            "value": _float(headline["diff"]),
            "interval": _interval(headline["diff_lo"], headline["diff_hi"]),
            "unit": OUTCOME_UNITS[HEADLINE_OUTCOME],
        }
        probability = _float(headline["p_better"])
        verdict = str(headline["verdict"])
    ctx.result.answer = {
        "statement": found.statement,
        "verdict": verdict,
        "estimate": estimate,
        "probability": probability,
        "conditions": list(found.conditions),
        "caveats": list(found.caveats),
        "outcomes": [
            {
                "outcome": o["outcome"],
                "meaning": o.get("meaning"),
                "p_better": _float(o["p_better"]),
                "p_interval": _interval(o["p_lo"], o["p_hi"]),
                "difference": _float(o["diff"]),
                "difference_interval": _interval(o["diff_lo"], o["diff_hi"]),
                "verdict": o["verdict"],
                "p_prior": _float(o.get("p_prior")),
                "decided": o.get("decided"),
            }
            for o in found.outcomes
        ],
    }
    # the simulator's checks, bundle elements, scenario table and scenario discovery
    extra = found.to_dict()
    for key in ("validation", "scenarios", "elements", "discovery", "what_would_decide"):
        if key in extra:
            ctx.result.answer[key] = extra[key]


# -- outputs ------------------------------------------------------------------------------------
def write_outputs(ctx: Context) -> None:
    """Export the events, draw the figures and write report.html (when there is a folder)."""
    result = ctx.result
    result.sources = collect_sources(result)
    result.seconds = time.perf_counter() - ctx.started
    if ctx.output is None:
        return
    target = ctx.output.claim("events.parquet")
    partial = target.with_name(f".{target.name}.partial")
    try:
        ctx.store.export(partial, "parquet")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    if ctx.writer is None:
        raise NotAvailable(
            "no report writer was given (the CLI passes bilat.report.write_report); "
            "events.parquet and answer.json are written"
        )
    ctx.writer(result, ctx.output.path, folder=ctx.output)


def write_answer(ctx: Context) -> None:
    """Write answer.json, checked against its schema."""
    from bilat.study.answer import build_answer, validate_answer

    result = ctx.result
    assert ctx.output is not None
    payload = build_answer(result)
    validate_answer(payload)
    ctx.output.write_text("answer.json", json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
