"""``vntasks extract FILE…``: task records as JSON (one input) or JSON Lines,
or, with ``--format``, as a table (csv, xlsx), a calendar (ics) or a review
page (html)."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pipeline.batch import Summary


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
) -> None:
    """Extract every task of each directive. Exit 0 when every input gave
    records, 1 when some failed (the others are still written), 2 on a usage error."""
    from pipeline.batch import expand_inputs, extract_records, write_atomically, write_records

    issue_date = parse_issued(issued)
    documents = len(expand_inputs(inputs))
    if output_format not in (OutputFormat.json, OutputFormat.jsonl):
        if jsonl:
            typer.echo(f"error: --jsonl is for JSON, not --format {output_format.value}", err=True)
            raise typer.Exit(code=2)
        from pipeline.formats import FORMATS, write_formatted

        chosen = FORMATS[output_format.value]
        outcomes = extract_records(
            inputs, issued=issue_date, with_text=with_text or chosen.needs_text,
            max_bytes=max_bytes,
        )
        report_summary(write_formatted(outcomes, chosen.name, output))
        return
    # A directory is several documents: JSON Lines, as for several files.
    as_lines = jsonl or output_format is OutputFormat.jsonl or documents > 1
    outcomes = extract_records(inputs, issued=issue_date, with_text=with_text, max_bytes=max_bytes)
    if output is None:
        summary = write_records(outcomes, sys.stdout, as_lines)
    else:
        summary = write_atomically(output, lambda stream: write_records(outcomes, stream, as_lines))
    report_summary(summary)


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
