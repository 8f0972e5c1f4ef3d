"""The app's defences: who may call it, what every answer carries, and how much runs at once.

* :class:`Guard` (ASGI middleware, outermost) answers 400 to a request whose
  ``Host`` is not a loopback name (``127.0.0.1``, ``localhost``, ``[::1]``) or
  the address the server is bound to, each with the serving port, which defeats
  DNS rebinding; answers 403 to a state-changing request (POST, PUT, PATCH,
  DELETE) that a browser sent from another origin; and adds the security
  headers (:data:`SECURITY_HEADERS`, :data:`APP_CSP`) to every response.
* :class:`HeavyWork` runs uploads' ingest, coding and what-if runs in worker
  threads, at most ``limit`` at once, so the event loop keeps answering; one
  more gets 503 with a JSON message and ``Retry-After``.
* :func:`public_message` removes server paths from a message before it is sent.
"""

from __future__ import annotations

import ipaddress
import json
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

__all__ = [
    "APP_CSP",
    "LOOPBACK_HOSTS",
    "REPORT_CSP",
    "SECURITY_HEADERS",
    "STATE_CHANGING",
    "Guard",
    "HeavyWork",
    "public_message",
]

T = TypeVar("T")

#: Host names a request may address the app by (besides the bound address).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

#: Methods that change state: a browser must send them from the app's own origin.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: The app's pages load only their own script and style sheet; nothing may frame them.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

#: The study's report: no script at all; its inline styles and embedded PNG figures only.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

#: Added to every response that does not set its own value.
SECURITY_HEADERS = (
    ("content-security-policy", APP_CSP),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)

# an absolute path (POSIX or Windows) at the start of a message or after a space or quote
_ABSOLUTE_PATH = re.compile(r"""(?:^|(?<=[\s'"(\[=,]))(?:/|[A-Za-z]:\\)[^\s'",;)\]]*""")


def public_message(text: str) -> str:
    """``text`` with every absolute path cut to its last part (the server's folders stay private).

    >>> public_message("/tmp/bilat-upload-x1/upload.dat:3: not JSON")
    'upload.dat:3: not JSON'
    """
    return _ABSOLUTE_PATH.sub(lambda m: re.split(r"[/\\]", m.group(0))[-1] or "the server", text)


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a ``Host`` header value (port None when absent); None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        host, bracket, rest = value.partition("]")
        if not bracket:
            return None
        host += bracket
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    else:
        host, colon, port_text_or_empty = value.partition(":")
        port_text = port_text_or_empty if colon else None
    if not host:
        return None
    if port_text is None:
        return host, None
    if not port_text.isdigit() or len(port_text) > 5:
        return None
    return host, int(port_text)


def _bound_name(scope: dict[str, Any]) -> tuple[str | None, int]:
    """The address the server listens on, as a Host name (None unless a specific IP), and port."""
    server = scope.get("server")
    if not server:
        return None, 80
    address, port = server[0], server[1]
    port = 80 if port is None else int(port)
    try:
        parsed = ipaddress.ip_address(str(address))
    except ValueError:
        return None, port  # a name such as a test client's "testserver": not an address
    if parsed.is_unspecified:
        return None, port
    return (f"[{parsed}]" if parsed.version == 6 else str(parsed)), port


class Guard:
    """ASGI middleware: the Host allow-list, the same-origin rule and the security headers.

    Parameters
    ----------
    app:
        The application it wraps.
    hosts:
        Host names allowed besides the bound address (default
        :data:`LOOPBACK_HOSTS`); each must come with the serving port (or none
        when the port is 80).
    """

    def __init__(self, app: Any, hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem, status = self._host_problem(scope, headers), 400
        if problem is None and scope.get("method", "GET").upper() in STATE_CHANGING:
            problem, status = self._origin_problem(scope, headers), 403
        if problem is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _send_json(send, status, problem)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS
                    if name.encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)

    def _allowed(self, scope: dict[str, Any], host: str, port: int | None) -> bool:
        bound, serving = _bound_name(scope)
        if host not in self.hosts and host != bound:
            return False
        return port == serving if port is not None else serving == 80

    def _host_problem(self, scope: dict[str, Any], headers: Headers) -> str | None:
        value = headers.get("host")
        if value is None:
            return "the request has no Host header; address the app as http://127.0.0.1:PORT/"
        parsed = _split_host(value)
        if parsed is None or not self._allowed(scope, *parsed):
            return (
                f"the Host {value[:100]!r} is not this app: it answers only to 127.0.0.1, "
                "localhost or [::1] with its port (a guard against DNS rebinding)"
            )
        return None

    def _same_app(self, scope: dict[str, Any], url: str) -> bool:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        host = parts.hostname.lower()
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            return False
        if port is None:
            port = 80 if parts.scheme == "http" else 443
        return self._allowed(scope, host, port)

    def _origin_problem(self, scope: dict[str, Any], headers: Headers) -> str | None:
        origin = headers.get("origin")
        refused = "a {} request from {!r} is refused: only the app's own pages may change its state"
        method = scope.get("method", "POST")
        if origin is not None and origin.strip().lower() != "null":
            return None if self._same_app(scope, origin) else refused.format(method, origin[:100])
        # no Origin, or an opaque one ("null", also sent by the app's own pages under
        # Referrer-Policy: no-referrer): the browser's own Sec-Fetch-Site decides
        site = headers.get("sec-fetch-site")
        if site is not None:
            return None if site.lower() == "same-origin" else refused.format(method, site[:40])
        referer = headers.get("referer")
        if referer is not None:
            return None if self._same_app(scope, referer) else refused.format(method, referer[:100])
        if origin is not None:
            return refused.format(method, origin)
        return None  # not a browser (curl, scripts): no ambient credentials to abuse


async def _send_json(send: Any, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.encode(), value.encode()) for name, value in SECURITY_HEADERS),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HeavyWork:
    """Run heavy requests in worker threads, at most ``limit`` at once.

    The event loop stays free for cheap requests (health, stats, pages) while an
    upload is ingested or coded; a request beyond the limit is refused at once
    with 503 (``Retry-After``) instead of queueing work without bound.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"the heavy-work limit must be at least 1, not {limit}")
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._count = threading.Lock()
        self._busy = 0

    @property
    def busy(self) -> int:
        """Heavy requests running now."""
        return self._busy

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker thread, or 503 when ``limit`` are already running."""
        if not self._slots.acquire(blocking=False):
            raise HTTPException(
                503,
                detail=(
                    f"the app is busy: {self.limit} heavy request"
                    f"{'s are' if self.limit != 1 else ' is'} already running; try again shortly"
                ),
                headers={"Retry-After": "5"},
            )
        with self._count:
            self._busy += 1
        try:
            return await run_in_threadpool(func, *args)
        finally:
            with self._count:
                self._busy -= 1
            self._slots.release()
