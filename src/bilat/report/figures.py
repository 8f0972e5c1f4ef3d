"""The report's figures, drawn with Matplotlib's object API on the Agg canvas.

No figure touches pyplot or the process-wide backend: each builds a
:class:`matplotlib.figure.Figure`, draws it on a ``FigureCanvasAgg`` and
returns PNG bytes. Colours are the Okabe–Ito palette (distinguishable with the
common colour-vision deficiencies); every figure also has a text alternative
in the report.

Each function takes a :class:`~bilat.study.result.StudyResult` and returns
``None`` when the data it needs are not available.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from bilat.report.comparative import PANEL_FIGURES
from bilat.study.result import StudyResult

__all__ = [
    "COLOURS",
    "FIGURES",
    "PHASE_COLOURS",
    "aid_figure",
    "draw_all",
    "fit_figure",
    "panel_aid_figure",
    "policies_figure",
    "sensitivity_figure",
    "timeline_figure",
]

#: Okabe–Ito colours by role.
COLOURS: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#777777",
    "ink": "#1d2330",
}

#: Shading of phases and eras by kind (measured labels and era kinds alike).
PHASE_COLOURS: dict[str, str] = {
    "engaged": COLOURS["green"],
    "engagement": COLOURS["green"],
    "disengaged": "#9a9a9a",
    "disengagement": "#9a9a9a",
    "sanctioned": COLOURS["vermillion"],
    "sanction": COLOURS["vermillion"],
}

_QUAD_COLOURS = {
    1: COLOURS["sky"],
    2: COLOURS["blue"],
    3: COLOURS["orange"],
    4: COLOURS["vermillion"],
}
_QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#999999")
    ax.spines["bottom"].set_color("#999999")
    ax.tick_params(colors="#333333", labelsize=8.5)
    ax.yaxis.label.set_color("#333333")
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.7)
    ax.set_axisbelow(True)


def _png(fig: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _year_float(value: Any) -> float:
    """A date (or year) as a fractional year."""
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    stamp = pd.Timestamp(value)
    start = pd.Timestamp(year=stamp.year, month=1, day=1)
    return stamp.year + (stamp - start).days / 365.25


def _yearly_counts(result: StudyResult) -> tuple[dict[str, pd.DataFrame], str]:
    """Cooperative and conflictual events per year in each direction of the dyad.

    From the measured series when the measure stage ran; otherwise counted
    directly from the facts in the store (and labelled so).
    """
    case = result.case
    directions = [(case.patron, case.client), (case.client, case.patron)]
    out: dict[str, pd.DataFrame] = {}
    yearly = result.measures.get("yearly")
    if isinstance(yearly, pd.DataFrame) and not yearly.empty:
        for actor, recipient in directions:
            part = yearly[yearly["direction"] == f"{actor}->{recipient}"]
            out[f"{actor} → {recipient}"] = pd.DataFrame(
                {
                    "year": [pd.Timestamp(p).year for p in part["period"]],
                    "cooperation": part["cooperation"].to_numpy(float),
                    "conflict": part["conflict"].to_numpy(float),
                }
            )
        return out, "measured series (bilat.measure), facts only"
    events = result.events
    if events.empty:
        return {}, ""
    facts = events[events["modality"].isin(["asserted", "reported"])]
    for actor, recipient in directions:
        part = facts[(facts["actor_country"] == actor) & (facts["recipient_country"] == recipient)]
        penta = part["penta"].astype(int)
        out[f"{actor} → {recipient}"] = (
            pd.DataFrame(
                {
                    "year": pd.to_datetime(part["date"]).dt.year,
                    "cooperation": penta.isin([1, 2]).astype(float),
                    "conflict": penta.isin([3, 4]).astype(float),
                }
            )
            .groupby("year", as_index=False)
            .sum()
        )
    return out, "event counts from the store, facts only"


def _pack_labels(
    items: list[tuple[float, str]], lo: float, hi: float, char_years: float
) -> list[tuple[float, str, int, str]]:
    """Place labels in rows so that none overlaps: (x, label, row, alignment).

    A label starts at its x (left-aligned) unless it would run past ``hi``,
    then it ends there (right-aligned); ``char_years`` is the width of one
    character in data units.
    """
    ends: list[float] = []
    out = []
    for x, label in sorted(i for i in items if lo <= i[0] <= hi):
        width = (len(label) + 2) * char_years
        align = "left" if x + width <= hi else "right"
        left, right = (x, x + width) if align == "left" else (x - width, x)
        row = next((r for r, end in enumerate(ends) if end < left), None)
        if row is None:
            ends.append(right)
            row = len(ends) - 1
        else:
            ends[row] = right
        out.append((x, label, row, align))
    return out


def _shade(ax: Any, spans: list[tuple[float, float, str]], alpha: float = 0.16) -> None:
    for start, end, kind in spans:
        ax.axvspan(start, end, color=PHASE_COLOURS.get(kind, "#cccccc"), alpha=alpha, lw=0)


def _fit_label(label: str, span: float, char_years: float) -> str:
    """The label wrapped onto at most two lines that fit ``span``; '' if it cannot fit."""
    per_line = int(span / char_years) - 1
    if per_line >= len(label):
        return label
    if per_line < 4:
        return ""
    lines = textwrap.wrap(label, per_line, break_long_words=False)
    if len(lines) <= 2 and all(len(line) <= per_line for line in lines):
        return "\n".join(lines)
    return ""


def _band(ax: Any, spans: list[tuple[float, float, str, str]], title: str) -> None:
    """A thin horizontal band of labelled coloured segments."""
    for start, end, kind, label in spans:
        colour = PHASE_COLOURS.get(kind, "#cccccc")
        ax.barh(0, end - start, left=start, height=0.8, color=colour, alpha=0.55, lw=0)
        fitted = _fit_label(label, end - start, char_years=0.36)
        if fitted:
            ax.text(
                (start + end) / 2,
                0,
                fitted,
                ha="center",
                va="center",
                fontsize=6.8,
                linespacing=0.95,
                color="#111111",
                clip_on=True,
            )
    ax.set_yticks([0])
    ax.set_yticklabels([title], fontsize=8.5)
    ax.set_ylim(-0.5, 0.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=8.5)


def _eras(result: StudyResult) -> tuple[Any, ...]:
    """The case file's eras, else those the study derived from the panel (may be none)."""
    return tuple(result.case.eras) or tuple(result.measures.get("eras", ()))


