"""UN General Assembly: roll-call agreement with the US (unvotes) and ideal points (BSV).

The 870k country votes are aggregated inside DuckDB: the Arrow table of the votes is registered
with the build's connection and one pass (:data:`UN_COUNTS_SQL`) joins every vote with its roll
call's year and "important vote" flag and with the US vote on the same roll call, and counts
them per country name and year.  The names are mapped to COW codes, and the agreement and the
row accounting are computed from those few thousand counts; only the quarantine goes back to the
individual votes.  Agreement is the share of roll calls both voted in (yes, no or abstain) where
the two votes are identical; the year is the calendar year of the roll call's date.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyreadr

from bilat.panel.sources._base import US_COW, Context, map_frame

__all__ = [
    "UN_ACCOUNT_SQL",
    "UN_AGREEMENT_SQL",
    "UN_COUNTS_SQL",
    "UN_PAIRS_SQL",
    "UN_QUARANTINE_SQL",
    "aggregate_votes",
    "load_roll_calls",
    "load_votes",
    "read_idealpoints",
    "read_unvotes",
    "vote_account",
    "vote_pairs",
    "vote_quarantine",
]


def load_votes(path: object) -> pa.Table:
    """The UNGA votes as an Arrow table: row (1-based), rcid, country, country_code, vote."""
    frame = pyreadr.read_r(path)["un_votes"]
    return pa.table(
        {
            "row": np.arange(1, len(frame) + 1, dtype="int64"),
            "rcid": frame["rcid"].astype("int64").to_numpy(),
            "country": pa.array(frame["country"], pa.string()),
            "country_code": pa.array(frame["country_code"], pa.string()),
            "vote": pa.array(frame["vote"].astype(str).where(frame["vote"].notna()), pa.string()),
        }
    )


def load_roll_calls(path: object) -> pd.DataFrame:
    """Roll calls: rcid, calendar year of the date, important-vote flag (0/1)."""
    frame = pyreadr.read_r(path)["un_roll_calls"]
    return pd.DataFrame(
        {
            "rcid": frame["rcid"].astype("int64"),
            "year": pd.to_datetime(frame["date"]).dt.year.astype("int64"),
            "important": pd.to_numeric(frame["importantvote"]).fillna(0).astype("int64"),
        }
    )


def read_unvotes(ctx: Context) -> None:
    """Table ``src_unvotes(ccode, year, unga_agree_all, unga_agree_important, unga_n_votes)``."""
    calls = ctx.open("un_roll_calls", load_roll_calls)
    ctx.put("un_calls", calls)
    ctx.account("un_roll_calls", read=len(calls), used=len(calls), out_of_scope=0, years=calls.year)
    issues = ctx.open("un_issues", lambda p: pyreadr.read_r(p)["un_roll_call_issues"])
    ctx.stats["un_issues"].note = "issue tags: read and checked, not used by a column"
    ctx.account("un_issues", read=len(issues), used=0, out_of_scope=len(issues), years=pd.Series())

    votes = ctx.open("unvotes", load_votes)
    con = ctx.con
    con.register("un_votes_df", votes)
    pairs = vote_pairs(con)
    ccode, reason = map_frame(pairs["country"], pairs["year"])
    pairs = pairs.assign(ccode=ccode, reason=reason)
    ctx.put("un_map", pairs)
    aggregate_votes(con)
    ctx.quarantine("unvotes", vote_quarantine(con))
    used, other, years_lo, years_hi = vote_account(con)
    con.unregister("un_votes_df")
    ctx.account(
        "unvotes",
        read=votes.num_rows,
        used=used,
        out_of_scope=other,
        years=pd.Series([years_lo, years_hi]),
    )


#: One pass over the 870k votes: each vote joined with its roll call (year, important flag) and
#: the US vote on it, counted per country name, US-or-not, year and flag (~17k rows).  The pairs
#: to map, the agreement and the row accounting are all computed from these counts.
UN_COUNTS_SQL = """
CREATE OR REPLACE TABLE un_counts AS
WITH us AS (SELECT rcid, vote AS us_vote FROM un_votes_df WHERE country_code = 'US')
SELECT v.country, coalesce(v.country_code = 'US', false) AS is_us, c.year, c.important,
       count(*) AS n,
       count(us.us_vote) AS n_with_us,
       count(*) FILTER (WHERE v.vote = us.us_vote) AS n_same
