"""``bilat ontology ...``: tables, lookups, --json contracts and the unknown-code error."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from bilat.cli import main as cli_main
from bilat.cli.main import app
from bilat.errors import UnknownCodeError

runner = CliRunner()


def test_cameo_one_code() -> None:
    result = runner.invoke(app, ["ontology", "cameo", "0211"])
    assert result.exit_code == 0, result.output
    assert "Appeal for economic cooperation" in result.output


def test_cameo_one_code_json() -> None:
    result = runner.invoke(app, ["ontology", "cameo", "0211", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["code"] == "0211"
    assert payload["goldstein"] == 3.4
    assert payload["quad"] == 1
    assert {"label", "root", "penta", "plover_event", "domain", "source"} <= set(payload)


def test_cameo_table_json() -> None:
    result = runner.invoke(app, ["ontology", "cameo", "--json"])
    assert result.exit_code == 0
    codes = json.loads(result.output)["codes"]
    assert len(codes) >= 290
    assert codes[0]["code"] == "01"
    assert all(isinstance(c["code"], str) for c in codes)


def test_cameo_table_text() -> None:
    result = runner.invoke(app, ["ontology", "cameo"])
    assert result.exit_code == 0
    assert "CAMEO event codes" in result.output


def test_unknown_code_raises_naming_nearest() -> None:
    result = runner.invoke(app, ["ontology", "cameo", "0215"])
    assert isinstance(result.exception, UnknownCodeError)
    assert result.exception.suggestions[:2] == ["021", "0211"]


def test_unknown_code_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["bilat", "ontology", "cameo", "0215"])
    with pytest.raises(SystemExit) as info:
        cli_main.main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "0215" in err
    assert "0211" in err


def test_countries_query_and_json() -> None:
    result = runner.invoke(app, ["ontology", "countries", "Pakistani", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["countries"]
    assert [r["iso3"] for r in rows] == ["PAK"]
    assert rows[0]["cow"] == "770"
    assert rows[0]["historical"] is False
    result = runner.invoke(app, ["ontology", "countries", "korea", "--json"])
    assert {r["iso3"] for r in json.loads(result.output)["countries"]} == {"KOR", "PRK"}
    result = runner.invoke(app, ["ontology", "countries", "--json"])
    assert len(json.loads(result.output)["countries"]) >= 200
    result = runner.invoke(app, ["ontology", "countries", "PK"])
    assert "Pakistan" in result.output


def test_countries_unknown() -> None:
    result = runner.invoke(app, ["ontology", "countries", "Narnia"])
    assert isinstance(result.exception, UnknownCodeError)


def test_sectors_and_disagreements() -> None:
    result = runner.invoke(app, ["ontology", "sectors", "--json"])
    assert result.exit_code == 0
    sectors = json.loads(result.output)["sectors"]
    assert {"GOV", "MIL"} <= {s["code"] for s in sectors}
    result = runner.invoke(app, ["ontology", "sectors"])
    assert "GOV" in result.output
    result = runner.invoke(app, ["ontology", "disagreements", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)["disagreements"]
    assert [r["code"] for r in rows][:2] == ["016", "022"]
    assert rows[0]["chosen"] == -2.0
    assert rows[-1]["observed"] is None or isinstance(rows[-1]["observed"], str)
    result = runner.invoke(app, ["ontology", "disagreements"])
    assert "016" in result.output
