"""Turn coded events into bilat event records (dataset ``coded``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bilat.coding.event import CodedEvent
from bilat.events import content_id, validate_record

__all__ = ["split_actor", "to_records"]

DATASET = "coded"
MODEL_DATASET = "coded-model"  # events the event-type model proposed (coder="model")


@lru_cache(maxsize=4096)
def split_actor(code: str) -> tuple[str | None, str | None]:
    """Split an actor code into (ISO3 country, sector): ``PAKMIL`` -> (PAK, MIL).

    Codes that do not start with a country (``IGOUNO``, ``IMGMOSALQ``) give
    (None, the whole code).
    """
    from bilat.ontology import to_iso3

    head = code[:3]
    iso = to_iso3(head) if head.isalpha() else None
    if iso is None:
        return None, code or None
    return iso, code[3:] or None


def _date_of(event: CodedEvent, doc_date: dt.date | None) -> tuple[dt.date, dt.date | None, str]:
    ref = event.date
    if ref is not None:
        return ref.start, ref.end, ref.precision
    # undated sentence: a leader's term of office bounds the event when it ended before the document
    for leader in event.leaders:
        if doc_date is None or (leader.end is not None and leader.end < doc_date):
            return leader.start, leader.end, "range"
    if doc_date is not None:
        return doc_date, None, "day"
    raise ValueError("no date")


def to_records(
    events: Iterable[CodedEvent], doc_date: dt.date | None, doc_id: str
) -> list[dict[str, Any]]:
    """Validated event records for ``events``; non-CAMEO codes and undated events are left out.

    An event is undated when neither its sentence, its paragraph, a leader's
    term nor the document date gives a date.
    """
    from bilat.ontology import cameo, is_cameo

    out: list[dict[str, Any]] = []
    for event in events:
        if not is_cameo(event.code):
            continue
        try:
            start, end, precision = _date_of(event, doc_date)
        except ValueError:
            continue
        info = cameo(event.code)
        a_country, a_sector = split_actor(event.source)
        r_country, r_sector = split_actor(event.target)
        record: dict[str, Any] = {
            "date": start,
            "date_end": end,
            "date_precision": precision,
            "actor_code": event.source,
            "actor_country": a_country,
            "actor_sector": a_sector,
            "actor_text": event.source_text,
            "recipient_code": event.target,
            "recipient_country": r_country,
            "recipient_sector": r_sector,
            "recipient_text": event.target_text,
            "cameo": info.code,
            "root": info.root,
            "event": info.plover_event,
            "mode": info.plover_mode,
            "context": info.plover_context,
            "quad": info.quad,
            "penta": info.penta,
            "goldstein": info.goldstein,
            "domain": info.domain,
            "modality": event.modality,
            "dataset": MODEL_DATASET if event.coder == "model" else DATASET,
            "doc_id": doc_id,
            "sentence": event.sentence.strip(),
            "span": f"{event.span[0]}:{event.span[1]}",
            "weight": 1.0,
        }
        record["id"] = content_id(record, record["dataset"])
        out.append(validate_record(record))
    return out
