"""Known-answer data: synthetic dyads whose phases, reciprocity and domain mix are planted.

Every measure in :mod:`bilat.measure` is tested for recovering this truth (as
ruptures' ``datasets.pw_constant`` returns a signal with its true break points).
"""

from __future__ import annotations

from bilat.datasets.synthetic import (
    CODE_POOLS,
    COERCIVE_CODES,
    DEFAULT_DOMAIN_MIX,
    DEFAULT_PROFILES,
    PHASE_LABELS,
    PhaseProfile,
    SyntheticDyad,
    SyntheticTruth,
    synthetic_dyad,
)

__all__ = [
    "CODE_POOLS",
    "COERCIVE_CODES",
    "DEFAULT_DOMAIN_MIX",
    "DEFAULT_PROFILES",
    "PHASE_LABELS",
    "PhaseProfile",
    "SyntheticDyad",
    "SyntheticTruth",
    "synthetic_dyad",
]
