"""US instruments for one year: what a policy offers the client.

An :class:`Instruments` holds one value per instrument, either a scalar (the
same for every run) or an array of shape ``(n,)``. Aid is in $ billion a year;
every other instrument is an intensity in [0, 1], except ``commitment``, the
length in years of the aid pledge in force (a costly signal, Kydd 2005).

Three optional *pins* let a scenario fix what the model otherwise decides:
``regime`` (a code of :data:`bilat.sim.state.REGIMES`, ``-1`` for the model's
own rule), ``civilian`` and ``salience`` (NaN for the model's own dynamics).
The historical policy pins all three from the record.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from bilat.errors import InputError

__all__ = ["AID_FIELDS", "INSTRUMENT_FIELDS", "INTENSITY_FIELDS", "Instruments"]

#: Aid instruments, $ billion a year.
AID_FIELDS: tuple[str, ...] = ("military_aid", "ct_reimbursement", "economic_aid")
#: Intensity instruments, in [0, 1].
INTENSITY_FIELDS: tuple[str, ...] = (
    "trade_access",
    "conditions",
    "sanctions",
    "coercion",
    "assurances",
    "democracy_support",
)
#: Every instrument a policy sets (pins excluded).
INSTRUMENT_FIELDS: tuple[str, ...] = (*AID_FIELDS, *INTENSITY_FIELDS, "commitment")

Value = Any  # float or an array of shape (n,)


@dataclass(frozen=True)
class Instruments:
    """The US instruments (and optional pins) in force in one year.

    Attributes
    ----------
    military_aid, ct_reimbursement, economic_aid:
        $ billion a year offered: military assistance, reimbursements tied to
        counter-terrorism effort (Coalition Support Funds), economic aid.
    trade_access:
        Preferential market access, 0 (none) to 1 (a free-trade agreement).
    conditions:
        Conditions attached to aid (civilian control, counter-terrorism), 0 to 1.
    sanctions:
        Sanctions in force, 0 to 1; at 0.5 or more the regime is "sanctioned".
    coercion:
        Baseline coercive threats, 0 to 1 (the model adds a response to threat).
    assurances:
        Security assurances on Pakistan's concerns with India and Afghanistan, 0 to 1.
    democracy_support:
        Support for civilian institutions and elections, 0 to 1.
    commitment:
        Years left on the multi-year pledge in force, 0 to 10.
    regime:
        Pinned US regime code, or -1 to let the model's rule decide.
    civilian:
        Pinned civilian control in [0, 1] (a scalar, or an array of shape ``(n,)``), or NaN.
    salience:
        Pinned US strategic salience in [0, 1], or NaN.
    """

    military_aid: Value = 0.0
    ct_reimbursement: Value = 0.0
    economic_aid: Value = 0.0
    trade_access: Value = 0.0
    conditions: Value = 0.0
    sanctions: Value = 0.0
    coercion: Value = 0.0
    assurances: Value = 0.0
    democracy_support: Value = 0.0
    commitment: Value = 0.0
    regime: int = -1
    civilian: Value = float("nan")
    salience: float = float("nan")

    def validate(self) -> Instruments:
        """Check ranges; raise :class:`~bilat.errors.InputError` naming the bad field."""
        for name in INSTRUMENT_FIELDS:
            value = np.asarray(getattr(self, name), dtype=float)
            if not np.all(np.isfinite(value)):
                raise InputError(f"instrument {name} must be finite", field=name, value=value)
            upper = 10.0 if name == "commitment" else (np.inf if name in AID_FIELDS else 1.0)
            if np.any(value < 0) or np.any(value > upper):
                raise InputError(
                    f"instrument {name} must lie in [0, {upper:g}], got {value.tolist()}",
                    field=name,
                    value=value.tolist(),
                )
        if self.regime not in (-1, 0, 1, 2, 3):
            raise InputError(
                f"regime pin must be -1 (free) or 0-3, got {self.regime}",
                field="regime",
                value=self.regime,
            )
        return self

    @property
    def total_aid(self) -> Value:
        """Aid offered, $ billion a year (military + reimbursements + economic)."""
        return self.military_aid + self.ct_reimbursement + self.economic_aid

    def as_dict(self) -> dict[str, Any]:
        """The instruments and pins as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
