"""``vntasks deadline PHRASE… --issued YYYY-MM-DD``: read phrases one by one.

Thin on purpose: parsing options here, the work in
:func:`pipeline.deadlines.parse_deadline`, imported only when the command
runs so that ``vntasks --help`` stays fast.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from pipeline.cli.options import parse_issued


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def deadline(
    phrases: Annotated[list[str], typer.Argument(help="Deadline phrases, one per argument.")],
    issued: Annotated[
        str | None, typer.Option("--issued", help="The document's issue date, YYYY-MM-DD.")
    ] = None,
) -> None:
    """Print how each deadline phrase is read, one JSON object per line."""
    issue_date = parse_issued(issued)
    from pipeline.deadlines import parse_deadline

    for phrase in phrases:
        value = parse_deadline(phrase, issue_date)
        row = {
            "text": phrase,
            "kind": value.kind,
            "due": _iso(value.due),
            "start": _iso(value.start),
            "rrule": value.rrule,
            "warnings": list(value.warnings),
        }
        typer.echo(json.dumps(row, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add the ``deadline`` command to ``app``."""
    app.command("deadline")(deadline)
