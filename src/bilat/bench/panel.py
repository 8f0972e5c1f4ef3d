"""Benchmark: the panel build's DuckDB stages against the same stages in plain pandas.

Both ways start from the same inputs, read once from ``shared/data/panel`` by the panel's own
readers (reading the files -- openpyxl, pyreadr, xlrd -- is common to both and not compared):

* bilat: the 870k UNGA votes joined with the US vote, the roll calls and the partner codes
  and aggregated in DuckDB; the sixteen source tables joined with the coverage rules in one SQL
  query (:data:`ASSEMBLE_SQL`);
* pandas: the same two steps with ``merge`` and ``groupby`` -- the way a pandas user would
  write them -- checked to give the same ``dyad_year`` values.

The ratio is pandas' time over bilat's for those stages (target 3); the details give each
stage's ratio, the ratio over the whole build (reading included, which both ways share), and the
whole build from a cold start in a fresh process (wall time and that process's peak RSS, targets
60 s and 1 GB).  Quick mode times only the UNGA step.  (The COW trade filter was measured too:
a pandas mask beat DuckDB's scan of the pandas frame, so the build uses the mask.)
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from bilat._paths import shared_dir
from bilat.bench import BenchConfig, BenchResult, benchmark, best_of
from bilat.errors import DataMissingError
from bilat.panel.build import ASSEMBLE_SQL, build_labels, read_sources
from bilat.panel.schema import column_names
from bilat.panel.sources import SOURCE_TABLES
from bilat.panel.sources._base import map_frame
from bilat.panel.sources.unga import aggregate_votes, load_roll_calls, load_votes

__all__ = ["cold_build", "pandas_assemble", "pandas_unga", "panel_bench"]

_COLD = (
    "import sys; from pathlib import Path; from bilat.panel import build_panel; "
    "build_panel(Path(sys.argv[1]), db=Path(sys.argv[2]))"
)


def cold_build(sources: Path) -> tuple[float, float]:
    """Run ``build_panel`` in a fresh Python process: (wall seconds, peak RSS in MB)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _COLD, str(sources), str(Path(tmp) / "panel.duckdb")],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the cold build failed: {done.stderr.strip()[-400:]}")
        wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb / 1024


def pandas_unga(votes: pd.DataFrame, calls: pd.DataFrame, un_map: pd.DataFrame) -> pd.DataFrame:
    """UNGA agreement per partner-year with pandas merges and groupby."""
    us = votes.loc[votes.country_code == "US", ["rcid", "vote"]].rename(columns={"vote": "us_vote"})
    rows = votes[votes.country_code.ne("US") | votes.country_code.isna()]
    rows = rows.merge(calls, on="rcid", how="inner").merge(us, on="rcid", how="inner")
    rows = rows.merge(un_map[["country", "year", "ccode"]], on=["country", "year"], how="inner")
    rows = rows[rows.ccode.notna() & (rows.ccode != 2)]
    rows = rows.assign(same=(rows.vote == rows.us_vote).astype(float))
    grouped = rows.groupby(["ccode", "year"])
    out = grouped.agg(unga_agree_all=("same", "mean"), unga_n_votes=("same", "size"))
    imp = rows[rows.important == 1].groupby(["ccode", "year"]).same.mean()
    out["unga_agree_important"] = imp
    return out.reset_index()


def _fill(frame: pd.DataFrame, col: str, first: int, last: int, null_outside: bool) -> pd.Series:
    """Zero-fill inside coverage for state-system years (the SQL CASE expressions)."""
    inside = frame.year.between(first, last)
    value = frame[col]
    filled = value.where(~(inside & frame.ss), value.fillna(0))
    return filled.where(inside) if null_outside else filled


