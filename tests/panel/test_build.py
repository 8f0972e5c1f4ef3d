"""The build: keys, columns, coverage rules, row accounting, determinism, the shipped file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.panel import load_panel, panel_columns, panel_sources, shipped_panel_path
from bilat.panel.schema import column_names
from bilat.panel.sources import SOURCE_FILES
from tests.panel.conftest import Built


def test_one_row_per_partner_year_without_the_us(built: Built) -> None:
    panel = built.panel
    assert not panel.duplicated(["ccode", "year"]).any()
    assert (panel.ccode != 2).all()
    assert panel.year.min() == 1946
    assert panel.year.max() == 2024
    assert panel.ccode.nunique() > 180
    assert list(panel.columns) == column_names() == list(panel_columns().name)


def test_columns_have_unit_source_and_description() -> None:
    cols = panel_columns()
    assert cols.notna().all().all()
    assert (cols.unit.str.len() > 0).all()
    assert (cols.description.str.len() > 10).all()


def test_missing_is_null_outside_coverage(built: Built) -> None:
    p = built.panel
    assert p.loc[p.year > 2018, "defense_pact"].isna().all()
    assert p.loc[p.year > 2010, "mid_onset"].isna().all()
    assert p.loc[p.year > 2020, ["aid_econ", "aid_mil", "aid_dem"]].isna().all().all()
    assert p.loc[p.year > 2020, "aid_total_source"].dropna().eq("fae").all()
    assert p.loc[p.year <= 2020, "aid_total_source"].eq("greenbook").all()
    assert p.loc[(p.year < 2002) | (p.year > 2014), "icews_vcoop_to_us"].isna().all()
    assert p.military_rule.isna().all()
    canada = p[p.ccode == 20].set_index("year")
    assert pd.isna(canada.loc[2004, "pew_fav_us"])  # '-' in the Pew sheet: not asked
    assert canada.loc[2002, "pew_fav_us"] == 72


def test_trade_switches_source_at_the_seam(built: Built) -> None:
    p = built.panel
    assert p.loc[p.year <= 2014, "trade_source"].dropna().eq("cow").all()
    assert p.loc[p.year >= 2015, "trade_source"].dropna().eq("dots").all()
    assert p.loc[p.trade_seam.fillna(False), "year"].eq(2015).all()


def test_shares_lie_between_zero_and_one_where_components_are_positive(built: Built) -> None:
    p = built.panel
    clean = p[(p.aid_econ >= 0) & (p.aid_mil >= 0) & (p.aid_total > 0)]
    assert len(clean) > 5000
    for col in ("aid_econ_share", "aid_mil_share"):
        assert clean[col].between(0, 1).all()
    arms = p.dropna(subset=["arms_share_us"])
    assert (
        arms[["arms_share_us", "arms_share_russia", "arms_share_china"]]
        .sum(axis=1)
        .le(1 + 1e-9)
        .all()
    )


def test_every_source_row_is_used_quarantined_or_out_of_scope(built: Built) -> None:
    con = duckdb.connect(str(built.db), read_only=True)
    sources = con.sql("SELECT * FROM panel_sources").fetchdf()
    quarantine = con.sql(
        "SELECT source_id, count(*) AS n FROM panel_quarantine GROUP BY 1"
    ).fetchdf()
    con.close()
    assert sorted(sources.source_id) == sorted(s.source_id for s in SOURCE_FILES)
    accounted = sources.rows_used + sources.rows_quarantined + sources.rows_out_of_scope
    assert (accounted == sources.rows_read).all()
    counts = dict(zip(quarantine.source_id, quarantine.n, strict=True))
    for row in sources.itertuples():
        assert counts.get(row.source_id, 0) == row.rows_quarantined
        digest = hashlib.sha256((built.sources / row.file).read_bytes()).hexdigest()
        assert digest == row.sha256


def test_shipped_parquet_equals_a_fresh_build(built: Built) -> None:
    shipped = shipped_panel_path()
    assert shipped.read_bytes() == built.parquet.read_bytes(), (
        "src/bilat/panel/data/dyad_year.parquet is stale: run "
        "`bilat panel build --parquet src/bilat/panel/data/dyad_year.parquet`"
    )
    beside = shipped.with_name("panel_sources.parquet")
    assert beside.read_bytes() == built.parquet.with_name("panel_sources.parquet").read_bytes()
    pd.testing.assert_frame_equal(load_panel(), built.panel)
    meta = json.loads(pq.read_schema(shipped).metadata[b"bilat.panel"])
    assert [c["name"] for c in meta["columns"]] == column_names()
    assert set(panel_sources().source_id) == {s.source_id for s in SOURCE_FILES}


def test_cli_rebuild_adds_nothing_and_gives_the_same_bytes(built: Built, tmp_path: Path) -> None:
    before = load_panel(built.db)
    con = duckdb.connect(str(built.db))
    con.execute("CREATE TABLE IF NOT EXISTS user_notes AS SELECT 1 AS keep")
    con.close()
    again = tmp_path / "again.parquet"
    args = ["panel", "build", "--db", str(built.db), "--parquet", str(again)]
    result = CliRunner().invoke(app, [*args, "--sources", str(built.sources), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["rows"] == len(before)
    pd.testing.assert_frame_equal(load_panel(built.db), before)
    assert again.read_bytes() == built.parquet.read_bytes()
    con = duckdb.connect(str(built.db), read_only=True)
    assert con.sql("SELECT count(*) FROM user_notes").fetchall() == [(1,)]
    con.close()


def test_parquet_refuses_to_overwrite_a_foreign_file(built: Built, tmp_path: Path) -> None:
    from bilat.errors import InputError
    from bilat.panel.build import write_parquet

    foreign = tmp_path / "mine.parquet"
    foreign.write_bytes(b"not yours")
    table = pq.read_table(built.parquet)
    with pytest.raises(InputError, match="not a bilat panel"):
        write_parquet(table, foreign, {b"bilat.panel": b"{}"})
    assert foreign.read_bytes() == b"not yours"


def test_the_wheel_carries_the_shipped_panel() -> None:
    """hatch packs every file under src/bilat that git does not ignore: the Parquet must qualify."""
    import subprocess
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "src/bilat" in wheel["packages"]
    assert not any("parquet" in str(x) for x in wheel.get("exclude", []))
    for name in ("dyad_year.parquet", "panel_sources.parquet", "PROVENANCE.md"):
        path = root / "src" / "bilat" / "panel" / "data" / name
        assert path.is_file(), name
        ignored = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-q", str(path)], check=False
        ).returncode
        if ignored == 128:
            pytest.skip("not a git checkout: cannot ask git what it ignores")
        assert ignored == 1, f"{name} is git-ignored, so hatch would leave it out of the wheel"
