"""``bilat panel``: the US-partner dyad-year panel (build; effects and peers come later)."""

from __future__ import annotations

from pathlib import Path

import typer

from bilat.cli._common import JsonOption, console, db_path, print_json, progress
from bilat.panel import build_panel
from bilat.panel.sources import READERS

__all__ = ["build_command", "panel_app", "register"]

panel_app = typer.Typer(
    help="Every US partnership since 1946 as one dyad-year panel.",
    no_args_is_help=True,
)


def build_command(
    db: Path | None = typer.Option(
        None,
        "--db",
        envvar="BILAT_DB",
        help="DuckDB file to receive dyad_year, panel_columns, panel_sources and "
        "panel_quarantine (default ./bilat.duckdb; BILAT_DB overrides).",
    ),
    sources: Path | None = typer.Option(
        None,
        "--sources",
        help="Folder laid out as shared/data/panel (default: $BILAT_SHARED/data/panel or "
        "../shared/data/panel).",
    ),
    parquet: Path | None = typer.Option(
        None, "--parquet", help="Also write dyad_year as zstd Parquet (panel_sources beside it)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Build the panel from its source files; a bad source file leaves the old panel intact."""
    target = db if db is not None or parquet is not None else db_path(None)
    with progress(not as_json) as bar:
        task = bar.add_task("panel build", total=len(READERS))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"read {name}")

        result = build_panel(sources, db=target, parquet=parquet, progress=step)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"dyad_year: {result.rows} partner-years, {result.partners} partners, "
        f"{result.year_min}-{result.year_max}; {result.quarantined} source rows quarantined",
        highlight=False,
    )
    for src in result.sources:
        console.print(
            f"  {src['file']}: read {src['rows_read']}, used {src['rows_used']}, "
            f"quarantined {src['rows_quarantined']}, out of scope {src['rows_out_of_scope']}",
            highlight=False,
            style="dim",
        )
    written = [p for p in (result.db, result.parquet) if p]
    console.print(f"written: {', '.join(written)}", highlight=False)


panel_app.command("build")(build_command)


def register(app: typer.Typer) -> None:
    """Add the ``panel`` command group."""
    app.add_typer(panel_app, name="panel")
