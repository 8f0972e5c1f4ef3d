"""The Python examples of the README's strategic-model section and of docs/sim.md run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The strategic model")
    end = text.find("\n## ", start + 5)
    return text[start : end if end > 0 else None]


def test_readme_sim_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks(readme_section())
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "trust_deficit" in out


def test_docs_sim_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks((ROOT / "docs" / "sim.md").read_text(encoding="utf-8"))
    assert blocks
    exec(compile(blocks[0], "docs/sim.md", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_readme_sim_commands_are_documented() -> None:
    section = readme_section()
    for command in ("calibrate", "simulate", "compare", "sensitivity"):
        assert f"$ bilat {command}" in section


def test_docs_extension_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = python_blocks((ROOT / "docs" / "sim.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    exec(compile(blocks[1], "docs/sim.md", "exec"), {})
    assert "p_better" in capsys.readouterr().out


def test_docs_policy_file_loads(tmp_path: Path) -> None:
    from bilat.sim import load_policy

    text = (ROOT / "docs" / "sim.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert blocks
    path = tmp_path / "trade-first.toml"
    path.write_text(blocks[0], encoding="utf-8")
    policy = load_policy(path)
    assert policy.name == "trade-first"
    assert policy.trade_access == 1.0
