"""The model's commands and their --json contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.errors import UnknownCodeError
from bilat.sim.model import OUTCOMES
from bilat.sim.params import FREE_PARAMETERS

runner = CliRunner()


def invoke(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_calibrate_json() -> None:
    out = invoke(
        "calibrate", "--case", "us-pakistan", "--budget", "800", "--seed", "1", "--no-check"
    )
    assert out["case"] == "us-pakistan"
    assert out["budget"] == 800
    assert len(out["identification"]) == len(FREE_PARAMETERS)
    row = out["identification"][0]
    assert {"parameter", "prior_90", "posterior_90", "width_ratio", "verdict", "source"} <= set(row)
    assert {"simulate_seconds", "total_seconds", "overhead"} <= set(out["timings"])
    assert out["sbc"] is None
    assert out["holdout"] is None


def test_calibrate_text() -> None:
    result = runner.invoke(app, ["calibrate", "--budget", "800", "--no-check"])
    assert result.exit_code == 0, result.output
    assert "width ratio" in result.output


def test_simulate_json() -> None:
    out = invoke(
        "simulate",
        "--case",
        "us-pakistan",
        "--policy",
        "broadened",
        "--runs",
        "2",
        "--years",
        "5",
        "--draws",
        "3",
        "--budget",
        "800",
    )
    assert out["policy"]["name"] == "broadened"
    assert {r["outcome"] for r in out["rows"]} == set(OUTCOMES)


def test_compare_json_and_text(tmp_path: Path) -> None:
    out = invoke(
        "compare",
        "--policies",
        "security-only,broadened",
        "--runs",
        "2",
        "--years",
        "4",
        "--draws",
        "4",
        "--budget",
        "800",
    )
    assert out["comparison"]["baseline"] == "security-only"
    assert out["answer"]["question"].startswith("Should the US")
    assert len(out["answer"]["outcomes"]) == len(OUTCOMES)
    text = runner.invoke(
        app,
        [
            "compare",
            "--policies",
            "broadened",
            "--runs",
            "2",
            "--years",
            "3",
            "--draws",
            "3",
            "--prior",
        ],
    )
    assert text.exit_code == 0, text.output
    assert "P(better)" in text.output


def test_sensitivity_json() -> None:
    out = invoke(
        "sensitivity", "--samples", "4", "--runs", "2", "--years", "3", "--method", "morris"
    )
    assert out["method"] == "morris"
    assert out["ranges"] == "prior"
    assert isinstance(out["sign_flips"], dict)
    assert isinstance(out["conditions"], list)


def test_unknown_policy_is_an_error() -> None:
    result = runner.invoke(app, ["simulate", "--policy", "broaden", "--prior"])
    assert result.exit_code != 0
    assert isinstance(result.exception, UnknownCodeError)
    assert "broadened" in str(result.exception)


@pytest.mark.parametrize("command", ["calibrate", "simulate", "compare", "sensitivity"])
def test_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--json" in result.output
