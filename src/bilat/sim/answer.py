"""The answer to the article's question, in words that follow the evidence.

The verdict rules (docs/sim.md, "The verdict rules"):

1. **No evidence, no verdict.** Without a calibration, or when the calibrated
   model fails its posterior predictive check (overall ``p < 0.05``), or loses
   to persistence out of sample (CRPS), or when the simulation-based
   calibration shows that its posterior intervals cannot be trusted (the 90 %
   intervals of the parameters, or of the policy effect, cover the truth less
   than 80 % of the time), every outcome reads "the evidence does not decide".
2. **The data must move the answer.** For each outcome, the posterior
   probability that broadening does better (``P``) is set beside the same
   probability under the prior alone (``P0``, same draws, runs, seed); when
   ``|P - P0| < 0.10`` the outcome reads "the evidence does not decide": the
   answer is the prior's, not the record's.
3. Otherwise the words follow ``P``: at least 0.9 "very likely better", 0.7
   "likely better", at most 0.1 "very likely worse", 0.3 "likely worse",
   between them "uncertain".

When an outcome is undecided the answer names what would decide it: the
parameters whose posterior values move the effect most (Spearman correlation
over the posterior draws) and the evidence that would pin each down.
The answer also carries the validation block, each element of the broadened
bundle alone and together, scenario discovery on the posterior
(:mod:`bilat.sim.discovery`) and a table across prior scenarios and evidence
sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from bilat.errors import InputError
from bilat.sim.calibration import CalibrationResult, calibrate
from bilat.sim.discovery import discover
from bilat.sim.experiments import BASELINE, PROPOSAL, ComparisonResult, compare
from bilat.sim.history import History, load_history
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import OUTCOMES
from bilat.sim.params import FREE_PARAMETERS, PRIOR_SCENARIOS, PRIORS
from bilat.sim.policies import BUNDLE_ELEMENTS

__all__ = [
    "DECIDERS",
    "MIN_COVERAGE",
    "MIN_SHIFT",
    "Answer",
    "answer",
    "validation_block",
    "verdict",
]

#: The least distance between posterior and prior probability for a verdict.
MIN_SHIFT = 0.10
#: The least coverage of nominal 90 % intervals in the simulation-based calibration.
MIN_COVERAGE = 0.8
#: Outcomes scenario discovery and the scenario table report on.
KEY_OUTCOMES = (
    "trust_deficit",
    "us_distrust",
    "pk_distrust",
    "china_dependence",
    "militant_threat",
)
UNDECIDED = "the evidence does not decide"

#: What evidence would pin down each parameter (named when it decides an outcome).
DECIDERS: dict[str, str] = {
    "precision": "how closely Pakistan's choices follow their payoffs (more yearly event data)",
    "hedge_value": "whether militant activity rose when US abandonment looked likely "
    "(yearly terrorism data, which bilat does not ship)",
    "moral_hazard": "whether militant campaigns lasted longer while reimbursements flowed, "
    "across US partners (panel aid by account and conflict data)",
    "enforcement": "how often the US actually cut aid when its conditions were broken",
    "china_pull": "how Pakistan's arms imports from China moved with US ties (panel, SIPRI)",
    "trust_learning": "yearly measures of both sides' trust (surveys, elite statements)",
    "signal_weight": "how partners' alignment (UN votes, ICEWS cooperation) moved after US "
    "pledges and assurances, across partners (panel)",
    "sentiment_gain": "Pakistani opinion of the US after US threats (Pew, 2002-2017)",
    "salience_threshold": "when the US left partners as its stake fell, across partners",
    "coercion_response": "how US threats followed distrust and threat (event data)",
    "coercion_trust": "partners' alignment after US sanctions threats (panel, TIES)",
    "china_crowd_out": "whether US economic aid moved partners' Chinese arms shares (panel)",
    "renege": "how often US pledges (ATOP defence pacts) lapsed when the US stake fell",
    "vacuum": "whether militancy rose or fell in partners after the US left them (panel, "
    "with conflict data)",
    "democracy_effect": "what democracy aid did to Polity/V-Dem scores across partners (panel)",
}


def verdict(p: float, p_prior: float | None, usable: bool) -> tuple[str, bool, str]:
    """The words for one outcome, whether they decide, and why not (see the module docstring)."""
    if not usable:
        return UNDECIDED, False, "the model failed its checks or was not calibrated"
    if p_prior is not None and abs(p - p_prior) < MIN_SHIFT:
        return UNDECIDED, False, f"the posterior is within {MIN_SHIFT:.2f} of the prior's answer"
    if p >= 0.9:
        return "very likely better", True, ""
    if p >= 0.7:
        return "likely better", True, ""
    if p <= 0.1:
        return "very likely worse", True, ""
    if p <= 0.3:
        return "likely worse", True, ""
    return "uncertain", True, ""


@dataclass
class Answer:
    """The answer to "should the US broaden the partnership?", with its evidence.

    Attributes
    ----------
    question, statement:
        The question and a one-paragraph answer in words the verdict rules allow.
    outcomes:
        Per outcome: ``p_better`` (posterior), ``p_prior`` (prior alone), the
        bootstrap interval of ``p_better``, the paired difference and its 90 %
        interval, ``verdict``, ``decided`` and ``why_not``.
    conditions:
        Regions of the posterior where the sign flips (from scenario discovery).
    caveats:
        What limits the answer.
    validation:
        The checks the verdict rules read (:func:`validation_block`).
    elements:
        Each element of the broadened bundle alone and together, against security-only.
    discovery:
        Scenario discovery per key outcome.
    scenarios:
        Rows of the table across prior scenarios and evidence sources.
    what_would_decide:
        For each undecided outcome, the parameters that move it and the
        evidence that would pin them down.
    """

    question: str
    statement: str
    outcomes: list[dict[str, Any]]
    conditions: list[str]
    caveats: list[str]
    validation: dict[str, Any] = field(default_factory=dict)
    elements: list[dict[str, Any]] = field(default_factory=list)
    discovery: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    what_would_decide: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``answer.json``)."""
        return {
            "question": self.question,
            "statement": self.statement,
            "outcomes": self.outcomes,
            "conditions": self.conditions,
            "caveats": self.caveats,
            "validation": self.validation,
            "elements": self.elements,
            "discovery": self.discovery,
            "scenarios": self.scenarios,
            "what_would_decide": self.what_would_decide,
        }


