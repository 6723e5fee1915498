"""``vntasks serve``: the pipeline as an HTTP service.

``POST /extract`` takes a file upload (multipart, field ``file``) or JSON
``{"text": …, "issued": …, "doc_type": …, "number": …, "with_text": …}``
and answers the record ``vntasks extract`` writes (the v1 contract of
``pipeline/schema``). ``GET /tasks`` and ``GET /documents/{id}`` query a
task register when :func:`create_app` is given one (anything with the
methods of :class:`TaskRegister`); without one they answer 404 saying so.
The register (``pipeline/register.py``) is wired in by building it where
the app is built: ``create_app(register=Register(url))``, and for ``vntasks
serve`` a ``--db`` option passed on in the settings to
:func:`app_from_environment`.

How the work is done:

- The language models load once, in the app's lifespan, before the server
  accepts its first connection; requests never pay for them.
- Extraction is CPU-bound pure Python, so threads give it no second core
  (the GIL), and a process pool per server process would hold a second copy
  of the models and pickle every record. It runs on one worker thread per
  server process: the event loop stays free (``/health`` answers while a
  long document is extracted), requests queue in order, and no two
  extractions share the spaCy and underthesea objects at once, which are
  not documented as thread-safe. More cores are used by more server
  processes (``vntasks serve --workers N``), each with its own models.
- A request is limited before it is read whole (:class:`BodyLimit`), its
  text by characters, and its extraction by time: a request still queued
  when its time is up is dropped; one already running cannot be stopped (a
  thread cannot be killed) and finishes unseen, holding the worker thread.
- Every error is ``{"error": {"code", "message"}}`` with the one-line
  message the command line prints (:mod:`pipeline.errors`); an unexpected
  one answers 500 with a generic message, its traceback going to the
  server's log only.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import PurePath
from typing import Annotated, Any, Literal, Protocol

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from pipeline import __version__
from pipeline.errors import VntasksError
from pipeline.read import DEFAULT_MAX_BYTES

DEFAULT_MAX_CHARACTERS = 1_000_000
DEFAULT_TIMEOUT = 120.0
TEXT_SOURCE = "<text>"
UPLOAD_FIELD = "file"
# The environment variable that carries the settings to the server
# processes uvicorn starts (they import the app; nothing else reaches them).
SETTINGS_VARIABLE = "VNTASKS_SERVE_SETTINGS"
# A line that makes every stage run once, so that what the stages build on
# first use (resource files, compiled patterns) is built at start-up too.
_WARM_UP_TEXT = "Sở Tài chính chủ trì, phối hợp với Sở Nội vụ báo cáo trước ngày 15/10/2025."

# Status by error code; every other refusal of an input is 422.
_STATUS = {
    "too_large": 413,
    "zip_bomb": 413,
    "request_too_large": 413,
    "text_too_long": 413,
    "unsupported": 415,
    "image": 415,
    "archive": 415,
    "other_office": 415,
    "media_type": 415,
    "no_register": 404,
    "no_document": 404,
    "no_route": 404,
    "method_not_allowed": 405,
    "server_timeout": 503,
    "internal": 500,
}
TaskStatus = Literal["open", "done", "cancelled"]


class TaskRegister(Protocol):
    """What the server needs of a task register. It is called from a
    thread pool, so it must be usable from any thread."""

    def tasks(
        self,
        *,
        body: str | None = None,
        due_before: date | None = None,
        overdue: bool = False,
        status: str | None = None,
        document: str | None = None,
    ) -> list[dict[str, Any]]:
        """The tasks that pass every filter given: ``body`` leads or
        supports them, due before ``due_before``, ``overdue`` (due before
        today and not done), of ``status``, of the document with id
        ``document``."""
        ...

    def document(self, id: str) -> dict[str, Any] | None:
        """The document with this id and its tasks, or None."""
        ...


@dataclass(frozen=True)
class Settings:
    """The limits of one server: the largest request body in bytes, the
    longest text in characters, and the longest extraction in seconds."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_characters: int = DEFAULT_MAX_CHARACTERS
    timeout: float = DEFAULT_TIMEOUT


