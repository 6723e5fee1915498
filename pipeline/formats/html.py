"""A self-contained review page: the document's text with task descriptions,
lead bodies, support bodies and deadlines highlighted, and the table of
records, each row linking to its place in the text and back.

The highlighting follows displaCy's span style (coloured labels that may
overlap), but is rendered here rather than by ``displacy.render``: displaCy
draws token by token, so it needs a tokenised Doc, drops the document's line
breaks, and gives no element an id that the table's links could point at.
Here the text is cut at every span boundary; each piece becomes one ``<mark>``
carrying the classes of all the spans that cover it, so overlapping spans
(a deadline inside a task description) show both colours, and the page needs
no script. Everything, CSS included, is inline: the page is one file that can
be mailed or opened offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from pipeline.formats.rows import body_names

LABELS = ("task", "lead", "support", "deadline")

# Later rules win where spans overlap, so the narrower highlights (bodies,
# deadlines) are listed after the task description they sit in.
CSS = """
:root { --task: #fff1a8; --lead: #c7dcff; --lead-line: #1d4ed8; --support: #c9f2d4;
  --support-line: #15803d; --deadline: #ffd0cc; --deadline-line: #b91c1c; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif;
  margin: 0; padding: 1.5rem; color: #1f2328; background: #fff; }
header h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  margin: .5rem 0; font-size: .9rem; }
header dt { color: #57606a; }
header dd { margin: 0; }
.legend { margin: .8rem 0; font-size: .9rem; }
.legend mark { margin-right: .6rem; padding: .1rem .4rem; }
.layout { display: grid; grid-template-columns: 1fr; gap: 1.5rem; }
@media (min-width: 1200px) {
  .layout { grid-template-columns: minmax(0, 1fr) minmax(0, 1.8fr); } }
.text { white-space: pre-wrap; line-height: 1.9; font-size: .95rem; border: 1px solid #d0d7de;
  border-radius: 6px; padding: 1rem; }
mark.hl { background: none; color: inherit; border-radius: 3px; padding: .1rem 0; }
mark.task { background: var(--task); }
mark.lead { background: var(--lead); border-bottom: 2px solid var(--lead-line); }
mark.support { background: var(--support); border-bottom: 2px solid var(--support-line); }
mark.deadline { background: var(--deadline); border-bottom: 2px solid var(--deadline-line); }
a.anchor { font-size: .7rem; vertical-align: super; text-decoration: none; color: #6e7781;
  margin-right: .1rem; }
a.anchor:target, tr:target { outline: 2px solid #bf8700; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }
td.bodies { min-width: 6.5rem; }
td.deadline { min-width: 8rem; }
.rrule { word-break: break-all; }
.records-box { overflow-x: auto; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.description { min-width: 12rem; }
td.section { font-size: .75rem; min-width: 6rem; max-width: 10rem; }
.id { display: block; font-family: "DejaVu Sans Mono", monospace; font-size: .65rem;
  color: #57606a; }
.chip { display: inline-block; border-radius: 3px; padding: 0 .3rem; margin: .1rem 0; }
.chip.lead { background: var(--lead); }
.chip.support { background: var(--support); }
.chip.deadline { background: var(--deadline); }
.flags { color: #9a6700; font-size: .75rem; }
.warnings { color: #9a6700; }
section.document + section.document { border-top: 3px solid #d0d7de; margin-top: 2rem; }
"""


@dataclass(frozen=True)
class Highlight:
    """One marked stretch of the text: a label and the tasks it belongs to."""

    start: int
    end: int
    label: str
    task_ids: tuple[str, ...]


def anchor_id(task_id: str) -> str:
    """The id of a task's numbered anchor in the text."""
    return f"task-{task_id}"


def row_id(task_id: str) -> str:
    """The id of a task's row in the table."""
    return f"row-{task_id}"


def highlights(record: dict[str, Any]) -> list[Highlight]:
    """One highlight per distinct (span, label): a body or deadline shared by
    several tasks is marked once and lists them all."""
    text_length = len(record["document"]["text"])
    owners: dict[tuple[int, int, str], list[str]] = {}

    def add(span: Sequence[int] | None, label: str, task_id: str) -> None:
        if span is None or not 0 <= span[0] < span[1] <= text_length:
            return
        owners.setdefault((span[0], span[1], label), []).append(task_id)

    for task in record["tasks"]:
        add(task["span"], "task", task["id"])
        for body in task["responsible"]:
            add(body["span"], body["role"], task["id"])
        if task["deadline"]:
            add(task["deadline"]["span"], "deadline", task["id"])
    return [
        Highlight(start, end, label, tuple(dict.fromkeys(ids)))
        for (start, end, label), ids in sorted(owners.items())
    ]


def render_text(text: str, marks: Sequence[Highlight], anchors: dict[str, int]) -> str:
    """``text`` as HTML with every highlight marked and, at each task's start,
    a numbered anchor (``anchors`` maps task id to row number) that the table
    links to and that links back to the row."""
    starts: dict[int, list[str]] = {}
    for mark in marks:
        if mark.label == "task":
            for task_id in mark.task_ids:
                starts.setdefault(mark.start, []).append(task_id)
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        for task_id in starts.get(start, ()):
            parts.append(
                f'<a class="anchor" id="{escape(anchor_id(task_id))}" '
                f'href="#{escape(row_id(task_id))}">[{anchors[task_id]}]</a>'
            )
        piece = escape(text[start:end], quote=False)
        covering = [m for m in marks if m.start <= start and end <= m.end]
        if not covering:
            parts.append(piece)
            continue
        labels = [label for label in LABELS if any(m.label == label for m in covering)]
        task_ids = " ".join(dict.fromkeys(t for m in covering for t in m.task_ids))
        parts.append(
            f'<mark class="hl {" ".join(labels)}" data-labels="{" ".join(labels)}" '
            f'data-tasks="{escape(task_ids)}">{piece}</mark>'
        )
    return "".join(parts)


def _chips(names: Iterable[str], label: str) -> str:
    return "<br>".join(f'<span class="chip {label}">{escape(n)}</span>' for n in names)


def _deadline_cell(deadline: dict[str, Any] | None) -> str:
    if deadline is None:
        return ""
    details = [deadline["kind"]]
    if deadline["due"]:
        details.append(f"due {deadline['due']}")
    rrule = deadline["rrule"]
    # An RRULE has no spaces to wrap at; its own class lets it break anywhere
    # without letting every cell shrink to one letter a line.
    rrule_html = f'<br><small class="rrule">{escape(rrule)}</small>' if rrule else ""
    return (
        f'<span class="chip deadline">{escape(deadline["text"])}</span>'
        f"<br><small>{escape(', '.join(details))}</small>{rrule_html}"
    )


def render_table(tasks: Sequence[dict[str, Any]]) -> str:
    """The table of records, one row per task."""
    header = "".join(
        f"<th>{h}</th>" for h in ("#", "task", "lead", "support", "deadline", "section")
    )
    rows = []
    for number, task in enumerate(tasks, start=1):
        flags = (
            f'<div class="flags">{escape(", ".join(task["flags"]))}</div>' if task["flags"] else ""
        )
        rows.append(
            f'<tr id="{escape(row_id(task["id"]))}" data-task="{escape(task["id"])}">'
            f"<td>{number}</td>"
            f'<td class="description"><a href="#{escape(anchor_id(task["id"]))}">'
            f"{escape(task['description'])}</a>"
            f'<span class="id">{escape(task["id"])}</span>{flags}</td>'
            f'<td class="bodies">{_chips(body_names(task, "lead"), "lead")}</td>'
            f'<td class="bodies">{_chips(body_names(task, "support"), "support")}</td>'
            f'<td class="deadline">{_deadline_cell(task["deadline"])}</td>'
            f'<td class="section">{escape(task["section"] or "")}</td></tr>'
        )
    return (
        f'<table class="records"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def document_title(document: dict[str, Any]) -> str:
    """A document's heading: its type and number, else its source."""
    reference = " ".join(v for v in (document["doc_type"], document["number"]) if v)
    return reference or document["source"]


def render_document(record: dict[str, Any]) -> str:
    """One document's section: its facts, its marked text and its table."""
    document = record["document"]
    if "text" not in document:
        raise ValueError(
            f"{document['source']}: the review page needs the text; "
            "build the record with to_dict(result, with_text=True)"
        )
    tasks = record["tasks"]
    numbers = {task["id"]: n for n, task in enumerate(tasks, start=1)}
    facts = [
        ("issuer", document["issuer"]),
        ("issued", document["issued_date"]),
        ("signer", document["signer"]),
        ("source", document["source"]),
        ("document id", document["id"]),
        ("tasks", str(len(tasks))),
    ]
    facts_html = "".join(
        f"<dt>{name}</dt><dd>{escape(value)}</dd>" for name, value in facts if value
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in record.get("warnings", ()))
    warnings_html = f'<ul class="warnings">{warnings}</ul>' if warnings else ""
    return (
        f'<section class="document" id="doc-{escape(document["id"])}">'
        f"<header><h1>{escape(document_title(document))}</h1><dl>{facts_html}</dl>"
        f"{warnings_html}</header>"
        '<div class="layout">'
        f'<div class="text">{render_text(document["text"], highlights(record), numbers)}</div>'
        f'<div class="records-box">{render_table(tasks)}</div>'
        "</div></section>"
    )


def _legend() -> str:
    return (
        '<p class="legend">'
        + "".join(f'<mark class="hl {label}">{label}</mark>' for label in LABELS)
        + "</p>"
    )


def to_html(records: Iterable[dict[str, Any]], lang: str = "vi") -> bytes:
    """The review page for ``records`` (built with ``with_text=True``), one
    section per document; records that carry an error are skipped."""
    documents = [r for r in records if "tasks" in r]
    title = ", ".join(document_title(r["document"]) for r in documents) or "vntasks"
    body = "".join(render_document(r) for r in documents)
    page = (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{_legend()}{body}</body></html>\n"
    )
    return page.encode("utf-8")
