"""The SQL every reader shares: ontology joins, the common checks, the code maps.

A reader's SQL makes *candidate* rows; :data:`FINAL` joins them to the ontology's
tables (registered in DuckDB as ``_bilat_map`` and ``_bilat_cameo``) and flags the
checks every format shares; :data:`CHECKS` is the same without the joins the
checks do not need.
"""

from __future__ import annotations

import functools

import pyarrow as pa

from bilat.errors import UnknownCodeError
from bilat.events.store import YEAR_RANGE

__all__ = ["CHECKS", "FINAL", "MAP_SOURCES", "cameo_arrow", "cameo_suggestions", "resolve"]

# The shared part: ontology joins and the checks every format shares.
_CASES = """    CASE
        WHEN k._check IS NOT NULL THEN k._check
        WHEN k.id IS NULL OR k.id = '' THEN 'id'
        WHEN k.code IS NULL AND k.plover_key IS NOT NULL THEN 'plover'
        WHEN k.code IS NULL THEN 'nocode'
        WHEN t.code IS NULL THEN 'cameo'
        WHEN k.date IS NULL THEN 'date'
        WHEN {outside} THEN 'year'
        WHEN coalesce(k.quad_src, t.quad) NOT BETWEEN 1 AND 4 THEN 'quad'
        WHEN NOT (coalesce(k.goldstein_src, t.goldstein) BETWEEN -10 AND 10) THEN 'goldstein'
        WHEN isnan(coalesce(k.weight, 1.0)) OR coalesce(k.weight, 1.0) < 0 THEN 'weight'
    END AS _check,
    CASE
        WHEN k._check IS NOT NULL THEN k._value
        WHEN k.code IS NULL THEN k.plover_key
        WHEN t.code IS NULL THEN k.code
        WHEN {outside} THEN CAST(k.date AS VARCHAR)
        WHEN coalesce(k.quad_src, t.quad) NOT BETWEEN 1 AND 4 THEN CAST(k.quad_src AS VARCHAR)
        WHEN NOT (coalesce(k.goldstein_src, t.goldstein) BETWEEN -10 AND 10)
            THEN CAST(k.goldstein_src AS VARCHAR)
        ELSE CAST(k.weight AS VARCHAR)
    END AS _value
""".replace("{outside}", f"year(k.date) NOT BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}")


def _kept_country(side: str) -> str:
    """SQL of ``{side}_text`` keeping a country the ontology does not know.

    The source's country value then stands in the text as ``[country: VALUE]``
    (unless the actor code already holds it, as GDELT's region codes do), so
    that it is never lost as a silent NULL.
    """
    key = f"k.{side}_country_key"
    return (
        f"CASE WHEN {key} IS NOT NULL AND k.{side}_country IS NULL "
        f"AND NOT contains(coalesce(k.{side}_code, ''), {key}) "
        f"THEN concat_ws(' ', k.{side}_text, '[country: ' || {key} || ']') "
        f"ELSE k.{side}_text END"
    )


FINAL = """
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
    k.actor_code, k.actor_country, k.actor_sector, {actor_text} AS actor_text,
    k.recipient_code, k.recipient_country, k.recipient_sector, {recipient_text} AS recipient_text,
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
"""
FINAL = (
    FINAL.replace("{actor_text}", _kept_country("actor"))
    .replace("{recipient_text}", _kept_country("recipient"))
    .replace("{cases}", _CASES)
)

# Only what the checks need: the CAMEO code (through the PLOVER map) and its table row.
CHECKS = (
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
MAP_SOURCES = {
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
def cameo_arrow() -> pa.Table:
    from bilat.ontology import cameo_table

    table = cameo_table()
    frame = table[
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
    ]
    return pa.Table.from_pandas(frame, preserve_index=False)


def resolve(kind: str, key: str) -> str | None:
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
