"""A self-contained review page: the document's text with task descriptions,
lead bodies, support bodies and deadlines highlighted, and the table of
records, each row linking to its place in the text and back. Several
documents get a table of contents. Labels are in Vietnamese by default
(``lang``, from ``labels.yaml``); a deadline or lead a task inherited from
its group or heading is marked as such.

Each row has a review cell: a reviewer marks the record right, not a task,
or corrects it (the task, its bodies one a line, its deadline), and saves
the decisions as a ``vntasks-review/1`` file (``review.js``, inlined), which
``vntasks annotations from-review`` turns into gold annotations
(:mod:`pipeline.review`). The page carries, in one JSON block per document,
the record and the text the decisions refer to, so the saved file needs
nothing else.

The highlighting follows displaCy's span style (coloured labels that may
overlap), but is rendered here rather than by ``displacy.render``: displaCy
draws token by token, so it needs a tokenised Doc, drops the document's line
breaks, and gives no element an id that the table's links could point at.
Here the text is cut at every span boundary; each piece becomes one ``<mark>``
carrying the classes of all the spans that cover it, so overlapping spans
(a deadline inside a task description) show both colours without a script.
Everything, CSS and script included, is inline: the page is one file that
can be mailed or opened offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources as importlib_resources
from pathlib import PurePath
from typing import Any

from pipeline import __version__
from pipeline.formats.labels import labels
from pipeline.formats.rows import body_names, one_line

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
nav.toc { margin: .5rem 0 1.5rem; font-size: .9rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .3rem; }
.inherited { display: block; color: #6e7781; font-size: .72rem; font-style: italic; }
.toolbar { position: sticky; top: 0; z-index: 2; background: #fff; padding: .4rem 0;
  border-bottom: 1px solid #d0d7de; display: flex; gap: 1rem; align-items: center; }
.toolbar button { font: inherit; padding: .3rem .8rem; }
td.review { min-width: 11rem; font-size: .8rem; }
td.review label { display: block; }
.correction { display: none; margin-top: .4rem; }
.correction label { margin-top: .2rem; }
.correction textarea, .correction input { width: 100%; box-sizing: border-box; font: inherit; }
tr[data-decision="corrected"] .correction { display: block; }
tr[data-decision="accepted"] td { background: #eefbea; }
tr[data-decision="rejected"] td { background: #fbeeee; }
tr[data-decision="rejected"] td.description a { text-decoration: line-through; }
"""
REVIEW_FORMAT = "vntasks-review/1"
DECISIONS = ("unreviewed", "accepted", "rejected", "corrected")
# What the page keeps of a task for the review file: what a gold task is
# made from (pipeline/review.py), not the rule ids.
_TASK_KEYS = ("id", "description", "span", "responsible", "deadline", "section", "flags")
_DOCUMENT_KEYS = ("id", "source", "doc_type", "number", "title", "issuer", "signer",
                  "issued_date", "text_sha256")


@dataclass(frozen=True)
class Highlight:
    """One marked stretch of the text: a label and the tasks it belongs to."""

    start: int
    end: int
    label: str
    task_ids: tuple[str, ...]


def anchor_id(task_id: str, copy: int = 1) -> str:
    """The id of a task's numbered anchor in the text (``copy``: the how
    many-th document of the page with this document id, e.g. two versions of
    one directive, so ids stay unique)."""
    return f"task-{task_id}" if copy == 1 else f"task-{copy}-{task_id}"


def row_id(task_id: str, copy: int = 1) -> str:
    """The id of a task's row in the table."""
    return f"row-{task_id}" if copy == 1 else f"row-{copy}-{task_id}"


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


def render_text(
    text: str, marks: Sequence[Highlight], anchors: dict[str, int], copy: int = 1
) -> str:
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
                f'<a class="anchor" id="{escape(anchor_id(task_id, copy))}" '
                f'href="#{escape(row_id(task_id, copy))}">[{anchors[task_id]}]</a>'
            )
        piece = escape(text[start:end], quote=False)
        covering = [m for m in marks if m.start <= start and end <= m.end]
        if not covering:
            parts.append(piece)
            continue
        classes = [label for label in LABELS if any(m.label == label for m in covering)]
        task_ids = " ".join(dict.fromkeys(t for m in covering for t in m.task_ids))
        parts.append(
            f'<mark class="hl {" ".join(classes)}" data-labels="{" ".join(classes)}" '
            f'data-tasks="{escape(task_ids)}">{piece}</mark>'
        )
    return "".join(parts)


def _chips(names: Iterable[str], label: str) -> str:
    return "<br>".join(f'<span class="chip {label}">{escape(n)}</span>' for n in names)


