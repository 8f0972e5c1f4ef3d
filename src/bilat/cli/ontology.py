"""``bilat ontology``: look up CAMEO codes, countries, sectors and Goldstein disagreements."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from bilat import ontology
from bilat.cli._common import JsonOption, console, print_json
from bilat.errors import UnknownCodeError
from bilat.ontology import nearest, norm_name

__all__ = [
    "cameo_command",
    "countries_command",
    "disagreements_command",
    "ontology_app",
    "register",
    "sectors_command",
]

_CAMEO_COLUMNS = ["code", "label", "quad", "penta", "goldstein", "plover_event", "domain"]
_COUNTRY_COLUMNS = ["iso3", "name", "cameo", "cow", "fips", "capital", "historical"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN/NA become None)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict("records")]


def _show(frame: pd.DataFrame, columns: list[str], title: str) -> None:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in _records(frame[columns]):
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)


def _match_countries(query: str) -> pd.DataFrame:
    """Countries whose code or name is ``query``, else whose names contain it."""
    table = ontology.countries()
    iso3 = ontology.to_iso3(query)
    if iso3 is not None:
        return table[table["iso3"] == iso3]
    key = norm_name(query)
    if not key:
        return table.iloc[0:0]
    names = (table["name"].str.lower() + "|" + table["aliases"] + "|" + table["demonyms"]).map(
        norm_name
    )
    return table[names.str.contains(key, regex=False)]


ontology_app = typer.Typer(help="Look up CAMEO codes, countries and sectors.", no_args_is_help=True)


def cameo_command(
    code: str | None = typer.Argument(None, help="A CAMEO code such as 0211 (text)."),
    as_json: bool = JsonOption,
) -> None:
    """Show the CAMEO table, or one code (an unknown code names the nearest ones)."""
    if code is None:
        table = ontology.cameo_table()
        if as_json:
            print_json({"codes": _records(table)})
        else:
            _show(table, _CAMEO_COLUMNS, f"CAMEO event codes ({len(table)})")
        return
    found = ontology.cameo(code)
    if as_json:
        print_json(asdict(found))
        return
    for key, value in asdict(found).items():
        console.print(f"[bold]{key}[/]: {'' if value is None else value}", highlight=False)


ontology_app.command("cameo")(cameo_command)


def countries_command(
    query: str | None = typer.Argument(
        None, help="A code (ISO3, CAMEO, FIPS, COW) or a name; default: all."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Show the country table, or the countries matching a code or name."""
    table = ontology.countries() if query is None else _match_countries(query)
    if query is not None and table.empty:
        pool = list(ontology.countries()["name"])
        raise UnknownCodeError("country", query, nearest(query, pool))
    if as_json:
        print_json({"countries": _records(table)})
    else:
        _show(table, _COUNTRY_COLUMNS, f"countries ({len(table)})")


ontology_app.command("countries")(countries_command)


def sectors_command(as_json: bool = JsonOption) -> None:
    """Show the actor sectors, in the priority order sector_of uses."""
    table = ontology.sectors()
    if as_json:
        print_json({"sectors": _records(table)})
    else:
        _show(table, ["code", "label", "description"], f"actor sectors ({len(table)})")


ontology_app.command("sectors")(sectors_command)


def disagreements_command(as_json: bool = JsonOption) -> None:
    """Show the CAMEO codes on which the published Goldstein tables disagree."""
    table = ontology.goldstein_disagreements()
    if as_json:
        print_json({"disagreements": _records(table)})
    else:
        _show(
            table,
            ["code", "gdelt", "gdeltpyr", "icews", "chosen", "observed", "observed_rows"],
            f"Goldstein disagreements ({len(table)} codes; chosen = GDELT's table)",
        )


ontology_app.command("disagreements")(disagreements_command)


def register(app: typer.Typer) -> None:
    """Add the ``ontology`` command group."""
    app.add_typer(ontology_app, name="ontology")
