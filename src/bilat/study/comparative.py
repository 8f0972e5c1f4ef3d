"""The study's comparative stage: what broadening did to other US partners, set against the model.

The model's answer rests on one dyad; this stage asks the panel of every US
partner since 1946 (:mod:`bilat.panel`) the same questions and says where the
two agree, where they disagree and where either does not decide. Each model
outcome is linked to the panel outcome that measures the same concern
(:data:`LINKS`); the model's ``broadened`` minus ``security-only`` difference is
compared in sign with the panel's broadening effects from three estimates
(two-way FE on the broadening index; two-way FE on security-only aid, whose
sign counts against broadening; the event study around broadening shifts). A
direction counts as decided only when its interval excludes zero; when the
estimates decide in opposite directions the verdict is ``panel_split``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bilat.study.result import StudyResult

__all__ = ["LINKS", "Link", "compare_partners", "compare_with_model", "panel_block"]


@dataclass(frozen=True)
class Link:
    """A model outcome and the panel outcome that measures the same concern.

    ``sign`` is +1 when a higher panel outcome means a higher model outcome,
    -1 when it means a lower one (more UNGA agreement ~ less trust deficit).
    """

    model_outcome: str
    panel_outcome: str
    sign: int
    note: str


LINKS: tuple[Link, ...] = (
    Link(
        "trust_deficit",
        "unga_agree",
        -1,
        "the model's trust deficit against agreement with the US in UNGA votes",
    ),
    Link(
        "china_dependence",
        "rival_arms_share",
        1,
        "the model's China dependence against China's and Russia's share of arms imports",
    ),
    Link("rupture", "sanction_imposed", 1, "the model's rupture against US sanction impositions"),
)

#: Model outcomes with no panel measure of the same thing.
_NO_COUNTERPART = {
    "militant_threat": "the panel has no measure of militancy aimed at the US",
    "cost": "the panel does not measure the cost of a policy",
}

_TWFE_TREATMENT = "broadening_index"
_SECURITY = "security_only"
_DESIGN_WORDS = {
    "twfe": "two-way FE on the broadening index",
    "security": "two-way FE on security-only aid, read in reverse",
    "event": "the event study of broadening shifts",
}


def _direction(estimate: Any, low: Any, high: Any) -> int:
    """+1 or -1 when the interval excludes zero, 0 when it does not decide."""
    if estimate is None or low is None or high is None:
        return 0
    if float(low) > 0:
        return 1
    if float(high) < 0:
        return -1
    return 0


def _words(direction: int, outcome: str) -> str:
    name = outcome.replace("_", " ")
    return {1: f"raises {name}", -1: f"lowers {name}", 0: f"does not decide {name}"}[direction]


def compare_with_model(
    evidence: dict[str, Any], model_outcomes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Compare the panel's broadening effects with the model's, outcome by outcome.

    Parameters
    ----------
    evidence:
        :meth:`bilat.panel.evidence.PanelEvidence.to_dict`.
    model_outcomes:
        The answer's ``outcomes`` (``outcome``, ``difference``,
        ``difference_interval``), broadened minus security-only.

    Returns
    -------
    list of dict
        One per link: ``model_outcome``, ``panel_outcome``, ``model``,
        ``panel_twfe``, ``panel_security``, ``panel_event`` (each +1/-1/0 in the model outcome's
        direction, or None when not estimated), ``verdict`` (``agree``,
        ``disagree``, ``panel_split``, ``panel_undecided``, ``model_undecided``,
        ``neither_decides``, ``not_available``) and ``sentence``.
    """
    by_model = {o.get("outcome"): o for o in model_outcomes}
    twfe = {
        e["outcome"]: e for e in evidence.get("effects", []) if e["treatment"] == _TWFE_TREATMENT
    }
    security = {e["outcome"]: e for e in evidence.get("effects", []) if e["treatment"] == _SECURITY}
    event = {e["outcome"]: e for e in evidence.get("event_studies", [])}
    rows = []
    for link in LINKS:
        model = by_model.get(link.model_outcome)
        model_dir: int | None = None
        if model is not None and model.get("difference") is not None:
            interval = model.get("difference_interval") or {}
            model_dir = _direction(model["difference"], interval.get("low"), interval.get("high"))
        panel: dict[str, int | None] = {}
        for name, table, flip in (
            ("twfe", twfe, 1),
            ("security", security, -1),
            ("event", event, 1),
        ):
            found = table.get(link.panel_outcome)
            if found is None:
                panel[name] = None
                continue
            sign = _direction(
                found["estimate"], found["interval"]["low"], found["interval"]["high"]
            )
            # security-only aid is the other arm: its effect counts against broadening
            panel[name] = sign * link.sign * flip
        decided = {v for v in panel.values() if v}
        if model_dir is None or all(v is None for v in panel.values()):
            verdict = "not_available"
        elif len(decided) > 1:
            verdict = "panel_split"
        elif decided and model_dir:
            verdict = "agree" if decided == {model_dir} else "disagree"
        elif decided:
            verdict = "model_undecided"
        elif model_dir:
            verdict = "panel_undecided"
        else:
            verdict = "neither_decides"
        model_text = (
            "the model is not available"
            if model_dir is None
            else f"the model says broadening {_words(model_dir, link.model_outcome)}"
        )
        panel_text = "; ".join(
            f"{_DESIGN_WORDS[k]}: broadening "
            f"{_words(v, link.model_outcome) if v is not None else 'not estimated'}"
            for k, v in panel.items()
        )
        rows.append(
            {
                "model_outcome": link.model_outcome,
                "panel_outcome": link.panel_outcome,
                "link": link.note,
                "model": model_dir,
                "panel_twfe": panel["twfe"],
                "panel_security": panel["security"],
                "panel_event": panel["event"],
                "verdict": verdict,
                "sentence": f"{link.model_outcome.replace('_', ' ')}: {model_text}; across "
                f"partners ({panel_text}) — {verdict.replace('_', ' ')}.",
            }
        )
    for outcome, why in _NO_COUNTERPART.items():
        if outcome in by_model:
            rows.append(
                {
                    "model_outcome": outcome,
                    "panel_outcome": None,
                    "link": why,
                    "model": None,
                    "panel_twfe": None,
                    "panel_security": None,
                    "panel_event": None,
                    "verdict": "not_available",
                    "sentence": f"{outcome.replace('_', ' ')}: no comparison ({why}).",
                }
            )
    return rows


