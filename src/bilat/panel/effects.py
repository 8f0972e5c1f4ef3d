"""What broadening did to other US partners: two-way fixed effects and an event study.

Two designs, both on the ``dyad_year`` table, both with standard errors
clustered by partner (the unit the US chooses when it chooses aid):

* :func:`twfe` — ``y_it = a_i + b_t + beta * d_i,t-1 (+ controls) + e_it``,
  fitted with :class:`linearmodels.panel.PanelOLS` (entity and time effects,
  ``cov_type="clustered"``, ``cluster_entity=True``). ``beta`` compares a
  partner with itself in years when its treatment was higher, net of what
  happened to all partners that year.
* :func:`event_study` — around each partner's first sharp shift in aid
  composition (:data:`bilat.panel.treatments.EVENTS`), the interaction-weighted
  estimator of Sun & Abraham (2021, *Journal of Econometrics* 225:2): one
  PanelOLS regression of the outcome on cohort × relative-year indicators
  (cohort = onset year; reference year −1; never-shifted partners, or the
  last-shifted cohort when too few never shift, as the comparison), then each
  relative year's effect as the cohort-share-weighted mean of the cohort
  effects. Its variance is the delete-one-partner jackknife (CR3), and
  intervals use Student's t with (partners − 1) degrees of freedom: with few
  partners per cohort the usual clustered variance is far too small (on the
  synthetic panel its 90 % intervals covered a zero effect 75 % of the time).
  A joint Wald (F) test of the pre-onset effects is the pre-trend test. Treated partners' years
  outside the window are left out (not binned), so no out-of-window effect
  leaks into the reference. The same data's naive TWFE "post" coefficient is
  reported beside it: when the two differ, heterogeneous effects across
  cohorts are weighting the naive estimate (Goodman-Bacon 2021).

Neither design is an experiment: the US picks whom to give what. See
:data:`TWFE_ASSUMPTIONS` and :data:`EVENT_ASSUMPTIONS` for what each rules out
and what it cannot.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
from scipy import stats

from bilat.errors import DataMissingError, InputError
from bilat.panel.treatments import (
    event_onsets,
    get_event,
    get_outcome,
    get_treatment,
    variable_frame,
)

__all__ = [
    "EVENT_ASSUMPTIONS",
    "TWFE_ASSUMPTIONS",
    "EventStudyResult",
    "TwfeResult",
    "event_study",
    "single_threaded",
    "twfe",
]

#: What the two-way FE design assumes, in words.
TWFE_ASSUMPTIONS = (
    "Partner fixed effects remove everything constant about a partner (region, size, "
    "strategic value that does not change); year effects remove what hit every partner "
    "at once (the Cold War's end, 9/11).",
    "It cannot rule out that the US changed a partner's aid mix because of something that "
    "also moved the outcome that year (selection on time-varying shocks), nor reverse "
    "causation beyond the one-year lag.",
    "With treatment timing that differs across partners and effects that differ across "
    "them, the coefficient is a weighted mix of comparisons, some with negative weights "
    "(Goodman-Bacon 2021); the event study guards against that.",
    "Standard errors are clustered by partner; binary outcomes are linear probability models.",
)

#: What the event-study design assumes, in words.
EVENT_ASSUMPTIONS = (
    "Parallel trends: without the shift, shifted partners' outcomes would have moved like "
    "those of the comparison partners; the pre-onset coefficients and their joint test "
    "check this in the years before, but cannot prove it for the years after.",
    "No anticipation beyond the reference year (−1).",
    "The shift is treated as absorbing (a partner stays treated after its first shift).",
    "It cannot rule out that the shift and the outcome were both caused by a change the US "
    "saw coming (a coup, a war, a new government) — the selection the US makes when it "
    "chooses whom to give what.",
    "Effects may differ by cohort; the interaction-weighted estimator averages them with "
    "the cohorts' shares, never with negative weights.",
)

_LEVEL = 0.9
_F = TypeVar("_F", bound=Callable[..., Any])


def single_threaded(func: _F) -> _F:
    """Run ``func`` with one BLAS thread (scoped to the call, via threadpoolctl).

    These regressions are small; on a shared machine BLAS threads fighting for
    cores made them up to 18 times slower in wall-clock time.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return cast(_F, wrapper)


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise InputError("must be between 0 and 1", field="level", value=level)


