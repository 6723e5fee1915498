"""Export stage: task records as the v1 JSON contract.

The contract is described by ``pipeline/schema/task-records-v1.schema.json``,
which ships in the package, is printed by ``vntasks schema`` and validates
every output in the tests.
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


def schema_text() -> str:
    """The JSON Schema of the contract, as shipped in the package."""
    return importlib_resources.files("pipeline").joinpath("schema", SCHEMA_FILE).read_text("utf-8")


@cache
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


def validate(record: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``record`` breaks the contract."""
    import jsonschema

    jsonschema.validate(record, schema())
