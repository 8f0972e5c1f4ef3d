"""Store benchmark: a dyad query answered inside DuckDB versus loading every event into pandas."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow.compute as pc

from bilat.bench import BenchConfig, BenchResult, benchmark, best_of
from bilat.events import EventStore


def fill_store(store: EventStore, n_events: int, seed: int) -> None:
    """Fill ``store`` with ``n_events`` random events among 20 countries, in one batch."""
    store.con.execute(f"SELECT setseed({(seed % 1000) / 1000})").fetchall()
    table = store.con.sql(
        f"""
        WITH c AS (SELECT ['USA','PAK','IND','CHN','AFG','RUS','GBR','FRA','DEU','JPN',
                           'IRN','SAU','TUR','BGD','LKA','NPL','EGY','ISR','BRA','ZAF'] AS iso)
        SELECT 'bench:' || i AS id,
               DATE '1979-01-01' + CAST(floor(random() * 16000) AS INTEGER) AS date,
               NULL::DATE AS date_end, 'day' AS date_precision,
               NULL AS actor_code,
               c.iso[1 + CAST(floor(random() * 20) AS INTEGER)] AS actor_country,
               'GOV' AS actor_sector, NULL AS actor_text,
               NULL AS recipient_code,
               c.iso[1 + CAST(floor(random() * 20) AS INTEGER)] AS recipient_country,
               'GOV' AS recipient_sector, NULL AS recipient_text,
               '0' || CAST(1 + CAST(floor(random() * 9) AS INTEGER) AS VARCHAR) || '0' AS cameo,
               NULL AS root, NULL AS event, NULL AS mode, NULL AS context,
               CAST(1 AS TINYINT) AS quad, CAST(1 AS TINYINT) AS penta,
               1.0 AS goldstein, 'diplomatic' AS domain, 'asserted' AS modality,
               'bench' AS dataset, NULL AS source_id, NULL AS doc_id, NULL AS sentence,
               NULL AS span, NULL AS url, NULL AS citation, 1.0 AS weight
        FROM range({n_events}) t(i), c
        """
    ).to_arrow_table()
    table = table.set_column(
        table.schema.get_field_index("root"), "root", pc.utf8_slice_codeunits(table["cameo"], 0, 2)
    )
    store.add_batch(table, file="<bench>", sha256=f"bench-{n_events}-{seed}", dataset="bench")


@benchmark("store", "dyad query inside DuckDB vs loading all events into pandas and filtering")
def store_benchmark(config: BenchConfig) -> BenchResult:
    """Time ``EventStore.query(dyad=USA:PAK)`` against a full pandas load and filter."""
    n_events = 50_000 if config.quick else 2_000_000
    with tempfile.TemporaryDirectory() as tmp, EventStore(Path(tmp) / "bench.duckdb") as store:
        fill_store(store, n_events, config.seed)

        def in_duckdb() -> object:
            return store.query("USA:PAK")

        def in_pandas() -> object:
            frame = store.con.execute("SELECT * FROM events").fetchdf()
            pair = (frame.actor_country == "USA") & (frame.recipient_country == "PAK")
            back = (frame.actor_country == "PAK") & (frame.recipient_country == "USA")
            return frame[pair | back].sort_values(["date", "id"])

        ours = best_of(in_duckdb)
        base = best_of(in_pandas)
    return BenchResult(
        name="store",
        ratio=base / ours,
        target=5.0,
        meaning="times faster than loading the store into pandas and filtering there",
        details={"events": n_events, "duckdb_s": round(ours, 4), "pandas_s": round(base, 4)},
    )
