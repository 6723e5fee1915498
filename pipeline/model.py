"""Plain records passed between the stages.

Every span is a pair of code-point offsets into the text *as read* (after
decoding, before any normalisation), so ``text[start:end]`` is always the
surface the value came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Span = tuple[int, int]

DEADLINE_KINDS = (
    "date",
    "period",
    "relative",
    "ongoing",
    "recurring",
    "event",
    "immediate",
    "unresolved",
)


@dataclass(frozen=True)
class RawDocument:
    """The output of the read stage: decoded text plus where it came from."""

    text: str
    source: str
    media_type: str = "text/plain"
    # The legacy or Unicode encoding the bytes were in ("utf-8", "tcvn3", …);
    # None where the text did not come from bytes the reader decoded.
    encoding: str | None = None


@dataclass(frozen=True)
class DeadlineValue:
    """What a deadline phrase means, anchored on the document's issue date."""

    kind: str
    due: date | None = None
    start: date | None = None
    rrule: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    text: str
    span: Span | None
    value: DeadlineValue


@dataclass(frozen=True)
class Body:
    name: str
    role: str  # "lead" | "support"
    canonical: str | None
    span: Span | None


@dataclass
class Task:
    id: str
    description: str
    span: Span
    responsible: list[Body]
    deadline: Deadline | None
    section: str | None
    sentence: str
    sentence_span: Span
    flags: list[str] = field(default_factory=list)
    # The ids of the rules (resources/rules.yaml) that made each field:
    # {"description": [...], "lead": [...], "support": [...], "deadline": [...]}.
    evidence: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class DocumentMeta:
    id: str
    source: str
    doc_type: str | None
    number: str | None
    title: str | None
    issuer: str | None
    signer: str | None
    issued_date: date | None
    text_sha256: str
    addressees: tuple[str, ...] = ()


@dataclass
class DocumentResult:
    document: DocumentMeta
    tasks: list[Task]
    text: str
    warnings: list[str] = field(default_factory=list)
    # The rules that acted without making a record field (clause splits, the
    # reasons a stretch gave no task), as (rule id, start, end); not exported.
    trace: list[tuple[str, int, int]] = field(default_factory=list)