def _inherited(task: dict[str, Any], flag: str, words: dict[str, Any]) -> str:
    """The note under a lead or deadline the task did not state itself."""
    if flag not in task["flags"]:
        return ""
    return f'<span class="inherited" data-flag="{flag}">↳ {escape(words[flag])}</span>'


def _deadline_cell(task: dict[str, Any], words: dict[str, Any]) -> str:
    deadline = task["deadline"]
    if deadline is None:
        return ""
    details = [words["kinds"].get(deadline["kind"], deadline["kind"])]
    if deadline["due"]:
        details.append(f"{words['due']} {deadline['due']}")
    rrule = deadline["rrule"]
    # An RRULE has no spaces to wrap at; its own class lets it break anywhere
    # without letting every cell shrink to one letter a line.
    rrule_html = f'<br><small class="rrule">{escape(rrule)}</small>' if rrule else ""
    return (
        f'<span class="chip deadline">{escape(deadline["text"])}</span>'
        f"<br><small>{escape(', '.join(details))}</small>{rrule_html}"
        f"{_inherited(task, 'inherited_deadline', words)}"
    )


def _written(task: dict[str, Any], role: str) -> list[str]:
    """A task's bodies of one role as the text writes them: a correction is
    looked up in the text, where a canonical name may not stand."""
    return [one_line(b["name"]) for b in task["responsible"] if b["role"] == role]


def _review_cell(task: dict[str, Any], key: str, words: dict[str, Any]) -> str:
    """The reviewer's controls for one record: a decision, and the fields
    of a correction, filled with what was extracted."""
    choices = "".join(
        f'<label><input type="radio" name="decision-{escape(key)}" value="{decision}"'
        f'{" checked" if decision == "unreviewed" else ""}> '
        f"{escape(words['decisions'][decision])}</label>"
        for decision in DECISIONS
    )
    deadline = task["deadline"] or {}
    fields = words["fields"]

    def area(name: str, value: str, hint: str = "") -> str:
        title = f' title="{escape(hint)}"' if hint else ""
        return (
            f"<label>{escape(fields[name])}<textarea data-field=\"{name}\" rows=\"2\"{title}>"
            f"{escape(value)}</textarea></label>"
        )

    def line(name: str, value: str, kind: str = "text") -> str:
        return (
            f'<label>{escape(fields[name])}<input type="{kind}" data-field="{name}" '
            f'value="{escape(value)}"></label>'
        )

    correction = (
        area("description", task["description"])
        + area("lead", "\n".join(_written(task, "lead")), words["one_per_line"])
        + area("support", "\n".join(_written(task, "support")), words["one_per_line"])
        + line("deadline", deadline.get("text") or "")
        + line("due", deadline.get("due") or "", "date")
        + line("note", "")
    )
    return (
        f'<td class="review"><div class="decision">{choices}</div>'
        f'<div class="correction">{correction}</div></td>'
    )


