"""The model's parameters and the priors of the free ones.

The simulator has few parameters on purpose (one history cannot identify many;
see docs/sim.md). Ten are free and calibrated, each with a prior drawn from the
literature's *direction and rough size* of the effect, as a Beta distribution
scaled to a plausible range; the rest are fixed at documented values.

Utility is measured in units of the value to the recipient of $1 billion a year
of aid, whose saturating value ``x / (1 + x)`` is 0.5; state variables are shares
in [0, 1] and one step is one year.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from bilat.errors import InputError

__all__ = ["FREE_PARAMETERS", "PRIORS", "Prior", "Theta", "prior_matrix"]

Value = Any  # float or float32 array of shape (n,)


@dataclass(frozen=True)
class Prior:
    """A Beta(a, b) prior scaled to ``[low, high]``.

    Attributes
    ----------
    name, low, high, a, b:
        The parameter and its distribution.
    meaning:
        What the parameter does, in one line.
    source:
        The literature behind its direction and range.
    """

    name: str
    low: float
    high: float
    a: float
    b: float
    meaning: str
    source: str

    def sample(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """``n`` draws, shape ``(n,)``."""
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, size=n)

    def logpdf(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Log density (``-inf`` outside ``(low, high)``), in closed form."""
        width = self.high - self.low
        z = (np.asarray(x, dtype=float) - self.low) / width
        inside = (z > 0) & (z < 1)
        zc = np.where(inside, z, 0.5)
        out = (
            (self.a - 1) * np.log(zc)
            + (self.b - 1) * np.log1p(-zc)
            - special.betaln(self.a, self.b)
            - np.log(width)
        )
        return np.where(inside, out, -np.inf)

    def ppf(self, q: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Quantiles."""
        z = special.betaincinv(self.a, self.b, np.asarray(q, dtype=float))
        return np.asarray(self.low + (self.high - self.low) * z, dtype=float)

    @property
    def width90(self) -> float:
        """Width of the central 90 % interval."""
        lo, hi = self.ppf([0.05, 0.95])
        return float(hi - lo)


PRIORS: tuple[Prior, ...] = (
    Prior(
        "precision",
        0.5,
        10.0,
        2.0,
        3.0,
        "logit precision of Pakistan's quantal response (0 = random choice)",
        "McKelvey & Palfrey (1995, Games Econ. Behav. 10:1); scale-free, weakly informative",
    ),
    Prior(
        "hedge_value",
        0.0,
        1.0,
        2.0,
        2.0,
        "value of the proxy hedge per unit of abandonment fear",
        "Snyder (1984, World Politics 36:4): hedging insures against abandonment",
    ),
    Prior(
        "moral_hazard",
        0.0,
        1.0,
        2.0,
        3.0,
        "share of counter-terrorism reimbursements that reward keeping the threat alive",
        "Bapat (2011, JPR 48:3): aid while a threat persists prolongs it; Powell (2019, APSR)",
    ),
    Prior(
        "enforcement",
        0.0,
        1.0,
        2.0,
        3.0,
        "probability that the US enforces its conditions when they are broken",
        "Svensson (2000, J. Dev. Econ. 61:1); Bueno de Mesquita & Smith (2007, JCR 51:2): "
        "donors seldom enforce",
    ),
    Prior(
        "china_pull",
        0.0,
        1.5,
        2.0,
        3.0,
        "attraction of the alternative patron",
        "Morrow (1991, AJPS 35:4): asymmetric alliances break when needs shift",
    ),
    Prior(
        "trust_learning",
        0.05,
        1.0,
        2.0,
        2.0,
        "log-odds a year of full evidence moves either side's trust",
        "Kydd (2000, IO 54:2; 2005): trust as a Bayesian belief about the other's type",
    ),
    Prior(
        "signal_weight",
        0.0,
        2.0,
        2.0,
        2.0,
        "weight of costly signals (multi-year pledges, broad ties) in Pakistan's trust",
        "Kydd (2005, Trust and Mistrust in International Relations): costly signals reassure",
    ),
    Prior(
        "sentiment_gain",
        0.0,
        1.0,
        2.0,
        3.0,
        "rise in anti-US sentiment per unit of coercion",
        "the seed article's account of threats; Schelling (1966, Arms and Influence)",
    ),
    Prior(
        "salience_threshold",
        0.1,
        0.7,
        2.0,
        2.0,
        "US strategic salience below which the US disengages",
        "Snyder (1984): abandonment when the patron's stake falls; Kux (2001) on the exits",
    ),
    Prior(
        "coercion_response",
        0.0,
        2.0,
        2.0,
        2.0,
        "US threats per unit of distrust x threat x salience",
        "the seed article (threats 'of various kinds'); Schelling (1966, Arms and Influence)",
    ),
)

#: Names of the free (calibrated) parameters, in :data:`PRIORS` order.
FREE_PARAMETERS: tuple[str, ...] = tuple(p.name for p in PRIORS)


@dataclass(frozen=True)
class Theta:
    """All parameters of the model; each is a float or a float32 array of shape ``(n,)``.

    The first ten are free (see :data:`PRIORS`; defaults are the prior means);
    the rest are fixed at bilat's documented values (docs/sim.md).
    """

    precision: Value = 4.3
    hedge_value: Value = 0.5
    moral_hazard: Value = 0.4
    enforcement: Value = 0.4
    china_pull: Value = 0.6
    trust_learning: Value = 0.525
    signal_weight: Value = 1.0
    sentiment_gain: Value = 0.4
    salience_threshold: Value = 0.4
    coercion_response: Value = 1.0
    # fixed
    routine_weight: float = 0.25
    proxy_growth: float = 0.3
    proxy_decay: float = 0.3
    threat_growth: float = 0.25
    threat_suppression: float = 0.35
    threat_decay: float = 0.1
    sanction_trigger: float = 0.35
    ties_growth: float = 0.15
    ties_decay: float = 0.05
    aid_militarises: float = 0.1
    democracy_effect: float = 0.1
    sentiment_relief: float = 0.1
    salience_mean: float = 0.4
    salience_persistence: float = 0.85
    salience_sd: float = 0.08
    noise_sd: float = 0.02
    extra: dict[str, float] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Theta:
        """A copy with some parameters replaced."""
        unknown = [k for k in changes if k not in {f.name for f in fields(self)}]
        if unknown:
            raise InputError(
                f"unknown parameter {unknown[0]!r}; choose from "
                + ", ".join(f.name for f in fields(self) if f.name != "extra"),
                field="theta",
                value=unknown[0],
            )
        return replace(self, **changes)

    def free(self) -> dict[str, Value]:
        """The free parameters, by name."""
        return {name: getattr(self, name) for name in FREE_PARAMETERS}

    @classmethod
    def from_matrix(cls, matrix: npt.ArrayLike, base: Theta | None = None) -> Theta:
        """Per-run free parameters from an array of shape ``(n, 10)`` (columns in PRIORS order)."""
        values = np.asarray(matrix, dtype=np.float32)
        if values.ndim != 2 or values.shape[1] != len(FREE_PARAMETERS):
            raise InputError(
                f"expected an array of shape (n, {len(FREE_PARAMETERS)}), got {values.shape}",
                field="theta",
            )
        base = base or cls()
        return base.replace(
            **{name: np.ascontiguousarray(values[:, i]) for i, name in enumerate(FREE_PARAMETERS)}
        )

    def take(self, index: Any) -> Theta:
        """Per-run parameters selected by ``index`` (scalars are kept as they are)."""
        return self.replace(
            **{
                name: value[index]
                for name, value in self.free().items()
                if isinstance(value, np.ndarray)
            }
        )


def prior_matrix(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """``n`` joint draws from the priors, shape ``(n, 10)``."""
    return np.column_stack([p.sample(rng, n) for p in PRIORS])
