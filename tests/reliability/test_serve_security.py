"""``bilat serve`` defends itself: Host allow-list, same-origin state changes, security
headers, no server paths in answers, and heavy work off the event loop with a limit.

In-process tests drive the real FastAPI app through one TestClient (one event loop,
requests from several threads); one test runs the real ``bilat serve`` (uvicorn) in a
subprocess on a loopback port and talks to it over TCP. Run as a script, this file
sends the full-size bombs to a real server and prints its peak RSS and how many
health checks it answered meanwhile (figures in the report, not a test)::

    PYTHONPATH=src python -m tests.reliability.test_serve_security [zip|text]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")
httpx = pytest.importorskip("httpx")

from bilat.app import create_app  # noqa: E402

from ..app.conftest import client_class  # noqa: E402
from ..events.test_schema import make_event  # noqa: E402
from .test_code_memory import _RUN_BILAT, _source_path, no_blank_lines_text  # noqa: E402

# something shaped like an absolute path: /dir/... or C:\dir\...
_ABSOLUTE = re.compile(r"""(?:^|[\s"'(\[=,])(?:/[^\s/"']+/|[A-Za-z]:\\)""")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    """The app (no study folder), uploads up to 2 MB, two heavy requests at once."""
    with client_class()(create_app(study_dir=tmp_path, max_upload=2_000_000)) as opened:
        yield opened


def _csp(value: str) -> dict[str, list[str]]:
    out = {}
    for directive in value.split(";"):
        name, *sources = directive.split()
        out[name] = sources
    return out


def _assert_hardened(response: Any) -> None:
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    policy = _csp(headers["content-security-policy"])
    scripts = policy.get("script-src", policy["default-src"])
    assert policy["default-src"] in (["'self'"], ["'none'"])
    assert all(s in ("'self'", "'none'") or s.startswith("'sha256-") for s in scripts), scripts
    assert policy["frame-ancestors"] == ["'none'"]


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(bad_lines: int) -> bytes:
    """A zip of one valid bilat JSONL event and ``bad_lines`` two-byte lines that are not events."""
    good = json.dumps(make_event(id="bomb:1", dataset="upload"))
    return _zip("events.jsonl", (good + "\n" + "1\n" * bad_lines).encode())


# -- headers ----------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: Any) -> None:
    responses = [
        client.get("/"),
        client.get("/api/health"),
        client.get("/assets/app.js"),
        client.get("/report"),  # 404: no study in the folder
        client.get("/no/such/route"),
        client.post("/api/simulate", json={}),  # 422
        client.get("/api/health", headers={"host": "evil.example"}),  # 400 from the guard
        client.post("/api/simulate", json={}, headers={"origin": "http://evil.example"}),  # 403
        client.post("/api/ingest", files={"file": ("big", b"z" * 2_100_000)}),  # 413
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 404, 422, 400, 403, 413]
    for response in responses:
        _assert_hardened(response)
    # the page holds no inline script: its CSP allows only the app's own script file
    assert _csp(responses[0].headers["content-security-policy"])["script-src"] == ["'self'"]


def test_the_report_may_not_run_any_script(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text(
        "<html><body><script>alert(1)</script><p style='color:red'>x</p></body></html>",
        encoding="utf-8",
    )
    with client_class()(create_app(study_dir=tmp_path)) as client:
        response = client.get("/report")
    assert response.status_code == 200
    _assert_hardened(response)
    policy = _csp(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy


# -- Host and Origin --------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "LocalHost", "127.0.0.1:80"])
def test_loopback_hosts_are_served(client: Any, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",  # DNS rebinding: the attacker's name, resolved to 127.0.0.1
        "127.0.0.1.evil.example",
        "localhost.evil.example:80",
        "127.0.0.1:8080",  # another port: another origin
        "[::1]:81",
        "localhost:80x",
        "[::1",
        ":80",
        "0.0.0.0",
    ],
)
def test_other_hosts_are_refused(client: Any, host: str) -> None:
    for path in ("/api/health", "/api/answer", "/"):
        response = client.get(path, headers={"host": host})
        assert response.status_code == 400, (host, path)
        assert "Host" in response.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, True),  # not a browser: curl, scripts
        ({"origin": "http://127.0.0.1"}, True),
        ({"origin": "http://localhost"}, True),
        ({"origin": "http://[::1]"}, True),
        ({"origin": "null", "sec-fetch-site": "same-origin"}, True),  # the app's own page
        ({"sec-fetch-site": "same-origin"}, True),
        ({"referer": "http://127.0.0.1/"}, True),
        ({"origin": "http://evil.example"}, False),
        ({"origin": "http://127.0.0.1:9999"}, False),
        ({"origin": "https://127.0.0.1.evil.example"}, False),
        ({"origin": "null"}, False),  # a sandboxed frame or a data: page
        ({"origin": "http://evil.example", "sec-fetch-site": "same-origin"}, False),
        ({"sec-fetch-site": "cross-site"}, False),
        ({"sec-fetch-site": "same-site"}, False),
        ({"referer": "http://evil.example/attack.html"}, False),
    ],
)
def test_state_changes_come_only_from_the_app_itself(
    client: Any, headers: dict[str, str], allowed: bool
) -> None:
    # an empty body: past the guard the app answers 422, the guard itself 403
    for path in ("/api/simulate", "/api/ingest", "/api/code"):
        response = client.post(path, json={}, headers=headers)
        assert response.status_code == (422 if allowed else 403), (path, response.text)
    if not allowed:
        assert "refused" in response.json()["detail"]
        for method in ("PUT", "PATCH", "DELETE"):
            assert client.request(method, "/api/ingest", headers=headers).status_code == 403
    # reading is not a state change (and the Host check keeps other sites' pages out)
    assert client.get("/api/health", headers=headers).status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _serve(folder: Path) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """``bilat serve`` on 127.0.0.1 and a free port, in a subprocess (stopped afterwards)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": _source_path()}
    command = ["serve", "--port", str(port), "--out", str(folder)]
    log = (folder / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-c", _RUN_BILAT, *command], stderr=log, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (folder / "serve.log").read_text()
            assert time.monotonic() < deadline, "bilat serve did not start within 60 s"
            time.sleep(0.2)
        yield url, port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """``bilat serve`` in a subprocess, serving ``tmp_path``."""
    with _serve(tmp_path) as found:
        yield found


def test_a_real_server_checks_host_and_origin(
    served: tuple[str, int, subprocess.Popen[bytes]],
) -> None:
    url, port, _ = served
    with httpx.Client(base_url=url, timeout=30) as http:
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            response = http.get("/api/health", headers={"host": host})
            assert response.status_code == 200, host
            _assert_hardened(response)
        for host in (f"rebound.attacker.test:{port}", f"127.0.0.1:{port + 1}", "localhost"):
            response = http.get("/api/answer", headers={"host": host})
            assert response.status_code == 400, host
            _assert_hardened(response)
        for origin, status in (
            (f"http://localhost:{port}", 422),
            (f"http://127.0.0.1:{port}", 422),
            ("http://evil.example", 403),
            (f"http://127.0.0.1:{port + 1}", 403),
        ):
            response = http.post("/api/simulate", json={}, headers={"origin": origin})
            assert response.status_code == status, origin
        # a cross-origin upload never reaches the store
        before = http.get("/api/events/stats").json()
        refused = http.post(
            "/api/ingest",
            files={"file": ("e.zip", _bomb(10))},
            headers={"origin": "http://evil.example"},
        )
        assert refused.status_code == 403
        assert http.get("/api/events/stats").json() == before


# -- no server paths --------------------------------------------------------------------------


_BAD_UPLOADS: list[tuple[str, bytes, dict[str, str]]] = [
    ("/api/ingest", b"hello world\nnothing here\n", {}),
    ("/api/ingest", b"PK\x03\x04" + b"\x00" * 40, {}),  # a corrupt zip
    ("/api/ingest", b"\x1f\x8b\x08\x00" + b"junk" * 10, {}),  # a corrupt gzip
    ("/api/ingest", _zip("../../evil.jsonl", b"x\n"), {}),
    ("/api/ingest", _zip("events.jsonl", b"not an event\n" * 3), {}),
    ("/api/ingest", _bomb(5), {}),
    ("/api/ingest", b"\x00\x01\x02" * 50, {}),
    ("/api/ingest", b"Event ID\tEvent Date\tSource Name\n1\tnot-a-date\tX\n", {}),
    ("/api/ingest", b"{bad json\n", {"fmt": "jsonl"}),
    ("/api/ingest", b'id,date\n"unclosed,2001\n', {"fmt": "csv"}),
    ("/api/code", b"\x00\x01binary", {}),
    ("/api/code", b"\xff\xfe not utf-8", {}),
    ("/api/code", b"Pakistan met India.", {"doc_date": "not-a-date"}),
    ("/api/code", b"Dies ist kein englischer Text und wird abgelehnt. " * 20, {}),
]


def test_no_server_path_in_any_answer_to_a_bad_upload(client: Any) -> None:
    secrets = {tempfile.gettempdir(), str(Path.home()), str(Path(__file__).resolve().parents[2])}
    statuses = []
    for path, data, form in _BAD_UPLOADS:
        response = client.post(path, files={"file": ("upload.bin", data)}, data=form)
        statuses.append(response.status_code)
        text = response.text
        assert response.status_code < 500, text
        for secret in secrets:
            assert secret not in text, (path, form, text)
        assert "/tmp" not in text
        assert not _ABSOLUTE.search(text), (path, form, text)
        assert "Traceback" not in text
    assert statuses.count(400) >= 10  # the bad ones are refused, each with its reason


# -- heavy work off the event loop ------------------------------------------------------------


def _post_in_thread(client: Any, path: str, data: bytes, done: list[Any]) -> threading.Thread:
    def post() -> None:
        done.append(client.post(path, files={"file": ("upload.bin", data)}))

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def _health_while_busy(client: Any, upload: threading.Thread) -> dict[str, Any] | None:
    """The first health answer that reports heavy work running, polled until the upload ends."""
    while upload.is_alive():
        body: dict[str, Any] = client.get("/api/health").json()
        if body["busy"] >= 1:
            return body
        time.sleep(0.01)
    return None


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/ingest", _bomb(30_000)),  # the zip bomb: one event and 30,000 bad lines
        ("/api/code", no_blank_lines_text(60_000).encode()),  # the text bomb, smaller
    ],
    ids=["zip-of-bad-lines", "text-without-paragraphs"],
)
def test_cheap_requests_answer_while_a_bomb_is_processed(
    client: Any, path: str, payload: bytes
) -> None:
    if path == "/api/code":
        pytest.importorskip("spacy")
    order: list[str] = []
    done: list[Any] = []
    upload = _post_in_thread(client, path, payload, done)
    seen = _health_while_busy(client, upload)
    if seen is not None:
        order.append("health")
    upload.join()
    order.append("upload")
    # ordering, not timing: the server answered a cheap request while the heavy one ran
    assert order == ["health", "upload"], "the server answered nothing while the upload ran"
    assert seen is not None
    assert seen["busy"] == 1
    (response,) = done
    assert response.status_code == 200, response.text
    body = response.json()
    if path == "/api/ingest":  # nothing lost: every line is stored, a duplicate or quarantined
        assert body["read"] == 30_001
        assert body["read"] == body["stored"] + body["duplicates"] + body["quarantined"]
        assert body["stored"] + body["duplicates"] == 1
    else:
        assert body["events"] > 0
    assert client.get("/api/health").json()["busy"] == 0


def test_heavy_requests_beyond_the_limit_get_503(tmp_path: Path) -> None:
    with client_class()(create_app(study_dir=tmp_path, max_heavy=1)) as client:
        done: list[Any] = []
        upload = _post_in_thread(client, "/api/ingest", _bomb(30_000), done)
        seen = _health_while_busy(client, upload)
        extra = client.post("/api/ingest", files={"file": ("e.zip", _bomb(10))})
        upload.join()
        assert seen is not None
        assert seen["heavy_limit"] == 1
        assert extra.status_code == 503, extra.text
        assert "busy" in extra.json()["detail"]
        assert extra.headers["retry-after"] == "5"
        _assert_hardened(extra)
        assert done[0].status_code == 200
        # the slot is free again
        again = client.post("/api/ingest", files={"file": ("e.zip", _bomb(10))})
        assert again.status_code == 200, again.text


def _peak_rss_mb(pid: int) -> int:
    """A process's peak resident set (VmHWM), in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM in /proc")  # pragma: no cover - Linux only


