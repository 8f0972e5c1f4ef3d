"""The report's sources: every work once, whatever its spelling in the record."""

from __future__ import annotations

import pandas as pd
import pytest

from bilat.events import EventStore
from bilat.study import StudyResult, get_case
from bilat.study.sources import collect_sources, source_key, split_citation

KUX = (
    "Dennis Kux, The United States and Pakistan, 1947-2000: Disenchanted Allies "
    "(Woodrow Wilson Center Press and Johns Hopkins University Press, 2001)"
)


@pytest.mark.parametrize(
    "variant",
    [
        KUX + ", book",
        KUX.upper(),
        "  " + KUX.replace(" ", "  ") + ".",
        KUX.replace("1947-2000", "1947–2000"),
        KUX + ", p. 212",
        KUX + ", pp. 12-15",
        KUX + ", 2nd edn",
        "ruler: " + KUX,
    ],
)
def test_spellings_of_one_work_share_a_key(variant: str) -> None:
    (work,) = split_citation(variant, combined=False)
    assert source_key(work) == source_key(KUX)


def test_different_works_keep_different_keys() -> None:
    assert source_key(KUX) != source_key(KUX.replace("2001", "2002"))
    assert source_key("Resolution 1172 (1998)") != source_key("Resolution 1267 (1999)")


def test_a_report_number_identifies_a_report() -> None:
    title = "R. Cronin, Proliferation and the 9/11 Commission"
    short = f"{title}, Congressional Research Service report RL32745 (2005)"
    full = f"{title}: Options, CRS report RL32745 (2005), CRS report"
    assert source_key(short) == source_key(full)
    assert source_key(short) != source_key(short.replace("RL32745", "RL33498"))


def test_combined_citations_split_outside_parentheses() -> None:
    text = f"{KUX}; deflator: BLS CPI-U (series CUUR0000SA0); UN roll calls (Voeten; unvotes)"
    assert split_citation(text) == [
        KUX,
        "BLS CPI-U (series CUUR0000SA0)",
        "UN roll calls (Voeten; unvotes)",
    ]
    assert split_citation("A memoir, book; and an interview", combined=False) == [
        "A memoir, book; and an interview"
    ]


def _record_result() -> StudyResult:
    from bilat.record import load, series, series_names

    result = StudyResult(case=get_case("us-pakistan"), seed=0, budget=400)
    with EventStore(":memory:") as store:
        load(store)
        result.events = store.query()
    result.series = {str(name): series(name) for name in series_names()}
    return result


def test_the_record_lists_each_work_once() -> None:
    result = _record_result()
    sources = collect_sources(result)
    keys = [source_key(s["citation"]) for s in sources]
    assert len(keys) == len(set(keys))
    assert [s["id"] for s in sources] == [f"S{i}" for i in range(1, len(sources) + 1)]
    # the same work, by exact text, was listed this many times before
    exact = set(result.events["citation"].dropna())
    for frame in result.series.values():
        if "source" in frame:
            exact |= {str(s) for s in frame["source"].dropna()}
    assert len(sources) < len(exact)
    kux = [s for s in sources if s["citation"].startswith("Dennis Kux, The United States")]
    assert len(kux) == 1
    assert kux[0]["kind"].startswith("record, series:")
    cites_kux = result.events["citation"].map(lambda c: source_key(c) == source_key(KUX))
    assert kux[0]["events"] == int(cites_kux.sum())
    assert sum(s.get("events", 0) for s in sources) == int(result.events["citation"].notna().sum())
    for source in sources:
        assert not source["citation"].endswith((", book", ", official statement", ", CRS report"))


def test_no_citation_no_source() -> None:
    result = StudyResult(case=get_case("us-pakistan"), seed=0, budget=400)
    result.events = pd.DataFrame({"citation": [None, ""], "url": [None, None]})
    sources = collect_sources(result)
    assert {s["kind"] for s in sources} == {"eras"}
