"""The app's what-if flow, driven in headless Chromium against a local uvicorn server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.study import whatif

from ..report.browser import browser_page, chromium_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(study_dir: Path) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""
    if chromium_path() is None:
        pytest.skip("no Chromium: `apt-get install chromium` to run the browser tests")
    import uvicorn

    from bilat.app import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(study_dir=study_dir), host="127.0.0.1", port=port, log_level="warning"
    )
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app_server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
def test_what_if_flow_in_the_browser(server: str, tmp_path: Path) -> None:
    if not whatif.simulator_available():
        pytest.skip("the simulator (bilat.sim) is not available")
    with browser_page() as (page, errors):
        page.goto(server + "/")
        page.wait_for_selector("#policy option", state="attached")
        page.select_option("#policy", "broadened")
        page.fill("#inst-trade_access", "0.95")
        page.fill("#runs", "100")
        page.fill("#years", "5")
        page.click("#run")
        page.wait_for_selector("#outcomes tbody tr", timeout=60_000)
        rows = page.locator("#outcomes tbody tr")
        assert rows.count() >= 4
        header = page.inner_text("#outcomes thead").lower()
        assert "broadened (edited)" in header
        assert "security-only" in header
        assert "runs" in page.inner_text("#whatif-status")
        # a text uploaded from the page is coded
        if whatif.coder_available():
            text = tmp_path / "note.txt"
            text.write_text(
                "In 2009, the US Congress approved a major non-military aid package for Pakistan.",
                encoding="utf-8",
            )
            page.set_input_files("#code-file", str(text))
            page.click("#code-form button")
            page.wait_for_selector("#code-form .out p", timeout=60_000)
            assert "events" in page.inner_text("#code-form .out")
        # the study's report opens from the app
        page.click("#report-link")
        page.wait_for_selector("#timeline figure img")
        assert page.evaluate("document.querySelector('#timeline img').naturalWidth") > 0
        assert errors == []


@pytest.mark.browser
def test_bad_what_if_shows_the_error(server: str) -> None:
    if not whatif.simulator_available():
        pytest.skip("the simulator (bilat.sim) is not available")
    with browser_page() as (page, errors):
        page.goto(server + "/")
        page.wait_for_selector("#policy option", state="attached")
        page.select_option("#policy", "broadened")
        page.fill("#inst-trade_access", "5")  # out of [0, 1]
        page.click("#run")
        # the browser's own validation stops it first ...
        assert page.evaluate("document.querySelector('#inst-trade_access').validity.valid") is False
        assert page.inner_html("#results") == ""
        # ... and without it the server refuses it with a message naming the instrument
        page.evaluate("document.querySelector('#inst-trade_access').removeAttribute('max')")
        page.click("#run")
        page.wait_for_selector("#whatif-status .error")
        assert "trade_access" in page.inner_text("#whatif-status")
        assert all("400" in e for e in errors), errors
