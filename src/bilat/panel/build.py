"""Build the US-partner dyad-year panel from ``shared/data/panel`` into DuckDB and Parquet.

The build reads every source into an in-memory DuckDB database (one ``src_*`` table per source,
see :mod:`bilat.panel.sources`), joins them in one SQL query on the partner-years any source
records, and only then writes the results: the target DuckDB file gets ``dyad_year``,
``panel_columns``, ``panel_sources`` and ``panel_quarantine`` in one transaction, and a Parquet
file is written to a temporary name and renamed.  A source that cannot be read stops the build
before anything is written, so the previous panel stays intact.

Coverage rules (docs/panel.md): inside a source's coverage a partner-year with no record is a
measured zero where the source lists every case (Greenbook obligations, ATOP, MIDs, TIES,
Thompson-Dreyer rivalries, SIPRI transfers) and NULL where it does not (trade, troops, Pew,
votes).  Outside coverage every value is NULL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bilat._paths import shared_dir
from bilat.errors import DataMissingError, InputError, StoreError
from bilat.panel.countries import partner_label
from bilat.panel.schema import COLUMNS, column_names
from bilat.panel.sources import (
    FIRST_YEAR,
    LAST_YEAR,
    QUARANTINE_COLUMNS,
    READERS,
    SOURCE_TABLES,
    US_COW,
    Context,
)
from bilat.panel.sources.aid import FAE_FIRST_YEAR
from bilat.panel.sources.alliances import ATOP_LAST_YEAR
from bilat.panel.sources.disputes import COW_MID_LAST_YEAR, GML_LAST_YEAR
from bilat.panel.sources.sanctions import TIES_LAST_YEAR
from bilat.panel.sources.trade import COW_TRADE_LAST_YEAR

__all__ = [
    "ASSEMBLE_SQL",
    "PARQUET_KEY",
    "BuildResult",
    "assemble",
    "build_labels",
    "build_panel",
    "check_keys",
    "default_sources",
    "join_sources",
    "read_sources",
    "write_parquet",
]

#: Schema-metadata key that marks a Parquet file as a bilat panel (and holds its provenance).
PARQUET_KEY = b"bilat.panel"
GREENBOOK_LAST_YEAR = 2020
SIPRI_YEARS = (1950, 2021)
TD_LAST_YEAR = 2010

#: The one query that joins the ``src_*`` tables into ``dyad_year`` (coverage rules included).
ASSEMBLE_SQL = f"""
WITH keys AS (
    SELECT DISTINCT ccode, year FROM (
        {" UNION ALL ".join(f"SELECT ccode, year FROM {t}" for t in SOURCE_TABLES)}
    ) WHERE ccode <> {US_COW} AND year BETWEEN {FIRST_YEAR} AND {LAST_YEAR}
),
j AS (
    SELECT k.ccode, k.year, d.ccode IS NOT NULL AS ss, d.polity2, d.v2x_polyarchy,
           g.aid_econ, g.aid_mil, g.aid_dem, f.aid_fae, u.unga_agree_all,
           u.unga_agree_important, u.unga_n_votes, i.unga_ideal_distance,
           a.defense_pact, a.alliance_any, m.mid_onset, m.mid_hostility, c.cow_mid_onset,
           r.rivalry, r.rivalry_us, t.sanction_threat, t.sanction_imposed,
           t.sanction_in_force, ct.trade_cow, dt.trade_dots, e.* EXCLUDE (ccode, year),
           tr.us_troops, s.arms_tiv_total, s.arms_share_us, s.arms_share_russia,
           s.arms_share_china, p.pew_fav_us
    FROM keys k
    LEFT JOIN src_democracy d USING (ccode, year)
    LEFT JOIN src_greenbook g USING (ccode, year)
    LEFT JOIN src_fae f USING (ccode, year)
    LEFT JOIN src_unvotes u USING (ccode, year)
    LEFT JOIN src_ideal i USING (ccode, year)
    LEFT JOIN src_atop a USING (ccode, year)
    LEFT JOIN src_gml m USING (ccode, year)
    LEFT JOIN src_cow_mid c USING (ccode, year)
    LEFT JOIN src_rivalry r USING (ccode, year)
    LEFT JOIN src_ties t USING (ccode, year)
    LEFT JOIN src_cow_trade ct USING (ccode, year)
    LEFT JOIN src_dots dt USING (ccode, year)
    LEFT JOIN src_icews e USING (ccode, year)
    LEFT JOIN src_troops tr USING (ccode, year)
    LEFT JOIN src_sipri s USING (ccode, year)
    LEFT JOIN src_pew p USING (ccode, year)
),
v AS (
    SELECT j.*,
        CASE WHEN year <= {GREENBOOK_LAST_YEAR} THEN coalesce(aid_econ, 0) END AS econ,
        CASE WHEN year <= {GREENBOOK_LAST_YEAR} THEN coalesce(aid_mil, 0) END AS mil,
        CASE WHEN year <= {GREENBOOK_LAST_YEAR} THEN coalesce(aid_dem, 0) END AS dem,
        CASE WHEN year <= {GREENBOOK_LAST_YEAR} THEN coalesce(aid_econ, 0) + coalesce(aid_mil, 0)
             WHEN year >= {FAE_FIRST_YEAR} THEN aid_fae END AS total,
        CASE WHEN year <= {COW_TRADE_LAST_YEAR} THEN trade_cow ELSE trade_dots END AS trade
    FROM j
)
SELECT
    ccode, lab.iso3, lab.country, year, ss AS state_system,
    econ AS aid_econ, mil AS aid_mil, dem AS aid_dem, total AS aid_total,
    CASE WHEN total IS NULL THEN NULL WHEN year <= {GREENBOOK_LAST_YEAR} THEN 'greenbook'
         ELSE 'fae' END AS aid_total_source,
    CASE WHEN total > 0 THEN econ / total END AS aid_econ_share,
    CASE WHEN total > 0 THEN mil / total END AS aid_mil_share,
    CASE WHEN total > 0 THEN dem / total END AS aid_dem_share,
    CASE WHEN year BETWEEN {SIPRI_YEARS[0]} AND {SIPRI_YEARS[1]} AND ss
         THEN coalesce(arms_tiv_total, 0) ELSE arms_tiv_total END AS arms_tiv_total,
    arms_share_us, arms_share_russia, arms_share_china,
    CASE WHEN year <= {ATOP_LAST_YEAR} AND ss THEN coalesce(defense_pact, 0)
         WHEN year <= {ATOP_LAST_YEAR} THEN defense_pact END AS defense_pact,
    CASE WHEN year <= {ATOP_LAST_YEAR} AND ss THEN coalesce(alliance_any, 0)
         WHEN year <= {ATOP_LAST_YEAR} THEN alliance_any END AS alliance_any,
    CASE WHEN year <= {GML_LAST_YEAR} AND ss THEN coalesce(mid_onset, 0)
         WHEN year <= {GML_LAST_YEAR} THEN mid_onset END AS mid_onset,
    mid_hostility,
    CASE WHEN year <= {COW_MID_LAST_YEAR} AND ss THEN coalesce(cow_mid_onset, 0)
         WHEN year <= {COW_MID_LAST_YEAR} THEN cow_mid_onset END AS cow_mid_onset,
    CASE WHEN year <= {TIES_LAST_YEAR} AND ss THEN coalesce(sanction_threat, 0)
         ELSE sanction_threat END AS sanction_threat,
    CASE WHEN year <= {TIES_LAST_YEAR} AND ss THEN coalesce(sanction_imposed, 0)
         ELSE sanction_imposed END AS sanction_imposed,
    CASE WHEN year <= {TIES_LAST_YEAR} AND ss THEN coalesce(sanction_in_force, 0)
         ELSE sanction_in_force END AS sanction_in_force,
    trade AS trade_us,
    CASE WHEN trade IS NULL THEN NULL WHEN year <= {COW_TRADE_LAST_YEAR} THEN 'cow'
         ELSE 'dots' END AS trade_source,
    CASE WHEN trade IS NULL THEN NULL ELSE year = {COW_TRADE_LAST_YEAR + 1} END AS trade_seam,
    unga_agree_all, unga_agree_important, unga_n_votes, unga_ideal_distance,
    polity2, v2x_polyarchy, NULL AS military_rule,
    CASE WHEN year <= {TD_LAST_YEAR} AND ss THEN coalesce(rivalry, 0)
         ELSE rivalry END AS rivalry,
    CASE WHEN year <= {TD_LAST_YEAR} AND ss THEN coalesce(rivalry_us, 0)
         ELSE rivalry_us END AS rivalry_us,
    us_troops, pew_fav_us,
    icews_vcoop_to_us, icews_mcoop_to_us, icews_vconf_to_us, icews_mconf_to_us,
    icews_vcoop_from_us, icews_mcoop_from_us, icews_vconf_from_us, icews_mconf_from_us,
    icews_coop_share_to_us, icews_coop_share_from_us