@dataclass(frozen=True)
class TwfeResult:
    """A two-way fixed-effects estimate of one treatment's effect on one outcome.

    Attributes
    ----------
    treatment, outcome:
        Names in :mod:`bilat.panel.treatments`.
    estimate, std_error, ci_low, ci_high, p_value:
        The coefficient on the lagged treatment (outcome units per treatment
        unit), its partner-clustered standard error, the ``level`` interval
        and the two-sided p-value.
    level:
        Interval level.
    n_obs, n_partners, n_years:
        Partner-years, partners and years in the estimation sample.
    n_identifying:
        Partners whose treatment varies within the sample (only they identify
        the effect).
    assumptions:
        The design's assumptions, in words.
    """

    treatment: str
    outcome: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float
    n_obs: int
    n_partners: int
    n_years: int
    n_identifying: int
    years: tuple[int, int]
    assumptions: tuple[str, ...] = TWFE_ASSUMPTIONS
    estimator: str = "twfe"

    def summary(self) -> str:
        """A short human summary."""
        return (
            f"{self.treatment} -> {self.outcome} (two-way FE, partner-clustered): "
            f"{self.estimate:+.4f} [{self.ci_low:+.4f}, {self.ci_high:+.4f}] "
            f"({self.level:.0%}), p = {self.p_value:.3f}; {self.n_partners} partners "
            f"({self.n_identifying} with varying treatment), {self.n_years} years "
            f"{self.years[0]}–{self.years[1]}, {self.n_obs} partner-years"
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "estimator": self.estimator,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "estimate": self.estimate,
            "std_error": self.std_error,
            "interval": {"low": self.ci_low, "high": self.ci_high, "level": self.level},
            "p_value": self.p_value,
            "n_obs": self.n_obs,
            "n_partners": self.n_partners,
            "n_identifying": self.n_identifying,
            "n_years": self.n_years,
            "years": list(self.years),
            "pretrend": None,
            "assumptions": list(self.assumptions),
        }


def _panel_ols(frame: pd.DataFrame, y: str, regressors: list[str]) -> Any:
    """PanelOLS with partner and year effects absorbed, errors clustered by partner."""
    from linearmodels.panel import PanelOLS

    data = frame.set_index(["ccode", "year"])
    model = PanelOLS(
        data[y], data[regressors], entity_effects=True, time_effects=True, drop_absorbed=True
    )
    with warnings.catch_warnings():
        # linearmodels warns when it drops an absorbed column; the caller checks what is left
        warnings.simplefilter("ignore")
        return model.fit(cov_type="clustered", cluster_entity=True)


def _std_error(fit: Any, name: str) -> float:
    """One coefficient's standard error from the fit's covariance (NaN when absent).

    Read from the covariance itself: linearmodels' ``std_errors`` takes the
    square root of every diagonal entry, and another column's entry can fall
    below zero in a small panel, which would warn about a column not used.
    """
    if name not in fit.params.index:
        return float("nan")
    return float(np.sqrt(max(float(fit.cov.loc[name, name]), 0.0)))


