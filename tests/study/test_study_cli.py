"""The study end to end: ``bilat study us-pakistan --json`` on a small budget, and its outputs."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.study import build_answer, validate_answer

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
BUDGET = 1500  # as in the README's example
SEED = 3


def readme_section() -> str:
    """The README's "The US–Pakistan study" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The US–Pakistan study")
    end = text.index("\n## ", start + 10)
    return text[start:end]


def readme_blocks(language: str) -> list[str]:
    """The code blocks of the section opened with ```LANGUAGE."""
    return re.findall(rf"```{language}\n(.*?)```", readme_section(), flags=re.S)


def readme_commands() -> list[list[str]]:
    """The ``$ bilat`` lines of the section, as argument lists (comments dropped)."""
    return [
        shlex.split(line[2:].split(" #", 1)[0])[1:]
        for block in readme_blocks("")
        for line in block.splitlines()
        if line.startswith("$ bilat ")
    ]


@pytest.fixture(scope="module")
def workdir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh working folder with ``../shared`` beside it, as after ``make`` in a checkout."""
    root = tmp_path_factory.mktemp("readme")
    (root / "shared").symlink_to(shared)
    (root / "work").mkdir()
    return root / "work"


@pytest.fixture(scope="module")
def study(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The README's study example (with ``--json`` added to read its summary), run once."""
    (command,) = [c for c in readme_commands() if c[0] == "study"]
    assert command[command.index("--budget") + 1] == str(BUDGET)
    assert command[command.index("--seed") + 1] == str(SEED)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        result = runner.invoke(app, [*command, "--json"])
    assert result.exit_code == 0, result.output
    out = workdir / command[command.index("--out") + 1]
    return out, json.loads(result.stdout)


def test_json_contract(study: tuple[Path, dict[str, Any]]) -> None:
    _, summary = study
    assert set(summary) == {"case", "out", "files", "seconds", "stages", "answer", "claims"}
    assert summary["case"] == "us-pakistan"
    assert set(summary["files"]) == {
        "report", "answer", "events", "store", "manifest", "figures"
    }  # fmt: skip
    assert [s["name"] for s in summary["stages"]] == [
        "record", "code", "measure", "claims", "calibrate", "policies", "sensitivity",
        "answer", "panel", "report",
    ]  # fmt: skip
    for stage in summary["stages"]:
        assert set(stage) == {"name", "title", "status", "reason", "seconds"}
    assert all(set(c) == {"id", "verdict"} for c in summary["claims"])


def test_every_stage_ran(study: tuple[Path, dict[str, Any]]) -> None:
    _, summary = study
    failed = {s["name"]: s["reason"] for s in summary["stages"] if s["status"] != "ok"}
    assert failed == {}


def test_outputs_exist(study: tuple[Path, dict[str, Any]]) -> None:
    out, summary = study
    for name in ("report.html", "answer.json", "events.parquet", "study.duckdb"):
        assert (out / name).is_file(), name
    assert not (out / "bilat.duckdb").exists()  # the name every other command uses
    manifest = json.loads((out / "bilat-manifest.json").read_text(encoding="utf-8"))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written - {"bilat-manifest.json"} <= set(manifest["files"])
    figures = sorted(p.stem for p in (out / "figures").glob("*.png"))
    assert {"timeline", "aid", "fit", "policies", "sensitivity"} <= set(figures)
    assert [Path(p).name for p in summary["files"]["figures"]] == [f"{f}.png" for f in figures]


def test_answer_json_validates(study: tuple[Path, dict[str, Any]]) -> None:
    out, summary = study
    answer = json.loads((out / "answer.json").read_text(encoding="utf-8"))
    validate_answer(answer)
    assert answer["run"]["seed"] == SEED
    assert answer["run"]["budget"] == BUDGET
    assert answer["answer"]["status"] == "ok"
    assert answer["answer"]["statement"] == summary["answer"]["statement"]
    assert answer["answer"]["conditions"] or answer["answer"]["caveats"]
    probability = answer["answer"]["probability"]
    assert probability is None or 0.0 <= probability <= 1.0
    assert len(answer["claims"]["items"]) >= 8
    for claim in answer["claims"]["items"]:
        assert claim["evidence"], claim["id"]
    assert answer["sources"]
    assert all(s["citation"] for s in answer["sources"])
    (document,) = answer["coded"]["documents"]
    assert document["file"] == "us-pakistan-partnership.txt"
    assert document["doc_date"] == "2016-01-01"
    assert document["facts"] >= 1


