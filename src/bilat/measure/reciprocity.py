"""Reciprocity: a VAR on the two directed cooperation-conflict series.

After Goldstein and Freeman (*Three-Way Street*, 1990; APSR 85:4, 1991): each
direction's net cooperation (the sum of Goldstein weights per period) is
regressed on the lags of both directions. A direction that responds to the
other's past behaviour *reciprocates*; one that only follows its own past acts
from *bureaucratic routine* (inertia).

:class:`Reciprocity` selects the lag order by an information criterion
(statsmodels ``VAR.fit(maxlags=..., ic=...)``; at least one lag is kept so
that causality can be tested), tests Granger causality each way
(``VARResults.test_causality``, F test), and computes impulse responses with
asymptotic intervals (``VARResults.irf(...).stderr()``). Every figure is
statsmodels' own; this module only arranges them.

The sign of reciprocity toward a direction is the sign of the cumulative
response of that direction to a unit (non-orthogonalised) shock in the other,
over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from bilat.errors import InputError
from bilat.measure.series import split_directions

__all__ = ["Reciprocity", "ReciprocityResult"]


@dataclass
class ReciprocityResult:
    """What a reciprocity VAR found.

    Attributes
    ----------
    directions:
        The two directions, ``(a, b)``: ``"USA->PAK"``, ``"PAK->USA"``.
    variable:
        The series column used (``"goldstein_sum"`` by default).
    lag_order:
        Lag order of the fitted VAR.
    selected_order:
        The order the information criterion chose (may be 0; the fit keeps
        at least 1).
    granger:
        One row per test: ``cause``, ``effect``, ``statistic`` (F),
        ``pvalue``, ``df_num``, ``df_denom``, ``significant`` (at ``alpha``).
    irf:
        One row per horizon, impulse and response: ``horizon`` (periods),
        ``impulse``, ``response``, ``value``, ``lower``, ``upper``
        (non-orthogonalised responses to a unit shock, ``1 - alpha``
        asymptotic intervals).
    reciprocity:
        For each direction, the cumulative response to the other direction over
        the horizon (its sign is the sign of reciprocity) with its interval,
        ``sign`` (0 when the interval covers 0) and ``peak_horizon`` (the
        horizon >= 1 of the largest absolute response: the response lag).
    routine:
        Routine versus reciprocity, per direction: ``own_lag_sum`` and
        ``other_lag_sum`` (sums of the VAR coefficients on its own lags and on
        the other direction's lags) and ``share_from_own`` /
        ``share_from_other`` (forecast-error variance decomposition at the
        horizon: how much of the direction's unpredictable movement comes from
        its own shocks and from the other's; statsmodels ``fevd``, Cholesky
        order as the columns).
    var:
        The statsmodels ``VARResults``.
    alpha:
        Significance level.
    """

    directions: tuple[str, str]
    variable: str
    lag_order: int
    selected_order: int
    granger: pd.DataFrame
    irf: pd.DataFrame
    reciprocity: pd.DataFrame
    routine: pd.DataFrame
    var: Any = field(repr=False)
    alpha: float = 0.05

    def responds(self, effect: str) -> bool:
        """Whether ``effect`` (a direction) is Granger-caused by the other direction."""
        row = self.granger[self.granger["effect"] == effect]
        return bool(row["significant"].iloc[0])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "directions": list(self.directions),
            "variable": self.variable,
            "lag_order": self.lag_order,
            "selected_order": self.selected_order,
            "alpha": self.alpha,
            "granger": _records(self.granger),
            "reciprocity": _records(self.reciprocity),
            "routine": _records(self.routine),
            "irf": _records(self.irf),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        out.append({str(k): v.item() if isinstance(v, np.generic) else v for k, v in row.items()})
    return out


class Reciprocity:
    """VAR reciprocity between the two directions of a dyad series.

    Parameters
    ----------
    variable:
        Series column to model (default ``goldstein_sum``, net cooperation).
    maxlags:
        Largest lag order considered (default: 4 for years, 8 for quarters,
        12 for months, capped so that the VAR keeps degrees of freedom).
    ic:
        Information criterion: ``"aic"``, ``"bic"``, ``"hqic"`` or ``"fpe"``.
    horizon:
        Impulse-response horizon, in periods.
    alpha:
        Significance level of the tests and intervals.

    Attributes
    ----------
    results_:
        The :class:`ReciprocityResult` of the last :meth:`fit`.
    """

    def __init__(
        self,
        *,
        variable: str = "goldstein_sum",
        maxlags: int | None = None,
        ic: Literal["aic", "bic", "hqic", "fpe"] = "aic",
        horizon: int = 8,
        alpha: float = 0.05,
    ) -> None:
        self.variable = variable
        self.maxlags = maxlags
        self.ic = ic
        self.horizon = horizon
        self.alpha = alpha

    def data(self, series: pd.DataFrame) -> pd.DataFrame:
        """The two-column frame (one column per direction, indexed by period) the VAR fits."""
        parts = split_directions(series)
        if len(parts) != 2:
            raise InputError(
                f"reciprocity needs both directions of a dyad; the series has {len(parts)}",
                field="series",
            )
        if self.variable not in series.columns:
            raise InputError(
                f"unknown series column {self.variable!r}", field="variable", value=self.variable
            )
        frame = pd.DataFrame({name: part[self.variable] for name, part in parts.items()})
        return frame.astype(float).sort_index()

    def fit(self, series: pd.DataFrame) -> Reciprocity:
        """Fit the VAR to a dyad series (both directions).

        Returns
        -------
        Reciprocity
            ``self``, with ``results_`` set.

        Raises
        ------
        InputError
            When the series is too short or a direction never varies.
        """
        from statsmodels.tsa.api import VAR

        if self.ic not in ("aic", "bic", "hqic", "fpe"):
            raise InputError(
                f"unknown information criterion {self.ic!r}; choose aic, bic, hqic or fpe",
                field="ic",
                value=self.ic,
            )
        data = self.data(series)
        n = len(data)
        freq = str(series.attrs.get("freq", "year"))
        default = {"year": 4, "quarter": 8, "month": 12}.get(freq, 4)
        cap = max(1, (n - 10) // 6)
        maxlags = min(self.maxlags if self.maxlags is not None else default, cap)
        if n < 12:
            raise InputError(
                f"{n} periods are too few for a VAR; give at least 12 (a longer span "
                "or a finer frequency)",
                field="series",
                value=n,
            )
        constant = [c for c in data.columns if data[c].std() == 0]
        if constant:
            raise InputError(
                f"{constant[0]} never varies over the span, so no VAR can be fitted",
                field="series",
                value=constant[0],
            )
        values = data.to_numpy()
        model = VAR(values)
        selected = model.fit(maxlags=maxlags, ic=self.ic)
        order = int(selected.k_ar)
        fitted = selected if order >= 1 else model.fit(1)
        names = [str(c) for c in data.columns]
        rows = []
        for cause, effect in ((0, 1), (1, 0)):
            test = fitted.test_causality(effect, [cause], kind="f", signif=self.alpha)
            df = test.df
            rows.append(
                {
                    "cause": names[cause],
                    "effect": names[effect],
                    "statistic": float(test.test_statistic),
                    "pvalue": float(test.pvalue),
                    "df_num": int(df[0]),
                    "df_denom": int(df[1]),
                    "significant": bool(test.pvalue < self.alpha),
                }
            )
        granger = pd.DataFrame(rows)
        irf = fitted.irf(self.horizon)
        stderr = irf.stderr(orth=False)
        z = float(stats.norm.ppf(1 - self.alpha / 2))
        irf_rows = []
        for h in range(self.horizon + 1):
            for i, response in enumerate(names):
                for j, impulse in enumerate(names):
                    value = float(irf.irfs[h, i, j])
                    se = float(stderr[h, i, j])
                    irf_rows.append(
                        {
                            "horizon": h,
                            "impulse": impulse,
                            "response": response,
                            "value": value,
                            "lower": value - z * se,
                            "upper": value + z * se,
                        }
                    )
        cum = irf.cum_effects
        cum_se = irf.cum_effect_stderr(orth=False)
        recip = []
        for effect, cause in ((1, 0), (0, 1)):
            value = float(cum[-1, effect, cause])
            se = float(cum_se[-1, effect, cause])
            recip.append(
                {
                    "direction": names[effect],
                    "responds_to": names[cause],
                    "cumulative_response": value,
                    "lower": value - z * se,
                    "upper": value + z * se,
                    "sign": int(np.sign(value)) if abs(value) > z * se else 0,
                    "peak_horizon": int(np.argmax(np.abs(irf.irfs[1:, effect, cause]))) + 1,
                }
            )
        decomposition = fitted.fevd(self.horizon + 1).decomp  # (variable, horizon, shock)
        routine = []
        for i, name in enumerate(names):
            other = 1 - i
            routine.append(
                {
                    "direction": name,
                    "own_lag_sum": float(fitted.coefs[:, i, i].sum()),
                    "other_lag_sum": float(fitted.coefs[:, i, other].sum()),
                    "share_from_own": float(decomposition[i, -1, i]),
                    "share_from_other": float(decomposition[i, -1, other]),
                }
            )
        self.results_ = ReciprocityResult(
            directions=(names[0], names[1]),
            variable=self.variable,
            lag_order=int(fitted.k_ar),
            selected_order=order,
            granger=granger,
            irf=pd.DataFrame(irf_rows),
            reciprocity=pd.DataFrame(recip),
            routine=pd.DataFrame(routine),
            var=fitted,
            alpha=self.alpha,
        )
        return self
