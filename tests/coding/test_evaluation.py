"""The coder on PETRARCH's validation suite: the targets reached must not regress."""

from __future__ import annotations

from pathlib import Path

from bilat.coding import evaluate, read_gold


def test_validate_records_2_02_with_their_dictionaries(validate_dir: Path, nlp: object) -> None:
    from bilat.coding import Coder

    gold = validate_dir / "PETR_Validate_records_2_02.xml"
    result = evaluate(gold, Coder(dicts=validate_dir, nlp=nlp))
    tally = result.overall
    # UD-PETRARCH published TP 68.27 % and FP 22.95 % on this file (244 records).
    # Measured here: 245 records, TP 83.93 %, FP 9.39 % (targets: TP >= 80 %, FP <= 10 %).
    assert tally.records == 245
    assert tally.tp >= 0.80
    assert tally.fp <= 0.10
    assert result.categories["DEMO"].tp >= 0.9


def test_xml_reader_skips_what_the_file_excludes(validate_dir: Path) -> None:
    records = read_gold(validate_dir / "PETR_Validate_records_2_02.xml")
    ids = {r.id for r in records}
    assert "DEMO-06" in ids
    assert not any(i.startswith("ERROR") for i in ids)
    demo6 = next(r for r in records if r.id == "DEMO-06")
    assert ("CALGOV", "OSGMIL", "112") in demo6.events
    everything = read_gold(validate_dir / "PETR_Validate_records_2_02.xml", respect_include=False)
    assert len(everything) > len(records)


def test_flat_jsonl_gold_is_read(shared: Path) -> None:
    path = shared / "data" / "eventcoding" / "derived" / "petr_validate_records_2_02.jsonl"
    records = read_gold(path)
    assert len(records) == 274
    assert records[0].events == [("ARN", "GON", "050")]


def test_unit_test_records_with_the_validate_dictionaries(shared: Path, nlp: object) -> None:
    from bilat.coding import Coder

    folder = shared / "data" / "eventcoding" / "petrarch2"
    result = evaluate(
        folder / "PETR.UnitTest.records.xml", Coder(dicts=folder / "PETR.Validate", nlp=nlp)
    )
    # measured: 281 records, TP 70.6 %, FP 20.3 % (was 66.3 / 18.2 before the words ahead of
    # the verb were read and nameless sector actors were coded); targets 80 / 10 not met
    assert result.overall.records == 281
    assert result.overall.tp >= 0.69
    assert result.overall.fp <= 0.21
