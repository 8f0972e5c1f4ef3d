"""Everything the study asks of the panel, in one call: effects, event studies, peers, scores.

:func:`gather_evidence` runs the two-way FE design for the study's treatments
on every outcome, the event study around broadening shifts on every outcome,
the leave-one-partner-out scores, and the focal partner's peers with their
outcome trajectories. A pair that cannot be estimated (too few partners) is
listed with its reason rather than dropped. It is one BLAS thread throughout
and takes well under 30 s on a shared two-core machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bilat.errors import DataMissingError
from bilat.panel.effects import EventStudyResult, TwfeResult, event_study, twfe
from bilat.panel.oos import OosReport, leave_one_partner_out
from bilat.panel.peers import PeersResult, find_peers, peer_trajectories
from bilat.panel.treatments import OUTCOMES, check_panel, get_treatment

__all__ = [
    "STUDY_EVENT_TREATMENT",
    "STUDY_TREATMENTS",
    "TRAJECTORY_OUTCOMES",
    "PanelEvidence",
    "gather_evidence",
]

#: Treatments whose two-way FE effects the study reports on every outcome.
STUDY_TREATMENTS = ("broadening_index", "econ_share", "security_only")

#: The treatment whose sharp shifts start the study's event studies.
STUDY_EVENT_TREATMENT = "econ_share"

#: Outcomes whose yearly values the report draws for the focal partner and its peers.
TRAJECTORY_OUTCOMES = ("unga_agree", "rival_arms_share")


@dataclass(frozen=True)
class PanelEvidence:
    """The comparative evidence for one focal partner.

    Attributes
    ----------
    effects:
        Two-way FE results (treatment x outcome).
    events:
        Event-study results, one per outcome that could be estimated.
    skipped:
        ``"treatment -> outcome (design)"`` -> why it could not be estimated.
    oos:
        Leave-one-partner-out scores.
    peers:
        The focal partner's peers (``None`` when they could not be matched).
    trajectories:
        Outcome -> yearly values of the focal partner and its peers.
    n_partners, years:
        Partners and year span of the panel.
    seconds, cpu_seconds:
        Wall-clock and CPU time of the whole estimation.
    """

    effects: tuple[TwfeResult, ...]
    events: tuple[EventStudyResult, ...]
    skipped: dict[str, str]
    oos: OosReport
    peers: PeersResult | None
    trajectories: dict[str, pd.DataFrame] = field(default_factory=dict)
    n_partners: int = 0
    years: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def effect(self, treatment: str, outcome: str) -> TwfeResult | None:
        """The two-way FE result of a pair, if it was estimated."""
        return next(
            (r for r in self.effects if r.treatment == treatment and r.outcome == outcome), None
        )

    def event(self, outcome: str) -> EventStudyResult | None:
        """The event study of an outcome, if it was estimated."""
        return next((r for r in self.events if r.outcome == outcome), None)

    def summary(self) -> str:
        """Every estimate, one per line, then the scores and the peers."""
        lines = [r.summary() for r in self.effects]
        lines += [r.summary() for r in self.events]
        lines += [f"{k}: not estimated ({v})" for k, v in self.skipped.items()]
        lines.append(self.oos.summary())
        if self.peers is not None:
            lines.append(self.peers.summary())
        lines.append(f"estimation took {self.seconds:.1f} s ({self.cpu_seconds:.1f} s CPU)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The evidence as a JSON-ready dict (trajectories as lists of records)."""
        return {
            "n_partners": self.n_partners,
            "years": list(self.years),
            "effects": [r.to_dict() for r in self.effects],
            "event_studies": [r.to_dict() for r in self.events],
            "skipped": dict(self.skipped),
            "oos": self.oos.to_dict(),
            "peers": None if self.peers is None else self.peers.to_dict(),
            "trajectories": {k: v.to_dict("records") for k, v in self.trajectories.items()},
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
        }


def gather_evidence(
    panel: pd.DataFrame,
    focal: str | int = "USA:PAK",
    *,
    treatments: tuple[str, ...] = STUDY_TREATMENTS,
    event_treatment: str = STUDY_EVENT_TREATMENT,
    level: float = 0.9,
    k_peers: int = 5,
) -> PanelEvidence:
    """Run every design the study reports on ``panel``.

    Parameters
    ----------
    panel:
        The ``dyad_year`` table.
    focal:
        The partner whose peers and own out-of-sample scores are reported.
    treatments:
        Treatments for the two-way FE design (each on every outcome).
    event_treatment:
        The treatment whose sharp shifts start the event studies.
    level:
        Interval level.
    k_peers:
        Number of peers.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    check_panel(panel)
    for name in treatments:
        get_treatment(name)
    skipped: dict[str, str] = {}
    effects = []
    for treatment in treatments:
        for outcome in OUTCOMES:
            try:
                effects.append(twfe(panel, treatment, outcome, level=level))
            except DataMissingError as err:
                skipped[f"{treatment} -> {outcome} (twfe)"] = str(err)
    events = []
    for outcome in OUTCOMES:
        try:
            events.append(event_study(panel, event_treatment, outcome, level=level))
        except DataMissingError as err:
            skipped[f"{event_treatment} -> {outcome} (event)"] = str(err)
    peers: PeersResult | None
    try:
        peers = find_peers(panel, focal, k=k_peers)
    except DataMissingError as err:
        peers = None
        skipped["peers"] = str(err)
    focal_code = None if peers is None else peers.focal_ccode
    oos = leave_one_partner_out(panel, focal=focal_code)
    trajectories = (
        {}
        if peers is None
        else {o: peer_trajectories(panel, peers, o) for o in TRAJECTORY_OUTCOMES}
    )
    return PanelEvidence(
        effects=tuple(effects),
        events=tuple(events),
        skipped=skipped,
        oos=oos,
        peers=peers,
        trajectories=trajectories,
        n_partners=int(panel["ccode"].nunique()),
        years=(int(panel["year"].min()), int(panel["year"].max())),
        seconds=time.perf_counter() - wall,
        cpu_seconds=time.process_time() - cpu,
    )