def validation_block(calibration: CalibrationResult | None) -> dict[str, Any]:
    """The checks a verdict depends on, compactly (for answer.json and the report)."""
    if calibration is None:
        return {"calibrated": False, "usable": False, "reasons": ["no calibration"]}
    reasons = []
    ppc = calibration.ppc or {}
    hold = calibration.holdout or {}
    if not ppc or not hold.get("scores"):
        reasons.append("was not checked (no posterior predictive check or out-of-sample scores)")
    if ppc and not ppc.get("passes", False):
        reasons.append(
            f"fails its posterior predictive check (p = {ppc.get('p_overall', float('nan')):.3f})"
        )
    if hold.get("loses_to_persistence"):
        reasons.append("loses to persistence out of sample (CRPS)")
    sbc = calibration.sbc or {}
    if sbc:
        effect = [r["coverage_90"] for r in sbc.get("policy_effect", [])]
        worst = min([sbc.get("coverage_90", 1.0), *effect])
        if worst < MIN_COVERAGE:
            reasons.append(
                f"has posterior intervals that simulation-based calibration finds too "
                f"narrow (90 % intervals cover the truth {worst:.0%} of the time)"
            )
    return {
        "calibrated": True,
        "usable": not reasons,
        "reasons": reasons,
        "ppc": {k: ppc.get(k) for k in ("p_overall", "passes", "outside_90", "count", "summaries")}
        if ppc
        else None,
        "out_of_sample": {
            k: hold.get(k)
            for k in ("train_until", "scores", "beats", "loses_to_persistence", "score")
        }
        if hold.get("scores")
        else None,
        "sbc": {
            k: sbc.get(k)
            for k in (
                "truths",
                "budget_each",
                "uniform_parameters",
                "coverage_90",
                "error_ratio",
                "parameters",
                "policy_effect",
            )
        }
        if sbc
        else None,
        "identification": [
            {
                k: r.get(k)
                for k in (
                    "parameter",
                    "verdict",
                    "width_ratio",
                    "ks_to_prior",
                    "mass_at_bounds",
                    "p_positive",
                    "prior_p_positive",
                )
                if k in r
            }
            for r in calibration.identification
        ],
        "leave_one_partner_out": _lopo_block(calibration),
        "partners": _partners_block(calibration),
        "notes": []
        if calibration.partners
        else ["no calibration across partners was run (partner_draws=0, or no panel)"],
    }


