"""Run ``bilat`` in this process through its real entry point, :func:`bilat.cli.main.main`.

Typer's ``CliRunner`` bypasses ``main`` (where errors become one line and exit
codes are set), so the error contracts are tested through this instead.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bilat.cli.main import main

__all__ = ["Ran", "run_cli"]


@dataclass(frozen=True)
class Ran:
    """What one run of the command printed and its exit code."""

    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The non-empty lines on standard error."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(*args: str, cwd: Path | None = None) -> Ran:
    """Run ``bilat ARGS`` (in ``cwd`` if given) and return its exit code and output."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    argv = sys.argv
    sys.argv = ["bilat", *args]
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = argv
        os.chdir(before)
    return Ran(code, out.getvalue(), err.getvalue())
