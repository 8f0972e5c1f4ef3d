"""Actor sectors (GOV, MIL, LEG, ...) and the mapping from ICEWS sector names.

``data/sectors.csv`` holds bilat's sector codes (the CAMEO actor type codes), in priority
order; ``data/icews_sectors.csv`` maps each ICEWS sector name (text_to_CAMEO's
agentnames.txt, corrected, plus every name in the ICEWS 2018 sample) to a sector, or to
none for ethnic groups and ideologies.
"""

from __future__ import annotations

import functools

import pandas as pd

from bilat.ontology._load import read_table

__all__ = ["sector_of", "sectors"]


def sectors() -> pd.DataFrame:
    """The sector table: columns ``code, label, description, source`` (a fresh copy).

    Rows are in priority order: :func:`sector_of` picks the earliest sector of an
    ICEWS comma list, so ``"Military,Government"`` is MIL.
    """
    return read_table("sectors.csv").copy()


@functools.cache
def _lookups() -> tuple[dict[str, int], dict[str, str]]:
    order = {code: i for i, code in enumerate(read_table("sectors.csv")["code"])}
    icews = read_table("icews_sectors.csv")
    names = {str(k).lower(): str(v) for k, v in zip(icews["icews"], icews["sector"], strict=True)}
    return order, names


def _one(item: str) -> str | None:
    order, names = _lookups()
    text = item.strip()
    if not text:
        return None
    if text.upper() in order:
        return text.upper()
    mapped = names.get(text.lower())
    if mapped is not None:
        return mapped or None
    head = text[:3].upper()
    if text.isalpha() and text.isupper() and len(text) % 3 == 0 and head in order:
        return head  # a CAMEO agent code such as GOVMIL or MILSPY: its first sector
    return None


def sector_of(text: object) -> str | None:
    """The bilat sector code of a sector code, CAMEO agent code or ICEWS sector name.

    Parameters
    ----------
    text : str
        ``"GOV"``/``"gov"``; a CAMEO agent code (``"GOVMIL"`` -> GOV); an ICEWS sector
        name (``"Foreign Ministry"`` -> GOV, ``"Army"`` -> MIL); or an ICEWS
        comma-separated list (``"Military,Government"`` -> MIL, the sector earliest in
        :func:`sectors` order).

    Returns
    -------
    str or None
        None for blanks, ``"NA"``, and names that denote no sector (ethnic groups,
        ideologies) or that bilat does not know.
    """
    if not isinstance(text, str) or text.strip() in {"", "NA"}:
        return None
    order, _ = _lookups()
    found = [s for s in (_one(part) for part in text.split(",")) if s is not None]
    if not found:
        return None
    return min(found, key=lambda s: order[s])
