"""The state of the partnership, as arrays over simulated runs.

Every field of :class:`State` is a NumPy array of shape ``(n,)`` (one entry per
run); continuous fields are ``float32`` and lie in ``[0, 1]``, the engagement
regime and the last action are small integer codes. Nothing here loops over runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ACTIONS",
    "CONDITIONAL",
    "DISENGAGED",
    "ENGAGED",
    "REGIMES",
    "SANCTIONED",
    "State",
    "initial_state",
]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int8]

#: The US engagement regimes, by integer code.
REGIMES: tuple[str, ...] = ("engaged", "conditional", "sanctioned", "disengaged")
ENGAGED, CONDITIONAL, SANCTIONED, DISENGAGED = 0, 1, 2, 3

#: Pakistan's choices each year, by integer code (the columns of the utility matrix).
ACTIONS: tuple[str, ...] = (
    "full_cooperation",
    "selective_cooperation",
    "proxy_hedging",
    "alternative_patron",
    "reject_conditions",
)


@dataclass(frozen=True)
class State:
    """The partnership in one year, for ``n`` runs at once.

    Attributes
    ----------
    us_trust:
        The US belief that Pakistan is a cooperative type, in [0, 1] (Kydd 2005).
    pk_trust:
        Pakistan's belief that the US will stay engaged, in [0, 1]; abandonment
        fear is ``1 - pk_trust`` (Snyder 1984).
    threat:
        Militant threat to the US from the region, in [0, 1].
    proxies:
        Stock of Pakistan-backed militant proxies, in [0, 1].
    china_share:
        Share of Pakistan's outside patronage that comes from China; the US share
        is ``1 - china_share`` (the two always sum to one).
    econ_ties:
        Depth of US-Pakistan economic ties (trade, investment), in [0, 1].
    civilian:
        Civilian control over security policy, in [0, 1]; Pakistan's choice weighs
        civilian interests by ``civilian`` and military interests by ``1 - civilian``.
    sentiment:
        Public anti-US sentiment in Pakistan, in [0, 1].
    salience:
        Exogenous US strategic salience of the region, in [0, 1].
    regime:
        US engagement regime, a code in :data:`REGIMES` (int8).
    last_action:
        Pakistan's choice in the previous year, a code in :data:`ACTIONS` (int8).
    ruptures:
        Number of ruptures so far (a move from engaged or conditional to sanctioned
        or disengaged), int16.
    delivered:
        Cumulative aid the US delivered, $ billion (float32).
    withheld:
        Cumulative aid offered by the policy but withheld by the regime, $ billion;
        ``delivered + withheld`` equals the aid offered (flows are conserved).
    cooperation:
        Cooperative share of Pakistan's visible dealings with the US last year,
        ``(P(full) + P(selective)) / (P(full) + P(selective) + P(reject))``.
    coercion:
        The US's effective coercive pressure last year, in [0, 1].
    proposed:
        The regime the US rule proposed last year (before any pin), int8.
    pledge:
        Years left on the pledge the schedule offered last year (float32); a
        larger value this year is a new pledge.
    broken:
        1 once the US has broken the pledge in force (int8); a broken pledge
        counts for nothing until a new one is made.
    alignment:
        How far Pakistan sided with the US last year, ``P(full) + P(selective) / 2``
        (the model's counterpart of UN General Assembly agreement).
    """

    us_trust: FloatArray
    pk_trust: FloatArray
    threat: FloatArray
    proxies: FloatArray
    china_share: FloatArray
    econ_ties: FloatArray
    civilian: FloatArray
    sentiment: FloatArray
    salience: FloatArray
    regime: IntArray
    last_action: IntArray
    ruptures: npt.NDArray[np.int16]
    delivered: FloatArray
    withheld: FloatArray
    cooperation: FloatArray
    coercion: FloatArray
    proposed: IntArray
    pledge: FloatArray
    broken: IntArray
    alignment: FloatArray

    @property
    def n(self) -> int:
        """The number of runs."""
        return int(self.us_trust.shape[0])

    @property
    def abandonment_fear(self) -> FloatArray:
        """Pakistan's fear of abandonment, ``1 - pk_trust``."""
        return np.float32(1.0) - self.pk_trust

    def replace(self, **changes: Any) -> State:
        """A copy with some fields replaced (the state itself is never mutated)."""
        return replace(self, **changes)

    def take(self, index: npt.ArrayLike) -> State:
        """The runs selected by ``index`` (an integer or boolean array)."""
        return State(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists per field (for JSON)."""
        return {f.name: getattr(self, f.name).tolist() for f in fields(self)}


def initial_state(
    n: int,
    *,
    us_trust: float = 0.5,
    pk_trust: float = 0.5,
    threat: float = 0.05,
    proxies: float = 0.05,
    china_share: float = 0.02,
    econ_ties: float = 0.1,
    civilian: float = 0.5,
    sentiment: float = 0.3,
    salience: float = 0.3,
    regime: int = DISENGAGED,
) -> State:
    """The same starting point for ``n`` runs (defaults describe Pakistan around 1950).

    The defaults are bilat's coding, not measurements: a new partnership with
    neutral beliefs on both sides (``0.5``), few proxies and little threat, almost
    no Chinese patronage, thin economic ties, and a US not yet engaged.
    """
    if n < 1:
        from bilat.errors import InputError

        raise InputError(f"the number of runs must be at least 1, got {n}", field="n", value=n)

    def full(value: float) -> FloatArray:
        return np.full(n, value, dtype=np.float32)

    return State(
        us_trust=full(us_trust),
        pk_trust=full(pk_trust),
        threat=full(threat),
        proxies=full(proxies),
        china_share=full(china_share),
        econ_ties=full(econ_ties),
        civilian=full(civilian),
        sentiment=full(sentiment),
        salience=full(salience),
        regime=np.full(n, regime, dtype=np.int8),
        last_action=np.full(n, 1, dtype=np.int8),
        ruptures=np.zeros(n, dtype=np.int16),
        delivered=np.zeros(n, dtype=np.float32),
        withheld=np.zeros(n, dtype=np.float32),
        cooperation=full(0.5),
        coercion=full(0.0),
        proposed=np.full(n, regime, dtype=np.int8),
        pledge=full(0.0),
        broken=np.zeros(n, dtype=np.int8),
        alignment=full(0.5),
    )
