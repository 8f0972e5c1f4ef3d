"""Leave-one-partner-out prediction of each outcome, scored against simple baselines.

For every outcome and every partner ``p``: a pooled linear least-squares model
(missing features set to 0 beside missing-value indicators) is fitted on every
*other* partner — the outcome at ``t`` on its own value at
``t - 1`` and last year's treatments (economic share, democracy share, log
trade, defence pact, aid level) — and predicts ``p``'s years, so nothing
about ``p`` enters its own prediction.

It is scored (root mean squared error; for 0/1 outcomes this is the square
root of the Brier score) on the same partner-years against three baselines:

* ``persistence`` — last year's value;
* ``own_mean`` — the mean of the partner's own earlier years;
* ``pooled_mean`` — the mean of the other partners in the same year.

``skill`` is ``1 - MSE(model) / MSE(baseline)``: above 0 the model helps,
below 0 the baseline is better. The scores are reported whatever they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilat.errors import DataMissingError
from bilat.panel.effects import single_threaded
from bilat.panel.treatments import OUTCOMES, TREATMENTS, get_outcome, variable_frame

__all__ = [
    "BASELINES",
    "FEATURES",
    "OosReport",
    "OosResult",
    "design_matrix",
    "leave_one_partner_out",
    "logo_predict",
]

#: The baselines the model is scored against.
BASELINES = ("persistence", "own_mean", "pooled_mean")

#: Treatments (lagged one year) the pooled model uses beside the lagged outcome.
FEATURES = ("econ_share", "democracy_aid", "trade_intensity", "defense_pact")


@dataclass(frozen=True)
class OosResult:
    """Leave-one-partner-out scores of one outcome.

    Attributes
    ----------
    outcome:
        The outcome's name.
    n_obs, n_partners:
        Scored partner-years and partners.
    rmse:
        Root mean squared error of ``model`` and of each of :data:`BASELINES`.
    skill:
        ``1 - MSE(model) / MSE(baseline)`` for each baseline.
    focal:
        The same for the focal partner's own years (``None`` without one).
    """

    outcome: str
    n_obs: int
    n_partners: int
    rmse: dict[str, float]
    skill: dict[str, float]
    focal: dict[str, Any] | None = None

    @property
    def beats_all(self) -> bool:
        """Whether the model beats every baseline."""
        return all(v > 0 for v in self.skill.values())

    def summary(self) -> str:
        """One line: the model's RMSE and its skill over each baseline."""
        skills = ", ".join(f"{k} {v:+.3f}" for k, v in self.skill.items())
        return (
            f"{self.outcome}: RMSE {self.rmse['model']:.4f} on {self.n_obs} partner-years of "
            f"{self.n_partners} partners; skill vs {skills}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "outcome": self.outcome,
            "n_obs": self.n_obs,
            "n_partners": self.n_partners,
            "rmse": dict(self.rmse),
            "skill": dict(self.skill),
            "beats_all": self.beats_all,
            "focal": self.focal,
        }


@dataclass(frozen=True)
class OosReport:
    """Leave-one-partner-out scores of several outcomes."""

    results: tuple[OosResult, ...]
    skipped: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line per outcome, then the outcomes that could not be scored."""
        lines = [r.summary() for r in self.results]
        lines += [f"{name}: not scored ({why})" for name, why in self.skipped.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "method": "leave-one-partner-out; pooled linear model vs " + ", ".join(BASELINES),
            "results": [r.to_dict() for r in self.results],
            "skipped": dict(self.skipped),
        }


def _frame(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    base = variable_frame(panel, FEATURES[0], outcome, lag=1)
    frame = base[["ccode", "year", "y"]].copy()
    frame["aid_level"] = base["aid_level"]
    for name in FEATURES:
        frame[name] = variable_frame(panel, name, outcome, lag=1)["d"].to_numpy()
    lagged = frame[["ccode", "year", "y"]].assign(year=frame["year"] + 1)
    frame = frame.merge(lagged.rename(columns={"y": "y_lag"}), on=["ccode", "year"], how="left")
    frame = frame.dropna(subset=["y", "y_lag"]).sort_values(["ccode", "year"])
    return frame.reset_index(drop=True)


def _score(truth: np.ndarray, predictions: dict[str, np.ndarray]) -> tuple[dict, dict]:
    mse = {k: float(np.mean((truth - v) ** 2)) for k, v in predictions.items()}
    rmse = {k: float(np.sqrt(v)) for k, v in mse.items()}
    skill = {k: (1.0 - mse["model"] / mse[k]) if mse[k] > 0 else float("nan") for k in BASELINES}
    return rmse, skill


def design_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The pooled model's regressors: intercept, lagged outcome and features.

    A missing feature is set to 0 beside a 0/1 indicator that it was missing
    (the indicator's coefficient absorbs the fill value), so the matrix depends
    on each row alone and no fold learns anything from the held-out partner.
    """
    columns = ["y_lag", "aid_level", *FEATURES]
    x = frame[columns].to_numpy(dtype=float)
    gaps = np.isnan(x)
    used = gaps.any(axis=0) & ~gaps.all(axis=0)
    observed = ~gaps.all(axis=0)
    return np.column_stack(
        [np.ones(len(frame)), np.nan_to_num(x[:, observed]), gaps[:, used].astype(float)]
    )