class ExtractRequest(BaseModel):
    """A text to extract, with what ``vntasks extract`` takes as options."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document's text.")
    issued: str | None = Field(
        None, description="Issue date YYYY-MM-DD, used where the text gives none (--issued)."
    )
    doc_type: str | None = Field(
        None, description="The document's type, replacing what is read (--doc-type)."
    )
    number: str | None = Field(
        None, description="The document's number, replacing what is read (--number)."
    )
    with_text: bool = Field(False, description="Include the text as read (--with-text).")


_OPTION_FIELDS = ("issued", "doc_type", "number", "with_text")


@dataclass(frozen=True)
class Job:
    """One extraction: a text, or the bytes of an upload with its name."""

    source: str
    text: str | None = None
    data: bytes | None = None
    # An upload's suffix, from its file name (".txt" for one without a name,
    # as for standard input).
    suffix: str = ".txt"
    issued: date | None = None
    doc_type: str | None = None
    number: str | None = None
    with_text: bool = False


def error_response(error: VntasksError) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": error.code, "message": str(error)}},
        status_code=_STATUS.get(error.code, 422),
    )


# -- limits -------------------------------------------------------------------

class _BodyTooLarge(Exception):
    pass


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuse a request body over ``max_bytes`` with 413 before it is read
    whole: at once when its Content-Length says so, else (a chunked body)
    as soon as the bytes received pass the limit. A pure ASGI middleware,
    because it must see the body as it arrives, not after."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        error = VntasksError("request_too_large", "", limit=self.max_bytes)
        await error_response(error)({"type": "http"}, _no_receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # A parser that caught the exception answers with its own error;
            # the 413 below goes instead.
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded:
            await self._refuse(send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


# -- extraction -----------------------------------------------------------------

def models_loaded() -> bool:
    """Whether this process holds the language models (spaCy's pipeline,
    underthesea's segmentation and tagging models)."""
    from pipeline.tokenise import _pos_model, _segmentation_model, get_nlp

    return all(model.cache_info().currsize for model in (get_nlp, _segmentation_model, _pos_model))


def warm_up() -> None:
    """Load the models and run every stage once."""
    from pipeline.extraction import extract
    from pipeline.parallel import load_models

    load_models()
    extract(_WARM_UP_TEXT, issued=date(2025, 1, 1))


def run_job(job: Job, settings: Settings) -> dict[str, Any]:
    """Read and extract one job; the record ``vntasks extract`` writes."""
    from pipeline.export import to_dict
    from pipeline.extraction import extract
    from pipeline.read import read_bytes, read_text

    if job.data is not None:
        raw = read_bytes(job.data, job.source, max_bytes=settings.max_bytes, suffix=job.suffix)
    else:
        raw = read_text(job.text or "", job.source)
    _check_length(raw.text, job.source, settings)
    result = extract(raw, issued=job.issued, doc_type=job.doc_type, number=job.number)
    return to_dict(result, with_text=job.with_text)


def _check_length(text: str, source: str, settings: Settings) -> None:
    if len(text) > settings.max_characters:
        raise VntasksError(
            "text_too_long", source, size=len(text), limit=settings.max_characters
        )


def _parse_issued(value: str | None, field: str) -> date | None:
    from pipeline.dates import parse_date

    return None if value is None else parse_date(value, field)


def _doc_type(value: str | None) -> str | None:
    """A known document type in the records' spelling, refused before the
    request waits for the worker thread."""
    from pipeline.metadata import canonical_doc_type

    return None if value is None else canonical_doc_type(value, "doc_type")


def _validation_message(errors: list[dict[str, Any]], where: str) -> str:
    """The first of pydantic's errors as one line; an unknown field first,
    since a misspelt name is why the field it stands for is missing."""
    first = min(errors, key=lambda error: error["type"] != "extra_forbidden")
    location = [str(part) for part in first["loc"] if part not in ("body", "query", "path")]
    name = ".".join(location)
    if first["type"] == "extra_forbidden":
        return f"unknown {where} {name!r}"
    if first["type"] == "missing":
        return f"{where} {name!r} is required"
    if not name:
        return f"the body must be a JSON object, not {type(first.get('input')).__name__}"
    return f"{where} {name!r}: {first['msg']}"


async def _json_job(request: Request, body: bytes) -> Job:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise VntasksError("bad_json", "", reason=str(error)) from None
    try:
        wanted = ExtractRequest.model_validate(payload)
    except ValidationError as error:
        reason = _validation_message(error.errors(), "field")
        raise VntasksError("bad_request", "", reason=reason) from None
    _check_length(wanted.text, TEXT_SOURCE, request.app.state.settings)
    return Job(
        source=TEXT_SOURCE,
        text=wanted.text,
        issued=_parse_issued(wanted.issued, "issued"),
        doc_type=_doc_type(wanted.doc_type),
        number=wanted.number,
        with_text=wanted.with_text,
    )


async def _upload_job(request: Request) -> Job:
    # The context closes the files Starlette spooled the upload to.
    async with request.form(max_files=1) as form:
        fields: dict[str, Any] = dict(form)
        upload = fields.pop(UPLOAD_FIELD, None)
        if not isinstance(upload, UploadFile):
            reason = f"the upload has no file in the field {UPLOAD_FIELD!r}"
            raise VntasksError("bad_request", "", reason=reason)
        unknown = sorted(set(fields) - set(_OPTION_FIELDS))
        if unknown:
            raise VntasksError("bad_request", "", reason=f"unknown form field {unknown[0]!r}")
        data = await upload.read()
    options = {name: value for name, value in fields.items() if isinstance(value, str)}
    return Job(
        source=upload.filename or "upload",
        data=data,
        suffix=PurePath(upload.filename).suffix if upload.filename else ".txt",
        issued=_parse_issued(options.get("issued"), "issued"),
        doc_type=_doc_type(options.get("doc_type")),
        number=options.get("number"),
        with_text=options.get("with_text", "").lower() in ("1", "true", "yes", "on"),
    )


_EXTRACT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ExtractRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [UPLOAD_FIELD],
                    "properties": {
                        UPLOAD_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": ".txt, .md, .docx, .doc, .pdf or .html; what it "
                            "is comes from its bytes, not its name",
                        },
                        "issued": {"type": "string", "description": "YYYY-MM-DD"},
                        "doc_type": {"type": "string"},
                        "number": {"type": "string"},
                        "with_text": {"type": "boolean"},
                    },
                }
            },
        },
    }
}
_ERROR = {"description": "An error: {\"error\": {\"code\", \"message\"}}"}


