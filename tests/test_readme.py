"""Every ``$ bilat ...`` example in the README runs, in order, and succeeds.

The examples run in a fresh working directory beside a link to the shared
reference data, with ``BILAT_DB`` pointing at a new store, as a reader would
run them after ``source .venv/bin/activate``.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

README = Path(__file__).resolve().parents[1] / "README.md"
# Long-running jobs have their own end-to-end tests.
SLOW = ("bilat study", "bilat serve", "bilat calibrate", "bilat compare")


def examples() -> list[str]:
    """The ``$ bilat`` command lines of the README's code blocks, in order."""
    lines = []
    in_block = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block and line.startswith("$ bilat "):
            lines.append(line[2:].split(" #", 1)[0].strip())
    return lines


def test_readme_has_examples() -> None:
    assert len(examples()) >= 3


def test_readme_examples_run(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(shared)
    monkeypatch.chdir(work)
    env = {"BILAT_DB": str(work / "bilat.duckdb"), "BILAT_SHARED": str(shared), "COLUMNS": "120"}
    runner = CliRunner()
    ran = 0
    for line in examples():
        if line.startswith(SLOW):
            continue
        args = shlex.split(line)[1:]
        result = runner.invoke(app, args, env={**os.environ, **env})
        assert result.exit_code == 0, f"`{line}` failed: {result.output}\n{result.exception!r}"
        ran += 1
    assert ran >= 3
