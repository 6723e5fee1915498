"""``vntasks register …``: the task register across directives
(:mod:`pipeline.register`). Each command parses its options and calls the
library; the database is ``--db`` (a path for SQLite, or a SQLAlchemy URL),
else ``$VNTASKS_DB``, else ``vntasks.db`` in the current folder."""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.options import parse_issued, usage_error

if TYPE_CHECKING:

    from pipeline.register import Register

app = typer.Typer(
    name="register",
    help="The task register: documents and tasks across directives, in SQLite or PostgreSQL.",
    no_args_is_help=True,
)


class TaskFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    jira = "jira"
    github = "github"


class Status(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class Role(StrEnum):
    lead = "lead"
    support = "support"


Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The register: a SQLite file, or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db (default: $VNTASKS_DB, else vntasks.db here).",
        show_default=False,
    ),
]
Today = Annotated[
    str | None,
    typer.Option("--today", help="The day overdue is counted from, YYYY-MM-DD (default: today)."),
]


def _open(db: str | None) -> Register:
    from pipeline.register import DEFAULT_DB, Register, RegisterError

    try:
        return Register(db or os.environ.get("VNTASKS_DB") or DEFAULT_DB)
    except RegisterError as error:
        usage_error(str(error))
    except Exception as error:  # noqa: BLE001 - any driver's connection error
        typer.echo(f"error: cannot open the register: {error}", err=True)
        raise typer.Exit(code=1) from None


def _emit(data: bytes, output: str | None, force: bool) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from pipeline.errors import VntasksError
    from pipeline.output import check_target, write_atomically

    target = Path(output)
    try:
        check_target(target, (), force=force, resume=False, lines=False)
    except VntasksError as error:
        usage_error(str(error))

    def write(stream) -> None:  # noqa: ANN001 - the text stream write_atomically gives
        stream.flush()
        stream.buffer.write(data)

    write_atomically(target, write)


@app.command("add")
def add_command(
    inputs: Annotated[list[str], typer.Argument(help="Files or folders, as for vntasks extract.")],
    db: Db = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help="Store the one input under this document key (default: its document.id), "
            "so an edited copy becomes a new version of the document stored under it.",
        ),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", help="Issue date YYYY-MM-DD, used where the text gives none."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=1, help="Processes to extract with "
                     "(default: the number of cores)."),
    ] = os.cpu_count() or 1,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress",
                     help="Progress bar on standard error (default: when it is a terminal)."),
    ] = None,
) -> None:
    """Extract FILES and store their documents and tasks; a document already
    there with the same text is left as it is, an edited one becomes a new
    version."""
    from pipeline.batch import expand_inputs
    from pipeline.cli.extract import report_summary
    from pipeline.progress import progress_bar, summary_line, wanted
    from pipeline.register import add_files, add_report

    sources = [source for source, _ in expand_inputs(inputs)]
    if key is not None and len(sources) != 1:
        usage_error("--key names one document: give one input with it")
    issue_date = parse_issued(issued, "--issued")
    register = _open(db)
    show = wanted(progress)
    started = time.perf_counter()
    with register, progress_bar(len(sources), show) as observe:
        summary, added = add_files(
            register, inputs, key=key, observe=observe, issued=issue_date,
            workers=min(workers, max(len(sources), 1)),
        )
    if show:
        typer.echo(summary_line(summary, time.perf_counter() - started), err=True)
    typer.echo("\n".join(add_report(added, summary.skipped)))
    report_summary(summary)


@app.command("tasks")
def tasks_command(
    db: Db = None,
    body: Annotated[
        str | None,
        typer.Option("--body", help="Tasks of a body (lead or support) whose name or canonical "
                     "name contains this, case and diacritics ignored."),
    ] = None,
    role: Annotated[
        Role | None, typer.Option("--role", help="With --body: only as lead, or only as support.")
    ] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Due on or before this day, YYYY-MM-DD.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Open tasks due before today (or --today).")
    ] = False,
    status: Annotated[Status | None, typer.Option("--status", help="open, done or cancelled.")]
    = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Tasks of one document (its key).")
    ] = None,
    removed: Annotated[
        bool, typer.Option("--removed", help="Include tasks a newer version removed.")
    ] = False,
    today: Today = None,
    output_format: Annotated[
        TaskFormat,
        typer.Option("--format", "-f", help="table (a line per task), json, csv, xlsx, jira "
                     "(Jira's CSV import) or github (gh issue create commands)."),
    ] = TaskFormat.table,
    lang: Annotated[
        str, typer.Option("--lang", help="Headers of csv and xlsx: en or vi.")
    ] = "en",
    repo: Annotated[
        str | None, typer.Option("--repo", help="With -f github: the OWNER/NAME repository.")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write here, not to standard output.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
) -> None:
    """The register's tasks, filtered (every filter given must hold)."""
    from pipeline.register import render_tasks

    if lang not in ("en", "vi"):
        usage_error("--lang is en or vi")
    if output_format is TaskFormat.xlsx and output is None:
        usage_error("-f xlsx needs -o FILE.xlsx")
    day = parse_issued(today, "--today")
    before = parse_issued(due_before, "--due-before")
    with _open(db) as register:
        found = register.tasks(
            body=body, role=role.value if role else None, due_before=before, overdue=overdue,
            status=status.value if status else None, document=document, today=day,
            include_removed=removed,
        )
        data = render_tasks(register, found, output_format.value, lang=lang, repo=repo)
    _emit(data, output, force)


