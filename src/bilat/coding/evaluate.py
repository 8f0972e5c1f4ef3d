"""Evaluate a coder against gold records with UD-PETRARCH's metric.

Per record, the expected and produced sets of (source, target, code) triples
give ``correct`` (expected and produced), ``uncoded`` (expected, missed) and
``extra`` (produced, not expected). Over a gold set::

    TP = correct / (correct + uncoded)      FN = uncoded / (correct + uncoded)
    FP = extra / records

as UD-PETRARCH reports them (its published run on PETR_Validate_records_2_02:
213 / 312 = 68.27 % and 56 / 244 = 22.95 %). Also per category.

Gold files are read as they are: the PETRARCH XML files (not well-formed XML;
split leniently on ``<Sentence``; ``evaluate="false"`` records and categories
left out of the file's ``<Include>`` are skipped, as UD-PETRARCH's validation
script does), the flat JSONL files derived from them, the PLOVER gold
standard (JSONL; scored on PLOVER event type and countries) and ConfliBERT's
``cameo_class`` TSV (5-way class; macro-F1).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.errors import FormatError, InputError

__all__ = [
    "EvalResult",
    "GoldRecord",
    "Tally",
    "evaluate",
    "macro_f1",
    "read_gold",
    "score",
]

PLOVER_OLD_TO_NEW = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "INVESTIGATE": "ACCUSE",
    "COOPERATE": "COOPERATE",
    "SUPPORT": "SUPPORT",
}


@dataclass
class GoldRecord:
    """One gold record: text, date, category and expected triples (or a label)."""

    id: str
    text: str
    date: dt.date | None = None
    category: str = ""
    events: list[tuple[str, str, str]] = field(default_factory=list)
    kind: str = "triples"
    label: str | None = None
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass
class Tally:
    """Counts over records: correct, uncoded, extra, records."""

    correct: int = 0
    uncoded: int = 0
    extra: int = 0
    records: int = 0

    @property
    def tp(self) -> float:
        """Share of expected triples produced (0-1)."""
        total = self.correct + self.uncoded
        return self.correct / total if total else 0.0

    @property
    def fn(self) -> float:
        """Share of expected triples missed (0-1)."""
        total = self.correct + self.uncoded
        return self.uncoded / total if total else 0.0

    @property
    def fp(self) -> float:
        """Extra triples per record."""
        return self.extra / self.records if self.records else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Counts and percentages (rounded to 2 decimals)."""
        return {
            "records": self.records,
            "correct": self.correct,
            "uncoded": self.uncoded,
            "extra": self.extra,
            "tp_pct": round(100 * self.tp, 2),
            "fn_pct": round(100 * self.fn, 2),
            "fp_pct": round(100 * self.fp, 2),
        }


def score(
    expected: Iterable[tuple[str, str, str]], produced: Iterable[tuple[str, str, str]]
) -> tuple[int, int, int]:
    """``(correct, uncoded, extra)`` for one record's expected and produced triples."""
    want, got = set(expected), set(produced)
    return len(want & got), len(want - got), len(got - want)


@dataclass
class EvalResult:
    """The outcome of an evaluation: the overall tally, per category, per record."""

    gold: str
    kind: str
    overall: Tally
    categories: dict[str, Tally]
    rows: list[dict[str, Any]]
    extra_metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, rows: bool = False) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        out: dict[str, Any] = {
            "gold": self.gold,
            "kind": self.kind,
            "overall": self.overall.to_dict(),
            "categories": {k: v.to_dict() for k, v in sorted(self.categories.items())},
            **self.extra_metrics,
        }
        if rows:
            out["rows"] = self.rows
        return out


# ------------------------------------------------------------------------- readers

_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    try:
        if len(digits) == 8:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return None


