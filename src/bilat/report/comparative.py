"""The report's "What happened to other partners" section and its three figures.

Everything here reads ``StudyResult.panel`` (filled by
:mod:`bilat.study.comparative`) and the ``panel`` block of answer.json; when
the stage did not run, the section says why and no figure is drawn.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from bilat.study.result import StudyResult

__all__ = [
    "PANEL_FIGURES",
    "panel_effects_figure",
    "panel_event_figure",
    "panel_peers_figure",
    "panel_section",
]

_LABELS = {
    "unga_agree": "UNGA agreement",
    "unga_distance": "UNGA ideal distance",
    "sanction_imposed": "sanction imposed",
    "aid_cutoff": "aid cut > half",
    "mid_onset": "MID onset",
    "rival_arms_share": "China+Russia arms share",
    "regime_change": "regime change",
    "pew_fav_us": "Pew favourable (%)",
}

_EVENT_OUTCOMES = ("unga_agree", "rival_arms_share", "sanction_imposed")


def _ok(result: StudyResult) -> bool:
    return result.available("panel") and bool(result.panel)


def panel_effects_figure(result: StudyResult) -> bytes | None:
    """Forest plot: each broadening treatment's two-way FE effect per outcome, with intervals."""
    if not _ok(result):
        return None
    from bilat.report.figures import COLOURS, _figure, _png, _style

    effects = [e for e in result.panel.get("effects", []) if e["outcome"] != "pew_fav_us"]
    if not effects:
        return None
    frame = pd.DataFrame(
        {
            "treatment": [e["treatment"] for e in effects],
            "outcome": [e["outcome"] for e in effects],
            "estimate": [e["estimate"] for e in effects],
            "low": [e["interval"]["low"] for e in effects],
            "high": [e["interval"]["high"] for e in effects],
        }
    )
    treatments = list(dict.fromkeys(frame["treatment"]))
    colours = [COLOURS["blue"], COLOURS["green"], COLOURS["vermillion"], COLOURS["orange"]]
    fig = _figure(9.0, 0.9 + 0.42 * len(_LABELS))
    axes = fig.subplots(1, len(treatments), sharey=True, squeeze=False)[0]
    outcomes = [o for o in _LABELS if o in set(frame["outcome"])]
    for ax, treatment, colour in zip(axes, treatments, colours, strict=False):
        _style(ax)
        part = frame[frame["treatment"] == treatment].set_index("outcome")
        for y, outcome in enumerate(outcomes):
            if outcome not in part.index:
                continue
            row = part.loc[outcome]
            ax.plot([row["low"], row["high"]], [y, y], color=colour, linewidth=2)
            ax.plot(row["estimate"], y, "o", color=colour, markersize=5)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_title(treatment.replace("_", " "), fontsize=9)
        ax.set_yticks(range(len(outcomes)), [_LABELS[o] for o in outcomes])
        ax.invert_yaxis()
    axes[0].set_xlabel("effect per unit of treatment (lagged 1 y), 90 % interval", fontsize=8)
    return bytes(_png(fig))


def panel_event_figure(result: StudyResult) -> bytes | None:
    """Event-study paths around broadening shifts, with 90 % intervals."""
    if not _ok(result):
        return None
    from bilat.report.figures import COLOURS, _figure, _png, _style

    studies = {e["outcome"]: e for e in result.panel.get("event_studies", [])}
    chosen = [o for o in _EVENT_OUTCOMES if o in studies]
    if not chosen:
        return None
    fig = _figure(9.0, 2.8)
    axes = fig.subplots(1, len(chosen), squeeze=False)[0]
    for ax, outcome in zip(axes, chosen, strict=True):
        _style(ax)
        path = pd.DataFrame(studies[outcome]["path"]).sort_values("rel")
        ax.fill_between(
            path["rel"], path["ci_low"], path["ci_high"], color=COLOURS["sky"], alpha=0.35
        )
        ax.plot(path["rel"], path["estimate"], "o-", color=COLOURS["blue"], markersize=3.5)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.axvline(-0.5, color=COLOURS["vermillion"], linewidth=0.8, linestyle="--")
        pre = studies[outcome].get("pretrend") or {}
        p = pre.get("p_value")
        ax.set_title(
            f"{_LABELS[outcome]} (pre-trend p = {p:.2f})" if p is not None else _LABELS[outcome],
            fontsize=9,
        )
        ax.set_xlabel("years since the broadening shift", fontsize=8)
    return bytes(_png(fig))