def _episodes(result: StudyResult) -> tuple[Any, ...]:
    """The case file's episodes, else the study's largest stored events (may be none)."""
    return tuple(result.case.episodes) or tuple(result.measures.get("episodes", ()))


def timeline_figure(result: StudyResult) -> bytes | None:
    """Timeline of the partnership: US cooperation and conflict per year, eras and
    measured phases shaded, key episodes labelled, and the coded article's events.
    """
    case = result.case
    counts, provenance = _yearly_counts(result)
    if not counts or all(frame.empty for frame in counts.values()):
        return None
    phases = result.measures.get("phases", [])
    coded = result.coded
    rows = ["main", "eras"] + (["phases"] if phases else []) + (["article"] if len(coded) else [])
    heights = {"main": 5.0, "eras": 0.8, "phases": 0.8, "article": 1.1}
    fig = _figure(11.5, 5.6 + 0.5 * (len(rows) - 2))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=[heights[r] for r in rows], hspace=0.05)
    axes = {name: fig.add_subplot(grid[i]) for i, name in enumerate(rows)}
    main = axes["main"]
    for name, ax in axes.items():
        if name != "main":
            ax.sharex(main)
    lo, hi = float(case.since), float(case.until) + 1
    era_spans = [(float(e.start), float(e.end) + 1, e.kind) for e in _eras(result)]
    _shade(main, era_spans, alpha=0.10)
    colours = [
        (COLOURS["blue"], COLOURS["vermillion"]),
        (COLOURS["sky"], COLOURS["orange"]),
    ]
    up = pd.Series(dtype=float)
    down = pd.Series(dtype=float)
    for (label, frame), (coop, conf) in zip(counts.items(), colours, strict=False):
        frame = frame.set_index("year")
        base_up = up.reindex(frame.index).fillna(0.0)
        base_down = down.reindex(frame.index).fillna(0.0)
        years = frame.index.to_numpy(float) + 0.5
        main.bar(
            years,
            frame["cooperation"],
            bottom=base_up,
            width=0.85,
            color=coop,
            label=f"cooperation, {label}",
        )
        main.bar(
            years,
            -frame["conflict"],
            bottom=-base_down,
            width=0.85,
            color=conf,
            label=f"conflict, {label}",
        )
        up = base_up.add(frame["cooperation"], fill_value=0.0)
        down = base_down.add(frame["conflict"], fill_value=0.0)
    main.axhline(0, color="#555555", lw=0.8)
    main.set_ylabel("events per year\n(conflict below the line)", fontsize=9)
    peak = float(max(up.max() if len(up) else 0.0, down.max() if len(down) else 0.0, 1.0))
    _style(main)
    main.legend(loc="upper left", fontsize=8, frameon=False, ncols=4)
    # key episodes: dotted lines, labels packed greedily into rows in the headroom
    placed = _pack_labels(
        [(_year_float(e.date), e.label) for e in _episodes(result)], lo, hi, char_years=0.42
    )
    levels = max((level for _, _, level, _ in placed), default=0) + 1
    for x, label, level, align in placed:
        for ax in axes.values():
            ax.axvline(x, color="#444444", lw=0.6, ls=(0, (2, 2)), alpha=0.7)
        main.text(
            x,
            peak * (1.12 + 0.2 * level),
            f" {label} " if align == "left" else f"{label} ",
            fontsize=7.2,
            ha=align,
            va="center",
            color="#222222",
            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    main.set_ylim(-peak * 1.15, peak * (1.2 + 0.2 * levels))
    main.text(
        1.0,
        -0.02,
        f"source: {provenance}",
        transform=main.transAxes,
        ha="right",
        va="top",
        fontsize=7,
        color="#666666",
    )
    _band(
        axes["eras"],
        [(float(e.start), float(e.end) + 1, e.kind, e.label) for e in _eras(result)],
        "eras (histories)",
    )
    if phases:
        spans = [
            (_year_float(p["start"]), _year_float(p["end"]), str(p["label"]), str(p["label"]))
            for p in phases
        ]
        _band(axes["phases"], spans, "phases (measured)")
    if len(coded):
        _article_lane(axes["article"], coded)
    main.set_xlim(lo, hi)
    for name, ax in axes.items():
        if name != rows[-1]:
            ax.tick_params(axis="x", labelbottom=False)
    return _png(fig)


def _article_lane(ax: Any, coded: pd.DataFrame) -> None:
    """The coded article's events: filled markers for facts, hollow for the rest."""
    facts = coded["modality"].isin(["asserted", "reported"])
    xs = [_year_float(d) for d in coded["date"]]
    jitter = np.resize(np.array([-0.25, 0.0, 0.25]), len(xs))
    for quad in (1, 2, 3, 4):
        mask = (coded["quad"].astype(int) == quad).to_numpy()
        for is_fact, face in ((True, None), (False, "none")):
            pick = mask & (facts.to_numpy() == is_fact)
            if not pick.any():
                continue
            colour = _QUAD_COLOURS[quad]
            ax.scatter(
                np.array(xs)[pick],
                jitter[pick],
                s=34,
                marker="o",
                facecolors=colour if face is None else "none",
                edgecolors=colour,
                linewidths=1.3,
                label=_QUAD_NAMES[quad] + ("" if is_fact else " (not a fact)"),
            )
    ax.set_yticks([0])
    ax.set_yticklabels(["the article"], fontsize=8.5)
    ax.set_ylim(-0.6, 0.6)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0.0, -0.35),
        fontsize=7.5,
        frameon=False,
        ncols=4,
    )


