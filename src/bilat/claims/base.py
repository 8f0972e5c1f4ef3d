"""The machinery of claims: the data they run on, their results, verdicts and the bootstrap.

A claim is a small declarative class (see :class:`Claim`): metadata, a
docstring citing the literature, and one :meth:`Claim.evaluate` that computes a
statistic with an interval on a :class:`ClaimData` and turns it into a verdict,
naming the record items behind it. Every claim is checked by one shared
contract test.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bilat.errors import InputError

__all__ = [
    "INSUFFICIENT",
    "MIXED",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "VERDICTS",
    "Claim",
    "ClaimData",
    "ClaimResult",
    "cluster_bootstrap",
    "percentile_interval",
    "ratio_bootstrap",
]

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
MIXED = "mixed"
INSUFFICIENT = "insufficient data"
VERDICTS: tuple[str, ...] = (SUPPORTED, NOT_SUPPORTED, MIXED, INSUFFICIENT)


@dataclass
class ClaimData:
    """What claims run on: the events of a dyad, annual series, and the record's claim map.

    Attributes
    ----------
    patron, client:
        ISO3 codes (``"USA"``, ``"PAK"``).
    events:
        Events in bilat's event schema (any dyads; claims pick theirs).
    series:
        Annual series by name; each a frame with a ``year`` column, value
        columns, and ``source`` / ``estimate`` columns where the record has them.
    items:
        For each claim id, the ids of the record items (events or series rows)
        the record says bear on it.
    label:
        Where the data came from, for reports (``"built-in record"``).
    include_substate:
        Whether ``events`` keeps events with an armed non-state actor or
        recipient (see :func:`bilat.claims.data.state_events`); False by
        default, so claims see state-state events only.
    """

    patron: str
    client: str
    events: pd.DataFrame
    series: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    items: Mapping[str, Sequence[str]] = field(default_factory=dict)
    label: str = ""
    include_substate: bool = False

    def directed(self, actor: str, recipient: str) -> pd.DataFrame:
        """Events from ``actor`` to ``recipient`` (ISO3), with an integer ``year`` column."""
        e = self.events
        if e.empty:
            return e.assign(year=pd.Series(dtype="int64"))
        part = e[(e["actor_country"] == actor) & (e["recipient_country"] == recipient)].copy()
        part["year"] = [d.year for d in pd.to_datetime(part["date"])]
        return part

    def find_series(self, *keywords: str) -> tuple[str, pd.DataFrame] | None:
        """The first series whose name contains every keyword (case-insensitive)."""
        for name, frame in self.series.items():
            low = name.lower()
            if all(k.lower() in low for k in keywords):
                return name, frame
        return None


@dataclass
class ClaimResult:
    """A claim tested: the statistic, its interval, the verdict and the evidence.

    Attributes
    ----------
    claim_id, title:
        Which claim.
    statistic:
        What ``value`` measures, in words, with its unit.
    value:
        The statistic (None when there was not enough data).
    interval:
        ``(low, high)``; its kind is in ``interval_kind``.
    interval_kind:
        For example ``"cluster bootstrap by year, 90 %, 2000 draws, seed 0"``.
    verdict:
        One of :data:`VERDICTS`.
    reason:
        Why this verdict, in a sentence, with the decision rule.
    evidence:
        Ids of the record items (events, series rows) behind the statistic.
    details:
        Further figures (counts, components, secondary statistics).
    """

    claim_id: str
    title: str
    statistic: str
    value: float | None
    interval: tuple[float, float] | None
    interval_kind: str
    verdict: str
    reason: str
    evidence: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``bilat claims --json`` (one claim)."""
        return {
            "claim_id": self.claim_id,
            "title": self.title,
            "statistic": self.statistic,
            "value": _clean(self.value),
            "interval": None if self.interval is None else [_clean(v) for v in self.interval],
            "interval_kind": self.interval_kind,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": list(self.evidence),
            "details": _clean(self.details),
        }


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