def panel_peers_figure(result: StudyResult) -> bytes | None:
    """The focal partner's trajectory against its peers' on the report's outcomes."""
    if not _ok(result):
        return None
    from bilat.report.figures import COLOURS, _figure, _png, _style

    trajectories = result.panel.get("trajectories") or {}
    if not trajectories:
        return None
    fig = _figure(9.0, 3.0)
    axes = fig.subplots(1, len(trajectories), squeeze=False)[0]
    for ax, (outcome, records) in zip(axes, trajectories.items(), strict=True):
        _style(ax)
        frame = pd.DataFrame(records)
        peers_labelled = False
        for (country, focal), part in frame.groupby(["country", "focal"], sort=False):
            part = part.sort_values("year")
            label = country if focal else (None if peers_labelled else "its peers")
            peers_labelled = peers_labelled or not focal
            ax.plot(
                part["year"],
                part["value"],
                color=COLOURS["vermillion"] if focal else "#9aa1ab",
                linewidth=2.2 if focal else 1.0,
                label=label,
                zorder=3 if focal else 2,
            )
        ax.set_title(_LABELS.get(outcome, outcome), fontsize=9)
        ax.legend(fontsize=7, frameon=False, loc="best")
    return bytes(_png(fig))


#: The section's figures: file stem -> drawing function.
PANEL_FIGURES = {
    "panel_effects": panel_effects_figure,
    "panel_event": panel_event_figure,
    "panel_peers": panel_peers_figure,
}


def _e(value: Any) -> str:
    return "" if value is None else html.escape(str(value))


