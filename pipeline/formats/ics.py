"""iCalendar (RFC 5545): one VTODO per task, in one VCALENDAR.

- UID is the task id, so a calendar re-importing a document updates its
  to-dos instead of duplicating them. Where several inputs of one calendar
  share task ids (the same text, or two versions of one numbered directive
  whose tasks did not change), the second and later add
  ``~2``, ``~3`` …, so that every UID stays unique, as RFC 5545 requires.
- DTSTAMP is :func:`pipeline.formats.clock.build_time`: now, or
  ``SOURCE_DATE_EPOCH`` for identical bytes on a rerun.
- DUE (a DATE) for tasks whose deadline resolved to a day, and DTSTART too
  when it is a period with a start.
- RRULE with DTSTART for recurring tasks: the contract's ``rrule`` is already
  an RFC 5545 value. DTSTART is the deadline's start, else its first due day,
  else the document's issue date; with none of them the rule has no anchor,
  so it is left out and the kind in CATEGORIES still says "recurring".
- CATEGORIES carries the deadline kind (or ``NO_DEADLINE``), since undated
  tasks (ongoing, event, unresolved…) have no DUE to show it.
- RELATED-TO (RELTYPE=PARENT) names the document id, the one key shared by
  every task of one directive.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pipeline import __version__
from pipeline.formats.clock import build_time
from pipeline.formats.rows import body_names

PRODID = f"-//vntasks//vntasks {__version__}//VI"
NO_DEADLINE = "no_deadline"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def description(document: dict[str, Any], task: dict[str, Any]) -> str:
    """The text a calendar shows under the summary: who, when, and the
    sentence the task came from, so the to-do can be checked without the
    directive at hand."""
    lines = []
    leads = body_names(task, "lead")
    supports = body_names(task, "support")
    if leads:
        lines.append(f"lead: {'; '.join(leads)}")
    if supports:
        lines.append(f"support: {'; '.join(supports)}")
    if task["deadline"]:
        lines.append(f"deadline: {task['deadline']['text']}")
    if task["section"]:
        lines.append(f"section: {task['section']}")
    reference = " ".join(v for v in (document["doc_type"], document["number"]) if v)
    if reference or document["issuer"]:
        lines.append(f"document: {reference or document['id']} ({document['issuer'] or '?'})")
    lines.extend(["", task["sentence"]])
    return "\n".join(lines)


def recurrence_start(document: dict[str, Any], deadline: dict[str, Any]) -> date | None:
    """The DTSTART of a recurring deadline (see the module docstring)."""
    return _date(deadline["start"]) or _date(deadline["due"]) or _date(document["issued_date"])


def todo(
    document: dict[str, Any], task: dict[str, Any], stamp: datetime, copy: int = 1
) -> Any:
    """The VTODO of one task; ``copy`` counts the inputs before this one
    that had the same document id (see the module docstring)."""
    from icalendar import Todo, vRecur

    entry = Todo()
    entry.add("uid", task["id"] if copy == 1 else f"{task['id']}~{copy}")
    entry.add("dtstamp", stamp)
    entry.add("summary", task["description"])
    entry.add("description", description(document, task))
    entry.add("related-to", document["id"], parameters={"RELTYPE": "PARENT"})
    deadline = task["deadline"]
    entry.add("categories", [deadline["kind"] if deadline else NO_DEADLINE])
    if deadline is None:
        return entry
    due = _date(deadline["due"])
    if deadline["rrule"]:
        start = recurrence_start(document, deadline)
        if start is not None:
            entry.add("dtstart", start)
            entry.add("rrule", vRecur.from_ical(deadline["rrule"]))
            # RFC 5545 wants DUE no earlier than DTSTART.
            if due is not None and due < start:
                due = None
    elif deadline["start"] and due is not None and _date(deadline["start"]) <= due:
        # A period ("trong tháng 5/2025") opens as well as closes.
        entry.add("dtstart", _date(deadline["start"]))
    if due is not None:
        entry.add("due", due)
    return entry


def to_ics(records: Iterable[dict[str, Any]], stamp: datetime | None = None) -> bytes:
    """One VCALENDAR holding a VTODO for every task of every record.

    ``stamp`` is the DTSTAMP of every to-do (default: now in UTC, or
    ``SOURCE_DATE_EPOCH``); fixed, identical records give identical bytes."""
    from icalendar import Calendar

    stamp = stamp or build_time()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    copies: dict[str, int] = {}
    for record in records:
        if "tasks" not in record:
            continue
        document = record["document"]
        copies[document["id"]] = copy = copies.get(document["id"], 0) + 1
        for task in record["tasks"]:
            calendar.add_component(todo(document, task, stamp, copy))
    return calendar.to_ical()