def _series_frame(result: StudyResult, *names: str) -> pd.DataFrame | None:
    for name in names:
        frame = result.series.get(name)
        if isinstance(frame, pd.DataFrame) and not frame.empty:
            return frame
    return None


def _sanction_labels(result: StudyResult) -> dict[str, str]:
    """The record's sanction programmes (column -> label), from the case file's ``labels``."""
    labels = result.case.labels.get("sanctions", {})
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def panel_aid_figure(result: StudyResult) -> bytes | None:
    """US aid to the client by type from the panel, its UNGA agreement and US sanctions.

    Reads the ``panel`` series (the client's dyad-year rows of :mod:`bilat.panel`):
    ``aid_mil`` and ``aid_econ`` (constant 2020 US$) stacked, ``aid_dem`` (part of
    economic aid) as a line,
    ``military_rule`` shaded, ``unga_agree_all`` below, and the years with a US
    sanction in force (``sanction_in_force``) as a lane. Eras derived from the
    aid series (when the case file gives none) are drawn as a band on top.
    """
    rows = _series_frame(result, "panel")
    if rows is None or rows[["aid_econ", "aid_mil", "aid_dem"]].isna().all().all():
        return None
    name = result.case.client_name or result.case.client
    fig = _figure(11.5, 6.2)
    grid = fig.add_gridspec(4, 1, height_ratios=[0.5, 3.2, 1.4, 0.45], hspace=0.08)
    band, top, unga, lane = (fig.add_subplot(grid[i]) for i in range(4))
    for ax in (band, unga, lane):
        ax.sharex(top)
    years = rows["year"].to_numpy(float)
    bottom = np.zeros(len(rows))
    for column, label, colour in (
        ("aid_mil", "military aid", COLOURS["vermillion"]),
        ("aid_econ", "economic aid", COLOURS["blue"]),
    ):
        values = rows[column].fillna(0).to_numpy(float) / 1e9
        top.bar(years + 0.5, values, bottom=bottom, width=0.85, color=colour, lw=0, label=label)
        bottom = bottom + values
    dem = rows.dropna(subset=["aid_dem"])
    if (dem["aid_dem"] > 0).any():  # part of economic aid: drawn over it, not stacked
        top.plot(
            dem["year"].to_numpy(float) + 0.5,
            dem["aid_dem"].to_numpy(float) / 1e9,
            color=COLOURS["green"],
            marker=".",
            lw=1,
            label="of which democracy and governance aid",
        )
    military = _runs([int(y) for y in rows.loc[rows["military_rule"].fillna(0) == 1, "year"]])
    for start, end in military:
        for ax in (top, unga):
            ax.axvspan(start, end, color="#8c8c8c", alpha=0.18, lw=0)
    top.set_ylabel("US$ billion\n(constant 2020)", fontsize=9)
    _style(top)
    from matplotlib.patches import Patch

    handles, labels = top.get_legend_handles_labels()
    if military:
        handles.append(Patch(color="#8c8c8c", alpha=0.35))
        labels.append(f"military rule in {name}")
    top.legend(handles, labels, loc="upper left", fontsize=8, frameon=False)
    agree = rows.dropna(subset=["unga_agree_all"])
    unga.plot(agree["year"].to_numpy(float) + 0.5, agree["unga_agree_all"], color=COLOURS["ink"])
    unga.set_ylabel("UNGA\nagreement", fontsize=9)
    unga.set_ylim(0, 1)
    _style(unga)
    sanctioned = _runs([int(y) for y in rows.loc[rows["sanction_in_force"].fillna(0) > 0, "year"]])
    for start, end in sanctioned:
        lane.barh(0, end - start, left=start, height=0.6, color=COLOURS["vermillion"], lw=0)
    lane.set_yticks([])
    for side in ("top", "right", "left"):
        lane.spines[side].set_visible(False)
    lane.set_title(
        f"US sanctions in force on {name}" + ("" if sanctioned else ": none in the panel"),
        fontsize=8.5,
        loc="left",
        color="#333333",
    )
    _band(
        band,
        [(float(e.start), float(e.end) + 1, e.kind, e.label) for e in _eras(result)],
        "eras" if result.case.eras else "eras measured from the aid series",
    )
    top.set_xlim(float(rows["year"].min()), float(rows["year"].max()) + 1)
    for ax in (band, top, unga):
        ax.tick_params(axis="x", labelbottom=False)
    return _png(fig)


