"""Deadlines stage: give each draft's deadline phrase its meaning.

The phrase was located during assembly; here it is read against the
document's issue date (``pipeline.deadlines.parse_deadline``), and the drafts
become the final task records with stable ids.
"""

from __future__ import annotations

from datetime import date

from pipeline.assemble import BodyRef, Draft
from pipeline.deadlines import parse_deadline
from pipeline.ids import task_id
from pipeline.model import Body, Deadline, Task


def _body(ref: BodyRef, role: str) -> Body:
    target = ref.target
    return Body(
        name=target.text,
        role=role,
        canonical=target.canonical,
        span=(ref.mention.start, ref.mention.end),
    )


def anchor_deadlines(
    drafts: list[Draft], text: str, doc_id: str, issued: date | None
) -> tuple[list[Task], list[str]]:
    """Final task records and the warnings their deadlines raised."""
    tasks: list[Task] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    # The tasks of one sentence share one copy of it: a copy each made a
    # line of thousands of clauses quadratic in memory (issue 17).
    sentences: dict[tuple[int, int], str] = {}
    for draft in drafts:
        description = text[draft.start : draft.end]
        deadline = None
        flags = list(draft.flags)
        if draft.deadline is not None:
            phrase = draft.deadline
            value = parse_deadline(phrase.text, issued)
            deadline = Deadline(phrase.text, (phrase.start, phrase.end), value)
            if value.kind == "unresolved":
                flags.append("unresolved_deadline")
                for warning in value.warnings or ("cannot pin down the deadline",):
                    warnings.append(f"{phrase.text!r} at {phrase.start}: {warning}")
        responsible = [_body(r, "lead") for r in draft.leads]
        lead_names = {b.name for b in responsible}
        responsible += [
            _body(r, "support") for r in draft.supports if r.target.text not in lead_names
        ]
        if not draft.leads:
            flags.append("no_lead")
        if draft.sentence not in sentences:
            sentences[draft.sentence] = text[draft.sentence[0] : draft.sentence[1]]
        sentence = sentences[draft.sentence]
        tasks.append(
            Task(
                id=task_id(doc_id, description, seen, draft.headings),
                description=description,
                span=(draft.start, draft.end),
                responsible=responsible,
                deadline=deadline,
                section=draft.section,
                sentence=sentence,
                sentence_span=draft.sentence,
                flags=list(dict.fromkeys(flags)),
                evidence={field: list(rules) for field, rules in draft.evidence.items()},
            )
        )
    return tasks, warnings
