"""``bilat measure`` and ``bilat claims``: human output, the --json contracts, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.datasets import synthetic_dyad
from bilat.events import EventStore

runner = CliRunner()
CLAIM_KEYS = {
    "claim_id", "title", "statistic", "value", "interval", "interval_kind", "verdict", "reason",
    "evidence", "details",
}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("measure") / "events.duckdb"
    with EventStore(path) as store:
        events = synthetic_dyad(years=12, dyad="USA:PAK", seed=4).events
        store.add_batch(events, file="synthetic", sha256="synthetic-4")
    return path


def test_measure_json_contract(db: Path) -> None:
    result = runner.invoke(app, ["measure", "--dyad", "USA:PAK", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {
        "dyad", "freq", "periods", "series", "breadth", "phases", "reciprocity", "latent", "notes",
        "scope", "include_substate", "substate_left_out",
    }  # fmt: skip
    assert payload["scope"] == "state-state"
    assert payload["include_substate"] is False
    assert payload["dyad"] == "USA:PAK"
    assert payload["freq"] == "year"
    assert payload["periods"] == 12
    row = payload["series"][0]
    assert {"period", "label", "direction", "events", "quad_1", "penta_0", "goldstein_sum",
            "goldstein_pos", "goldstein_neg", "coop_share", "coercion_share",
            "domain_security_share"} <= set(row)  # fmt: skip
    assert set(payload["breadth"]) == {"by_period", "overall"}
    assert set(payload["breadth"]["overall"]) == {"USA->PAK", "PAK->USA"}
    assert set(payload["phases"]) == {"hmm", "changepoint"}
    hmm = payload["phases"]["hmm"]["USA->PAK"]
    assert {"phases", "transitions", "details"} <= set(hmm)
    assert {"label", "start", "end", "events", "coop_share"} <= set(hmm["phases"][0])
    rec = payload["reciprocity"]
    assert {"lag_order", "granger", "reciprocity", "routine", "irf"} <= set(rec)
    assert {"cause", "effect", "statistic", "pvalue", "significant"} <= set(rec["granger"][0])
    assert {"scores", "params", "alpha"} <= set(payload["latent"])


def test_measure_month_and_since_until(db: Path) -> None:
    args = ["measure", "--dyad", "USA:PAK", "--db", str(db), "--freq", "month",
            "--since", "1985-01-01", "--until", "1986-12-31", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["periods"] == 24
    assert payload["series"][0]["label"] == "1985-01"


def test_measure_human_output(db: Path) -> None:
    result = runner.invoke(app, ["measure", "--dyad", "USA:PAK", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "USA:PAK by year" in result.output
    assert "Granger-causes" in result.output
    assert "breadth of USA->PAK" in result.output


def test_measure_missing_or_empty_store_suggests_record_load(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["measure", "--dyad", "USA:PAK", "--db", str(tmp_path / "no.db")])
    assert missing.exit_code != 0
    assert "bilat record load" in str(missing.exception) + missing.output
    empty = tmp_path / "empty.duckdb"
    EventStore(empty).close()
    result = runner.invoke(app, ["measure", "--dyad", "USA:PAK", "--db", str(empty)])
    assert result.exit_code != 0
    assert "bilat record load" in str(result.exception) + result.output


def test_measure_bad_frequency_and_dyad(db: Path) -> None:
    bad = runner.invoke(app, ["measure", "--dyad", "USA:PAK", "--db", str(db), "--freq", "week"])
    assert bad.exit_code != 0
    assert "year, quarter or month" in str(bad.exception)
    bad = runner.invoke(app, ["measure", "--dyad", "USAPAK", "--db", str(db)])
    assert bad.exit_code != 0
    assert "ISO3" in str(bad.exception)


def test_measure_unknown_dyad_notes_no_events(db: Path) -> None:
    result = runner.invoke(app, ["measure", "--dyad", "FRA:DEU", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["series"] == []
    assert payload["notes"]


def test_claims_json_contract() -> None:
    result = runner.invoke(app, ["claims", "us-pakistan", "--json", "--n-boot", "200"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["case"] == "us-pakistan"
    claims = payload["claims"]
    assert len(claims) >= 8
    for claim in claims:
        assert set(claim) == CLAIM_KEYS
        assert claim["verdict"] in ("supported", "not supported", "mixed", "insufficient data")


def test_claims_human_output_and_unknown_case() -> None:
    result = runner.invoke(app, ["claims", "us-pakistan", "--n-boot", "100"])
    assert result.exit_code == 0, result.output
    assert "surge_exit" in result.output
    bad = runner.invoke(app, ["claims", "us-mars"])
    assert bad.exit_code != 0
    assert "us-pakistan" in str(bad.exception)
