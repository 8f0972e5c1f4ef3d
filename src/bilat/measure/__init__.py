"""Measure a relationship from events: series, phases, breadth, reciprocity, latent score.

Every measure works for any directed dyad, at year, quarter or month
frequency, on any events: a store (:class:`~bilat.events.EventStore`), a DuckDB
connection with an ``events`` table, or a frame of events. See
``docs/measure.md``.
"""

from __future__ import annotations

from bilat.measure.breadth import breadth, pooled_breadth
from bilat.measure.dyad import DyadMeasures, measure_dyad
from bilat.measure.latent import LatentResult, LatentScore, net_cooperation_index
from bilat.measure.phases import (
    FEATURES,
    PHASE_NAMES,
    ChangePointPhases,
    HMMPhases,
    PhaseResult,
    label_phase,
    phase_features,
)
from bilat.measure.reciprocity import Reciprocity, ReciprocityResult
from bilat.measure.series import (
    COERCION_PREFIXES,
    COUNT_COLUMNS,
    FREQUENCIES,
    dyad_series,
    event_connection,
    period_range,
    scope_label,
    split_directions,
    substate_clause,
)

__all__ = [
    "COERCION_PREFIXES",
    "COUNT_COLUMNS",
    "FEATURES",
    "FREQUENCIES",
    "PHASE_NAMES",
    "ChangePointPhases",
    "DyadMeasures",
    "HMMPhases",
    "LatentResult",
    "LatentScore",
    "PhaseResult",
    "Reciprocity",
    "ReciprocityResult",
    "breadth",
    "dyad_series",
    "event_connection",
    "label_phase",
    "measure_dyad",
    "net_cooperation_index",
    "period_range",
    "phase_features",
    "pooled_breadth",
    "scope_label",
    "split_directions",
    "substate_clause",
]