# -- the app --------------------------------------------------------------------

def create_app(
    register: TaskRegister | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
    timeout: float = DEFAULT_TIMEOUT,
) -> FastAPI:
    """The HTTP service; ``register`` adds ``GET /tasks`` and
    ``GET /documents/{id}``."""
    settings = Settings(max_bytes=max_bytes, max_characters=max_characters, timeout=timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vntasks-extract")
        app.state.executor = executor
        await asyncio.wrap_future(executor.submit(warm_up))
        try:
            yield
        finally:
            # A request that timed out may still be running: do not wait for it.
            executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="vntasks",
        version=__version__,
        description="Tasks, responsible bodies and deadlines from Vietnamese directives.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    _add_error_handlers(app)

    @app.get("/health", summary="Liveness, and whether the models are loaded")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "models_loaded": models_loaded(), "register": register is not None}

    @app.get("/health/ready", summary="200 once the models are loaded, else 503",
             responses={503: {"description": '{"ready": false}'}})
    async def ready() -> JSONResponse:
        if models_loaded():
            return JSONResponse({"ready": True})
        return JSONResponse({"ready": False}, status_code=503)

    @app.get("/version", summary="The program's and the record contract's versions")
    async def version() -> dict[str, Any]:
        from pipeline.export import SCHEMA_VERSION

        return {"name": "vntasks", "version": __version__, "schema_version": SCHEMA_VERSION,
                "limits": asdict(settings)}

    @app.post(
        "/extract",
        summary="Extract the tasks of one document (a file upload or JSON text)",
        description="Answers the record `vntasks extract` writes (see `vntasks schema`).",
        openapi_extra=_EXTRACT_BODY,
        responses={413: _ERROR, 415: _ERROR, 422: _ERROR, 503: _ERROR},
    )
    async def extract_document(request: Request) -> JSONResponse:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == "multipart/form-data":
            job = await _upload_job(request)
        elif media_type in ("application/json", ""):
            body = await request.body()
            if not body.strip():
                raise VntasksError("empty_request", "")
            job = await _json_job(request, body)
        else:
            raise VntasksError("media_type", "", media_type=media_type)
        future = request.app.state.executor.submit(run_job, job, settings)
        try:
            record = await asyncio.wait_for(asyncio.wrap_future(future), settings.timeout)
        except TimeoutError:
            future.cancel()
            raise VntasksError("server_timeout", "", limit=settings.timeout) from None
        return JSONResponse(record)

    if register is None:
        _add_register_placeholders(app)
    else:
        _add_register_routes(app, register)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    async def refused(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, VntasksError)
        return error_response(error)

    async def invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        reason = _validation_message(list(error.errors()), "query parameter")
        return error_response(VntasksError("bad_request", "", reason=reason))

    async def http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        if error.status_code == 404:
            refusal = VntasksError("no_route", request.url.path)
        elif error.status_code == 405:
            refusal = VntasksError("method_not_allowed", request.url.path, method=request.method)
        else:
            refusal = VntasksError("bad_request", "", reason=str(error.detail))
        response = error_response(refusal)
        response.status_code = error.status_code
        return response

    async def internal(request: Request, error: Exception) -> JSONResponse:
        # Starlette raises the error again after this answer, and the server
        # logs it with its traceback; the client gets no detail of it.
        return error_response(VntasksError("internal", ""))

    app.add_exception_handler(VntasksError, refused)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal)


