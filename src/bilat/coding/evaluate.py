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
standard (its own JSON array file ``PLOVER_GSR_CAMEO.txt`` or the flat JSONL
derived from it; scored on PLOVER event type and countries) and ConfliBERT's
``cameo_class`` TSV (5-way class; macro-F1).

Every missed and every extra triple is given an error class, so a score says
what went wrong as well as how often (see :func:`error_class`):

* ``actor unknown``: a gold actor the dictionaries did not find in the text;
* ``code``: source and target right, event code wrong;
* ``attribution``: event code right, source or target wrong;
* ``verb``: the actors were found but nothing was coded;
* ``structure``: events were coded, with neither the gold pair nor the gold code;
* ``spurious``: an extra event where the gold has none like it.

``split`` picks a fixed half of a gold file by a hash of each record's id
(``tune``: even hashes, ``held-out``: odd), so a score on records never used
to grow the rules can be reported beside the score on the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.coding.gold import GoldRecord, read_gold
from bilat.errors import InputError

__all__ = [
    "ERROR_CLASSES",
    "SPLITS",
    "EvalResult",
    "GoldRecord",
    "Tally",
    "error_class",
    "evaluate",
    "in_split",
    "macro_f1",
    "read_gold",
    "score",
]

ERROR_CLASSES = ("actor unknown", "attribution", "verb", "code", "structure", "spurious")
SPLITS = ("all", "tune", "held-out")


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


def in_split(record_id: str, split: str) -> bool:
    """Whether a record belongs to ``split`` (``all``, ``tune`` or ``held-out``): a
    fixed half by the parity of the first byte of the SHA-256 of its id."""
    if split == "all":
        return True
    if split not in SPLITS:
        raise InputError("is not a split (all, tune, held-out)", field="split", value=split)
    odd = hashlib.sha256(record_id.encode("utf-8")).digest()[0] % 2 == 1
    return odd if split == "held-out" else not odd


def _actor_known(code: str, found: set[str]) -> bool:
    if not code or code.startswith("---"):
        return True
    return any(f == code or f[:3] == code[:3] for f in found)


def error_class(
    triple: tuple[str, str, str],
    missed: bool,
    gold: set[tuple[str, str, str]],
    produced: set[tuple[str, str, str]],
    actors: set[str] | None,
) -> str:
    """The error class of a missed gold triple (``missed``) or an extra produced one.

    ``gold`` and ``produced`` are the record's triples; ``actors`` the actor codes
    the dictionaries found in its text (None: unknown, never ``actor unknown``).
    """
    source, target, code = triple
    others = (produced - gold) if missed else (gold - produced)
    if any(o[0] == source and o[1] == target for o in others):
        return "code"
    if missed:
        if actors is not None and not (
            _actor_known(source, actors) and _actor_known(target, actors)
        ):
            return "actor unknown"
        if any(o[2] == code for o in others):
            return "attribution"
        return "verb" if not produced else "structure"
    if not gold:
        return "spurious"
    if any(o[2] == code for o in others):
        return "attribution"
    return "spurious"


def evaluate(
    gold: str | Path | Sequence[GoldRecord],
    coder: Any = None,
    *,
    dicts: str | Path | None = None,
    modalities: Sequence[str] | None = None,
    split: str = "all",
    all_events: bool = False,
) -> EvalResult:
    """Code every gold record's text and score the result.

    Parameters
    ----------
    gold:
        A gold file (see :func:`read_gold`) or records already read.
    coder:
        A :class:`~bilat.coding.Coder`; default a new one with ``dicts``.
    dicts:
        Dictionaries for the default coder (None: the default news dictionaries).
    modalities:
        Modalities that count as coded; default all but ``negated`` (gold sets
        code announced, hypothetical and prescribed events too).
    split:
        ``all`` records, or the ``tune`` or ``held-out`` half (see :func:`in_split`).
    all_events:
        For the default coder: every event of a sentence, not one per clause.
    """
    from bilat.coding.coder import Coder

    records = list(gold) if not isinstance(gold, (str, Path)) else read_gold(gold)
    records = [r for r in records if in_split(r.id, split)]
    if not records:
        raise InputError("leaves no records to score", field="split", value=split)
    name = str(gold) if isinstance(gold, (str, Path)) else "records"
    if modalities is None:
        modalities = ("asserted", "reported", "hypothetical", "prescriptive", "counterfactual")
    if coder is None:
        coder = Coder(dicts=dicts, modalities=tuple(modalities), all_events=all_events)
    else:
        coder.modalities = tuple(modalities)
    kind = records[0].kind
    found: list[set[str]] = []
    coded = list(coder.code_many(((r.text, r.date) for r in records), actors_found=found))
    overall = Tally()
    categories: dict[str, Tally] = {}
    rows: list[dict[str, Any]] = []
    errors: dict[str, dict[str, int]] = {
        "uncoded": dict.fromkeys(ERROR_CLASSES, 0),
        "extra": dict.fromkeys(ERROR_CLASSES, 0),
    }
    if kind == "triples":
        for record, events, actors in zip(records, coded, found, strict=True):
            produced = [e.triple for e in events]
            c, u, x = score(record.events, produced)
            for tally in (overall, categories.setdefault(record.category, Tally())):
                tally.correct += c
                tally.uncoded += u
                tally.extra += x
                tally.records += 1
            want, got = set(record.events), set(produced)
            classes = []
            for triple in sorted(want - got):
                cls = error_class(triple, True, want, got, actors)
                errors["uncoded"][cls] += 1
                classes.append(["uncoded", *triple, cls])
            for triple in sorted(got - want):
                cls = error_class(triple, False, want, got, actors)
                errors["extra"][cls] += 1
                classes.append(["extra", *triple, cls])
            rows.append(
                {
                    "id": record.id,
                    "expected": sorted(want),
                    "produced": sorted(got),
                    "correct": c,
                    "uncoded": u,
                    "extra": x,
                    "errors": classes,
                }
            )
        extra_metrics = {"split": split, "errors": errors}
        return EvalResult(name, kind, overall, categories, rows, extra_metrics)
    result = _evaluate_labels(name, kind, records, coded)
    result.extra_metrics["split"] = split
    return result


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
    right_where_coded = sum(
        1 for t, p in zip(truth, predicted, strict=True) if p is not None and t == p
    ) / max(1, sum(1 for p in predicted if p is not None))
    extra = {
        "accuracy_pct": round(100 * accuracy, 2),
        "coded_pct": round(100 * coded_share, 2),
        "right_where_coded_pct": round(100 * right_where_coded, 2),
        "macro_f1": round(macro_f1(truth, predicted, labels), 4),
        "labels": labels,
    }
    if kind == "plover":
        extra["event_and_countries_pct"] = round(100 * dyad_hits / len(truth), 2)
    tally = Tally(records=len(records))
    return EvalResult(name, kind, tally, {}, rows, extra)
