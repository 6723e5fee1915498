"""Review decisions (``vntasks-review/1``, saved by the review page) read
back as gold annotations (``vntasks-gold/1``), so that what a reviewer
accepted and corrected can be scored with ``vntasks evaluate``.

The review file holds, per document, its facts, its text, and for each
extracted task the reviewer's decision with the record it was made on:

- ``accepted``: the record becomes a gold task as it is: its description,
  bodies and deadline at their offsets.
- ``corrected``: the reviewer's text replaces the record's. Each corrected
  string (the task, a body name, the deadline phrase) is looked up in the
  document's text, the occurrence nearest the record's own place winning; a
  corrected deadline is read again (:func:`pipeline.deadlines.parse_deadline`
  against the issue date) for its kind and due date, and a due date the
  reviewer typed wins over the one read.
- ``rejected`` (not a task) and ``unreviewed``: left out.

A string the text does not hold cannot be given offsets, so it is left out
with a problem line; so is a back-reference resolved to a body named
elsewhere, which keeps its place as ``resolved_from``. A gold file made
this way holds only the tasks the pipeline found: its recall is measured
against them, not against every task of the document (see the README).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline import gold as gold_module

FORMAT = "vntasks-review/1"
DECISIONS = ("unreviewed", "accepted", "rejected", "corrected")
KEPT = ("accepted", "corrected")


@dataclass
class Converted:
    """One document's gold annotations and what the conversion met."""

    gold: dict[str, Any]
    stem: str
    counts: dict[str, int] = field(default_factory=dict)
    # What was left out (a corrected string the text does not hold).
    problems: list[str] = field(default_factory=list)
    # What makes the gold file invalid (pipeline.gold.validate_data); none
    # is expected, and a file with any is not written.
    invalid: list[str] = field(default_factory=list)


