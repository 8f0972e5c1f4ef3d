"""The study's report: one self-contained HTML file (no CDN, no script, figures inline).

The report is built from the same data as answer.json (:func:`~bilat.study.answer.build_answer`)
plus the figures of :mod:`bilat.report.figures`, embedded as base64 PNG. Every
section whose stage did not run says so, with the reason, instead of showing
numbers. Text is escaped; links to evidence are in-page anchors.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bilat.errors import BilatError
from bilat.report.checks import checks_section
from bilat.report.comparative import panel_section
from bilat.study.answer import build_answer
from bilat.study.output import OutputFolder
from bilat.study.result import StudyResult

__all__ = ["anchor", "render_report", "write_report"]

_VERDICT_LOOK = {
    "supported": ("✓", "supported"),
    "not_supported": ("✗", "not supported"),
    "mixed": ("≈", "mixed"),
    "insufficient_data": ("?", "insufficient data"),
}

_MODALITY_NOTE = {
    "asserted": "fact",
    "reported": "fact (reported)",
    "hypothetical": "hypothetical",
    "counterfactual": "counterfactual",
    "prescriptive": "prescription",
    "negated": "negated",
}

_CSS = """
:root{--ink:#1d2330;--muted:#5b6472;--line:#e3e6eb;--bg:#fbfbfc;--card:#ffffff;
--blue:#0072B2;--verm:#D55E00;--green:#007a5a;--orange:#a55f00;--grey:#666}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;background:var(--bg);color:var(--ink);line-height:1.55;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,
"Noto Sans",sans-serif}
a{color:var(--blue)}
a:focus-visible{outline:3px solid #E69F00;outline-offset:2px}
.wrap{max-width:1160px;margin:0 auto;padding:0 28px}
header.hero{background:#14213d;color:#f4f6fa;padding:40px 0 32px}
header.hero .kicker{text-transform:uppercase;letter-spacing:.12em;font-size:.78rem;
color:#b9c3d6;margin:0 0 8px}
header.hero h1{font-size:2.2rem;line-height:1.15;margin:0 0 14px;font-weight:700}
header.hero .question{font-size:1.12rem;max-width:52em;color:#e3e8f2;margin:0 0 22px}
.answer-card{background:#fff;color:var(--ink);border-radius:10px;padding:22px 26px;
border-left:8px solid var(--blue);box-shadow:0 6px 24px rgba(0,0,0,.18)}
.answer-card.na{border-left-color:var(--grey)}
.answer-card h2{margin:0 0 6px;font-size:1rem;text-transform:uppercase;letter-spacing:.08em;
color:var(--muted)}
.answer-card .statement{font-size:1.25rem;line-height:1.4;margin:0 0 10px;font-weight:600}
.answer-card ul{margin:6px 0 0 1.1em;padding:0}
.figures-row{display:flex;gap:14px;flex-wrap:wrap;margin-top:18px}
.stat{background:rgba(255,255,255,.08);border-radius:8px;padding:8px 14px;min-width:120px}
.stat b{display:block;font-size:1.35rem;color:#fff}
.stat span{font-size:.78rem;color:#b9c3d6;text-transform:uppercase;letter-spacing:.06em}
nav.toc{position:sticky;top:0;z-index:5;background:rgba(251,251,252,.96);
border-bottom:1px solid var(--line);backdrop-filter:blur(4px)}
nav.toc ul{list-style:none;margin:0;padding:10px 0;display:flex;gap:18px;flex-wrap:wrap;
font-size:.9rem}
nav.toc a{text-decoration:none;color:var(--ink)}
nav.toc a:hover{color:var(--blue)}
section{padding:34px 0 10px;border-bottom:1px solid var(--line);scroll-margin-top:44px}
[id]{scroll-margin-top:56px}
section h2{font-size:1.5rem;margin:0 0 6px}
p.lede{color:var(--muted);max-width:60em;margin:0 0 16px}
figure{margin:0 0 14px;background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:12px}
figure img{width:100%;height:auto;display:block}
figcaption{font-size:.85rem;color:var(--muted);margin-top:8px}
.na{background:#f3f4f6;border:1px dashed #9aa1ab;border-radius:8px;padding:12px 16px;
color:#333;margin:0 0 14px}
.na strong{color:#111}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:var(--card)}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
th{font-size:.76rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
background:#f6f7f9}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.chip{display:inline-block;border-radius:999px;padding:2px 10px;font-size:.8rem;
font-weight:600;white-space:nowrap;border:1px solid currentColor}
.chip.supported{color:var(--green);background:#e7f5f0}
.chip.not_supported{color:var(--verm);background:#fbede4}
.chip.mixed{color:var(--orange);background:#fbf2e2}
.chip.insufficient_data,.chip.not_available,.chip.failed{color:#444;background:#eeeff1}
.chip.ok{color:var(--green);background:#e7f5f0}
.chip.failed{color:var(--verm)}
.chip.fact{color:var(--blue);background:#e6f0f8}
.chip.other{color:#6b4c8a;background:#f3edf8}
.evlinks{font-size:.82rem;color:var(--muted)}
.evlinks a{display:inline-block;margin:0 6px 2px 0;font-size:.8rem}
.evlinks a.series{border:1px solid var(--line);border-radius:6px;padding:0 6px;background:#f6f7f9}
.evlinks details{display:inline}
.claims{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px}
.claim{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;
border-top:5px solid #9aa1ab}
.claim.supported{border-top-color:#009E73}.claim.not_supported{border-top-color:#D55E00}
.claim.mixed{border-top-color:#E69F00}
.claim h3{font-size:1.02rem;margin:8px 0 6px;line-height:1.3}
.claim .cstat{margin:0 0 6px}.claim .big{font-size:1.5rem;font-weight:700}
.claim .reason{font-size:.84rem;color:#3b4250;margin:0 0 8px}
.probs{margin:14px 0 4px;display:grid;grid-template-columns:170px 1fr 150px;gap:4px 12px;
align-items:center;font-size:.9rem}
.probs .bar{background:#e9ecf1;border-radius:4px;height:14px;position:relative}
.probs .bar span{position:absolute;left:0;top:0;bottom:0;border-radius:4px;background:var(--blue)}
.probs .bar i{position:absolute;top:-2px;bottom:-2px;border-left:2px solid #1d2330;
border-right:2px solid #1d2330;opacity:.55}
.evidence{padding-left:1.3em}
.evidence li{margin:0 0 10px;padding:6px 8px;border-radius:6px}
.evidence li:target{background:#fff6d6;outline:2px solid #E69F00}
.meta{color:var(--muted);font-size:.82rem}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:820px){.two{grid-template-columns:1fr}header.hero h1{font-size:1.7rem}}
footer{padding:26px 0 40px;color:var(--muted);font-size:.85rem}
@media print{nav.toc{display:none}header.hero{background:#fff;color:#000}}
"""


def anchor(event_id: str) -> str:
    """The in-page anchor of an evidence event (``ev-`` + a safe form of its id)."""
    return "ev-" + re.sub(r"[^A-Za-z0-9_-]", "-", event_id)


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value))


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _e(value)
    if number != number:
        return "–"
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.{digits}f}"


def _interval(interval: dict[str, Any] | None) -> str:
    if not interval or interval.get("low") is None or interval.get("high") is None:
        return ""
    level = float(interval.get("level", 0.9)) * 100
    return f"[{_num(interval['low'])}, {_num(interval['high'])}] ({level:.0f} %)"


def _cameo_label(code: Any) -> str:
    """The CAMEO label of a code ('' when the ontology does not know it)."""
    if not isinstance(code, str) or not code:
        return ""
    try:
        from bilat.ontology import cameo
    except ImportError:  # pragma: no cover - the ontology ships with bilat
        return ""
    try:
        return str(cameo(code).label)
    except BilatError:
        return ""


def _when(row: Mapping[Any, Any]) -> str:
    """An event's date as precisely as it is known ("1990s", "2009", "2001-09-11 – 2008")."""
    start = str(row.get("date") or "")[:10]
    precision = str(row.get("date_precision") or "day")
    end = row.get("date_end")
    end_text = "" if end is None or (isinstance(end, float) and end != end) else str(end)[:10]
    if precision == "decade":
        return f"{start[:3]}0s"
    if precision == "year":
        return start[:4]
    if precision == "month":
        return start[:7]
    if precision == "range" and end_text:
        return f"{start[:4]}–{end_text[:4]}"
    return start


def _holdout(holdout: Any) -> str:
    """One sentence on the out-of-sample check against the VAR null model."""
    if not isinstance(holdout, dict) or holdout.get("model_rmse") is None:
        return ""
    beats = holdout.get("model_beats_var")
    verdict = "better than" if beats else "worse than" if beats is False else "compared with"
    years = holdout.get("test_years") or []
    span = f"{years[0]}–{years[-1]}" if years else "the later years"
    return (
        f"<p><b>Out of sample.</b> Fitted through {_e(holdout.get('train_until'))}, the model "
        f"predicts {_e(span)} with an error (RMSE) of {_num(holdout.get('model_rmse'), 3)}, "
        f"{verdict} a VAR null model's {_num(holdout.get('var_rmse'), 3)} (Goldstein and Freeman's "
        "routine-and-reciprocity baseline).</p>"
    )


def _identified(verdict: Any) -> str:
    """A chip for a parameter's identification verdict."""
    if not verdict:
        return ""
    kind = {"identified": "supported", "weakly identified": "mixed"}.get(str(verdict), "failed")
    return f'<span class="chip {kind}">{_e(verdict)}</span>'


def _not_available(section: dict[str, Any], what: str) -> str:
    status = "failed" if section.get("status") == "failed" else "not available"
    return (
        f'<div class="na" role="note"><strong>{_e(what)}: {status}.</strong> '
        f"{_e(section.get('reason'))}</div>"
    )


def _figure(figures: dict[str, bytes], name: str, alt: str, caption: str) -> str:
    png = figures.get(name)
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}" '
        f'data-figure="{_e(name)}"><figcaption>{caption}</figcaption></figure>'
    )


def _hero(result: StudyResult, answer: dict[str, Any]) -> str:
    case = result.case
    ans = answer["answer"]
    if ans["status"] == "ok" and ans.get("statement"):
        est = ans.get("estimate") or {}
        detail = ""
        if est.get("value") is not None:
            detail = (
                f"<p>{_e(est.get('name'))}: <b>{_num(est.get('value'))}</b> "
                f"{_e(est.get('unit') or '')} {_e(_interval(est.get('interval')))}"
            )
            if ans.get("probability") is not None:
                detail += f" · probability: <b>{_num(ans['probability'])}</b>"
            detail += "</p>"
        detail += _probabilities(ans.get("outcomes", []))
        conditions = "".join(f"<li>{_e(c)}</li>" for c in ans.get("conditions", []))
        caveats = "".join(f"<li>{_e(c)}</li>" for c in ans.get("caveats", []))
        card = (
            '<div class="answer-card" id="answer-card"><h2>The answer</h2>'
            f'<p class="statement">{_e(ans["statement"])}</p>{detail}'
            + (f"<p><b>It holds when:</b></p><ul>{conditions}</ul>" if conditions else "")
            + (f"<p><b>Caveats:</b></p><ul>{caveats}</ul>" if caveats else "")
            + "</div>"
        )
    else:
        card = (
            '<div class="answer-card na" id="answer-card"><h2>The answer</h2>'
            '<p class="statement">Not available: the model stages did not run.</p>'
            f"<p>{_e(ans.get('reason'))}</p></div>"
        )
    claims = answer["claims"]["items"]
    supported = sum(1 for c in claims if c["verdict"] == "supported")
    stats = [
        (f"{len(result.events):,}", "events in the store"),
        (f"{supported}/{len(claims)}" if claims else "–", "claims supported"),
        (str(len(result.sources)), "sources"),
        (str(sum(d["facts"] for d in result.documents)), "facts coded from text"),
        (f"{result.seconds:.0f} s", f"run (seed {result.seed})"),
    ]
    stat_html = "".join(
        f'<div class="stat"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in stats
    )
    return (
        '<header class="hero"><div class="wrap">'
        f'<p class="kicker">bilat study · {_e(case.name)} · {_e(case.dyad)}</p>'
        f"<h1>{_e(case.title)}</h1>"
        f'<p class="question"><b>The question.</b> {_e(case.question)}</p>'
        f'{card}<div class="figures-row">{stat_html}</div></div></header>'
    )


def _probabilities(outcomes: list[dict[str, Any]]) -> str:
    """Bars: the probability that the proposal beats the baseline on each outcome."""
    rows = []
    for o in outcomes:
        p = o.get("p_better")
        if p is None:
            continue
        interval = o.get("p_interval") or {}
        lo, hi = interval.get("low"), interval.get("high")
        whisker = (
            f'<i style="left:{100 * float(lo):.1f}%;width:{100 * (float(hi) - float(lo)):.1f}%">'
            "</i>"
            if lo is not None and hi is not None
            else ""
        )
        rows.append(
            f"<div>{_e(str(o['outcome']).replace('_', ' '))}</div>"
            f'<div class="bar" role="img" aria-label="probability {float(p):.2f}">'
            f'<span style="width:{100 * float(p):.1f}%"></span>{whisker}</div>'
            f"<div>{float(p):.2f} · {_e(o.get('verdict') or '')}</div>"
        )
    if not rows:
        return ""
    return (
        "<p><b>Probability that broadening does better than security-only</b> (lower trust "
        "deficit, threat, dependence on China, risk of rupture, cost):</p>"
        f'<div class="probs">{"".join(rows)}</div>'
    )


_NAV = (
    ("timeline", "Timeline"),
    ("aid", "Aid & sanctions"),
    ("claims", "Claims"),
    ("article", "The article"),
    ("model", "Model fit"),
    ("policies", "Policies"),
    ("sensitivity", "Sensitivity"),
    ("partners", "Other partners"),
    ("evidence", "Evidence"),
    ("sources", "Sources"),
    ("run", "Run"),
)


def _timeline(result: StudyResult, answer: dict[str, Any], figures: dict[str, bytes]) -> str:
    body = _figure(
        figures,
        "timeline",
        "Bar chart of US cooperative (up) and conflictual (down) events towards "
        f"{result.case.client_name} per year, with the conventional eras and the measured "
        "phases shaded and key episodes labelled.",
        "Bars: events per year in each direction (cooperation up, conflict down). Bands: the "
        "eras of the standard histories and the phases bilat measured. Dotted lines: key "
        "episodes. Bottom lane: the events coded from the article (filled: stated as fact).",
    )
    if not body:
        body = _not_available(
            {
                "reason": "the store holds no events to draw (no curated record ships for "
                f"{result.case.dyad}; give an ingested store with --db or documents with --text)"
                if result.case.record is None
                else "the store holds no events to draw"
            },
            "Timeline of the partnership",
        )
    body += _data_notes(result)
    phases = answer["measures"]
    if phases["status"] != "ok":
        body += _not_available(phases, "Measured phases")
    rows = "".join(
        f"<tr><td>{_e(p['start'][:4])}–{_e(p['end'][:4])}</td><td>{_e(p['label'])}</td></tr>"
        for p in phases.get("phases", [])
    )
    if rows:
        method = result.measures.get("phase_method", "")
        body += (
            f"<details><summary>Measured phases ({_e(method)})</summary><table><thead><tr>"
            f"<th>years</th><th>phase</th></tr></thead><tbody>{rows}</tbody></table></details>"
        )
    return (
        '<section id="timeline"><div class="wrap"><h2>Timeline of the partnership</h2>'
        '<p class="lede">Cycles of intense engagement and abrupt disengagement: the record, '
        f"year by year.</p>{body}</div></section>"
    )


def _data_notes(result: StudyResult) -> str:
    """What the study found to build the case from, and where its eras come from."""
    notes = list(result.measures.get("data", []))
    if not result.case.eras and result.measures.get("eras"):
        from bilat.study.derived import ERA_SOURCE

        notes.append(f"eras: {ERA_SOURCE}")
    elif not result.case.eras:
        notes.append("eras: none (no case file gives them and the panel has too few aid years)")
    if not result.case.episodes:
        notes.append(
            "episodes: the stored events of largest Goldstein magnitude"
            if result.measures.get("episodes")
            else "episodes: none (no case file gives them and the store holds no events)"
        )
    if not notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f"<details><summary>What this case is built from</summary><ul>{items}</ul></details>"


def _aid(result: StudyResult, figures: dict[str, bytes]) -> str:
    name = result.case.client_name or result.case.client
    if result.case.record is not None:
        alt = (
            "Stacked area chart of US economic aid, military aid and Coalition Support Fund "
            f"reimbursements to {name} per year, with years of military rule shaded and bars "
            "for each US sanctions programme in force."
        )
        caption = (
            f"US aid to {name} as the record transcribes it: all obligations and Coalition "
            "Support Fund reimbursements in constant 2020 dollars, CRS totals in current "
            "dollars, Greenbook economic aid relative to its peak (its units are undocumented); "
            "military rule shaded; the US sanction programmes below. Sources in the Sources "
            "section."
        )
    else:
        alt = (
            f"Stacked bar chart of US military and economic aid to {name} per year from the "
            "panel (democracy aid, part of economic aid, as a line), its agreement with the US "
            "in UNGA votes below, and the years with US sanctions in force."
        )
        caption = (
            f"US aid to {name} by type from bilat's panel (USAID Greenbook / Foreign Aid "
            "Explorer, constant 2020 US$), military rule shaded, agreement with the US "
            "in UNGA votes (Voeten et al.), US sanctions in force (TIES). See the panel's "
            "PROVENANCE.md for each source."
        )
    body = _figure(figures, "aid", alt, caption)
    if not body:
        stage = result.stage("record")
        reason = (
            stage.reason
            if stage is not None and stage.status != "ok"
            else "neither the record nor the panel has annual aid series for this dyad"
        )
        body = _not_available({"reason": reason}, "US aid, regime and sanctions")
    lede = str(result.case.labels.get("aid_lede", "What the US gave, and what it got back."))
    return (
        '<section id="aid"><div class="wrap"><h2>US aid, regime type and sanctions</h2>'
        f'<p class="lede">{_e(lede)}</p>{body}</div></section>'
    )


#: Claim evidence links shown before the rest fold away.
_SHOWN_EVIDENCE = 8


def _evidence_links(evidence: list[dict[str, Any]]) -> str:
    """Links to a claim's record events (first few, the rest folded) and series rows."""
    events = [ev for ev in evidence if not str(ev.get("dataset") or "").startswith("series:")]
    series: dict[str, list[str]] = {}
    for ev in evidence:
        dataset = str(ev.get("dataset") or "")
        if dataset.startswith("series:"):
            series.setdefault(dataset.split(":", 1)[1], []).append(str(ev.get("date") or ""))

    def link(ev: dict[str, Any]) -> str:
        """A year link to the evidence event's anchor, its summary as the tooltip."""
        title = _e((ev.get("summary") or "")[:160])
        return (
            f'<a href="#{anchor(ev["id"])}" title="{title}">{_e((ev.get("date") or "?")[:4])}</a>'
        )

    shown = "".join(link(ev) for ev in events[:_SHOWN_EVIDENCE])
    rest = events[_SHOWN_EVIDENCE:]
    folded = (
        f"<details><summary>{len(rest)} more events</summary>{''.join(link(ev) for ev in rest)}"
        "</details>"
        if rest
        else ""
    )
    chips = "".join(
        f'<a class="series" href="#{anchor("series:" + name)}">{_e(name)} series '
        f"({len(years)} years)</a>"
        for name, years in series.items()
    )
    head = f"<b>{len(events)}</b> record events" if events else ""
    return f'<div class="evlinks">{head} {shown}{folded}{chips}</div>'


def _claims(answer: dict[str, Any]) -> str:
    section = answer["claims"]
    if section["status"] != "ok":
        body = _not_available(section, "The article's claims")
    else:
        cards = []
        for claim in section["items"]:
            icon, word = _VERDICT_LOOK[claim["verdict"]]
            stat = claim.get("statistic") or {}
            stat_text = (
                f'<p class="cstat"><span class="big">{_num(stat.get("value"))}</span> '
                f'<span class="meta">{_e(_interval(claim.get("interval")))}</span><br>'
                f'<span class="meta">{_e(stat.get("name"))}</span></p>'
                if stat and stat.get("value") is not None
                else '<p class="cstat meta">no statistic: the data do not allow a test</p>'
            )
            cards.append(
                f'<article class="claim {claim["verdict"]}" id="claim-{_e(claim["id"])}">'
                f'<span class="chip {claim["verdict"]}">{icon} {word}</span>'
                f"<h3>{_e(claim['claim'])}</h3>{stat_text}"
                f'<p class="reason">{_e(claim.get("explanation") or "")}</p>'
                f"{_evidence_links(claim['evidence'])}</article>"
            )
        body = f'<div class="claims">{"".join(cards)}</div>'
    return (
        '<section id="claims"><div class="wrap"><h2>The article\'s claims, tested</h2>'
        '<p class="lede">Each claim of the article as a testable statement, with its statistic, '
        "an interval and the record items behind it (click a year to see the event and its "
        "citation). The claims are tested on the built-in record, not on the coded article: "
        f"testing the article on its own assertions would be circular.</p>{body}</div></section>"
    )


def _article(result: StudyResult, answer: dict[str, Any]) -> str:
    section = answer["coded"]
    if section["status"] != "ok":
        body = _not_available(section, "Events coded from the article")
    else:
        coded = result.coded.sort_values("date") if not result.coded.empty else result.coded
        rows = []
        for row in coded.to_dict("records"):
            modality = str(row.get("modality"))
            kind = "fact" if modality in ("asserted", "reported") else "other"
            rows.append(
                f"<tr><td class='num'>{_e(_when(row))}"
                f"<div class='meta'>{_e(row.get('date_precision'))}</div></td>"
                f"<td>{_e(row.get('actor_text') or row.get('actor_code'))} → "
                f"{_e(row.get('recipient_text') or row.get('recipient_code'))}</td>"
                f"<td>{_e(row.get('cameo'))} <span class='meta'>"
                f"{_e(_cameo_label(row.get('cameo')) or row.get('event'))}</span>"
                f"</td><td><span class='chip {kind}'>"
                f"{_e(_MODALITY_NOTE.get(modality, modality))}</span></td>"
                f"<td class='meta'>{_e(row.get('sentence'))}</td></tr>"
            )
        docs = ", ".join(
            f"{_e(d['file'])} (dated {_e(d['doc_date'])}: {d['events']} events, {d['facts']} facts)"
            for d in section["documents"]
        )
        body = (
            f"<p>{docs}. Facts (asserted or reported) enter the measures; hypotheticals, "
            "counterfactuals and prescriptions are kept but never counted as history.</p>"
            + (
                "<table><thead><tr><th>date</th><th>actor → recipient</th><th>CAMEO</th>"
                f"<th>modality</th><th>sentence</th></tr></thead><tbody>{''.join(rows)}</tbody>"
                "</table>"
                if rows
                else "<p>No events were coded.</p>"
            )
        )
    return (
        '<section id="article"><div class="wrap"><h2>The article, coded</h2>'
        '<p class="lede">What the article asserts, as events on the timeline — and what it only '
        f"wishes or imagines.</p>{body}</div></section>"
    )


def _model(result: StudyResult, answer: dict[str, Any], figures: dict[str, bytes]) -> str:
    section = answer["calibration"]
    if section["status"] != "ok":
        body = _not_available(section, "Model calibration")
    else:
        body = _figure(
            figures,
            "fit",
            "Observed history against the calibrated model's median and 90 % band.",
            "The calibrated model against history: dots observed, line the model's posterior "
            "predictive mean, band its 90 % interval.",
        )
        rows = "".join(
            f"<tr><td>{_e(p['name'])}<div class='meta'>{_e(p.get('meaning') or '')}</div></td>"
            f"<td class='num'>{_e(_interval(p.get('prior')))}</td>"
            f"<td class='num'>{_num(p.get('median'))} {_e(_interval(p.get('posterior')))}</td>"
            f"<td class='num'>{_num(p.get('width_ratio'))}</td>"
            f"<td>{_identified(p.get('verdict'))}</td></tr>"
            for p in section.get("parameters", [])
        )
        if rows:
            body += (
                "<table><thead><tr><th>parameter</th><th>prior</th><th>posterior</th>"
                "<th>posterior / prior width</th><th>the record</th></tr></thead>"
                f"<tbody>{rows}</tbody></table><p class='meta'>A width ratio near 1 means the "
                "record does not identify the parameter: its prior carries the answer.</p>"
            )
        body += _holdout(section.get("holdout"))
        if not body:
            body = "<p>The model was calibrated; it reported no fit series to draw.</p>"
    method = section.get("method")
    return (
        '<section id="model"><div class="wrap"><h2>The model\'s fit to history</h2>'
        f'<p class="lede">The strategic model calibrated to the record'
        f"{' (' + _e(method) + ', budget ' + str(section.get('budget')) + ')' if method else ''}"
        f".</p>{body}</div></section>"
    )


def _policies(answer: dict[str, Any], figures: dict[str, bytes]) -> str:
    section = answer["policies"]
    if section["status"] != "ok":
        body = _not_available(section, "Policy experiments")
    else:
        body = _figure(
            figures,
            "policies",
            "Dot-and-interval chart of each policy's simulated outcomes.",
            "Each policy's outcomes: dot the posterior-predictive mean, line its interval. Blue: "
            "the broadened partnership; orange: security-only. Runs are paired by common random "
            "numbers.",
        )
        names: list[str] = []
        labels: dict[str, str] = {}
        for policy in section["items"]:
            for o in policy.get("outcomes", []):
                if o["name"] not in labels:
                    names.append(o["name"])
                    labels[o["name"]] = str(o.get("label") or o["name"])
        head = "".join(f"<th>{_e(labels[n])}</th>" for n in names)
        rows = []
        for policy in section["items"]:
            found = {o["name"]: o for o in policy.get("outcomes", [])}
            cells = "".join(
                f"<td class='num'><b>{_num(found[n].get('mean'))}</b><br><span class='meta'>"
                f"{_e(_interval(found[n].get('interval')))}</span></td>"
                if n in found
                else "<td>–</td>"
                for n in names
            )
            rows.append(
                f"<tr><td><b>{_e(policy['name'])}</b><div class='meta'>"
                f"{_e(policy.get('label') or '')}</div></td>{cells}</tr>"
            )
        body += (
            f"<table><thead><tr><th>policy</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        '<section id="policies"><div class="wrap"><h2>Policy experiments</h2>'
        '<p class="lede">What each US policy would do, with honest intervals.</p>'
        f"{body}</div></section>"
    )


def _sensitivity(answer: dict[str, Any], figures: dict[str, bytes]) -> str:
    section = answer["sensitivity"]
    if section["status"] != "ok":
        body = _not_available(section, "Sensitivity analysis")
    else:
        body = (
            _figure(
                figures,
                "sensitivity",
                "Heat map of the sensitivity index of each model parameter (rows) for each "
                "outcome of broadened minus security-only (columns).",
                f"Sensitivity of {_e(section.get('target') or 'the answer')} to each parameter "
                f"({_e(section.get('method') or '')}); cells outlined in red (⇄) are parameters "
                "whose value decides the sign of the difference on that outcome.",
            )
            or "<p>No sensitivity indices were reported.</p>"
        )
        conditions = "".join(f"<li>{_e(c)}</li>" for c in section.get("conditions", []))
        if conditions:
            body += f"<p><b>Conditions found:</b></p><ul>{conditions}</ul>"
    return (
        '<section id="sensitivity"><div class="wrap"><h2>Which assumptions matter</h2>'
        '<p class="lede">The parameters that move the answer most — and those that can flip it.'
        f"</p>{body}</div></section>"
    )


def _evidence(answer: dict[str, Any]) -> str:
    seen: dict[str, dict[str, Any]] = {}
    cited_by: dict[str, list[str]] = {}
    series: dict[str, dict[str, Any]] = {}
    for claim in answer["claims"]["items"]:
        for ev in claim["evidence"]:
            dataset = str(ev.get("dataset") or "")
            if dataset.startswith("series:"):
                name = dataset.split(":", 1)[1]
                block = series.setdefault(name, {"years": set(), "citations": set(), "claims": []})
                block["years"].add(str(ev.get("date")))
                if ev.get("citation"):
                    block["citations"].add(str(ev["citation"]))
                if claim["id"] not in block["claims"]:
                    block["claims"].append(claim["id"])
                continue
            seen.setdefault(ev["id"], ev)
            cited = cited_by.setdefault(ev["id"], [])
            if claim["id"] not in cited:
                cited.append(claim["id"])
    if not seen and not series:
        body = "<p>No record items are cited as evidence (the claims stage did not run).</p>"
    else:
        items = []
        for ev in sorted(seen.values(), key=lambda e: (e.get("date") or "", e["id"])):
            url = ev.get("url")
            link = f' <a href="{_e(url)}" rel="noopener">link</a>' if url else ""
            claims = ", ".join(f'<a href="#claim-{_e(c)}">{_e(c)}</a>' for c in cited_by[ev["id"]])
            items.append(
                f'<li id="{anchor(ev["id"])}"><b>{_e(ev.get("date") or "date unknown")}</b> — '
                f"{_e(ev.get('summary') or '(item not found in the store)')}"
                f'<div class="meta">CAMEO {_e(ev.get("cameo") or "–")} · '
                f"{_e(ev.get('citation') or 'no citation')}{link} · id {_e(ev['id'])} · "
                f"evidence for {claims}</div></li>"
            )
        blocks = []
        for name, block in sorted(series.items()):
            years = sorted(y for y in block["years"] if y and y != "None")
            claims = ", ".join(f'<a href="#claim-{_e(c)}">{_e(c)}</a>' for c in block["claims"])
            blocks.append(
                f'<li id="{anchor("series:" + name)}"><b>{_e(name)} series</b>, '
                f"{len(years)} years ({_e(_year_ranges(years))})"
                f'<div class="meta">{_e("; ".join(sorted(block["citations"])))} · evidence for '
                f"{claims}</div></li>"
            )
        body = (
            f'<h3>Record events</h3><ol class="evidence">{"".join(items)}</ol>' if items else ""
        ) + (f'<h3>Annual series</h3><ul class="evidence">{"".join(blocks)}</ul>' if blocks else "")
    return (
        '<section id="evidence"><div class="wrap"><h2>Evidence</h2>'
        '<p class="lede">The record items behind the verdicts, each with its citation.</p>'
        f"{body}</div></section>"
    )


def _year_ranges(years: list[str]) -> str:
    """``["1990", "1991", "1992", "1998"]`` -> ``"1990–1992, 1998"``."""
    numbers = sorted({int(y) for y in years if y.isdigit()})
    spans: list[list[int]] = []
    for year in numbers:
        if spans and spans[-1][1] == year - 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)


def _sources(result: StudyResult) -> str:
    items = []
    for source in result.sources:
        url = source.get("url")
        link = f' <a href="{_e(url)}" rel="noopener">link</a>' if url else ""
        count = (
            f" <span class='meta'>({source['events']} event{'s' if source['events'] != 1 else ''})"
            "</span>"
            if "events" in source
            else ""
        )
        items.append(
            f'<li id="source-{_e(source["id"])}">{_e(source["citation"])}{link}{count} '
            f"<span class='meta'>{_e(source.get('kind') or '')}</span></li>"
        )
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>No sources (the record did not load).</p>"
    return (
        '<section id="sources"><div class="wrap"><h2>Sources</h2>'
        f'<p class="lede">Everything the record and this report rest on.</p>{body}</div></section>'
    )


def _run(result: StudyResult) -> str:
    rows = "".join(
        f"<tr><td>{_e(s.title)}</td><td><span class='chip {s.status}'>"
        f"{_e(s.status.replace('_', ' '))}</span></td><td class='num'>{s.seconds:.1f} s</td>"
        f"<td class='meta'>{_e(s.reason or '')}</td></tr>"
        for s in result.stages
    )
    return (
        '<section id="run"><div class="wrap"><h2>How this report was made</h2>'
        f'<p class="lede">bilat study {_e(result.case.name)} · seed {result.seed} · calibration '
        f"budget {result.budget} simulations.</p><table><thead><tr><th>stage</th><th>status</th>"
        f"<th>time</th><th>note</th></tr></thead><tbody>{rows}</tbody></table></div></section>"
    )


def render_report(result: StudyResult, figures: dict[str, bytes]) -> str:
    """The report as one self-contained HTML document.

    Parameters
    ----------
    result:
        The study's result.
    figures:
        PNG bytes by figure name (see :data:`bilat.report.figures.FIGURES`);
        missing figures are left out.
    """
    answer = build_answer(result)
    nav = "".join(f'<li><a href="#{key}">{_e(label)}</a></li>' for key, label in _NAV)
    parts = [
        _hero(result, answer),
        f'<nav class="toc" aria-label="Sections"><div class="wrap"><ul>{nav}</ul></div></nav>',
        "<main>",
        _timeline(result, answer, figures),
        _aid(result, figures),
        _claims(answer),
        _article(result, answer),
        _model(result, answer, figures),
        _policies(answer, figures),
        checks_section(answer["answer"]),
        _sensitivity(answer, figures),
        panel_section(result, answer, figures),
        _evidence(answer),
        _sources(result),
        _run(result),
        "</main>",
        '<footer><div class="wrap">Made by bilat '
        f"{_e(answer['bilat_version'])}. Figures are computed from the record and the model; "
        "nothing here is a placeholder — sections that could not be computed say so.</div>"
        "</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(result.case.title)} — bilat study</title>"
        f"<style>{_CSS}</style></head><body>" + "\n".join(parts) + "</body></html>\n"
    )


def write_report(
    result: StudyResult, out: str | Path, *, folder: OutputFolder | None = None
) -> Path:
    """Draw the figures, write them to ``out/figures/*.png`` and write ``out/report.html``.

    Files go through ``folder`` (an :class:`~bilat.study.output.OutputFolder`
    on ``out``; one is opened when not given), so a file bilat did not create
    is never overwritten and a figure left from an earlier run is removed only
    when bilat wrote it.

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    from bilat.report.figures import FIGURES, draw_all

    if folder is None:
        folder = OutputFolder(out, command="bilat report")
    names = [f"figures/{name}.png" for name in FIGURES] + ["report.html"]
    folder.check(names)  # before drawing anything
    figures = draw_all(result)
    for name in FIGURES:  # a figure not drawn this time must not survive from an earlier run
        if name not in figures:
            folder.remove(f"figures/{name}.png")
    for name, png in figures.items():
        folder.write_bytes(f"figures/{name}.png", png)
    return folder.write_text("report.html", render_report(result, figures))
