"""vntasks: tasks, responsible bodies and deadlines from Vietnamese directives.

The public Python API, under the project's own name::

    from vntasks import extract, to_dict

    result = extract("corpus/thong-bao-ket-luan-mau.txt")
    for task in result.tasks:
        print(task.description, [b.name for b in task.responsible], task.deadline)
    record = to_dict(result)          # the v1 JSON contract

The work is done by the internal package ``pipeline`` (one module per
stage); what is listed in ``__all__`` here is what stays stable. Names load
on first use, so ``import vntasks`` is fast and the language models load
only when a document is extracted.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pipeline import __version__

# Public name -> the module of ``pipeline`` that defines it.
_EXPORTS = {
    "extract": "pipeline.extraction",
    "DocumentResult": "pipeline.model",
    "RawDocument": "pipeline.model",
    "Task": "pipeline.model",
    "Body": "pipeline.model",
    "Deadline": "pipeline.model",
    "DeadlineValue": "pipeline.model",
    "DocumentMeta": "pipeline.model",
    "read_document": "pipeline.read",
    "read_bytes": "pipeline.read",
    "read_text": "pipeline.read",
    "to_dict": "pipeline.export",
    "to_json": "pipeline.export",
    "validate": "pipeline.export",
    "schema": "pipeline.export",
    "render": "pipeline.formats",
    "VntasksError": "pipeline.errors",
}

__all__ = [
    "__version__",
    "extract",
    "DocumentResult",
    "RawDocument",
    "Task",
    "Body",
    "Deadline",
    "DeadlineValue",
    "DocumentMeta",
    "read_document",
    "read_bytes",
    "read_text",
    "to_dict",
    "to_json",
    "validate",
    "schema",
    "render",
    "VntasksError",
]

if TYPE_CHECKING:
    from pipeline.errors import VntasksError
    from pipeline.export import schema, to_dict, to_json, validate
    from pipeline.extraction import extract
    from pipeline.formats import render
    from pipeline.model import (
        Body,
        Deadline,
        DeadlineValue,
        DocumentMeta,
        DocumentResult,
        RawDocument,
        Task,
    )
    from pipeline.read import read_bytes, read_document, read_text


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'vntasks' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
