"""The app's HTML pages. They load only the app's own script and style sheet
(``/assets/app.js``, ``/assets/app.css``, from the same origin, no CDN), hold no
inline script or style, and so run under a strict Content-Security-Policy."""

from __future__ import annotations

import html
from functools import cache
from string import Template
from typing import Any

from bilat._paths import package_data
from bilat.study.case import Case

__all__ = ["app_page", "asset", "no_report_page"]


@cache
def asset(name: str) -> str:
    """A file of ``bilat/app/assets``: the page template, its script and its style sheet."""
    return package_data("app", "assets", name).read_text(encoding="utf-8")


def _template(name: str) -> Template:
    return Template(asset(name))


def _answer_block(answer: dict[str, Any] | None) -> str:
    if answer is None:
        return (
            "<p class='muted'>No study has been run in the folder this app serves. Run "
            "<code>bilat study us-pakistan</code>, then restart <code>bilat serve</code>.</p>"
        )
    ans = answer.get("answer", {})
    if ans.get("status") != "ok" or not ans.get("statement"):
        return (
            "<p><b>The answer is not available</b>: "
            f"{html.escape(str(ans.get('reason') or 'the model stages did not run'))}.</p>"
        )
    conditions = "".join(f"<li>{html.escape(str(c))}</li>" for c in ans.get("conditions", []))
    return (
        f"<div class='answer'><p><b>{html.escape(str(ans['statement']))}</b></p>"
        + (f"<p>It holds when:</p><ul>{conditions}</ul>" if conditions else "")
        + "</div>"
    )


def app_page(case: Case, answer: dict[str, Any] | None, has_report: bool) -> str:
    """The app's main page: the answer, a link to the report, what-if controls, uploads."""
    report = (
        '<p><a href="/report" id="report-link">Open the full report</a> — timeline, aid and '
        "sanctions, claims with their evidence, the model's fit, policies, sensitivity, sources."
        "</p>"
        if has_report
        else "<p class='muted'>No report yet: run <code>bilat study "
        f"{html.escape(case.name)}</code> first.</p>"
    )
    return _template("app.html").substitute(
        title=html.escape(case.title),
        question=html.escape(case.question),
        answer=_answer_block(answer),
        report=report,
    )


def no_report_page(case: Case) -> str:
    """Shown at /report when no study has been run in the served folder."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>No report</title>'
        '<link rel="stylesheet" href="/assets/app.css"></head>'
        "<body><main class='wrap'><section>"
        f"<h2>No report yet</h2><p>Run <code>bilat study {html.escape(case.name)} --out DIR"
        "</code>, then <code>bilat serve --out DIR</code>.</p><p><a href='/'>Back</a></p>"
        "</section></main></body></html>"
    )
