"""Actor sectors (GOV, MIL, LEG, ...) and the mapping from ICEWS sector names.

``data/sectors.csv`` holds bilat's sector codes (the CAMEO actor type codes), in priority
order; ``data/icews_sectors.csv`` maps each ICEWS sector name (text_to_CAMEO's
agentnames.txt, corrected, plus every name in the ICEWS 2018 sample) to a sector, or to
none for ethnic groups and ideologies.

The state vs sub-state rule
---------------------------
CAMEO and PLOVER code an armed non-state group with the country it operates from
*and* a sector: ``PAKINS`` is an insurgent group in Pakistan, not Pakistan's
government (CAMEO 1.1b3 codebook, actor type codes; the PLOVER reference's
examples carry ``{"code": "DZA", "sector": "REB"}`` for an armed opposition
group). :data:`SUBSTATE_SECTORS` lists the sectors whose actors are armed
non-state groups. A dyad's measures count an event only when neither its actor
nor its recipient belongs to one of them, unless the caller asks for sub-state
events explicitly (see ``docs/ontology.md``).
"""

from __future__ import annotations

import functools

import pandas as pd

from bilat.ontology._load import read_table

__all__ = ["STATE_SECTORS", "SUBSTATE_SECTORS", "is_substate", "sector_of", "sectors"]

#: Armed non-state sectors (code -> why and from where). An event whose actor or
#: recipient has one of these sectors is a sub-state event: it stays in every
#: store and record, but enters a dyad's series, claims and model targets only
#: when sub-state events are asked for.
SUBSTATE_SECTORS: dict[str, str] = {
    "INS": "insurgents; CAMEO 1.1b3 codebook (Schrodt 2012), actor type INS",
    "REB": "armed rebels; CAMEO 1.1b3 codebook, actor type REB; PLOVER reference (2021) "
    "examples code armed opposition groups as country + sector REB",
    "SEP": "separatist rebels; CAMEO 1.1b3 codebook, actor type SEP",
    "UAF": "armed forces of unclear allegiance (militias); CAMEO 1.1b3 codebook, actor type UAF",
    "IMG": "transnational militarised groups such as al-Qaida; CAMEO 1.1b3 codebook, "
    "actor type IMG",
}

#: Sectors that are organs of a state (executive, armed forces, intelligence,
#: police, legislature, courts); CAMEO 1.1b3 codebook, actor type codes.
STATE_SECTORS: tuple[str, ...] = ("GOV", "MIL", "SPY", "COP", "LEG", "JUD")


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


def is_substate(sector: object) -> bool:
    """Whether a sector is one of the armed non-state sectors of :data:`SUBSTATE_SECTORS`.

    Parameters
    ----------
    sector : str
        A sector code (``"INS"``), or an ICEWS sector name :func:`sector_of` maps.

    Returns
    -------
    bool
        True for the armed non-state sectors of :data:`SUBSTATE_SECTORS`; False
        for state organs, society and blanks.
    """
    if not isinstance(sector, str):
        return False
    code = sector.strip().upper()
    if code in SUBSTATE_SECTORS:
        return True
    return sector_of(sector) in SUBSTATE_SECTORS
