"""The import contracts in pyproject's ``[tool.importlinter]`` hold (issue #15).

``make lint`` runs ``lint-imports`` too; this runs it under plain pytest, with the
source tree first on the path, so a new upward or private import fails the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    done = _lint(ROOT / "pyproject.toml", ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
    for name in ("layers", "private modules", "import loops"):
        assert name in done.stdout


def test_a_broken_layer_is_reported(tmp_path: Path) -> None:
    # The same checker, told that bilat.errors sits above bilat.events: events imports errors,
    # so the contract must break, naming the import.
    config = tmp_path / "upside-down.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_package = "bilat"\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\n'
        'type = "layers"\n'
        'layers = ["bilat.errors", "bilat.events"]\n',
        encoding="utf-8",
    )
    done = _lint(config, tmp_path)
    assert done.returncode != 0
    assert "bilat.events is not allowed to import bilat.errors" in done.stdout
