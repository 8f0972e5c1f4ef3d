"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright.

Never ``playwright install``: the tests use the system browser at
``/usr/bin/chromium`` (``apt-get install chromium``) and skip with that hint
when it is absent.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium, if installed."""
    for candidate in (os.environ.get("BILAT_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@contextmanager
def browser_page() -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list its console errors and page errors are collected in."""
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: `apt-get install chromium` to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on(
                "console",
                lambda msg: (
                    errors.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            yield page, errors
        finally:
            browser.close()


def not_blank(png: bytes) -> bool:
    """Whether a screenshot shows something: many distinct colours, not one flat fill."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((160, 120))
    colours = image.getcolors(maxcolors=160 * 120) or []
    return len(colours) > 20
