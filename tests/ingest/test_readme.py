"""The README's "Ingesting event data" examples run against the shared samples."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def section_lines() -> tuple[list[str], str]:
    text = README.read_text(encoding="utf-8")
    body = text.split("## Ingesting event data", 1)[1].split("\n## ", 1)[0]
    commands, in_block = [], False
    for line in body.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block and line.startswith("$ bilat "):
            commands.append(line[2:].split(" #", 1)[0].strip())
    python = body.split("```python", 1)[1].split("```", 1)[0]
    return commands, python


def test_readme_ingest_examples(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(shared)
    monkeypatch.chdir(work)
    env = {**os.environ, "BILAT_DB": str(work / "bilat.duckdb"), "COLUMNS": "120"}
    commands, python = section_lines()
    assert len(commands) >= 5
    formats = set()
    runner = CliRunner()
    for line in commands:
        result = runner.invoke(app, shlex.split(line)[1:], env=env)
        assert result.exit_code == 0, f"`{line}` failed: {result.output}\n{result.exception!r}"
        if line.startswith("bilat ingest") and "--json" in line:
            out = json.loads(result.output)
            formats.update(f["format"] for f in out["files"])
            assert out["read"] == out["stored"] + out["duplicates"] + out["quarantined"]
        if line.startswith("bilat ingest") and "--json" not in line:
            formats.add(result.output.split("[", 1)[1].split("]", 1)[0])
    assert formats == {"gdelt", "icews", "plover", "bilat"}
    monkeypatch.setenv("BILAT_DB", str(work / "python.duckdb"))
    exec(compile(python, "README.md", "exec"), {})
