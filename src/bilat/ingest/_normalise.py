"""Normalisation inside DuckDB: raw text fields in, event rows and quarantined rows out.

Every reader turns its input into *raw blocks*: Arrow tables of text fields
plus the physical ``line`` each row came from. A reader's SQL turns a raw
block into *candidate* rows (:data:`CANDIDATE_COLUMNS`) and flags rows that
fail its checks (``_check`` names the check, ``_value`` the bad value). The
shared SQL here then maps codes through the ontology (tables registered in
DuckDB, joined, never looked up row by row), applies the checks every format
shares, and stages good rows and quarantined rows in temporary tables, so
that a whole file becomes one batch of the store without being held in
Python memory.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import UnknownCodeError
from bilat.events.schema import EVENT_FIELDS
from bilat.events.store import QuarantinedRow

__all__ = [
    "CANDIDATE_COLUMNS",
    "COMMON_CHECKS",
    "RAW_LIMIT",
    "Check",
    "RawBlock",
    "Stager",
    "cameo_suggestions",
]

RAW_LIMIT = 2000
"""Characters of a quarantined row's raw text kept in the quarantine."""

CANDIDATE_COLUMNS = (
    "line",
    "id",
    "date",
    "date_end",
    "date_precision",
    "actor_code",
    "actor_country_key",
    "actor_sector_key",
    "actor_text",
    "recipient_code",
    "recipient_country_key",
    "recipient_sector_key",
    "recipient_text",
    "cameo",
    "plover_key",
    "event_src",
    "mode_src",
    "context_src",
    "quad_src",
    "goldstein_src",
    "weight",
    "dataset",
    "source_id",
    "doc_id",
    "sentence",
    "span",
    "url",
    "citation",
    "modality",
    "_check",
    "_value",
)
"""What a reader's SQL must select from its raw block, in this order.

``*_country_key`` and ``*_sector_key`` are the source's own country and sector
values (codes or names), mapped here through :func:`bilat.ontology.to_iso3` and
:func:`bilat.ontology.sector_of`. ``cameo`` may be NULL when ``plover_key`` (a
PLOVER event category) gives the CAMEO root instead. ``*_src`` values come
from the record and win over the ontology's.
"""


@dataclass(frozen=True)
class Check:
    """A check a row can fail: the field at fault and the reason, with ``{value}`` filled in."""

    field: str
    reason: str


COMMON_CHECKS: dict[str, Check] = {
    "cameo": Check("cameo", "unknown CAMEO event code {value!r}"),
    "plover": Check("event", "unknown PLOVER event category {value!r}"),
    "nocode": Check("cameo", "no CAMEO code and no PLOVER event category"),
    "id": Check("id", "the record has no id"),
    "date": Check("date", "{value!r} is not a real date"),
    "year": Check("date", "the year of {value!r} lies outside 1800-2200"),
    "quad": Check("quad", "quad class {value!r} is not 1, 2, 3 or 4"),
    "goldstein": Check("goldstein", "Goldstein value {value!r} is not a number in [-10, 10]"),
    "weight": Check("weight", "weight {value!r} is not a non-negative number"),
}


@dataclass
class RawBlock:
    """Raw text fields of some rows, with the physical line each came from.

    ``table`` has a ``line`` column (int64) and the reader's text columns;
    ``raw_line(n)`` returns the text of line ``n`` (for quarantined rows);
    ``quarantine`` holds rows the reader itself rejected (bad width, bad bytes).
    """

    table: pa.Table
    raw_line: Callable[[int], str]
    quarantine: list[QuarantinedRow] = field(default_factory=list)


_EVENT_COLUMNS = ", ".join(f.name for f in EVENT_FIELDS)


