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

__all__ = [
    "LINKS",
    "PANEL_OUTCOMES",
    "PANEL_VERDICTS",
    "Link",
    "compare_partners",
    "compare_with_model",
    "panel_answer",
    "panel_block",
]


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
    from bilat.panel.effects import EVENT_ASSUMPTIONS, TWFE_ASSUMPTIONS

    result: StudyResult = ctx.result
    # a caller (a test, a notebook) may hand in its own panel; the study reads the shipped one
    evidence = _panel_evidence(ctx)
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
    if result.answer and result.case.model is not None:
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


#: The panel outcomes the answer reads without a model, the concern each measures, and whether
#: a higher value is better for the partnership (+1) or worse (-1). The first is the headline.
PANEL_OUTCOMES: tuple[tuple[str, str, int], ...] = (
    ("unga_agree", "agreement with the US in UNGA votes (the trust proxy)", 1),
    ("rival_arms_share", "China's and Russia's share of its arms imports", -1),
    ("sanction_imposed", "US sanction impositions", -1),
)

#: Verdict words of a panel-based answer; each is earned by intervals that exclude zero.
PANEL_VERDICTS = ("associated_better", "associated_worse", "panel_split", "not_decided")


def _panel_evidence(ctx: Any) -> Any:
    """The panel evidence for the case's dyad, gathered once per study."""
    if "panel_evidence" not in ctx.scratch:
        from bilat.panel.evidence import gather_evidence
        from bilat.study.stages import shipped_panel

        ctx.scratch["panel_evidence"] = gather_evidence(shipped_panel(ctx), ctx.result.case.dyad)
    return ctx.scratch["panel_evidence"]


def _design_signs(data: dict[str, Any], outcome: str, better: int) -> dict[str, int | None]:
    """Per design, +1 when broadening goes with a better outcome, -1 worse, 0 undecided."""
    found: dict[str, int | None] = {}
    for name, treatment, flip in (("twfe", _TWFE_TREATMENT, 1), ("security", _SECURITY, -1)):
        item = next(
            (
                e
                for e in data.get("effects", [])
                if e["treatment"] == treatment and e["outcome"] == outcome
            ),
            None,
        )
        found[name] = (
            None
            if item is None
            else _direction(item["estimate"], item["interval"]["low"], item["interval"]["high"])
            * better
            * flip
        )
    event = next((e for e in data.get("event_studies", []) if e["outcome"] == outcome), None)
    found["event"] = (
        None
        if event is None
        else _direction(event["estimate"], event["interval"]["low"], event["interval"]["high"])
        * better
    )
    return found


def _panel_verdict(signs: dict[str, int | None]) -> str:
    decided = {v for v in signs.values() if v}
    if len(decided) > 1:
        return "panel_split"
    if decided == {1}:
        return "associated_better"
    if decided == {-1}:
        return "associated_worse"
    return "not_decided"


def _own_series(ctx: Any) -> list[str]:
    """What the dyad's own panel rows show, in plain numbers (descriptive, no verdict)."""
    rows = ctx.result.series.get("panel")
    case = ctx.result.case
    if rows is None or rows.empty:
        return [f"the panel has no rows for {case.client_name or case.client}"]
    lines = []
    mix = rows.dropna(subset=["aid_econ_share", "unga_agree_all"])
    if len(mix) >= 6:
        median = float(mix["aid_econ_share"].median())
        high = mix[mix["aid_econ_share"] > median]["unga_agree_all"]
        low = mix[mix["aid_econ_share"] <= median]["unga_agree_all"]
        if len(high) and len(low):
            lines.append(
                f"{case.client_name}'s own series ({len(mix)} years with aid and UNGA votes): "
                f"mean UNGA agreement {high.mean():.2f} in years when the economic share of US "
                f"aid was above its median ({median:.2f}), {low.mean():.2f} otherwise — a "
                "description of one partner's years, not an effect"
            )
    aid = rows.dropna(subset=["aid_total"])
    if not aid.empty:
        peak = aid.loc[aid["aid_total"].idxmax()]
        lines.append(
            f"US aid to {case.client_name} peaked in {int(peak['year'])} at "
            f"${float(peak['aid_total']) / 1e9:.2f} billion (constant 2020 US$)"
        )
    imposed = rows[rows["sanction_imposed"].fillna(0).astype(float) > 0]["year"]
    lines.append(
        f"US sanctions imposed on {case.client_name} in {len(imposed)} year(s) of the panel"
        + (f" ({', '.join(str(int(y)) for y in imposed[:8])})" if len(imposed) else "")
    )
    return lines


def panel_answer(ctx: Any) -> None:
    """The answer stage for a dyad the strategic model is not calibrated for.

    It rests on the panel's comparative evidence (broadening's association with
    each outcome across every US partner, three designs) and the dyad's own
    series; a verdict word is used only when an interval excludes zero, and
    the designs' disagreement is reported as ``panel_split``.
    """
    from bilat.study.stages import not_calibrated

    result: StudyResult = ctx.result
    case = result.case
    evidence = _panel_evidence(ctx)
    data = evidence.to_dict()
    outcomes = []
    sentences = []
    for outcome, meaning, better in PANEL_OUTCOMES:
        signs = _design_signs(data, outcome, better)
        verdict = _panel_verdict(signs)
        outcomes.append((outcome, meaning, verdict, signs))
        words = {
            "associated_better": "broadening goes with a better",
            "associated_worse": "broadening goes with a worse",
            "panel_split": "the designs point both ways on",
            "not_decided": "the evidence does not decide on",
        }[verdict]
        sentences.append(f"{words} {meaning}")
    headline = outcomes[0]
    twfe = evidence.effect(_TWFE_TREATMENT, headline[0])
    estimate = None
    if twfe is not None:
        item = twfe.to_dict()
        estimate = {
            "name": f"{headline[0].replace('_', ' ')} per unit of the broadening index "
            "(two-way FE across US partners)",
            "value": item["estimate"],
            "interval": item["interval"],
            "unit": "UNGA agreement share",
        }
    statement = (
        f"The strategic model is not calibrated for {case.dyad}, so this answer rests on the "
        f"panel: across {evidence.n_partners} US partners since 1946, "
        + "; ".join(sentences)
        + f". These are associations across partners whose aid the US chose, not effects "
        f"measured for {case.client_name}."
    )
    result.answer = {
        "statement": statement,
        "verdict": headline[2],
        "estimate": estimate,
        "probability": None,
        "conditions": _own_series(ctx),
        "caveats": [
            not_calibrated(case),
            "Cross-partner associations: the US chose which partners got broadened aid, so "
            "selection on time-varying shocks is not ruled out (see the designs' assumptions).",
            *(
                f"{o[0].replace('_', ' ')}: {o[2].replace('_', ' ')} (two-way FE on broadening "
                f"{_sign_word(o[3]['twfe'])}; on security-only aid, read in reverse, "
                f"{_sign_word(o[3]['security'])}; event study {_sign_word(o[3]['event'])})"
                for o in outcomes
            ),
        ],
        "outcomes": [],
        "basis": "panel",
    }


def _sign_word(sign: int | None) -> str:
    return {None: "not estimated", 0: "undecided", 1: "better", -1: "worse"}[sign]
