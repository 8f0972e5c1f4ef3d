"""Read the ontology's CSV files once (shared helpers of the ontology modules)."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from bilat._paths import package_data
from bilat.errors import DataMissingError

__all__ = ["nearest", "norm_name", "read_table"]


@functools.cache
def read_table(name: str) -> pd.DataFrame:
    """Read ``src/bilat/ontology/data/<name>`` with every column as text (cached).

    Empty cells stay empty strings, so codes such as ``"010"`` keep their leading zeros
    and nothing turns into NaN by accident.  Callers must not mutate the result.
    """
    path = package_data("ontology", "data", name)
    if not path.is_file():
        raise DataMissingError(f"the ontology table {path} is missing; reinstall bilat")
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def norm_name(value: str) -> str:
    """Normalise a name for lookup: accents stripped, lower case, single spaces."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\s+", " ", text.strip().lower().replace("_", " "))
    return text.strip(" .,;")


def nearest(value: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """The valid choices nearest to ``value``: same prefix first, then by similarity."""
    pool = list(dict.fromkeys(choices))
    out: list[str] = []
    for cut in range(len(value), 0, -1):
        prefix = value[:cut]
        same = sorted((c for c in pool if c.startswith(prefix)), key=lambda c: (len(c), c))
        if same:
            out.extend(same)
            break
    for match in difflib.get_close_matches(value, pool, n=n, cutoff=0.5):
        if match not in out:
            out.append(match)
    if not out:  # nothing close: the least distant choices rather than none
        out = difflib.get_close_matches(value, pool, n=n, cutoff=0.0)
    return out[:n]
