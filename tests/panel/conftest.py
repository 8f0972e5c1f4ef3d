"""One panel build per test session (it reads ~2.7 M source rows), shared by the panel tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bilat.panel import BuildResult, build_panel, load_panel


@dataclass(frozen=True)
class Built:
    """A fresh build of the panel from ../shared/data/panel."""

    sources: Path
    db: Path
    parquet: Path
    result: BuildResult
    panel: pd.DataFrame


@pytest.fixture(scope="session")
def built(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the panel into a temporary DuckDB file and Parquet file."""
    out = tmp_path_factory.mktemp("panel")
    sources = shared / "data" / "panel"
    result = build_panel(sources, db=out / "panel.duckdb", parquet=out / "dyad_year.parquet")
    return Built(
        sources,
        out / "panel.duckdb",
        out / "dyad_year.parquet",
        result,
        load_panel(out / "panel.duckdb"),
    )


@pytest.fixture(scope="session")
def pak(built: Built) -> pd.DataFrame:
    """The USA-PAK rows of the fresh build, indexed by year."""
    return built.panel[built.panel.ccode == 770].set_index("year")
