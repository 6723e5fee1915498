"""The tabular view shared by the csv and xlsx formats: one row per task.

Several bodies of one role share a cell, one name per line
(``BODY_SEPARATOR``): body names often contain commas and may contain
semicolons (``các cấp ủy, tổ chức Đảng``), but never a line break, since the
text is read one paragraph per line and :func:`one_line` folds any other
white space a name holds. A spreadsheet shows such a cell as a list; a
program splits it on ``\\n``. A body is shown by its canonical name where the
gazetteer knows one, so a tracker sees the same assignee however the text
spelled it.

The column names below are the machine-readable headers (the default,
``--lang en``); people get them in Vietnamese with ``--lang vi``
(:mod:`pipeline.formats.labels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pipeline.formats.labels import labels

BODY_SEPARATOR = "\n"
FLAG_SEPARATOR = "; "

COLUMNS = (
    "task_id",
    "document_id",
    "document_type",
    "document_number",
    "document_title",
    "issuer",
    "issued_date",
    "task",
    "leads",
    "supports",
    "deadline_text",
    "due",
    "start",
    "rrule",
    "kind",
    "section",
    "flags",
    "source",
)

# The task register's tables (vntasks register tasks) add what the user
# said of each task and the documents it came from (a directive and the news
# reports of it merged into it, one a line).
REGISTER_COLUMNS = (*COLUMNS, "status", "sources")

DATE_COLUMNS = ("issued_date", "due", "start")
BODY_COLUMNS = ("leads", "supports")


def one_line(name: str) -> str:
    """``name`` with every run of white space, line breaks included, as one
    space: what makes ``BODY_SEPARATOR`` safe."""
    return " ".join(name.split())


def body_names(task: dict[str, Any], role: str) -> list[str]:
    """The names of a task's bodies of one role, canonical where known."""
    return [one_line(b["canonical"] or b["name"]) for b in task["responsible"] if b["role"] == role]


def headers(lang: str = "en", columns: Sequence[str] = COLUMNS) -> list[str]:
    """The header of each of ``columns`` in language ``lang``."""
    names = labels(lang)["columns"]
    return [names[column] for column in columns]


def task_row(document: dict[str, Any], task: dict[str, Any]) -> dict[str, str | None]:
    """One task as a table row, keyed by :data:`COLUMNS`."""
    deadline = task["deadline"] or {}
    return {
        "task_id": task["id"],
        "document_id": document["id"],
        "document_type": document["doc_type"],
        "document_number": document["number"],
        "document_title": document["title"],
        "issuer": document["issuer"],
        "issued_date": document["issued_date"],
        "task": task["description"],
        "leads": BODY_SEPARATOR.join(body_names(task, "lead")),
        "supports": BODY_SEPARATOR.join(body_names(task, "support")),
        "deadline_text": deadline.get("text"),
        "due": deadline.get("due"),
        "start": deadline.get("start"),
        "rrule": deadline.get("rrule"),
        "kind": deadline.get("kind"),
        "section": task["section"],
        "flags": FLAG_SEPARATOR.join(task["flags"]),
        "source": document["source"],
        # Only register tasks carry these (REGISTER_COLUMNS).
        "status": task.get("status"),
        "sources": BODY_SEPARATOR.join(task.get("sources", ())),
    }


def task_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, str | None]]:
    """Rows for every task of every record, in document order; records that
    carry an error instead of tasks give no rows."""
    for record in records:
        for task in record.get("tasks", ()):
            yield task_row(record["document"], task)