def aid_figure(result: StudyResult) -> bytes | None:
    """US aid to the client per year, with military rule shaded and sanctions in force below.

    Reads the record's series (see :mod:`bilat.record`): ``aid_obligations``
    (all US aid obligations, constant 2020 dollars), ``aid_crs`` (Coalition
    Support Fund reimbursements, constant 2020 dollars, flagged estimates; CRS
    totals in current dollars), ``aid_greenbook`` (economic aid, units
    undocumented, so drawn relative to its peak), ``regime`` (``ruler_type``)
    and ``sanctions`` (one text column per programme: in force, eased, waived).
    Each layer is drawn only when its series is there.
    """
    obligations = _series_frame(result, "aid_obligations")
    crs = _series_frame(result, "aid_crs")
    greenbook = _series_frame(result, "aid_greenbook")
    if obligations is None and crs is None and greenbook is None:
        return panel_aid_figure(result)  # no curated record: the panel's rows
    sanctions = _sanction_spans(result)
    panels = ["dollars"] + (["greenbook"] if greenbook is not None else [])
    ratios = [3.2] + ([1.3] if greenbook is not None else [])
    if sanctions:
        panels.append("sanctions")
        ratios.append(0.26 * len(sanctions) + 0.35)
    fig = _figure(11.5, 1.3 * sum(ratios) + 0.6)
    grid = fig.add_gridspec(len(panels), 1, height_ratios=ratios, hspace=0.08)
    axes = {name: fig.add_subplot(grid[i]) for i, name in enumerate(panels)}
    top = axes["dollars"]
    for name, ax in axes.items():
        if name != "dollars":
            ax.sharex(top)
    military = _military_spans(result)
    for name in ("dollars", "greenbook"):
        if name in axes:
            for start, end in military:
                axes[name].axvspan(start, end, color="#8c8c8c", alpha=0.18, lw=0)
    if obligations is not None and "obligations_constant_2020_usd" in obligations:
        frame = obligations.dropna(subset=["obligations_constant_2020_usd"])
        top.fill_between(
            frame["year"].to_numpy(float) + 0.5,
            frame["obligations_constant_2020_usd"].to_numpy(float) / 1e9,
            step="mid",
            color=COLOURS["blue"],
            alpha=0.75,
            lw=0,
            label="all US aid obligations (USAID Foreign Aid Explorer)",
        )
    if crs is not None:
        if "csf_constant_2020_usd_millions" in crs:
            frame = crs.dropna(subset=["csf_constant_2020_usd_millions"])
            estimate = frame.get("estimate", pd.Series(False, index=frame.index)).astype(bool)
            top.bar(
                frame["year"].to_numpy(float) + 0.5,
                frame["csf_constant_2020_usd_millions"].to_numpy(float) / 1e3,
                width=0.6,
                color=COLOURS["orange"],
                hatch=["//" if e else "" for e in estimate],
                edgecolor="white",
                lw=0,
                label="Coalition Support Fund reimbursements (CRS; hatched: estimate)",
            )
        if "total_current_usd_billions" in crs:
            frame = crs.dropna(subset=["total_current_usd_billions"])
            top.plot(
                frame["year"].to_numpy(float) + 0.5,
                frame["total_current_usd_billions"].to_numpy(float),
                ls="none",
                marker="D",
                ms=5,
                color=COLOURS["ink"],
                label="CRS total aid and reimbursements (current $)",
            )
    top.set_ylabel("US$ billion\n(constant 2020)", fontsize=9)
    _style(top)
    from matplotlib.patches import Patch

    handles, labels = top.get_legend_handles_labels()
    if military:
        handles.append(Patch(color="#8c8c8c", alpha=0.35))
        labels.append(f"military rule in {result.case.client_name}")
    top.legend(handles, labels, loc="upper left", fontsize=8, frameon=False)
    if greenbook is not None:
        ax = axes["greenbook"]
        economic = (
            greenbook.dropna(subset=["economic_usd"]) if "economic_usd" in greenbook else None
        )
        if economic is not None and not economic.empty:
            frame = economic
            values = frame["economic_usd"].to_numpy(float)
            ax.bar(
                frame["year"].to_numpy(float) + 0.5,
                values / values.max(),
                width=0.8,
                color=COLOURS["green"],
                label="economic aid, Greenbook 1946–2010 (share of its peak; units undocumented)",
            )
        ax.set_ylabel("share of\npeak", fontsize=9)
        ax.set_ylim(0, 1.35)
        _style(ax)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    if sanctions:
        lane = axes["sanctions"]
        for i, spans in enumerate(sanctions.values()):
            for start, end, state in spans:
                lane.barh(
                    i,
                    end - start,
                    left=start,
                    height=0.62,
                    color=COLOURS["vermillion"] if state == "in force" else "#f3c4a6",
                    hatch="" if state == "in force" else "///",
                    edgecolor="white",
                    lw=0,
                )
        lane.set_yticks(range(len(sanctions)))
        lane.set_yticklabels(list(sanctions), fontsize=8)
        lane.invert_yaxis()
        for side in ("top", "right", "left"):
            lane.spines[side].set_visible(False)
        lane.tick_params(axis="y", length=0)
        lane.tick_params(axis="x", labelsize=8.5)
        lane.set_title(
            f"US sanctions on {result.case.client_name} (solid: in force; hatched: eased or "
            "waived)",
            fontsize=8.5,
            loc="left",
            color="#333333",
        )
    top.set_xlim(float(result.case.since), float(result.case.until) + 1)
    for name, ax in axes.items():
        if name != panels[-1]:
            ax.tick_params(axis="x", labelbottom=False)
    return _png(fig)


