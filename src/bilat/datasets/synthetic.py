"""A directed dyad with a known answer: planted phases, reciprocity and domain mix.

Like ruptures' ``pw_constant`` (which returns a signal and its true break
points), :func:`synthetic_dyad` returns seeded event streams in both directions
of a dyad together with the truth that generated them, so that every measure in
:mod:`bilat.measure` can be tested for recovering it.

The generative model, month by month (``t`` counts months from ``start``):

* **Phases.** The months are cut into consecutive phases, each labelled
  ``engaged``, ``disengaged`` or ``sanctioned``. A phase's :class:`PhaseProfile`
  sets the event rate (events per year in each direction) and the mix of
  classes: the probability that an event is a plain statement, the base
  probability that a non-statement event is cooperative, the material share of
  cooperative and of conflictual events, and the share of conflictual events
  that are coercive (threats, sanctions, coercion).
* **Reciprocity.** Each direction has a latent AR(1) mood ``s(t)`` (coefficient
  0.5, unit innovations). The probability that a non-statement event of A -> B is
  cooperative is ``sigmoid(logit(p_phase) + s_A(t))``; for B -> A it is
  ``sigmoid(logit(p_phase) + reciprocity * s_A(t - lag) + s_B(t))``: B answers
  A's cooperation ``lag`` months later, with the sign and size of
  ``reciprocity`` (logit units). A does not respond to B.
* **Domain mix.** Every non-coercive event draws its domain from ``domain_mix``
  and then a CAMEO code of its class in that domain from a small table
  (:data:`CODE_POOLS`). Coercive events draw from :data:`COERCIVE_CODES` and take
  the domain that table gives. So ``domain_mix`` is exactly the expected mix of
  cooperative events.
* **Counts and mentions.** The number of events in a month and direction is
  Poisson with mean ``rate * phase.rate / 12``; an event's day is uniform in its
  month; its ``weight`` (mentions) is ``1 + Poisson(2)``.

The phase profiles and code tables live in :mod:`bilat.datasets.profiles`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from bilat.datasets.profiles import (
    CLASSES,
    CODE_POOLS,
    COERCIVE_CODES,
    DEFAULT_DOMAIN_MIX,
    DEFAULT_PROFILES,
    PHASE_LABELS,
    PhaseProfile,
    code_table,
)
from bilat.errors import InputError
from bilat.events.schema import DOMAINS, EVENT_FIELDS, arrow_schema
from bilat.events.store import parse_dyad

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

_AR = 0.5  # AR(1) coefficient of each direction's latent mood


@dataclass(frozen=True)
class SyntheticTruth:
    """What :func:`synthetic_dyad` planted.

    Attributes
    ----------
    dyad:
        ``"A:B"``; ``A`` leads, ``B`` reciprocates.
    phases:
        One row per phase: ``label``, ``start`` and ``end`` (dates, ``end``
        exclusive), ``start_month`` and ``end_month`` (month indices from the
        start, end exclusive).
    reciprocity:
        Coefficient (logit units) of A's latent mood ``lag`` months earlier in
        B's probability of cooperating.
    lag:
        Lag of B's response, in months.
    domain_mix:
        Expected share of each domain among cooperative events.
    rate:
        Base rate, events per year and direction in a phase of rate 1.
    profiles:
        The :class:`PhaseProfile` of each phase label.
    latent:
        One row per month: ``month`` (first day), ``phase``, ``mood_a``,
        ``mood_b`` and ``p_coop_a`` / ``p_coop_b`` (probability that a
        non-statement event of that direction is cooperative).
    seed:
        The seed that made it.
    """

    dyad: str
    phases: pd.DataFrame
    reciprocity: float
    lag: int
    domain_mix: dict[str, float]
    rate: float
    profiles: dict[str, PhaseProfile]
    latent: pd.DataFrame
    seed: int | None

    def phase_at(self, when: dt.date | str) -> str:
        """The planted phase label on a date."""
        day = dt.date.fromisoformat(when) if isinstance(when, str) else when
        for label, first, end in zip(
            self.phases["label"], self.phases["start"], self.phases["end"], strict=True
        ):
            if first <= day < end:
                return str(label)
        raise InputError(
            f"{day} lies outside the generated span "
            f"{self.phases['start'].iloc[0]} .. {self.phases['end'].iloc[-1]}",
            field="when",
            value=when,
        )

    def breakpoints(self) -> list[dt.date]:
        """The dates on which a new phase starts (the first phase excluded)."""
        return list(self.phases["start"].iloc[1:])


@dataclass(frozen=True)
class SyntheticDyad:
    """Synthetic events of a dyad and the truth behind them.

    Attributes
    ----------
    events:
        Events in both directions, in bilat's event schema (dataset
        ``"synthetic"``), ordered by date.
    truth:
        The planted :class:`SyntheticTruth`.
    """

    events: pd.DataFrame
    truth: SyntheticTruth = field(repr=False)


def _phase_plan(
    phases: Sequence[tuple[str, float]] | None, years: int, profiles: Mapping[str, PhaseProfile]
) -> list[tuple[str, int]]:
    """Phases as (label, months)."""
    if phases is None:
        fractions = [
            ("engaged", 0.25),
            ("disengaged", 0.15),
            ("sanctioned", 0.25),
            ("disengaged", 0.1),
            ("engaged", 0.25),
        ]
        months = years * 12
        plan = [(label, max(1, round(f * months))) for label, f in fractions]
        plan[-1] = (plan[-1][0], months - sum(m for _, m in plan[:-1]))
        if plan[-1][1] < 1:
            raise InputError("years must be at least 1", field="years", value=years)
        return plan
    plan = []
    for item in phases:
        if len(item) != 2:
            raise InputError("each phase is a (label, years) pair", field="phases", value=item)
        label, length = item
        if label not in profiles:
            raise InputError(
                f"unknown phase label {label!r}; choose from {', '.join(profiles)}",
                field="phases",
                value=label,
            )
        months = round(float(length) * 12)
        if months < 1:
            raise InputError("a phase lasts at least one month", field="phases", value=item)
        plan.append((str(label), months))
    if not plan:
        raise InputError("phases is empty; give at least one (label, years)", field="phases")
    return plan


def _add_months(start: dt.date, months: int) -> dt.date:
    total = start.year * 12 + start.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def _ar1(rng: np.random.Generator, n: int) -> np.ndarray:
    out = np.empty(n)
    level = rng.normal(0.0, 1.0 / np.sqrt(1 - _AR**2))
    noise = rng.normal(0.0, 1.0, n)
    for t in range(n):
        level = _AR * level + noise[t] if t else level
        out[t] = level
    return out


def synthetic_dyad(
    years: int = 40,
    *,
    start: int | dt.date = 1980,
    phases: Sequence[tuple[str, float]] | None = None,
    reciprocity: float = 1.0,
    lag: int = 1,
    domain_mix: Mapping[str, float] | None = None,
    rate: float = 240.0,
    profiles: Mapping[str, PhaseProfile] | None = None,
    dyad: str = "XAA:XBB",
    seed: int | None = 0,
) -> SyntheticDyad:
    """Generate seeded events of a directed dyad with planted phases and reciprocity.

    Parameters
    ----------
    years:
        Length of the series in years (ignored when ``phases`` is given: then
        the phases' lengths add up to it).
    start:
        First year (January 1st), or a date whose month starts the series.
    phases:
        ``[(label, years), ...]`` with labels in :data:`PHASE_LABELS` (or in
        ``profiles``); lengths are rounded to whole months. Default: engaged
        25 %, disengaged 15 %, sanctioned 25 %, disengaged 10 %, engaged 25 %
        of ``years`` (a cycle that moves between adjacent states only, as in
        the left-right-left topology of Schrodt's crisis models).
    reciprocity:
        Response of B's cooperation to A's latent mood ``lag`` months earlier,
        in logit units; its sign is the sign of reciprocity (0: none).
    lag:
        Months between A's move and B's response (>= 1).
    domain_mix:
        Share of each domain (security, economic, diplomatic, governance,
        humanitarian) among cooperative events; normalised to sum to 1.
    rate:
        Events per year in each direction in a phase of rate 1.
    profiles:
        Override the :data:`DEFAULT_PROFILES` of some or all phase labels.
    dyad:
        ``"A:B"``, two three-letter codes; the default ``XAA:XBB`` uses ISO 3166
        user-assigned codes, which name no real country.
    seed:
        Seed of the ``numpy.random.Generator``; same seed, same events.

    Returns
    -------
    SyntheticDyad
        ``.events`` (a frame with every :data:`bilat.events.EVENT_FIELDS`
        column) and ``.truth`` (:class:`SyntheticTruth`).

    Raises
    ------
    InputError
        For an unknown phase label or domain, a negative rate or a lag below 1.

    Examples
    --------
    >>> from bilat.datasets import synthetic_dyad
    >>> data = synthetic_dyad(years=10, seed=1)
    >>> sorted(data.events["actor_country"].unique())
    ['XAA', 'XBB']
    >>> data.truth.lag
    1
    """
    pair = parse_dyad(dyad)
    merged = dict(DEFAULT_PROFILES)
    if profiles:
        merged.update(profiles)
    if lag < 1:
        raise InputError("lag is in months and must be at least 1", field="lag", value=lag)
    if not rate > 0:
        raise InputError("rate must be positive (events per year)", field="rate", value=rate)
    mix = dict(DEFAULT_DOMAIN_MIX if domain_mix is None else domain_mix)
    bad = [d for d in mix if d not in DOMAINS]
    if bad:
        raise InputError(
            f"unknown domain {bad[0]!r}; choose from {', '.join(DOMAINS)}",
            field="domain_mix",
            value=bad[0],
        )
    total = sum(mix.values())
    if total <= 0 or any(v < 0 for v in mix.values()):
        raise InputError(
            "domain shares must be non-negative and not all zero", field="domain_mix", value=mix
        )
    mix = {d: float(mix.get(d, 0.0)) / total for d in DOMAINS}
    first = dt.date(start, 1, 1) if isinstance(start, int) else dt.date(start.year, start.month, 1)
    plan = _phase_plan(phases, years, merged)
    n_months = sum(m for _, m in plan)
    rng = np.random.default_rng(seed)

    labels = np.concatenate([[label] * m for label, m in plan])
    prof = [merged[str(label)] for label in labels]
    month_rate = np.array([p.rate for p in prof]) * rate / 12.0
    base_logit = _logit(np.clip(np.array([p.cooperation for p in prof]), 1e-6, 1 - 1e-6))
    mood_a = _ar1(rng, n_months)
    mood_b = _ar1(rng, n_months)
    lagged = np.concatenate([np.zeros(lag), mood_a[:-lag]])[:n_months]
    p_a = _sigmoid(base_logit + mood_a)
    p_b = _sigmoid(base_logit + reciprocity * lagged + mood_b)

    pools = {c: {d: CODE_POOLS[c][d] for d in DOMAINS} for c in CLASSES}
    coercive_codes = np.array(list(COERCIVE_CODES))
    domain_names = np.array(DOMAINS)
    domain_p = np.array([mix[d] for d in DOMAINS])

    frames = []
    for direction, (actor, recipient, p_coop) in enumerate(
        ((pair.actor, pair.recipient, p_a), (pair.recipient, pair.actor, p_b))
    ):
        counts = rng.poisson(month_rate)
        n = int(counts.sum())
        month = np.repeat(np.arange(n_months), counts)
        statement_p = np.array([p.statement for p in prof])[month]
        mat_coop = np.array([p.material_coop for p in prof])[month]
        mat_conf = np.array([p.material_conflict for p in prof])[month]
        coerce_p = np.array([p.coercive for p in prof])[month]
        u = rng.random((n, 4))
        is_statement = u[:, 0] < statement_p
        is_coop = ~is_statement & (u[:, 1] < p_coop[month])
        is_conflict = ~is_statement & ~is_coop
        material = np.where(is_coop, u[:, 2] < mat_coop, u[:, 2] < mat_conf)
        coercive = is_conflict & (u[:, 3] < coerce_p)
        klass = np.where(
            is_statement,
            "statement",
            np.where(
                is_coop,
                np.where(material, "material_coop", "verbal_coop"),
                np.where(material, "material_conflict", "verbal_conflict"),
            ),
        )
        domain = domain_names[rng.choice(len(DOMAINS), size=n, p=domain_p)]
        pick = rng.random(n)
        codes = np.empty(n, dtype=object)
        for i in range(n):
            if coercive[i]:
                code = str(coercive_codes[int(pick[i] * len(coercive_codes))])
                domain[i] = COERCIVE_CODES[code]
            else:
                pool = pools[str(klass[i])][str(domain[i])]
                code = pool[int(pick[i] * len(pool))]
            codes[i] = code
        first_day = np.array(
            [_add_months(first, m).toordinal() for m in range(n_months + 1)], dtype=np.int64
        )
        span = first_day[month + 1] - first_day[month]
        day = first_day[month] + np.floor(rng.random(n) * span).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "ordinal": day,
                    "direction": direction,
                    "actor_country": actor,
                    "recipient_country": recipient,
                    "cameo": codes,
                    "domain": domain,
                    "weight": 1.0 + rng.poisson(2.0, n),
                }
            )
        )
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values(["ordinal", "direction"], kind="stable").reset_index(drop=True)
    events = _to_schema(events, seed)

    bounds = np.cumsum([0] + [m for _, m in plan])
    phase_frame = pd.DataFrame(
        {
            "label": [label for label, _ in plan],
            "start": [_add_months(first, int(b)) for b in bounds[:-1]],
            "end": [_add_months(first, int(b)) for b in bounds[1:]],
            "start_month": bounds[:-1].astype(int),
            "end_month": bounds[1:].astype(int),
        }
    )
    latent = pd.DataFrame(
        {
            "month": [_add_months(first, m) for m in range(n_months)],
            "phase": labels.astype(str),
            "mood_a": mood_a,
            "mood_b": mood_b,
            "p_coop_a": p_a,
            "p_coop_b": p_b,
        }
    )
    truth = SyntheticTruth(
        dyad=f"{pair.actor}:{pair.recipient}",
        phases=phase_frame,
        reciprocity=float(reciprocity),
        lag=int(lag),
        domain_mix=mix,
        rate=float(rate),
        profiles={k: merged[k] for k in merged},
        latent=latent,
        seed=seed,
    )
    return SyntheticDyad(events=events, truth=truth)


def _text(values: pd.Series) -> list[str | None]:
    return [v if isinstance(v, str) and v else None for v in values]


def _to_schema(raw: pd.DataFrame, seed: int | None) -> pd.DataFrame:
    """Fill every event field from the generated columns."""
    n = len(raw)
    info = code_table(sorted(set(raw["cameo"]))).set_index("cameo")
    codes = raw["cameo"].astype(str)
    dates = [dt.date.fromordinal(int(o)) for o in raw["ordinal"]]
    tag = "none" if seed is None else str(seed)
    columns: dict[str, Any] = {
        "id": [f"synthetic:{tag}:{i:07d}" for i in range(n)],
        "date": dates,
        "date_end": [None] * n,
        "date_precision": ["day"] * n,
        "actor_code": raw["actor_country"].to_numpy(),
        "actor_country": raw["actor_country"].to_numpy(),
        "actor_sector": ["GOV"] * n,
        "actor_text": raw["actor_country"].to_numpy(),
        "recipient_code": raw["recipient_country"].to_numpy(),
        "recipient_country": raw["recipient_country"].to_numpy(),
        "recipient_sector": ["GOV"] * n,
        "recipient_text": raw["recipient_country"].to_numpy(),
        "cameo": codes.to_numpy(),
        "root": codes.str[:2].to_numpy(),
        "event": _text(info["event"].reindex(codes)),
        "mode": _text(info["mode"].reindex(codes)),
        "context": _text(info["context"].reindex(codes)),
        "quad": info["quad"].reindex(codes).to_numpy().astype(int),
        "penta": info["penta"].reindex(codes).to_numpy().astype(int),
        "goldstein": info["goldstein"].reindex(codes).to_numpy().astype(float),
        "domain": raw["domain"].astype(str).to_numpy(),
        "modality": ["reported"] * n,
        "dataset": ["synthetic"] * n,
        "source_id": [None] * n,
        "doc_id": [None] * n,
        "sentence": [None] * n,
        "span": [None] * n,
        "url": [None] * n,
        "citation": [f"bilat.datasets.synthetic_dyad(seed={tag})"] * n,
        "weight": raw["weight"].to_numpy().astype(float),
    }
    table = pa.table({f.name: columns[f.name] for f in EVENT_FIELDS}).cast(arrow_schema())
    return table.to_pandas()