FROM un_votes_df v
LEFT JOIN un_calls c USING (rcid)
LEFT JOIN us USING (rcid)
GROUP BY ALL
"""

#: The (country name, roll-call year) pairs of the partner votes, to map to COW codes.
UN_PAIRS_SQL = """
SELECT DISTINCT country, year FROM un_counts
WHERE NOT is_us AND year IS NOT NULL
ORDER BY 1, 2
"""

#: Agreement per partner-year: the counts mapped to COW codes and summed.  Only votes on roll
#: calls the US voted in count; the shares are exact ratios of integer counts, so they equal the
#: mean of a 0/1 "same vote" column.
UN_AGREEMENT_SQL = """
CREATE OR REPLACE TABLE src_unvotes AS
SELECT m.ccode::INTEGER AS ccode, k.year::INTEGER AS year,
       sum(k.n_same) / sum(k.n_with_us) AS unga_agree_all,
       sum(k.n_same) FILTER (WHERE k.important = 1)
           / nullif(sum(k.n_with_us) FILTER (WHERE k.important = 1), 0) AS unga_agree_important,
       sum(k.n_with_us)::INTEGER AS unga_n_votes
FROM un_counts k
JOIN un_map m ON m.country = k.country AND m.year = k.year
WHERE NOT k.is_us AND m.ccode IS NOT NULL AND m.ccode <> 2
GROUP BY ALL
HAVING sum(k.n_with_us) > 0
"""

#: Partner votes whose roll call is unknown or whose (country, year) did not map.  The map's
#: unmapped pairs are few, so the row-level pass joins the votes to that short list only.
UN_QUARANTINE_SQL = """
WITH bad AS (SELECT country, year, reason FROM un_map WHERE ccode IS NULL)
SELECT v.row, 'country' AS field, v.country AS value,
       CASE WHEN c.rcid IS NULL THEN 'roll call not in un_roll_calls' ELSE b.reason END
           AS reason,
       c.year
FROM un_votes_df v
LEFT JOIN un_calls c USING (rcid)
LEFT JOIN bad b ON b.country = v.country AND b.year = c.year
WHERE v.country_code IS DISTINCT FROM 'US'
  AND (c.rcid IS NULL OR b.country IS NOT NULL OR v.country IS NULL)
ORDER BY v.row
"""

# used: the US votes and every partner vote that has a US vote to compare with;
# out of scope: partner votes on roll calls the US did not vote in, and votes mapped to the US.
UN_ACCOUNT_SQL = """
SELECT coalesce(sum(k.n) FILTER (WHERE k.is_us), 0)
           + coalesce(sum(k.n_with_us) FILTER (WHERE NOT k.is_us AND m.ccode <> 2), 0),
       coalesce(sum(k.n - k.n_with_us) FILTER (WHERE NOT k.is_us AND m.ccode <> 2), 0)
           + coalesce(sum(k.n) FILTER (WHERE NOT k.is_us AND m.ccode = 2), 0),
       min(k.year), max(k.year)
FROM un_counts k
LEFT JOIN un_map m ON m.country = k.country AND m.year = k.year
"""


def vote_pairs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Count the registered votes (``un_votes_df``, ``un_calls``) into ``un_counts`` and return
    the distinct (country, year) pairs of the partner votes, sorted."""
    con.execute(UN_COUNTS_SQL)
    return con.execute(UN_PAIRS_SQL).fetchdf()


def aggregate_votes(con: duckdb.DuckDBPyConnection) -> None:
    """Aggregate ``un_counts`` with ``un_map`` into ``src_unvotes`` inside DuckDB."""
    con.execute(UN_AGREEMENT_SQL)


def vote_quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Partner votes whose roll call or country does not map: row, field, value, reason, year."""
    return con.execute(UN_QUARANTINE_SQL).fetchdf()


def vote_account(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, int]:
    """Votes used, votes out of scope, first and last roll-call year."""
    used, other, lo, hi = con.execute(UN_ACCOUNT_SQL).fetchall()[0]
    return int(used), int(other), int(lo), int(hi)


def read_idealpoints(ctx: Context) -> None:
    """Table ``src_ideal(ccode, year, unga_ideal_distance)`` (idealpointall, |partner - US|)."""
    frame = ctx.open("idealpoints", lambda p: pd.read_stata(p, convert_categoricals=False))
    frame = pd.DataFrame(
        {
            "ccode": frame["ccode"].astype("int64"),
            "year": frame["year"].astype("int64"),
            "ideal": frame["idealpointall"].astype("float64"),
        }
    )
    us = frame[frame.ccode == US_COW].set_index("year")["ideal"]
    partners = frame[frame.ccode != US_COW]
    has_us = partners.year.isin(us.index[us.notna()])
    used = partners[has_us]
    out = pd.DataFrame(
        {
            "ccode": used.ccode.to_numpy(),
            "year": used.year.to_numpy(),
            "unga_ideal_distance": (used.ideal - used.year.map(us)).abs().to_numpy(),
        }
    )
    ctx.put("src_ideal", out)
    ctx.account(
        "idealpoints",
        read=len(frame),
        used=len(used) + len(us),
        out_of_scope=int((~has_us).sum()),
        years=frame.year,
    )