def test_events_parquet_holds_record_and_coded_text(study: tuple[Path, dict[str, Any]]) -> None:
    out, _ = study
    events = pd.read_parquet(out / "events.parquet")
    datasets = set(events["dataset"])
    assert {"record", "coded"} <= datasets
    assert events["cameo"].map(type).eq(str).all()  # codes stay text
    coded = events[events["dataset"] == "coded"]
    answer = json.loads((out / "answer.json").read_text(encoding="utf-8"))
    (document,) = answer["coded"]["documents"]
    assert len(coded) == document["events"] > 0
    assert coded["modality"].isin(["asserted", "reported"]).sum() == document["facts"]


def test_report_is_offline_and_complete(study: tuple[Path, dict[str, Any]]) -> None:
    out, _ = study
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""<(img|link|iframe)[^>]+(src|href)=["']https?://""", html)
    assert html.count('src="data:image/png;base64,') >= 5
    assert 'class="na"' not in html  # every section has its numbers
    for anchor in re.findall(r'href="#(ev-[^"]+)"', html):
        assert f'id="{anchor}"' in html


def test_same_seed_same_numbers(
    study: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's Python example (a second run, in memory, without the article) gives the
    same claims and model numbers as the command-line run with the same seed and budget."""
    out, _ = study
    first = json.loads((out / "answer.json").read_text(encoding="utf-8"))
    (code,) = readme_blocks("python")
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md#study", "exec"), namespace)
    printed = capsys.readouterr().out
    again = build_answer(namespace["result"])
    assert again["answer"]["statement"] in printed
    for key in ("claims", "policies", "sensitivity", "answer", "calibration"):
        assert again[key] == first[key], key


def test_readme_serve_example(study: tuple[Path, dict[str, Any]], workdir: Path) -> None:
    """``bilat serve --out out/us-pakistan`` binds 127.0.0.1:8765 and serves the study's report."""
    pytest.importorskip("fastapi")
    import uvicorn

    from ..app.conftest import client_class

    (command,) = [c for c in readme_commands() if c[0] == "serve"]
    served: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        patch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app, **kw))
        result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8765)
    out, _ = study
    with client_class()(served["app"]) as client:
        page = client.get("/report")
        assert page.status_code == 200
        assert page.text == (out / "report.html").read_text(encoding="utf-8")


def test_bad_inputs_fail_before_writing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["study", "no-such-case", "--out", str(tmp_path)])
    assert result.exit_code != 0
    result = runner.invoke(
        app, ["study", "us-pakistan", "--out", str(tmp_path), "--text", str(tmp_path / "x.txt")]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "report.html").exists()


def test_every_evidence_item_resolves_to_a_cited_record_item(
    study: tuple[Path, dict[str, Any]],
) -> None:
    """On the real study's output: each claim's evidence is a structured reference that
    resolves to a record event or a series row with its citation, in answer.json and in
    the report's Evidence section (ids with colons and series columns included)."""
    out, _ = study
    answer = json.loads((out / "answer.json").read_text(encoding="utf-8"))
    events = pd.read_parquet(out / "events.parquet")
    cited = dict(zip(events["id"], events["citation"], strict=True))
    kinds = set()
    for claim in answer["claims"]["items"]:
        for item in claim["evidence"]:
            ref = item["ref"]
            kinds.add((ref["kind"], ref["column"] is not None))
            assert item["found"], (claim["id"], ref)
            assert item["citation"], (claim["id"], ref)
            if ref["kind"] == "event":
                assert cited[ref["event"]] == item["citation"]
            else:
                assert item["dataset"] == f"series:{ref['series']}"
                assert item["date"] == str(ref["year"])
    assert kinds >= {("event", False), ("series", False), ("series", True)}
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="evidence">') : html.index('<section id="sources">')]
    assert "not found" not in section
    assert "no citation" not in section
    items = re.findall(r"<li id=\"ev-.*?</li>", section, flags=re.S)
    assert len(items) >= 10
    for item in items:
        meta = re.search(r'<div class="meta">(.*?)</div>', item, flags=re.S)
        assert meta is not None
        assert not meta.group(1).startswith(" ·"), item  # a citation before the first ·