def _military_spans(result: StudyResult) -> list[tuple[float, float]]:
    regime = _series_frame(result, "regime")
    if regime is None:
        return []
    column = next((c for c in ("ruler_type", "regime", "type") if c in regime), None)
    if column is None:
        return []
    years = regime.loc[regime[column].astype(str).str.lower().str.startswith("mil"), "year"]
    return _runs(sorted(int(y) for y in years))


def _sanction_spans(result: StudyResult) -> dict[str, list[tuple[float, float, str]]]:
    """Per programme, spans of years with the same state ('in force', 'eased', 'waived')."""
    sanctions = _series_frame(result, "sanctions")
    if sanctions is None:
        return {}
    out: dict[str, list[tuple[float, float, str]]] = {}
    for column, label in _sanction_labels(result).items():
        if column not in sanctions:
            continue
        states = sanctions[["year", column]].copy()
        states[column] = states[column].fillna("").astype(str).str.strip().str.lower()
        spans: list[tuple[float, float, str]] = []
        for year, state in zip(states["year"], states[column], strict=True):
            if not state or state in ("0", "nan", "none"):
                continue
            state = "in force" if state in ("in force", "1", "true") else state
            if spans and spans[-1][1] == int(year) and spans[-1][2] == state:
                spans[-1] = (spans[-1][0], int(year) + 1.0, state)
            else:
                spans.append((float(year), int(year) + 1.0, state))
        if spans:
            out[label] = spans
    return out


