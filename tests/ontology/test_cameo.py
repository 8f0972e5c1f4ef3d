"""The CAMEO table against the published reference tables and the real GDELT rows."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.errors import InputError, UnknownCodeError
from bilat.ontology import (
    DOMAINS,
    CameoCode,
    cameo,
    cameo_table,
    cameo_to_plover,
    goldstein_disagreements,
    is_cameo,
    penta_of_root,
    plover_to_root,
    quad_of_root,
)

GDELT_FILES = [
    ("gdelt2_export_arekziobrowski/20191024143000.export.CSV", {61}),
    ("gdelt_reed9999/events.csv", {57, 58}),
]


def gdelt_rows(shared: Path) -> list[list[str]]:
    rows = []
    for name, widths in GDELT_FILES:
        path = shared / "data" / "eventdata" / name
        for line in path.read_text("utf-8").splitlines():
            cols = line.split("\t")
            assert len(cols) in widths, (name, len(cols))
            rows.append(cols)
    return rows


def codebook_index(shared: Path, book: str, field: str) -> int:
    """Column index of ``field`` in gdeltPyR's GDELT 1.0 / 2.0 codebooks."""
    path = shared / "data" / "eventdata" / "gdeltPyR" / book
    with open(path, encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    return names.index(field)


def read_gdelt_goldstein(shared: Path) -> dict[str, float]:
    path = shared / "data" / "eventcoding" / "lookups" / "gdelt_CAMEO.goldsteinscale.txt"
    out = {}
    for line in path.read_text("utf-8").splitlines()[1:]:
        code, value = line.split()
        out[code] = float(value)
    return out


def read_icews(shared: Path) -> dict[str, dict[str, str]]:
    path = shared / "data" / "eventcoding" / "lookups" / "icews_cameo-codes.utf8.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


# ------------------------------------------------------------------ the table itself


def test_table_has_every_level_and_at_least_290_codes() -> None:
    table = cameo_table()
    assert len(table) >= 290
    assert table["code"].is_unique
    assert set(table["code"].str.len()) == {2, 3, 4}
    assert len(table[table["level"] == 1]) == 20


def test_codes_are_text_with_leading_zeros() -> None:
    table = cameo_table()
    assert all(isinstance(c, str) for c in table["code"])
    assert all(re.fullmatch(r"\d{2,4}", c) for c in table["code"])
    assert {"01", "010", "0211", "020"} <= set(table["code"])
    assert (table["root"] == table["code"].str[:2]).all()
    assert (table["level"] == table["code"].str.len() - 1).all()


def test_every_row_has_a_source() -> None:
    table = cameo_table()
    assert (table["source"].str.len() > 0).all()
    assert (
        table["goldstein_source"]
        .isin(["GDELT CAMEO.goldsteinscale.txt", "ICEWS cameo-codes.csv (andybega/icews)"])
        .all()
    )


QUAD_ROOTS = {1: range(1, 6), 2: range(6, 10), 3: range(10, 15), 4: range(15, 21)}
PENTA_ROOTS = {
    0: [1, 2],
    1: [3, 4, 5],
    2: [6, 7, 8, 9],
    3: [10, 11, 12, 13, 16],
    4: [14, 15, 17, 18, 19, 20],
}


@pytest.mark.parametrize(("quad", "roots"), QUAD_ROOTS.items())
def test_quad_classes_follow_the_anchor_definition(quad: int, roots: range) -> None:
    for root in roots:
        assert quad_of_root(f"{root:02d}") == quad
        assert quad_of_root(root) == quad
    table = cameo_table()
    in_roots = table["root"].astype(int).isin(list(roots))
    assert (table.loc[in_roots, "quad"] == quad).all()


@pytest.mark.parametrize(("penta", "roots"), PENTA_ROOTS.items())
def test_penta_classes_follow_the_anchor_definition(penta: int, roots: list[int]) -> None:
    table = cameo_table()
    for root in roots:
        assert penta_of_root(f"{root:02d}") == penta
    in_roots = table["root"].astype(int).isin(roots)
    assert (table.loc[in_roots, "penta"] == penta).all()


def test_quad_of_a_full_code_uses_its_root() -> None:
    assert quad_of_root("0211") == 1
    assert penta_of_root("145") == 4


@pytest.mark.parametrize("bad", ["00", "21", "x", "", 0, 21])
def test_unknown_root_raises(bad: str | int) -> None:
    with pytest.raises(UnknownCodeError):
        quad_of_root(bad)


def test_domains_are_valid_and_rule_examples_hold() -> None:
    table = cameo_table()
    assert set(table["domain"]) <= set(DOMAINS)
    assert set(table["domain"]) == set(DOMAINS)
    expect = {
        "0211": "economic",
        "0212": "security",
        "0233": "humanitarian",
        "0312": "security",
        "0331": "economic",
        "0332": "security",
        "0333": "humanitarian",
        "061": "economic",
        "062": "security",
        "071": "economic",
        "072": "security",
        "073": "humanitarian",
        "075": "humanitarian",
        "1041": "governance",
        "141": "governance",
        "145": "governance",
        "163": "diplomatic",
        "1621": "economic",
        "190": "security",
        "042": "diplomatic",
    }
    for code, domain in expect.items():
        assert cameo(code).domain == domain, code


# ------------------------------------------------------------------ lookups and errors


def test_cameo_returns_a_frozen_dataclass() -> None:
    found = cameo("0211")
    assert isinstance(found, CameoCode)
    assert found.code == "0211"
    assert found.root == "02"
    assert found.quad == 1
    assert found.penta == 0
    with pytest.raises(AttributeError):
        found.code = "x"  # type: ignore[misc]


def test_unknown_code_names_the_nearest_valid_codes() -> None:
    with pytest.raises(UnknownCodeError) as info:
        cameo("0215")
    err = info.value
    assert err.kind == "CAMEO"
    assert err.code == "0215"
    assert err.suggestions[:5] == ["021", "0211", "0212", "0213", "0214"]
    assert "0215" in str(err)
    assert "0211" in str(err)


def test_unknown_code_far_from_any_prefix_still_suggests() -> None:
    with pytest.raises(UnknownCodeError) as info:
        cameo("999")
    assert info.value.suggestions
    assert all(is_cameo(s) for s in info.value.suggestions)


def test_int_codes_are_refused_with_a_hint() -> None:
    with pytest.raises(InputError, match="text"):
        cameo(10)  # type: ignore[arg-type]


def test_is_cameo() -> None:
    assert is_cameo("010")
    assert is_cameo(" 010 ")  # surrounding whitespace is ignored
    assert is_cameo("10")
    assert not is_cameo("0215")
    assert not is_cameo(10)
    assert not is_cameo(None)


# ------------------------------------------------------------------ PLOVER


def test_plover_columns_come_from_the_conversion_table(shared: Path) -> None:
    path = shared / "data" / "eventdata" / "plover" / "CAMEO2PLOVER-2021.txt"
    seen = set()
    for line in path.read_text("utf-8").splitlines():
        m = re.match(r"^(\d{3,4}):\s*([A-Z]+)\s*,", line.strip())
        if not m or m.group(1) in seen:
            continue
        seen.add(m.group(1))
        code, event = m.groups()
        if is_cameo(code):
            assert cameo(code).plover_event == event, code
    assert cameo_to_plover("0312") == ("AGREE", None, "military")
    assert cameo_to_plover("010") == (None, None, None)


def test_plover_to_root_matches_the_majority_root_of_each_event() -> None:
    table = cameo_table()
    coded = table[table["plover_event"].notna() & (table["level"] > 1)]
    for event, group in coded.groupby("plover_event"):
        majority = Counter(group["root"]).most_common(1)[0][0]
        assert plover_to_root(str(event)) == majority, event


def test_plover_old_names_and_case() -> None:
    assert plover_to_root("DEMAND") == "10"
    assert plover_to_root("disapprove") == "11"
    assert plover_to_root("Fight") == "19"
    assert plover_to_root("INVESTIGATE") == "09"
    with pytest.raises(UnknownCodeError) as info:
        plover_to_root("ASSUALT")
    assert "ASSAULT" in info.value.suggestions


def test_plover_old_names_cover_the_gold_file(shared: Path) -> None:
    path = shared / "data" / "eventdata" / "plover" / "PLOVER_GSR_CAMEO.txt"
    events = set(re.findall(r'"event":\s*"([A-Z]+)"', path.read_text("utf-8")))
    events.discard("DOCUMENT")
    assert events
    for event in events:
        assert plover_to_root(event)


# ------------------------------------------------------------------ Goldstein


def test_every_weight_equals_the_chosen_reference_table(shared: Path) -> None:
    gdelt = read_gdelt_goldstein(shared)
    icews = read_icews(shared)
    for row in cameo_table().itertuples():
        if row.goldstein_source.startswith("GDELT"):
            assert row.goldstein == gdelt[row.code], row.code
        else:
            assert row.code not in gdelt
            assert row.goldstein == float(icews[row.code]["goldstein"]), row.code
    covered = set(cameo_table()["code"])
    assert set(gdelt) <= covered


def test_every_event_code_in_the_real_gdelt_rows_is_known(shared: Path) -> None:
    # EventCode is column 26 in both GDELT 1.0 and 2.0 (gdeltPyR's codebooks)
    assert codebook_index(shared, "events1.csv", "EventCode") == 26
    assert codebook_index(shared, "events2.csv", "EventCode") == 26
    assert codebook_index(shared, "events2.csv", "GoldsteinScale") == 30
    assert codebook_index(shared, "events2.csv", "QuadClass") == 29
    rows = gdelt_rows(shared)
    assert len(rows) == 2111 + 710
    codes = {r[26] for r in rows}
    assert len(codes) == 133
    unknown = sorted(c for c in codes if not is_cameo(c))
    assert not unknown


def test_weights_and_quad_classes_agree_with_the_real_gdelt_rows(shared: Path) -> None:
    for cols in gdelt_rows(shared):
        code = cameo(cols[26])
        assert code.goldstein == float(cols[30]), cols[26]
        assert code.quad == int(cols[29]), cols[26]
        assert code.root == cols[28]


def test_disagreement_list(shared: Path) -> None:
    dis = goldstein_disagreements()
    assert dis["code"].tolist() == ["016", "022", "124", "163", "164", "165", "166"]
    assert (dis["chosen"] == dis["gdelt"]).all()
    # GDELT and ICEWS disagree on 016, 022, 164, 165 (ANCHORS.md)
    gi = dis[dis["gdelt"] != dis["icews"]]["code"].tolist()
    assert gi == ["016", "022", "164", "165"]
    seen = dis[dis["observed_rows"] > 0]
    assert (seen["observed"].astype(float) == seen["chosen"]).all()
    assert (dis["source"].str.len() > 0).all()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 x", max_size=5))
def test_cameo_either_finds_or_raises_unknown_code(text: str) -> None:
    if is_cameo(text):
        assert cameo(text).code == text.strip()
    else:
        with pytest.raises(UnknownCodeError) as info:
            cameo(text)
        assert all(is_cameo(s) for s in info.value.suggestions)
