"""The article's claims about the US-Pakistan partnership, as testable hypotheses, by family.

:mod:`~bilat.claims.families.aid`, :mod:`~bilat.claims.families.security` and
:mod:`~bilat.claims.families.relationship` hold one family each.

Each class states one claim of ``seed/us-pakistan-partnership.txt`` in bilat's
words, cites the literature on its mechanism, computes one statistic with a
bootstrap interval on a :class:`~bilat.claims.ClaimData`, and turns it into a
verdict by a decision rule written in its docstring. The patron is
``data.patron`` (the US), the client ``data.client`` (Pakistan), so every claim
also runs on any other patron-client pair.

A caution that applies to all of them: on the built-in record, events are a
curated chronology, not a census, so an event share is the share *in the
record*; run the same claims on a store of GDELT or ICEWS events
(:meth:`~bilat.claims.ClaimData.from_store`) to test them on machine-coded data.
"""

from __future__ import annotations

from bilat.claims.families.aid import (
    AID_SOURCES,
    AidUnderMilitaryRule,
    ConditionalAidResisted,
    SurgesAndAbruptExits,
    aid_series,
    military_years,
)
from bilat.claims.families.relationship import NonSecurityShortLived, OtherPatrons, TrustDeficit
from bilat.claims.families.security import (
    AlliedAndSanctioned,
    CoercionIsRegular,
    SecurityDominates,
    SelectiveCooperation,
)

__all__ = [
    "AID_SOURCES",
    "AidUnderMilitaryRule",
    "AlliedAndSanctioned",
    "CoercionIsRegular",
    "ConditionalAidResisted",
    "NonSecurityShortLived",
    "OtherPatrons",
    "SecurityDominates",
    "SelectiveCooperation",
    "SurgesAndAbruptExits",
    "TrustDeficit",
    "aid_series",
    "military_years",
]
