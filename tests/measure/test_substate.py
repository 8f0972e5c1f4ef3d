"""The sub-state layer: state-state by default, sub-state events only when asked."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.events import EventStore, validate_frame
from bilat.measure import dyad_series, measure_dyad
from bilat.ontology import SUBSTATE_SECTORS, is_substate
from bilat.ontology import cameo as cameo_code

runner = CliRunner()


def _event(day: str, actor: str, recipient: str, cameo: str) -> dict[str, Any]:
    code = cameo_code(cameo)
    return {
        "id": f"t:{day}-{actor}-{recipient}-{cameo}",
        "date": dt.date.fromisoformat(day),
        "date_precision": "day",
        "actor_code": actor,
        "actor_country": actor[:3],
        "actor_sector": actor[3:] or None,
        "actor_text": actor,
        "recipient_code": recipient,
        "recipient_country": recipient[:3],
        "recipient_sector": recipient[3:] or None,
        "recipient_text": recipient,
        "cameo": cameo,
        "root": code.root,
        "quad": code.quad,
        "penta": code.penta,
        "goldstein": code.goldstein,
        "domain": "security",
        "modality": "asserted",
        "dataset": "test",
        "weight": 1.0,
    }


@pytest.fixture
def events() -> pd.DataFrame:
    return validate_frame(
        [
            _event("2001-03-01", "USAGOV", "PAKGOV", "042"),
            _event("2001-06-01", "USASPY", "PAKINS", "195"),  # strike on militants
            _event("2002-02-01", "PAKINS", "USACVL", "183"),  # militant attack
            _event("2002-05-01", "USAGOV", "PAKSEP", "163"),  # designation of separatists
            _event("2002-07-01", "PAKGOV", "USAGOV", "111"),
            _event("2002-08-01", "PAK", "USA", "111"),  # no sector: kept
        ]
    )


def test_the_ontology_names_the_substate_sectors() -> None:
    assert {"INS", "REB", "SEP"} <= set(SUBSTATE_SECTORS)
    assert all(SUBSTATE_SECTORS.values())
    assert is_substate("INS")
    assert is_substate("sep")
    assert not is_substate("GOV")
    assert not is_substate("CVL")
    assert not is_substate(None)


def test_series_count_state_state_events_by_default(events: pd.DataFrame) -> None:
    default = dyad_series(events, "USA:PAK")
    assert int(default["events"].sum()) == 3
    assert default.attrs["scope"] == "state-state"
    assert default.attrs["substate_left_out"] == 3
    assert int(default["coercion"].sum()) == 0
    everything = dyad_series(events, "USA:PAK", include_substate=True)
    assert int(everything["events"].sum()) == 6
    assert everything.attrs["include_substate"] is True
    assert int(everything["coercion"].sum()) == 1


def test_measure_dyad_reports_its_scope(events: pd.DataFrame) -> None:
    found = measure_dyad(events, "USA:PAK")
    payload = found.to_dict()
    assert (payload["scope"], payload["include_substate"], payload["substate_left_out"]) == (
        "state-state",
        False,
        3,
    )
    wide = measure_dyad(events, "USA:PAK", include_substate=True).to_dict()
    assert (wide["scope"], wide["substate_left_out"]) == ("state and sub-state", 0)


@pytest.fixture
def db(tmp_path: Path, events: pd.DataFrame) -> Path:
    path = tmp_path / "events.duckdb"
    with EventStore(path) as store:
        store.add_batch(events, file="substate-test", sha256="substate-test")
    return path


def test_cli_switch_and_scope_in_json_and_text(db: Path) -> None:
    base = ["measure", "--dyad", "USA:PAK", "--db", str(db)]
    default = json.loads(runner.invoke(app, [*base, "--json"]).output)
    assert default["scope"] == "state-state"
    assert sum(r["events"] for r in default["series"]) == 3
    wide = json.loads(runner.invoke(app, [*base, "--json", "--include-substate"]).output)
    assert wide["scope"] == "state and sub-state"
    assert sum(r["events"] for r in wide["series"]) == 6
    text = runner.invoke(app, base)
    assert text.exit_code == 0, text.output
    assert "state-state only (3 sub-state event(s) left out" in text.output
    assert "state and sub-state" in runner.invoke(app, [*base, "--include-substate"]).output


def test_a_cameo_country_code_points_at_its_iso3() -> None:
    from bilat.cli.measure import check_dyad_countries
    from bilat.errors import UnknownCodeError

    check_dyad_countries("USA:SUN")
    with pytest.raises(UnknownCodeError) as caught:
        check_dyad_countries("USA:USR")
    assert caught.value.suggestions[0] == "SUN"


def test_unknown_country_exits_2_naming_the_nearest_codes(db: Path) -> None:
    command = "from bilat.cli.main import main; main()"
    args = ["measure", "--dyad", "USA:XYZ", "--db", str(db)]
    result = subprocess.run(
        [sys.executable, "-c", command, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "XYZ" in message
    assert "nearest valid" in message