FROM v LEFT JOIN labels lab USING (ccode, year)
ORDER BY ccode, year
"""


@dataclass
class BuildResult:
    """What a build wrote: row counts, partners, years, and where."""

    db: str | None
    parquet: str | None
    rows: int
    partners: int
    year_min: int
    year_max: int
    quarantined: int
    sources: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


def default_sources() -> Path:
    """``$BILAT_SHARED/data/panel`` or ``../shared/data/panel`` beside the repository."""
    shared = shared_dir(required=True)
    assert shared is not None
    return shared / "data" / "panel"


def read_sources(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    progress: Callable[[str], None] | None = None,
) -> Context:
    """Run every reader against ``root`` on ``con``; return the build context."""
    if not root.is_dir():
        raise DataMissingError(f"panel source folder {root} does not exist; pass --sources DIR")
    ctx = Context(root=root, con=con)
    ctx.verify()
    for table, reader in READERS:
        if progress is not None:
            progress(table.removeprefix("src_"))
        reader(ctx)
    return ctx


def build_labels(con: duckdb.DuckDBPyConnection) -> None:
    """Table ``labels(ccode, year, iso3, country)``: the state each COW code denotes that year."""
    keys = con.execute(
        " UNION ".join(f"SELECT DISTINCT ccode, year FROM {t}" for t in SOURCE_TABLES)
    ).fetchdf()
    labels = [partner_label(int(c), int(y)) for c, y in zip(keys.ccode, keys.year, strict=True)]
    frame = keys.assign(
        iso3=pd.Series([lab[0] for lab in labels], index=keys.index, dtype=object),
        country=pd.Series([lab[1] for lab in labels], index=keys.index, dtype=object),
    )
    con.register("_labels", frame)
    con.execute("CREATE OR REPLACE TABLE labels AS SELECT * FROM _labels")
    con.unregister("_labels")


def check_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Raise :class:`StoreError` if a ``src_*`` table repeats a ``(ccode, year)`` key.

    One query counts the surplus rows of every table (no round trip per table).
    """
    query = " UNION ALL ".join(
        f"SELECT {i} AS i, count(*) - count(DISTINCT (ccode, year)) AS extra FROM {t}"
        for i, t in enumerate(SOURCE_TABLES)
    )
    for i, extra in con.execute(
        f"SELECT i, extra FROM ({query}) WHERE extra > 0 ORDER BY i"
    ).fetchall():
        raise StoreError(
            f"panel build: {SOURCE_TABLES[i]} has {extra} duplicate (ccode, year) keys"
        )