def _lopo_block(calibration: CalibrationResult) -> dict[str, Any] | None:
    """The leave-one-partner-out scores, without the per-partner rows."""
    lopo = (calibration.partners or {}).get("leave_one_partner_out")
    if not lopo:
        return None
    return {k: v for k, v in lopo.items() if k != "per_partner"}


def _partners_block(calibration: CalibrationResult) -> dict[str, Any] | None:
    """The hierarchical calibration's population, compactly."""
    fit = calibration.partners
    if not fit:
        return None
    keys = ("method", "partners", "draws", "seed", "until", "population", "population_ess")
    return {k: fit.get(k) for k in keys}


def _p_better(cmp: ComparisonResult, policy: str, outcome: str) -> float:
    diff = cmp.per_draw[policy][outcome] - cmp.per_draw[cmp.baseline][outcome]
    return float(np.mean(diff < 0))


def _what_would_decide(cmp: ComparisonResult, proposal: str, outcome: str) -> dict[str, Any]:
    diff = cmp.per_draw[proposal][outcome] - cmp.per_draw[cmp.baseline][outcome]
    ranked = []
    for i, name in enumerate(FREE_PARAMETERS):
        column = cmp.parameters[:, i]
        if np.ptp(column) == 0 or np.ptp(diff) == 0:
            continue
        rho = float(stats.spearmanr(column, diff).statistic)
        if np.isfinite(rho):
            ranked.append((abs(rho), rho, name))
    ranked.sort(reverse=True)
    top = [
        {"parameter": n, "spearman": r, "evidence": DECIDERS.get(n, "")} for _, r, n in ranked[:3]
    ]
    return {"outcome": outcome, "parameters": top}


