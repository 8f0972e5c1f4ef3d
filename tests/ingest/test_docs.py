"""The Python examples of docs/ingest.md run against the shared samples."""

from __future__ import annotations

from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "ingest.md"


def python_blocks() -> list[str]:
    parts = DOC.read_text(encoding="utf-8").split("```python")[1:]
    return [part.split("```", 1)[0] for part in parts]


def test_docs_python_examples_run(
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(shared)
    monkeypatch.chdir(work)
    blocks = python_blocks()
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "'read': 4028" in out
    assert "DOCUMENT record" in out
