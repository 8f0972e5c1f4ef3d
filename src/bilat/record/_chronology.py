"""The record's dated events: read, derive the CAMEO-based fields, validate, load."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd

from bilat._paths import package_data
from bilat.errors import InputError, ValidationError
from bilat.events import EventStore, validate_frame, validate_record
from bilat.events.store import BatchResult

__all__ = ["EVENTS_FILE", "LINK_COLUMNS", "RECORD_DATASET", "events", "links", "load"]

#: The dataset name every record event carries.
RECORD_DATASET = "record"
#: The events file inside the package.
EVENTS_FILE = "events.csv"

#: Columns of ``events.csv``; everything else is derived from the CAMEO code.
FILE_COLUMNS = (
    "id",
    "date",
    "date_end",
    "date_precision",
    "actor_code",
    "actor_country",
    "actor_sector",
    "actor_text",
    "recipient_code",
    "recipient_country",
    "recipient_sector",
    "recipient_text",
    "cameo",
    "domain",
    "modality",
    "sentence",
    "citation",
)

#: Link columns of ``events.csv``: ids separated by ``;``. ``reacts_to`` names the
#: events an event answers (it may never be dated before them); ``distinct_from``
#: names near-identical events that are nonetheless separate acts.
LINK_COLUMNS = ("reacts_to", "distinct_from")


def read_events_file() -> pd.DataFrame:
    """Return ``events.csv`` as written: one row per event, every column as text.

    Missing values are empty strings. Use :func:`events` for the validated
    event frame.
    """
    path = package_data("record", "data", EVENTS_FILE)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in (*FILE_COLUMNS, *LINK_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{path} lacks the column(s) {', '.join(missing)}", field=missing[0], value=None
        )
    return frame


def _derive(row: dict[str, str], line: int) -> dict[str, Any]:
    from bilat.errors import UnknownCodeError
    from bilat.ontology import cameo

    try:
        code = cameo(row["cameo"])
    except UnknownCodeError as err:
        raise ValidationError(f"line {line}: {err}", field="cameo", value=row["cameo"]) from err
    record: dict[str, Any] = {k: (row[k] or None) for k in FILE_COLUMNS}
    record.update(
        root=code.root,
        quad=code.quad,
        penta=code.penta,
        goldstein=code.goldstein,
        event=code.plover_event,
        mode=code.plover_mode,
        context=code.plover_context,
        dataset=RECORD_DATASET,
        weight=1.0,
    )
    try:
        return validate_record(record)
    except ValidationError as err:
        raise ValidationError(
            f"{EVENTS_FILE} line {line} ({row['id']}): {err.reason}",
            field=err.field,
            value=err.value,
        ) from err


@functools.cache
def _records() -> tuple[dict[str, Any], ...]:
    frame = read_events_file()
    # line numbers count the header as line 1
    rows: list[dict[str, str]] = [
        {str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")
    ]
    return tuple(_derive(row, i + 2) for i, row in enumerate(rows))


def links(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The links between record events, one row per event.

    Parameters
    ----------
    frame:
        Rows in the layout of ``events.csv`` (text columns); default: the
        shipped file.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``reacts_to`` and ``distinct_from`` (lists of event ids).

    Raises
    ------
    ValidationError
        When a link names an event that is not in the record (file, line, field
        and value in the message).
    """
    if frame is None:
        frame = read_events_file()
    missing = [c for c in ("id", *LINK_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"the events lack the column(s) {', '.join(missing)}", field=missing[0], value=None
        )
    known = set(frame["id"])
    out: dict[str, list[Any]] = {"id": list(frame["id"])}
    for column in LINK_COLUMNS:
        values: list[list[str]] = []
        for line, (event, text) in enumerate(zip(frame["id"], frame[column], strict=True), 2):
            ids = [x.strip() for x in str(text).split(";") if x.strip()]
            for target in ids:
                if target not in known or target == event:
                    raise ValidationError(
                        f"{EVENTS_FILE} line {line} ({event}): {column} names "
                        f"{'itself' if target == event else 'an unknown event'}",
                        field=column,
                        value=target,
                    )
            values.append(ids)
        out[column] = values
    return pd.DataFrame(out)


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise InputError("is not a date in YYYY-MM-DD form", field=name, value=value) from err


def events(since: dt.date | str | None = None, until: dt.date | str | None = None) -> pd.DataFrame:
    """The built-in US-Pakistan record as a validated event frame.

    One row per event with every field of :data:`bilat.events.EVENT_FIELDS`:
    ``dataset`` is ``"record"``, ``modality`` is ``"asserted"`` (``"reported"``
    where the event rests on one party's later account), ``weight`` is 1, and
    ``root``, ``quad``, ``penta``, ``goldstein``, ``event``, ``mode`` and
    ``context`` come from the CAMEO code through :mod:`bilat.ontology`.

    Parameters
    ----------
    since, until:
        Keep events that end on or after ``since`` and start on or before
        ``until`` (ISO dates or :class:`datetime.date`).

    Returns
    -------
    pandas.DataFrame
        Sorted by date and id.
    """
    start, stop = _as_date(since, "since"), _as_date(until, "until")
    rows = [
        r
        for r in _records()
        if (start is None or (r["date_end"] or r["date"]) >= start)
        and (stop is None or r["date"] <= stop)
    ]
    return validate_frame(rows)


def load(store: EventStore) -> BatchResult:
    """Add the record's events to an event store, as dataset ``"record"``.

    Loading is idempotent: a second load of the same record adds nothing and
    comes back with ``already_ingested`` set.
    """
    return store.insert(
        [dict(r) for r in _records()], file=f"bilat.record:{EVENTS_FILE}", dataset=RECORD_DATASET
    )
