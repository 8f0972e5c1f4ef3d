"""Counterfactual histories: replay the record to a branch year, then follow another policy.

The seed article's counterfactual — "had the US remained firmly engaged after
the Soviet withdrawal, it would have checked the growth of militancy" — is a
question about one history. :func:`branch` answers it inside the model: each
posterior draw replays the record up to ``branch_year``; from there the same
random streams (common random numbers) run twice, once with the record's own
instruments (what happened) and once with ``policy``'s, both under the
record's strategic salience and civilian control (the world outside the
dyad is held as it was). The paired difference, with its interval, is the
model's answer; the verdict rules of :mod:`bilat.sim.answer` decide whether
it may be stated or is beyond what the evidence can say.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import InputError
from bilat.sim._parallel import block_rng
from bilat.sim.answer import validation_block, verdict
from bilat.sim.calibration import CalibrationResult
from bilat.sim.experiments import parameter_draws
from bilat.sim.history import History, initial_for, load_history
from bilat.sim.mechanisms import DEFAULT_MECHANISMS, Mechanisms
from bilat.sim.model import run
from bilat.sim.params import Theta
from bilat.sim.policies import ConstantPolicy, Policy, get_policy

__all__ = ["BRANCH_OUTCOMES", "BranchResult", "branch"]

F64 = npt.NDArray[np.float64]

#: What a branch reports (lower is better for the US on each).
BRANCH_OUTCOMES: dict[str, str] = {
    "militant_threat": "militant threat to the US, averaged over the branch years",
    "proxies": "stock of Pakistan-backed proxies at the end of the branch",
    "pk_distrust": "1 - Pakistan's trust that the US will stay, averaged",
    "us_distrust": "1 - the US's trust in Pakistan, averaged",
    "china_dependence": "China's share of Pakistan's patronage at the end",
}
_RECORD = ("threat", "proxies", "pk_trust", "us_trust", "china_share")


@dataclass
class BranchResult:
    """A counterfactual history and what the evidence allows one to say about it.

    Attributes
    ----------
    branch_year, until, policy:
        Where the history branches, its last year, and the policy followed.
    rows:
        Per outcome: the record's continuation and the branch (means over
        draws), the paired difference (branch minus record) with its 90 %
        interval, ``p_better`` (posterior probability that the branch is
        better), ``p_prior`` (the same under the prior), and the verdict.
    statement:
        The answer in words the verdict rules allow.
    """

    branch_year: int
    until: int
    policy: str
    draws: int
    runs: int
    rows: list[dict[str, Any]]
    statement: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "branch_year": self.branch_year,
            "until": self.until,
            "policy": self.policy,
            "draws": self.draws,
            "runs": self.runs,
            "rows": self.rows,
            "statement": self.statement,
            "notes": self.notes,
        }


def _paired(
    history: History,
    policy: Policy,
    matrix: F64,
    branch_year: int,
    until: int,
    seed: int,
    mechanisms: Mechanisms,
) -> dict[str, tuple[F64, F64]]:
    """Per run: (record continuation, branch) for each outcome."""
    years = history.years
    before = [i for i, y in enumerate(years) if y < branch_year]
    after = [i for i, y in enumerate(years) if branch_year <= y <= until]
    theta = Theta.from_matrix(matrix)
    start = initial_for(history, matrix.shape[0])
    past = run(
        start,
        [history.schedule[i] for i in before],
        theta,
        block_rng(seed, (60, 0), 0),
        mechanisms=mechanisms,
    )
    actual = [history.schedule[i] for i in after]
    offered = policy.schedule([int(years[i]) for i in after])
    # the branch keeps the world outside the dyad as it was: salience and civilian control
    alternative = [
        replace(o, salience=a.salience, civilian=a.civilian)
        for o, a in zip(offered, actual, strict=True)
    ]
    out: dict[str, list[F64]] = {}
    for schedule in (actual, alternative):
        traj = run(
            past.final,
            schedule,
            theta,
            block_rng(seed, (60, 1), 0),
            record=_RECORD,
            mechanisms=mechanisms,
        )
        s = traj.series
        values = {
            "militant_threat": s["threat"].astype(float).mean(axis=0),
            "proxies": s["proxies"][-1].astype(float),
            "pk_distrust": 1.0 - s["pk_trust"].astype(float).mean(axis=0),
            "us_distrust": 1.0 - s["us_trust"].astype(float).mean(axis=0),
            "china_dependence": s["china_share"][-1].astype(float),
        }
        for k, v in values.items():
            out.setdefault(k, []).append(v)
    return {k: (v[0], v[1]) for k, v in out.items()}


def branch(
    policy: str | Policy,
    posterior: CalibrationResult | None,
    branch_year: int,
    *,
    until: int | None = None,
    runs: int = 20,
    draws: int = 100,
    seed: int = 0,
    case: str = "us-pakistan",
    history: History | None = None,
    mechanisms: Mechanisms = DEFAULT_MECHANISMS,
) -> BranchResult:
    """Replay the record to ``branch_year``, then follow ``policy`` through ``until``.

    Raises
    ------
    InputError
        A branch year outside the record, or the historical policy.
    """
    hist = history if history is not None else load_history(case)
    first, last = int(hist.years[0]), int(hist.years[-1])
    end = last if until is None else int(until)
    if not first < branch_year <= end <= last:
        raise InputError(
            f"the branch year must lie in {first + 1}-{last} and before --until ({end})",
            field="branch",
            value=branch_year,
        )
    chosen = get_policy(policy)
    if chosen.name == "historical":
        raise InputError(
            "the branch follows another policy than the record's; choose a forward policy",
            field="policy",
            value="historical",
        )
    results = {}
    for label, source in (("posterior", posterior), ("prior", None)):
        base = parameter_draws(source, draws, seed)
        matrix = np.repeat(base, runs, axis=0)
        results[label] = _paired(hist, chosen, matrix, branch_year, end, seed, mechanisms)
    block = validation_block(posterior)
    rows: list[dict[str, Any]] = []
    for o, meaning in BRANCH_OUTCOMES.items():
        actual, alt = results["posterior"][o]
        diff = (alt - actual).reshape(draws, runs).mean(axis=1)
        p_actual, p_alt = results["prior"][o]
        p0 = float(np.mean((p_alt - p_actual).reshape(draws, runs).mean(axis=1) < 0))
        p = float(np.mean(diff < 0))
        words, decided, why = verdict(p, p0, bool(block["usable"]))
        lo, hi = np.quantile(diff, [0.05, 0.95])
        rows.append(
            {
                "outcome": o,
                "meaning": meaning,
                "record": float(actual.mean()),
                "branch": float(alt.mean()),
                "difference": float(diff.mean()),
                "difference_interval": [float(lo), float(hi)],
                "p_better": p,
                "p_prior": p0,
                "verdict": words if decided else "beyond what the evidence can say",
                "decided": decided,
                "why_not": why,
            }
        )
    threat = rows[0]
    if threat["decided"]:
        statement = (
            f"Had the US followed '{chosen.name}' from {branch_year}, the model says the "
            f"militant threat through {end} would have been {threat['verdict']} than it was "
            f"(difference {threat['difference']:+.3f}, 90 % interval "
            f"[{threat['difference_interval'][0]:+.3f}, {threat['difference_interval'][1]:+.3f}];"
            f" P = {threat['p_better']:.2f})."
        )
    else:
        statement = (
            f"Whether '{chosen.name}' from {branch_year} would have checked the growth of "
            f"militancy through {end} is beyond what the evidence can say: "
            + (threat["why_not"] or "the evidence does not decide")
            + f" (model difference {threat['difference']:+.3f}, 90 % interval "
            f"[{threat['difference_interval'][0]:+.3f}, {threat['difference_interval'][1]:+.3f}],"
            f" P = {threat['p_better']:.2f} against {threat['p_prior']:.2f} under the prior)."
        )
    notes = [
        "the branch keeps the record's strategic salience and civilian control; only the "
        "US instruments change",
        "the panel's evidence on partners the US left after 1990 is not yet drawn on here",
    ]
    if isinstance(chosen, ConstantPolicy) and chosen.commitment > 0:
        notes.append("the policy's pledge is made in the branch year and runs down")
    return BranchResult(
        branch_year=branch_year,
        until=end,
        policy=chosen.name,
        draws=draws,
        runs=runs,
        rows=rows,
        statement=statement,
        notes=notes,
    )