def _scenario_rows(
    calibration: CalibrationResult,
    history: History,
    proposal: str,
    baseline: str,
    draws: int,
    runs: int,
    years: int,
    seed: int,
    mechanisms: Mechanisms,
    usable: bool,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, (meaning, priors) in PRIOR_SCENARIOS.items():
        prior_cmp = compare(
            [baseline, proposal],
            None,
            runs,
            years,
            seed,
            draws=draws,
            baseline=baseline,
            history=history,
            mechanisms=mechanisms,
            priors=priors,
        )
        if priors is PRIORS and calibration.priors is PRIORS:
            fitted = calibration
        else:
            fitted = calibrate(
                history=history,
                budget=calibration.budget,
                seed=seed,
                until=calibration.until,
                check=False,
                mechanisms=mechanisms,
                priors=priors,
            )
        post_cmp = compare(
            [baseline, proposal],
            fitted,
            runs,
            years,
            seed,
            draws=draws,
            baseline=baseline,
            history=history,
            mechanisms=mechanisms,
        )
        for source, cmp, evidence in (
            ("prior only", prior_cmp, False),
            ("calibrated on Pakistan", post_cmp, True),
        ):
            outcomes = {}
            for o in KEY_OUTCOMES:
                p = _p_better(cmp, proposal, o)
                p0 = _p_better(prior_cmp, proposal, o)
                words, decided, _ = verdict(p, p0 if evidence else None, usable and evidence)
                outcomes[o] = {
                    "p_better": p,
                    "difference": float(
                        np.mean(cmp.per_draw[proposal][o] - cmp.per_draw[baseline][o])
                    ),
                    "verdict": words,
                    "decided": decided,
                }
            rows.append(
                {
                    "prior": name,
                    "prior_meaning": meaning,
                    "evidence": source,
                    "status": "ok",
                    "outcomes": outcomes,
                }
            )
        if priors is PRIORS:
            rows.append(
                _partners_row(
                    calibration,
                    history,
                    prior_cmp,
                    proposal,
                    baseline,
                    draws,
                    runs,
                    years,
                    seed,
                    mechanisms,
                    usable,
                    name,
                    meaning,
                )
            )
    return rows


PARTNERS_EVIDENCE = "calibrated on all partners (hierarchical)"


def _partners_row(
    calibration: CalibrationResult,
    history: History,
    prior_cmp: ComparisonResult,
    proposal: str,
    baseline: str,
    draws: int,
    runs: int,
    years: int,
    seed: int,
    mechanisms: Mechanisms,
    usable: bool,
    name: str,
    meaning: str,
) -> dict[str, Any]:
    """The table's row for the hierarchical calibration: Pakistan's partially pooled posterior.

    The verdict rules apply unchanged: rule 1 reads the Pakistan fit's checks and,
    in addition, whether the hierarchical model loses to persistence when whole
    partners are held out; rule 2 compares with the same prior's answer.
    """
    fit = calibration.partner_fit
    row: dict[str, Any] = {"prior": name, "prior_meaning": meaning, "evidence": PARTNERS_EVIDENCE}
    if fit is None:
        return {**row, "status": "not run (no panel, or partner_draws=0)", "outcomes": {}}
    from bilat.sim.partners import PAKISTAN

    if PAKISTAN not in set(fit.data.ccodes.tolist()):
        return {
            **row,
            "status": "not run (Pakistan is not among the fitted partners)",
            "outcomes": {},
        }
    lopo = (calibration.partners or {}).get("leave_one_partner_out") or {}
    ok = usable and not lopo.get("loses_to_persistence", True)
    cmp = compare(
        [baseline, proposal],
        fit.partner_draws(PAKISTAN, draws, seed),
        runs,
        years,
        seed,
        draws=draws,
        baseline=baseline,
        history=history,
        mechanisms=mechanisms,
    )
    outcomes = {}
    for o in KEY_OUTCOMES:
        p = _p_better(cmp, proposal, o)
        p0 = _p_better(prior_cmp, proposal, o)
        words, decided, _ = verdict(p, p0, ok)
        outcomes[o] = {
            "p_better": p,
            "difference": float(np.mean(cmp.per_draw[proposal][o] - cmp.per_draw[baseline][o])),
            "verdict": words,
            "decided": decided,
        }
    return {
        **row,
        "status": "ok",
        "posterior": "Pakistan's partner-level posterior, partially pooled with "
        f"{fit.data.n_partners - 1} other US partners",
        "loses_to_persistence_lopo": bool(lopo.get("loses_to_persistence", True)),
        "outcomes": outcomes,
    }


def _elements(
    calibration: CalibrationResult,
    history: History,
    prior_cmp: ComparisonResult,
    draws: int,
    runs: int,
    years: int,
    seed: int,
    mechanisms: Mechanisms,
    usable: bool,
) -> list[dict[str, Any]]:
    policies = [BASELINE, *BUNDLE_ELEMENTS, PROPOSAL]
    cmp = compare(
        policies,
        calibration,
        runs,
        years,
        seed,
        draws=draws,
        history=history,
        mechanisms=mechanisms,
    )
    rows = []
    for policy in [*BUNDLE_ELEMENTS, PROPOSAL]:
        for o in KEY_OUTCOMES:
            p = _p_better(cmp, policy, o)
            p0 = _p_better(prior_cmp, policy, o)
            words, decided, _ = verdict(p, p0, usable)
            diff = cmp.per_draw[policy][o] - cmp.per_draw[BASELINE][o]
            lo, hi = np.quantile(diff, [0.05, 0.95])
            rows.append(
                {
                    "policy": policy,
                    "outcome": o,
                    "difference": float(diff.mean()),
                    "difference_interval": [float(lo), float(hi)],
                    "p_better": p,
                    "p_prior": p0,
                    "verdict": words,
                    "decided": decided,
                }
            )
    return rows


def answer(
    comparison: ComparisonResult,
    sensitivity_result: Any = None,
    calibration: CalibrationResult | None = None,
    *,
    proposal: str = PROPOSAL,
    seed: int = 0,
    history: History | None = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
    elements: bool = True,
    scenarios: bool = True,
) -> Answer:
    """Turn a comparison and its calibration into an answer that follows the verdict rules.

    ``sensitivity_result`` is accepted for compatibility and no longer sets the
    conditions (those come from scenario discovery on the posterior).
    ``elements`` and ``scenarios`` add the bundle's elements and the table
    across prior scenarios (each a few more seconds).
    """
    if proposal not in comparison.per_draw or comparison.baseline not in comparison.per_draw:
        raise InputError(
            f"the comparison must include {proposal!r} and {comparison.baseline!r}",
            field="policies",
            value=list(comparison.per_draw),
        )
    hist = history
    if hist is None:
        hist = load_history(calibration.case if calibration is not None else "us-pakistan")
    baseline = comparison.baseline
    block = validation_block(calibration)
    usable = bool(block["usable"])
    priors = calibration.priors if calibration is not None else PRIORS
    extra = [*BUNDLE_ELEMENTS] if elements and calibration is not None else []
    prior_policies = list(dict.fromkeys([baseline, proposal, *extra]))
    prior_cmp = compare(
        prior_policies,
        None,
        comparison.runs,
        comparison.years,
        seed,
        draws=comparison.draws,
        baseline=baseline,
        history=hist,
        mechanisms=mechanisms,
        priors=priors,
    )
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(11,))))
    table = comparison.table.set_index(["policy", "outcome"])
    rows: list[dict[str, Any]] = []
    for o in OUTCOMES:
        diff = comparison.per_draw[proposal][o] - comparison.per_draw[baseline][o]
        better = (diff < 0).astype(float)
        boot = better[rng.integers(0, len(better), size=(1000, len(better)))].mean(axis=1)
        p = float(better.mean())
        p0 = _p_better(prior_cmp, proposal, o)
        p_lo, p_hi = (float(v) for v in np.quantile(boot, [0.05, 0.95]))
        words, decided, why = verdict(p, p0, usable)
        rec: Any = table.loc[(proposal, o)]
        rows.append(
            {
                "outcome": o,
                "meaning": OUTCOMES[o],
                "p_better": p,
                "p_prior": p0,
                "p_lo": p_lo,
                "p_hi": p_hi,
                "diff": float(rec["diff"]),
                "diff_lo": float(rec["diff_lo"]),
                "diff_hi": float(rec["diff_hi"]),
                "verdict": words,
                "decided": decided,
                "why_not": why,
            }
        )
    found = [
        discover(
            comparison.parameters,
            comparison.per_draw[proposal][o] - comparison.per_draw[baseline][o],
            outcome=o,
            seed=seed,
        )
        for o in KEY_OUTCOMES
    ]
    conditions = []
    for d in found:
        for r in d["regions"]:
            if r["flips"]:
                conditions.append(
                    f"on {d['outcome'].replace('_', ' ')}, {proposal} does "
                    f"{'better' if r['p_better'] >= 0.5 else 'worse'} than {baseline} "
                    f"(P(better) = {r['p_better']:.2f}) where {r['conditions']} "
                    f"({r['mass']:.0%} of the posterior)"
                )
    undecided = [r["outcome"] for r in rows if not r["decided"]]
    deciding = [_what_would_decide(comparison, proposal, o) for o in undecided if o != "cost"]
    statement = _statement(rows, block, proposal, baseline, comparison, deciding)
    caveats = [
        "a small strategic model of one dyad, calibrated to one history: a structured "
        "argument with its uncertainty, not a forecast",
        "cost is an accounting outcome (the policies' own aid levels and the regimes they "
        "meet), not a finding about Pakistan",
    ]
    if calibration is not None:
        unidentified = [
            r["parameter"]
            for r in calibration.identification
            if r["verdict"] in ("not identified", "at a bound")
        ]
        if unidentified:
            caveats.append(
                "the record does not identify " + ", ".join(unidentified) + " (or pins them "
                "at a bound of their range); their priors carry that part of the answer"
            )
        caveats.extend(f"the model {r}" for r in block["reasons"])
    else:
        caveats.append("no calibration given: parameters from the prior")
    caveats.append(
        "not done: the hierarchical calibration across partners and its "
        "leave-one-partner-out scores"
    )
    caveats.extend(comparison.notes)
    elements_rows: list[dict[str, Any]] = []
    scenario_rows: list[dict[str, Any]] = []
    if calibration is not None and elements:
        elements_rows = _elements(
            calibration,
            hist,
            prior_cmp,
            comparison.draws,
            comparison.runs,
            comparison.years,
            seed,
            mechanisms,
            usable,
        )
    if calibration is not None and scenarios:
        scenario_rows = _scenario_rows(
            calibration,
            hist,
            proposal,
            baseline,
            comparison.draws,
            comparison.runs,
            comparison.years,
            seed,
            mechanisms,
            usable,
        )
    return Answer(
        question="Should the US broaden its partnership with Pakistan beyond security "
        "(trade, economic partnership, security assurances, democracy support)?",
        statement=statement,
        outcomes=rows,
        conditions=conditions,
        caveats=caveats,
        validation=block,
        elements=elements_rows,
        discovery=found,
        scenarios=scenario_rows,
        what_would_decide=deciding,
    )


