"""Export stage: task records as the v1 JSON contract.

The contract is described by ``pipeline/schema/task-records-v1.schema.json``
(records) and ``error-line-v1.schema.json`` (the line of a document that
failed), which ship in the package and are printed by ``vntasks schema``.
Those files are the *reader's* schemas: they allow properties and values of
open vocabularies they do not name, so a record of a later 1.y validates
against an earlier 1.x reader. :func:`strict_schema` derives from them the
variant this version's own output must meet (no unknown property, every
property but ``document.text`` present, every vocabulary closed), which
:func:`validate` checks by default and the tests apply to every output.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

from pipeline import __version__
from pipeline.model import Body, Deadline, DocumentResult, OcrInfo, Task
from pipeline.rules import EVIDENCE_FIELDS

SCHEMA_VERSION = "1.3"
SCHEMA_FILE = "task-records-v1.schema.json"
ERROR_SCHEMA_FILE = "error-line-v1.schema.json"
# Written only on request (--with-text), or only for scans (the OCR fields),
# so not required even when strict.
_OPTIONAL = frozenset({"text", "ocr", "ocr_confidence"})
_LATER_VALUE = "#/$defs/later_value"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _span(span: tuple[int, int] | None) -> list[int] | None:
    return list(span) if span is not None else None


def _body(body: Body) -> dict[str, Any]:
    return {
        "name": body.name,
        "role": body.role,
        "canonical": body.canonical,
        "span": _span(body.span),
    }


def _deadline(deadline: Deadline | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    value = deadline.value
    return {
        "text": deadline.text,
        "kind": value.kind,
        "due": _iso(value.due),
        "start": _iso(value.start),
        "rrule": value.rrule,
        "span": _span(deadline.span),
    }


def _task(task: Task) -> dict[str, Any]:
    record = {
        "id": task.id,
        "description": task.description,
        "span": list(task.span),
        "responsible": [_body(b) for b in task.responsible],
        "deadline": _deadline(task.deadline),
        "section": task.section,
        "sentence": task.sentence,
        "flags": list(task.flags),
        "evidence": {field: list(task.evidence.get(field, [])) for field in EVIDENCE_FIELDS},
    }
    if task.ocr_confidence is not None:
        record["ocr_confidence"] = task.ocr_confidence
    return record


def _ocr(info: OcrInfo) -> dict[str, Any]:
    return {
        "engine": info.engine,
        "language": info.language,
        "pages": list(info.pages),
        "mean_word_confidence": info.mean_confidence,
    }


def to_dict(result: DocumentResult, with_text: bool = False) -> dict[str, Any]:
    """``result`` as a v1 record (the JSON contract); ``with_text`` adds the
    text as read, which the review page needs."""
    meta = result.document
    document: dict[str, Any] = {
        "id": meta.id,
        "id_basis": meta.id_basis,
        "source": meta.source,
        "doc_type": meta.doc_type,
        "number": meta.number,
        "title": meta.title,
        "issuer": meta.issuer,
        "signer": meta.signer,
        "issued_date": _iso(meta.issued_date),
        "text_sha256": meta.text_sha256,
        "addressees": list(meta.addressees),
    }
    if meta.ocr is not None:
        document["ocr"] = _ocr(meta.ocr)
    if with_text:
        document["text"] = result.text
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "vntasks", "version": __version__},
        "document": document,
        "tasks": [_task(t) for t in result.tasks],
        "warnings": list(result.warnings),
    }


def to_json(result: DocumentResult, with_text: bool = False, indent: int | None = 2) -> str:
    """The v1 record of ``result`` as JSON text (UTF-8 characters kept)."""
    return json.dumps(to_dict(result, with_text), ensure_ascii=False, indent=indent)


def schema_text(error: bool = False) -> str:
    """The reader's JSON Schema of records (of error lines with ``error``),
    as shipped in the package."""
    name = ERROR_SCHEMA_FILE if error else SCHEMA_FILE
    return importlib_resources.files("pipeline").joinpath("schema", name).read_text("utf-8")


@cache
def _schema(error: bool, strict: bool) -> dict[str, Any]:
    loaded = json.loads(schema_text(error))
    if not strict:
        return loaded
    closed = _strict(loaded)
    if not error:
        closed["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    return closed


def schema(strict: bool = False) -> dict[str, Any]:
    """The records' JSON Schema: the reader's, or with ``strict`` the one this
    version's output meets exactly."""
    return _schema(False, strict)


def error_schema(strict: bool = False) -> dict[str, Any]:
    """The error lines' JSON Schema, the reader's or the strict one."""
    return _schema(True, strict)


def _strict(node: Any) -> Any:
    """The strict variant of a reader's schema: every object closed and
    complete, and an open vocabulary's "later value" refused."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref") == _LATER_VALUE:
        return {"not": {}}
    closed = {key: _strict(value) for key, value in node.items()}
    if "properties" in node:
        closed["additionalProperties"] = False
        closed["required"] = [name for name in node["properties"] if name not in _OPTIONAL]
    return closed


def validate(record: dict[str, Any], strict: bool = True) -> None:
    """Raise ``jsonschema.ValidationError`` if ``record`` (a record or an
    error line) is not what this version writes; with ``strict=False``, if
    it breaks the reader's contract (which any later 1.x record meets)."""
    import jsonschema

    chosen = _schema("error" in record and "tasks" not in record, strict)
    jsonschema.validate(record, chosen)
