"""What the panel designs estimate: the treatments ("broadening") and the outcomes.

One module defines both sides so that every design, command and report reads
the same definitions. Each definition is a small frozen object with a name, its
unit, the panel columns it reads and a docstring-level description; its
:meth:`~Variable.compute` turns the ``dyad_year`` table (see
:func:`bilat.panel.load_panel`) into one value per partner-year, NULL (NaN)
where its inputs are NULL — never 0 for "unknown".

Treatments ("broadening beyond security")
-----------------------------------------
As parts:

* ``econ_share`` — economic share of US aid (0–1).
* ``democracy_aid`` — democracy/governance share of US aid (0–1).
* ``trade_intensity`` — log(1 + trade with the US, current million US$); year
  effects absorb the common price level.
* ``defense_pact`` — a US defence pledge (ATOP) that year (0/1): a multi-year
  commitment beyond aid.

As one index: ``broadening_index`` — the mean of the four parts, each
standardised (z-score over all partner-years where it is observed), when at
least two parts are observed. One unit is one standard deviation of the parts.

And its opposite: ``security_only`` — 1 when the US gave aid that year, at
least 90 % of it military (economic share ≤ 10 %) and no democracy aid where
democracy aid is recorded; 0 when aid was given and that did not hold.

Composition treatments (shares, the index, ``security_only``) carry a control
for the aid level, log(1 + total aid in million 2020 US$), so that a share
effect is not a size effect.

Events (for the event study): :data:`EVENTS` — a partner's first *sharp shift*
in a treatment: the first year its value exceeds the mean of the previous
three years by at least a threshold (``broadening_shift``: economic share up
≥ 0.25; ``securitising_shift``: economic share down ≥ 0.25;
``pact_onset``: a defence pact begins).

Outcomes (mapped to the seed article's concerns)
------------------------------------------------
* alignment: ``unga_agree`` (share of UNGA votes with the US) and
  ``unga_distance`` (ideal-point distance; lower = closer);
* rupture: ``sanction_imposed`` (TIES), ``aid_cutoff`` (total aid falls by
  more than half from the year before), ``mid_onset`` (a US–partner MID
  begins, GML);
* turning to other patrons: ``rival_arms_share`` (China + USSR/Russia share of
  the partner's arms imports, SIPRI TIV);
* instability: ``regime_change`` (Polity2 moves by three points or more in a
  year — the move Polity counts as a regime change when it resets its
  durability count);
* public opinion: ``pew_fav_us`` (Pew, % favourable to the US; 2002 on, few
  partners).

Binary outcomes are estimated as linear probability models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import InputError, UnknownCodeError, ValidationError

__all__ = [
    "CONCERNS",
    "EVENTS",
    "OUTCOMES",
    "TREATMENTS",
    "EventDefinition",
    "Variable",
    "check_panel",
    "event_onsets",
    "get_event",
    "get_outcome",
    "get_treatment",
    "variable_frame",
]

#: The seed article's concerns, as outcome families.
CONCERNS = ("alignment", "rupture", "other_patrons", "instability", "opinion")

_MILLION = 1_000_000.0


def _col(panel: pd.DataFrame, name: str) -> pd.Series:
    """A panel column as float (NaN for NULL); a missing column is all NaN."""
    if name not in panel:
        return pd.Series(np.nan, index=panel.index, dtype=float)
    return pd.to_numeric(panel[name], errors="coerce").astype(float)


def _lagged(panel: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` of the same partner one year earlier (NaN when that year is absent)."""
    key = pd.DataFrame({"ccode": panel["ccode"].to_numpy(), "year": panel["year"].to_numpy()})
    prior = key.assign(year=key["year"] + 1, value=values.to_numpy())
    merged = key.merge(prior, on=["ccode", "year"], how="left")
    return pd.Series(merged["value"].to_numpy(), index=panel.index, dtype=float)


