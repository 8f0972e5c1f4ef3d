"""``bilat ingest`` and ``bilat quarantine``: output and the ``--json`` contract."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bilat.cli.main import app

runner = CliRunner()


def _gdelt(path: Path) -> Path:
    row = [""] * 61
    row[0], row[1], row[26], row[29], row[30], row[31] = "7", "20190102", "040", "1", "1", "2"
    bad = list(row)
    bad[1] = "20190231"
    path.write_text("\t".join(row) + "\n" + "\t".join(bad) + "\n")
    return path


def test_ingest_json_contract(tmp_path: Path) -> None:
    data = _gdelt(tmp_path / "g.tsv")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", str(data), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["files", "read", "stored", "duplicates", "quarantined", "skipped"]
    assert out["skipped"] == []
    assert (out["read"], out["stored"], out["duplicates"], out["quarantined"]) == (2, 1, 0, 1)
    entry = out["files"][0]
    assert list(entry) == ["path", "format", "read", "stored", "duplicates", "quarantined"]
    assert entry["format"] == "gdelt"
    assert entry["path"] == str(data)

    again = json.loads(runner.invoke(app, ["ingest", str(data), "--db", str(db), "--json"]).output)
    assert again["stored"] == 0
    assert again["read"] == 2

    listed = runner.invoke(app, ["quarantine", "--db", str(db), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows["count"] == 1
    first = rows["quarantined"][0]
    assert first["file"] == str(data)
    assert first["line"] == 2
    assert "20190231" in first["reason"]

    text = runner.invoke(app, ["quarantine", "--db", str(db)])
    assert f"{data}:2:" in text.output


def test_ingest_text_output_and_errors(tmp_path: Path) -> None:
    data = _gdelt(tmp_path / "g.tsv")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", str(data), "--db", str(db), "--format", "gdelt"])
    assert result.exit_code == 0
    assert "read 2, stored 1, duplicates 0, quarantined 1" in result.output
    assert "total: read 2" in result.output
    bad = runner.invoke(app, ["ingest", str(data), "--db", str(db), "--format", "xml"])
    assert bad.exit_code != 0
    assert "unknown format 'xml'" in str(bad.exception)