def load_review(path: Path | str) -> dict[str, Any]:
    """A review file, checked for its format; raises ``ValueError``."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file (saved by the review page)")
    for index, entry in enumerate(data.get("documents") or []):
        text = entry.get("text")
        expected = (entry.get("document") or {}).get("text_sha256")
        if not isinstance(text, str) or hashlib.sha256(text.encode()).hexdigest() != expected:
            raise ValueError(f"{path}: document {index + 1}: the text does not match its hash")
        for task in entry.get("tasks") or []:
            if task.get("decision") not in DECISIONS:
                raise ValueError(f"{path}: unknown decision {task.get('decision')!r}")
    return data


def kind_of(doc_type: str | None) -> str | None:
    """The gold ``document.kind`` a document type names (``Kế hoạch`` →
    ``ke_hoach``), when it names one of :data:`pipeline.gold.DOCUMENT_KINDS`."""
    from pipeline.evaluate import strip_marks

    if not doc_type:
        return None
    slug = "_".join(strip_marks(unicodedata.normalize("NFC", doc_type)).lower().split())
    return slug if slug in gold_module.DOCUMENT_KINDS else None


def find(text: str, surface: str, near: int) -> tuple[int, int] | None:
    """The occurrence of ``surface`` in ``text`` nearest to offset ``near``."""
    if not surface:
        return None
    best: int | None = None
    start = text.find(surface)
    while start != -1:
        if best is None or abs(start - near) < abs(best - near):
            best = start
        start = text.find(surface, start + 1)
    return None if best is None else (best, best + len(surface))


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"text": text[start:end], "start": start, "end": end}


def _body(text: str, name: str, span: Sequence[int] | None, near: int) -> dict[str, Any] | None:
    """A gold body: at its span when the text there reads its name; a
    back-reference (``Ban cũng …``) resolved to a body named elsewhere."""
    if span is not None and text[span[0] : span[1]] == name:
        return _span(text, span[0], span[1])
    if span is not None:
        return {"text": name, "start": None, "end": None,
                "resolved_from": _span(text, span[0], span[1])}
    found = find(text, name, near)
    return None if found is None else _span(text, *found)


def _deadline(
    text: str, phrase: str, due: str | None, near: int, issued: date | None,
    predicted: Mapping[str, Any] | None,
) -> dict[str, Any] | None:
    from pipeline.deadlines import parse_deadline

    if predicted is not None and predicted.get("text") == phrase and predicted.get("span"):
        span = tuple(predicted["span"])
        kind, read_due = predicted["kind"], predicted.get("due")
    else:
        found = find(text, phrase, near)
        if found is None:
            return None
        span = found
        value = parse_deadline(phrase, issued)
        kind, read_due = value.kind, value.due.isoformat() if value.due else None
    due = due or read_due
    if due is not None and kind in gold_module.UNDATED_KINDS:
        kind = "date"
    if due is None and kind in gold_module.DATED_KINDS:
        kind = "unresolved"
    return {**_span(text, span[0], span[1]), "kind": kind, "due": due}


def _gold_task(
    entry: Mapping[str, Any], text: str, issued: date | None, problems: list[str]
) -> dict[str, Any] | None:
    predicted = entry["predicted"]
    near = predicted["span"][0]
    where = f"task {predicted['id']}"
    if entry["decision"] == "accepted":
        description = _span(text, *predicted["span"])
        bodies = {
            role: [(b["name"], b["span"]) for b in predicted["responsible"] if b["role"] == role]
            for role in ("lead", "support")
        }
        deadline = predicted["deadline"]
        phrase, due = (deadline["text"], deadline["due"]) if deadline else (None, None)
        note = ""
    else:
        corrected = entry["correction"] or {}
        found = find(text, corrected.get("description", ""), near)
        if found is None:
            problems.append(f"{where}: the corrected task is not in the text; left out")
            return None
        description = _span(text, *found)
        bodies = {}
        for role in ("lead", "support"):
            written = {b["name"]: b["span"] for b in predicted["responsible"] if b["role"] == role}
            bodies[role] = [(name, written.get(name)) for name in corrected.get(role, [])]
        deadline = corrected.get("deadline")
        phrase, due = (deadline["text"], deadline.get("due")) if deadline else (None, None)
        note = corrected.get("note") or ""
    gold_bodies: dict[str, list[dict[str, Any]]] = {}
    for role, named in bodies.items():
        gold_bodies[role] = []
        for name, span in named:
            body = _body(text, name, span, near)
            if body is None:
                problems.append(f"{where}: {role} {name!r} is not in the text; left out")
            else:
                gold_bodies[role].append(body)
    gold_deadline = None
    if phrase:
        gold_deadline = _deadline(text, phrase, due, near, issued, predicted["deadline"])
        if gold_deadline is None:
            problems.append(f"{where}: deadline {phrase!r} is not in the text; left out")
    return {
        "description": description,
        "lead": gold_bodies["lead"],
        "support": gold_bodies["support"],
        "deadline": gold_deadline,
        "optional": False,
        "comment": note,
    }


def _document_path(source: str, shared: Path | None) -> str:
    """The gold ``document.path``: relative to the shared folder when the
    source lies in it, else the source's absolute path."""
    path = Path(source).resolve()
    if shared is not None:
        try:
            return path.relative_to(Path(shared).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def to_gold(
    entry: Mapping[str, Any],
    *,
    kind: str | None = None,
    reviewed_at: str = "",
    shared: Path | None = None,
) -> Converted:
    """One document of a review file as a ``vntasks-gold/1`` dict. ``kind``
    is the gold document kind (default: from the document type, see
    :func:`kind_of`); raises ``ValueError`` when neither gives one."""
    document, text = entry["document"], entry["text"]
    chosen = kind or kind_of(document.get("doc_type"))
    if chosen not in gold_module.DOCUMENT_KINDS:
        raise ValueError(
            f"{document['source']}: cannot tell the document kind from "
            f"{document.get('doc_type')!r}; give one of {', '.join(gold_module.DOCUMENT_KINDS)}"
        )
    issued = date.fromisoformat(document["issued_date"]) if document.get("issued_date") else None
    counts = {decision: 0 for decision in DECISIONS}
    problems: list[str] = []
    tasks = []
    for task in entry["tasks"]:
        counts[task["decision"]] += 1
        if task["decision"] in KEPT:
            made = _gold_task(task, text, issued, problems)
            if made is not None:
                tasks.append(made)
    path = _document_path(document["source"], shared)
    summary = ", ".join(f"{counts[d]} {d}" for d in DECISIONS)
    gold = {
        "format": gold_module.FORMAT,
        "document": {
            "path": path,
            "kind": chosen,
            **{key: document.get(key) for key in
               ("doc_type", "number", "title", "issuer", "signer", "issued_date")},
        },
        "annotator": f"vntasks review page{', ' + reviewed_at if reviewed_at else ''}",
        "notes": (
            f"Made from review decisions ({summary}). It holds only tasks the pipeline "
            "found: tasks it missed are not in it."
        ),
        "tasks": tasks,
    }
    invalid = gold_module.validate_data(gold, text)
    return Converted(gold, Path(path).stem, counts, problems, invalid)