def check_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Check that ``panel`` has ``ccode`` and ``year`` and one row per partner-year.

    Returns ``panel`` unchanged; raises :class:`ValidationError` naming the
    first duplicated partner-year (a design would otherwise count it twice).
    """
    for column in ("ccode", "year"):
        if column not in panel:
            raise ValidationError("the panel has no such column", field=column, value=None)
    twice = panel.duplicated(["ccode", "year"], keep=False)
    if twice.any():
        ccode, year = (int(v) for v in panel.loc[twice, ["ccode", "year"]].iloc[0])
        raise ValidationError(
            f"the panel holds {int(twice.sum())} rows that repeat a partner-year "
            f"(first: ccode {ccode}, year {year}); the designs need one row per partner-year",
            field="ccode, year",
            value=f"{ccode}, {year}",
        )
    return panel


def _keys(panel: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ccode": panel["ccode"].astype(int).to_numpy(),
            "year": panel["year"].astype(int).to_numpy(),
        }
    )


def _zscore(values: pd.Series) -> pd.Series:
    spread = values.std(ddof=0)
    if not np.isfinite(spread) or spread == 0:
        return values * np.nan
    return (values - values.mean()) / spread


# -- treatments ----------------------------------------------------------------------------------
def _econ_share(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "aid_econ_share")


def _democracy_aid(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "aid_dem_share")


def _trade_intensity(panel: pd.DataFrame) -> pd.Series:
    trade = _col(panel, "trade_us")
    return np.log1p(trade.clip(lower=0))


def _defense_pact(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "defense_pact")


def _broadening_index(panel: pd.DataFrame) -> pd.Series:
    parts = pd.concat(
        [_zscore(f(panel)) for f in (_econ_share, _democracy_aid, _trade_intensity, _defense_pact)],
        axis=1,
    )
    enough = parts.notna().sum(axis=1) >= 2
    return parts.mean(axis=1, skipna=True).where(enough)


def _security_only(panel: pd.DataFrame) -> pd.Series:
    total = _col(panel, "aid_total")
    econ = _col(panel, "aid_econ_share")
    dem = _col(panel, "aid_dem")
    given = (total > 0) & econ.notna()
    military = (econ <= 0.10) & ~(dem > 0)
    return military.astype(float).where(given)


def _aid_level(panel: pd.DataFrame) -> pd.Series:
    return np.log1p(_col(panel, "aid_total").clip(lower=0) / _MILLION)


# -- outcomes ------------------------------------------------------------------------------------
def _unga_agree(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "unga_agree_all")


def _unga_distance(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "unga_ideal_distance")


def _sanction_imposed(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "sanction_imposed")


def _aid_cutoff(panel: pd.DataFrame) -> pd.Series:
    total = _col(panel, "aid_total")
    before = _lagged(panel, total)
    cut = (total < 0.5 * before).astype(float)
    return cut.where((before > 0) & total.notna())


def _mid_onset(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "mid_onset")


def _rival_arms_share(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "arms_share_china") + _col(panel, "arms_share_russia")


def _regime_change(panel: pd.DataFrame) -> pd.Series:
    polity = _col(panel, "polity2")
    moved = (polity - _lagged(panel, polity)).abs()
    return (moved >= 3).astype(float).where(moved.notna())


def _pew_fav(panel: pd.DataFrame) -> pd.Series:
    return _col(panel, "pew_fav_us")


@dataclass(frozen=True)
class Variable:
    """A treatment or an outcome, computed from the ``dyad_year`` table.

    Attributes
    ----------
    name:
        Machine name (``econ_share``, ``unga_agree``, ...).
    kind:
        ``treatment`` or ``outcome``.
    label:
        A short human label.
    unit:
        The unit of one value.
    description:
        What it measures and how, in a sentence or two.
    columns:
        The ``dyad_year`` columns it reads.
    binary:
        Whether it takes only the values 0 and 1.
    concern:
        For outcomes, the concern of :data:`CONCERNS` it speaks to; for
        treatments, ``broadening`` or ``security``.
    higher_is:
        For outcomes, what a higher value means (``closer``, ``worse``, ...).
    controls:
        Names of control series (see :func:`variable_frame`) a design adds
        when this is the treatment.
    """

    name: str
    kind: str
    label: str
    unit: str
    description: str
    columns: tuple[str, ...]
    compute_fn: Callable[[pd.DataFrame], pd.Series] = field(repr=False, compare=False)
    binary: bool = False
    concern: str = ""
    higher_is: str = ""
    controls: tuple[str, ...] = ()

    def compute(self, panel: pd.DataFrame) -> pd.Series:
        """One value per row of ``panel`` (float; NaN where an input is NULL)."""
        return self.compute_fn(panel).astype(float).rename(self.name)

    def to_dict(self) -> dict[str, Any]:
        """The definition as a JSON-ready dict."""
        return {
            "name": self.name,
            "kind": self.kind,
            "label": self.label,
            "unit": self.unit,
            "description": self.description,
            "columns": list(self.columns),
            "binary": self.binary,
            "concern": self.concern,
            "higher_is": self.higher_is,
            "controls": list(self.controls),
        }


_LEVEL = ("aid_level",)

TREATMENTS: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "econ_share",
            "treatment",
            "economic share of US aid",
            "share (0-1)",
            "US economic aid obligations over total aid (Greenbook); NULL when no aid.",
            ("aid_econ_share",),
            _econ_share,
            concern="broadening",
            controls=_LEVEL,
        ),
        Variable(
            "democracy_aid",
            "treatment",
            "democracy/governance share of US aid",
            "share (0-1)",
            "Democracy and governance aid (NED, Democracy Fund, governance accounts) over total.",
            ("aid_dem_share",),
            _democracy_aid,
            concern="broadening",
            controls=_LEVEL,
        ),
        Variable(
            "trade_intensity",
            "treatment",
            "trade with the US (log)",
            "log(1 + current million US$)",
            "Total trade with the US (COW to 2014, IMF DOTS after), log(1 + x).",
            ("trade_us",),
            _trade_intensity,
            concern="broadening",
        ),
        Variable(
            "defense_pact",
            "treatment",
            "US defence pact",
            "0/1",
            "ATOP codes a US defence pledge to the partner that year (NULL after 2018).",
            ("defense_pact",),
            _defense_pact,
            binary=True,
            concern="broadening",
        ),
        Variable(
            "broadening_index",
            "treatment",
            "broadening index",
            "standard deviations",
            "Mean of the z-scored economic share, democracy share, log trade and defence pact, "
            "when at least two are observed.",
            ("aid_econ_share", "aid_dem_share", "trade_us", "defense_pact"),
            _broadening_index,
            concern="broadening",
            controls=_LEVEL,
        ),
        Variable(
            "security_only",
            "treatment",
            "security-only aid",
            "0/1",
            "Aid given, economic share at most 10 % and no recorded democracy aid.",
            ("aid_total", "aid_econ_share", "aid_dem"),
            _security_only,
            binary=True,
            concern="security",
            controls=_LEVEL,
        ),
    )
}

OUTCOMES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "unga_agree",
            "outcome",
            "UNGA agreement with the US",
            "share (0-1)",
            "Share of UN General Assembly roll calls where the partner voted as the US.",
            ("unga_agree_all",),
            _unga_agree,
            concern="alignment",
            higher_is="closer to the US",
        ),
        Variable(
            "unga_distance",
            "outcome",
            "UNGA ideal-point distance",
            "ideal-point units",
            "|ideal point(partner) − ideal point(US)| (Bailey, Strezhnev & Voeten).",
            ("unga_ideal_distance",),
            _unga_distance,
            concern="alignment",
            higher_is="further from the US",
        ),
        Variable(
            "sanction_imposed",
            "outcome",
            "US sanction imposed",
            "0/1 (probability)",
            "TIES: a US sanction imposed on the partner that year.",
            ("sanction_imposed",),
            _sanction_imposed,
            binary=True,
            concern="rupture",
            higher_is="worse",
        ),
        Variable(
            "aid_cutoff",
            "outcome",
            "aid cut by more than half",
            "0/1 (probability)",
            "Total US aid below half of the year before (which was positive).",
            ("aid_total",),
            _aid_cutoff,
            binary=True,
            concern="rupture",
            higher_is="worse",
        ),
        Variable(
            "mid_onset",
            "outcome",
            "US–partner MID onset",
            "0/1 (probability)",
            "A militarised interstate dispute between the US and the partner began (GML).",
            ("mid_onset",),
            _mid_onset,
            binary=True,
            concern="rupture",
            higher_is="worse",
        ),
        Variable(
            "rival_arms_share",
            "outcome",
            "Chinese + Russian share of arms imports",
            "share (0-1)",
            "Share of the partner's arms imports (SIPRI TIV) from China and USSR/Russia.",
            ("arms_share_china", "arms_share_russia"),
            _rival_arms_share,
            concern="other_patrons",
            higher_is="more turned to other patrons",
        ),
        Variable(
            "regime_change",
            "outcome",
            "regime change (|ΔPolity2| ≥ 3)",
            "0/1 (probability)",
            "Polity2 moved by three points or more from the year before.",
            ("polity2",),
            _regime_change,
            binary=True,
            concern="instability",
            higher_is="less stable",
        ),
        Variable(
            "pew_fav_us",
            "outcome",
            "favourable view of the US",
            "% (0-100)",
            "Pew Global Attitudes: % of the public with a favourable view of the US.",
            ("pew_fav_us",),
            _pew_fav,
            concern="opinion",
            higher_is="warmer to the US",
        ),
    )
}

_CONTROLS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {"aid_level": _aid_level}


@dataclass(frozen=True)
class EventDefinition:
    """A sharp shift in a treatment that starts an event study's clock.

    A partner's onset is the first year ``t`` in which
    ``sign * (x_t - mean(x_{t-window}, ..., x_{t-1})) >= threshold`` with all
    ``window`` earlier years observed. Treatment is then taken as absorbing
    (the partner stays "treated" after its first shift), as the staggered
    estimators assume.
    """

    name: str
    treatment: str
    threshold: float
    sign: int = 1
    window: int = 3
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The definition as a JSON-ready dict."""
        return {
            "name": self.name,
            "treatment": self.treatment,
            "threshold": self.threshold,
            "sign": self.sign,
            "window": self.window,
            "description": self.description,
        }


