"""``vntasks annotations``: check gold files and move them to and from Label Studio.

Only typer and the standard library load at import; the work is done by
:mod:`pipeline.gold` and :mod:`pipeline.labelstudio`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

Files = Annotated[
    list[Path] | None,
    typer.Argument(help="Gold files [default: every *.json in the repo's annotations/]"),
]


def _files_or_default(files: list[Path] | None) -> list[Path]:
    from pipeline.gold import gold_files

    return list(files) if files else gold_files()


def validate_command(files: Files = None) -> None:
    """Check that every offset slices to its surface text and every value has its form."""
    from pipeline.gold import SharedFolderMissing, validate

    paths = _files_or_default(files)
    problems = 0
    try:
        for path in paths:
            for message in validate(path):
                typer.echo(message)
                problems += 1
    except SharedFolderMissing as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if problems:
        typer.echo(f"{problems} problem(s) in {len(paths)} file(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(paths)} file(s) valid")


def to_labelstudio_command(
    files: Files = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here [default: stdout]")
    ] = None,
) -> None:
    """Export gold files as Label Studio JSON tasks (one task per document)."""
    from pipeline.gold import SharedFolderMissing
    from pipeline.labelstudio import export_gold

    try:
        tasks = export_gold(_files_or_default(files))
    except SharedFolderMissing as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    text = json.dumps(tasks, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"{len(tasks)} task(s) written to {output}", err=True)


def from_labelstudio_command(
    source: Annotated[Path, typer.Argument(help="A Label Studio JSON export (list of tasks)")],
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-d", help="Folder for the <stem>.json gold files")
    ],
    overwrite: Annotated[bool, typer.Option(help="Replace existing gold files.")] = False,
) -> None:
    """Import Label Studio tasks back into vntasks-gold/1 files, validated."""
    from pipeline.gold import SharedFolderMissing, dump_gold, validate
    from pipeline.labelstudio import import_tasks

    data = json.loads(source.read_text(encoding="utf-8"))
    documents = import_tasks(data if isinstance(data, list) else [data])
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{Path(doc['document']['path']).stem}.json" for doc in documents]
    existing = [target for target in targets if target.exists()]
    if existing and not overwrite:
        typer.echo(f"error: {existing[0]} exists; pass --overwrite to replace", err=True)
        raise typer.Exit(1)
    problems = 0
    for document, target in zip(documents, targets, strict=True):
        dump_gold(document, target)
        try:
            messages = validate(target)
        except SharedFolderMissing as error:
            typer.echo(f"warning: not validated: {error}", err=True)
            messages = []
        for message in messages:
            typer.echo(message)
        problems += len(messages)
    typer.echo(f"{len(documents)} file(s) written to {out_dir}", err=True)
    if problems:
        raise typer.Exit(1)


def from_review_command(
    source: Annotated[
        Path, typer.Argument(help="A review file saved by the review page (vntasks-review/1)")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-d", help="Folder for the <stem>.json gold files")
    ],
    kind: Annotated[
        str | None,
        typer.Option(help="The gold document kind (default: from the document type)"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing gold files.")] = False,
) -> None:
    """Turn the decisions saved by the review page into gold files.

    Accepted and corrected records become vntasks-gold/1 tasks; rejected
    and unreviewed ones are left out. Score them with
    `vntasks evaluate --annotations DIR --part all`."""
    from pipeline.cli.options import usage_error
    from pipeline.errors import VntasksError
    from pipeline.gold import shared_dir
    from pipeline.output import check_target, write_atomically
    from pipeline.review import load_review, to_gold

    try:
        review = load_review(source)
        converted = [
            to_gold(entry, kind=kind, reviewed_at=review.get("reviewed_at") or "",
                    shared=shared_dir(required=False))
            for entry in review["documents"]
        ]
        targets = [out_dir / f"{item.stem}.json" for item in converted]
        for target in targets:
            check_target(target, [], force=force, resume=False, lines=False)
    except (OSError, ValueError, VntasksError) as error:
        usage_error(str(error))
    invalid = 0
    for item, target in zip(converted, targets, strict=True):
        for problem in item.problems:
            typer.echo(f"warning: {item.stem}: {problem}", err=True)
        for problem in item.invalid:
            typer.echo(f"error: {item.stem}: {problem}", err=True)
        if item.invalid:
            invalid += 1
            continue
        text = json.dumps(item.gold, ensure_ascii=False, indent=2) + "\n"
        write_atomically(target, lambda stream, text=text: stream.write(text))
        counts = item.counts
        typer.echo(
            f"{target}: {len(item.gold['tasks'])} task(s) ({counts['accepted']} accepted, "
            f"{counts['corrected']} corrected; {counts['rejected']} rejected, "
            f"{counts['unreviewed']} not reviewed)",
            err=True,
        )
    if invalid:
        raise typer.Exit(1)


def draw_command(
    sources: Annotated[Path, typer.Argument(help="A corpus's SOURCES.tsv (file, type, bytes)")],
    seed: Annotated[int, typer.Option(help="The seed that orders each type's files")],
    stratum: Annotated[
        list[str], typer.Option("--type", "-t", help="A document type to draw from (repeat)")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The draw table to write")],
    max_bytes: Annotated[
        int | None, typer.Option(help="Mark files over this size 'over-size'")
    ] = None,
) -> None:
    """Order a corpus's documents at random (fixed seed), per type, dealt to test and dev.

    Run it before reading any of the documents: annotators then take each
    part's candidates in the table's order and record in its outcome column
    why any was passed over.
    """
    import shlex

    from pipeline.sampling import draw, read_sources, write_draw

    candidates = draw(read_sources(sources), seed, stratum, max_bytes=max_bytes)
    command = ["vntasks", "annotations", "draw", str(sources), "--seed", str(seed)]
    for name in stratum:
        command += ["--type", name]
    if max_bytes is not None:
        command += ["--max-bytes", str(max_bytes)]
    command += ["--output", str(output)]
    write_draw(candidates, output, "made by: " + shlex.join(command))
    typer.echo(f"{len(candidates)} candidate(s) written to {output}", err=True)


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        help="Gold annotations: draw, validate, Label Studio import/export, review decisions."
    )
    sub.command("draw")(draw_command)
    sub.command("validate")(validate_command)
    sub.command("to-labelstudio")(to_labelstudio_command)
    sub.command("from-labelstudio")(from_labelstudio_command)
    sub.command("from-review")(from_review_command)
    app.add_typer(sub, name="annotations")
