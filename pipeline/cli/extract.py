"""``vntasks extract FILE…``: task records as JSON (one input), a JSON array
or JSON Lines, or as a table (csv, xlsx), a calendar (ics) or a review page
(html), the format given by ``--format`` or the ``-o`` extension.

Thin on purpose: where the output goes and whether that is safe is decided
by :func:`pipeline.output.plan_output` before any document is read; the
work is :func:`pipeline.batch.write_outputs`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from importlib.util import find_spec
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.options import (
    OcrMaxPagesOption,
    OcrMode,
    OcrModeOption,
    OcrTimeoutOption,
    ocr_options,
    parse_doc_type,
    parse_issued,
    usage_error,
)

if TYPE_CHECKING:
    from pipeline.batch import Summary
    from pipeline.output import Plan


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class Language(StrEnum):
    en = "en"
    vi = "vi"


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"
    html = "html"


def extract_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders to read ('-' reads standard input): .txt, .md, .docx, "
            ".doc (with LibreOffice), .pdf, .html, and scans (.png .jpg .tif, image-only "
            ".pdf) read by OCR; what a file is comes from its bytes, not its name."
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o",
            help="Write here instead of standard output. The extension gives the format "
            "(.json .jsonl .csv .xlsx .ics .html) unless --format does. A folder (an existing "
            "one, or a name ending in /) gets one file per input.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing -o file (never an input or a device)."),
    ] = False,
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
        bool, typer.Option("--jsonl", help="JSON Lines even for a single input (= -f jsonl).")
    ] = False,
    max_bytes: Annotated[
        int | None,
        typer.Option("--max-bytes", help="Refuse input files larger than this (default 20 MB)."),
    ] = None,
    max_unpacked_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-unpacked-bytes",
            help="Refuse a .docx whose parts unpack to more bytes than this (default 200 MB).",
        ),
    ] = None,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            help="Refuse a document whose text, as read, is longer than this many "
            "characters (default 2,000,000; the longest directive seen has about 612,000).",
        ),
    ] = None,
    max_pages: Annotated[
        int | None,
        typer.Option("--max-pages", help="Refuse a PDF of more pages than this (default 2,000)."),
    ] = None,
    timeout_per_doc: Annotated[
        float | None,
        typer.Option(
            "--timeout-per-doc",
            help="Stop a document that takes longer than this many seconds and write its "
            "error line instead (default: no limit; not applied on Dask workers).",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="json (one object; one array for several inputs), jsonl (one document a "
            "line), csv, xlsx, ics, or html (the review page). Default: from the -o "
            "extension; on standard output one JSON object, or JSON Lines for several "
            "inputs. csv, xlsx, ics and html hold all inputs in one table, calendar or page.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of csv/xlsx column headers and of the review page's labels "
            "(default: en for csv/xlsx, whose headers machines read; vi for html).",
            show_default=False,
        ),
    ] = None,
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
            help="Skip documents already in the -o JSON Lines file (by source and text hash) "
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
    summary_only: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="With -o: print a short summary (documents, tasks, where the output is) "
            "on standard output.",
        ),
    ] = False,
    ocr: OcrModeOption = OcrMode.auto,
    ocr_max_pages: OcrMaxPagesOption = None,
    ocr_timeout: OcrTimeoutOption = None,
) -> None:
    """Extract every task of each directive. Exit 0 when every input gave
    records, 1 when some failed (the others are still written) or the output
    could not be written, 2 on a usage error (nothing is read then), 130 when
    interrupted."""
    from pipeline.batch import expand_inputs, write_outputs
    from pipeline.errors import VntasksError
    from pipeline.output import plan_output
    from pipeline.progress import progress_bar, summary_line, wanted

    issue_date = parse_issued(issued)
    doc_type = parse_doc_type(doc_type)
    sources = [source for source, _ in expand_inputs(inputs)]
    given = output_format.value if output_format is not None else None
    if jsonl:
        if given not in (None, "jsonl"):
            usage_error(f"--jsonl is for JSON, not --format {given}")
        given = "jsonl"
    if summary_only and output is None:
        usage_error("--summary needs -o: the records go to the file, the summary here")
    try:
        plan = plan_output(inputs, sources, output, given, force=force, resume=resume)
    except VntasksError as error:
        usage_error(str(error))
    if (engine is Engine.dask or scheduler) and find_spec("distributed") is None:
        usage_error("the dask engine needs the 'dask' extra: pip install 'vntasks[dask]'")
    if engine is Engine.dask or scheduler:
        from pipeline.parallel import dask_unreachable

        unreachable = dask_unreachable(scheduler)
        if unreachable is not None:
            typer.echo(f"error: {unreachable}", err=True)
            raise typer.Exit(code=1)
    # A pool for one document would only add its start-up time.
    document_workers = workers if engine is Engine.dask else min(workers, len(sources))
    show = wanted(progress)
    run = {
        "issued": issue_date,
        "doc_type": doc_type,
        "number": number,
        "max_bytes": max_bytes,
        "max_unpacked_bytes": max_unpacked_bytes,
        "max_chars": max_chars,
        "max_pages": max_pages,
        "timeout": timeout_per_doc,
        "workers": document_workers,
        "engine": engine.value,
        "scheduler": scheduler,
        # The cores the documents leave free recognise a scan's pages; a page
        # bar only where one process reads, so bars of workers never mix.
        "ocr": ocr_options(
            ocr, ocr_max_pages, ocr_timeout, workers // max(1, document_workers),
            progress=show and document_workers <= 1,
        ),
    }
    started = time.perf_counter()
    with interruption(plan), unwritable_output(plan):
        with progress_bar(len(sources), show) as observe:
            summary = write_outputs(
                plan, inputs, resume=resume, observe=observe, with_text=with_text,
                lang=lang.value if lang is not None else None, **run,
            )
    if show:
        typer.echo(summary_line(summary, time.perf_counter() - started), err=True)
    if summary_only:
        from pipeline.progress import result_lines

        typer.echo("\n".join(result_lines(plan, summary)))
    report_summary(summary)


@contextmanager
def interruption(plan: Plan) -> Iterator[None]:
    """Ctrl-C: one line saying what was kept, and exit 130 (128 + SIGINT,
    as shells report it)."""
    from pipeline.batch import interrupted_note

    try:
        yield
    except KeyboardInterrupt:
        typer.echo(f"interrupted: {interrupted_note(plan)}", err=True)
        raise typer.Exit(code=130) from None


@contextmanager
def unwritable_output(plan: Plan) -> Iterator[None]:
    """An output that fails while being written (a full disk, a folder made
    read-only meanwhile): one line and exit 1; the old file is kept. A
    reader of standard output that stopped early (``| head``) is no error:
    exit 141 (128 + SIGPIPE) without a word, as other Unix tools do."""
    try:
        yield
    except OSError as error:
        if isinstance(error, BrokenPipeError) and plan.file is None and plan.folder is None:
            # Later flushes of the closed stream would fail again at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(code=141) from None
        from pipeline.output import describe_failure

        typer.echo(f"error: {describe_failure(error, plan.file)}", err=True)
        raise typer.Exit(code=1) from None


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
