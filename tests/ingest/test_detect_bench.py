"""Format recognition by content, and the ingest benchmark in quick mode."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from bilat.bench import BenchConfig
from bilat.ingest import Source, sniff
from bilat.ingest.detect import detect_format

GDELT = "\t".join(["1", "20190101", *[""] * 59])
BILAT_HEADER = (
    b"id,date,date_precision,cameo,root,quad,penta,goldstein,domain,modality,dataset,weight\n"
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (GDELT.encode(), "gdelt"),
        (("bad line\n" + GDELT).encode(), "gdelt"),
        (b"GLOBALEVENTID\tSQLDATE\tMonthYear\n", "gdelt"),
        (b"Event ID\tEvent Date\tSource Name\tCAMEO Code\n", "icews"),
        (b"Event ID\tEvent Date\tEvent Type\tEvent Mode\n", "plover"),
        (json.dumps([{"id": "x", "event": "AID", "source": []}]).encode(), "plover"),
        (b'{"id": "a", "event": "ASSAULT", "actor": "x"}\n', "plover"),
        (b"PAR1\x00\x00", "bilat"),
        (BILAT_HEADER, "bilat"),
        (b"name,age\n", None),
        (b"\x00\x01\x02", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def test_detect_ignores_names_and_sees_through_gzip(tmp_path: Path) -> None:
    path = tmp_path / "looks-like.json"
    path.write_bytes(gzip.compress((GDELT + "\n").encode()))
    assert detect_format(Source(path)) == "gdelt"


def test_bench_quick_runs(shared: Path) -> None:
    from bilat.bench.ingest import ingest_bench

    result = ingest_bench(BenchConfig(quick=True))
    assert result.name == "ingest"
    assert result.target == 0.5
    assert math.isfinite(result.ratio)
    assert result.ratio > 0
    details = result.details
    assert details["rows"] == 50_000 == details["bilat_stored"] == details["duckdb_rows"]
    assert details["pandas_rows"] == 50_000
    assert details["vs_pandas"] > 0
    assert details["bilat_peak_rss_mb"] > 0
