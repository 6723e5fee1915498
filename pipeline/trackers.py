"""Importer files for trackers, made from the register's tasks
(:meth:`pipeline.register.Register.tasks`): a CSV for Jira's CSV import and
a shell script of ``gh issue create`` commands for GitHub issues.

Both follow the field mapping of ``docs/trackers.md``: the title is the
task's description (cut to :data:`TITLE_LIMIT` characters, the whole text
stays in the body), the due date the task's ``due``, and the register id
rides along as the update key (Jira: a column to map to a custom field and
a label; GitHub: a ``vntasks-id: ID`` line ending the body, which the
script searches for before creating an issue), so a later import finds the
item it made before. Bodies are organisations,
not people: the lead goes into the text and a label, never into an
assignee field, which needs the tracker's own body-to-user table.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from collections.abc import Iterable, Mapping
from typing import Any

# Jira's and GitHub's limits on a summary or title are 255 and 256.
TITLE_LIMIT = 255
JIRA_COLUMNS = (
    "Summary", "Description", "Due date", "Labels", "Labels", "vntasks id", "Status",
)
# Written visibly, not in an HTML comment, so a tracker's text search finds it.
MARKER = "vntasks-id:"
_LABEL = re.compile(r"[^\w-]+")


def title(description: str) -> str:
    """A one-line title within :data:`TITLE_LIMIT` characters."""
    line = " ".join(description.split())
    return line if len(line) <= TITLE_LIMIT else line[: TITLE_LIMIT - 1] + "…"


def body(task: Mapping[str, Any]) -> str:
    """The text of the item: the task, its bodies, deadline, section and
    source documents, then the update-key marker."""
    lines = [task["description"], ""]
    if task["leads"]:
        lines.append("Chủ trì: " + "; ".join(task["leads"]))
    if task["supports"]:
        lines.append("Phối hợp: " + "; ".join(task["supports"]))
    if task["deadline_text"]:
        lines.append(f"Thời hạn: {task['deadline_text']}" + (
            f" ({task['due']})" if task["due"] else ""))
    if task["section"]:
        lines.append(f"Mục: {task['section']}")
    lines.append("Văn bản: " + ", ".join(task["sources"]))
    lines.append(f"{MARKER} {task['id']}")
    return "\n".join(lines)


def label(name: str) -> str:
    """``name`` as one label (Jira labels hold no spaces)."""
    return _LABEL.sub("_", name).strip("_")


def to_jira_csv(tasks: Iterable[Mapping[str, Any]]) -> bytes:
    """One row per task for Jira's CSV import (UTF-8, comma-separated; map
    "vntasks id" to a text custom field). Two ``Labels`` columns: Jira reads
    repeated columns as several values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(JIRA_COLUMNS)
    for task in tasks:
        lead = task["leads"][0] if task["leads"] else ""
        writer.writerow([
            title(task["description"]), body(task), task["due"] or "",
            "vntasks", label(lead) if lead else "", task["id"], task["status"],
        ])
    return out.getvalue().encode("utf-8")


def to_gh_script(tasks: Iterable[Mapping[str, Any]], repo: str | None = None) -> bytes:
    """A POSIX shell script, one ``gh issue create`` per task (``repo``:
    ``--repo OWNER/NAME``; default, the repository of the current folder).
    Each create is guarded by a search for the task's marker, so running
    the script again, or a later export holding the same tasks, creates no
    duplicate. Every value is quoted with :func:`shlex.quote`, so a task's
    text is never run as shell."""
    target = f" --repo {shlex.quote(repo)}" if repo else ""
    commands: list[str] = []
    used: dict[str, None] = {}
    for task in tasks:
        labels = ["vntasks", *(label(lead) for lead in task["leads"][:1])]
        if task["overdue"]:
            labels.append("overdue")
        used.update(dict.fromkeys(labels))
        label_args = "".join(f" --label {shlex.quote(name)}" for name in labels)
        marker = shlex.quote(task["id"])
        commands.append(
            f"[ \"$(made {marker})\" != 0 ] || gh issue create{target}"
            f" --title {shlex.quote(title(task['description']))}"
            f" --body {shlex.quote(body(task))}{label_args}"
        )
    # gh refuses a label the repository lacks; --force makes creating one
    # that exists a no-op.
    created = [f"gh label create{target} {shlex.quote(name)} --force" for name in used]
    lines = [
        "#!/bin/sh",
        "# vntasks register tasks -f github: one issue per task not made before",
        "set -e",
        f"made() {{ gh issue list{target} --state all --search \"\\\"$1\\\" in:body\" "
        "--json number --jq length; }",
        *created,
        *commands,
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