def _read_xml(path: Path, respect_include: bool) -> list[GoldRecord]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    include: set[str] | None = None
    found = re.search(r"<Include>([^<]*)", raw)
    if found and respect_include:
        include = {w.upper() for w in found.group(1).split()}
    out = []
    for chunk in raw.split("<Sentence")[1:]:
        head = chunk[: chunk.find(">")]
        attrs = dict(_ATTR.findall(head))
        if "id" not in attrs:
            continue
        if respect_include and attrs.get("evaluate", "true").lower() == "false":
            continue
        category = attrs.get("category", "") or attrs["id"].split("-")[0]
        if include is not None and category.upper() not in include:
            continue
        text_match = re.search(r"<Text>(.*?)</Text>", chunk, re.DOTALL)
        if text_match is None:
            continue
        text = " ".join(html.unescape(text_match.group(1)).split())
        events = []
        for coding in re.findall(r"<EventCoding\b([^>]*)>", chunk):
            a = dict(_ATTR.findall(coding))
            if {"sourcecode", "targetcode", "eventcode"} <= set(a):
                events.append(
                    (
                        html.unescape(a["sourcecode"]),
                        html.unescape(a["targetcode"]),
                        html.unescape(a["eventcode"]),
                    )
                )
        out.append(GoldRecord(attrs["id"], text, _date(attrs.get("date")), category, events))
    return out


def _read_jsonl(path: Path) -> list[GoldRecord]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise FormatError(f"not JSON: {err.msg}", file=path, line=n) from err
            text = " ".join(str(row.get("text", "")).split())
            if "events" in row:
                events = [
                    (html.unescape(e["source"]), html.unescape(e["target"]), e["code"])
                    for e in row["events"]
                ]
                out.append(
                    GoldRecord(
                        str(row.get("id", n)),
                        text,
                        _date(row.get("date")),
                        row.get("category") or str(row.get("id", "")).split("-")[0],
                        events,
                    )
                )
            elif "event" in row:
                event = PLOVER_OLD_TO_NEW.get(row["event"], row["event"])
                out.append(
                    GoldRecord(
                        str(row.get("id", n)),
                        text,
                        None,
                        row["event"],
                        kind="plover",
                        label=event,
                        sources=tuple(s["code"] for s in row.get("source") or [] if s.get("code")),
                        targets=tuple(s["code"] for s in row.get("target") or [] if s.get("code")),
                    )
                )
            else:
                raise FormatError(
                    "a gold JSONL row needs 'events' (PETRARCH triples) or 'event' (PLOVER)",
                    file=path,
                    line=n,
                )
    return out


def _read_tsv(path: Path) -> list[GoldRecord]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[-1].strip().isdigit():
                raise FormatError(
                    "expected 'text<TAB>class' with a numeric class", file=path, line=n
                )
            out.append(
                GoldRecord(
                    f"{path.stem}-{n}",
                    parts[0].strip(),
                    None,
                    parts[-1].strip(),
                    kind="class",
                    label=parts[-1].strip(),
                )
            )
    return out