EVENTS: dict[str, EventDefinition] = {
    e.name: e
    for e in (
        EventDefinition(
            "broadening_shift",
            "econ_share",
            0.25,
            1,
            3,
            "economic share of aid rises by 0.25 or more over its mean of the three years before",
        ),
        EventDefinition(
            "securitising_shift",
            "econ_share",
            0.25,
            -1,
            3,
            "economic share of aid falls by 0.25 or more below its mean of the three years before",
        ),
        EventDefinition(
            "pact_onset", "defense_pact", 1.0, 1, 1, "a US defence pact begins (0 -> 1)"
        ),
    )
}

#: The event each treatment's event study uses by default.
_DEFAULT_EVENT = {
    "econ_share": "broadening_shift",
    "broadening_index": "broadening_shift",
    "democracy_aid": "broadening_shift",
    "security_only": "securitising_shift",
    "defense_pact": "pact_onset",
}


def get_treatment(name: str) -> Variable:
    """The treatment called ``name``; :class:`UnknownCodeError` lists the valid ones."""
    try:
        return TREATMENTS[name]
    except KeyError as err:
        raise UnknownCodeError("treatment", name, sorted(TREATMENTS)) from err


def get_outcome(name: str) -> Variable:
    """The outcome called ``name``; :class:`UnknownCodeError` lists the valid ones."""
    try:
        return OUTCOMES[name]
    except KeyError as err:
        raise UnknownCodeError("outcome", name, sorted(OUTCOMES)) from err


