"""``refuse_to_replace``: a user's file is never replaced without --force; a device is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli._common import refuse_to_replace
from bilat.cli.main import app
from bilat.errors import InputError
from bilat.events import EventStore

from ..events.test_store import events


def test_an_existing_file_or_a_link_to_one_is_refused(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("mine\n")
    link = tmp_path / "link.csv"
    link.symlink_to(mine)
    for path in (mine, link):
        with pytest.raises(InputError, match="--force"):
            refuse_to_replace(path, False, "--out")
        refuse_to_replace(path, True, "--out")  # --force allows it
    refuse_to_replace(tmp_path / "new.csv", False, "--out")
    refuse_to_replace(None, False, "--out")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null here")
def test_a_device_is_written_without_force(tmp_path: Path) -> None:
    refuse_to_replace(Path("/dev/null"), False, "--out")
    db = tmp_path / "few.duckdb"
    with EventStore(db) as store:
        store.insert(events(3), file="three")
    result = CliRunner().invoke(
        app, ["events", "--db", str(db), "--format", "csv", "--out", "/dev/null"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 3 events to /dev/null" in result.output
