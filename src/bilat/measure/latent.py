"""A latent relationship score per period, with uncertainty.

In the spirit of the dynamic latent models fitted to dyads from event-class
counts (random-walk dynamics; the R/Stan package bilatr), bilat fits a linear
Gaussian state-space model that statsmodels can estimate by maximum likelihood
in milliseconds:

* **Observation.** The net-cooperation index of a period is the empirical log
  odds of cooperation against conflict,
  ``y_t = log((cooperation_t + 0.5) / (conflict_t + 0.5))`` (penta classes 1-2
  against 3-4; the 0.5 is the Haldane-Anscombe correction). A period with no
  cooperative or conflictual event is *missing*, not zero: the Kalman filter
  carries the score across it and its interval widens.
* **State.** ``y_t = mu_t + e_t``, ``mu_t = mu_{t-1} + w_t``: a local level
  (random walk plus noise; statsmodels ``UnobservedComponents(level="local
  level")``). The score is the smoothed level ``mu_t`` with its ``1 - alpha``
  interval from the smoothed state variance.

Identification. Latent dyadic scores are identified only up to sign and scale.
Here the sign is fixed by construction (positive = more cooperation than
conflict) and the scale is that of the log odds of cooperation: a score of 1
means cooperative events outnumber conflictual ones by ``e ≈ 2.7`` to 1, and 0
means they are even. Scores of different dyads are therefore comparable
without further normalisation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bilat.errors import InputError
from bilat.measure.series import split_directions

__all__ = ["LatentResult", "LatentScore", "net_cooperation_index"]


def net_cooperation_index(part: pd.DataFrame) -> np.ndarray:
    """The observed log odds of cooperation per period (NaN where nothing happened)."""
    coop = part["cooperation"].to_numpy(dtype=float)
    conflict = part["conflict"].to_numpy(dtype=float)
    y = np.log((coop + 0.5) / (conflict + 0.5))
    y[(coop + conflict) == 0] = np.nan
    return y


@dataclass
class LatentResult:
    """Latent relationship scores.

    Attributes
    ----------
    scores:
        One row per period and direction: ``period``, ``label``,
        ``direction``, ``index`` (observed log odds, NaN when empty),
        ``score``, ``sd``, ``lower``, ``upper``.
    params:
        Per direction: ``sigma2_level``, ``sigma2_irregular``,
        ``loglike``, ``converged``.
    alpha:
        ``1 - alpha`` is the interval's coverage.
    """

    scores: pd.DataFrame
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    alpha: float = 0.1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        rows = []
        for row in self.scores.to_dict("records"):
            clean = {}
            for k, v in row.items():
                if hasattr(v, "isoformat"):
                    v = v.isoformat()
                elif isinstance(v, np.generic):
                    v = v.item()
                clean[str(k)] = None if isinstance(v, float) and v != v else v
            rows.append(clean)
        return {"alpha": self.alpha, "params": self.params, "scores": rows}


class LatentScore:
    """Local-level state-space score of each direction's net cooperation.

    Parameters
    ----------
    alpha:
        Intervals cover ``1 - alpha`` (default 90 %).
    directions:
        Directions to fit (default both).

    Attributes
    ----------
    results_:
        The :class:`LatentResult` of the last :meth:`fit`.
    """

    def __init__(self, *, alpha: float = 0.1, directions: tuple[str, ...] | None = None) -> None:
        self.alpha = alpha
        self.directions = directions

    def fit(self, series: pd.DataFrame) -> LatentScore:
        """Fit the score of each direction of a dyad series.

        Returns
        -------
        LatentScore
            ``self``, with ``results_`` set.
        """
        from statsmodels.tools.sm_exceptions import ConvergenceWarning
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        parts = split_directions(series)
        chosen = list(parts) if self.directions is None else list(self.directions)
        unknown = [d for d in chosen if d not in parts]
        if unknown:
            raise InputError(
                f"unknown direction {unknown[0]!r}; choose from {', '.join(parts)}",
                field="directions",
                value=unknown[0],
            )
        z = float(stats.norm.ppf(1 - self.alpha / 2))
        frames = []
        params: dict[str, dict[str, Any]] = {}
        for name in chosen:
            part = parts[name].sort_index()
            y = net_cooperation_index(part)
            observed = int(np.isfinite(y).sum())
            if observed < 3:
                raise InputError(
                    f"{name} has {observed} periods with events; a latent score needs at least 3",
                    field="series",
                    value=observed,
                )
            model = UnobservedComponents(y, level="local level")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                fit = model.fit(disp=False, maxiter=200)
            converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
            level = np.asarray(fit.smoothed_state[0], dtype=float)
            sd = np.sqrt(np.maximum(np.asarray(fit.smoothed_state_cov[0, 0], dtype=float), 0.0))
            frames.append(
                pd.DataFrame(
                    {
                        "period": list(part.index),
                        "label": part["label"].to_numpy(),
                        "direction": name,
                        "index": y,
                        "score": level,
                        "sd": sd,
                        "lower": level - z * sd,
                        "upper": level + z * sd,
                    }
                )
            )
            names = list(fit.model.param_names)
            values = np.asarray(fit.params, dtype=float)
            params[name] = {
                "sigma2_level": float(values[names.index("sigma2.level")]),
                "sigma2_irregular": float(values[names.index("sigma2.irregular")]),
                "loglike": float(fit.llf),
                "converged": converged,
            }
        scores = pd.concat(frames, ignore_index=True).sort_values(
            ["period", "direction"], kind="stable"
        )
        self.results_ = LatentResult(scores.reset_index(drop=True), params, self.alpha)
        return self