# The shared part: ontology joins and the checks every format shares.
_CASES = """    CASE
        WHEN k._check IS NOT NULL THEN k._check
        WHEN k.id IS NULL OR k.id = '' THEN 'id'
        WHEN k.code IS NULL AND k.plover_key IS NOT NULL THEN 'plover'
        WHEN k.code IS NULL THEN 'nocode'
        WHEN t.code IS NULL THEN 'cameo'
        WHEN k.date IS NULL THEN 'date'
        WHEN year(k.date) NOT BETWEEN 1800 AND 2200 THEN 'year'
        WHEN coalesce(k.quad_src, t.quad) NOT BETWEEN 1 AND 4 THEN 'quad'
        WHEN NOT (coalesce(k.goldstein_src, t.goldstein) BETWEEN -10 AND 10) THEN 'goldstein'
        WHEN isnan(coalesce(k.weight, 1.0)) OR coalesce(k.weight, 1.0) < 0 THEN 'weight'
    END AS _check,
    CASE
        WHEN k._check IS NOT NULL THEN k._value
        WHEN k.code IS NULL THEN k.plover_key
        WHEN t.code IS NULL THEN k.code
        WHEN year(k.date) NOT BETWEEN 1800 AND 2200 THEN CAST(k.date AS VARCHAR)
        WHEN coalesce(k.quad_src, t.quad) NOT BETWEEN 1 AND 4 THEN CAST(k.quad_src AS VARCHAR)
        WHEN NOT (coalesce(k.goldstein_src, t.goldstein) BETWEEN -10 AND 10)
            THEN CAST(k.goldstein_src AS VARCHAR)
        ELSE CAST(k.weight AS VARCHAR)
    END AS _value
"""

_FINAL = """
WITH k AS (
    SELECT c.*,
        coalesce(c.cameo, pr.value) AS code,
        ac.value AS actor_country, asec.value AS actor_sector,
        rc.value AS recipient_country, rsec.value AS recipient_sector
    FROM _bilat_cand c
    LEFT JOIN _bilat_map pr ON pr.kind = 'plover' AND pr.key = c.plover_key
    LEFT JOIN _bilat_map ac ON ac.kind = 'country' AND ac.key = c.actor_country_key
    LEFT JOIN _bilat_map rc ON rc.kind = 'country' AND rc.key = c.recipient_country_key
    LEFT JOIN _bilat_map asec ON asec.kind = 'sector' AND asec.key = c.actor_sector_key
    LEFT JOIN _bilat_map rsec ON rsec.kind = 'sector' AND rsec.key = c.recipient_sector_key
)
SELECT
    k.line,
    k.id, k.date, k.date_end, k.date_precision,
    k.actor_code, k.actor_country, k.actor_sector, k.actor_text,
    k.recipient_code, k.recipient_country, k.recipient_sector, k.recipient_text,
    k.code AS cameo, t.root,
    coalesce(k.event_src, t.plover_event) AS event,
    coalesce(k.mode_src, t.plover_mode) AS mode,
    coalesce(k.context_src, t.plover_context) AS context,
    CAST(coalesce(k.quad_src, t.quad) AS TINYINT) AS quad,
    CAST(t.penta AS TINYINT) AS penta,
    CAST(coalesce(k.goldstein_src, t.goldstein) AS DOUBLE) AS goldstein,
    t.domain, k.modality, k.dataset, k.source_id, k.doc_id, k.sentence, k.span, k.url,
    k.citation, CAST(coalesce(k.weight, 1.0) AS DOUBLE) AS weight,
{cases}FROM k LEFT JOIN _bilat_cameo t ON t.code = k.code
""".replace("{cases}", _CASES)

# Only what the checks need: the CAMEO code (through the PLOVER map) and its table row.
_CHECKS = (
    """
WITH k AS (
    SELECT c.*, coalesce(c.cameo, pr.value) AS code
    FROM _bilat_cand c
    LEFT JOIN _bilat_map pr ON pr.kind = 'plover' AND pr.key = c.plover_key
)
SELECT k.line,
"""
    + _CASES
    + """
FROM k LEFT JOIN _bilat_cameo t ON t.code = k.code
"""
)


# raw columns of each reader holding keys to map: country codes/names, sectors, PLOVER events
_MAP_SOURCES = {
    "country": (
        "a1country",
        "a2country",
        "source_country",
        "target_country",
        "actor_country",
        "recipient_country",
        "actor_code",
        "recipient_code",
    ),
    "sector": (
        "a1type",
        "a2type",
        "source_sectors",
        "target_sectors",
        "actor_sector",
        "recipient_sector",
    ),
    "plover": ("event",),
}


@functools.cache
def _cameo_frame() -> pd.DataFrame:
    from bilat.ontology import cameo_table

    table = cameo_table()
    return table[
        [
            "code",
            "root",
            "quad",
            "penta",
            "goldstein",
            "plover_event",
            "plover_mode",
            "plover_context",
            "domain",
        ]
    ].copy()