class Claim(ABC):
    """Base class of a claim: declarative metadata plus :meth:`evaluate`.

    Subclasses set the class attributes and implement :meth:`compute`.

    Attributes
    ----------
    claim_id:
        Stable id (matches the record's claim map), e.g. ``"aid_military_rule"``.
    title:
        The claim in one sentence, in bilat's words.
    article:
        What the article says, paraphrased.
    literature:
        Works that state or test the mechanism.
    needs:
        What data the claim needs (``"events"``, series keywords).
    level:
        Coverage of the bootstrap intervals.
    """

    claim_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    article: ClassVar[str] = ""
    literature: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[tuple[str, ...]] = ()
    level: ClassVar[float] = 0.9

    def __init__(self, *, n_boot: int = 2000, seed: int | None = 0) -> None:
        self.n_boot = n_boot
        self.seed = seed

    def evaluate(self, data: ClaimData) -> ClaimResult:
        """Test the claim on ``data``; never raises for missing data (the verdict says so)."""
        result = self.compute(data)
        listed = list(data.items.get(self.claim_id, ()))
        if listed:
            result.details.setdefault("record_items", listed)
        if result.verdict not in VERDICTS:
            raise InputError(
                f"{self.claim_id} returned verdict {result.verdict!r}; "
                f"verdicts are {', '.join(VERDICTS)}",
                field="verdict",
                value=result.verdict,
            )
        return result

    @abstractmethod
    def compute(self, data: ClaimData) -> ClaimResult:
        """Compute the statistic, interval and verdict (implemented by each claim)."""

    # -- helpers for subclasses ---------------------------------------------------------
    def _interval_kind(self, unit: str) -> str:
        return (
            f"cluster bootstrap by {unit}, {round(self.level * 100)} %, "
            f"{self.n_boot} draws, seed {self.seed}"
        )

    def result(
        self,
        *,
        statistic: str,
        value: float | None,
        interval: tuple[float, float] | None,
        interval_kind: str,
        verdict: str,
        reason: str,
        evidence: Sequence[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> ClaimResult:
        """Build this claim's :class:`ClaimResult`."""
        return ClaimResult(
            claim_id=self.claim_id,
            title=self.title,
            statistic=statistic,
            value=None if value is None else float(value),
            interval=None if interval is None else (float(interval[0]), float(interval[1])),
            interval_kind=interval_kind,
            verdict=verdict,
            reason=reason,
            evidence=list(dict.fromkeys(str(e) for e in evidence)),
            details=dict(details or {}),
        )

    def insufficient(self, statistic: str, reason: str, **details: Any) -> ClaimResult:
        """A result that says the data do not allow a test, and why."""
        return self.result(
            statistic=statistic,
            value=None,
            interval=None,
            interval_kind="",
            verdict=INSUFFICIENT,
            reason=reason,
            details=details,
        )


def percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap ``draws``."""
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def cluster_bootstrap(
    frame: pd.DataFrame,
    cluster: str,
    statistic: Callable[[pd.DataFrame], float],
    *,
    n_boot: int = 2000,
    seed: int | None = 0,
    level: float = 0.9,
) -> tuple[float, tuple[float, float], np.ndarray]:
    """Percentile interval of ``statistic`` when whole clusters are resampled.

    Resampling clusters (years, regime episodes, spells) rather than rows keeps
    the dependence within a cluster (Cameron, Gelbach & Miller 2008, *Review of
    Economics and Statistics* 90:3).

    Returns
    -------
    tuple
        ``(value, (low, high), draws)``; draws where the statistic is undefined
        (NaN) are dropped.
    """
    value = float(statistic(frame))
    groups = [g for _, g in frame.groupby(cluster, sort=True)]
    if len(groups) < 2:
        return value, (float("nan"), float("nan")), np.array([])
    rng = np.random.default_rng(seed)
    draws = np.empty(n_boot)
    for b in range(n_boot):
        pick = rng.integers(0, len(groups), len(groups))
        sample = pd.concat([groups[i] for i in pick], ignore_index=True)
        draws[b] = statistic(sample)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return value, (float("nan"), float("nan")), draws
    return value, percentile_interval(draws, level), draws


def ratio_bootstrap(
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    n_boot: int = 2000,
    seed: int | None = 0,
    level: float = 0.9,
) -> tuple[float, tuple[float, float]]:
    """Percentile interval of ``sum(numerator) / sum(denominator)`` over resampled clusters.

    ``numerator[i]`` and ``denominator[i]`` are the totals of cluster ``i``
    (for a share: the events of a kind and all events, per year). Vectorised:
    all draws at once.

    Returns
    -------
    tuple
        ``(value, (low, high))``; NaN when the denominator is 0.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    total = den.sum()
    value = float(num.sum() / total) if total > 0 else float("nan")
    if len(num) < 2 or total <= 0:
        return value, (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(num), size=(n_boot, len(num)))
    d = den[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = num[idx].sum(axis=1) / d
    draws = draws[np.isfinite(draws)]
    return value, percentile_interval(draws, level)
