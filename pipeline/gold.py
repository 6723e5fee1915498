"""Gold annotations (``vntasks-gold/1``): load, validate, serialise, split.

The format is described in ``annotations/README.md``. Gold files refer to
their document by a path relative to the shared folder, which lives outside
the repository: ``$VNTASKS_SHARED`` when set, else ``<repo>/../shared``.
Offsets are code-point indices into the document exactly as
``open(path, encoding="utf-8").read()`` returns it (no newline translation
beyond Python's default, no normalisation).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.model import DEADLINE_KINDS

FORMAT = "vntasks-gold/1"

DOCUMENT_KINDS = (
    "ke_hoach",
    "quyet_dinh_ke_hoach",
    "cong_dien",
    "thong_bao_ket_luan",
    "ket_luan",
    "cong_van",
    "chi_thi",
    "nghi_quyet",
    "news_report",
    "chi_thi_old_segmented",
    # Kinds of the documents drawn from corpus-wild (annotations/PROTOCOL.md).
    "quyet_dinh",
    "thong_bao",
    "huong_dan",
    "quy_dinh",
)

# Kinds whose meaning always fixes a day (the guide's table): a gold deadline
# of these kinds without ``due`` is an annotation slip, and one of the
# remaining kinds with a ``due`` (other than ``recurring``) is too.
DATED_KINDS = ("date", "period", "relative")
UNDATED_KINDS = ("ongoing", "event", "immediate", "unresolved")

# ``test`` is the part drawn at random from corpus-wild (annotations/PROTOCOL.md);
# ``old-test`` the earlier, hand-picked test documents, still only measured.
SPLIT_PARTS = ("dev", "test", "old-test")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_ENV = "VNTASKS_SHARED"
# The regression ledger (pipeline/ledger.py) lives beside the gold files it
# was scored on, but is no gold file itself.
LEDGER_NAME = "ledger.json"

_DOCUMENT_KEYS = {"path", "kind", "doc_type", "number", "title", "issuer", "signer", "issued_date"}
_TOP_KEYS = {"format", "document", "annotator", "notes", "tasks"}
_TASK_KEYS = {"description", "lead", "support", "deadline", "optional", "comment"}
_BODY_KEYS = {"text", "start", "end", "resolved_from"}
_DEADLINE_KEYS = {"text", "start", "end", "kind", "due", "start_date", "rrule"}


class SharedFolderMissing(FileNotFoundError):
    """The shared folder with the documents is not where it should be."""


@dataclass(frozen=True)
class GoldSpan:
    text: str
    start: int | None
    end: int | None

    @property
    def span(self) -> tuple[int, int] | None:
        if self.start is None or self.end is None:
            return None
        return self.start, self.end


@dataclass(frozen=True)
class GoldBody:
    """A body as written; for a back-reference ``text`` is the resolved name,
    ``start``/``end`` are ``None`` and ``resolved_from`` is where it stands."""

    text: str
    start: int | None
    end: int | None
    resolved_from: GoldSpan | None = None

    @property
    def anchor(self) -> tuple[int, int] | None:
        """Where the body is in the text: its own span or the back-reference's."""
        if self.start is not None and self.end is not None:
            return self.start, self.end
        if self.resolved_from is not None:
            return self.resolved_from.span
        return None


@dataclass(frozen=True)
class GoldDeadline:
    text: str
    start: int | None
    end: int | None
    kind: str
    due: date | None
    start_date: date | None = None
    rrule: str | None = None


@dataclass
class GoldTask:
    description: GoldSpan
    lead: list[GoldBody] = field(default_factory=list)
    support: list[GoldBody] = field(default_factory=list)
    deadline: GoldDeadline | None = None
    optional: bool = False
    comment: str = ""


@dataclass
class GoldDocumentMeta:
    path: str
    kind: str
    doc_type: str | None = None
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    signer: str | None = None
    issued_date: date | None = None


@dataclass
class GoldDocument:
    """One gold file. ``text`` is the document's text when it has been read
    (:func:`load_gold` with ``with_text=True``, or set by hand in tests)."""

    document: GoldDocumentMeta
    tasks: list[GoldTask]
    annotator: str = ""
    notes: str = ""
    source: Path | None = None
    text: str | None = None

    @property
    def stem(self) -> str:
        return Path(self.document.path).stem


# --- locations -------------------------------------------------------------


def shared_dir(required: bool = True) -> Path:
    """The shared folder; raises :class:`SharedFolderMissing` when ``required``
    and it does not exist."""
    configured = os.environ.get(SHARED_ENV)
    path = Path(configured) if configured else REPO_ROOT.parent / "shared"
    if required and not path.is_dir():
        raise SharedFolderMissing(
            f"shared folder not found: {path} (set {SHARED_ENV} to the folder holding "
            "real-directives/ and seed/)"
        )
    return path


