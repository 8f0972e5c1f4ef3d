"""The Python examples of the README's measuring section and of docs/measure.md run."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(path: Path, heading: str | None = None) -> list[str]:
    """The ```python blocks of a Markdown file (under ``heading`` up to the next ## heading)."""
    text = path.read_text(encoding="utf-8")
    if heading is not None:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        text = text[start : end if end != -1 else None]
    blocks, current, inside = [], [], False
    for line in text.splitlines():
        if line.startswith("```python"):
            inside, current = True, []
        elif line.startswith("```") and inside:
            inside = False
            blocks.append("\n".join(current))
        elif inside:
            current.append(line)
    return blocks


@pytest.mark.parametrize(
    ("path", "heading"),
    [(ROOT / "README.md", "## Measuring a relationship"), (ROOT / "docs" / "measure.md", None)],
)
def test_python_examples_run(path: Path, heading: str | None) -> None:
    blocks = python_blocks(path, heading)
    assert blocks
    out = io.StringIO()
    for block in blocks:
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), {"__name__": "__example__"})
    if heading is not None:
        printed = out.getvalue()
        assert "True False" in printed
        assert (
            "['engagement', 'disengagement', 'sanction', 'disengagement', 'engagement']" in printed
        )
        assert "conditional_aid_resisted supported" in printed
