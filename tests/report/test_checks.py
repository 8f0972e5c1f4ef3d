"""The report's section on the model's checks (rendered from answer.json's answer block)."""

from __future__ import annotations

from bilat.report.checks import checks_section

BLOCK = {
    "calibrated": True,
    "usable": False,
    "reasons": ["fails its posterior predictive check (p = 0.030)"],
    "ppc": {"p_overall": 0.03, "passes": False, "outside_90": ["unga:<early>"], "count": 30},
    "out_of_sample": {
        "train_until": 2013,
        "scores": {
            "model": {"crps": 0.137, "rmse": 0.242},
            "persistence": {"crps": 0.159, "rmse": 0.13},
        },
    },
    "sbc": {
        "truths": 100,
        "budget_each": 2000,
        "coverage_90": 0.87,
        "uniform_parameters": 9,
        "error_ratio": 0.94,
        "policy_effect": [
            {"outcome": "trust_deficit", "coverage_90": 0.87, "rank_p": 0.68, "error_ratio": 1.04}
        ],
    },
    "identification": [
        {
            "parameter": "signal_weight",
            "verdict": "not identified",
            "width_ratio": 1.01,
            "ks_to_prior": 0.03,
            "mass_at_bounds": 0.02,
            "p_positive": 0.5,
        },
    ],
}


def test_the_checks_are_shown_whatever_they_show() -> None:
    answer = {
        "validation": BLOCK,
        "scenarios": [
            {
                "prior": "neutral",
                "evidence": "prior only",
                "status": "ok",
                "outcomes": {
                    "trust_deficit": {"p_better": 0.25, "verdict": "the evidence does not decide"}
                },
            },
            {
                "prior": "neutral",
                "evidence": "calibrated on all partners (hierarchical)",
                "status": "not done",
                "outcomes": {},
            },
        ],
        "elements": [
            {
                "policy": "security+trade",
                "outcome": "trust_deficit",
                "difference": -0.003,
                "p_better": 0.64,
                "verdict": "uncertain",
            }
        ],
        "conditions": ["on trust deficit, broadened does better where signal_weight above 0.1"],
        "what_would_decide": [
            {
                "outcome": "trust_deficit",
                "parameters": [
                    {"parameter": "signal_weight", "evidence": "partners' alignment after pledges"}
                ],
            }
        ],
    }
    html = checks_section(answer)
    assert 'id="checks"' in html
    assert "p = 0.030" in html
    assert "fails at 0.05" in html
    assert "persistence" in html and "0.159" in html  # noqa: PT018 - one rendered row
    assert "0.87" in html
    assert "not done" in html
    assert "security+trade" in html
    assert "What would decide it" in html
    assert "&lt;early&gt;" in html  # escaped
    assert "<early>" not in html


def test_missing_checks_say_so() -> None:
    html = checks_section({"statement": None})
    assert "were not reported" in html
