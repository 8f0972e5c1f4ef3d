"""The study's comparative stage: agreement with the model, the answer's panel block."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bilat.events import EventStore
from bilat.panel.synthetic import synthetic_panel
from bilat.study.answer import build_answer, validate_answer
from bilat.study.comparative import LINKS, compare_partners, compare_with_model
from bilat.study.stages import Context

from ..report.fake import shared_fake


def effect(outcome: str, estimate: float, low: float, high: float, **extra: Any) -> dict[str, Any]:
    return {
        "treatment": "broadening_index",
        "outcome": outcome,
        "estimate": estimate,
        "interval": {"low": low, "high": high, "level": 0.9},
        **extra,
    }


def model(outcome: str, diff: float, low: float, high: float) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "difference": diff,
        "difference_interval": {"low": low, "high": high, "level": 0.9},
    }


@pytest.mark.parametrize(
    ("twfe", "event", "model_diff", "verdict"),
    [
        # broadening raises UNGA agreement (panel) and lowers the trust deficit (model)
        ((0.02, 0.01, 0.03), (0.02, 0.01, 0.03), (-0.1, -0.2, -0.05), "agree"),
        # the panel says broadening lowers agreement: against the model
        ((-0.02, -0.03, -0.01), (0.0, -0.01, 0.01), (-0.1, -0.2, -0.05), "disagree"),
        ((0.0, -0.01, 0.01), (0.0, -0.01, 0.01), (-0.1, -0.2, -0.05), "panel_undecided"),
        ((0.02, 0.01, 0.03), (0.0, -0.01, 0.01), (-0.1, -0.2, 0.05), "model_undecided"),
        ((0.02, 0.01, 0.03), (-0.02, -0.03, -0.01), (-0.1, -0.2, -0.05), "panel_split"),
        ((0.0, -0.01, 0.01), (0.0, -0.01, 0.01), (0.0, -0.2, 0.2), "neither_decides"),
    ],
)
def test_agreement_table(
    twfe: tuple[float, float, float],
    event: tuple[float, float, float],
    model_diff: tuple[float, float, float],
    verdict: str,
) -> None:
    evidence = {
        "effects": [effect("unga_agree", *twfe)],
        "event_studies": [effect("unga_agree", *event) | {"treatment": "econ_share"}],
    }
    rows = compare_with_model(evidence, [model("trust_deficit", *model_diff)])
    row = next(r for r in rows if r["model_outcome"] == "trust_deficit")
    assert row["verdict"] == verdict
    assert row["sentence"].endswith(verdict.replace("_", " ") + ".")


def test_outcomes_without_a_counterpart_say_so() -> None:
    rows = compare_with_model(
        {"effects": [], "event_studies": []}, [model("militant_threat", 1, 0, 2)]
    )
    assert rows[-1]["verdict"] == "not_available"
    assert "no measure" in rows[-1]["sentence"]
    assert {link.model_outcome for link in LINKS} == {
        "trust_deficit",
        "china_dependence",
        "rupture",
    }


def test_stage_fills_the_answer_block_and_it_validates() -> None:
    result = copy.deepcopy(shared_fake())
    result.answer["outcomes"] = [
        model("trust_deficit", 0.1, 0.05, 0.2),  # the model: broadening RAISES the deficit
        model("china_dependence", 0.0, -0.1, 0.1),
    ]
    truth = synthetic_panel(40, (1975, 2005), seed=9)
    with EventStore(":memory:") as store:
        ctx = Context(result=result, store=store, scratch={"panel": truth.panel})
        compare_partners(ctx)
    assert result.panel["focal"] == "USA:PAK"
    agreement = {r["model_outcome"]: r for r in result.panel["agreement"]}
    # the synthetic panel plants broadening -> more UNGA agreement: against this model
    assert agreement["trust_deficit"]["panel_twfe"] == -1
    assert agreement["trust_deficit"]["verdict"] == "disagree"
    assert "DISAGREES" in result.panel["statement"]
    assert result.answer["caveats"][-1] == result.panel["statement"]
    answer = build_answer(result)
    validate_answer(answer)
    block = answer["panel"]
    assert block["status"] == "ok"
    assert {e["estimator"] for e in block["effects"]} == {"twfe"}
    assert block["event_studies"][0]["pretrend"]["df"] >= 1
    assert block["peers"]["focal"]["iso3"] == "PAK"
    assert "trajectories" not in block


def test_security_only_counts_against_broadening() -> None:
    evidence = {
        "effects": [
            effect("unga_agree", 0.02, 0.01, 0.03),
            # security-only years with more agreement: evidence against broadening
            effect("unga_agree", 0.02, 0.01, 0.03) | {"treatment": "security_only"},
        ],
        "event_studies": [],
    }
    rows = compare_with_model(evidence, [model("trust_deficit", -0.1, -0.2, -0.05)])
    assert rows[0]["panel_twfe"] == -1  # broadening lowers the deficit
    assert rows[0]["panel_security"] == 1  # security-only aid's effect, reversed
    assert rows[0]["verdict"] == "panel_split"
