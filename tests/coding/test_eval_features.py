"""eval-coder as a product feature: gold formats, error classes, splits, the optional model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.coding import Coder, evaluate, read_gold
from bilat.coding.evaluate import GoldRecord, error_class, in_split
from bilat.errors import FormatError, InputError

EVENTCODING = ("data", "eventcoding")


def test_plover_gold_standard_file_is_read(shared: Path) -> None:
    records = read_gold(shared.joinpath(*EVENTCODING, "plover", "PLOVER_GSR_CAMEO.txt"))
    assert len(records) == 322  # the DOCUMENT record is not an event
    first = records[0]
    assert first.kind == "plover"
    assert first.label == "AGREE"
    assert first.sources == ("HUN", "ROU")
    demand = next(r for r in records if r.category == "DEMAND")
    assert demand.label == "REQUEST"  # PLOVER 0.5 names mapped to today's


def test_conflibert_class_file_is_read(shared: Path) -> None:
    records = read_gold(shared.joinpath(*EVENTCODING, "conflibert", "cameo_class__test.tsv"))
    assert len(records) == 451
    assert {r.label for r in records} == {"0", "1", "2", "3", "4"}


def test_a_bad_plover_array_names_the_record(tmp_path: Path) -> None:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps([{"id": "x", "event": "AGREE"}]), encoding="utf-8")
    with pytest.raises(FormatError, match="record 1 needs 'event' and 'text'"):
        read_gold(path)


@pytest.mark.parametrize(
    ("triple", "missed", "gold", "produced", "actors", "expected"),
    [
        (
            ("PAK", "IND", "190"),
            True,
            {("PAK", "IND", "190")},
            {("PAK", "IND", "111")},
            None,
            "code",
        ),
        (("PAK", "IND", "190"), True, {("PAK", "IND", "190")}, set(), {"IND"}, "actor unknown"),
        (("PAK", "IND", "190"), True, {("PAK", "IND", "190")}, set(), {"PAK", "IND"}, "verb"),
        (
            ("PAK", "IND", "190"),
            True,
            {("PAK", "IND", "190")},
            {("IND", "PAK", "190")},
            {"PAK", "IND"},
            "attribution",
        ),
        (
            ("PAK", "IND", "190"),
            True,
            {("PAK", "IND", "190")},
            {("CHN", "USA", "040")},
            {"PAK", "IND", "CHN", "USA"},
            "structure",
        ),
        (
            ("IND", "PAK", "190"),
            False,
            {("PAK", "IND", "190")},
            {("IND", "PAK", "190")},
            None,
            "attribution",
        ),
        (("IND", "PAK", "190"), False, set(), {("IND", "PAK", "190")}, None, "spurious"),
    ],
)
def test_error_classes(
    triple: tuple[str, str, str],
    missed: bool,
    gold: set[tuple[str, str, str]],
    produced: set[tuple[str, str, str]],
    actors: set[str] | None,
    expected: str,
) -> None:
    assert error_class(triple, missed, gold, produced, actors) == expected


def test_splits_partition_the_records() -> None:
    ids = [f"REC-{k}" for k in range(200)]
    tune = {i for i in ids if in_split(i, "tune")}
    held = {i for i in ids if in_split(i, "held-out")}
    assert tune.isdisjoint(held)
    assert tune | held == set(ids)
    assert 60 < len(held) < 140
    with pytest.raises(InputError, match="not a split"):
        in_split("x", "test")


def test_evaluation_reports_error_classes(nlp: object) -> None:
    records = [
        GoldRecord("a", "Pakistan condemned India.", events=[("PAK", "IND", "111")]),
        GoldRecord("b", "Pakistan condemned India.", events=[("IND", "PAK", "111")]),
        GoldRecord("c", "Pakistan pondered the weather.", events=[]),
    ]
    result = evaluate(records, Coder(nlp=nlp))
    payload = result.to_dict(rows=True)
    assert payload["overall"]["correct"] == 1
    assert payload["errors"]["uncoded"]["attribution"] == 1
    assert payload["errors"]["extra"]["attribution"] == 1
    assert payload["rows"][1]["errors"][0][-1] == "attribution"


def test_model_is_seeded_saved_and_marked(shared: Path, tmp_path: Path, nlp: object) -> None:
    from bilat.coding.model import EventTypeModel, training_rows

    examples = shared.joinpath(*EVENTCODING, "derived", "cameo_manual_examples.jsonl")
    texts, roots, described = training_rows([examples])
    assert len(texts) == 277
    assert described[0]["rows"] == 277
    one = EventTypeModel.train(texts, roots, seed=3, trained_on=described)
    two = EventTypeModel.train(texts, roots, seed=3)
    sentence = "Rebels attacked an army convoy near the border."
    assert one.predict(sentence) == two.predict(sentence)
    path = one.save(tmp_path / "model.json")
    with pytest.raises(InputError, match="exists"):
        one.save(path)
    loaded = EventTypeModel.load(path)
    root, probability = loaded.predict(sentence)
    assert (root, round(probability, 6)) == (
        one.predict(sentence)[0],
        round(one.predict(sentence)[1], 6),
    )
    coder = Coder(nlp=nlp, model=loaded, model_threshold=0.0)
    events = coder.code("Pakistan and India are neighbours.", "2016-01-01", check_language=False)
    assert events
    assert events[0].coder == "model"
    assert events[0].confidence is not None
    records = coder.code_records("Pakistan and India are neighbours.", "2016-01-01")
    assert records
    assert records[0]["dataset"] == "coded-model"


def test_model_file_must_be_a_model(tmp_path: Path) -> None:
    from bilat.coding.model import EventTypeModel

    bad = tmp_path / "m.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(FormatError, match="not a bilat event-type model"):
        EventTypeModel.load(bad)


def test_train_and_eval_commands(shared: Path, tmp_path: Path, nlp: object) -> None:
    from bilat.cli.main import app

    runner = CliRunner()
    examples = shared.joinpath(*EVENTCODING, "derived", "cameo_manual_examples.jsonl")
    model = tmp_path / "m.json"
    trained = runner.invoke(
        app, ["train-coder-model", str(examples), "--out", str(model), "--json"]
    )
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["sentences"] == 277
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "x", "text": "Pakistan condemned India.", "events": []}) + "\n",
        encoding="utf-8",
    )
    scored = runner.invoke(app, ["eval-coder", str(gold), "--model", str(model), "--json"])
    assert scored.exit_code == 0, scored.output
    payload = json.loads(scored.stdout)
    assert payload["split"] == "all"
    assert set(payload["errors"]["extra"]) >= {"spurious", "attribution", "code"}