def pandas_assemble(src: dict[str, pd.DataFrame], labels: pd.DataFrame) -> pd.DataFrame:
    """``dyad_year`` from the source frames with successive ``merge`` calls."""
    keys = pd.concat([f[["ccode", "year"]] for f in src.values()]).drop_duplicates()
    keys = keys[(keys.ccode != 2) & keys.year.between(1946, 2024)]
    j = keys
    for frame in src.values():
        j = j.merge(frame, on=["ccode", "year"], how="left")
    demo = src["src_democracy"][["ccode", "year"]].assign(_in=True)
    j = j.merge(demo, on=["ccode", "year"], how="left")
    j["ss"] = j._in.fillna(False).astype(bool)
    gb = j.year <= 2020
    econ = j.aid_econ.fillna(0).where(gb)
    mil = j.aid_mil.fillna(0).where(gb)
    total = (econ + mil).where(gb, j.aid_fae.where(j.year >= 2021))
    out = pd.DataFrame({"ccode": j.ccode, "year": j.year, "state_system": j.ss})
    out["aid_econ"], out["aid_mil"] = econ, mil
    out["aid_dem"] = j.aid_dem.fillna(0).where(gb)
    out["aid_total"] = total
    out["aid_total_source"] = pd.Series(np.where(gb, "greenbook", "fae"), index=j.index).where(
        total.notna()
    )
    for part in ("econ", "mil", "dem"):
        out[f"aid_{part}_share"] = (out[f"aid_{part}"] / total).where(total > 0)
    out["arms_tiv_total"] = _fill(j, "arms_tiv_total", 1950, 2021, null_outside=False)
    for col in ("arms_share_us", "arms_share_russia", "arms_share_china", "mid_hostility"):
        out[col] = j[col]
    for col, last in (
        ("defense_pact", 2018),
        ("alliance_any", 2018),
        ("mid_onset", 2010),
        ("cow_mid_onset", 2014),
    ):
        out[col] = _fill(j, col, 1946, last, null_outside=True)
    for col in ("sanction_threat", "sanction_imposed", "sanction_in_force"):
        out[col] = _fill(j, col, 1946, 2005, null_outside=False)
    trade = j.trade_cow.where(j.year <= 2014, j.trade_dots)
    out["trade_us"] = trade
    out["trade_source"] = pd.Series(np.where(j.year <= 2014, "cow", "dots"), index=j.index).where(
        trade.notna()
    )
    out["trade_seam"] = (j.year == 2015).where(trade.notna())
    for col in ("rivalry", "rivalry_us"):
        out[col] = _fill(j, col, 1946, 2010, null_outside=False)
    out["military_rule"] = np.nan
    rest = [c for c in column_names() if c not in out and c not in ("iso3", "country")]
    for col in rest:
        out[col] = j[col]
    out = out.merge(labels, on=["ccode", "year"], how="left")
    return out[column_names()].sort_values(["ccode", "year"]).reset_index(drop=True)


def _duckdb_steps(
    con: duckdb.DuckDBPyConnection, votes: pa.Table
) -> dict[str, Callable[[], object]]:
    """The two DuckDB stages of the build, as callables for timing."""

    def unga() -> object:
        con.register("un_votes_df", votes)
        aggregate_votes(con)
        return con.unregister("un_votes_df")

    def join() -> object:
        return con.sql(ASSEMBLE_SQL).to_arrow_table()

    return {"unga": unga, "join": join}


