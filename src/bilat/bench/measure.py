"""Measure benchmark: a dyad's year series inside DuckDB versus loading events into pandas.

The store is filled with random events among 20 countries by one SQL
``INSERT ... SELECT`` over ``range`` (10 million events; 200,000 when quick).
bilat's way is :func:`bilat.measure.dyad_series` (one ``GROUP BY`` inside
DuckDB); the baseline loads the columns the series needs for every event into
pandas, filters the dyad and groups there, computing the same counts and sums.
Both results are checked to agree before the times are compared.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bilat.bench import BenchConfig, BenchResult, benchmark, best_of
from bilat.events import DOMAINS, EventStore
from bilat.measure import COERCION_PREFIXES, dyad_series

__all__ = ["fill_random_events", "measure_benchmark", "pandas_year_series"]

_COUNTRIES = (
    "USA", "PAK", "IND", "CHN", "AFG", "RUS", "GBR", "FRA", "DEU", "JPN",
    "IRN", "SAU", "TUR", "BGD", "LKA", "NPL", "EGY", "ISR", "BRA", "ZAF",
)  # fmt: skip
_CODES = ("010", "036", "042", "057", "062", "071", "0831", "111", "1212", "1311", "138",
          "163", "172", "190")  # fmt: skip


def fill_random_events(store: EventStore, n_events: int, seed: int) -> None:
    """Insert ``n_events`` random events into the store's ``events`` table with one SQL statement.

    Codes are drawn from a small list and their root, quad, penta and
    Goldstein weight follow from the code; domains are uniform.
    """
    con = store.con
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})").fetchall()
    iso = ", ".join(f"'{c}'" for c in _COUNTRIES)
    codes = ", ".join(f"'{c}'" for c in _CODES)
    domains = ", ".join(f"'{d}'" for d in DOMAINS)
    con.execute("BEGIN TRANSACTION")
    con.execute(
        "INSERT INTO batches VALUES (0, '<bench>', ?, 'bench', ?, ?, 0, 0, now()::TIMESTAMP)",
        [f"bench-measure-{n_events}-{seed}", n_events, n_events],
    )
    con.execute(
        f"""
        INSERT INTO events
        WITH r AS (
            SELECT i,
                   [{iso}][1 + CAST(floor(random() * {len(_COUNTRIES)}) AS INTEGER)] AS a,
                   [{iso}][1 + CAST(floor(random() * {len(_COUNTRIES)}) AS INTEGER)] AS b,
                   [{codes}][1 + CAST(floor(random() * {len(_CODES)}) AS INTEGER)] AS code,
                   [{domains}][1 + CAST(floor(random() * 5) AS INTEGER)] AS dom,
                   DATE '1979-01-01' + CAST(floor(random() * 16000) AS INTEGER) AS day,
                   1 + floor(random() * 5) AS w
            FROM range({int(n_events)}) t(i)
        ), c AS (
            SELECT *, CAST(substr(code, 1, 2) AS INTEGER) AS rt FROM r
        )
        SELECT 'bench:' || i, day, NULL, 'day', NULL, a, 'GOV', NULL, NULL, b, 'GOV', NULL,
               code, substr(code, 1, 2), NULL, NULL, NULL,
               CAST(CASE WHEN rt <= 5 THEN 1 WHEN rt <= 9 THEN 2 WHEN rt <= 14 THEN 3 ELSE 4 END
                    AS TINYINT),
               CAST(CASE WHEN rt <= 2 THEN 0 WHEN rt <= 5 THEN 1 WHEN rt <= 9 THEN 2
                         WHEN rt <= 13 OR rt = 16 THEN 3 ELSE 4 END AS TINYINT),
               CASE WHEN rt <= 9 THEN rt * 0.9 ELSE -(rt - 9) * 0.9 END,
               dom, 'reported', 'bench', NULL, NULL, NULL, NULL, NULL, NULL, w, 0
        FROM c
        """
    )
    con.execute("COMMIT")


def pandas_year_series(frame: pd.DataFrame, actor: str, recipient: str) -> pd.DataFrame:
    """The baseline: the same year series computed in pandas from loaded events."""
    pair = ((frame["actor_country"] == actor) & (frame["recipient_country"] == recipient)) | (
        (frame["actor_country"] == recipient) & (frame["recipient_country"] == actor)
    )
    part = frame[pair]
    year = pd.to_datetime(part["date"]).dt.year
    data = pd.DataFrame(
        {
            "year": year.to_numpy(),
            "actor": part["actor_country"].to_numpy(),
            "events": 1,
            "goldstein_sum": part["goldstein"].to_numpy(),
            "goldstein_pos": part["goldstein"].clip(lower=0).to_numpy(),
            "goldstein_neg": part["goldstein"].clip(upper=0).to_numpy(),
            "cooperation": part["penta"].isin([1, 2]).to_numpy(),
            "conflict": part["penta"].isin([3, 4]).to_numpy(),
            "coercion": part["cameo"].str.startswith(COERCION_PREFIXES).to_numpy(),
        }
    )
    for q in range(1, 5):
        data[f"quad_{q}"] = (part["quad"] == q).to_numpy()
    for p in range(5):
        data[f"penta_{p}"] = (part["penta"] == p).to_numpy()
    for d in DOMAINS:
        data[f"domain_{d}"] = (part["domain"] == d).to_numpy()
        data[f"coop_{d}"] = ((part["domain"] == d) & part["penta"].isin([1, 2])).to_numpy()
    return data.groupby(["year", "actor"]).sum().sort_index()


@benchmark(
    "measure",
    "year series of one dyad inside DuckDB vs loading the events into pandas and grouping",
)
def measure_benchmark(config: BenchConfig) -> BenchResult:
    """Time :func:`bilat.measure.dyad_series` against the pandas baseline, side by side."""
    n_events = 200_000 if config.quick else 10_000_000
    columns = (
        "date, actor_country, recipient_country, cameo, quad, penta, goldstein, domain, weight"
    )
    with tempfile.TemporaryDirectory() as tmp, EventStore(Path(tmp) / "bench.duckdb") as store:
        fill_random_events(store, n_events, config.seed)

        def in_duckdb() -> pd.DataFrame:
            return dyad_series(store, "USA:PAK", freq="year")

        def in_pandas() -> pd.DataFrame:
            frame = store.con.execute(f"SELECT {columns} FROM events").fetchdf()
            return pandas_year_series(frame, "USA", "PAK")

        ours = in_duckdb()
        theirs = in_pandas()
        keyed = ours.assign(year=[p.year for p in ours["period"]]).set_index(["year", "actor"])
        keyed = keyed.loc[theirs.index]
        for column in ("events", "cooperation", "coercion", "goldstein_sum", "coop_security"):
            if not np.allclose(keyed[column].to_numpy(float), theirs[column].to_numpy(float)):
                raise AssertionError(f"bilat and pandas disagree on {column}")
        repeat = 5 if config.quick else 3
        t_duckdb = best_of(in_duckdb, repeat)
        t_pandas = best_of(in_pandas, 1 if not config.quick else 3)
    ratio = t_pandas / t_duckdb
    return BenchResult(
        name="measure",
        ratio=ratio,
        target=20.0,
        meaning="times faster than loading the events into pandas and grouping there",
        details={
            "events": n_events,
            "dyad_events": int(ours["events"].sum()),
            "periods": int(ours["period"].nunique()),
            "duckdb_seconds": round(t_duckdb, 4),
            "pandas_seconds": round(t_pandas, 4),
        },
    )
