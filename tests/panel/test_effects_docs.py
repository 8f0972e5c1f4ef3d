"""The Python example of docs/panel.md's design section runs and prints what it says."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "panel.md"


def python_blocks(text: str) -> list[str]:
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


def test_design_example_runs() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Designs")
    blocks = python_blocks(text[start : text.index("\n## ", start + 5)])
    assert blocks
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), {"__name__": "__example__"})
    lines = out.getvalue().splitlines()
    assert lines[0] == "True"
    assert lines[1].startswith("True 0.0")
