"""Every ``$ bilat ...`` example in the README runs, in order, and succeeds.

The examples run in a fresh working directory beside a link to the shared
reference data, with ``BILAT_DB`` pointing at a new store, as a reader would
run them after ``source .venv/bin/activate``.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

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


def command_paths() -> list[str]:
    """Every command of the ``bilat`` CLI, as ``"db stats"``, ``"ingest"``, ..."""
    import typer.main

    root = typer.main.get_command(app)
    paths: list[str] = []

    def walk(command: Any, prefix: str) -> None:
        if hasattr(command, "commands"):  # a group (Typer ships its own click)
            for name, sub in command.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            paths.append(prefix)

    walk(root, "")
    return paths


def test_readme_documents_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    missing = []
    for path in command_paths():
        group, _, leaf = path.rpartition(" ")
        # a group's commands may share one row: `bilat record list|series|claims|load`
        if f"`bilat {path}" not in text and not (
            group and f"bilat {group} " in text and leaf in text
        ):
            missing.append(path)
    assert not missing, f"commands missing from the README's table: {missing}"
    assert len(command_paths()) >= 20
