"""CAMEO event codes: labels, classes, Goldstein weights, PLOVER categories and domains.

The table (``data/cameo.csv``, 312 codes) is built by ``tools/build_ontology.py`` from
the ICEWS CAMEO table (labels; GDELT's label beside it where it differs), GDELT's
``CAMEO.goldsteinscale.txt`` (weights; it
agrees with the GoldsteinScale of all 2,821 real GDELT rows in ../shared, 133 of 133 codes),
``CAMEO2PLOVER-2021.txt`` (PLOVER event, mode, context) and bilat's documented domain rule.
See ``docs/ontology.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from bilat.errors import InputError, UnknownCodeError
from bilat.ontology._load import nearest, read_table

__all__ = [
    "DOMAINS",
    "CameoCode",
    "cameo",
    "cameo_table",
    "cameo_to_plover",
    "goldstein_disagreements",
    "is_cameo",
    "penta_of_root",
    "plover_to_root",
    "quad_of_root",
]

#: The five domains an event can belong to.
DOMAINS = ("diplomatic", "economic", "governance", "humanitarian", "security")

_QUAD = {
    **dict.fromkeys(range(1, 6), 1),
    **dict.fromkeys(range(6, 10), 2),
    **dict.fromkeys(range(10, 15), 3),
    **dict.fromkeys(range(15, 21), 4),
}
_PENTA = {
    **dict.fromkeys((1, 2), 0),
    **dict.fromkeys((3, 4, 5), 1),
    **dict.fromkeys((6, 7, 8, 9), 2),
    **dict.fromkeys((10, 11, 12, 13, 16), 3),
    **dict.fromkeys((14, 15, 17, 18, 19, 20), 4),
}

# PLOVER event -> CAMEO root.  2021 names: the root that holds most of the event's codes
# in CAMEO2PLOVER-2021.txt (a test checks this against the table).  0.5b1 names (the
# PLOVER gold-standard file): DEMAND, DISAPPROVE, INVESTIGATE and FIGHT, which the 2021
# manual folded into REQUEST, ACCUSE, ACCUSE and ASSAULT.
_PLOVER_ROOT = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "AID": "07",
    "CONCEDE": "08",
    "RETREAT": "08",
    "ACCUSE": "11",
    "REQUEST": "10",
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",
    "SANCTION": "16",
    "COERCE": "17",
    "ASSAULT": "18",
    # PLOVER 0.5b1 names
    "DEMAND": "10",
    "DISAPPROVE": "11",
    "INVESTIGATE": "09",
    "FIGHT": "19",
}


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code.

    Attributes
    ----------
    code : str
        The code as text with its leading zero: ``"01"``, ``"010"``, ``"0211"``.
    label : str
        Its name in the CAMEO codebook, as the ICEWS CAMEO table gives it.
    root : str
        The two-digit root (``code[:2]``).
    level : int
        1 for a root (2 digits), 2 for a 3-digit code, 3 for a 4-digit code.
    quad : int
        Quad class: 1 verbal cooperation (roots 01-05), 2 material cooperation (06-09),
        3 verbal conflict (10-14), 4 material conflict (15-20).
    penta : int
        Penta class: 0 statements (01-02), 1 verbal cooperation (03-05), 2 material
        cooperation (06-09), 3 verbal conflict (10-13, 16), 4 material conflict
        (14, 15, 17-20).
    goldstein : float
        Goldstein weight, -10 (most conflictual) to +10 (most cooperative).
    plover_event, plover_mode, plover_context : str or None
        PLOVER 2021 category from CAMEO2PLOVER-2021.txt (None where it has no entry:
        roots 01 and 02); a context may list several, separated by ``;``.
    domain : str
        One of :data:`DOMAINS` (bilat's rule, see docs/ontology.md).
    source : str
        Which published table each value came from.
    """

    code: str
    label: str
    root: str
    level: int
    quad: int
    penta: int
    goldstein: float
    plover_event: str | None
    plover_mode: str | None
    plover_context: str | None
    domain: str
    source: str


@functools.cache
def _codes() -> dict[str, CameoCode]:
    table = read_table("cameo.csv")
    out: dict[str, CameoCode] = {}
    for rec in table.to_dict("records"):
        row = {str(k): str(v) for k, v in rec.items()}
        out[row["code"]] = CameoCode(
            code=row["code"],
            label=row["label"],
            root=row["root"],
            level=int(row["level"]),
            quad=int(row["quad"]),
            penta=int(row["penta"]),
            goldstein=float(row["goldstein"]),
            plover_event=row["plover_event"] or None,
            plover_mode=row["plover_mode"] or None,
            plover_context=row["plover_context"] or None,
            domain=row["domain"],
            source=row["source"],
        )
    return out


