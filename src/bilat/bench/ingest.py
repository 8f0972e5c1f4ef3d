"""Benchmark: ingest GDELT 2.0 rows against a bare DuckDB read and a pandas loader.

The input is the real GDELT 2.0 export in the shared data (2,111 rows),
replicated with fresh GLOBALEVENTIDs to 2 million rows (50,000 in quick mode)
and written to a temporary directory. Three ways load it, side by side:

* bilat: :func:`bilat.ingest.ingest` -- read, validate, normalise (codes,
  countries, sectors, Goldstein, quad/penta, PLOVER), deduplicate and store in
  a DuckDB file, quarantining bad rows with their line numbers;
* DuckDB bare: ``read_csv`` of the same file (all text, the same 15 source
  columns) into a table of a fresh DuckDB file: no checks, no mapping;
* pandas: ``read_csv`` with the C engine and explicit dtypes, then the same
  normalisation vectorised in pandas (the way Python GDELT clients load): the
  same 30 event columns and checks, stored in a DuckDB table of the event
  schema.

The ratio is bilat's rate over DuckDB bare's (target 0.5); the rate over
pandas' is in the details (target 3), with bilat's peak memory (RSS sampled).
"""

from __future__ import annotations

import csv
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psutil

from bilat._paths import shared_dir
from bilat.bench import BenchConfig, BenchResult, benchmark
from bilat.events import EVENT_FIELDS, EventStore
from bilat.events.schema import sql_columns
from bilat.ingest import ingest

__all__ = ["ingest_bench", "pandas_load", "replicate"]

_SAMPLE = ("data", "eventdata", "gdelt2_export_arekziobrowski", "20191024143000.export.CSV")
_USED = (0, 1, 5, 6, 7, 12, 15, 16, 17, 22, 26, 29, 30, 31, 60)


def replicate(sample: Path, out: Path, rows: int) -> int:
    """Write ``sample``'s rows again and again, with fresh ids, until ``rows`` rows.

    Returns the number of rows written.
    """
    lines = [line for line in sample.read_bytes().split(b"\n") if line.strip()]
    split = [line.split(b"\t", 1) for line in lines]
    written = 0
    copy = 0
    with out.open("wb") as handle:
        while written < rows:
            offset = copy * 10_000_000_000
            take = split[: rows - written]
            handle.write(b"".join(b"%d\t%s\n" % (int(gid) + offset, rest) for gid, rest in take))
            written += len(take)
            copy += 1
    return written