def _add_register_placeholders(app: FastAPI) -> None:
    async def without_register(request: Request) -> JSONResponse:
        return error_response(VntasksError("no_register", ""))

    for path in ("/tasks", "/documents/{id}"):
        app.add_api_route(path, without_register, methods=["GET"], include_in_schema=False)


_TASK_FILTERS = frozenset({"body", "due_before", "overdue", "status", "document"})


def _add_register_routes(app: FastAPI, register: TaskRegister) -> None:
    # Plain functions: FastAPI runs them in its thread pool, so a register
    # that waits on a database does not hold up the event loop.
    @app.get("/tasks", summary="The register's tasks that pass every filter given",
             responses={422: _ERROR})
    def tasks(
        request: Request,
        body: Annotated[str | None, Query(description="A body that leads or supports it")] = None,
        due_before: Annotated[str | None, Query(description="Due before, YYYY-MM-DD")] = None,
        overdue: Annotated[bool, Query(description="Due before today and not done")] = False,
        status: Annotated[TaskStatus | None, Query(description="open, done, cancelled")] = None,
        document: Annotated[str | None, Query(description="Its document's id")] = None,
    ) -> dict[str, Any]:
        unknown = sorted(set(request.query_params) - _TASK_FILTERS)
        if unknown:
            raise VntasksError("bad_request", "", reason=f"unknown query parameter {unknown[0]!r}")
        found = register.tasks(
            body=body,
            due_before=_parse_issued(due_before, "due_before"),
            overdue=overdue,
            status=status,
            document=document,
        )
        return {"count": len(found), "tasks": found}

    @app.get("/documents/{id}", summary="A document of the register and its tasks",
             responses={404: _ERROR})
    def document(id: str) -> dict[str, Any]:
        try:
            found = register.document(id)
        except LookupError:  # pipeline.register.NotInRegister
            found = None
        if found is None:
            raise VntasksError("no_document", "", id=id)
        return found


def settings_from_environment() -> dict[str, Any]:
    """The keyword arguments of :func:`create_app` that ``vntasks serve``
    put in the environment."""
    return json.loads(os.environ.get(SETTINGS_VARIABLE, "{}"))


def app_from_environment() -> FastAPI:
    """The app of one server process that ``vntasks serve`` starts; with a
    ``db`` setting (``vntasks serve --db``) it serves that task register."""
    settings = settings_from_environment()
    db = settings.pop("db", None)
    if db is None:
        return create_app(**settings)
    from pipeline.register import Register

    return create_app(register=Register(db), **settings)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "info",
    settings: dict[str, Any] | None = None,
) -> None:
    """Run the service with uvicorn until interrupted: ``workers``
    processes, each built by :func:`app_from_environment` with ``settings``
    (keyword arguments of :func:`create_app`)."""
    import logging

    import uvicorn

    # The command line silences every library's logging (pipeline.quiet);
    # a server's log is where its errors must go.
    logging.disable(logging.NOTSET)
    os.environ[SETTINGS_VARIABLE] = json.dumps(settings or {})
    uvicorn.run("pipeline.server:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level=log_level)
