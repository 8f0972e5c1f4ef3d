"""bilat's ontology: CAMEO event codes, countries and actor sectors.

Every table is a CSV file shipped in ``bilat/ontology/data`` with a ``source`` column; it is
read once and cached.  ``docs/ontology.md`` says where each column came from.

Event codes
    :func:`cameo_table`, :func:`cameo` (-> :class:`CameoCode`), :func:`is_cameo`,
    :func:`goldstein_disagreements`, :func:`quad_of_root`, :func:`penta_of_root`,
    :func:`plover_to_root`, :func:`cameo_to_plover`.
Countries
    :func:`countries`, :func:`country` (-> :class:`Country`), :func:`to_iso3`,
    :func:`country_map`, :func:`regions`.
Sectors
    :func:`sectors`, :func:`sector_of`.
Names
    :func:`nearest` (the valid codes nearest a bad one), :func:`norm_name`.

Unknown codes raise :class:`bilat.errors.UnknownCodeError` naming the nearest valid ones.
"""

from __future__ import annotations

from bilat.ontology._load import nearest, norm_name
from bilat.ontology.cameo import (
    DOMAINS,
    CameoCode,
    cameo,
    cameo_table,
    cameo_to_plover,
    goldstein_disagreements,
    is_cameo,
    penta_of_root,
    plover_to_root,
    quad_of_root,
)
from bilat.ontology.countries import (
    COUNTRY_MAP_KINDS,
    Country,
    countries,
    country,
    country_map,
    regions,
    to_iso3,
)
from bilat.ontology.sectors import (
    STATE_SECTORS,
    SUBSTATE_SECTORS,
    is_substate,
    sector_of,
    sectors,
)

__all__ = [
    "COUNTRY_MAP_KINDS",
    "DOMAINS",
    "STATE_SECTORS",
    "SUBSTATE_SECTORS",
    "CameoCode",
    "Country",
    "cameo",
    "cameo_table",
    "cameo_to_plover",
    "countries",
    "country",
    "country_map",
    "goldstein_disagreements",
    "is_cameo",
    "is_substate",
    "nearest",
    "norm_name",
    "penta_of_root",
    "plover_to_root",
    "quad_of_root",
    "regions",
    "sector_of",
    "sectors",
    "to_iso3",
]
