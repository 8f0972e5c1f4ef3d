"""The phase profiles and CAMEO code tables :func:`~bilat.datasets.synthetic_dyad` draws from.

Quad class, penta class and Goldstein weight come from :mod:`bilat.ontology` when
it knows the code, else from the fallback table in this module (quad and penta
by root as the CAMEO manual defines them; Goldstein weights as in the GDELT
CAMEO Goldstein table, after Goldstein, J. S. 1992, "A Conflict-Cooperation
Scale for WEIS Events Data", *Journal of Conflict Resolution* 36:2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bilat.errors import UnknownCodeError

__all__ = [
    "CLASSES",
    "CODE_POOLS",
    "COERCIVE_CODES",
    "DEFAULT_DOMAIN_MIX",
    "DEFAULT_PROFILES",
    "PHASE_LABELS",
    "PhaseProfile",
    "code_table",
]

PHASE_LABELS = ("engaged", "disengaged", "sanctioned")

CLASSES = ("statement", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict")


@dataclass(frozen=True)
class PhaseProfile:
    """How a relationship behaves in one kind of phase.

    Parameters
    ----------
    rate:
        Multiplier of the base ``rate`` (events per year and direction).
    statement:
        Probability that an event is a plain statement (penta class 0).
    cooperation:
        Base probability that a non-statement event is cooperative.
    material_coop, material_conflict:
        Share of material events among cooperative / conflictual ones.
    coercive:
        Share of conflictual events that are coercive (threats, sanctions,
        coercion; :data:`COERCIVE_CODES`).
    """

    rate: float
    statement: float = 0.1
    cooperation: float = 0.5
    material_coop: float = 0.4
    material_conflict: float = 0.2
    coercive: float = 0.2


DEFAULT_PROFILES: dict[str, PhaseProfile] = {
    "engaged": PhaseProfile(rate=1.0, cooperation=0.85, material_coop=0.5, coercive=0.15),
    "disengaged": PhaseProfile(rate=0.25, cooperation=0.5, material_coop=0.2, coercive=0.2),
    "sanctioned": PhaseProfile(
        rate=0.6, cooperation=0.15, material_coop=0.2, material_conflict=0.3, coercive=0.7
    ),
}

DEFAULT_DOMAIN_MIX: dict[str, float] = {
    "security": 0.55,
    "economic": 0.15,
    "diplomatic": 0.2,
    "governance": 0.05,
    "humanitarian": 0.05,
}

#: CAMEO codes by event class and domain (the domain of each code is bilat's
#: reading of the CAMEO label, e.g. "062 Cooperate militarily" is security).
CODE_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "statement": {
        "security": ("0212", "0214", "0232"),
        "economic": ("0211", "0231"),
        "diplomatic": ("010", "022"),
        "governance": ("0241", "0243"),
        "humanitarian": ("0233",),
    },
    "verbal_coop": {
        "security": ("0312", "0314", "0332", "0334"),
        "economic": ("0311", "0331"),
        "diplomatic": ("032", "036", "040", "042", "043", "046", "051", "057"),
        "governance": ("0313", "034", "035"),
        "humanitarian": ("0333",),
    },
    "material_coop": {
        "security": ("062", "064", "072", "074"),
        "economic": ("061", "071", "085"),
        "diplomatic": ("081", "084", "086"),
        "governance": ("063", "083", "0831", "0834"),
        "humanitarian": ("073", "075"),
    },
    "verbal_conflict": {
        "security": ("1012", "1032", "1212", "1222"),
        "economic": ("1011", "1031", "1211", "1221"),
        "diplomatic": ("111", "1123", "134", "160", "161", "164"),
        "governance": ("1041", "1042", "1122", "1231"),
        "humanitarian": ("1033", "1223", "1623", "1663"),
    },
    "material_conflict": {
        "security": ("152", "153", "190", "193", "195"),
        "economic": ("171",),
        "diplomatic": ("141", "174"),
        "governance": ("173", "1724"),
        "humanitarian": ("175", "180"),
    },
}

#: Coercive codes (threats 13x, sanctions and aid cuts 16x, coercion 17x) with
#: the domain the generator gives them.
COERCIVE_CODES: dict[str, str] = {
    "1311": "economic",
    "1312": "economic",
    "1313": "diplomatic",
    "138": "security",
    "139": "security",
    "1621": "economic",
    "1622": "security",
    "163": "economic",
    "172": "governance",
}

# Goldstein weights of the codes above, as in the GDELT CAMEO Goldstein table.
_GOLDSTEIN: dict[str, float] = {
    "010": 0.0, "0211": 3.4, "0212": 3.4, "0214": 3.4, "022": 3.2, "0231": 3.4, "0232": 3.4,
    "0233": 3.4, "0241": -0.3, "0243": -0.3, "0311": 5.2, "0312": 5.2, "0313": 5.2,
    "0314": 5.2, "032": 4.5, "0331": 5.2, "0332": 5.2, "0333": 5.2, "0334": 6.0, "034": 7.0,
    "035": 7.0, "036": 4.0, "040": 1.0, "042": 1.9, "043": 2.8, "046": 7.0, "051": 3.4,
    "057": 8.0, "061": 6.4, "062": 7.4, "063": 7.4, "064": 7.0, "071": 7.4, "072": 8.3,
    "073": 7.4, "074": 8.5, "075": 7.0, "081": 5.0, "083": 5.0, "0831": 5.0, "0834": 5.0,
    "084": 7.0, "085": 7.0, "086": 9.0, "1011": -5.0, "1012": -5.0, "1031": -5.0,
    "1032": -5.0, "1033": -5.0, "1041": -5.0, "1042": -5.0, "111": -2.0, "1122": -2.0,
    "1123": -2.0, "1211": -4.0, "1212": -4.0, "1221": -4.0, "1222": -4.0, "1223": -4.0,
    "1231": -4.0, "1311": -5.8, "1312": -5.8, "1313": -5.8, "134": -5.8, "138": -7.0,
    "139": -7.0, "141": -6.5, "152": -7.2, "153": -7.2, "160": -4.0, "161": -4.0,
    "1621": -5.6, "1622": -5.6, "1623": -5.6, "163": -8.0, "164": -7.0, "1663": -7.0,
    "171": -9.2, "172": -5.0, "173": -5.0, "1724": -5.0, "174": -5.0, "175": -9.0,
    "180": -9.0, "190": -10.0, "193": -10.0, "195": -10.0,
}  # fmt: skip


def _quad_of_root(root: int) -> int:
    if root <= 5:
        return 1
    if root <= 9:
        return 2
    return 3 if root <= 14 else 4


def _penta_of_root(root: int) -> int:
    if root <= 2:
        return 0
    if root <= 5:
        return 1
    if root <= 9:
        return 2
    return 3 if root <= 13 or root == 16 else 4


def code_table(codes: Sequence[str]) -> pd.DataFrame:
    """Root, quad, penta, Goldstein and PLOVER fields of each code.

    Taken from :mod:`bilat.ontology` where it knows the code, else from the
    fallback table of this module.
    """
    rows: list[dict[str, Any]] = []
    lookup: Any = None
    try:  # the ontology is optional here: the generator must work without it
        from bilat import ontology

        lookup = ontology.cameo
    except (ImportError, AttributeError):
        lookup = None
    for code in codes:
        root = code[:2]
        row: dict[str, Any] = {
            "cameo": code,
            "root": root,
            "quad": _quad_of_root(int(root)),
            "penta": _penta_of_root(int(root)),
            "goldstein": _GOLDSTEIN[code],
            "event": None,
            "mode": None,
            "context": None,
        }
        if lookup is not None:
            try:
                info = lookup(code)
            except UnknownCodeError:
                info = None
            if info is not None:
                for name in ("quad", "penta", "goldstein"):
                    value = getattr(info, name, None)
                    if value is not None and value == value:
                        row[name] = value
                for name in ("event", "mode", "context"):
                    value = getattr(info, f"plover_{name}", None)
                    row[name] = value if isinstance(value, str) and value else None
        rows.append(row)
    return pd.DataFrame(rows)
