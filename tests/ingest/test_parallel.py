"""``engine="dask"``: many files in parallel into a Parquet dataset by year, loaded by the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.events import EventStore
from bilat.ingest import ingest

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as local:
        yield local


def _row(gid: int, date: str) -> str:
    fields = [""] * 61
    fields[0], fields[1], fields[7], fields[17] = str(gid), date, "USA", "PAK"
    fields[26], fields[29], fields[30], fields[31] = "042", "1", "1.9", "2"
    return "\t".join(fields)


def test_dask_engine_matches_local(tmp_path: Path, cluster: object, shared: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(4):
        rows = [_row(100 * k + i, f"{2015 + k}0301") for i in range(5)] + [_row(1, "20150301")]
        (folder / f"f{k}.tsv").write_text("\n".join(rows) + "\nbroken line\n")
    (folder / "README.txt").write_text("not events\n")
    with EventStore(":memory:") as warm:  # load the ontology tables before the workers do
        ingest([shared / "data" / "eventdata" / "icews"], warm)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    with EventStore(tmp_path / "d.duckdb") as store:
        report = ingest(
            [folder], store, engine="dask", parquet_dir=tmp_path / "pq", scheduler=address
        )
        assert [Path(f.path).name for f in report.files] == ["f0.tsv", "f1.tsv", "f2.tsv", "f3.tsv"]
        assert report.skipped == [(str(folder / "README.txt"), "not a known event format")]
        for f in report.files:
            assert f.read == f.stored + f.duplicates + f.quarantined == 7
        assert (report.stored, report.duplicates, report.quarantined) == (20, 4, 4)
        years = sorted(p.name for p in (tmp_path / "pq").iterdir())
        assert years == ["year=2015", "year=2016", "year=2017", "year=2018"]
        assert len(store.query("USA:PAK")) == 20
        assert store.quarantined().line.tolist() == [7, 7, 7, 7]
        again = ingest(
            [folder], store, engine="dask", parquet_dir=tmp_path / "pq", scheduler=address
        )
        assert again.stored == 0
        assert all(f.already_ingested for f in again.files)
    with EventStore(tmp_path / "l.duckdb") as local:
        same = ingest([folder], local)
        assert same.to_dict()["stored"] == report.stored


def test_cli_engine_dask(tmp_path: Path, cluster: object) -> None:
    import json

    from typer.testing import CliRunner

    from bilat.cli.main import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.tsv").write_text(_row(1, "20200101") + "\n")
    (folder / "b.tsv").write_text(_row(2, "20210101") + "\n" + _row(1, "20200101") + "\n")
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    args = ["ingest", str(folder), "--engine", "dask", "--scheduler", address]
    args += ["--parquet", str(tmp_path / "pq"), "--db", str(tmp_path / "s.duckdb"), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["read"], out["stored"], out["duplicates"], out["quarantined"]) == (3, 2, 1, 0)
    assert [Path(f["path"]).name for f in out["files"]] == ["a.tsv", "b.tsv"]


def test_dask_forced_format_that_quarantines_everything_stores_nothing(
    tmp_path: Path, cluster: object
) -> None:
    from bilat.errors import FormatError

    folder = tmp_path / "in"
    folder.mkdir()
    record = '{"id": "p%d", "date": "2021-03-01", "actor": "USA", "event": "AID"}\n'
    (folder / "a.jsonl").write_text(record % 1 + record % 2)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    with EventStore(tmp_path / "d.duckdb") as store:
        with pytest.raises(FormatError, match="every one of the 2 rows was quarantined"):
            ingest(
                [folder],
                store,
                format="gdelt",
                engine="dask",
                parquet_dir=tmp_path / "pq",
                scheduler=address,
            )
        assert store.batches().empty
        assert store.quarantined().empty
        report = ingest(
            [folder], store, engine="dask", parquet_dir=tmp_path / "pq", scheduler=address
        )
        assert (report.read, report.stored) == (2, 2)