def logo_predict(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Least-squares predictions for each group from a fit on every other group.

    Uses the normal equations with each group's cross-products taken out of
    the totals (so one pass instead of one fit per group); a test checks it
    against scikit-learn's ``LinearRegression`` in ``LeaveOneGroupOut`` folds.
    """
    xtx = x.T @ x
    xty = x.T @ y
    predicted = np.full(len(y), np.nan)
    for group in pd.unique(groups):
        rows = groups == group
        xg = x[rows]
        coef = np.linalg.lstsq(xtx - xg.T @ xg, xty - xg.T @ y[rows], rcond=None)[0]
        predicted[rows] = xg @ coef
    return predicted


def _one(frame: pd.DataFrame, outcome: str, focal: int | None) -> OosResult:
    y = frame["y"].to_numpy(dtype=float)
    groups = frame["ccode"].to_numpy()
    predicted = logo_predict(design_matrix(frame), y, groups)
    grouped = frame.groupby("ccode", sort=False)["y"]
    own = grouped.transform(lambda s: s.shift(1).expanding().mean()).to_numpy()
    own = np.where(np.isnan(own), frame["y_lag"].to_numpy(), own)
    year_sum = frame.groupby("year")["y"].transform("sum").to_numpy()
    year_n = frame.groupby("year")["y"].transform("count").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.where(year_n > 1, (year_sum - y) / (year_n - 1), np.nan)
    predictions = {
        "model": predicted,
        "persistence": frame["y_lag"].to_numpy(),
        "own_mean": own,
        "pooled_mean": pooled,
    }
    keep = np.all([np.isfinite(v) for v in predictions.values()], axis=0)
    rmse, skill = _score(y[keep], {k: v[keep] for k, v in predictions.items()})
    focal_scores = None
    if focal is not None:
        mine = keep & (groups == focal)
        if mine.sum() >= 2:
            f_rmse, f_skill = _score(y[mine], {k: v[mine] for k, v in predictions.items()})
            focal_scores = {
                "ccode": focal,
                "n_obs": int(mine.sum()),
                "rmse": f_rmse,
                "skill": f_skill,
            }
    return OosResult(
        outcome=outcome,
        n_obs=int(keep.sum()),
        n_partners=int(pd.unique(groups[keep]).size),
        rmse=rmse,
        skill=skill,
        focal=focal_scores,
    )


@single_threaded
def leave_one_partner_out(
    panel: pd.DataFrame,
    outcomes: tuple[str, ...] | list[str] | None = None,
    *,
    focal: int | None = None,
    min_partners: int = 5,
) -> OosReport:
    """Score leave-one-partner-out predictions of ``outcomes`` (default: all).

    Parameters
    ----------
    panel:
        The ``dyad_year`` table.
    outcomes:
        Outcome names (default: every one of :data:`~bilat.panel.treatments.OUTCOMES`).
    focal:
        A partner's COW code whose own scores are reported too.
    min_partners:
        Outcomes observed for fewer partners are skipped, with the reason.
    """
    names = list(OUTCOMES) if outcomes is None else [get_outcome(o).name for o in outcomes]
    assert set(FEATURES) <= set(TREATMENTS)
    results = []
    skipped: dict[str, str] = {}
    for name in names:
        frame = _frame(panel, name)
        partners = frame["ccode"].nunique()
        if partners < min_partners:
            skipped[name] = (
                f"observed in consecutive years for {partners} partners (need {min_partners})"
            )
            continue
        results.append(_one(frame, name, focal))
    if not results and names:
        raise DataMissingError("no outcome has enough partners to score out of sample")
    return OosReport(tuple(results), skipped)
