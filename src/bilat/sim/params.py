"""The model's parameters and the priors of the free ones.

The simulator has few parameters on purpose (one history cannot identify many;
see docs/sim.md). Fifteen are free and calibrated, each with a prior drawn from
the literature's *direction and rough size* of the effect, as a Beta
distribution scaled to a plausible range; the rest are fixed at documented
values. Where the literature disagrees on the *sign* of an instrument's effect
(costly signals, coercion and trust, US offers and China's share, democracy
support, reimbursements and the threat) the prior's range spans both signs and
its median sits at or near zero, so the data, not the model's structure, must
decide which way the effect goes.

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

__all__ = [
    "CONTESTED",
    "FREE_PARAMETERS",
    "PRIORS",
    "PRIOR_SCENARIOS",
    "Prior",
    "Theta",
    "prior_matrix",
]

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

    def cdf(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Cumulative distribution function."""
        z = np.clip((np.asarray(x, dtype=float) - self.low) / (self.high - self.low), 0.0, 1.0)
        return np.asarray(special.betainc(self.a, self.b, z), dtype=float)

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
        -0.5,
        1.0,
        2.0,
        3.0,
        "share of counter-terrorism reimbursements that reward keeping the threat alive "
        "(negative: they reward ending it)",
        "either sign: Bapat (2011, JPR 48:3) and Powell (2019, APSR): aid while a threat "
        "persists prolongs it; Azam & Thelen (2010, JCR 54:2): aid to a host reduces the "
        "terrorism that comes from it",
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
        -1.0,
        1.0,
        2.0,
        2.0,
        "weight of US signals (pledge years, assurances, economic ties) in Pakistan's trust",
        "either sign: Kydd (2005, Trust and Mistrust in International Relations): costly "
        "signals reassure; Jervis (1976, Perception and Misperception): signals are read "
        "through prior images and discounted or suspected; Haqqani (2013, Magnificent "
        "Delusions): US largesse was read in Pakistan as transactional",
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
    Prior(
        "coercion_trust",
        -1.0,
        1.0,
        2.0,
        2.0,
        "evidence US coercion gives Pakistan that the US will stay (negative: hostility)",
        "either sign: Jervis (1976, ch. 3) spiral model: threats read as hostility; "
        "Schelling (1966) and Fearon (1997, JCR 41:1): threats show resolve and commitment",
    ),
    Prior(
        "china_crowd_out",
        -0.1,
        0.1,
        2.0,
        2.0,
        "share of China's patronage a full US economic offer wins back a year "
        "(negative: it provokes a counter-bid)",
        "either sign: Morrow (1991, AJPS 35:4): patrons substitute; Small (2015, The "
        "China-Pakistan Axis): Pakistan plays patrons off and US moves draw Chinese "
        "counter-offers",
    ),
    Prior(
        "renege",
        0.0,
        1.0,
        2.0,
        4.0,
        "probability a year that the US breaks a pledge in force when its stake falls",
        "Leeds, Long & Mitchell (2000, JCR 44:5): alliance commitments honoured about "
        "three times in four; Snyder (1984): abandonment when the patron's stake falls",
    ),
    Prior(
        "vacuum",
        -0.5,
        1.0,
        2.0,
        3.0,
        "growth of proxies (as a share of their growth rate) while the US is disengaged "
        "(negative: they shrink when the US is away)",
        "either sign: the seed article and Coll (2004, Ghost Wars): militancy grew in the "
        "vacuum after 1989; Pape (2005, Dying to Win): a foreign presence feeds militancy",
    ),
    Prior(
        "democracy_effect",
        -0.1,
        0.2,
        2.0,
        2.0,
        "change in civilian control a year per unit of democracy support",
        "either sign: Finkel, Perez-Linan & Seligson (2007, World Politics 59:3): "
        "democracy aid raises democracy; Carothers (2006, Foreign Affairs 85:2): it "
        "provokes a backlash from incumbents",
    ),
)

#: Names of the free (calibrated) parameters, in :data:`PRIORS` order.
FREE_PARAMETERS: tuple[str, ...] = tuple(p.name for p in PRIORS)

#: The parameters whose sign the literature disputes (their priors span zero).
CONTESTED: tuple[str, ...] = (
    "moral_hazard",
    "signal_weight",
    "coercion_trust",
    "china_crowd_out",
    "vacuum",
    "democracy_effect",
)

# Which way each contested parameter must point for the article's account
# (+1: positive values favour broadening, -1: negative values do).
_ARTICLE_SIGN = {
    "moral_hazard": 1,
    "signal_weight": 1,
    "coercion_trust": -1,
    "china_crowd_out": 1,
    "vacuum": 1,
    "democracy_effect": 1,
}


def _tilted(sign: int) -> tuple[Prior, ...]:
    """The default priors with each contested parameter's Beta tilted towards ``sign``."""
    out = []
    for prior in PRIORS:
        if prior.name in _ARTICLE_SIGN:
            toward = sign * _ARTICLE_SIGN[prior.name]
            a, b = (4.0, 1.5) if toward > 0 else (1.5, 4.0)
            prior = replace(prior, a=a, b=b)
        out.append(prior)
    return tuple(out)


#: Defensible prior scenarios (same ranges, different shapes): ``neutral`` is
#: :data:`PRIORS`; ``article`` tilts every contested effect the way the seed
#: article's argument needs; ``sceptical`` tilts each the other way (the
#: literature each side cites is in :data:`PRIORS`).
PRIOR_SCENARIOS: dict[str, tuple[str, tuple[Prior, ...]]] = {
    "neutral": ("contested effects centred on zero (the default)", PRIORS),
    "article": ("contested effects tilted the way the seed article argues", _tilted(1)),
    "sceptical": ("contested effects tilted against the article", _tilted(-1)),
}


@dataclass(frozen=True)
class Theta:
    """All parameters of the model; each is a float or a float32 array of shape ``(n,)``.

    The first fifteen are free (see :data:`PRIORS`; defaults are central
    values of the priors); the rest are fixed at bilat's documented values
    (docs/sim.md).
    """

    precision: Value = 4.3
    hedge_value: Value = 0.5
    moral_hazard: Value = 0.1
    enforcement: Value = 0.4
    china_pull: Value = 0.6
    trust_learning: Value = 0.525
    signal_weight: Value = 0.0
    sentiment_gain: Value = 0.4
    salience_threshold: Value = 0.4
    coercion_response: Value = 1.0
    coercion_trust: Value = 0.0
    china_crowd_out: Value = 0.0
    renege: Value = 0.33
    vacuum: Value = 0.1
    democracy_effect: Value = 0.05
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
        """Per-run free parameters from an array of shape ``(n, P)`` (columns in PRIORS order)."""
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


def prior_matrix(
    rng: np.random.Generator, n: int, priors: tuple[Prior, ...] = PRIORS
) -> npt.NDArray[np.float64]:
    """``n`` joint draws from the priors, shape ``(n, P)``."""
    return np.column_stack([p.sample(rng, n) for p in priors])