@single_threaded
def twfe(
    panel: pd.DataFrame,
    treatment: str,
    outcome: str,
    *,
    lag: int = 1,
    level: float = _LEVEL,
) -> TwfeResult:
    """Two-way fixed effects: the outcome at ``t`` on the treatment at ``t - lag``.

    Parameters
    ----------
    panel:
        The ``dyad_year`` table (:func:`bilat.panel.load_panel`).
    treatment, outcome:
        Names of :data:`~bilat.panel.treatments.TREATMENTS` and
        :data:`~bilat.panel.treatments.OUTCOMES`.
    lag:
        Years between treatment and outcome.
    level:
        Interval level (default 0.9).

    Raises
    ------
    DataMissingError
        When fewer than 3 partners with varying treatment have the outcome.
    """
    _check_level(level)
    chosen = get_treatment(treatment)
    frame = variable_frame(panel, treatment, outcome, lag=lag).dropna()
    varying = frame.groupby("ccode")["d"].nunique()
    n_identifying = int((varying > 1).sum())
    if n_identifying < 3 or frame["year"].nunique() < 3:
        raise DataMissingError(
            f"too few partners to estimate {treatment} -> {outcome}: {n_identifying} partners "
            f"with varying {treatment} and observed {outcome} (need 3)"
        )
    regressors = ["d", *chosen.controls]
    fit = _panel_ols(frame, "y", regressors)
    if "d" not in fit.params.index:
        raise DataMissingError(
            f"{treatment} is absorbed by the partner and year effects for {outcome}"
        )
    estimate = float(fit.params["d"])
    se = _std_error(fit, "d")
    half = _z(level) * se
    p_value = float(2 * stats.norm.sf(abs(estimate / se))) if se > 0 else float("nan")
    return TwfeResult(
        treatment=treatment,
        outcome=outcome,
        estimate=estimate,
        std_error=se,
        ci_low=estimate - half,
        ci_high=estimate + half,
        p_value=p_value,
        level=level,
        n_obs=len(frame),
        n_partners=int(frame["ccode"].nunique()),
        n_years=int(frame["year"].nunique()),
        n_identifying=n_identifying,
        years=(int(frame["year"].min()), int(frame["year"].max())),
    )


@dataclass(frozen=True)
class EventStudyResult:
    """The interaction-weighted event study of one outcome around one kind of shift.

    Attributes
    ----------
    treatment, outcome, event:
        What was estimated (``event`` names the shift that starts the clock).
    estimate, std_error, ci_low, ci_high, p_value:
        The average effect over relative years ``0..post`` (equal weights),
        its partner-clustered standard error and ``level`` interval.
    path:
        One row per relative year: ``rel``, ``estimate``, ``std_error``,
        ``ci_low``, ``ci_high``, ``n_partners`` (shifted partners observed
        there); the reference year −1 is 0 by construction.
    pretrend_stat, pretrend_df, pretrend_p:
        Joint Wald test that every pre-onset effect (``-pre..-2``) is zero.
    naive_twfe, naive_twfe_se:
        The naive TWFE coefficient on a "post-shift" indicator on the same
        sample, for comparison.
    n_treated, n_control, n_cohorts, n_partners, n_years, n_obs:
        Shifted partners used, comparison partners, onset cohorts, all
        partners, years and partner-years in the regression.
    control:
        ``never_treated`` or ``last_treated``.
    """

    treatment: str
    outcome: str
    event: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float
    path: pd.DataFrame
    pretrend_stat: float
    pretrend_df: int
    pretrend_p: float
    naive_twfe: float
    naive_twfe_se: float
    n_treated: int
    n_control: int
    n_cohorts: int
    n_partners: int
    n_years: int
    n_obs: int
    years: tuple[int, int]
    control: str
    assumptions: tuple[str, ...] = EVENT_ASSUMPTIONS
    estimator: str = "event"

    def summary(self) -> str:
        """A short human summary."""
        return (
            f"{self.event} -> {self.outcome} (Sun–Abraham event study, partner-clustered): "
            f"average effect over the years after {self.estimate:+.4f} "
            f"[{self.ci_low:+.4f}, {self.ci_high:+.4f}] ({self.level:.0%}); pre-trend "
            f"F({self.pretrend_df}, {self.n_partners - 1}) = {self.pretrend_stat:.2f}, "
            f"p = {self.pretrend_p:.3f}; "
            f"naive TWFE {self.naive_twfe:+.4f}; {self.n_treated} shifted partners in "
            f"{self.n_cohorts} cohorts vs {self.n_control} {self.control.replace('_', '-')} "
            f"partners, {self.n_years} years"
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "estimator": self.estimator,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "event": self.event,
            "estimate": self.estimate,
            "std_error": self.std_error,
            "interval": {"low": self.ci_low, "high": self.ci_high, "level": self.level},
            "p_value": self.p_value,
            "n_obs": self.n_obs,
            "n_partners": self.n_partners,
            "n_identifying": self.n_treated,
            "n_control": self.n_control,
            "n_cohorts": self.n_cohorts,
            "n_years": self.n_years,
            "years": list(self.years),
            "control": self.control,
            "pretrend": {
                "statistic": self.pretrend_stat,
                "df": self.pretrend_df,
                "p_value": self.pretrend_p,
                "test": "joint Wald (F) test that every pre-onset effect is zero "
                "(jackknife variance)",
            },
            "naive_twfe": {"estimate": self.naive_twfe, "std_error": self.naive_twfe_se},
            "path": [
                {str(k): (int(v) if k in ("rel", "n_partners") else float(v)) for k, v in r.items()}
                for r in self.path.to_dict("records")
            ],
            "assumptions": list(self.assumptions),
        }


