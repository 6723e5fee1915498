"""Stable identifiers for documents and tasks.

A tracker re-importing a document must update its tasks, not duplicate them,
so ids depend only on content:

- document id: the first 16 hex digits of SHA-256 over the document's
  normalised text (NFC, new-style tone placement, lower case, whitespace runs
  collapsed). The same directive read from .txt, .docx or .html, or with
  re-wrapped lines, keeps its id; any change of wording changes it.
- task id: ``<document id>-t<12 hex digits>`` of SHA-256 over the task's
  normalised description, plus ``-2``, ``-3`` … for repeats of the same
  description in one document, in document order. Reordering tasks or
  re-running keeps ids; editing a task's wording, or the document's, changes
  them.
"""

from __future__ import annotations

import hashlib
import re

from pipeline.normalise import normalise_string


def _canonical(text: str) -> str:
    return re.sub(r"\s+", " ", normalise_string(text)).strip().lower()


def document_id(text: str) -> str:
    return hashlib.sha256(_canonical(text).encode("utf-8")).hexdigest()[:16]


def task_id(doc_id: str, description: str, seen: dict[str, int]) -> str:
    base = f"{doc_id}-t{hashlib.sha256(_canonical(description).encode('utf-8')).hexdigest()[:12]}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"
