"""`bilat panel effects` and `bilat panel peers` on the shipped panel: --json contracts, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.errors import InputError, UnknownCodeError

runner = CliRunner()


def test_effects_twfe_json() -> None:
    result = runner.invoke(
        app,
        ["panel", "effects", "--treatment", "econ_share", "--outcome", "unga_agree", "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["estimator"] == "twfe"
    assert payload["interval"]["low"] <= payload["estimate"] <= payload["interval"]["high"]
    assert payload["n_partners"] > 100
    assert payload["pretrend"] is None
    assert payload["assumptions"]


def test_effects_event_text_names_the_pretrend_test() -> None:
    result = runner.invoke(
        app,
        [
            "panel",
            "effects",
            "--treatment",
            "econ_share",
            "--outcome",
            "unga_agree",
            "--estimator",
            "event",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "pre-trend test: F =" in result.output
    assert "partners:" in result.output
    assert "Parallel trends" in result.output


def test_peers_json_lists_reasons() -> None:
    result = runner.invoke(app, ["panel", "peers", "USA:PAK", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["focal"]["iso3"] == "PAK"
    assert len(payload["peers"]) == 3
    assert all(p["reason"] for p in payload["peers"])


def test_bad_names_are_user_errors() -> None:
    bad = runner.invoke(app, ["panel", "effects", "--estimator", "iv"])
    assert isinstance(bad.exception, UnknownCodeError)
    bad = runner.invoke(app, ["panel", "peers", "CHN:PAK"])
    assert isinstance(bad.exception, InputError)


def test_a_user_error_exits_2_with_one_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bilat.cli.main import main; main()",
            "panel",
            "effects",
            "--outcome",
            "nothing",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 2
    assert "unknown outcome code 'nothing'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
