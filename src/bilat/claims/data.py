"""Build :class:`~bilat.claims.ClaimData` from the built-in record or from any event store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from bilat._paths import package_data
from bilat.claims.base import ClaimData
from bilat.errors import DataMissingError, InputError
from bilat.events.store import EventStore, parse_dyad

__all__ = ["complete_classes", "from_record", "from_store", "state_events"]


def state_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events whose actor and recipient are both outside the armed non-state sectors.

    Sub-state events (:data:`bilat.ontology.SUBSTATE_SECTORS`) stay in the
    record; claims see them only when asked (``include_substate=True``).
    Events without sector columns are kept as they are.
    """
    from bilat.ontology import SUBSTATE_SECTORS

    if events.empty:
        return events
    keep = pd.Series(True, index=events.index)
    for column in ("actor_sector", "recipient_sector"):
        if column in events.columns:
            keep &= ~events[column].isin(list(SUBSTATE_SECTORS))
    return events[keep].copy()


def complete_classes(events: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ``root``, ``quad``, ``penta`` and ``goldstein`` from the CAMEO ontology."""
    out = events.copy()
    if out.empty:
        return out
    out["cameo"] = out["cameo"].astype(str)
    if "root" not in out.columns or out["root"].isna().any():
        out["root"] = out["cameo"].str[:2]
    need = [c for c in ("quad", "penta", "goldstein") if c not in out or out[c].isna().any()]
    if need:
        from bilat.ontology import cameo_table

        table = cameo_table().set_index("code")
        for column in need:
            mapped = out["cameo"].map(table[column])
            out[column] = out[column].fillna(mapped) if column in out else mapped
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return out


def _record_module() -> Any:
    try:
        from bilat import record
    except ImportError:
        return None
    return record


def _series_from_files() -> dict[str, pd.DataFrame]:
    folder = package_data("record", "data", "series")
    if not folder.is_dir():
        return {}
    return {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))}


def from_record(
    patron: str = "USA", client: str = "PAK", *, include_substate: bool = False
) -> ClaimData:
    """The built-in US-Pakistan record as claim data.

    Uses :mod:`bilat.record` (events, annual series, the claim map) where it
    offers them and otherwise reads the record's data files directly. By
    default events with an armed non-state actor or recipient are left out
    (:func:`state_events`); ``include_substate=True`` keeps them.

    Raises
    ------
    DataMissingError
        When the record's events are not installed.
    """
    record = _record_module()
    events: pd.DataFrame | None = None
    series: dict[str, pd.DataFrame] = {}
    items: dict[str, list[str]] = {}
    if record is not None and hasattr(record, "events"):
        events = record.events()
    if record is not None and hasattr(record, "series"):
        names: Sequence[str] = ()
        if hasattr(record, "series_names"):
            names = list(record.series_names())
        else:
            names = list(_series_from_files())
        for name in names:
            try:
                series[name] = record.series(name)
            except (InputError, DataMissingError, KeyError):
                continue
    if not series:
        series = _series_from_files()
    if events is None:
        path = package_data("record", "data", "events.csv")
        if not path.is_file():
            raise DataMissingError(f"the built-in record's events are missing ({path})")
        events = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    if record is not None and hasattr(record, "claims"):
        items = _claim_items(record.claims())
    kept = events if include_substate else state_events(events)
    scope = "state and sub-state" if include_substate else "state-state"
    return ClaimData(
        patron=patron,
        client=client,
        events=complete_classes(kept),
        series=series,
        items=items,
        label=f"built-in US-Pakistan record ({scope} events)",
        include_substate=include_substate,
    )


def _claim_items(table: Any) -> dict[str, list[str]]:
    """The record's claim map as ``{claim_id: [item ids]}``, whatever its layout."""
    out: dict[str, list[str]] = {}
    if isinstance(table, pd.DataFrame) and "claim_id" in table.columns:
        item_cols = [c for c in table.columns if "item" in c or "event" in c or "series" in c]
        for row in table.to_dict("records"):
            ids: list[str] = []
            for column in item_cols:
                value = row.get(column)
                if isinstance(value, str) and value:
                    ids += [v.strip() for v in value.replace(";", " ").split() if v.strip()]
                elif isinstance(value, list | tuple):
                    ids += [str(v) for v in value]
            out.setdefault(str(row["claim_id"]), []).extend(ids)
    elif isinstance(table, Mapping):
        for key, value in table.items():
            out[str(key)] = [str(v) for v in value] if isinstance(value, list | tuple) else []
    return out


def from_store(
    store: EventStore,
    dyad: str = "USA:PAK",
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    series: Mapping[str, pd.DataFrame] | None = None,
    datasets: Sequence[str] = (),
    include_substate: bool = False,
) -> ClaimData:
    """Claim data from the events of a dyad in any store (GDELT, ICEWS, coded text, ...).

    ``dyad`` is ``"PATRON:CLIENT"``; annual series may be passed in. Events with
    an armed non-state actor or recipient are left out unless
    ``include_substate`` is set.
    """
    pair = parse_dyad(dyad)
    events = store.query(pair, since=since, until=until, datasets=datasets)
    kept = events if include_substate else state_events(events)
    scope = "state and sub-state" if include_substate else "state-state"
    return ClaimData(
        patron=pair.actor,
        client=pair.recipient,
        events=complete_classes(kept),
        series=dict(series or {}),
        label=f"store {store.path} ({scope} events)",
        include_substate=include_substate,
    )