@benchmark("panel", "panel build stages in DuckDB vs the same stages with pandas merges")
def panel_bench(config: BenchConfig) -> BenchResult:
    """Time the DuckDB stages of the panel build against pandas; add the cold build."""
    shared = shared_dir(required=False)
    if shared is None:
        raise DataMissingError("bench panel needs shared/data/panel; set BILAT_SHARED")
    root = shared / "data" / "panel"
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    details: dict[str, Any] = {}
    try:
        votes = load_votes(root / "unga" / "un_votes.rda")
        votes_pd = votes.to_pandas()
        if config.quick:
            calls, un_map = _unga_inputs(con, root, votes)

            def ours() -> object:
                con.register("un_votes_df", votes)
                aggregate_votes(con)
                return con.unregister("un_votes_df")

            def base() -> object:
                return pandas_unga(votes_pd, calls, un_map)

            t_ours, t_base = best_of(ours, 2), best_of(base, 2)
            details["stages"] = "UNGA aggregation only (quick)"
        else:
            start = time.perf_counter()
            read_sources(root, con)
            details["read_s"] = round(time.perf_counter() - start, 2)
            frames = {t: con.sql(f"SELECT * FROM {t}").fetchdf() for t in SOURCE_TABLES}
            un_map = con.sql("SELECT * FROM un_map").fetchdf()
            calls = con.sql("SELECT * FROM un_calls").fetchdf()
            build_labels(con)
            labels = con.sql("SELECT * FROM labels").fetchdf()
            src = dict(frames)
            out: dict[str, pd.DataFrame] = {}
            duck = _duckdb_steps(con, votes)
            pand = {
                "unga": lambda: src.__setitem__(
                    "src_unvotes", pandas_unga(votes_pd, calls, un_map)
                ),
                "join": lambda: out.__setitem__("dyad_year", pandas_assemble(src, labels)),
            }
            per_stage: dict[str, dict[str, float]] = {}
            for stage in ("unga", "join"):
                ours_s, base_s = best_of(duck[stage], 3), best_of(pand[stage], 3)
                per_stage[stage] = {
                    "duckdb_s": round(ours_s, 4),
                    "pandas_s": round(base_s, 4),
                    "ratio": round(base_s / ours_s, 2),
                }
            t_ours = sum(v["duckdb_s"] for v in per_stage.values())
            t_base = sum(v["pandas_s"] for v in per_stage.values())
            details["stages"] = "UNGA aggregation (870k votes) + 16-table join"
            read = details["read_s"]
            details["whole_build_ratio"] = round((read + t_base) / (read + t_ours), 3)
            details["per_stage"] = per_stage
            mine = con.sql(ASSEMBLE_SQL).to_arrow_table().to_pandas()
            details["same_result"] = _same(mine, out["dyad_year"])
            wall, peak = cold_build(root)
            details.update(
                cold_build_s=round(wall, 2),
                cold_build_target_s=60,
                cold_build_peak_rss_mb=round(peak, 1),
                peak_rss_target_mb=1024,
                cold_build_passed=wall < 60 and peak < 1024,
            )
    finally:
        con.close()
    details.update(duckdb_s=round(t_ours, 3), pandas_s=round(t_base, 3), votes=votes.num_rows)
    return BenchResult(
        name="panel",
        ratio=t_base / t_ours,
        target=3.0,
        meaning="times faster than the same stages done with pandas merges",
        details=details,
    )


def _unga_inputs(
    con: duckdb.DuckDBPyConnection, root: Path, votes: pa.Table
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll calls and the partner-code map of the UNGA votes (the reader's first steps)."""
    calls = load_roll_calls(root / "unga" / "un_roll_calls.rda")
    con.register("_calls", calls)
    con.execute("CREATE OR REPLACE TABLE un_calls AS SELECT * FROM _calls")
    con.unregister("_calls")
    con.register("un_votes_df", votes)
    pairs = con.sql(
        "SELECT DISTINCT v.country, c.year FROM un_votes_df v JOIN un_calls c USING (rcid) "
        "WHERE v.country_code IS DISTINCT FROM 'US' ORDER BY 1, 2"
    ).fetchdf()
    con.unregister("un_votes_df")
    ccode, reason = map_frame(pairs["country"], pairs["year"])
    un_map = pairs.assign(ccode=ccode, reason=reason)
    con.register("_map", un_map)
    con.execute("CREATE OR REPLACE TABLE un_map AS SELECT * FROM _map")
    con.unregister("_map")
    return calls, un_map


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two dyad_year frames hold the same values (types aside)."""
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return False
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind in "fi" or y.dtype.kind in "fi":
            xv = pd.to_numeric(x, errors="coerce").to_numpy(float)
            yv = pd.to_numeric(y, errors="coerce").to_numpy(float)
            if not np.allclose(xv, yv, equal_nan=True, rtol=1e-12, atol=0):
                return False
        else:
            xs, ys = x.astype(object), y.astype(object)
            both_null = pd.isna(xs) & pd.isna(ys)
            equal = (xs == ys) & ~pd.isna(xs) & ~pd.isna(ys)
            if not (both_null | equal).all():
                return False
    return True
