"""``vntasks serve``: start the HTTP service (:mod:`pipeline.server`) with
uvicorn. Only parses the options; the server processes read them from the
environment, since uvicorn starts each one by importing the app."""

from __future__ import annotations

from typing import Annotated

import typer


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="The port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", min=1,
            help="Server processes, each with its own models and one extraction at a time; "
            "one per core extracts on every core.",
        ),
    ] = 1,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-bytes", min=1,
            help="Refuse a request body (JSON, or an upload with its multipart framing) "
            "larger than this, with 413, before reading it whole (default: 20 MB, as extract).",
            show_default=False,
        ),
    ] = None,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars", min=1,
            help="Refuse a text longer than this many characters, with 413 "
            "(default: 1,000,000).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", min=0.001,
            help="Answer 503 when a request's extraction (its wait in the queue included) "
            "takes longer than this many seconds (default: 120).",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Serve GET /tasks and GET /documents/{id} from this task register "
            "(a SQLite path or a SQLAlchemy URL, as vntasks register --db).",
            show_default=False,
        ),
    ] = None,
    log_level: Annotated[
        str,
        typer.Option("--log-level", help="uvicorn's log level: debug, info, warning, error."),
    ] = "info",
) -> None:
    """Serve POST /extract, GET /health, /version and the OpenAPI page (/docs)
    over HTTP, with the language models loaded once at start-up."""
    from pipeline.server import serve

    given = {"max_bytes": max_bytes, "max_characters": max_chars, "timeout": timeout, "db": db}
    settings = {name: value for name, value in given.items() if value is not None}
    serve(host=host, port=port, workers=workers, log_level=log_level, settings=settings)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