def _runs(years: list[int]) -> list[tuple[float, float]]:
    """Consecutive years as [start, end + 1) spans."""
    spans: list[tuple[float, float]] = []
    for year in years:
        if spans and spans[-1][1] == year:
            spans[-1] = (spans[-1][0], year + 1.0)
        else:
            spans.append((float(year), year + 1.0))
    return spans


def fit_figure(result: StudyResult) -> bytes | None:
    """The calibrated model's fit to history: observed series against simulated bands."""
    fit = result.calibration.get("fit")
    if fit is None:
        return None
    frame = pd.DataFrame(fit)
    needed = {"series", "year", "observed", "median", "low", "high"}
    if frame.empty or not needed <= set(frame.columns):
        return None
    names = list(pd.unique(frame["series"]))
    cols = min(3, len(names))
    nrows = math.ceil(len(names) / cols)
    fig = _figure(11.5, 2.6 * nrows + 0.4)
    for i, name in enumerate(names):
        ax = fig.add_subplot(nrows, cols, i + 1)
        part = frame[frame["series"] == name].sort_values("year")
        ax.fill_between(
            part["year"],
            part["low"].astype(float),
            part["high"].astype(float),
            color=COLOURS["sky"],
            alpha=0.35,
            lw=0,
            label="model, 90 % band",
        )
        ax.plot(
            part["year"],
            part["median"],
            color=COLOURS["blue"],
            lw=1.6,
            label="model (posterior predictive mean)",
        )
        ax.plot(
            part["year"],
            part["observed"],
            color=COLOURS["ink"],
            lw=0,
            marker="o",
            ms=3,
            label="observed",
        )
        ax.set_title(str(name), fontsize=9, loc="left")
        _style(ax)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
            fig.legend(
                handles, labels, loc="outside upper center", ncols=3, fontsize=8, frameon=False
            )
    return _png(fig)


