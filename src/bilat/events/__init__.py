"""The event record: its schema, validation and the DuckDB event store."""

from bilat.events._spool import SpoolDir
from bilat.events.schema import (
    DATE_PRECISIONS,
    DOMAINS,
    EVENT_FIELDS,
    MODALITIES,
    Field,
    arrow_schema,
    content_id,
    empty_frame,
    validate_frame,
    validate_record,
)
from bilat.events.store import (
    BatchResult,
    BatchWriter,
    Dyad,
    EventStore,
    QuarantinedRow,
    parse_dyad,
)

__all__ = [
    "DATE_PRECISIONS",
    "DOMAINS",
    "EVENT_FIELDS",
    "MODALITIES",
    "BatchResult",
    "BatchWriter",
    "Dyad",
    "EventStore",
    "Field",
    "QuarantinedRow",
    "SpoolDir",
    "arrow_schema",
    "content_id",
    "empty_frame",
    "parse_dyad",
    "validate_frame",
    "validate_record",
]
