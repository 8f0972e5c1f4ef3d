"""Every error a user can cause is one line on standard error with exit code 2 (Ctrl-C: 130).

Run through bilat's real entry point (``bilat.cli.main.main``), which is where a
usage error, a bilat error, a full disk or an interrupt become that one line; the
Ctrl-C case runs ``bilat`` as a real process and sends it SIGINT.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.events import EventStore

from ..cli.running import run_cli

GDELT = "data/eventdata/gdelt2_export_arekziobrowski/20191024143000.export.CSV"


def _one_line_error(args: list[str], cwd: Path | None = None) -> str:
    """Run ``bilat ARGS``; assert exit 2 and one ``error:`` line, no traceback; return it."""
    ran = run_cli(*args, cwd=cwd)
    assert ran.code == 2, (ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr
    assert len(ran.error_lines) == 1, ran.stderr
    (line,) = ran.error_lines
    assert line.startswith("error: "), line
    assert "╭" not in line  # no Rich box
    return line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["bogus"], "No such command 'bogus'"),
        (["ingest"], "Missing argument"),
        (["quarantine", "--limit", "abc"], "bilat quarantine: Invalid value for '--limit'"),
        (["quarantine", "--limit", "-1"], "--limit"),
        (["serve", "--port", "0"], "--port"),
        (["claims", "--n-boot", "-1"], "--n-boot"),
        (["compare", "--runs", "0"], "--runs"),
        (["compare", "--draws", "1"], "--draws"),
        (["simulate", "--policy", "historical", "--runs", "0"], "--runs"),
        (["sensitivity", "--runs", "0"], "--runs"),
        (["study", "us-pakistan", "--budget", "10"], "at least 400"),
        (["study", "us-pakistan", "--budget", "abc"], "--budget"),
    ],
)
def test_a_usage_error_is_one_line(args: list[str], says: str, tmp_path: Path) -> None:
    line = _one_line_error(args, cwd=tmp_path)
    assert says in line
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_an_out_that_is_a_file_or_cannot_be_created(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    assert "not a folder" in _one_line_error(["study", "us-pakistan", "--out", str(afile)])
    assert afile.read_text(encoding="utf-8") == "mine"
    unwritable = f"/proc/bilat-{uuid.uuid4().hex}"  # /proc takes no new folders, even as root
    assert "--out" in _one_line_error(["study", "us-pakistan", "--out", unwritable])
    db = tmp_path / "x.duckdb"
    assert run_cli("record", "load", "--db", str(db)).code == 0
    line = _one_line_error(["events", "--db", str(db), "--out", unwritable])
    assert unwritable in line


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 600 KiB tmpfs (needs root and mount); skips where it cannot be mounted."""
    mount = shutil.which("mount")
    point = tmp_path / "tiny"
    point.mkdir()
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace')}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_full_disk_is_one_line_and_the_store_stays_consistent(
    tiny_disk: Path, shared: Path
) -> None:
    db = tiny_disk / "full.duckdb"
    line = _one_line_error(["ingest", str(shared / GDELT), "--db", str(db)])
    assert "no space left on device" in line.lower()
    with EventStore(db, read_only=True) as reopened:  # opens again, with no partial batch
        stats = reopened.stats()
        assert stats["events"] in (0, 2111)
        assert stats["read"] == stats["stored"] + stats["duplicates"] + stats["quarantined"]


def test_an_export_to_a_full_device_is_one_line(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    db = tmp_path / "few.duckdb"
    assert run_cli("record", "load", "--db", str(db)).code == 0
    line = _one_line_error(["events", "--db", str(db), "--out", "/dev/full"])
    assert "no space left on device" in line.lower()


@pytest.mark.parametrize("delay", [0.3, 1.5])
def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, delay: float) -> None:
    """A real ``bilat study`` process, interrupted with SIGINT while it loads the record
    into DuckDB (0.3 s after its store appears) and later, while it measures or calibrates."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    command = [sys.executable, "-m", "bilat.cli.main", "study", "us-pakistan"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out"), "--budget", "200000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        # a shell's background job ignores SIGINT, and a child inherits that: restore it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "out" / "study.duckdb").exists():  # the work has started
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["interrupted (Ctrl-C)"], err


def test_a_bare_group_shows_its_help_without_an_error_line() -> None:
    ran = run_cli("db")
    assert ran.code == 2
    assert "stats" in ran.stdout + ran.stderr
    assert "error:" not in ran.stderr


def test_an_error_message_is_printed_as_written(tmp_path: Path) -> None:
    """Square brackets in a message (``pip install 'bilat[nlp]'``, a file name) are text."""
    missing = tmp_path / "notes[nlp].txt"
    line = _one_line_error(["study", "us-pakistan", "--out", str(tmp_path), "--text", str(missing)])
    assert str(missing) in line


@pytest.mark.parametrize(
    ("args", "made"),
    [
        (["events", "--format", "csv", "--out", "mine.csv"], "mine.csv"),
        (["panel", "build", "--parquet", "mine.parquet"], "mine.parquet"),
    ],
)
def test_an_output_file_of_the_users_is_not_replaced(
    args: list[str], made: str, tmp_path: Path
) -> None:
    mine = tmp_path / made
    mine.write_bytes(b"the user's own file\n")
    with EventStore(tmp_path / "bilat.duckdb"):
        pass  # an empty store, so the command would otherwise run
    line = _one_line_error(args, cwd=tmp_path)
    assert "--force" in line
    assert made in line
    assert mine.read_bytes() == b"the user's own file\n"


def test_force_replaces_the_export_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_bytes(b"old\n")
    with EventStore(tmp_path / "bilat.duckdb"):
        pass
    ran = run_cli("events", "--format", "csv", "--out", "mine.csv", "--force", cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    assert mine.read_bytes() != b"old\n"
