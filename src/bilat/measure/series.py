"""Directed dyad series: event counts by class and domain, Goldstein sums, coercion.

Everything is computed inside DuckDB with one ``GROUP BY`` over the store's
``events`` table (the store's own :meth:`~bilat.events.EventStore.where` builds
the filter), so a year series of one dyad in a store of tens of millions of
events takes a fraction of a second. A pandas frame of events is registered in
an in-memory DuckDB and measured the same way.

Definitions (one row per period and direction)
----------------------------------------------
``events``
    Number of events (sum of ``weight`` when ``weighted``).
``quad_1`` .. ``quad_4``
    Counts by quad class: verbal cooperation (roots 01-05), material
    cooperation (06-09), verbal conflict (10-14), material conflict (15-20).
``penta_0`` .. ``penta_4``
    Counts by penta class: statements (01-02), verbal cooperation (03-05),
    material cooperation (06-09), verbal conflict (10-13, 16), material
    conflict (14, 15, 17-20).
``cooperation``, ``conflict``, ``coop_share``, ``conflict_share``
    Penta classes 1-2 and 3-4 (plain statements and appeals count as
    neither), and their shares of ``events``.
``goldstein_sum``, ``goldstein_pos``, ``goldstein_neg``, ``goldstein_mean``
    Sum of Goldstein weights (-10 .. 10), its positive and negative parts
    kept apart (``goldstein_neg`` <= 0), and the mean per event.
``domain_<d>``, ``domain_<d>_share``
    Counts and shares of events by domain (security, economic, diplomatic,
    governance, humanitarian).
``coop_<d>``
    Cooperative events (penta 1-2) by domain (the input of breadth).
``coercion``, ``coercion_share``
    Coercive events: CAMEO codes starting with one of
    :data:`COERCION_PREFIXES` (13 threaten, 162 reduce or stop aid, 163 impose
    embargo, boycott or sanctions, 17 coerce).

Sub-state events
----------------
By default a dyad's series counts only events between its states: an event whose
actor or recipient has an armed non-state sector
(:data:`bilat.ontology.SUBSTATE_SECTORS`: insurgents, rebels, separatists,
militias, transnational militant groups) is left out, even when the group is
coded with one of the dyad's countries. ``include_substate=True`` counts them.
Events without a sector are kept. The series' ``attrs`` record the choice.

Periods with no events are rows of zeros (shares 0, ``goldstein_mean`` 0), not
gaps. An event is dated by its ``date`` (the first day of a period event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from bilat.errors import InputError
from bilat.events.schema import DOMAINS, EVENT_FIELDS, arrow_schema
from bilat.events.store import Dyad, EventStore, parse_dyad

__all__ = [
    "COERCION_PREFIXES",
    "COUNT_COLUMNS",
    "FREQUENCIES",
    "EventSource",
    "Freq",
    "dyad_series",
    "event_connection",
    "period_range",
    "scope_label",
    "split_directions",
    "substate_clause",
]

Freq = Literal["year", "quarter", "month"]
FREQUENCIES: tuple[str, ...] = ("year", "quarter", "month")

#: CAMEO prefixes of coercive events: threats (13), aid cuts (162), sanctions,
#: embargoes and boycotts (163) and coercion (17: seizure, administrative
#: sanctions, arrests, expulsions, repression).
COERCION_PREFIXES: tuple[str, ...] = ("13", "162", "163", "17")

#: Count columns of a series (each adds up as documented in the module).
COUNT_COLUMNS: tuple[str, ...] = (
    "events",
    *(f"quad_{q}" for q in range(1, 5)),
    *(f"penta_{p}" for p in range(5)),
    "cooperation",
    "conflict",
    *(f"domain_{d}" for d in DOMAINS),
    *(f"coop_{d}" for d in DOMAINS),
    "coercion",
)

EventSource = EventStore | pd.DataFrame | duckdb.DuckDBPyConnection


def event_connection(source: EventSource) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose ``events`` table (or view) holds the events of ``source``.

    A frame of events is registered, without copying, in a new in-memory
    database; a store gives its own connection.
    """
    if isinstance(source, EventStore):
        return source.con
    if isinstance(source, duckdb.DuckDBPyConnection):
        return source
    if isinstance(source, pd.DataFrame):
        missing = [
            c
            for c in ("date", "actor_country", "recipient_country", "cameo", "quad", "penta")
            if c not in source.columns
        ]
        if missing:
            raise InputError(
                f"the events lack the column(s) {', '.join(missing)}; "
                "give a frame with bilat's event fields",
                field=missing[0],
            )
        con = duckdb.connect(":memory:")
        con.register("events", _as_arrow(source))
        return con
    raise InputError(
        f"cannot measure events from a {type(source).__name__}; give an EventStore, "
        "a DuckDB connection or a frame of events",
        field="source",
        value=type(source).__name__,
    )


def _as_arrow(frame: pd.DataFrame) -> pa.Table:
    schema = arrow_schema()
    data = frame.copy()
    for f in EVENT_FIELDS:
        if f.name not in data.columns:
            data[f.name] = None if f.name not in ("weight", "goldstein") else 1.0
    if "goldstein" not in frame.columns:
        data["goldstein"] = 0.0
    data["date"] = pd.to_datetime(data["date"]).dt.date
    table = pa.Table.from_pandas(data[[f.name for f in EVENT_FIELDS]], preserve_index=False)
    return table.cast(schema)


