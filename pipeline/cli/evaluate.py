"""``vntasks evaluate``: score the pipeline (or saved predictions) against gold.

Thin by design: options are parsed here and the work is done by
:func:`pipeline.evaluate.run_evaluation`, which a notebook can call too. Only
typer and the standard library load at import, so ``vntasks --help`` stays fast.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer


class Part(enum.StrEnum):
    dev = "dev"
    test = "test"
    old_test = "old-test"
    all = "all"


class Mode(enum.StrEnum):
    lenient = "lenient"
    strict = "strict"


def evaluate_command(
    annotations: Annotated[
        Path | None,
        typer.Option(help="Folder of gold files and split.tsv [default: the repo's annotations/]"),
    ] = None,
    part: Annotated[
        Part, typer.Option(help="Part of the split; rules are tuned on dev only.")
    ] = Part.dev,
    mode: Annotated[Mode, typer.Option(help="Task matching rule.")] = Mode.lenient,
    predictions: Annotated[
        Path | None,
        typer.Option(help="Folder of saved contract-v1 <stem>.json files instead of running."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="Also list every miss, false alarm and wrong field.")
    ] = False,
) -> None:
    """Precision, recall and F1 per field, per document and per document kind."""
    from pipeline.gold import SharedFolderMissing

    if predictions is not None and not predictions.is_dir():
        typer.echo(f"error: predictions folder not found: {predictions}", err=True)
        raise typer.Exit(2)
    try:
        from pipeline.evaluate import run_evaluation

        report = run_evaluation(annotations, part.value, mode.value, predictions)
    except SharedFolderMissing as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except (OSError, ValueError) as error:
        # A missing split.tsv or a malformed gold/prediction file: name it, no traceback.
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except ImportError as error:
        # Without --predictions the pipeline must run; say so instead of a traceback.
        typer.echo(f"error: cannot run the pipeline ({error}); use --predictions DIR", err=True)
        raise typer.Exit(2) from None

    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report, part.value, errors)


def _print_report(report, part: str, with_errors: bool) -> None:
    import pandas as pd

    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format
    ):
        typer.echo(f"# {part} part, {report.mode} matching\n")
        typer.echo("## Per document (F1)")
        typer.echo(report.per_document.to_string())
        typer.echo("\n## Totals (micro)")
        typer.echo(report.totals.to_string())
        typer.echo("\n## Document fields")
        typer.echo(report.metadata_scores.to_string())
        typer.echo("\n## Per document kind (F1)")
        typer.echo(report.per_kind.to_string())
        typer.echo("\n## Deadline kinds (gold rows, predicted columns)")
        typer.echo(report.deadline_confusion.to_string())
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if with_errors:
        typer.echo(f"\n## Errors ({len(report.errors)})")
        for item in report.errors:
            where = f"[{item.span[0]}:{item.span[1]}]" if item.span else ""
            typer.echo(f"\n{item.document} {where} {item.error}: {item.description}")
            typer.echo(f"  gold:      {item.gold}")
            typer.echo(f"  predicted: {item.predicted}")
            if item.context:
                typer.echo(f"  context:   {item.context}")


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
