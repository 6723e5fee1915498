"""``vntasks review FILE -o review.html``: the review page for one directive,
the same page as ``vntasks extract FILE --format html``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def review_command(
    source: Annotated[
        str, typer.Argument(help="The directive to review ('-' reads standard input).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the page here instead of standard output."),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", help="Issue date YYYY-MM-DD, used where the text gives none."),
    ] = None,
) -> None:
    """Write a self-contained HTML page showing the text with tasks, lead and
    support bodies and deadlines highlighted, beside the table of records.
    Exit 0 on success, 1 when the input is refused, 2 on a usage error."""
    from pipeline.batch import extract_records
    from pipeline.cli.extract import parse_issued, report_summary
    from pipeline.formats import write_formatted

    outcomes = extract_records([source], issued=parse_issued(issued), with_text=True)
    report_summary(write_formatted(outcomes, "html", output))


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