def _resolve(kind: str, key: str) -> str | None:
    from bilat.ontology import plover_to_root, sector_of, to_iso3

    if kind == "country":
        return to_iso3(key)
    if kind == "sector":
        return sector_of(key)
    try:
        return plover_to_root(key)
    except UnknownCodeError:
        return None


def cameo_suggestions(code: str) -> list[str]:
    """The ontology's nearest valid CAMEO codes for an unknown one."""
    from bilat.ontology import cameo

    try:
        cameo(code)
    except UnknownCodeError as err:
        return err.suggestions[:3]
    return []


class Stager:
    """Stages one file: raw blocks in temporary Parquet parts, quarantine in DuckDB.

    Each raw block is checked as it arrives (its quarantined rows, with their
    raw text, go to a temporary table) and written by DuckDB to a temporary
    Parquet part. :meth:`events` is the normalising SQL over all the parts, so
    the store's insert normalises every row once, in parallel, reading the file
    back from disk with bounded memory whatever its size.

    Parameters
    ----------
    con:
        The connection of the store (or a private one, for parallel ingest).
    candidates:
        The reader's SQL over the raw block, registered as ``_bilat_raw``,
        selecting :data:`CANDIDATE_COLUMNS`.
    checks:
        The reader's own checks, by the names its SQL puts in ``_check``.
    file:
        The file name, for the quarantine.
    final:
        The reader's SQL already selects the event columns (plus ``line``,
        ``_check`` and ``_value``): no ontology mapping (bilat's own exports).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        candidates: str,
        checks: Mapping[str, Check],
        file: str,
        *,
        final: bool = False,
    ) -> None:
        self.con = con
        self.candidates = candidates
        self.final = final
        self._known: set[tuple[str, str]] = set()
        self.checks = {**COMMON_CHECKS, **checks}
        self.file = file
        self.read = 0
        self.n_quarantined = 0
        self._dir = Path(tempfile.mkdtemp(prefix="bilat-ingest-"))
        self._parts = 0
        self._setup()

    def _setup(self) -> None:
        con = self.con
        con.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _bilat_map (kind VARCHAR, key VARCHAR, value VARCHAR)"
        )
        exists = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_bilat_cameo' AND temporary"
        ).fetchall()[0]
        if not exists or not exists[0]:
            con.register("_bilat_cameo_df", _cameo_frame())
            con.execute("CREATE TEMP TABLE _bilat_cameo AS SELECT * FROM _bilat_cameo_df")
            con.unregister("_bilat_cameo_df")
        self._known = {
            (str(kind), str(key))
            for kind, key in con.execute("SELECT kind, key FROM _bilat_map").fetchall()
        }
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _bilat_stage_q (line BIGINT, reason VARCHAR, "
            "raw VARCHAR, field VARCHAR, value VARCHAR)"
        )

    # -- mapping tables ------------------------------------------------------------------------
    def _extend_maps(self, table: pa.Table) -> None:
        """Resolve the block's country, sector and PLOVER keys not yet in ``_bilat_map``."""
        wanted: dict[str, set[str]] = {"country": set(), "sector": set(), "plover": set()}
        for kind, cols in _MAP_SOURCES.items():
            for col in cols:
                if col in table.column_names:
                    values = pc.unique(table.column(col)).to_pylist()
                    wanted[kind].update(v for v in values if v)
        new = []
        for kind, keys in wanted.items():
            for key in keys:
                if kind == "plover":
                    key = key.strip().upper()
                if (kind, key) not in self._known:
                    self._known.add((kind, key))
                    new.append((kind, key, _resolve(kind, key)))
        if new:
            self.con.executemany("INSERT INTO _bilat_map VALUES (?, ?, ?)", new)

    def _body(self) -> str:
        return self.candidates if self.final else _FINAL

    # -- blocks ----------------------------------------------------------------------------------
    def add(self, block: RawBlock) -> None:
        """Check one raw block, keep its quarantined rows and spool it as a Parquet part."""
        con = self.con
        self.read += block.table.num_rows + len(block.quarantine)
        if block.quarantine:
            self._stage_quarantine(block.quarantine)
        if block.table.num_rows == 0:
            return
        table = block.table
        part = str(self._dir / f"part-{self._parts:06d}.parquet").replace("'", "''")
        con.register("_bilat_raw", table)
        try:
            if not self.final:
                con.execute(f"CREATE OR REPLACE TEMP VIEW _bilat_cand AS {self.candidates}")
                self._extend_maps(table)
            checks = self.candidates if self.final else _CHECKS
            bad = con.execute(
                f"SELECT line, _check, _value FROM ({checks}) "
                "WHERE _check IS NOT NULL ORDER BY line"
            ).fetchall()
            con.execute(
                f"COPY (SELECT * FROM _bilat_raw) TO '{part}' "
                "(FORMAT parquet, COMPRESSION uncompressed)"
            )
        finally:
            con.unregister("_bilat_raw")
        self._parts += 1
        if bad:
            rows = []
            for line, check, value in bad:
                rows.append(self.quarantined(int(line), str(check), value, block.raw_line))
            self._stage_quarantine(rows)

    def quarantined(
        self, line: int, check: str, value: object, raw_line: Callable[[int], str]
    ) -> QuarantinedRow:
        """The quarantine entry of a row that failed ``check``."""
        rule = self.checks.get(check, Check("?", "failed check " + check + " ({value!r})"))
        text = None if value is None else str(value)
        reason = rule.reason.format(value=text)
        if check == "cameo" and text:
            near = cameo_suggestions(text)
            if near:
                reason += "; nearest valid: " + ", ".join(near)
        return QuarantinedRow(
            line=line,
            reason=reason,
            raw=raw_line(line)[:RAW_LIMIT],
            field=rule.field,
            value=None if text is None else text[:RAW_LIMIT],
        )

    def _stage_quarantine(self, rows: Iterable[QuarantinedRow]) -> None:
        rows = list(rows)
        self.n_quarantined += len(rows)
        table = pa.table(
            {
                "line": pa.array([q.line for q in rows], pa.int64()),
                "reason": pa.array([q.reason for q in rows], pa.string()),
                "raw": pa.array([q.raw[:RAW_LIMIT] for q in rows], pa.string()),
                "field": pa.array([q.field for q in rows], pa.string()),
                "value": pa.array([q.value for q in rows], pa.string()),
            }
        )
        self.con.register("_bilat_q", table)
        try:
            self.con.execute("INSERT INTO _bilat_stage_q SELECT * FROM _bilat_q")
        finally:
            self.con.unregister("_bilat_q")

    # -- results -----------------------------------------------------------------------------
    def events_sql(self) -> str:
        """SQL normalising the file's spooled raw parts: its valid events (after :meth:`finish`)."""
        return f"SELECT {_EVENT_COLUMNS} FROM ({self._body()}) WHERE _check IS NULL"

    def finish(self) -> None:
        """Point ``_bilat_raw`` (and ``_bilat_cand``) at the spooled parts."""
        if self._parts == 0:
            return
        parts = str(self._dir / "part-*.parquet").replace("'", "''")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW _bilat_raw AS SELECT * FROM '{parts}'")
        if not self.final:
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW _bilat_cand AS {self.candidates}")

    def events(self) -> duckdb.DuckDBPyRelation:
        """The file's normalised, valid events, a relation on the connection."""
        if self._parts == 0:
            from bilat.events.schema import sql_columns

            return self.con.sql(
                "SELECT * FROM (SELECT "
                + ", ".join(
                    f"CAST(NULL AS {c.split()[1]}) AS {c.split()[0]}"
                    for c in sql_columns().split(",\n")
                )
                + ") WHERE false"
            )
        return self.con.sql(self.events_sql())

    def quarantine(self) -> duckdb.DuckDBPyRelation:
        """The staged quarantined rows (line, reason, raw, field, value), in line order."""
        return self.con.sql("SELECT * FROM _bilat_stage_q ORDER BY line")

    def counts(self) -> tuple[int, int]:
        """Rows that become events (valid rows) and quarantined rows."""
        return self.read - self.n_quarantined, self.n_quarantined

    def close(self) -> None:
        """Drop the staging views and tables and delete the spool."""
        self.con.execute("DROP TABLE IF EXISTS _bilat_stage_q")
        self.con.execute("DROP VIEW IF EXISTS _bilat_cand")
        self.con.execute("DROP VIEW IF EXISTS _bilat_raw")
        shutil.rmtree(self._dir, ignore_errors=True)
