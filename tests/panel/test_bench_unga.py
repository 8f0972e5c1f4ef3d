"""The UNGA vote stages: the build's SQL and the benchmark's pandas baseline agree, by hand too."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from bilat.bench.panel import (
    pandas_unga,
    pandas_vote_checks,
    pandas_vote_counts,
    pandas_vote_pairs,
)
from bilat.panel.sources.unga import aggregate_votes, vote_account, vote_pairs, vote_quarantine

# (rcid, country, country_code, vote); rcid 3 has no US vote, rcid 9 is not a known roll call,
# "Ruritania" does not map, and one row names the US without its code (it maps to COW 2).
_VOTES = [
    (1, "United States", "US", "yes"),
    (1, "Pakistan", "PK", "yes"),
    (1, "India", "IN", "no"),
    (1, "United States of America", None, "yes"),
    (1, "Ruritania", None, "yes"),
    (2, "United States", "US", "no"),
    (2, "Pakistan", "PK", "no"),
    (2, "India", "IN", "no"),
    (3, "Pakistan", "PK", "yes"),
    (3, "India", "IN", "abstain"),
    (9, "Pakistan", "PK", "yes"),
]
_CALLS = pd.DataFrame({"rcid": [1, 2, 3], "year": [1990, 1990, 1991], "important": [0, 1, 0]})
_CODES = {"Pakistan": 770, "India": 750, "United States of America": 2}


def _votes() -> pa.Table:
    rcid, country, code, vote = zip(*_VOTES, strict=True)
    return pa.table(
        {
            "row": pa.array(range(1, len(_VOTES) + 1), pa.int64()),
            "rcid": pa.array(rcid, pa.int64()),
            "country": pa.array(country, pa.string()),
            "country_code": pa.array(code, pa.string()),
            "vote": pa.array(vote, pa.string()),
        }
    )


def _map(pairs: pd.DataFrame) -> pd.DataFrame:
    ccode = pairs.country.map(_CODES).astype("Int64")
    reason = pd.Series("no COW code for this name", index=pairs.index).where(ccode.isna())
    return pairs.assign(ccode=ccode, reason=reason)


@pytest.fixture
def duck() -> dict[str, object]:
    """The build's stages on the votes above, in an in-memory DuckDB."""
    con = duckdb.connect()
    try:
        con.register("_c", _CALLS)
        con.execute("CREATE TABLE un_calls AS SELECT * FROM _c")
        con.register("un_votes_df", _votes())
        pairs = vote_pairs(con)
        un_map = _map(pairs)
        con.register("_m", un_map)
        con.execute("CREATE TABLE un_map AS SELECT * FROM _m")
        aggregate_votes(con)
        agree = con.sql("SELECT * FROM src_unvotes ORDER BY ccode, year").fetchdf()
        return {
            "pairs": pairs,
            "map": un_map,
            "agree": agree,
            "quarantine": vote_quarantine(con),
            "account": vote_account(con),
        }
    finally:
        con.close()


def test_agreement_counts_only_roll_calls_the_us_voted_in(duck: dict[str, object]) -> None:
    agree = duck["agree"]
    assert isinstance(agree, pd.DataFrame)
    assert agree.ccode.tolist() == [750, 770]
    assert agree.year.tolist() == [1990, 1990]
    assert agree.unga_agree_all.tolist() == [0.5, 1.0]
    assert agree.unga_agree_important.tolist() == [1.0, 1.0]
    assert agree.unga_n_votes.tolist() == [2, 2]


def test_unmapped_and_unknown_roll_calls_are_quarantined_and_counted(
    duck: dict[str, object],
) -> None:
    quarantine = duck["quarantine"]
    assert isinstance(quarantine, pd.DataFrame)
    assert quarantine.row.tolist() == [5, 11]
    assert quarantine.reason.tolist() == [
        "no COW code for this name",
        "roll call not in un_roll_calls",
    ]
    # used: 2 US votes + 4 mapped partner votes with a US vote; out of scope: the vote mapped
    # to the US itself and the 2 votes on roll call 3; 2 quarantined.  2 + 4 + 3 + 2 = 11.
    assert duck["account"] == (6, 3, 1990, 1991)


def test_the_pandas_baseline_gives_the_same_results(duck: dict[str, object]) -> None:
    votes = _votes().to_pandas()
    counts = pandas_vote_counts(votes, _CALLS)
    pairs = pandas_vote_pairs(counts)
    assert pairs.equals(duck["pairs"])
    un_map = duck["map"]
    assert isinstance(un_map, pd.DataFrame)
    agree = pandas_unga(counts, un_map).sort_values(["ccode", "year"]).reset_index(drop=True)
    expected = duck["agree"]
    assert isinstance(expected, pd.DataFrame)
    for col in ("ccode", "year", "unga_agree_all", "unga_agree_important", "unga_n_votes"):
        assert agree[col].astype(float).tolist() == expected[col].astype(float).tolist(), col
    quarantine, account = pandas_vote_checks(votes, _CALLS, counts, un_map)
    assert account == duck["account"]
    assert quarantine.row.tolist() == [5, 11]
    assert quarantine.reason.tolist() == duck["quarantine"].reason.tolist()  # type: ignore[attr-defined]