def main(which: str = "") -> None:
    """Send each full-size bomb (or those whose name contains ``which``) to a fresh real
    ``bilat serve`` and print what it cost the server."""
    bombs = {
        "zip of 1 event + 2,000,000 bad lines": ("/api/ingest", _bomb(2_000_000)),
        "2 MB of text in one line": ("/api/code", no_blank_lines_text(1_990_000).encode()),
    }
    for name, (path, payload) in bombs.items():
        if which not in name:
            continue
        with (
            tempfile.TemporaryDirectory(prefix="bilat-serve-bombs-") as folder,
            _serve(Path(folder)) as (url, _, proc),
            httpx.Client(base_url=url, timeout=3600) as http,
        ):
            start_rss = _peak_rss_mb(proc.pid)
            done: list[Any] = []
            started = time.monotonic()
            upload = _post_in_thread(http, path, payload, done)
            answered, slowest = 0, 0.0
            while upload.is_alive():
                asked = time.monotonic()
                if http.get("/api/health").json()["busy"]:
                    answered += 1
                slowest = max(slowest, time.monotonic() - asked)
                time.sleep(0.5)
            upload.join()
            print(
                json.dumps(
                    {
                        "bomb": name,
                        "upload_bytes": len(payload),
                        "status": done[0].status_code,
                        "seconds": round(time.monotonic() - started, 1),
                        "health_answers_while_busy": answered,
                        "slowest_health_s": round(slowest, 3),
                        "server_peak_rss_mb": _peak_rss_mb(proc.pid),
                        "server_rss_at_start_mb": start_rss,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