def annotations_dir() -> Path:
    return REPO_ROOT / "annotations"


def gold_files(directory: Path | None = None) -> list[Path]:
    """Every gold file in ``directory`` (default ``annotations/``), sorted."""
    directory = annotations_dir() if directory is None else Path(directory)
    return sorted(path for path in directory.glob("*.json") if path.name != LEDGER_NAME)


def document_path(path: str, shared: Path | None = None) -> Path:
    return (shared_dir() if shared is None else Path(shared)) / path


def read_document(path: str, shared: Path | None = None) -> str:
    """The document as offsets count it."""
    with open(document_path(path, shared), encoding="utf-8") as handle:
        return handle.read()


# --- split -----------------------------------------------------------------


def split_path(directory: Path | None = None) -> Path:
    return (annotations_dir() if directory is None else Path(directory)) / "split.tsv"


def ledger_path(directory: Path | None = None) -> Path:
    """The committed regression ledger beside the gold files."""
    return (annotations_dir() if directory is None else Path(directory)) / LEDGER_NAME


def read_split(path: Path | None = None) -> dict[str, str]:
    """``{stem: part}`` from ``split.tsv`` (columns ``stem``, ``part``)."""
    path = split_path() if path is None else Path(path)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    split: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        stem, part = (row.get("stem") or "").strip(), (row.get("part") or "").strip()
        if part not in SPLIT_PARTS:
            raise ValueError(f"{path}:{number}: part must be one of {SPLIT_PARTS}, not {part!r}")
        if stem in split:
            raise ValueError(f"{path}:{number}: {stem} listed twice")
        split[stem] = part
    return split


def select_part(paths: Iterable[Path], part: str, split: Mapping[str, str]) -> list[Path]:
    """The gold files of ``part`` (one of :data:`SPLIT_PARTS`, or ``all``)."""
    if part == "all":
        return list(paths)
    if part not in SPLIT_PARTS:
        raise ValueError(f"part must be one of {', '.join(SPLIT_PARTS)} or all, not {part!r}")
    return [path for path in paths if split.get(path.stem) == part]


# --- parsing ---------------------------------------------------------------


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _span(data: Mapping[str, Any]) -> GoldSpan:
    return GoldSpan(data["text"], data.get("start"), data.get("end"))


def _body(data: Mapping[str, Any]) -> GoldBody:
    resolved = data.get("resolved_from")
    return GoldBody(
        data["text"],
        data.get("start"),
        data.get("end"),
        None if resolved is None else _span(resolved),
    )


def _deadline(data: Mapping[str, Any] | None) -> GoldDeadline | None:
    if data is None:
        return None
    return GoldDeadline(
        text=data["text"],
        start=data.get("start"),
        end=data.get("end"),
        kind=data["kind"],
        due=_date(data.get("due")),
        start_date=_date(data.get("start_date")),
        rrule=data.get("rrule"),
    )


def from_dict(data: Mapping[str, Any], source: Path | None = None) -> GoldDocument:
    """Build a :class:`GoldDocument` from a parsed gold file (assumed valid)."""
    meta = data["document"]
    tasks = [
        GoldTask(
            description=_span(task["description"]),
            lead=[_body(body) for body in task.get("lead") or []],
            support=[_body(body) for body in task.get("support") or []],
            deadline=_deadline(task.get("deadline")),
            optional=bool(task.get("optional", False)),
            comment=task.get("comment") or "",
        )
        for task in data.get("tasks", [])
    ]
    return GoldDocument(
        document=GoldDocumentMeta(
            path=meta["path"],
            kind=meta["kind"],
            doc_type=meta.get("doc_type"),
            number=meta.get("number"),
            title=meta.get("title"),
            issuer=meta.get("issuer"),
            signer=meta.get("signer"),
            issued_date=_date(meta.get("issued_date")),
        ),
        tasks=tasks,
        annotator=data.get("annotator") or "",
        notes=data.get("notes") or "",
        source=source,
    )


def load_gold(
    path: Path | str, with_text: bool = False, shared: Path | None = None
) -> GoldDocument:
    path = Path(path)
    with open(path, encoding="utf-8") as handle:
        document = from_dict(json.load(handle), source=path)
    if with_text:
        document.text = read_document(document.document.path, shared)
    return document


