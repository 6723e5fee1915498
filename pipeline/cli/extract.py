"""``vntasks extract FILE…``: task records as JSON (one input) or JSON Lines,
or, with ``--format``, as a table (csv, xlsx), a calendar (ics) or a review
page (html)."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from enum import StrEnum
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pipeline.batch import Summary


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"
    html = "html"


def parse_issued(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        typer.echo(f"error: --issued must be a date written YYYY-MM-DD, got {value!r}", err=True)
        raise typer.Exit(code=2) from None


def extract_command(
    inputs: Annotated[list[str], typer.Argument(help="Files to read ('-' reads standard input).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", help="Issue date YYYY-MM-DD, used where the text gives none."),
    ] = None,
    doc_type: Annotated[
        str | None,
        typer.Option(
            "--doc-type",
            help="The document's type (Kế hoạch, Công văn …), replacing what is read.",
        ),
    ] = None,
    number: Annotated[
        str | None,
        typer.Option(
            "--number", help="The document's number (88/CV-BCĐ), replacing what is read."
        ),
    ] = None,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="Include the text as read in each record.")
    ] = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="JSON Lines even for a single input.")
    ] = False,
    max_bytes: Annotated[
        int | None,
        typer.Option("--max-bytes", help="Refuse input files larger than this (default 20 MB)."),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="json (one object, JSON Lines for several inputs), jsonl, csv, xlsx, ics, "
            "or html (the review page). Every format but json/jsonl holds all inputs "
            "in one table, calendar or page.",
        ),
    ] = OutputFormat.json,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", min=1,
            help="Processes to extract with (default: the number of cores); "
            "Dask workers to start with --engine dask.",
        ),
    ] = os.cpu_count() or 1,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Skip documents already in the -o JSON Lines file (by text hash) "
            "and append the rest.",
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option("--engine", help="local (a process pool) or dask (a local Dask cluster)."),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="A Dask scheduler (tcp://HOST:PORT) to run the batch on."
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar and summary on standard error (default: when it is a terminal).",
        ),
    ] = None,
) -> None:
    """Extract every task of each directive. Exit 0 when every input gave
    records, 1 when some failed (the others are still written), 2 on a usage error."""
    from pipeline.batch import (
        expand_inputs,
        extract_records,
        write_atomically,
        write_lines_file,
        write_records,
    )
    from pipeline.progress import progress_bar, summary_line, wanted

    issue_date = parse_issued(issued)
    documents = len(expand_inputs(inputs))
    formatted = output_format not in (OutputFormat.json, OutputFormat.jsonl)
    if formatted and jsonl:
        usage_error(f"--jsonl is for JSON, not --format {output_format.value}")
    if resume and (output is None or formatted):
        usage_error("--resume needs JSON Lines written to a file with -o")
    if (engine is Engine.dask or scheduler) and find_spec("distributed") is None:
        usage_error("the dask engine needs the 'dask' extra: pip install 'vntasks[dask]'")
    run = {
        "issued": issue_date,
        "doc_type": doc_type,
        "number": number,
        "max_bytes": max_bytes,
        # A pool for one document would only add its start-up time.
        "workers": workers if engine is Engine.dask else min(workers, documents),
        "engine": engine.value,
        "scheduler": scheduler,
    }
    show = wanted(progress)
    started = time.perf_counter()
    with progress_bar(documents, show) as observe:
        if formatted:
            from pipeline.formats import FORMATS, write_formatted

            chosen = FORMATS[output_format.value]
            outcomes = extract_records(inputs, with_text=with_text or chosen.needs_text, **run)
            summary = write_formatted(observe(outcomes), chosen.name, output)
        else:
            # A directory is several documents: JSON Lines, as for several files.
            as_lines = jsonl or resume or output_format is OutputFormat.jsonl or documents > 1
            if output is not None and as_lines:
                summary = write_lines_file(
                    output, inputs, resume=resume, observe=observe, with_text=with_text, **run
                )
            else:
                outcomes = observe(extract_records(inputs, with_text=with_text, **run))
                if output is None:
                    summary = write_records(outcomes, sys.stdout, as_lines)
                else:
                    summary = write_atomically(
                        output, lambda stream: write_records(outcomes, stream, as_lines)
                    )
    if show:
        typer.echo(summary_line(summary, time.perf_counter() - started), err=True)
    report_summary(summary)


def usage_error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def report_summary(summary: Summary) -> None:
    """Name every failed input on standard error; exit 1 if there was one."""
    from pipeline.batch import exit_status, failure_report

    for line in failure_report(summary):
        typer.echo(line, err=True)
    status = exit_status(summary)
    if status:
        raise typer.Exit(code=status)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
