"""``bilat study`` never destroys a user's data: it runs beside an ingested store and loses nothing.

The reported defect: ``bilat study us-pakistan --out .`` deleted ``./bilat.duckdb`` (the
default store of every other command) and 7,217 ingested events became 369. Here real
GDELT events are ingested into ``./bilat.duckdb``, the study runs with ``--out .`` twice
(once with ``--force`` over a file of the user's, once again over its own outputs with
``--keep-going`` and a bad ``--text``), and every event, byte and file of the user's is
checked afterwards.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bilat.events import EventStore
from bilat.study.output import MANIFEST, STUDY_STORE, OutputExistsError, OutputFolder

from ..cli.running import Ran, run_cli

BUDGET = "400"  # the calibration's minimum: the quickest run that is still valid
GDELT = "data/eventdata/gdelt2_export_arekziobrowski/20191024143000.export.CSV"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def beside(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A folder with an ingested ./bilat.duckdb and user files, after two studies with --out ."""
    folder = tmp_path_factory.mktemp("beside")
    ingested = run_cli("ingest", str(shared / GDELT), "--json", cwd=folder)
    assert ingested.code == 0, ingested.stderr
    store = folder / "bilat.duckdb"
    with EventStore(store, read_only=True) as opened:
        before = opened.count()
    (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (folder / "figures").mkdir()
    (folder / "figures" / "mine.png").write_bytes(b"my figure")
    (folder / "report.html").write_text("<p>my own report</p>", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    user = {name: _sha(folder / name) for name in ("notes.txt", "figures/mine.png", "blob.txt")}
    store_sha = _sha(store)
    first = run_cli(
        "study", "us-pakistan", "--out", ".", "--budget", BUDGET, "--force", "--json", cwd=folder
    )  # fmt: skip
    second = run_cli(
        "study", "us-pakistan", "--out", ".", "--budget", BUDGET, "--keep-going",
        "--text", "blob.txt", cwd=folder,
    )  # fmt: skip
    return {
        "folder": folder,
        "before": before,
        "store_sha": store_sha,
        "user": user,
        "first": first,
        "second": second,
    }


def test_every_ingested_event_survives(beside: dict[str, object]) -> None:
    folder = beside["folder"]
    assert isinstance(folder, Path)
    first = beside["first"]
    assert isinstance(first, Ran)
    assert first.code == 0, first.stderr
    assert beside["before"] == 2111
    with EventStore(folder / "bilat.duckdb", read_only=True) as reopened:
        assert reopened.count() == beside["before"]
        assert set(reopened.query()["dataset"]) == {"gdelt2"}  # nothing of the study's added
    assert _sha(folder / "bilat.duckdb") == beside["store_sha"]  # not a byte changed
    with EventStore(folder / STUDY_STORE, read_only=True) as own:
        assert own.count() > 0
        assert set(own.query()["dataset"]) == {"record"}


def test_no_file_of_the_users_is_touched(beside: dict[str, object]) -> None:
    folder = beside["folder"]
    assert isinstance(folder, Path)
    user = beside["user"]
    assert isinstance(user, dict)
    for name, digest in user.items():
        assert _sha(folder / name) == digest, name
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["created_by"] == "bilat"
    for name in ("bilat.duckdb", "notes.txt", "figures/mine.png", "blob.txt"):
        assert name not in manifest["files"]
    # every file that is not the user's is one the study listed before writing it
    assert _files(folder) - set(user) - {"bilat.duckdb", MANIFEST} <= set(manifest["files"])


def test_force_overwrote_the_users_report(beside: dict[str, object]) -> None:
    folder = beside["folder"]
    assert isinstance(folder, Path)
    assert "my own report" not in (folder / "report.html").read_text(encoding="utf-8")


def test_the_summary_lists_only_the_studys_files(beside: dict[str, object]) -> None:
    first = beside["first"]
    assert isinstance(first, Ran)
    files = json.loads(first.stdout)["files"]
    assert files["store"] == "study.duckdb"
    assert files["figures"]
    assert all(Path(f).parent.name == "figures" for f in files["figures"])
    assert "figures/mine.png" not in files["figures"]


def test_a_rerun_over_its_own_outputs_needs_no_force_and_a_failed_stage_exits_non_zero(
    beside: dict[str, object],
) -> None:
    """The second run (no --force) overwrote only its own files; --keep-going wrote the
    report past the failed coding stage and still exited 1 with one line naming it."""
    folder = beside["folder"]
    assert isinstance(folder, Path)
    second = beside["second"]
    assert isinstance(second, Ran)
    assert second.code == 1, second.stderr
    (line,) = second.error_lines
    assert line.startswith("error:")
    assert "code" in line
    assert "blob.txt" in line
    answer = json.loads((folder / "answer.json").read_text(encoding="utf-8"))
    status = {s["name"]: s["status"] for s in answer["stages"]}
    assert status["code"] == "failed"
    assert status["calibrate"] == status["answer"] == "ok"


def test_a_file_it_did_not_create_stops_the_study_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "answer.json").write_text('{"mine": true}', encoding="utf-8")
    ran = run_cli("study", "us-pakistan", "--out", str(tmp_path), "--budget", BUDGET)
    assert ran.code == 2
    (line,) = ran.error_lines
    assert "answer.json" in line
    assert "--force" in line
    assert (tmp_path / "answer.json").read_text(encoding="utf-8") == '{"mine": true}'
    assert _files(tmp_path) == {"answer.json"}  # nothing written, not even the manifest


def test_a_strict_study_stops_at_the_failed_stage(tmp_path: Path) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00binary\x00" * 20)
    ran = run_cli(
        "study", "us-pakistan", "--out", str(tmp_path / "out"), "--budget", BUDGET,
        "--text", str(blob),
    )  # fmt: skip
    assert ran.code == 2
    (line,) = ran.error_lines
    assert "blob.txt" in line
    assert "binary" in line
    assert not (tmp_path / "out" / "report.html").exists()


def test_the_folder_remembers_what_it_wrote(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path)
    folder.write_text("a.txt", "bilat's")
    (tmp_path / "b.txt").write_text("the user's", encoding="utf-8")
    again = OutputFolder(tmp_path)
    assert again.owns("a.txt")
    assert not again.owns("b.txt")
    again.write_text("a.txt", "bilat's again")  # its own: allowed
    with pytest.raises(OutputExistsError, match="--force"):
        again.write_text("b.txt", "overwritten")
    again.remove("b.txt")  # not its own: left alone
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "the user's"
    forced = OutputFolder(tmp_path, force=True)
    forced.write_text("b.txt", "overwritten")
    assert OutputFolder(tmp_path).owns("b.txt")
    with pytest.raises(ValueError, match="inside"):
        forced.write_text("../escape.txt", "no")
    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_foreign_manifest_is_not_taken_for_bilats(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text('{"files": ["x"]}', encoding="utf-8")
    with pytest.raises(OutputExistsError):
        OutputFolder(tmp_path)
    assert OutputFolder(tmp_path, force=True).files == []
