"""Breadth of cooperation: is a relationship security-only or broad?

For each period and direction, cooperative events (penta classes 1-2) are split
by domain (security, economic, diplomatic, governance, humanitarian). Breadth
is summarised by:

``share_<domain>``
    The domain's share of cooperative events (0 when there are none).
``entropy``
    Shannon entropy of those shares in nats, ``-sum p log p``.
``evenness``
    Entropy divided by ``log(5)``: 0 when all cooperation lies in one domain,
    1 when it is spread evenly over the five (Pielou's evenness).
``non_security_share``
    ``1 - share_security``, the share of cooperation outside security.
``effective_domains``
    ``exp(entropy)``, the number of equally used domains that would give the
    same entropy (Hill number of order 1).

Periods without cooperation get shares 0, entropy 0 and ``effective_domains`` 0
(nothing to spread), and ``cooperation`` 0 so they can be told apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.events.schema import DOMAINS

__all__ = ["breadth", "pooled_breadth"]


def _shares(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total[:, None] > 0, counts / np.where(total > 0, total, 1)[:, None], 0.0)
        logs = np.where(shares > 0, np.log(np.where(shares > 0, shares, 1.0)), 0.0)
    entropy = -(shares * logs).sum(axis=1)
    return shares, entropy


def breadth(series: pd.DataFrame) -> pd.DataFrame:
    """Breadth of cooperation per period and direction.

    Parameters
    ----------
    series:
        A dyad series from :func:`~bilat.measure.dyad_series` (it holds the
        ``coop_<domain>`` counts).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``label``, ``direction``, ``cooperation`` and the columns of
        the module docstring, one row per row of ``series``.
    """
    missing = [f"coop_{d}" for d in DOMAINS if f"coop_{d}" not in series.columns]
    if missing:
        raise InputError(
            f"the series lacks {', '.join(missing)}; make it with bilat.measure.dyad_series",
            field=missing[0],
        )
    counts = series[[f"coop_{d}" for d in DOMAINS]].to_numpy(dtype=float)
    shares, entropy = _shares(counts)
    out = series[["period", "label", "direction"]].copy()
    out["cooperation"] = counts.sum(axis=1)
    for i, d in enumerate(DOMAINS):
        out[f"share_{d}"] = shares[:, i]
    out["entropy"] = entropy
    out["evenness"] = entropy / np.log(len(DOMAINS))
    out["non_security_share"] = np.where(out["cooperation"] > 0, 1.0 - shares[:, 0], 0.0)
    out["effective_domains"] = np.where(out["cooperation"] > 0, np.exp(entropy), 0.0)
    out.attrs.update(series.attrs)
    return out.reset_index(drop=True)


def pooled_breadth(series: pd.DataFrame, direction: str | None = None) -> dict[str, float]:
    """Breadth of all cooperation over the whole span (optionally of one direction).

    Returns
    -------
    dict
        ``cooperation`` (count), ``share_<domain>``, ``entropy``, ``evenness``,
        ``non_security_share``.
    """
    part = series if direction is None else series[series["direction"] == direction]
    counts = part[[f"coop_{d}" for d in DOMAINS]].to_numpy(dtype=float).sum(axis=0)[None, :]
    shares, entropy = _shares(counts)
    out: dict[str, float] = {"cooperation": float(counts.sum())}
    for i, d in enumerate(DOMAINS):
        out[f"share_{d}"] = float(shares[0, i])
    out["entropy"] = float(entropy[0])
    out["evenness"] = float(entropy[0] / np.log(len(DOMAINS)))
    out["non_security_share"] = float(1.0 - shares[0, 0]) if counts.sum() > 0 else 0.0
    return out
