"""UN General Assembly: roll-call agreement with the US (unvotes) and ideal points (BSV).

The 870k country votes are aggregated inside DuckDB: the pandas frame pyreadr returns is
registered with the build's connection and one SQL query joins every vote with the US vote on
the same roll call and the roll call's date and "important vote" flag.  Agreement is the share
of roll calls both voted in (yes, no or abstain) where the two votes are identical; the year is
the calendar year of the roll call's date.
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
    "UN_QUARANTINE_SQL",
    "aggregate_votes",
    "load_roll_calls",
    "load_votes",
    "read_idealpoints",
    "read_unvotes",
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
    pairs = con.execute(
        """
        SELECT DISTINCT v.country, c.year FROM un_votes_df v JOIN un_calls c USING (rcid)
        WHERE v.country_code IS DISTINCT FROM 'US' ORDER BY 1, 2
        """
    ).fetchdf()
    ccode, reason = map_frame(pairs["country"], pairs["year"])
    pairs = pairs.assign(ccode=ccode, reason=reason)
    ctx.put("un_map", pairs)
    aggregate_votes(con)
    bad = con.execute(UN_QUARANTINE_SQL).fetchdf()
    ctx.quarantine("unvotes", bad)
    (used, other, years_lo, years_hi) = con.execute(UN_ACCOUNT_SQL).fetchall()[0]
    con.unregister("un_votes_df")
    ctx.account(
        "unvotes",
        read=votes.num_rows,
        used=int(used),
        out_of_scope=int(other),
        years=pd.Series([years_lo, years_hi]),
    )


_JOINED = """
FROM un_votes_df v
LEFT JOIN un_calls c USING (rcid)
LEFT JOIN un_map m ON m.country = v.country AND m.year = c.year
"""

#: Agreement per partner-year in one query: every vote joined with the US vote on the same roll
#: call, the roll call's year and important flag, and the partner's COW code.
UN_AGREEMENT_SQL = """
CREATE OR REPLACE TABLE src_unvotes AS
WITH us AS (SELECT rcid, vote AS us_vote FROM un_votes_df WHERE country_code = 'US')
SELECT m.ccode::INTEGER AS ccode, c.year::INTEGER AS year,
       avg(CASE WHEN v.vote = us.us_vote THEN 1.0 ELSE 0.0 END) AS unga_agree_all,
       avg(CASE WHEN v.vote = us.us_vote THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE c.important = 1) AS unga_agree_important,
       count(*)::INTEGER AS unga_n_votes
FROM un_votes_df v
JOIN us USING (rcid)
JOIN un_calls c USING (rcid)
JOIN un_map m ON m.country = v.country AND m.year = c.year
WHERE v.country_code IS DISTINCT FROM 'US' AND m.ccode IS NOT NULL AND m.ccode <> 2
GROUP BY ALL
"""

UN_QUARANTINE_SQL = f"""
SELECT v.row, 'country' AS field, v.country AS value,
       CASE WHEN c.rcid IS NULL THEN 'roll call not in un_roll_calls' ELSE m.reason END
           AS reason,
       c.year
{_JOINED}
WHERE v.country_code IS DISTINCT FROM 'US' AND (c.rcid IS NULL OR m.ccode IS NULL)
ORDER BY v.row
"""

# used: the US votes and every partner vote that has a US vote to compare with;
# out of scope: partner votes on roll calls the US did not vote in.
UN_ACCOUNT_SQL = f"""
SELECT count(*) FILTER (WHERE v.country_code = 'US' OR (m.ccode IS NOT NULL AND m.ccode <> 2
                        AND v.rcid IN (SELECT rcid FROM un_votes_df WHERE country_code = 'US'))),
       count(*) FILTER (WHERE v.country_code IS DISTINCT FROM 'US' AND m.ccode IS NOT NULL
                        AND (m.ccode = 2 OR v.rcid NOT IN
                             (SELECT rcid FROM un_votes_df WHERE country_code = 'US'))),
       min(c.year), max(c.year)
{_JOINED}
"""


def aggregate_votes(con: duckdb.DuckDBPyConnection) -> None:
    """Aggregate the registered votes (``un_votes_df``, ``un_calls``, ``un_map``) into
    ``src_unvotes`` inside DuckDB."""
    con.execute(UN_AGREEMENT_SQL)


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
