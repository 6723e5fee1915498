"""``vntasks extract FILE…``: task records as JSON (one input) or JSON Lines."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def _parse_issued(value: str | None) -> date | None:
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
) -> None:
    """Extract every task of each directive. Exit 0 when every input gave
    records, 1 when some failed (the others are still written), 2 on a usage error."""
    from pipeline.batch import extract_records, write_atomically, write_records

    issue_date = _parse_issued(issued)
    as_lines = jsonl or len(inputs) > 1
    outcomes = extract_records(inputs, issued=issue_date, with_text=with_text)
    if output is None:
        summary = write_records(outcomes, sys.stdout, as_lines)
    else:
        summary = write_atomically(output, lambda stream: write_records(outcomes, stream, as_lines))
    for failed in summary.failed:
        typer.echo(f"error: {failed.error}", err=True)
    if summary.failed:
        if len(inputs) > 1:
            typer.echo(
                f"{summary.ok} of {summary.ok + len(summary.failed)} documents extracted; "
                f"failed: {', '.join(f.source for f in summary.failed)}",
                err=True,
            )
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
