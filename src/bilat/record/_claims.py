"""The seed article's claims mapped to the record events and series that test them."""

from __future__ import annotations

import pandas as pd

from bilat._paths import package_data

__all__ = ["claims"]


def claims() -> pd.DataFrame:
    """The article's claims, each with the record events and series that test it.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id`` (stable, e.g. ``"aid_military_rule"``), ``claim``
        (bilat's paraphrase), ``event_ids`` and ``series`` (lists of str;
        series as ``"name:column"``), ``test`` (how the claim can be checked)
        and ``source``.
    """
    path = package_data("record", "data", "claims.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("event_ids", "series"):
        frame[column] = [[x for x in v.split(";") if x] for v in frame[column]]
    return frame
