"""``bilat study USA:XXX`` for a dyad with no case file: built from the panel and a user's store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app, main
from bilat.events import EventStore
from bilat.ontology import cameo as cameo_code
from bilat.study import validate_answer

runner = CliRunner()


def _event(day: str, actor: str, recipient: str, cameo: str) -> dict[str, Any]:
    code = cameo_code(cameo)
    return {
        "id": f"t:{day}-{actor}-{recipient}-{cameo}",
        "date": dt.date.fromisoformat(day),
        "date_precision": "day",
        "actor_country": actor,
        "recipient_country": recipient,
        "cameo": cameo,
        "root": code.root,
        "quad": code.quad,
        "penta": code.penta,
        "goldstein": code.goldstein,
        "domain": "security",
        "modality": "asserted",
        "dataset": "test",
        "weight": 1.0,
    }


# One dyad in the default suite (each run takes ~15-30 s); the others are measured by hand.
@pytest.mark.parametrize("dyad", ["USA:TUR"])
def test_a_dyad_without_a_case_file(dyad: str, tmp_path: Path) -> None:
    patron, client = dyad.split(":")
    db = tmp_path / "user.duckdb"
    with EventStore(db) as store:
        store.insert(
            [
                _event("2003-03-01", client, patron, "111"),
                _event("2003-03-20", patron, client, "172"),
                _event("2016-07-16", patron, client, "051"),
                _event("2019-10-14", patron, client, "163"),
                _event("2019-10-17", client, patron, "057"),
                _event("2019-10-20", "FRA", "DEU", "057"),  # another dyad: not copied
            ],
            dataset="test",
        )
    before = db.read_bytes()
    out = tmp_path / "out"
    result = runner.invoke(app, ["study", dyad, "--out", str(out), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert db.read_bytes() == before  # the user's store is only read
    answer = json.loads((out / "answer.json").read_text(encoding="utf-8"))
    validate_answer(answer)
    assert (answer["case"], answer["dyad"]) == (dyad, dyad)
    assert "Turkey" in answer["question"]
    assert "beyond security" in answer["question"]
    status = {s["name"]: (s["status"], s["reason"]) for s in summary["stages"]}
    assert status["record"][0] == "ok"
    assert status["measure"][0] == "ok"
    assert status["claims"][0] == "not_available"
    assert "no curated record" in status["claims"][1]
    assert status["calibrate"][0] == "not_available"
    assert "not calibrated for USA:TUR" in status["calibrate"][1]
    assert answer["calibration"]["status"] == "not_available"
    assert answer["policies"]["items"] == []
    assert answer["claims"]["items"] == []
    assert answer["measures"]["events"] == 5  # the dyad's five, none of FRA-DEU
    verdict = answer["answer"]["verdict"]
    assert verdict in {"associated_better", "associated_worse", "panel_split", "not_decided"}
    assert answer["answer"]["basis"] == "panel"
    assert answer["answer"]["probability"] is None
    assert answer["answer"]["statement"].startswith("The strategic model is not calibrated")
    assert answer["panel"]["status"] == "ok"
    assert answer["panel"]["focal"] == dyad
    html = (out / "report.html").read_text(encoding="utf-8")
    # no US–Pakistan prose (Pakistan may still appear as data, e.g. among the panel's peers)
    for prose in ("towards Pakistan", "to Pakistan", "in Pakistan", "on Pakistan", "showered"):
        assert prose not in html
    assert "not calibrated for USA:TUR" in html
    assert 'src="data:image/png;base64,' in html
    assert "What this case is built from" in html
    assert (out / "figures" / "aid.png").is_file()  # from the panel's rows
    assert (out / "figures" / "timeline.png").is_file()  # from the stored events


def _bilat(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``bilat ARGS`` through the real entry point: (exit code, standard error)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.argv", ["bilat", *args])
        with pytest.raises(SystemExit) as done:
            main()
    return int(done.value.code or 0), capsys.readouterr().err


def test_text_without_a_document_date_is_refused_for_a_generic_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("The United States pledged aid to Egypt.", encoding="utf-8")
    out = tmp_path / "out"
    code, err = _bilat(["study", "USA:EGY", "--out", str(out), "--text", str(doc)], capsys)
    assert code == 2
    assert "--doc-date" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_missing_store_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.duckdb"
    code, err = _bilat(
        ["study", "USA:EGY", "--out", str(tmp_path / "o"), "--db", str(missing)], capsys
    )
    assert code == 2
    assert "none.duckdb" in err
    assert not missing.exists()
