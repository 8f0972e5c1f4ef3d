"""The report's section on the model's checks and the answer across scenarios.

Rendered from answer.json's ``answer`` block (:mod:`bilat.sim.answer`): the
validation the verdict words depend on (posterior predictive check, proper
scores out of sample against persistence, the historical mean and a VAR,
simulation-based calibration, identification), the answer across prior
scenarios and evidence sources, each element of the broadened bundle, and the
regions of the posterior where the sign flips. Everything is shown whatever it
shows; a block that is missing says so.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["checks_section"]

_KEY = ("trust_deficit", "us_distrust", "pk_distrust", "china_dependence", "militant_threat")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _n(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return _e(value)


def _label(name: str) -> str:
    return name.replace("_", " ")


def _validation(block: dict[str, Any]) -> str:
    parts = []
    usable = block.get("usable")
    reasons = block.get("reasons") or []
    parts.append(
        "<p><b>May the answer use verdict words?</b> "
        + (
            "Yes: the model passed the checks below."
            if usable
            else "No: the model " + _e("; ".join(reasons)) + "."
        )
        + "</p>"
    )
    ppc = block.get("ppc") or {}
    if ppc:
        outside = ppc.get("outside_90") or []
        parts.append(
            f"<p><b>Posterior predictive check.</b> Overall p = {_n(ppc.get('p_overall'), 3)} "
            f"({'passes' if ppc.get('passes') else 'fails'} at 0.05); "
            f"{len(outside)} of {_e(ppc.get('count'))} summaries lie outside their 90 % "
            "predictive intervals" + (": " + _e(", ".join(outside)) if outside else "") + ".</p>"
        )
    oos = block.get("out_of_sample") or {}
    scores = oos.get("scores") or {}
    if scores:
        rows = "".join(
            f"<tr><td>{_e(k)}</td><td class='num'>{_n(v.get('crps'), 3)}</td>"
            f"<td class='num'>{_n(v.get('rmse'), 3)}</td></tr>"
            for k, v in scores.items()
        )
        parts.append(
            f"<p><b>Out of sample</b> (fitted through {_e(oos.get('train_until'))}; lower is "
            "better):</p><table><thead><tr><th>forecast</th><th>CRPS</th><th>RMSE</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )
    sbc = block.get("sbc") or {}
    if sbc:
        effect = "".join(
            f"<tr><td>{_e(_label(r['outcome']))}</td><td class='num'>{_n(r.get('coverage_90'))}"
            f"</td><td class='num'>{_n(r.get('rank_p'), 3)}</td>"
            f"<td class='num'>{_n(r.get('error_ratio'))}</td></tr>"
            for r in sbc.get("policy_effect") or []
        )
        parts.append(
            f"<p><b>Simulation-based calibration</b> ({_e(sbc.get('truths'))} truths drawn from "
            f"the prior, {_e(sbc.get('budget_each'))} simulations per refit): the 90 % intervals "
            f"covered the truth {_n(sbc.get('coverage_90'))} of the time; ranks were uniform "
            f"for {_e(sbc.get('uniform_parameters'))} parameters; posterior error / prior error "
            f"{_n(sbc.get('error_ratio'))}. Recovery of the policy effect:</p><table><thead><tr>"
            "<th>effect</th><th>90 % coverage</th><th>rank uniformity p</th>"
            "<th>error / prior's</th></tr></thead>"
            f"<tbody>{effect}</tbody></table>"
        )
    ident = block.get("identification") or []
    if ident:
        rows = "".join(
            f"<tr><td>{_e(r.get('parameter'))}</td><td>{_e(r.get('verdict'))}</td>"
            f"<td class='num'>{_n(r.get('width_ratio'))}</td>"
            f"<td class='num'>{_n(r.get('ks_to_prior'))}</td>"
            f"<td class='num'>{_n(r.get('mass_at_bounds'))}</td>"
            f"<td class='num'>{_n(r.get('p_positive')) if 'p_positive' in r else '–'}</td></tr>"
            for r in ident
        )
        parts.append(
            "<p><b>Identification</b> (width, distance from the prior's shape, mass at the "
            "bounds; P(&gt;0) for effects whose sign the literature disputes):</p><table><thead>"
            "<tr><th>parameter</th><th>verdict</th><th>width ratio</th><th>KS to prior</th>"
            "<th>mass at bounds</th><th>P(&gt;0)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


def _scenarios(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{_e(_label(o))}</th>" for o in _KEY)
    body = []
    for r in rows:
        found = r.get("outcomes") or {}
        cells = "".join(
            f"<td class='num'>{_n(found[o].get('p_better'))}<br><span class='meta'>"
            f"{_e(found[o].get('verdict'))}</span></td>"
            if o in found
            else f"<td>{_e(r.get('status'))}</td>"
            for o in _KEY
        )
        body.append(
            f"<tr><td>{_e(r.get('prior'))}</td><td>{_e(r.get('evidence'))}</td>{cells}</tr>"
        )
    return (
        "<p><b>The answer across prior scenarios and evidence sources</b> (posterior "
        "probability that broadening beats security-only, and the verdict the rules allow):</p>"
        f"<table><thead><tr><th>prior</th><th>evidence</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _elements(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    by = {(r["policy"], r["outcome"]): r for r in rows}
    head = "".join(f"<th>{_e(_label(o))}</th>" for o in _KEY)
    body = "".join(
        f"<tr><td>{_e(p)}</td>"
        + "".join(
            f"<td class='num'>{_n(by[(p, o)].get('difference'), 3)}<br><span class='meta'>P = "
            f"{_n(by[(p, o)].get('p_better'))}</span></td>"
            if (p, o) in by
            else "<td>–</td>"
            for o in _KEY
        )
        + "</tr>"
        for p in policies
    )
    return (
        "<p><b>Each element of the bundle</b> (difference from security-only; negative is "
        "better):</p>"
        f"<table><thead><tr><th>policy</th>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def checks_section(answer: dict[str, Any]) -> str:
    """The HTML section (``id="checks"``) for answer.json's ``answer`` block."""
    block = answer.get("validation")
    if not isinstance(block, dict):
        body = "<p>The model's checks were not reported (the answer stage did not run).</p>"
    else:
        body = _validation(block)
        body += _scenarios(list(answer.get("scenarios") or []))
        body += _elements(list(answer.get("elements") or []))
        conditions = "".join(f"<li>{_e(c)}</li>" for c in answer.get("conditions") or [])
        if conditions:
            body += (
                "<p><b>Where the sign flips</b> (scenario discovery on the posterior):</p>"
                f"<ul>{conditions}</ul>"
            )
        deciding = answer.get("what_would_decide") or []
        names = sorted(
            {
                p["parameter"]: p.get("evidence", "")
                for d in deciding
                for p in d.get("parameters", [])
            }.items()
        )
        if names:
            items = "".join(f"<li>{_e(n)}: {_e(ev)}</li>" for n, ev in names)
            body += f"<p><b>What would decide it:</b></p><ul>{items}</ul>"
    return (
        '<section id="checks"><div class="wrap"><h2>Does the model earn its answer?</h2>'
        '<p class="lede">The checks the verdict words depend on, and the answer across '
        f"priors and evidence.</p>{body}</div></section>"
    )
