"""The FastAPI application behind ``bilat serve`` (built by :func:`bilat.app.create_app`).

Routes
------
``GET /``                 the app page: the answer, the what-if controls, uploads
``GET /report``           the study's report (from the study folder given at start-up)
``GET /assets/app.js``    the page's script, ``GET /assets/app.css`` its style sheet
``GET /api/health``       liveness and what is available
``GET /api/answer``       the study's answer.json
``GET /api/policies``     the built-in policies, their instruments and the instruments' ranges
``POST /api/simulate``    run the simulator on a chosen, possibly edited, policy
``POST /api/code``        upload a text (UTF-8, size-limited) and code it into events
``POST /api/ingest``      upload an event file (bilat JSONL or CSV) into the app's store
``GET /api/events/stats`` counts of the app's store

Safety: the app binds 127.0.0.1 unless told otherwise; :class:`~bilat.app.guard.Guard`
refuses a foreign ``Host`` (400) and a cross-origin state change (403) and adds
the security headers to every answer; uploads, coding and what-if runs run in
worker threads, at most ``max_heavy`` at once (:class:`~bilat.app.guard.HeavyWork`;
one more gets 503), so the server keeps answering. Nothing from a request names a
file — uploads are read into memory (at most ``max_upload`` bytes) and, where a
reader needs a file, written to a temporary file whose name bilat chooses; every
input is validated and a bad one gets a 4xx answer naming it, with no server
path in it (:func:`~bilat.app.guard.public_message`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from bilat import __version__
from bilat.app.guard import REPORT_CSP, Guard, HeavyWork, public_message
from bilat.errors import BilatError, InputError
from bilat.events import EventStore
from bilat.study import whatif
from bilat.study.case import Case, get_case

__all__ = [
    "BodyLimit",
    "CodeResponse",
    "Health",
    "IngestResponse",
    "SimulateRequest",
    "SimulateResponse",
    "build_app",
]


class Health(BaseModel):
    """What the app can do right now."""

    status: Literal["ok"]
    version: str
    case: str
    report: bool
    simulator: bool
    coder: bool
    record: bool
    busy: int = Field(..., description="Heavy requests (uploads, coding, what-if runs) running.")
    heavy_limit: int = Field(..., description="How many heavy requests may run at once.")


class SimulateRequest(BaseModel):
    """A what-if run: a policy, optional edits to its instruments, and the run's size."""

    policy: str = Field(..., min_length=1, max_length=64, description="A built-in policy name.")
    instruments: dict[str, float] = Field(
        default_factory=dict,
        description="Instrument values that replace the policy's own (see /api/policies).",
    )
    runs: int = Field(500, ge=10, le=5000, description="Simulated runs.")
    years: int = Field(15, ge=1, le=40, description="Years simulated from now.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Random seed.")


class Interval(BaseModel):
    """A central interval."""

    low: float | None
    high: float | None
    level: float


class Outcome(BaseModel):
    """One outcome of a simulated policy."""

    name: str
    label: str
    mean: float | None
    interval: Interval | None
    baseline_mean: float | None = None
    difference: float | None = None
    difference_interval: Interval | None = None
    lower_is_better: bool | None = None
    unit: str | None = None


class SimulateResponse(BaseModel):
    """Outcomes of a what-if run, against the baseline policy with the same random numbers."""

    policy: str
    baseline: str
    instruments: dict[str, float]
    runs: int
    years: int
    seed: int
    outcomes: list[Outcome]


class CodeResponse(BaseModel):
    """Events coded from an uploaded text."""

    doc_id: str
    doc_date: str
    events: int
    facts: int
    stored: int
    items: list[dict[str, Any]]


class IngestResponse(BaseModel):
    """What an uploaded event file did to the app's store."""

    read: int
    stored: int
    duplicates: int
    quarantined: int
    reasons: list[str]