class _PeakRss:
    """Sample this process's resident memory in a thread; ``peak`` in bytes."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(self.every)

    def __enter__(self) -> _PeakRss:
        self.peak = self._proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def pandas_load(path: Path, db: Path) -> int:
    """The pandas baseline: C-engine read with dtypes, the same normalisation vectorised, store.

    It produces what bilat's ingest stores for these rows -- the 30 event
    columns, with the same checks (GLOBALEVENTID digits, real dates in
    1800-2200, known CAMEO codes, QuadClass 1-4, Goldstein in [-10, 10],
    whole non-negative NumMentions) and repeated ids dropped -- but keeps no
    quarantine and no line numbers.
    """
    from bilat.ontology import cameo_table, country_map, sector_of

    names = {i: f"c{i}" for i in _USED}
    frame = pd.read_csv(
        path,
        sep="\t",
        header=None,
        usecols=list(_USED),
        names=[f"c{i}" for i in range(61)],
        dtype=dict.fromkeys(names.values(), "string"),
        engine="c",
        quoting=csv.QUOTE_NONE,
        keep_default_na=False,
    )
    table = cameo_table().set_index("code")
    countries = country_map("cameo")
    gid = frame["c0"]
    date = pd.to_datetime(frame["c1"], format="%Y%m%d", errors="coerce")
    quad = pd.to_numeric(frame["c29"], errors="coerce")
    goldstein = pd.to_numeric(frame["c30"], errors="coerce")
    weight = pd.to_numeric(frame["c31"].replace("", None), errors="coerce").fillna(1.0)
    out = pd.DataFrame(
        {
            "id": "gdelt2:" + gid,
            "date": date.dt.date,
            "date_end": None,
            "date_precision": "day",
            "actor_code": frame["c5"].replace("", None),
            "actor_country": frame["c7"].map(countries),
            "actor_text": frame["c6"].replace("", None),
            "recipient_code": frame["c15"].replace("", None),
            "recipient_country": frame["c17"].map(countries),
            "recipient_text": frame["c16"].replace("", None),
            "cameo": frame["c26"],
            "quad": quad,
            "goldstein": goldstein,
            "modality": "reported",
            "dataset": "gdelt2",
            "source_id": gid,
            "doc_id": None,
            "sentence": None,
            "span": None,
            "url": frame["c60"].replace("", None),
            "citation": "GDELT 2.0 event " + gid,
            "weight": weight,
        }
    )
    sectors = {v: sector_of(v) for v in pd.unique(pd.concat([frame["c12"], frame["c22"]]))}
    out["actor_sector"] = frame["c12"].map(sectors)
    out["recipient_sector"] = frame["c22"].map(sectors)
    codes = out["cameo"]
    out["root"] = codes.map(table["root"])
    out["penta"] = codes.map(table["penta"])
    out["domain"] = codes.map(table["domain"])
    out["event"] = codes.map(table["plover_event"])
    out["mode"] = codes.map(table["plover_mode"])
    out["context"] = codes.map(table["plover_context"])
    bad = (
        ~gid.str.fullmatch(r"[0-9]{1,19}").fillna(False).astype(bool)
        | date.isna()
        | ~date.dt.year.between(1800, 2200)
        | out["root"].isna()
        | ~quad.between(1, 4)
        | ~goldstein.between(-10, 10)
        | (weight < 0)
        | (weight != weight.round())
    )
    out = out[~bad].drop_duplicates("id")
    columns = [f.name for f in EVENT_FIELDS]
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    try:
        con.register("frame", out[columns])
        con.execute(f"CREATE TABLE events ({sql_columns()})")
        con.execute("INSERT INTO events SELECT * FROM frame")
        rows = con.execute("SELECT count(*) FROM events").fetchall()
    finally:
        con.close()
    return int(rows[0][0])


def _duckdb_bare(path: Path, db: Path) -> int:
    columns = {f"c{i}": "VARCHAR" for i in range(61)}
    select = ", ".join(f"c{i}" for i in _USED)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute(
            f"CREATE TABLE raw AS SELECT {select} FROM read_csv(?, delim='\t', header=false, "
            f"quote='', escape='', auto_detect=false, columns={columns})",
            [str(path)],
        )
        rows = con.execute("SELECT count(*) FROM raw").fetchall()
    finally:
        con.close()
    return int(rows[0][0])


@benchmark("ingest", "GDELT 2.0 rows ingested vs a bare DuckDB read_csv (and vs pandas)")
def ingest_bench(config: BenchConfig) -> BenchResult:
    """Time bilat's ingest, a bare DuckDB read and a pandas loader on the same file."""
    base = shared_dir()
    assert base is not None
    rows = 50_000 if config.quick else 2_000_000
    with tempfile.TemporaryDirectory(prefix="bilat-bench-ingest-") as tmp:
        work = Path(tmp)
        data = work / "gdelt2.export.CSV"
        n = replicate(base.joinpath(*_SAMPLE), data, rows)
        size_mb = round(data.stat().st_size / 1e6, 1)

        start = time.perf_counter()
        bare_rows = _duckdb_bare(data, work / "bare.duckdb")
        t_duck = time.perf_counter() - start

        before = psutil.Process().memory_info().rss
        with _PeakRss() as memory:
            start = time.perf_counter()
            with EventStore(work / "bilat.duckdb") as store:
                report = ingest([data], store)
            t_bilat = time.perf_counter() - start

        start = time.perf_counter()
        pandas_rows = pandas_load(data, work / "pandas.duckdb")
        t_pandas = time.perf_counter() - start

    details: dict[str, Any] = {
        "rows": n,
        "file_mb": size_mb,
        "bilat_s": round(t_bilat, 3),
        "duckdb_bare_s": round(t_duck, 3),
        "pandas_s": round(t_pandas, 3),
        "bilat_rows_per_s": round(n / t_bilat),
        "vs_pandas": round(t_pandas / t_bilat, 3),
        "vs_pandas_target": 3.0,
        "vs_pandas_passed": t_pandas / t_bilat >= 3.0,
        "bilat_stored": report.stored,
        "bilat_quarantined": report.quarantined,
        "duckdb_rows": bare_rows,
        "pandas_rows": pandas_rows,
        "bilat_peak_rss_mb": round(memory.peak / 2**20, 1),
        "bilat_rss_growth_mb": round((memory.peak - before) / 2**20, 1),
        "peak_rss_target_mb": 1024,
        "peak_rss_passed": memory.peak < 1024 * 2**20,
    }
    return BenchResult(
        name="ingest",
        ratio=t_duck / t_bilat,
        target=0.5,
        meaning="bilat's ingest rate (read, check, normalise, store) / a bare DuckDB "
        "read_csv into a table",
        details=details,
    )
