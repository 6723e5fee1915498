"""``vntasks evaluate``: score the pipeline (or saved predictions) against gold.

Thin by design: options are parsed here and the work is done by
:func:`pipeline.evaluate.run_evaluation` and :mod:`pipeline.ledger`, which a
notebook can call too. Only typer and the standard library load at import, so
``vntasks --help`` stays fast.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
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
        typer.Option(help="Folder of gold files and split.tsv (default: the repo's annotations/)"),
    ] = None,
    part: Annotated[
        Part | None,
        typer.Option(
            help="Part of the split (default: dev); rules are tuned on dev only. "
            "Not with --save-baseline/--against, which always cover dev, test and old-test.",
            show_default=False,
        ),
    ] = None,
    mode: Annotated[
        Mode | None,
        typer.Option(
            help="lenient: a predicted task matches a gold task when their descriptions share "
            "most of their syllables (F1 >= 0.5), and bodies are right when their names "
            "mostly agree (F1 >= 0.6); strict: the predicted span must be the gold span "
            "exactly and body names the same, each written out. Default: lenient. Not with "
            "--save-baseline/--against, which keep both modes and gate on lenient.",
            show_default=False,
        ),
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            help="Score saved records instead of running the pipeline: a folder of "
            "<stem>.json files, or the JSON Lines (or JSON) file 'vntasks extract' wrote.",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the report as JSON (vntasks-evaluation/1): part, mode, totals and "
            "per document every field's tp, fp, fn, precision, recall, f1; null where "
            "there is nothing to divide by.",
        ),
    ] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="Also list every miss, false alarm and wrong field.")
    ] = False,
    save_baseline: Annotated[
        Path | None,
        typer.Option(
            "--save-baseline",
            metavar="FILE",
            help="Evaluate dev, test and old-test and write the regression ledger "
            "(per-document counts; dev records with their rule ids) to FILE.",
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="FILE",
            help="Evaluate dev, test and old-test and print what moved since the ledger FILE; "
            "exit 1 when a dev document got worse (lenient). With --save-baseline too, "
            "the new ledger is written after the comparison.",
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 per field, per document and per document kind,
    against the gold annotations.

    Fields: task (the task was found), lead and support (its chủ trì and
    phối hợp bodies are right), deadline (its due date, or its kind when the
    gold has no date), record (lead and deadline both right), metadata (the
    document's type, number, issuer, signer and issue date).

    Columns: gold and predicted are the documents' task counts; tp (found and
    right), fp (predicted but not in the gold, or wrong), fn (in the gold but
    missed or wrong); precision = tp/(tp+fp), recall = tp/(tp+fn), f1 =
    2tp/(2tp+fp+fn); accuracy = right among the matched tasks only
    (matched_right/matched). Empty where there is nothing to divide by.
    """
    if predictions is not None and not predictions.exists():
        typer.echo(f"error: predictions not found: {predictions}", err=True)
        raise typer.Exit(2)
    if save_baseline is not None or against is not None:
        given = [
            name
            for name, value in (("--part", part), ("--mode", mode), ("--json", as_json))
            if value
        ]
        given += ["--errors"] if errors else []
        if given:
            typer.echo(
                f"error: {', '.join(given)} does not combine with --save-baseline/--against: "
                "the ledger always covers dev, test and old-test in both modes",
                err=True,
            )
            raise typer.Exit(2)
        _ledger(annotations, predictions, save_baseline, against)
        return

    part = part or Part.dev
    mode = mode or Mode.lenient
    with _usage_errors():
        from pipeline.evaluate import run_evaluation

        report = run_evaluation(annotations, part.value, mode.value, predictions)

    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report, part.value, errors)


@contextmanager
def _usage_errors() -> Iterator[None]:
    """Turn the failures a user can fix into one line on stderr and exit 2."""
    from pipeline.gold import SharedFolderMissing

    try:
        yield
    except SharedFolderMissing as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except (OSError, ValueError) as error:
        # A missing split.tsv or a malformed gold/prediction/ledger file: name it, no traceback.
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except ImportError as error:
        # Without --predictions the pipeline must run; say so instead of a traceback.
        typer.echo(f"error: cannot run the pipeline ({error}); use --predictions DIR", err=True)
        raise typer.Exit(2) from None


def _ledger(
    annotations: Path | None,
    predictions: Path | None,
    save_to: Path | None,
    against: Path | None,
) -> None:
    with _usage_errors():
        from pipeline import ledger

        # Read first: a wrong path should fail before the pipeline runs.
        baseline = None if against is None else ledger.load_ledger(against)
        lenient, strict = ledger.evaluate_parts(annotations, predictions)
        current = ledger.build_ledger(lenient, strict)
        if save_to is not None:
            ledger.save_ledger(current, save_to)
    for part, report in lenient.items():
        for warning in report.warnings:
            typer.echo(f"warning: {part}: {warning}", err=True)
    if save_to is not None:
        sizes = ", ".join(
            f"{part} {len(entry['documents'])}" for part, entry in current["parts"].items()
        )
        typer.echo(f"ledger written to {save_to} (documents: {sizes})", err=baseline is not None)
    if baseline is None:
        return
    comparison = ledger.compare(baseline, current)
    typer.echo(ledger.format_comparison(comparison), nl=False)
    if comparison.regressions("dev"):
        raise typer.Exit(1)


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