def join_sources(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Run :data:`ASSEMBLE_SQL` on ``con`` (needs the ``src_*`` tables and ``labels``)."""
    return con.sql(ASSEMBLE_SQL).to_arrow_table()


def _typed(table: pa.Table) -> pa.Table:
    types = {"INTEGER": pa.int32(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}
    types["BOOLEAN"] = pa.bool_()
    schema = pa.schema([pa.field(c.name, types[c.dtype]) for c in COLUMNS])
    return table.select(column_names()).cast(schema)


def assemble(ctx: Context) -> dict[str, pa.Table]:
    """Join the ``src_*`` tables into the four output tables (Arrow, deterministic order)."""
    con = ctx.con
    check_keys(con)
    build_labels(con)
    dyad_year = _typed(join_sources(con))
    columns = pa.Table.from_pylist(
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
    sources = pa.Table.from_pylist([asdict(s) for s in ctx.stats.values()]).sort_by("source_id")
    parts = [p for p in ctx.quarantined if not p.empty]
    quarantine = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    )
    quarantine = quarantine.sort_values(["source_id", "row", "field"], kind="stable")
    return {
        "dyad_year": dyad_year,
        "panel_columns": columns,
        "panel_sources": sources,
        "panel_quarantine": pa.Table.from_pandas(quarantine, preserve_index=False),
    }


def _metadata(tables: dict[str, pa.Table]) -> dict[bytes, bytes]:
    payload = {
        "columns": tables["panel_columns"].to_pylist(),
        "sources": tables["panel_sources"].to_pylist(),
    }
    return {PARQUET_KEY: json.dumps(payload, sort_keys=True).encode()}


def write_parquet(table: pa.Table, path: Path, metadata: dict[bytes, bytes]) -> None:
    """Write ``table`` as zstd Parquet with fixed options (same input, same bytes).

    Refuses to overwrite a file that is not a bilat panel; writes to a temporary name first.
    """
    if path.exists():
        try:
            existing = pq.read_schema(path).metadata or {}
        except Exception:
            existing = {}
        if PARQUET_KEY not in existing:
            raise InputError(
                f"{path} exists and is not a bilat panel Parquet file; choose another path",
                file=path,
            )
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(
        table.replace_schema_metadata(metadata),
        tmp,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=1 << 20,
        data_page_version="1.0",
        version="2.6",
    )
    os.replace(tmp, path)


def _write_db(db: Path, tables: dict[str, pa.Table]) -> None:
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as err:
        raise StoreError(f"cannot open {db} for writing: {err}") from err
    try:
        con.execute("BEGIN TRANSACTION")
        for name, table in tables.items():
            con.register("_incoming", table)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
            con.unregister("_incoming")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def build_panel(
    sources: Path | None = None,
    db: Path | None = None,
    parquet: Path | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the panel from ``sources`` and write it to ``db`` and/or ``parquet``.

    Parameters
    ----------
    sources:
        The folder laid out as ``shared/data/panel`` (default :func:`default_sources`).
    db:
        A DuckDB file that receives ``dyad_year``, ``panel_columns``, ``panel_sources`` and
        ``panel_quarantine`` (replaced in one transaction; other tables are untouched).
    parquet:
        A Parquet file for ``dyad_year`` (with ``panel_sources.parquet`` beside it).
    progress:
        Called with each step's name (for a progress display).

    Raises
    ------
    FormatError
        A source file is truncated or corrupt (nothing is written).
    DataMissingError
        The source folder or one of its files is missing.
    """
    root = sources if sources is not None else default_sources()
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        tables = assemble(read_sources(root, con, progress))
    finally:
        con.close()
    if db is not None:
        _write_db(db, tables)
    if parquet is not None:
        meta = _metadata(tables)
        write_parquet(tables["dyad_year"], parquet, meta)
        write_parquet(tables["panel_sources"], parquet.with_name("panel_sources.parquet"), meta)
    dy = tables["dyad_year"]
    years = dy.column("year").to_pylist()
    return BuildResult(
        db=str(db) if db else None,
        parquet=str(parquet) if parquet else None,
        rows=dy.num_rows,
        partners=len(set(dy.column("ccode").to_pylist())),
        year_min=min(years),
        year_max=max(years),
        quarantined=tables["panel_quarantine"].num_rows,
        sources=tables["panel_sources"].to_pylist(),
    )
