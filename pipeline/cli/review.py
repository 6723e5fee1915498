"""``vntasks review FILE -o review.html``: the review page for one directive,
the same page as ``vntasks extract FILE --format html``."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pipeline.cli.extract import Language, interruption, report_summary, unwritable_output
from pipeline.cli.options import (
    OcrMaxPagesOption,
    OcrMode,
    OcrModeOption,
    OcrTimeoutOption,
    ocr_options,
    parse_issued,
    usage_error,
)


def review_command(
    source: Annotated[
        str, typer.Argument(help="The directive to review ('-' reads standard input).")
    ],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the page here instead of standard output."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing -o file.")
    ] = False,
    issued: Annotated[
        str | None,
        typer.Option("--issued", help="Issue date YYYY-MM-DD, used where the text gives none."),
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the page's labels.")
    ] = Language.vi,
    summary_only: Annotated[
        bool,
        typer.Option("--summary", help="With -o: print where the page is and what it holds."),
    ] = False,
    ocr: OcrModeOption = OcrMode.auto,
    ocr_max_pages: OcrMaxPagesOption = None,
    ocr_timeout: OcrTimeoutOption = None,
) -> None:
    """Write a self-contained HTML page showing the text with tasks, lead and
    support bodies and deadlines highlighted, beside the table of records,
    where a reviewer accepts, rejects or corrects each record and saves the
    decisions as a file (read back by `vntasks annotations from-review`).
    Exit 0 on success, 1 when the input is refused, 2 on a usage error."""
    from pipeline.batch import write_outputs
    from pipeline.errors import VntasksError
    from pipeline.output import plan_output

    issue_date = parse_issued(issued)
    if summary_only and output is None:
        usage_error("--summary needs -o: the page goes to the file, the summary here")
    try:
        plan = plan_output([source], [source], output, "html", force=force)
    except VntasksError as error:
        usage_error(str(error))
    with interruption(plan), unwritable_output(plan):
        # One document: every core may recognise its pages.
        scan = ocr_options(ocr, ocr_max_pages, ocr_timeout, os.cpu_count() or 1)
        summary = write_outputs(plan, [source], issued=issue_date, lang=lang.value, ocr=scan)
    if summary_only:
        from pipeline.progress import result_lines

        typer.echo("\n".join(result_lines(plan, summary)))
    report_summary(summary)


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
