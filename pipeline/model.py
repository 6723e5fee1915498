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

# A body's role in a task: chủ trì (lead) or phối hợp (support).
BODY_ROLES = ("lead", "support")

# Every flag a task record can carry (README, "The JSON contract"): the rules
# of resources/rules.yaml bring the inherited ones, the stages the others.
FLAGS = (
    "inherited_lead",
    "inherited_deadline",
    "resolved_reference",
    "from_label",
    "from_table",
    "from_heading",
    "unresolved_deadline",
    "no_lead",
    # The text was recognised from a scan (pipeline/read/ocr.py).
    "ocr",
)


@dataclass(frozen=True)
class OcrInfo:
    """How much of a document's text came from OCR, and how sure Tesseract
    was: the 1-based pages it read, its mean word confidence (0-100) over
    them, the engine, and each recognised word found in the text as read
    ``(start, end, confidence)``, so a record can carry its own mean."""

    pages: tuple[int, ...]
    mean_confidence: float
    engine: str
    language: str
    words: tuple[tuple[int, int, float], ...] = ()

    def confidence(self, start: int, end: int) -> float:
        """Mean confidence of the words within ``[start, end)``; the
        document's where none is."""
        inside = [conf for s, e, conf in self.words if s < end and e > start]
        return sum(inside) / len(inside) if inside else self.mean_confidence


@dataclass(frozen=True)
class RawDocument:
    """The output of the read stage: decoded text plus where it came from."""

    text: str
    source: str
    media_type: str = "text/plain"
    # The legacy or Unicode encoding the bytes were in ("utf-8", "tcvn3", …);
    # None where the text did not come from bytes the reader decoded.
    encoding: str | None = None
    # Set when some of the text was recognised from page images.
    ocr: OcrInfo | None = None


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
    """A task's deadline: the phrase as written, its span (None when it was
    inherited from a place with no offsets), and what it means."""

    text: str
    span: Span | None
    value: DeadlineValue


@dataclass(frozen=True)
class Body:
    """A responsible body: its name as written, its role (``lead``, chủ trì,
    or ``support``, phối hợp), the gazetteer's canonical name when it knows
    one, and its span."""

    name: str
    role: str  # one of BODY_ROLES
    canonical: str | None
    span: Span | None


@dataclass
class Task:
    """One task: the action (``description`` = ``text[span[0]:span[1]]``),
    its bodies, its deadline, the heading and sentence it stands in, and the
    flags a reviewer should check (see the README)."""

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
    # Mean OCR word confidence (0-100) over the task's sentence; None when
    # the text did not come from OCR.
    ocr_confidence: float | None = None


@dataclass
class DocumentMeta:
    """What the document is: its id (and what it was made from, ``"number"``
    or ``"text"``, see :mod:`pipeline.ids`), source, type, number, title,
    issuer, signer, issue date, the SHA-256 of its text and its addressees."""

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
    id_basis: str = "text"
    ocr: OcrInfo | None = None


@dataclass
class DocumentResult:
    """What :func:`pipeline.extract` returns for one document: its metadata,
    its tasks, the text as read (every span points into it) and warnings."""

    document: DocumentMeta
    tasks: list[Task]
    text: str
    warnings: list[str] = field(default_factory=list)
    # The rules that acted without making a record field (clause splits, the
    # reasons a stretch gave no task), as (rule id, start, end); not exported.
    trace: list[tuple[str, int, int]] = field(default_factory=list)
