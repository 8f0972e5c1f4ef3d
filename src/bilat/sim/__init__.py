"""The strategic model of the partnership: a vectorised simulator, its calibration, experiments.

``step(state, policy_t, theta, rng)`` advances arrays of runs by one year
(:mod:`bilat.sim.model`); the mechanisms it combines each cite their source
(:mod:`bilat.sim.mechanisms`); policies are small declarative classes
(:mod:`bilat.sim.policies`). :func:`calibrate` fits the free parameters to the
record by ABC-SMC and reports what the data identify; :func:`compare`,
:func:`sensitivity` and :func:`answer` run the policy experiments and answer the
article's question with its uncertainty. See docs/sim.md.

Example
-------
>>> import bilat.sim as sim
>>> cal = sim.calibrate(case="us-pakistan", budget=2000, seed=1, check=False)
>>> cmp = sim.compare(["security-only", "broadened"], cal, runs=5, years=10, seed=1, draws=20)
>>> sorted(cmp.table.policy.unique())
['broadened', 'security-only']
"""

from __future__ import annotations

from bilat.sim.answer import Answer, answer
from bilat.sim.branch import BranchResult, branch
from bilat.sim.calibration import (
    DEFAULT_BUDGET,
    QUICK_BUDGET,
    CalibrationResult,
    Calibrator,
    calibrate,
)
from bilat.sim.experiments import (
    BASELINE,
    DEFAULT_POLICIES,
    PROPOSAL,
    ComparisonResult,
    SensitivityResult,
    compare,
    sensitivity,
    simulate,
)
from bilat.sim.history import History, load_history, synthetic_history
from bilat.sim.instruments import Instruments
from bilat.sim.mechanisms import (
    COIN_FLIP_MECHANISMS,
    DEFAULT_MECHANISMS,
    NULL_MECHANISMS,
    Mechanisms,
)
from bilat.sim.model import OUTCOMES, Trajectory, outcomes, run, step
from bilat.sim.params import FREE_PARAMETERS, PRIOR_SCENARIOS, PRIORS, Prior, Theta
from bilat.sim.policies import POLICIES, Policy, get_policy, load_policy
from bilat.sim.state import ACTIONS, REGIMES, State, initial_state

__all__ = [
    "ACTIONS",
    "BASELINE",
    "COIN_FLIP_MECHANISMS",
    "DEFAULT_BUDGET",
    "DEFAULT_MECHANISMS",
    "DEFAULT_POLICIES",
    "FREE_PARAMETERS",
    "NULL_MECHANISMS",
    "OUTCOMES",
    "POLICIES",
    "PRIORS",
    "PRIOR_SCENARIOS",
    "PROPOSAL",
    "QUICK_BUDGET",
    "REGIMES",
    "Answer",
    "BranchResult",
    "CalibrationResult",
    "Calibrator",
    "ComparisonResult",
    "History",
    "Instruments",
    "Mechanisms",
    "Policy",
    "Prior",
    "SensitivityResult",
    "State",
    "Theta",
    "Trajectory",
    "answer",
    "branch",
    "calibrate",
    "compare",
    "get_policy",
    "initial_state",
    "load_history",
    "load_policy",
    "outcomes",
    "run",
    "sensitivity",
    "simulate",
    "step",
    "synthetic_history",
]