class _State:
    """The app's mutable state: one in-memory store (with the record), behind a lock."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.lock = threading.Lock()
        self.store: EventStore | None = None
        self.record_status: str | None = None

    def get_store(self) -> EventStore:
        """The app's in-memory store, created (with the record) on first use."""
        with self.lock:
            if self.store is None:
                self.store = EventStore(":memory:")
                self.record_status = whatif.load_record_into(self.case, self.store)
            return self.store


class BodyLimit:
    """ASGI middleware: refuse a request body larger than ``limit`` bytes with 413.

    Checked against ``Content-Length`` before anything is read, and counted
    while a body without one streams in, so an oversized upload is never
    spooled whole to memory or disk.
    """

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        refused = False

        async def counted() -> Any:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Any) -> None:
            if not refused:  # the 413 has been sent: drop whatever the app answers
                await send(message)

        await self.app(scope, counted, guarded)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps(
            {"detail": f"the request is larger than the limit of {self.limit:,} bytes"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _error(status: int, err: Exception) -> HTTPException:
    return HTTPException(status_code=status, detail=public_message(str(err)))


_LOG = logging.getLogger("bilat.app")


def build_app(case_name: str, study_dir: Path | None, max_upload: int, max_heavy: int) -> FastAPI:
    """The FastAPI application (see the module docstring)."""
    case = get_case(case_name)
    state = _State(case)
    heavy = HeavyWork(max_heavy)
    # no /docs or /redoc: they load scripts from a CDN, which the app's CSP forbids
    app = FastAPI(
        title="bilat",
        version=__version__,
        description=f"What-if questions on the {case.title} study.",
        docs_url=None,
        redoc_url=None,
    )
    # multipart framing adds a little to the file itself
    app.add_middleware(BodyLimit, limit=max_upload + 64_000)
    app.add_middleware(Guard)  # added last: the outermost layer sees every request first
    report_path = None if study_dir is None else study_dir / "report.html"
    answer_path = None if study_dir is None else study_dir / "answer.json"

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        from bilat.app.page import app_page

        answer = _read_answer(answer_path)
        return HTMLResponse(
            app_page(case, answer, report_path is not None and report_path.is_file())
        )

    @app.get("/report", response_class=HTMLResponse, include_in_schema=False)
    def report() -> HTMLResponse:
        if report_path is None or not report_path.is_file():
            from bilat.app.page import no_report_page

            return HTMLResponse(no_report_page(case), status_code=404)
        return HTMLResponse(
            report_path.read_text(encoding="utf-8"),
            headers={"Content-Security-Policy": REPORT_CSP},
        )

    @app.get("/assets/app.js", include_in_schema=False)
    def script() -> Response:
        from bilat.app.page import asset

        return Response(asset("app.js"), media_type="text/javascript")

    @app.get("/assets/app.css", include_in_schema=False)
    def style() -> Response:
        from bilat.app.page import asset

        return Response(asset("app.css"), media_type="text/css")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/health", response_model=Health)
    def health() -> Health:
        """What the app can do right now."""
        return Health(
            status="ok",
            version=__version__,
            case=case.name,
            report=report_path is not None and report_path.is_file(),
            simulator=whatif.simulator_available(),
            coder=whatif.coder_available(),
            record=whatif.record_available(),
            busy=heavy.busy,
            heavy_limit=heavy.limit,
        )

    @app.get("/api/answer", responses={404: {"description": "No study has been run."}})
    def answer() -> dict[str, Any]:
        """The study's answer.json (404 when no study has been run in the served folder)."""
        found = _read_answer(answer_path)
        if found is None:
            raise HTTPException(404, "no answer.json: run `bilat study` first")
        return found

    @app.get("/api/policies", responses={503: {"description": "The simulator is missing."}})
    def policies() -> dict[str, Any]:
        """The forward policies, their instruments, and each instrument's range and unit."""
        try:
            return whatif.policy_catalogue(case)
        except whatif.Unavailable as err:
            raise _error(503, err) from err

    @app.post(
        "/api/simulate",
        response_model=SimulateResponse,
        responses={
            400: {"description": "An unknown policy or instrument, or a value out of range."},
            503: {"description": "The simulator is missing, or the app is busy."},
        },
    )
    async def simulate(request: SimulateRequest) -> dict[str, Any]:
        """Simulate a policy, possibly edited, against the baseline on common random numbers."""

        def work() -> dict[str, Any]:
            return whatif.what_if(
                case,
                request.policy,
                request.instruments,
                runs=request.runs,
                years=request.years,
                seed=request.seed,
            )

        try:
            return await heavy.run(work)
        except whatif.Unavailable as err:
            raise _error(503, err) from err
        except BilatError as err:
            raise _error(400, err) from err

    @app.post(
        "/api/code",
        response_model=CodeResponse,
        responses={
            400: {"description": "Not text, or a bad date."},
            413: {"description": "Too large."},
            503: {"description": "The coder is missing, or the app is busy."},
        },
    )
    async def code(
        file: UploadFile = File(..., description="A UTF-8 text document."),
        doc_date: str = Form("2016-01-01", description="The document's date, YYYY-MM-DD."),
        store: bool = Form(False, description="Also add the coded events to the app's store."),
    ) -> dict[str, Any]:
        """Code an uploaded text into events (every modality; facts are asserted or reported)."""
        data = await _read_limited(file, max_upload)

        def work() -> dict[str, Any]:
            date = _parse_date(doc_date)
            text = whatif.decode_text(data)
            if not store:
                return whatif.code_upload(text, date, None)
            target = state.get_store()
            with state.lock:
                return whatif.code_upload(text, date, target)

        try:
            return await heavy.run(work)
        except whatif.Unavailable as err:
            raise _error(503, err) from err
        except BilatError as err:
            raise _error(400, err) from err

    @app.post(
        "/api/ingest",
        response_model=IngestResponse,
        responses={
            400: {"description": "Not an event file."},
            413: {"description": "Too large."},
            503: {"description": "The ingest readers are missing, or the app is busy."},
        },
    )
    async def ingest(
        file: UploadFile = File(
            ..., description="An event file: GDELT, ICEWS, PLOVER/POLECAT or bilat's own."
        ),
        fmt: Literal["auto", "jsonl", "csv"] = Form(
            "auto",
            description="auto (recognised by content), or bilat's own jsonl or csv.",
        ),
    ) -> dict[str, Any]:
        """Ingest an uploaded event file into the app's store; bad rows are quarantined."""
        data = await _read_limited(file, max_upload)

        def work() -> dict[str, Any]:
            store = state.get_store()
            with state.lock:
                found = whatif.ingest_upload(data, fmt, store)
            found["reasons"] = [public_message(r) for r in found["reasons"]]
            return found

        try:
            return await heavy.run(work)
        except whatif.Unavailable as err:
            raise _error(503, err) from err
        except BilatError as err:
            raise _error(400, err) from err

    @app.get("/api/events/stats")
    def stats() -> dict[str, Any]:
        """Counts of the app's in-memory store (the record plus what was uploaded)."""
        store = state.get_store()
        with state.lock:
            out = store.stats()
        out["path"] = ":memory:"
        out["record"] = state.record_status
        return out

    @app.exception_handler(BilatError)
    async def _bilat_error(_: Any, err: BilatError) -> JSONResponse:
        return JSONResponse({"detail": public_message(str(err))}, status_code=400)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        # the traceback goes to the server's log, never to the client
        _LOG.error("%s %s failed", request.method, request.url.path, exc_info=err)
        return JSONResponse(
            {"detail": f"internal error ({type(err).__name__}); the server's log has the details"},
            status_code=500,
        )

    return app


def _read_answer(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.is_file():
        return None
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    await upload.close()
    if len(data) > limit:
        raise HTTPException(413, f"the upload is larger than the limit of {limit:,} bytes")
    if not data:
        raise HTTPException(400, "the upload is empty")
    return data


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError("is not a date in YYYY-MM-DD form", field="doc_date", value=text) from err
