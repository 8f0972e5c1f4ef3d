"""``bilat record``: the --json contracts, loading twice, and the documented examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat import record
from bilat.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    assert result.exit_code == 0, f"{args}: {result.output}\n{result.exception!r}"
    return result.output


def test_list_json_contract() -> None:
    payload = json.loads(
        run("record", "list", "--since", "2011-01-01", "--until", "2011-12-31", "--json")
    )
    assert set(payload) == {"count", "events"}
    assert payload["count"] == len(payload["events"]) > 5
    first = payload["events"][0]
    assert {"id", "date", "cameo", "root", "quad", "goldstein", "sentence", "citation"} <= set(
        first
    )
    assert isinstance(first["cameo"], str)
    assert first["dataset"] == "record"
    assert all(e["date"].startswith("2011") for e in payload["events"])


def test_list_table() -> None:
    out = run("record", "list", "--since", "2011-05-02", "--until", "2011-05-02")
    assert "Abbottabad" in out


def test_series_listing_json_contract() -> None:
    payload = json.loads(run("record", "series", "--json"))
    names = [s["name"] for s in payload["series"]]
    assert names == record.series_names()
    for item in payload["series"]:
        assert {"name", "description", "first_year", "last_year", "rows", "columns"} <= set(item)
        assert item["rows"] == item["last_year"] - item["first_year"] + 1


def test_one_series_json_contract() -> None:
    payload = json.loads(run("record", "series", "regime", "--json"))
    assert payload["name"] == "regime"
    rows = payload["rows"]
    assert rows[0]["year"] == 1947
    assert {"ruler", "polity2", "source", "estimate"} <= set(rows[0])
    assert "sanctions" in run("record", "series", "sanctions")


def test_unknown_series_exits_2() -> None:
    result = runner.invoke(app, ["record", "series", "sanction"])
    assert result.exit_code != 0
    assert "sanctions" in str(result.exception)


def test_claims_json_contract() -> None:
    payload = json.loads(run("record", "claims", "--json"))
    ids = [c["claim_id"] for c in payload["claims"]]
    assert "aid_military_rule" in ids
    assert all(isinstance(c["event_ids"], list) for c in payload["claims"])
    assert "trust_deficit" in run("record", "claims")


def test_load_twice_adds_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "record.duckdb")
    first = json.loads(run("record", "load", "--db", db, "--json"))
    assert first["stored"] == first["read"] == len(record.events())
    assert first["read"] == first["stored"] + first["duplicates"] + first["quarantined"]
    second = json.loads(run("record", "load", "--db", db, "--json"))
    assert second["already_ingested"] is True
    assert second["stored"] == 0
    assert "already" in run("record", "load", "--db", db)
    stats = json.loads(run("db", "stats", "--db", db, "--json"))
    assert stats["by_dataset"] == {"record": first["stored"]}


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def record_sources() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("## The US–Pakistan record")
    end = readme.find("\n## ", start + 1)
    out = [(f"README#record-{i}", b) for i, b in enumerate(python_blocks(readme[start:end]))]
    docs = (ROOT / "docs" / "record.md").read_text("utf-8")
    out += [(f"docs/record.md#{i}", b) for i, b in enumerate(python_blocks(docs))]
    return out


@pytest.mark.parametrize(("where", "code"), record_sources(), ids=[w for w, _ in record_sources()])
def test_documented_python_examples_run(
    where: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(code, where, "exec"), {})
    out = capsys.readouterr().out
    expected = re.findall(r"^print\(.*# (.+)$", code, re.M)
    assert expected, where
    for line, want in zip(out.strip().splitlines(), expected, strict=False):
        assert line.strip() == want.strip(), where


def test_readme_record_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("## The US–Pakistan record")
    section = readme[start : readme.find("\n## ", start + 1)]
    lines = [ln[2:] for ln in section.splitlines() if ln.startswith("$ bilat record")]
    assert len(lines) >= 4
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BILAT_DB", str(tmp_path / "bilat.duckdb"))
    for line in lines:
        run(*line.split()[1:])
