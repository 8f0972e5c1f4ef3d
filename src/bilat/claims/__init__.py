"""The article's claims as testable hypotheses, each with a statistic, an interval and a verdict.

>>> from bilat.claims import VERDICTS, from_record, run_claims
>>> results = run_claims(from_record(), n_boot=200)
>>> {r.verdict for r in results} <= set(VERDICTS)
True

Every claim is a small declarative class (:class:`Claim`) with metadata, a
docstring citing the literature and its decision rule, and one
:meth:`~Claim.evaluate`; :data:`CLAIMS` lists them in the order of the article.
"""

from __future__ import annotations

from bilat.claims.base import (
    INSUFFICIENT,
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    VERDICTS,
    Claim,
    ClaimData,
    ClaimResult,
    Evidence,
    cluster_bootstrap,
    ratio_bootstrap,
)
from bilat.claims.data import complete_classes, from_record, from_store, state_events
from bilat.claims.families import (
    AidUnderMilitaryRule,
    AlliedAndSanctioned,
    CoercionIsRegular,
    ConditionalAidResisted,
    NonSecurityShortLived,
    OtherPatrons,
    SecurityDominates,
    SelectiveCooperation,
    SurgesAndAbruptExits,
    TrustDeficit,
)
from bilat.errors import InputError

__all__ = [
    "CASES",
    "CLAIMS",
    "INSUFFICIENT",
    "MIXED",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "VERDICTS",
    "AidUnderMilitaryRule",
    "AlliedAndSanctioned",
    "Claim",
    "ClaimData",
    "ClaimResult",
    "CoercionIsRegular",
    "ConditionalAidResisted",
    "Evidence",
    "NonSecurityShortLived",
    "OtherPatrons",
    "SecurityDominates",
    "SelectiveCooperation",
    "SurgesAndAbruptExits",
    "TrustDeficit",
    "claim_class",
    "cluster_bootstrap",
    "complete_classes",
    "from_record",
    "from_store",
    "ratio_bootstrap",
    "run_case",
    "run_claims",
    "state_events",
]

#: Every claim, in the order the article makes them.
CLAIMS: tuple[type[Claim], ...] = (
    SurgesAndAbruptExits,
    SecurityDominates,
    SelectiveCooperation,
    AlliedAndSanctioned,
    AidUnderMilitaryRule,
    CoercionIsRegular,
    ConditionalAidResisted,
    OtherPatrons,
    TrustDeficit,
    NonSecurityShortLived,
)

#: Built-in cases: name -> (patron, client).
CASES: dict[str, tuple[str, str]] = {"us-pakistan": ("USA", "PAK")}


def claim_class(claim_id: str) -> type[Claim]:
    """The claim class with this id.

    Raises
    ------
    InputError
        Naming the id and the known ones.
    """
    for cls in CLAIMS:
        if cls.claim_id == claim_id:
            return cls
    raise InputError(
        f"unknown claim {claim_id!r}; choose from {', '.join(c.claim_id for c in CLAIMS)}",
        field="claim",
        value=claim_id,
    )


def run_claims(
    data: ClaimData,
    claims: tuple[type[Claim], ...] = CLAIMS,
    *,
    n_boot: int = 2000,
    seed: int | None = 0,
) -> list[ClaimResult]:
    """Evaluate claims on ``data``; same seed, same intervals."""
    return [cls(n_boot=n_boot, seed=seed).evaluate(data) for cls in claims]


def run_case(
    case: str = "us-pakistan",
    *,
    n_boot: int = 2000,
    seed: int | None = 0,
    include_substate: bool = False,
) -> list[ClaimResult]:
    """Evaluate every claim of a built-in case on its record.

    By default only state-state events enter the claims; ``include_substate``
    also counts events with an armed non-state actor or recipient.

    Raises
    ------
    InputError
        For an unknown case, naming the known ones.
    """
    if case not in CASES:
        raise InputError(
            f"unknown case {case!r}; choose from {', '.join(CASES)}", field="case", value=case
        )
    patron, client = CASES[case]
    data = from_record(patron, client, include_substate=include_substate)
    return run_claims(data, n_boot=n_boot, seed=seed)