def _n(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    return f"{float(value):+.{digits}f}"


def _effects_table(items: list[dict[str, Any]], event: bool) -> str:
    head = (
        "<tr><th>treatment</th><th>outcome</th><th>estimate</th><th>90 % interval</th>"
        "<th>partners (identifying)</th><th>years</th>"
        + ("<th>pre-trend p</th><th>naive TWFE</th>" if event else "")
        + "</tr>"
    )
    rows = []
    for item in items:
        interval = item["interval"]
        extra = ""
        if event:
            pre = item.get("pretrend") or {}
            p = pre.get("p_value")
            extra = (
                f'<td class="num">{"–" if p is None else f"{p:.2f}"}</td>'
                f'<td class="num">{_n((item.get("naive_twfe") or {}).get("estimate"))}</td>'
            )
        rows.append(
            f"<tr><td>{_e(item['treatment'])}</td><td>{_e(item['outcome'])}</td>"
            f'<td class="num">{_n(item["estimate"])}</td>'
            f'<td class="num">[{_n(interval["low"])}, {_n(interval["high"])}]</td>'
            f'<td class="num">{item["n_partners"]} ({item.get("n_identifying", "–")})</td>'
            f'<td class="num">{item["years"][0]}–{item["years"][1]}</td>{extra}</tr>'
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _figure_html(figures: dict[str, bytes], name: str, alt: str, caption: str) -> str:
    from bilat.report.html import _figure

    return _figure(figures, name, alt, caption)


def panel_section(result: StudyResult, answer: dict[str, Any], figures: dict[str, bytes]) -> str:
    """The HTML of the "What happened to other partners" section."""
    block = answer.get("panel") or {}
    title = '<section id="partners"><div class="wrap"><h2>What happened to other partners</h2>'
    lede = (
        '<p class="lede">The model rests on one dyad. Here the same questions go to every US '
        "partner since 1946: two-way fixed effects (partner and year effects, errors clustered "
        "by partner) and an event study around sharp shifts towards economic aid (Sun &amp; "
        "Abraham's interaction-weighted estimator). The US chose whom to give what, so these "
        "are comparisons, not experiments.</p>"
    )
    if block.get("status") != "ok":
        status = "failed" if block.get("status") == "failed" else "not available"
        return (
            f'{title}{lede}<div class="na" role="note"><strong>Comparative evidence: {status}.'
            f"</strong> {_e(block.get('reason'))}</div></div></section>"
        )
    agreement = "".join(
        f'<li><span class="chip {"not_supported" if r["verdict"] == "disagree" else "mixed"}">'
        f"{_e(r['verdict'].replace('_', ' '))}</span> {_e(r['sentence'])}</li>"
        for r in block.get("agreement", [])
    )
    twfe = [e for e in block.get("effects", []) if e["treatment"] == "broadening_index"]
    others = [e for e in block.get("effects", []) if e["treatment"] != "broadening_index"]
    peers = block.get("peers") or {}
    peer_rows = "".join(
        f"<tr><td>{_e(p['country'])} ({_e(p['iso3'])})</td>"
        f'<td class="num">{p["distance"]:.2f}</td><td>{_e(p["reason"])}</td></tr>'
        for p in peers.get("peers", [])
    )
    oos = block.get("oos") or {}
    oos_rows = "".join(
        f"<tr><td>{_e(r['outcome'])}</td><td class='num'>{r['n_partners']}</td>"
        f"<td class='num'>{r['rmse']['model']:.3f}</td>"
        + "".join(f"<td class='num'>{r['skill'][k]:+.3f}</td>" for k in r["skill"])
        + "</tr>"
        for r in oos.get("results", [])
    )
    assumptions = block.get("assumptions") or {}
    caveats = "".join(
        f"<li><b>{'Two-way FE' if k == 'twfe' else 'Event study'}:</b> {_e(line)}</li>"
        for k, lines in assumptions.items()
        for line in lines
    )
    return (
        f"{title}{lede}"
        f"<p><b>{_e(block.get('statement'))}</b></p><ul>{agreement}</ul>"
        + _figure_html(
            figures,
            "panel_effects",
            "Two-way FE effects of broadening treatments on each outcome, with 90 % intervals",
            "Two-way FE: each treatment's effect (lagged one year) on each outcome across "
            f"{block.get('n_partners')} partners, 90 % intervals clustered by partner.",
        )
        + _effects_table(twfe, event=False)
        + "<details><summary>Economic share and security-only aid</summary>"
        + _effects_table(others, event=False)
        + "</details>"
        + _figure_html(
            figures,
            "panel_event",
            "Event-study paths around broadening shifts",
            "Years around a partner's first sharp rise in the economic share of US aid; year −1 "
            "is the reference; 90 % intervals (partner jackknife).",
        )
        + _effects_table(block.get("event_studies", []), event=True)
        + "<h3>Peers of the focal partner</h3>"
        + "<table><thead><tr><th>peer</th><th>distance</th><th>why (peer vs focal)</th></tr>"
        + f"</thead><tbody>{peer_rows}</tbody></table>"
        + _figure_html(
            figures,
            "panel_peers",
            "The focal partner's trajectory against its peers",
            "The focal partner (red) against its matched peers (grey).",
        )
        + "<h3>Out of sample (leave one partner out)</h3>"
        + "<table><thead><tr><th>outcome</th><th>partners</th><th>RMSE</th>"
        + "<th>skill vs persistence</th><th>vs own mean</th><th>vs others' mean</th></tr>"
        + f"</thead><tbody>{oos_rows}</tbody></table>"
        + f"<h3>What the designs assume</h3><ul>{caveats}</ul></div></section>"
    )
