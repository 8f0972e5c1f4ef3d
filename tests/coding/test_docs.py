"""The Python examples of docs/coding.md and the README's coding section run as they say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(path: Path, after: str = "") -> list[str]:
    text = path.read_text(encoding="utf-8")
    if after:
        text = text[text.index(after) :]
        text = text[: text.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize(
    ("path", "after"), [(ROOT / "docs" / "coding.md", ""), (ROOT / "README.md", "## Coding text")]
)
def test_examples_print_what_they_say(path: Path, after: str, nlp: object) -> None:
    blocks = python_blocks(path, after)
    assert blocks
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), {})
        printed = out.getvalue().splitlines()
        expected = [m.strip() for m in re.findall(r"^\s*# (.+)$", block, re.MULTILINE)]
        expected = [e for e in expected if not e.startswith(("bilat's", "[('"))] + [
            e for e in expected if e.startswith("[('")
        ]
        for line in expected:
            if line.startswith(("USALEG", "[(")):
                assert line in printed, (line, printed)
