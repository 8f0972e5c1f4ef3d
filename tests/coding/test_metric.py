"""UD-PETRARCH's metric: TP = correct/(correct+uncoded), FP = extra/records."""

from __future__ import annotations

import pytest

from bilat.coding.evaluate import Tally, macro_f1, score


def test_reproduces_ud_petrarch_published_arithmetic() -> None:
    # UD-PETRARCH on PETR_Validate_records_2_02: 213 of 312 expected, 56 extra, 244 records
    tally = Tally(correct=213, uncoded=312 - 213, extra=56, records=244)
    assert round(100 * tally.tp, 2) == 68.27
    assert round(100 * tally.fn, 2) == 31.73
    assert round(100 * tally.fp, 2) == 22.95


@pytest.mark.parametrize(
    ("expected", "produced", "counts"),
    [
        ([("A", "B", "010")], [("A", "B", "010")], (1, 0, 0)),
        ([("A", "B", "010")], [], (0, 1, 0)),
        ([], [("A", "B", "010")], (0, 0, 1)),
        ([("A", "B", "010"), ("B", "A", "010")], [("A", "B", "010"), ("A", "C", "190")], (1, 1, 1)),
        ([("A", "B", "010")], [("A", "B", "010"), ("A", "B", "010")], (1, 0, 0)),
    ],
)
def test_score_per_record(
    expected: list[tuple[str, str, str]],
    produced: list[tuple[str, str, str]],
    counts: tuple[int, int, int],
) -> None:
    assert score(expected, produced) == counts


def test_macro_f1_counts_missing_predictions_as_wrong() -> None:
    assert macro_f1(["a", "b"], ["a", "b"], ["a", "b"]) == 1.0
    assert macro_f1(["a", "b"], ["a", None], ["a", "b"]) == pytest.approx(0.5)
