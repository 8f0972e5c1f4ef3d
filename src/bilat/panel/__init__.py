"""Every US partnership since 1946 as one dyad-year panel (issue 13, the data side).

``bilat panel build`` reads the files of ``shared/data/panel`` (Greenbook and Foreign Aid
Explorer aid, UNGA votes and ideal points, ATOP, GML/COW MIDs, Thompson-Dreyer rivalries, TIES,
COW trade and IMF DOTS, Polity2/V-Dem, ICEWS, US troops, SIPRI arms, Pew) with the library made
for each format, maps countries through :mod:`bilat.ontology` with explicit successor rules, and
writes one row per US partner-year 1946-2024.  The built panel ships inside the package as
``data/dyad_year.parquet``; :func:`load_panel` reads it (or a DuckDB file's ``dyad_year``).

Loading
    :func:`load_panel`, :func:`panel_columns`, :func:`panel_sources`.
Building
    :func:`build_panel` (-> :class:`BuildResult`).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bilat._paths import package_data
from bilat.errors import DataMissingError, StoreError
from bilat.panel.build import PARQUET_KEY, BuildResult, build_panel
from bilat.panel.schema import COLUMNS, column_names

__all__ = [
    "BuildResult",
    "build_panel",
    "load_panel",
    "panel_columns",
    "panel_sources",
    "shipped_panel_path",
]

_NULLABLE = {
    pa.int32(): pd.Int64Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def shipped_panel_path() -> Path:
    """The Parquet file of the panel shipped inside the package."""
    return package_data("panel", "data", "dyad_year.parquet")


def load_panel(db: Path | None = None) -> pd.DataFrame:
    """The ``dyad_year`` panel: one row per US partner-year, sorted by ``ccode, year``.

    Parameters
    ----------
    db:
        A DuckDB file written by ``bilat panel build --db``; None reads the panel shipped
        inside the package.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`panel_columns`, in order.  Integer and flag columns are
        nullable (``Int64``, ``boolean``): missing is NA, never 0.
    """
    if db is None:
        path = shipped_panel_path()
        if not path.is_file():
            raise DataMissingError(f"the shipped panel {path} is missing; reinstall bilat")
        table = pq.read_table(path)
    else:
        if not Path(db).is_file():
            raise DataMissingError(f"{db} does not exist; run `bilat panel build --db {db}`")
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as err:
            raise StoreError(f"cannot open {db}: {err}") from err
        try:
            table = con.sql(
                f"SELECT {', '.join(column_names())} FROM dyad_year ORDER BY ccode, year"
            ).to_arrow_table()
        except duckdb.CatalogException as err:
            raise DataMissingError(
                f"{db} has no dyad_year table; run `bilat panel build --db {db}`"
            ) from err
        finally:
            con.close()
    return table.to_pandas(types_mapper=_NULLABLE.get)


def panel_columns() -> pd.DataFrame:
    """The panel's variables: ``name, dtype, unit, source_id, description``, in order."""
    return pd.DataFrame(
        [
            {
                "name": c.name,
                "dtype": c.dtype,
                "unit": c.unit,
                "source_id": c.source_id,
                "description": c.description,
            }
            for c in COLUMNS
        ]
    )


def panel_sources() -> pd.DataFrame:
    """Provenance of the shipped panel: one row per source file (sha256, row accounting)."""
    meta = pq.read_schema(shipped_panel_path()).metadata or {}
    if PARQUET_KEY not in meta:
        raise DataMissingError(f"{shipped_panel_path()} carries no bilat panel provenance")
    return pd.DataFrame(json.loads(meta[PARQUET_KEY])["sources"])
