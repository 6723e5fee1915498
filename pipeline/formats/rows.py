"""The tabular view shared by the csv and xlsx formats: one row per task.

Several bodies of one role share a cell, joined by ``BODY_SEPARATOR``: body
names often contain commas themselves (``các cấp ủy, tổ chức Đảng``), so a
comma would be ambiguous. A body is shown by its canonical name where the
gazetteer knows one, so a tracker sees the same assignee however the text
spelled it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

BODY_SEPARATOR = "; "

COLUMNS = (
    "task_id",
    "document_id",
    "document_number",
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

DATE_COLUMNS = ("issued_date", "due", "start")


def body_names(task: dict[str, Any], role: str) -> list[str]:
    """The names of a task's bodies of one role, canonical where known."""
    return [b["canonical"] or b["name"] for b in task["responsible"] if b["role"] == role]


def task_row(document: dict[str, Any], task: dict[str, Any]) -> dict[str, str | None]:
    """One task as a table row, keyed by :data:`COLUMNS`."""
    deadline = task["deadline"] or {}
    return {
        "task_id": task["id"],
        "document_id": document["id"],
        "document_number": document["number"],
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
        "flags": BODY_SEPARATOR.join(task["flags"]),
        "source": document["source"],
    }


def task_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, str | None]]:
    """Rows for every task of every record, in document order; records that
    carry an error instead of tasks give no rows."""
    for record in records:
        for task in record.get("tasks", ()):
            yield task_row(record["document"], task)