def load_gold_dir(
    directory: Path | None = None,
    part: str = "all",
    with_text: bool = False,
    shared: Path | None = None,
) -> list[GoldDocument]:
    """The gold documents of one part of the split (``dev``, ``test``, ``all``)."""
    directory = annotations_dir() if directory is None else Path(directory)
    paths = gold_files(directory)
    if part != "all":
        paths = select_part(paths, part, read_split(split_path(directory)))
    return [load_gold(path, with_text=with_text, shared=shared) for path in paths]


# --- serialising -----------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _span_dict(span: GoldSpan) -> dict[str, Any]:
    return {"text": span.text, "start": span.start, "end": span.end}


def _body_dict(body: GoldBody) -> dict[str, Any]:
    out: dict[str, Any] = {"text": body.text, "start": body.start, "end": body.end}
    if body.resolved_from is not None:
        out["resolved_from"] = _span_dict(body.resolved_from)
    return out


def _deadline_dict(deadline: GoldDeadline | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    out: dict[str, Any] = {
        "text": deadline.text,
        "start": deadline.start,
        "end": deadline.end,
        "kind": deadline.kind,
        "due": _iso(deadline.due),
    }
    # Optional keys stay absent when empty so that files round-trip unchanged.
    if deadline.start_date is not None:
        out["start_date"] = _iso(deadline.start_date)
    if deadline.rrule is not None:
        out["rrule"] = deadline.rrule
    return out


def to_dict(document: GoldDocument) -> dict[str, Any]:
    """The ``vntasks-gold/1`` form of ``document``."""
    meta = document.document
    return {
        "format": FORMAT,
        "document": {
            "path": meta.path,
            "kind": meta.kind,
            "doc_type": meta.doc_type,
            "number": meta.number,
            "title": meta.title,
            "issuer": meta.issuer,
            "signer": meta.signer,
            "issued_date": _iso(meta.issued_date),
        },
        "annotator": document.annotator,
        "notes": document.notes,
        "tasks": [
            {
                "description": _span_dict(task.description),
                "lead": [_body_dict(body) for body in task.lead],
                "support": [_body_dict(body) for body in task.support],
                "deadline": _deadline_dict(task.deadline),
                "optional": task.optional,
                "comment": task.comment,
            }
            for task in document.tasks
        ],
    }


def dump_gold(document: GoldDocument | Mapping[str, Any], path: Path | str) -> None:
    data = to_dict(document) if isinstance(document, GoldDocument) else document
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


# --- validation ------------------------------------------------------------


class _Checker:
    """Collects ``where: what`` messages while walking one gold file."""

    def __init__(self, text: str | None):
        self.text = text
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def keys(self, where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.add(where, f"unknown field {key!r}")

    def string(self, where: str, value: Any, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or not value:
            self.add(where, f"must be a non-empty string, not {value!r}")

    def iso_date(self, where: str, value: Any) -> None:
        if value is None:
            return
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            self.add(where, f"must be a date YYYY-MM-DD or null, not {value!r}")

    def span(self, where: str, data: Any, nullable_offsets: bool = False) -> None:
        """``data`` must be ``{"text", "start", "end"}`` with text == text[start:end]."""
        if not isinstance(data, Mapping):
            self.add(where, f"must be an object with text/start/end, not {data!r}")
            return
        self.string(f"{where}.text", data.get("text"))
        start, end = data.get("start"), data.get("end")
        if nullable_offsets and start is None and end is None:
            return
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                self.add(f"{where}.{name}", f"must be a non-negative integer, not {value!r}")
                return
        if end <= start:
            self.add(where, f"end {end} must be greater than start {start}")
            return
        if self.text is None:
            return
        if end > len(self.text):
            self.add(where, f"end {end} is past the end of the document ({len(self.text)})")
            return
        surface = self.text[start:end]
        if surface != data.get("text"):
            self.add(
                where,
                f"text {data.get('text')!r} does not match the document at "
                f"[{start}:{end}], which reads {surface!r}",
            )

    def body(self, where: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            self.add(where, f"must be an object, not {data!r}")
            return
        self.keys(where, data, _BODY_KEYS)
        resolved = data.get("resolved_from")
        if resolved is None:
            self.span(where, data)
            return
        self.span(f"{where}.resolved_from", resolved)
        self.string(f"{where}.text", data.get("text"))
        if data.get("start") is not None or data.get("end") is not None:
            # A resolved name is not written where the offsets would point.
            self.add(where, "a resolved body has start/end null; its place is resolved_from")

    def deadline(self, where: str, data: Any) -> None:
        if data is None:
            return
        if not isinstance(data, Mapping):
            self.add(where, f"must be an object or null, not {data!r}")
            return
        self.keys(where, data, _DEADLINE_KEYS)
        self.span(where, data)
        kind = data.get("kind")
        if kind not in DEADLINE_KINDS:
            self.add(f"{where}.kind", f"must be one of {', '.join(DEADLINE_KINDS)}, not {kind!r}")
        for key in ("due", "start_date"):
            self.iso_date(f"{where}.{key}", data.get(key))
        if "due" not in data:
            self.add(where, "missing field 'due' (null when the kind has no day)")
        elif kind in DATED_KINDS and data["due"] is None:
            self.add(f"{where}.due", f"a {kind} deadline needs a due date")
        elif kind in UNDATED_KINDS and data["due"] is not None:
            self.add(f"{where}.due", f"a {kind} deadline has no due date")
        rrule = data.get("rrule")
        if rrule is not None and (not isinstance(rrule, str) or "FREQ=" not in rrule):
            self.add(f"{where}.rrule", f"must be an RFC 5545 RRULE value, not {rrule!r}")

    def task(self, where: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            self.add(where, f"must be an object, not {data!r}")
            return
        self.keys(where, data, _TASK_KEYS)
        if "description" not in data:
            self.add(where, "missing field 'description'")
        else:
            self.span(f"{where}.description", data["description"])
        for role in ("lead", "support"):
            bodies = data.get(role, [])
            if not isinstance(bodies, list):
                self.add(f"{where}.{role}", f"must be a list, not {bodies!r}")
                continue
            for index, body in enumerate(bodies):
                self.body(f"{where}.{role}[{index}]", body)
        if "deadline" not in data:
            self.add(where, "missing field 'deadline' (null when the task has none)")
        else:
            self.deadline(f"{where}.deadline", data["deadline"])
        if not isinstance(data.get("optional", False), bool):
            self.add(f"{where}.optional", f"must be true or false, not {data['optional']!r}")
        if not isinstance(data.get("comment", ""), str):
            self.add(f"{where}.comment", "must be a string")


def validate_data(data: Any, text: str | None, stem: str | None = None) -> list[str]:
    """Errors in a parsed gold file; offsets are checked only when ``text``
    (the document as read) is given. ``stem`` is the gold file's stem."""
    check = _Checker(text)
    if not isinstance(data, Mapping):
        return ["file: must hold a JSON object"]
    check.keys("file", data, _TOP_KEYS)
    if data.get("format") != FORMAT:
        check.add("format", f"must be {FORMAT!r}, not {data.get('format')!r}")
    meta = data.get("document")
    if not isinstance(meta, Mapping):
        check.add("document", "missing or not an object")
    else:
        check.keys("document", meta, _DOCUMENT_KEYS)
        check.string("document.path", meta.get("path"))
        if stem is not None and isinstance(meta.get("path"), str):
            if Path(meta["path"]).stem != stem:
                check.add(
                    "document.path", f"the file should be named {Path(meta['path']).stem}.json"
                )
        if meta.get("kind") not in DOCUMENT_KINDS:
            check.add(
                "document.kind",
                f"must be one of {', '.join(DOCUMENT_KINDS)}, not {meta.get('kind')!r}",
            )
        for key in ("doc_type", "number", "title", "issuer", "signer"):
            if key not in meta:
                check.add("document", f"missing field {key!r} (null when the text gives none)")
            else:
                check.string(f"document.{key}", meta[key], nullable=True)
        if "issued_date" not in meta:
            check.add("document", "missing field 'issued_date'")
        check.iso_date("document.issued_date", meta.get("issued_date"))
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        check.add("tasks", "missing or not a list")
    else:
        for index, task in enumerate(tasks):
            check.task(f"tasks[{index}]", task)
    return check.errors


def validate(path: Path | str, shared: Path | None = None) -> list[str]:
    """Every problem in one gold file, as ``<file>: <where>: <what>`` lines.

    The document is read from the shared folder so each offset can be checked
    against its surface text; a missing shared folder raises
    :class:`SharedFolderMissing` rather than passing silently.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        return [f"{path}: cannot read: {error}"]
    shared = shared_dir() if shared is None else Path(shared)
    if not shared.is_dir():
        raise SharedFolderMissing(f"shared folder not found: {shared}")
    text = None
    errors: list[str] = []
    doc_path = data.get("document", {}).get("path") if isinstance(data, Mapping) else None
    if isinstance(doc_path, str) and doc_path:
        try:
            text = read_document(doc_path, shared)
        except OSError as error:
            errors.append(f"document.path: cannot read the document: {error}")
    errors.extend(validate_data(data, text, stem=path.stem))
    return [f"{path}: {error}" for error in errors]