def _statement(
    rows: list[dict[str, Any]],
    block: dict[str, Any],
    proposal: str,
    baseline: str,
    comparison: ComparisonResult,
    deciding: list[dict[str, Any]],
) -> str:
    if proposal == PROPOSAL and baseline == BASELINE:
        subject, other = "broadening the partnership", "security-only ties"
    else:
        subject, other = f"the {proposal} policy", f"the {baseline} policy"
    decided = [r for r in rows if r["decided"] and r["outcome"] != "cost"]
    parts = []
    for r in decided:
        parts.append(
            f"{r['verdict']} on {r['outcome'].replace('_', ' ')} (P = {r['p_better']:.2f})"
        )
    undecided = [r["outcome"].replace("_", " ") for r in rows if not r["decided"]]
    if not block["usable"]:
        lead = (
            f"The evidence does not decide whether {subject} does better than {other}: the "
            "model " + " and ".join(block["reasons"]) + "."
        )
    elif not decided:
        lead = (
            f"The evidence does not decide whether {subject} does better than {other}: on "
            "every outcome the record leaves the answer within "
            f"{MIN_SHIFT:.2f} of what the priors alone say."
        )
    else:
        lead = f"Compared with {other}, {subject} is " + "; ".join(parts) + "."
        if undecided:
            lead += " The evidence does not decide on " + ", ".join(undecided) + "."
    names = sorted({p["parameter"] for d in deciding for p in d["parameters"]})
    if names:
        lead += (
            " What would decide it: evidence on "
            + "; ".join(f"{n} ({DECIDERS.get(n, '')})" for n in names[:4])
            + "."
        )
    lead += (
        f" ({comparison.draws} posterior draws x {comparison.runs} paired runs, "
        f"{comparison.years} years after the record.)"
    )
    return lead
