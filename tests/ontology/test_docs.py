"""The Python examples of docs/ontology.md and of the README's Ontology section run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def readme_ontology_section() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("## Ontology")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def sources() -> list[tuple[str, str]]:
    out = []
    docs = ROOT / "docs" / "ontology.md"
    for i, block in enumerate(python_blocks(docs.read_text("utf-8"))):
        out.append((f"docs/ontology.md#{i}", block))
    for i, block in enumerate(python_blocks(readme_ontology_section())):
        out.append((f"README.md#ontology-{i}", block))
    return out


@pytest.mark.parametrize(("where", "code"), sources(), ids=[w for w, _ in sources()])
def test_example_runs(where: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, where, "exec"), {})
    out = capsys.readouterr().out
    if where.startswith("README"):
        assert "3.4 economic" in out
        assert "PAK PAK PAK PAK" in out