def cameo_table() -> pd.DataFrame:
    """The whole CAMEO table, one row per code (312 rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``code, label, label_gdelt, root, level, quad, penta, goldstein,
        plover_event, plover_mode, plover_context, domain, goldstein_source, source``
        (``label_gdelt``: GDELT's label where it differs, else empty).  ``code``,
        ``root`` and the labels are text; ``level``, ``quad``, ``penta`` are int;
        ``goldstein`` is float; missing PLOVER values are None.  A fresh copy each call.
    """
    table = read_table("cameo.csv").copy()
    for col in ("level", "quad", "penta"):
        table[col] = table[col].astype("int64")
    table["goldstein"] = table["goldstein"].astype("float64")
    for col in ("plover_event", "plover_mode", "plover_context"):
        table[col] = table[col].astype(object).where(table[col] != "", None)
    return table


def _text(code: object, kind: str) -> str:
    if not isinstance(code, str):
        raise InputError(
            f"{kind} codes are text, got {type(code).__name__} {code!r}: write it as a "
            "string with its leading zero ('010', '0211')",
            field="code",
            value=code,
        )
    return code.strip()


def cameo(code: str) -> CameoCode:
    """Look up one CAMEO event code.

    Parameters
    ----------
    code : str
        A 2-, 3- or 4-digit CAMEO code as text (``"010"``, not ``10``).

    Raises
    ------
    UnknownCodeError
        If the code is not in the table; ``suggestions`` holds the nearest valid codes
        (same prefix first, then by similarity).
    InputError
        If ``code`` is not a string (an int would have lost its leading zero).
    """
    text = _text(code, "CAMEO")
    found = _codes().get(text)
    if found is None:
        raise UnknownCodeError("CAMEO", text, nearest(text, _codes()))
    return found


def is_cameo(code: object) -> bool:
    """Whether ``code`` (text) is a known CAMEO event code."""
    return isinstance(code, str) and code.strip() in _codes()


def goldstein_disagreements() -> pd.DataFrame:
    """The codes on which the published Goldstein tables disagree.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, gdelt, gdeltpyr, icews, py_gdelt, chosen, observed,
        observed_rows, source``: each table's weight (NaN where the table lacks the code),
        the weight bilat uses, and the value(s) seen in real GDELT rows with their count.
        py-gdelt's table disagrees with real rows almost everywhere; it is shown as
        evidence only and does not by itself make a code a disagreement.
    """
    table = read_table("goldstein_disagreements.csv").copy()
    for col in ("gdelt", "gdeltpyr", "icews", "py_gdelt", "chosen"):
        table[col] = pd.to_numeric(table[col].replace("", None), errors="coerce")
    table["observed_rows"] = table["observed_rows"].astype("int64")
    return table


def _root(root: str | int) -> int:
    if isinstance(root, bool):
        raise UnknownCodeError("CAMEO root", str(root), [f"{r:02d}" for r in range(1, 21)])
    if isinstance(root, int):
        value = root
        text = str(root)
    else:
        text = str(root).strip()
        if len(text) < 2 or not text[:2].isdigit():
            raise UnknownCodeError("CAMEO root", text, nearest(text, _roots()))
        value = int(text[:2])
    if value not in _QUAD:
        raise UnknownCodeError("CAMEO root", text, nearest(text, _roots()))
    return value


def _roots() -> list[str]:
    return [f"{r:02d}" for r in range(1, 21)]


def quad_of_root(root: str | int) -> int:
    """Quad class (1-4) of a CAMEO root (``"01"``-``"20"``, or any code: its first two digits).

    1 verbal cooperation (01-05), 2 material cooperation (06-09), 3 verbal conflict (10-14),
    4 material conflict (15-20).  An int root (1-20) is accepted too.
    """
    return _QUAD[_root(root)]


def penta_of_root(root: str | int) -> int:
    """Penta class (0-4) of a CAMEO root (or code).

    0 statements (01-02), 1 verbal cooperation (03-05), 2 material cooperation (06-09),
    3 verbal conflict (10-13, 16), 4 material conflict (14, 15, 17-20).
    """
    return _PENTA[_root(root)]


def plover_to_root(event: str) -> str:
    """The CAMEO root that best matches a PLOVER event category.

    Accepts the 2021 names (AGREE, CONSULT, ..., ASSAULT) and the 0.5b1 names of the
    PLOVER gold-standard file (DEMAND, DISAPPROVE, INVESTIGATE, FIGHT); case-insensitive.

    Raises
    ------
    UnknownCodeError
        For any other name, with the nearest valid names.
    """
    text = str(event).strip().upper()
    try:
        return _PLOVER_ROOT[text]
    except KeyError as err:
        raise UnknownCodeError("PLOVER event", str(event), nearest(text, _PLOVER_ROOT)) from err


def cameo_to_plover(code: str) -> tuple[str | None, str | None, str | None]:
    """PLOVER ``(event, mode, context)`` of a CAMEO code, from CAMEO2PLOVER-2021.txt.

    Values are None where the conversion table gives none (all of roots 01 and 02, which
    PLOVER does not code, and many modes/contexts).

    Raises
    ------
    UnknownCodeError
        If ``code`` is not a CAMEO code.
    """
    found = cameo(code)
    return found.plover_event, found.plover_mode, found.plover_context