def render_table(
    tasks: Sequence[dict[str, Any]], lang: str = "vi", copy: int = 1
) -> str:
    """The table of records, one row per task, each with its review cell."""
    words = labels(lang)["page"]
    columns = ("number", "task", "lead", "support", "deadline", "section", "review")
    header = "".join(f"<th>{escape(words['headers'][c])}</th>" for c in columns)
    rows = []
    for number, task in enumerate(tasks, start=1):
        flags = ", ".join(words["flags"].get(flag, flag) for flag in task["flags"])
        flags_html = f'<div class="flags">{escape(flags)}</div>' if flags else ""
        key = row_id(task["id"], copy)
        rows.append(
            f'<tr id="{escape(key)}" data-task="{escape(task["id"])}" data-decision="unreviewed">'
            f"<td>{number}</td>"
            f'<td class="description"><a href="#{escape(anchor_id(task["id"], copy))}">'
            f"{escape(task['description'])}</a>"
            f'<span class="id">{escape(task["id"])}</span>{flags_html}</td>'
            f'<td class="bodies">{_chips(body_names(task, "lead"), "lead")}'
            f"{_inherited(task, 'inherited_lead', words)}</td>"
            f'<td class="bodies">{_chips(body_names(task, "support"), "support")}</td>'
            f'<td class="deadline">{_deadline_cell(task, words)}</td>'
            f'<td class="section">{escape(task["section"] or "")}</td>'
            f"{_review_cell(task, key, words)}</tr>"
        )
    return (
        f'<table class="records"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def document_title(document: dict[str, Any]) -> str:
    """A document's heading: its type and number, else its source."""
    reference = " ".join(v for v in (document["doc_type"], document["number"]) if v)
    return reference or document["source"]


def _json_block(value: Any, css_class: str) -> str:
    """``value`` as JSON inside the page; ``<`` escaped so that no text of the
    document can close the script element."""
    data = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" class="{css_class}">{data}</script>'


def review_data(record: dict[str, Any]) -> dict[str, Any]:
    """What the review file keeps of one record: the document's facts, its
    text and its tasks (see ``pipeline/review.py``)."""
    document = record["document"]
    return {
        "document": {key: document.get(key) for key in _DOCUMENT_KEYS},
        "text": document["text"],
        "tasks": [{key: task[key] for key in _TASK_KEYS} for task in record["tasks"]],
    }


def render_document(
    record: dict[str, Any], lang: str = "vi", index: int = 1, copy: int = 1
) -> str:
    """One document's section: its facts, its marked text, its table and
    the data its review decisions refer to. ``index`` numbers the sections
    of a page; ``copy`` counts the sections before this one with the same
    text."""
    document = record["document"]
    if "text" not in document:
        raise ValueError(
            f"{document['source']}: the review page needs the text; "
            "build the record with to_dict(result, with_text=True)"
        )
    words = labels(lang)["page"]
    tasks = record["tasks"]
    numbers = {task["id"]: n for n, task in enumerate(tasks, start=1)}
    facts = [
        ("issuer", document["issuer"]),
        ("issued", document["issued_date"]),
        ("signer", document["signer"]),
        ("source", document["source"]),
        ("document_id", document["id"]),
        ("tasks", str(len(tasks))),
    ]
    facts_html = "".join(
        f"<dt>{escape(words['facts'][name])}</dt><dd>{escape(value)}</dd>"
        for name, value in facts
        if value
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in record.get("warnings", ()))
    warnings_html = f'<ul class="warnings">{warnings}</ul>' if warnings else ""
    text_html = render_text(document["text"], highlights(record), numbers, copy)
    return (
        f'<section class="document" id="doc-{index}" data-document="{escape(document["id"])}">'
        f"<header><h1>{escape(document_title(document))}</h1><dl>{facts_html}</dl>"
        f"{warnings_html}</header>"
        '<div class="layout">'
        f'<div class="text">{text_html}</div>'
        f'<div class="records-box">{render_table(tasks, lang, copy)}</div>'
        f"</div>{_json_block(review_data(record), 'review-data')}</section>"
    )


def _legend(words: dict[str, Any]) -> str:
    return (
        '<p class="legend">'
        + "".join(
            f'<mark class="hl {label}">{escape(words["legend"][label])}</mark>'
            for label in LABELS
        )
        + "</p>"
    )


def _contents(documents: Sequence[dict[str, Any]], words: dict[str, Any]) -> str:
    """The table of contents of a page of several documents."""
    if len(documents) < 2:
        return ""
    items = "".join(
        f'<li><a href="#doc-{index}">{escape(document_title(record["document"]))}</a> '
        f"({escape(words['tasks_count'].format(count=len(record['tasks'])))})</li>"
        for index, record in enumerate(documents, start=1)
    )
    return f'<nav class="toc"><h2>{escape(words["contents"])}</h2><ol>{items}</ol></nav>'


@cache
def _script() -> str:
    return importlib_resources.files("pipeline.formats").joinpath("review.js").read_text("utf-8")


def review_file_name(documents: Sequence[dict[str, Any]]) -> str:
    """The name the saved decisions get: after the first document."""
    if not documents:
        return "review.json"
    stem = PurePath(documents[0]["document"]["source"].replace("\\", "/")).stem
    return f"{stem or 'review'}.review.json"


def _toolbar(documents: Sequence[dict[str, Any]], words: dict[str, Any]) -> str:
    settings = {
        "format": REVIEW_FORMAT,
        "generator": {"name": "vntasks", "version": __version__},
        "file_name": review_file_name(documents),
        "progress": words["progress"],
        "saved_as": words["saved_as"],
    }
    return (
        '<div class="toolbar"><button type="button" id="save-review">'
        f'{escape(words["save"])}</button><span id="review-status"></span></div>'
        f"{_json_block(settings, 'review-settings')}"
    )


def to_html(records: Iterable[dict[str, Any]], lang: str = "vi") -> bytes:
    """The review page for ``records`` (built with ``with_text=True``), one
    section per document, labelled in ``lang``; records that carry an error
    are skipped."""
    words = labels(lang)["page"]
    documents = [r for r in records if "tasks" in r]
    title = ", ".join(document_title(r["document"]) for r in documents) or "vntasks"
    seen: dict[str, int] = {}
    sections = []
    for index, record in enumerate(documents, start=1):
        seen[record["document"]["id"]] = copy = seen.get(record["document"]["id"], 0) + 1
        sections.append(render_document(record, lang, index, copy))
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words['title'])}: {escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{_toolbar(documents, words)}{_legend(words)}{_contents(documents, words)}"
        f"{''.join(sections)}<script>{_script()}</script></body></html>\n"
    )
    return page.encode("utf-8")
