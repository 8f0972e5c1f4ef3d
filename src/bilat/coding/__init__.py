"""Code text into events: sentences, actors, actions, targets, dates, modality.

``Coder`` turns English text into events in bilat's event schema (dataset
``coded``) with spaCy's dependency parse and dictionaries in PETRARCH format
(bilat's own, or any PETRARCH user's via ``Coder(dicts=folder)``);
``evaluate`` scores a coder against gold records with UD-PETRARCH's metric.
spaCy is an optional extra (``pip install 'bilat[nlp]'``).
"""

from __future__ import annotations

from bilat.coding.coder import CodedEvent, Coder, bilat_dictionaries, load_nlp
from bilat.coding.dictionaries import Dictionaries, load_dictionaries
from bilat.coding.evaluate import EvalResult, GoldRecord, evaluate, read_gold, score
from bilat.coding.modality import FACTS
from bilat.coding.records import to_records

__all__ = [
    "FACTS",
    "CodedEvent",
    "Coder",
    "Dictionaries",
    "EvalResult",
    "GoldRecord",
    "bilat_dictionaries",
    "evaluate",
    "load_dictionaries",
    "load_nlp",
    "read_gold",
    "score",
    "to_records",
]