def _event_sample(
    panel: pd.DataFrame,
    treatment: str,
    outcome: str,
    event: str,
    pre: int,
    post: int,
    cohort_width: int,
) -> tuple[pd.DataFrame, str, int]:
    """Outcome rows with each partner's cohort and relative year; the comparison group."""
    onsets = event_onsets(panel, event)
    keys = variable_frame(panel, treatment, outcome, lag=0)[["ccode", "year", "y"]].dropna()
    spec = get_event(event)
    # partners whose treatment is observed at all (the candidates for "never shifted")
    observed = get_treatment(spec.treatment).compute(panel).notna().to_numpy()
    candidates = set(panel.loc[observed, "ccode"].astype(int))
    keys = keys[keys["ccode"].isin(candidates)].copy()
    if keys.empty:
        raise DataMissingError(f"no partner has both {outcome} and {spec.treatment} observed")
    onset = keys["ccode"].map(onsets).astype("Float64")
    keys["rel"] = keys["year"] - onset
    # cohorts pool onsets of the same `cohort_width`-year span (named by its first year)
    keys["cohort"] = (onset // cohort_width) * cohort_width
    n_never = int(keys.loc[keys["cohort"].isna(), "ccode"].nunique())
    control = "never_treated"
    last = 0
    if n_never < 5 and keys["cohort"].notna().any():
        # too few never-shifted partners: the last-shifted cohort is the comparison,
        # used only for the years before each of its partners' own shift
        control = "last_treated"
        last = int(keys["cohort"].max())
        in_last = (keys["cohort"] == last).fillna(False)
        keys = keys[~in_last | (keys["rel"] < 0).fillna(False)].copy()
        in_last = (keys["cohort"] == last).fillna(False)
        keys.loc[in_last, ["cohort", "rel"]] = pd.NA
    treated = keys["cohort"].notna()
    inside = keys["rel"].between(-pre, post).fillna(False)
    keys = keys[~treated | inside].copy()
    # a partner needs its reference year (-1) observed, else its effects are not identified;
    # a cohort needs two partners, else its cells are fitted exactly and say nothing of noise
    with_ref = keys.loc[(keys["rel"] == -1).fillna(False), "ccode"].unique()
    keys = keys[keys["cohort"].isna() | keys["ccode"].isin(with_ref)]
    size = keys.groupby("cohort")["ccode"].nunique()
    keys = keys[keys["cohort"].isna() | keys["cohort"].isin(size[size >= 2].index)]
    return keys.reset_index(drop=True), control, last


def _within_jackknife(sample: pd.DataFrame, cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Cell coefficients and each partner's delete-one-partner change in them.

    The outcome is regressed (statsmodels OLS) on the cell indicators and year
    indicators after removing each partner's mean (the partner effects), which
    is the two-way FE regression. Because the partner effects are nested in the
    partner clusters, deleting a partner's rows from the demeaned data gives
    exactly the estimate without that partner; the closed form
    ``(X'X)^-1 X_g' (I - H_gg)^-1 e_g`` (MacKinnon, Nielsen & Webb 2023,
    "Cluster-robust inference: a guide to empirical practice", *Journal of
    Econometrics* 232:2) gives it without refitting. The jackknife (CR3)
    variance built from these changes stays honest where a cohort × year cell
    holds few partners, which the usual clustered (CR1) variance does not.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The cell coefficients (k,) and the changes, one row per partner (G, k).
    """
    import statsmodels.api as sm

    years = pd.get_dummies(sample["year"], drop_first=True, dtype=float)
    x = pd.concat([cells, years.set_axis(sample.index)], axis=1).to_numpy(dtype=float)
    y = sample["y"].to_numpy(dtype=float)
    partner = sample["ccode"].to_numpy()
    codes, inverse = np.unique(partner, return_inverse=True)
    counts = np.bincount(inverse).astype(float)

    def demean(values: np.ndarray) -> np.ndarray:
        sums = np.zeros((len(codes), *values.shape[1:]))
        np.add.at(sums, inverse, values)
        return values - (sums / counts.reshape((-1,) + (1,) * (values.ndim - 1)))[inverse]

    xd, yd = demean(x), demean(y)
    fit = sm.OLS(yd, xd).fit(method="qr")
    params = np.asarray(fit.params)
    resid = np.asarray(fit.resid)
    bread = np.linalg.pinv(xd.T @ xd)
    k = cells.shape[1]
    changes = np.zeros((len(codes), k))
    order = np.argsort(inverse, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse))])
    for g in range(len(codes)):
        rows = order[bounds[g] : bounds[g + 1]]
        xg = xd[rows]
        leverage = xg @ bread @ xg.T
        adjusted = np.linalg.lstsq(np.eye(len(rows)) - leverage, resid[rows], rcond=None)[0]
        changes[g] = (bread @ (xg.T @ adjusted))[:k]
    return params[:k], changes


@single_threaded
def event_study(
    panel: pd.DataFrame,
    treatment: str,
    outcome: str,
    *,
    event: str | None = None,
    pre: int = 5,
    post: int = 5,
    cohort_width: int = 5,
    level: float = _LEVEL,
) -> EventStudyResult:
    """Sun & Abraham's interaction-weighted event study around sharp shifts in aid mix.

    Parameters
    ----------
    panel:
        The ``dyad_year`` table.
    treatment:
        The treatment whose shift starts the clock (its default event), e.g.
        ``econ_share`` -> ``broadening_shift``.
    outcome:
        An outcome name.
    event:
        An :data:`~bilat.panel.treatments.EVENTS` name overriding the default.
    pre, post:
        Relative years before (down to ``-pre``) and after (up to ``post``).
    cohort_width:
        Onsets within the same span of this many years form one cohort
        (1 = one cohort per onset year, as in Sun & Abraham). Pooling keeps
        several partners in each cohort × year cell: a cell of one partner is
        fitted exactly, leaves a zero residual and makes clustered standard
        errors far too small.
    level:
        Interval level (default 0.9).

    Raises
    ------
    DataMissingError
        When fewer than 3 shifted partners or 3 comparison partners have the outcome.
    """
    _check_level(level)
    if pre < 2 or post < 0:
        raise InputError("needs pre >= 2 and post >= 0", field="pre/post", value=(pre, post))
    if cohort_width < 1:
        raise InputError("must be at least 1 year", field="cohort_width", value=cohort_width)
    get_outcome(outcome)
    event_name = get_event(event or treatment).name
    sample, control, _last = _event_sample(
        panel, treatment, outcome, event_name, pre, post, cohort_width
    )
    treated = sample["cohort"].notna()
    n_treated = int(sample.loc[treated, "ccode"].nunique())
    n_control = int(sample.loc[~treated, "ccode"].nunique())
    if n_treated < 3 or n_control < 3:
        raise DataMissingError(
            f"too few partners for an event study of {event_name} -> {outcome}: "
            f"{n_treated} shifted and {n_control} comparison partners with the outcome (need 3+3)"
        )
    rels = [r for r in range(-pre, post + 1) if r != -1]
    cohort = sample["cohort"].to_numpy(dtype=float, na_value=np.nan)
    rel = sample["rel"].to_numpy(dtype=float, na_value=np.nan)
    columns: dict[str, np.ndarray] = {}
    cells: list[tuple[int, int, str]] = []
    for g in sorted({int(c) for c in cohort[~np.isnan(cohort)]}):
        for r in rels:
            indicator = ((cohort == g) & (rel == r)).astype(float)
            if indicator.any():
                name = f"g{g}_r{r}"
                columns[name] = indicator
                cells.append((g, r, name))
    delta, jack = _within_jackknife(sample, pd.DataFrame(columns, index=sample.index))
    kept = cells
    n_clusters = int(sample["ccode"].nunique())
    centred = jack - jack.mean(axis=0, keepdims=True)
    cov = (n_clusters - 1) / n_clusters * centred.T @ centred

    # weights: each cohort's share of the shifted partners observed at that relative year
    counts = sample[treated].groupby(["cohort", "rel"])["ccode"].nunique().rename("n").reset_index()
    count_of = {(int(g), int(r)): int(n) for g, r, n in counts.itertuples(index=False)}
    weights = np.zeros((len(rels), len(kept)))
    for j, (g, r, _) in enumerate(kept):
        weights[rels.index(r), j] = count_of.get((g, r), 0)
    totals = weights.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(totals > 0, weights / totals, 0.0)
    beta = weights @ delta
    vbeta = weights @ cov @ weights.T
    se = np.sqrt(np.clip(np.diag(vbeta), 0, None))
    present = totals[:, 0] > 0
    z = float(stats.t.ppf(0.5 + level / 2, n_clusters - 1))
    path = pd.DataFrame(
        {
            "rel": rels,
            "estimate": np.where(present, beta, np.nan),
            "std_error": np.where(present, se, np.nan),
            "n_partners": [
                int(sample.loc[treated & (sample["rel"] == r), "ccode"].nunique()) for r in rels
            ],
        }
    )
    path["ci_low"] = path["estimate"] - z * path["std_error"]
    path["ci_high"] = path["estimate"] + z * path["std_error"]
    reference = pd.DataFrame(
        [{"rel": -1, "estimate": 0.0, "std_error": 0.0, "n_partners": 0, "ci_low": 0.0}]
    ).assign(ci_high=0.0)
    reference["n_partners"] = int(sample.loc[treated & (sample["rel"] == -1), "ccode"].nunique())
    path = pd.concat([path, reference]).sort_values("rel").reset_index(drop=True)

    post_rows = [i for i, r in enumerate(rels) if r >= 0 and present[i]]
    pre_rows = [i for i, r in enumerate(rels) if r <= -2 and present[i]]
    if not post_rows:
        raise DataMissingError(f"no shifted partner observed after onset for {outcome}")
    avg = np.zeros(len(rels))
    avg[post_rows] = 1.0 / len(post_rows)
    estimate = float(avg @ beta)
    avg_se = float(np.sqrt(max(avg @ vbeta @ avg, 0.0)))
    p_value = (
        float(2 * stats.t.sf(abs(estimate / avg_se), n_clusters - 1))
        if avg_se > 0
        else float("nan")
    )
    stat, df, p_pre = float("nan"), 0, float("nan")
    if pre_rows:
        b_pre = beta[pre_rows]
        v_pre = vbeta[np.ix_(pre_rows, pre_rows)]
        df = int(np.linalg.matrix_rank(v_pre))
        if df > 0:
            stat = float(b_pre @ np.linalg.pinv(v_pre) @ b_pre) / df
            p_pre = float(stats.f.sf(stat, df, n_clusters - 1))

    naive = sample.assign(post=(treated & (sample["rel"] >= 0)).astype(float))
    naive_fit = _panel_ols(naive, "y", ["post"])
    return EventStudyResult(
        treatment=treatment,
        outcome=outcome,
        event=event_name,
        estimate=estimate,
        std_error=avg_se,
        ci_low=estimate - z * avg_se,
        ci_high=estimate + z * avg_se,
        p_value=p_value,
        level=level,
        path=path,
        pretrend_stat=stat,
        pretrend_df=df,
        pretrend_p=p_pre,
        naive_twfe=float(naive_fit.params.get("post", np.nan)),
        naive_twfe_se=_std_error(naive_fit, "post"),
        n_treated=n_treated,
        n_control=n_control,
        n_cohorts=len({g for g, _, _ in kept}),
        n_partners=int(sample["ccode"].nunique()),
        n_years=int(sample["year"].nunique()),
        n_obs=len(sample),
        years=(int(sample["year"].min()), int(sample["year"].max())),
        control=control,
    )