def policies_figure(result: StudyResult) -> bytes | None:
    """Each policy's outcomes with their intervals: one panel per outcome, policies as rows.

    The dashed line marks the baseline policy's mean, so a dot left of it is a
    lower (better) outcome than the baseline's.
    """
    policies = result.policies
    if not policies:
        return None
    outcomes: list[str] = []
    labels: dict[str, str] = {}
    for policy in policies:
        for outcome in policy.get("outcomes", []):
            if outcome["name"] not in outcomes:
                outcomes.append(outcome["name"])
                unit = outcome.get("unit")
                labels[outcome["name"]] = str(outcome.get("label") or outcome["name"]) + (
                    f"\n({unit})" if unit else ""
                )
    if not outcomes:
        return None
    cols = min(5, len(outcomes))
    nrows = math.ceil(len(outcomes) / cols)
    fig = _figure(11.5, (0.42 * len(policies) + 1.0) * nrows + 0.3)
    names = [str(p["name"]) for p in policies]
    baseline = result.case.policies[1] if len(result.case.policies) > 1 else None
    focus = result.case.policies[0] if result.case.policies else None
    for j, outcome in enumerate(outcomes):
        ax = fig.add_subplot(nrows, cols, j + 1)
        for i, policy in enumerate(policies):
            found = next((o for o in policy.get("outcomes", []) if o["name"] == outcome), None)
            if found is None or found.get("mean") is None:
                continue
            interval = found.get("interval") or {}
            mean = float(found["mean"])
            colour = (
                COLOURS["blue"]
                if policy["name"] == focus
                else COLOURS["orange"]
                if policy["name"] == baseline
                else "#555555"
            )
            if interval.get("low") is not None and interval.get("high") is not None:
                ax.plot(
                    [float(interval["low"]), float(interval["high"])],
                    [i, i],
                    color=colour,
                    lw=2.4,
                    alpha=0.75,
                    solid_capstyle="round",
                )
            ax.plot([mean], [i], marker="o", color=colour, ms=6.5)
            if policy["name"] == baseline:
                ax.axvline(mean, color=COLOURS["orange"], lw=0.9, ls=(0, (3, 2)), alpha=0.8)
        ax.set_yticks(range(len(policies)))
        ax.set_yticklabels(names if j % cols == 0 else [""] * len(names), fontsize=8.5)
        ax.set_ylim(len(policies) - 0.5, -0.5)
        ax.set_title(labels[outcome], fontsize=8.5, loc="left")
        _style(ax)
        ax.grid(axis="x", color="#e6e6e6", linewidth=0.7)
        ax.tick_params(axis="x", labelsize=7.5)
    return _png(fig)