def get_event(name: str) -> EventDefinition:
    """The event called ``name``, or the default event of the treatment called ``name``."""
    if name in EVENTS:
        return EVENTS[name]
    if name in _DEFAULT_EVENT:
        return EVENTS[_DEFAULT_EVENT[name]]
    if name in TREATMENTS:
        raise InputError(
            "has no sharp-shift event to start an event study; use the two-way FE design "
            f"or one of {', '.join(sorted(_DEFAULT_EVENT))}",
            field="treatment",
            value=name,
        )
    raise UnknownCodeError("event", name, sorted(EVENTS) + sorted(_DEFAULT_EVENT))


def variable_frame(panel: pd.DataFrame, treatment: str, outcome: str, lag: int = 1) -> pd.DataFrame:
    """Outcome at ``t`` beside the treatment (and its controls) at ``t - lag``.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode``, ``year``, ``y``, ``d`` and one per control, one row
        per partner-year of ``panel`` (NaN where a value is unknown).
    """
    if lag < 0:
        raise InputError("must be 0 or more years", field="lag", value=lag)
    check_panel(panel)
    chosen = get_treatment(treatment)
    target = get_outcome(outcome)
    frame = _keys(panel)
    frame["y"] = target.compute(panel).to_numpy()
    d = chosen.compute(panel)
    for _ in range(lag):
        d = _lagged(panel, d)
    frame["d"] = d.to_numpy()
    for control in chosen.controls:
        c = _CONTROLS[control](panel)
        for _ in range(lag):
            c = _lagged(panel, c)
        frame[control] = c.to_numpy()
    return frame.reset_index(drop=True)


def event_onsets(panel: pd.DataFrame, event: str) -> pd.Series:
    """Each partner's first sharp shift (year), by ``ccode``; partners with none are absent.

    ``event`` names an :data:`EVENTS` entry or a treatment with a default event.
    """
    spec = get_event(event)
    check_panel(panel)
    values = get_treatment(spec.treatment).compute(panel)
    frame = _keys(panel)
    frame["x"] = values.to_numpy()
    frame = frame.sort_values(["ccode", "year"]).reset_index(drop=True)
    grouped = frame.groupby("ccode", sort=False)
    # mean of the `window` previous rows, NaN unless all are observed
    lags = pd.concat([grouped["x"].shift(k) for k in range(1, spec.window + 1)], axis=1)
    before = lags.mean(axis=1).where(lags.notna().all(axis=1))
    # the window must be consecutive years: compare the year `window` rows back
    gap = frame["year"] - grouped["year"].shift(spec.window)
    jump = spec.sign * (frame["x"] - before)
    hit = (jump >= spec.threshold - 1e-12) & (gap == spec.window)
    onsets = frame.loc[hit].groupby("ccode")["year"].min()
    return onsets.astype(int).rename("onset")
