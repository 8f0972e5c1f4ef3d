"""Helpers the claim families share: event classes, per-year counts and flags, verdict bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bilat.claims.base import (
    INSUFFICIENT,
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    ClaimData,
)

COOPERATIVE = (1, 2)
CONFLICTUAL = (3, 4)


def _penta(events: pd.DataFrame) -> pd.Series:
    """Penta class of each event (from the column, else from the CAMEO root)."""
    if "penta" in events.columns and not events["penta"].isna().any():
        return events["penta"].astype(int)
    roots = events["cameo"].astype(str).str[:2].astype(int)
    return roots.map(
        lambda r: 0 if r <= 2 else 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 13 or r == 16 else 4
    )


def _ids(events: pd.DataFrame) -> list[str]:
    return [str(i) for i in events["id"]]


def _per_year(events: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """Per-year totals: ``hits`` (events where ``mask``) and ``all``."""
    frame = pd.DataFrame({"year": events["year"].to_numpy(), "hit": mask.to_numpy(dtype=float)})
    return frame.groupby("year").agg(hits=("hit", "sum"), all=("hit", "size"))


def _share_verdict(value: float, low: float, threshold: float) -> str:
    if not np.isfinite(value):
        return INSUFFICIENT
    if value <= threshold:
        return NOT_SUPPORTED
    return SUPPORTED if low > threshold else MIXED


def _numeric(frame: pd.DataFrame, *keywords: str) -> pd.Series | None:
    """The first numeric column whose name contains every keyword, indexed by year."""
    for column in frame.columns:
        low = str(column).lower()
        if column == "year" or not all(k in low for k in keywords):
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().any():
            return pd.Series(values.to_numpy(dtype=float), index=frame["year"].astype(int))
    return None


#: Aid series of the built-in record, best first: (series, value columns summed).
def _year_flags(data: ClaimData, keyword: str, *columns: str) -> tuple[str, pd.Series] | None:
    """A yes/no flag per year from a series (any positive or true value in given columns)."""
    found = data.find_series(keyword)
    if found is None or "year" not in found[1].columns:
        return None
    name, frame = found
    chosen = [
        c
        for c in frame.columns
        if c not in ("year", "source", "estimate", "citation", "note", "notes")
        and (not columns or any(k in str(c).lower() for k in columns))
    ]
    flags = pd.Series(False, index=frame["year"].astype(int))
    for column in chosen:
        raw = frame[column]
        numbers = pd.to_numeric(raw, errors="coerce")
        if numbers.notna().any():
            flags |= (numbers.fillna(0) > 0).to_numpy()
        else:
            text = raw.astype(str).str.lower()
            flags |= text.isin(["true", "yes", "y"]).to_numpy()
    return name, flags.groupby(level=0).any()


def _event_text(events: pd.DataFrame) -> pd.Series:
    parts = [c for c in ("sentence", "actor_text", "recipient_text", "citation") if c in events]
    if not parts or events.empty:
        return pd.Series([""] * len(events), index=events.index, dtype=str)
    text = events[parts[0]].fillna("").astype(str)
    for column in parts[1:]:
        text = text + " " + events[column].fillna("").astype(str)
    return text