def sensitivity_figure(result: StudyResult) -> bytes | None:
    """A heat map of sensitivity indices: parameters by outcome, sign-flipping cells marked."""
    items = [i for i in result.sensitivity.get("items", []) if i.get("index") is not None]
    if not items:
        return None
    frame = pd.DataFrame(items)
    if "outcome" not in frame:
        frame["outcome"] = "answer"
    table = frame.pivot_table(index="parameter", columns="outcome", values="index", aggfunc="max")
    if "flips_sign" not in frame:
        frame["flips_sign"] = False
    frame["flip"] = frame["flips_sign"].fillna(False).astype(bool)
    flips = frame.pivot_table(index="parameter", columns="outcome", values="flip", aggfunc="max")
    order = table.max(axis=1).sort_values(ascending=False).index
    table = table.loc[order]
    flips = flips.reindex(index=table.index, columns=table.columns).fillna(False)
    values = table.to_numpy(float)
    fig = _figure(11.5, 0.36 * len(table) + 1.5)
    ax = fig.add_subplot(1, 1, 1)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    image = ax.imshow(
        np.clip(values, 0, None), aspect="auto", cmap="Blues", vmin=0.0, vmax=max(top, 1e-9)
    )
    for (r, c), value in np.ndenumerate(values):
        if not np.isfinite(value):
            continue
        flip = bool(flips.iat[r, c])
        ax.text(
            c,
            r,
            f"{value:.2f}" + (" ⇄" if flip else ""),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if value > 0.6 * top else "#1d2330",
            fontweight="bold" if flip else "normal",
        )
        if flip:
            from matplotlib.patches import Rectangle

            ax.add_patch(
                Rectangle(
                    (c - 0.48, r - 0.46), 0.96, 0.92, fill=False, ec=COLOURS["vermillion"], lw=2
                )
            )
    ax.set_xticks(range(table.shape[1]))
    ax.set_xticklabels([str(c).replace("_", " ") for c in table.columns], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(table.shape[0]))
    ax.set_yticklabels([str(i).replace("_", " ") for i in table.index], fontsize=8.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.01)
    bar.ax.tick_params(labelsize=7.5)
    bar.set_label(str(result.sensitivity.get("method") or "sensitivity index"), fontsize=8)
    return _png(fig)


#: The report's figures, in order: file stem -> drawing function.
FIGURES: dict[str, Callable[[StudyResult], bytes | None]] = {
    "timeline": timeline_figure,
    "aid": aid_figure,
    "fit": fit_figure,
    "policies": policies_figure,
    "sensitivity": sensitivity_figure,
    **PANEL_FIGURES,
}


def draw_all(result: StudyResult) -> dict[str, bytes]:
    """Draw every figure whose data are available: ``{stem: png bytes}``."""
    out: dict[str, bytes] = {}
    for name, draw in FIGURES.items():
        png = draw(result)
        if png is not None:
            out[name] = png
    return out