def read_gold(path: str | Path, *, respect_include: bool = True) -> list[GoldRecord]:
    """Read a gold file: PETRARCH XML, flat JSONL (triples or PLOVER) or class TSV.

    Raises
    ------
    InputError
        When the file does not exist.
    FormatError
        When no reader recognises it, or a row is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such gold file", field="gold", value=str(path))
    name = path.name.lower()
    if name.endswith(".xml"):
        records = _read_xml(path, respect_include)
    elif name.endswith((".jsonl", ".json")):
        records = _read_jsonl(path)
    elif name.endswith((".tsv", ".txt")) and "class" in name:
        records = _read_tsv(path)
    else:
        raise FormatError(
            "unknown gold format; give PETRARCH .xml, flat .jsonl or a cameo_class .tsv",
            file=path,
        )
    if not records:
        raise FormatError("holds no gold records", file=path)
    return records


# ------------------------------------------------------------------------- scoring


def macro_f1(truth: Sequence[str], predicted: Sequence[str | None], labels: Sequence[str]) -> float:
    """Macro-averaged F1 over ``labels``; a None prediction is wrong for every label."""
    scores = []
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p != label)
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _conflibert_class(root: str, penta: int) -> str:
    """ConfliBERT's 5-way class of a CAMEO root: the penta class, except that
    investigations (root 09) are verbal conflict (3), as its training file labels them."""
    return "3" if root == "09" else str(penta)


def evaluate(
    gold: str | Path | Sequence[GoldRecord],
    coder: Any = None,
    *,
    dicts: str | Path | None = None,
    modalities: Sequence[str] | None = None,
) -> EvalResult:
    """Code every gold record's text and score the result.

    Parameters
    ----------
    gold:
        A gold file (see :func:`read_gold`) or records already read.
    coder:
        A :class:`~bilat.coding.Coder`; default a new one with ``dicts``.
    dicts:
        PETRARCH dictionaries for the default coder (None: bilat's own).
    modalities:
        Modalities that count as coded; default all but ``negated`` (gold sets
        code announced, hypothetical and prescribed events too).
    """
    from bilat.coding.coder import Coder

    records = list(gold) if not isinstance(gold, (str, Path)) else read_gold(gold)
    name = str(gold) if isinstance(gold, (str, Path)) else "records"
    if modalities is None:
        modalities = ("asserted", "reported", "hypothetical", "prescriptive", "counterfactual")
    if coder is None:
        coder = Coder(dicts=dicts, modalities=tuple(modalities))
    else:
        coder.modalities = tuple(modalities)
    kind = records[0].kind
    coded = list(coder.code_many((r.text, r.date) for r in records))
    overall = Tally()
    categories: dict[str, Tally] = {}
    rows: list[dict[str, Any]] = []
    if kind == "triples":
        for record, events in zip(records, coded, strict=True):
            produced = [e.triple for e in events]
            c, u, x = score(record.events, produced)
            for tally in (overall, categories.setdefault(record.category, Tally())):
                tally.correct += c
                tally.uncoded += u
                tally.extra += x
                tally.records += 1
            rows.append(
                {
                    "id": record.id,
                    "expected": sorted(set(record.events)),
                    "produced": sorted(set(produced)),
                    "correct": c,
                    "uncoded": u,
                    "extra": x,
                }
            )
        return EvalResult(name, kind, overall, categories, rows)
    return _evaluate_labels(name, kind, records, coded)


def _evaluate_labels(
    name: str, kind: str, records: Sequence[GoldRecord], coded: Sequence[Sequence[Any]]
) -> EvalResult:
    from bilat.ontology import cameo, is_cameo

    truth: list[str] = []
    predicted: list[str | None] = []
    rows: list[dict[str, Any]] = []
    dyad_hits = 0
    for record, events in zip(records, coded, strict=True):
        valid = [e for e in events if is_cameo(e.code)]
        guess: str | None = None
        if valid:
            info = cameo(valid[0].code)
            guess = _conflibert_class(info.root, info.penta) if kind == "class" else None
            if kind != "class":
                guess = info.plover_event or None
        if kind == "plover" and valid:
            for e in valid:
                if cameo(e.code).plover_event == record.label:
                    guess = record.label
                    if e.source[:3] in record.sources and (
                        not record.targets or e.target[:3] in record.targets
                    ):
                        dyad_hits += 1
                        break
        truth.append(record.label or "")
        predicted.append(guess)
        rows.append({"id": record.id, "truth": record.label, "predicted": guess})
    labels = sorted({t for t in truth if t})
    accuracy = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth)
    coded_share = sum(1 for p in predicted if p is not None) / len(truth)
    extra = {
        "accuracy_pct": round(100 * accuracy, 2),
        "coded_pct": round(100 * coded_share, 2),
        "macro_f1": round(macro_f1(truth, predicted, labels), 4),
        "labels": labels,
    }
    if kind == "plover":
        extra["event_and_countries_pct"] = round(100 * dyad_hits / len(truth), 2)
    tally = Tally(records=len(records))
    return EvalResult(name, kind, tally, {}, rows, extra)