def _check_freq(freq: str) -> None:
    if freq not in FREQUENCIES:
        raise InputError(
            f"unknown frequency {freq!r}; choose year, quarter or month", field="freq", value=freq
        )


def _truncate(day: dt.date, freq: str) -> dt.date:
    if freq == "year":
        return dt.date(day.year, 1, 1)
    if freq == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def period_range(first: dt.date, last: dt.date, freq: str) -> list[dt.date]:
    """The first days of every period from the one holding ``first`` to the one holding ``last``."""
    _check_freq(freq)
    step = {"year": 12, "quarter": 3, "month": 1}[freq]
    out = []
    cur = _truncate(first, freq)
    end = _truncate(last, freq)
    while cur <= end:
        out.append(cur)
        total = cur.year * 12 + cur.month - 1 + step
        cur = dt.date(total // 12, total % 12 + 1, 1)
    return out


def _label(day: dt.date, freq: str) -> str:
    if freq == "year":
        return str(day.year)
    if freq == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    if len(value) == 4 and value.isdigit():
        return dt.date(int(value), 1, 1) if name == "since" else dt.date(int(value), 12, 31)
    raise InputError("is not a date (YYYY-MM-DD) or a year (YYYY)", field=name, value=value)


def substate_clause(include_substate: bool) -> str:
    """The SQL condition that keeps state-state events (``TRUE`` when sub-state ones are wanted).

    An event is sub-state when its actor or recipient sector is one of
    :data:`bilat.ontology.SUBSTATE_SECTORS`; events without a sector are kept.
    """
    if include_substate:
        return "TRUE"
    from bilat.ontology import SUBSTATE_SECTORS

    listed = ", ".join(f"'{code}'" for code in SUBSTATE_SECTORS)
    return (
        f"(coalesce(actor_sector, '') NOT IN ({listed}) "
        f"AND coalesce(recipient_sector, '') NOT IN ({listed}))"
    )


def scope_label(include_substate: bool) -> str:
    """How outputs name the event scope: ``"state-state"`` or ``"state and sub-state"``."""
    return "state and sub-state" if include_substate else "state-state"


def _aggregate_sql(where: str, weighted: bool, freq: str = "year") -> str:
    w = "coalesce(weight, 1.0)" if weighted else "1"
    parts = [f"sum({w}) AS events"]
    parts += [f"sum(CASE WHEN quad = {q} THEN {w} ELSE 0 END) AS quad_{q}" for q in range(1, 5)]
    parts += [f"sum(CASE WHEN penta = {p} THEN {w} ELSE 0 END) AS penta_{p}" for p in range(5)]
    parts.append(f"sum(CASE WHEN penta IN (1, 2) THEN {w} ELSE 0 END) AS cooperation")
    parts.append(f"sum(CASE WHEN penta IN (3, 4) THEN {w} ELSE 0 END) AS conflict")
    parts += [f"sum(CASE WHEN domain = '{d}' THEN {w} ELSE 0 END) AS domain_{d}" for d in DOMAINS]
    parts += [
        f"sum(CASE WHEN domain = '{d}' AND penta IN (1, 2) THEN {w} ELSE 0 END) AS coop_{d}"
        for d in DOMAINS
    ]
    coercive = " OR ".join(f"starts_with(cameo, '{p}')" for p in COERCION_PREFIXES)
    parts.append(f"sum(CASE WHEN {coercive} THEN {w} ELSE 0 END) AS coercion")
    parts.append(f"sum(goldstein * {w}) AS goldstein_sum")
    parts.append(f"sum(CASE WHEN goldstein > 0 THEN goldstein * {w} ELSE 0 END) AS goldstein_pos")
    parts.append(f"sum(CASE WHEN goldstein < 0 THEN goldstein * {w} ELSE 0 END) AS goldstein_neg")
    body = ",\n       ".join(parts)
    return (
        # freq is checked against FREQUENCIES, so inlining it is safe (and lets DuckDB fold it)
        f"SELECT CAST(date_trunc('{freq}', date) AS DATE) AS period, actor_country AS actor,\n"
        f"       {body}\n"
        f"FROM events WHERE {where} GROUP BY 1, 2"
    )


def dyad_series(
    source: EventSource,
    dyad: str | Dyad,
    *,
    freq: Freq | str = "year",
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    weighted: bool = False,
    datasets: Sequence[str] = (),
    modalities: Sequence[str] = (),
    include_substate: bool = False,
) -> pd.DataFrame:
    """Series of a dyad per period and direction, computed inside DuckDB.

    Parameters
    ----------
    source:
        An :class:`~bilat.events.EventStore`, a DuckDB connection with an
        ``events`` table, or a frame of events.
    dyad:
        ``"USA:PAK"``; both directions are measured (``USA->PAK`` first).
    freq:
        ``"year"``, ``"quarter"`` or ``"month"``.
    since, until:
        Dates (or years) bounding the series; default: the first and last
        event of the dyad.
    weighted:
        Weight each event by its ``weight`` (mentions) instead of counting it
        once.
    datasets, modalities:
        Keep only these datasets / modalities (default: all).
    include_substate:
        Also count events whose actor or recipient is an armed non-state group
        (see the module docstring); by default only state-state events count.

    Returns
    -------
    pandas.DataFrame
        One row per period and direction, ordered by period then direction:
        ``period`` (first day), ``label`` ("2001", "2001Q3", "2001-07"),
        ``direction`` ("USA->PAK"), ``actor``, ``recipient`` and the columns of
        the module docstring. Counts are integers (floats when ``weighted``).
        Empty when the dyad has no events and no bounds were given.
        ``attrs["include_substate"]`` and ``attrs["scope"]`` say which events
        were counted; ``attrs["substate_left_out"]`` how many were not.
    """
    _check_freq(freq)
    pair = parse_dyad(dyad) if isinstance(dyad, str) else dyad
    lo = _as_date(since, "since")
    hi = _as_date(until, "until")
    if lo is not None and hi is not None and hi < lo:
        raise InputError(f"until ({hi}) is before since ({lo})", field="until", value=str(hi))
    con = event_connection(source)
    where, params = EventStore.where(
        Dyad(pair.actor, pair.recipient),
        since=lo,
        until=hi,
        datasets=datasets,
        modalities=modalities,
    )
    sql = _aggregate_sql(f"{where} AND {substate_clause(include_substate)}", weighted, str(freq))
    raw = con.execute(sql, params).fetchdf()
    left_out = 0
    if not include_substate:
        row = con.execute(
            f"SELECT count(*) FROM events WHERE {where} AND NOT {substate_clause(False)}", params
        ).fetchone()
        left_out = int(row[0]) if row else 0
    out = _complete(raw, pair, str(freq), lo, hi, weighted)
    out.attrs.update(
        {
            "include_substate": include_substate,
            "scope": scope_label(include_substate),
            "substate_left_out": left_out,
        }
    )
    return out


def _complete(
    raw: pd.DataFrame,
    pair: Dyad,
    freq: str,
    lo: dt.date | None,
    hi: dt.date | None,
    weighted: bool,
) -> pd.DataFrame:
    """Put the aggregates on the full grid of periods x directions, zeros where empty."""
    directions = [(pair.actor, pair.recipient), (pair.recipient, pair.actor)]
    if not raw.empty:
        raw["period"] = pd.to_datetime(raw["period"]).dt.date
    first = lo if lo is not None else (min(raw["period"]) if not raw.empty else None)
    last = hi if hi is not None else (max(raw["period"]) if not raw.empty else None)
    if first is None and last is not None:
        first = last
    if last is None and first is not None:
        last = max(first, dt.date.today())
    periods = [] if first is None or last is None else period_range(first, last, freq)
    value_columns = [*COUNT_COLUMNS, "goldstein_sum", "goldstein_pos", "goldstein_neg"]
    slot = {(p, a): 2 * i + k for i, p in enumerate(periods) for k, (a, _) in enumerate(directions)}
    values = np.zeros((2 * len(periods), len(value_columns)))
    if not raw.empty:
        rows = [slot.get((p, a), -1) for p, a in zip(raw["period"], raw["actor"], strict=True)]
        keep = np.array(rows) >= 0
        values[np.array(rows)[keep]] = raw[value_columns].to_numpy(dtype=float)[keep]
    data: dict[str, Any] = {
        "period": [p for p in periods for _ in directions],
        "label": [_label(p, freq) for p in periods for _ in directions],
        "direction": [f"{a}->{r}" for _ in periods for a, r in directions],
        "actor": [a for _ in periods for a, _ in directions],
        "recipient": [r for _ in periods for _, r in directions],
    }
    for j, column in enumerate(value_columns):
        column_values = values[:, j]
        if column in COUNT_COLUMNS and not weighted:
            data[column] = np.rint(column_values).astype("int64")
        else:
            data[column] = column_values
    events = values[:, 0]
    safe = np.where(events > 0, events, 1.0)

    def share(column: str) -> np.ndarray:
        return np.where(events > 0, values[:, value_columns.index(column)] / safe, 0.0)

    data["coop_share"] = share("cooperation")
    data["conflict_share"] = share("conflict")
    data["coercion_share"] = share("coercion")
    data["goldstein_mean"] = share("goldstein_sum")
    for d in DOMAINS:
        data[f"domain_{d}_share"] = share(f"domain_{d}")
    out = pd.DataFrame(data)
    out.attrs.update({"dyad": f"{pair.actor}:{pair.recipient}", "freq": freq, "weighted": weighted})
    return out


def split_directions(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The series of each direction, indexed by period, in the order they appear."""
    out: dict[str, pd.DataFrame] = {}
    for direction in pd.unique(series["direction"]):
        part = series[series["direction"] == direction].set_index("period")
        out[str(direction)] = part
    return out


def _freq_of(series: pd.DataFrame) -> str:
    freq: Any = series.attrs.get("freq", "year")
    return str(freq)
