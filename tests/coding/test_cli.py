"""``bilat code`` and ``bilat eval-coder``, including their --json contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

runner = CliRunner()


@pytest.fixture
def article(tmp_path: Path, nlp: object) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("In 2009, the US Congress approved an aid package for Pakistan.\n", "utf-8")
    return path


def test_code_prints_jsonl(article: Path) -> None:
    result = runner.invoke(app, ["code", str(article), "--doc-date", "2016-01-01"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor_country"], row["recipient_country"], row["root"]) == ("USA", "PAK", "07")
    assert row["modality"] == "asserted"
    assert row["dataset"] == "coded"
    assert ":" in row["span"]
    assert row["date"] == "2009-01-01"


def test_code_json_and_store(article: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["code", str(article), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"source", "count", "events"}
    assert payload["count"] == 1
    db = tmp_path / "e.duckdb"
    stored = runner.invoke(app, ["code", str(article), "--db", str(db), "--json"])
    assert stored.exit_code == 0, stored.output
    summary = json.loads(stored.stdout)
    assert summary["stored"] == 1
    assert summary["events"] == 1


def test_code_reads_stdin(nlp: object) -> None:
    result = runner.invoke(
        app, ["code", "-", "--all-modalities"], input="Pakistan might attack India.\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["modality"] == "hypothetical"


def test_eval_coder_json(shared: Path, nlp: object) -> None:
    folder = shared / "data" / "eventcoding" / "universalpetrarch_dev_validate"
    result = runner.invoke(
        app,
        [
            "eval-coder",
            str(folder / "PETR_Validate_records_2_02.xml"),
            "--dicts",
            str(folder),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"gold", "kind", "overall", "categories"} <= set(payload)
    assert {"tp_pct", "fp_pct", "records", "correct", "uncoded", "extra"} <= set(payload["overall"])


def test_dask_engine_codes_a_directory(tmp_path: Path, nlp: object) -> None:
    pytest.importorskip("distributed")
    from bilat.coding.parallel import code_files

    for k in range(2):
        (tmp_path / f"d{k}.txt").write_text(f"In {2000 + k}, Pakistan attacked India.\n", "utf-8")
    paths = sorted(tmp_path.glob("*.txt"))
    local = code_files(paths, engine="local")
    spread = code_files(paths, engine="dask", workers=1)
    assert sorted(r["id"] for r in local) == sorted(r["id"] for r in spread)
    assert len(local) == 2


def test_bench_quick_runs(nlp: object) -> None:
    from bilat.bench import BenchConfig, run

    (result,) = run(["coding"], BenchConfig(quick=True))
    assert result.ratio > 0
    assert result.details["sentences"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code", "no-such-file.txt"], "no such file"),
        (["code", "-", "--engine", "spark"], "unknown engine"),
        (["code", "-", "--doc-date", "yesterday"], "not a date"),
        (["code", "-", "--dicts", "/no/such/dicts"], "dictionaries"),
    ],
)
def test_code_errors_name_the_bad_value(tmp_path: Path, args: list[str], message: str) -> None:
    from bilat.errors import InputError

    if "--engine" in args:
        (tmp_path / "a.txt").write_text("Pakistan attacked India.\n", "utf-8")
        args = ["code", str(tmp_path), *args[2:]]
    result = runner.invoke(app, args, input="Pakistan attacked India.\n")
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)


def test_a_directory_skips_bad_documents(tmp_path: Path, nlp: object) -> None:
    (tmp_path / "good.txt").write_text("In 2001, Pakistan attacked India.\n", "utf-8")
    (tmp_path / "bad.bin").write_bytes(b"\x00\x01binary" * 50)
    result = runner.invoke(app, ["code", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["count"] == 1
    assert "skipped bad.bin" in result.stderr