@app.command("bodies")
def bodies_command(db: Db = None, today: Today = None, json_output: Annotated[
    bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Each body with its open, overdue, done and cancelled tasks."""
    day = parse_issued(today, "--today")
    with _open(db) as register:
        counts = register.bodies(today=day)
    if json_output:
        typer.echo(json.dumps([
            {"body": c.name, "open": c.open, "overdue": c.overdue, "done": c.done,
             "cancelled": c.cancelled} for c in counts
        ], ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'open':>5} {'overdue':>7} {'done':>5} {'cancelled':>9}  body")
    for c in counts:
        typer.echo(f"{c.open:>5} {c.overdue:>7} {c.done:>5} {c.cancelled:>9}  {c.name}")


@app.command("documents")
def documents_command(db: Db = None, json_output: Annotated[
    bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Every document in the register, with its version and current tasks."""
    with _open(db) as register:
        found = register.documents()
    if json_output:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for d in found:
        kind = "report of " if d["reported"] else ""
        typer.echo(f"{d['key']}  v{d['version']}  {d['tasks']:>3} tasks  {kind}"
                   f"{d['doc_type'] or '-'} {d['number'] or '-'}  {d['issued_date'] or '-'}  "
                   f"{d['source']}")


@app.command("document")
def document_command(
    key: Annotated[str, typer.Argument(help="The document's key (register documents).")],
    db: Db = None,
    today: Today = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """One document: its versions, tasks, and links both ways."""
    from pipeline.register import RegisterError

    day = parse_issued(today, "--today")
    with _open(db) as register:
        try:
            found = register.document(key, today=day)
        except RegisterError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=1) from None
    if json_output:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    kind = " (a news report)" if found["reported"] else ""
    typer.echo(f"{found['key']}: {found['doc_type'] or '-'} {found['number'] or '-'}{kind}, "
               f"version {found['version']}, issued {found['issued_date'] or '-'}")
    typer.echo(f"  {found['title'] or ''}  [{found['source']}]")
    for version in found["versions"]:
        typer.echo(f"  version {version['version']}: {version['added_at']}, "
                   f"{version['tasks']} tasks, text {version['text_sha256'][:12]}")
    typer.echo("links:")
    for link in found["links"]:
        where = ", ".join(link["documents"]) or "not in the register"
        typer.echo(f"  {link['relation']} {link['doc_type'] or ''} {link['number']} → {where}")
    typer.echo("linked from:")
    for link in found["linked_from"]:
        typer.echo(f"  {link['document']} {link['relation']} this")
    typer.echo("tasks:")
    for task in found["tasks"]:
        state = "" if task["state"] == "current" else f" [{task['state']}]"
        others = [s for s in task["sources"] if s != found["key"]]
        also = f" (also in {', '.join(others)})" if others else ""
        typer.echo(f"  {task['id']}  {task['status']}{state}  due {task['due'] or '-'}  "
                   f"{' '.join(task['description'].split())[:100]}{also}")
    for merged in found["merged"]:
        typer.echo(f"  {merged['task']} merged into {merged['into']}")


@app.command("status")
def status_command(
    task_id: Annotated[str, typer.Argument(help="The task's id (any id it had).")],
    status: Annotated[Status, typer.Argument(help="open, done or cancelled.")],
    db: Db = None,
) -> None:
    """Set a task's status; re-importing its document keeps it."""
    from pipeline.register import RegisterError

    with _open(db) as register:
        try:
            target = register.set_status(task_id, status.value)
        except RegisterError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=1) from None
    typer.echo(f"{target}: {status.value}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="register")
