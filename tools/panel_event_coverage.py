"""Coverage of the event study's intervals on seeded synthetic panels (minutes; not a test).

Usage: python tools/panel_event_coverage.py [SEEDS] [COHORT_WIDTH]

For each seed it draws :func:`bilat.panel.synthetic.synthetic_panel`, estimates the event study
of broadening shifts on an outcome with no planted effect (``rival_arms_share``) and on one with
a planted effect (``unga_agree``), and counts how often the 90 % intervals cover the truth and how
often the pre-trend test rejects at 10 %.
"""

from __future__ import annotations

import sys

from bilat.panel.effects import event_study
from bilat.panel.synthetic import synthetic_panel


def main(seeds: int = 40, width: int = 5) -> None:
    """Print the coverage counts."""
    null_cover = pretrend_reject = effect_cover = 0
    for seed in range(seeds):
        truth = synthetic_panel(seed=seed)
        null = event_study(truth.panel, "econ_share", "rival_arms_share", cohort_width=width)
        null_cover += null.ci_low <= 0 <= null.ci_high
        pretrend_reject += null.pretrend_p < 0.1
        planted = event_study(truth.panel, "econ_share", "unga_agree", cohort_width=width)
        target = truth.event_effect * 5 / 6  # no effect at onset, the full effect for 5 years
        effect_cover += planted.ci_low <= target <= planted.ci_high
    print(
        f"{seeds} seeds, cohort width {width}: null covered {null_cover}, pre-trend rejected "
        f"{pretrend_reject}, planted effect covered {effect_cover}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