def _statement(rows: list[dict[str, Any]], n_partners: int) -> str:
    def names(*verdicts: str) -> str:
        return ", ".join(
            r["model_outcome"].replace("_", " ") for r in rows if r["verdict"] in verdicts
        )

    against, split, agree = names("disagree"), names("panel_split"), names("agree")
    open_ = names("panel_undecided", "model_undecided", "neither_decides")
    parts = []
    if against:
        parts.append(f"DISAGREES with the model on {against}")
    if split:
        parts.append(
            f"points both ways on {split} (some of its estimates agree with the model, "
            "some contradict it)"
        )
    if agree:
        parts.append(f"agrees with the model on {agree}")
    if open_:
        parts.append(f"does not decide, or the model does not, on {open_}")
    if not parts:
        return "The comparative evidence could not be set against the model."
    verdict = "; ".join(parts)
    if not against and not split:
        verdict += " — it does not contradict the model"
    return (
        f"Across {n_partners} US partners since 1946 the comparative evidence {verdict}. "
        "These are associations across partners whose aid the US chose; see the designs' "
        "assumptions."
    )


def compare_partners(ctx: Any) -> None:
    """The study stage: gather the panel evidence and set it against the model's answer.

    Reads the panel shipped with bilat (or ``ctx.scratch["panel"]`` when given),
    fills ``ctx.result.panel`` and adds the agreement statement to the answer's
    caveats.
    """
    from bilat.panel import load_panel
    from bilat.panel.effects import EVENT_ASSUMPTIONS, TWFE_ASSUMPTIONS
    from bilat.panel.evidence import gather_evidence

    result: StudyResult = ctx.result
    # a caller (a test, a notebook) may hand in its own panel; the study reads the shipped one
    panel = ctx.scratch["panel"] if "panel" in ctx.scratch else load_panel()
    evidence = gather_evidence(panel, result.case.dyad)
    data = evidence.to_dict()
    rows = compare_with_model(data, list(result.answer.get("outcomes", [])))
    statement = _statement(rows, evidence.n_partners)
    data.update(
        {
            "focal": result.case.dyad,
            "agreement": rows,
            "statement": statement,
            "assumptions": {"twfe": list(TWFE_ASSUMPTIONS), "event": list(EVENT_ASSUMPTIONS)},
        }
    )
    result.panel = data
    if result.answer:
        result.answer.setdefault("caveats", []).append(statement)


def panel_block(result: StudyResult, section: dict[str, Any]) -> dict[str, Any]:
    """The ``panel`` block of answer.json (``section`` carries status and reason)."""
    block = dict(section)
    data = result.panel if section["status"] == "ok" else {}

    def slim(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k != "assumptions"}

    block.update(
        {
            "focal": data.get("focal"),
            "n_partners": data.get("n_partners"),
            "years": data.get("years"),
            "statement": data.get("statement"),
            "effects": [slim(e) for e in data.get("effects", [])],
            "event_studies": [slim(e) for e in data.get("event_studies", [])],
            "skipped": dict(data.get("skipped", {})),
            "peers": data.get("peers"),
            "oos": data.get("oos"),
            "agreement": list(data.get("agreement", [])),
            "assumptions": data.get("assumptions"),
            "seconds": data.get("seconds"),
            "cpu_seconds": data.get("cpu_seconds"),
        }
    )
    return block
