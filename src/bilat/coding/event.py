"""A coded event: what the coder finds in a sentence, before it becomes an event record.

Its own module so that :mod:`bilat.coding.coder` (which makes them) and
:mod:`bilat.coding.records` (which turns them into records) both import it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bilat.coding.dates import DateRef
from bilat.coding.leaders import Leader

__all__ = ["CodedEvent"]


@dataclass
class CodedEvent:
    """One coded event before it becomes an event record.

    ``source`` and ``target`` are actor codes as the dictionaries give them
    (``USAGOV``); ``code`` is the event code; ``span`` the character span of
    the sentence in the document.
    """

    source: str
    target: str
    code: str
    modality: str
    sentence: str
    span: tuple[int, int]
    source_text: str = ""
    target_text: str = ""
    date: DateRef | None = None
    verb: str = ""
    pattern: str = ""
    leaders: tuple[Leader, ...] = field(default_factory=tuple)
    coder: str = "dictionary"
    confidence: float | None = None

    @property
    def triple(self) -> tuple[str, str, str]:
        """``(source, target, code)``, the unit of evaluation."""
        return (self.source, self.target, self.code)
