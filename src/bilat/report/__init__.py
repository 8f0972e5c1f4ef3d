"""The study's report: figures (Matplotlib, Agg canvas) and one self-contained HTML file."""

from __future__ import annotations

from bilat.report.figures import FIGURES, draw_all
from bilat.report.html import anchor, render_report, write_report

__all__ = ["FIGURES", "anchor", "draw_all", "render_report", "write_report"]
