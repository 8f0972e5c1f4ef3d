"""The web app's routes: views, what-if, uploads, and their validation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bilat.errors import MissingExtraError
from bilat.study import whatif

from ..events.test_schema import make_event


def test_health(client: Any) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["case"] == "us-pakistan"
    assert body["report"] is True


def test_home_page_loads_only_its_own_assets(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = page.text
    assert 'id="whatif"' in text
    # no inline script or style (the CSP forbids them): one script and one style sheet, both ours
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/assets/app.js">']
    assert re.findall(r"<link[^>]*>", text) == ['<link rel="stylesheet" href="/assets/app.css">']
    assert "<style" not in text
    assert " style=" not in text
    assert "http://" not in text
    assert "https://" not in text
    script = client.get("/assets/app.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "fetch(" in script.text
    assert client.get("/assets/app.css").headers["content-type"].startswith("text/css")


def test_report_is_served(client: Any, study_dir: Path) -> None:
    page = client.get("/report")
    assert page.status_code == 200
    assert page.text == (study_dir / "report.html").read_text(encoding="utf-8")


def test_no_report_gives_404(tmp_path: Path) -> None:
    from bilat.app import create_app

    from .conftest import client_class

    with client_class()(create_app(study_dir=tmp_path)) as empty:
        assert empty.get("/report").status_code == 404
        assert empty.get("/api/answer").status_code == 404
        assert empty.get("/").status_code == 200


def test_answer_is_the_study_answer(client: Any, study_dir: Path) -> None:
    served = client.get("/api/answer").json()
    assert served == json.loads((study_dir / "answer.json").read_text(encoding="utf-8"))


def test_policies_catalogue(client: Any) -> None:
    response = client.get("/api/policies")
    if not whatif.simulator_available():
        assert response.status_code == 503
        return
    body = response.json()
    names = [p["name"] for p in body["policies"]]
    assert "broadened" in names
    assert body["baseline"] in names
    assert {r["name"] for r in body["instruments"]} >= {"economic_aid", "trade_access"}


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"policy": "no-such-policy"}, 400),
        ({"policy": "broadened", "instruments": {"warp_drive": 1.0}}, 400),
        ({"policy": "broadened", "instruments": {"trade_access": 7.0}}, 400),
        ({"policy": "historical", "instruments": {"trade_access": 0.5}}, 400),
        ({"policy": "broadened", "runs": 10**9}, 422),
        ({"policy": "broadened", "years": 0}, 422),
        ({"policy": ""}, 422),
    ],
)
def test_simulate_rejects_bad_input(client: Any, payload: dict[str, Any], status: int) -> None:
    response = client.post("/api/simulate", json=payload)
    if not whatif.simulator_available():
        assert response.status_code in (status, 503)
        return
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_simulate_a_what_if(client: Any) -> None:
    payload = {"policy": "broadened", "instruments": {"trade_access": 0.9}, "runs": 50, "years": 5}
    response = client.post("/api/simulate", json=payload)
    if response.status_code == 503:
        pytest.skip(f"simulator not available: {response.json()['detail']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["instruments"]["trade_access"] == 0.9
    assert body["outcomes"]
    for outcome in body["outcomes"]:
        interval = outcome["interval"]
        if interval is not None and outcome["mean"] is not None:
            assert interval["low"] <= outcome["mean"] + 1e-9 <= interval["high"] + 2e-9
    again = client.post("/api/simulate", json=payload).json()
    assert again == body  # same seed, same numbers


def test_ingest_jsonl_and_quarantine(client: Any) -> None:
    good = make_event(id="t:1", dataset="upload")
    bad = dict(good, id="t:2", cameo="999x")
    data = (json.dumps(good) + "\n" + json.dumps(bad) + "\n").encode()
    response = client.post(
        "/api/ingest", files={"file": ("events.jsonl", data)}, data={"fmt": "jsonl"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["read"] == 2
    assert body["stored"] == 1
    assert body["quarantined"] == 1
    assert "cameo" in body["reasons"][0]
    stats = client.get("/api/events/stats").json()
    assert stats["by_dataset"].get("upload") == 1
    assert stats["path"] == ":memory:"


def test_ingest_csv(client: Any) -> None:
    header = "id,date,date_precision,cameo,root,quad,penta,goldstein,domain,modality,dataset,weight"
    row = "c:1,1990-10-01,month,163,16,4,3,-8.0,economic,asserted,upload-csv,1"
    response = client.post(
        "/api/ingest",
        files={"file": ("e.csv", (header + "\n" + row + "\n").encode())},
        data={"fmt": "csv"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1


@pytest.mark.parametrize(
    ("data", "fmt", "status"),
    [
        (b"not json at all\n", "jsonl", 400),
        (b"[1, 2]\n", "jsonl", 400),
        (b"\x00\x01\x02binary", "jsonl", 400),
        (b"", "jsonl", 400),
        (b"x" * 60_000, "jsonl", 413),
        (b"{}", "xml", 422),
    ],
)
def test_ingest_rejects_bad_uploads(client: Any, data: bytes, fmt: str, status: int) -> None:
    response = client.post("/api/ingest", files={"file": ("f", data)}, data={"fmt": fmt})
    assert response.status_code == status, response.text


def test_upload_filename_never_reaches_the_file_system(client: Any, tmp_path: Path) -> None:
    target = tmp_path / "owned.txt"
    name = str(target)
    response = client.post("/api/ingest", files={"file": (name, b"[1]\n")}, data={"fmt": "jsonl"})
    assert response.status_code == 400
    assert not target.exists()


def test_code_upload(client: Any) -> None:
    text = (
        b"In 2009, the US Congress approved a major non-military aid package for Pakistan. "
        b"The U.S. needs to expand its partnership with Pakistan beyond security."
    )
    response = client.post(
        "/api/code",
        files={"file": ("a.txt", text)},
        data={"doc_date": "2016-01-01", "store": "true"},
    )
    if response.status_code == 503:
        pytest.skip(response.json()["detail"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["events"] == len(body["items"]) >= 1
    assert body["stored"] == body["events"]
    assert all(item["dataset"] == "coded" for item in body["items"])


@pytest.mark.parametrize(
    ("data", "date", "status"),
    [
        (b"\x00\x00binary", "2016-01-01", 400),
        (b"\xff\xfe not utf8 \xff", "2016-01-01", 400),
        (b"Some text.", "16 Jan 2016", 400),
        (b"y" * 60_000, "2016-01-01", 413),
    ],
)
def test_code_rejects_bad_uploads(client: Any, data: bytes, date: str, status: int) -> None:
    response = client.post("/api/code", files={"file": ("t.txt", data)}, data={"doc_date": date})
    assert response.status_code in (status, 503) if status == 400 else (status,), response.text


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util as util

    from bilat import app as app_module

    real = util.find_spec
    monkeypatch.setattr(
        app_module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "uvicorn" else real(name, *a),
    )
    with pytest.raises(MissingExtraError, match=r"pip install 'bilat\[app\]'"):
        app_module.create_app()


def test_ingest_auto_recognises_icews(client: Any, shared: Path) -> None:
    sample = shared / "data" / "eventdata" / "icews" / "events.2018.sample.tab"
    if not sample.is_file():
        pytest.skip(f"{sample} is absent")
    lines = sample.read_bytes().splitlines(keepends=True)[:40]  # header + 39 rows
    response = client.post("/api/ingest", files={"file": ("whatever.tab", b"".join(lines))})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["read"] == 39
    assert body["read"] == body["stored"] + body["duplicates"] + body["quarantined"]
    assert client.get("/api/events/stats").json()["by_dataset"].get("icews", 0) == body["stored"]


def test_ingest_auto_rejects_an_unknown_format(client: Any) -> None:
    response = client.post("/api/ingest", files={"file": ("x.bin", b"hello, world\nno events\n")})
    assert response.status_code == 400
    assert "gdelt" in response.json()["detail"]


def test_an_oversized_body_is_refused_before_it_is_read(client: Any) -> None:
    big = b"z" * 200_000  # the test app's limit is 50 kB of file
    response = client.post("/api/ingest", files={"file": ("big.jsonl", big)})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    head = (
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    chunks = [head] + [big[i : i + 16_384] for i in range(0, len(big), 16_384)] + [b"\r\n--x--\r\n"]
    streamed = client.post(  # no Content-Length: the body streams in chunks
        "/api/ingest",
        content=iter(chunks),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert streamed.status_code == 413
