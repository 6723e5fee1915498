"""Stable identifiers for documents and tasks.

A tracker or a register re-importing a document must update its tasks, not
duplicate them, and an amended text must keep the ids of the tasks it did not
touch. Ids therefore name *what* a document or task is, not the bytes of one
version of it (that version is ``document.text_sha256``).

Every string that goes into an id is folded first: NFC, new-style tone
placement (``hoà`` = ``hòa``), invisible characters dropped, lower case,
whitespace runs collapsed (``_canonical``).

Document id (16 hex digits), with ``document.id_basis`` saying which:

- ``"number"``: SHA-256 over the document's issuer, type, number (all
  whitespace removed, so ``Số: 96-KH/TU`` and ``số 96 - KH/TU`` agree) and
  issue year. Vietnamese administrative numbers restart every year
  (Nghị định 30/2020/NĐ-CP, Phụ lục I) and their codes do not name the
  province (``96-KH/TU`` is any Tỉnh ủy's), so issuer and year are part of
  the name. Editing any other line keeps the id; correcting the number, the
  issuer, the type or the year makes a new document. Used when the number
  is the document's own: read from its header (``Số: …``) or its appendix
  caption, or given by the caller (``--number``). A news report names the
  number of the directive it reports, which is not its own.
- ``"text"``: SHA-256 over the whole folded text, for a document with no
  number of its own (a news report, a letter without header). The same text
  from .txt, .docx or .html, or re-wrapped, keeps its id; any edit changes it,
  and with it every task id.

Task id: ``<document id>-t<12 hex digits>`` of SHA-256 over the folded text
of the headings the task stands under (outermost first, each *without* its
list marker) and the folded description, plus ``-2``, ``-3`` … for repeats of
the same description under the same headings, in document order. So:

- editing one task's description changes that task's id only;
- editing the date line, the preamble, another section, or adding a task
  elsewhere keeps the other ids;
- inserting a section before others keeps their ids, since markers
  (``II.`` becoming ``III.``) are left out;
- rewording a heading changes the ids of the tasks under it (the trade-off
  for telling apart the same sentence under two headings: "Sở Tài chính bố
  trí kinh phí" in two programmes are two tasks);
- a repeat's ``-N`` follows its order under its headings, so adding a copy
  before it renumbers the copies after it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date

from pipeline.normalise import normalise_string

ID_BASES = ("number", "text")
_SEPARATOR = "\x1f"
# The text-basis id keeps the hash of schema 1.2's document id, so documents
# without a number keep the ids they had; the number basis is tagged so its
# inputs can never hash like a text.
_NUMBER_TAG = "vntasks-document-number/1"


def _canonical(text: str) -> str:
    return re.sub(r"\s+", " ", normalise_string(text)).strip().lower()


def _heading(text: str) -> str:
    """A heading as part of a task's place: folded, without the colon or
    full stop that ends it."""
    return _canonical(text).rstrip(" .:;")


def _hex(value: str, digits: int) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:digits]


def document_id(
    text: str,
    number: str | None = None,
    issuer: str | None = None,
    doc_type: str | None = None,
    issued: date | None = None,
) -> tuple[str, str]:
    """The document's id and its basis (``"number"`` or ``"text"``): from
    its number, issuer, type and issue year when ``number`` is given (the
    document's own number), else from its whole text."""
    if number and number.strip():
        parts = (
            _NUMBER_TAG,
            _canonical(issuer or ""),
            _canonical(doc_type or ""),
            re.sub(r"\s+", "", _canonical(number)),
            str(issued.year) if issued is not None else "",
        )
        return _hex(_SEPARATOR.join(parts), 16), "number"
    return _hex(_canonical(text), 16), "text"


def task_id(
    doc_id: str, description: str, seen: dict[str, int], headings: Sequence[str] = ()
) -> str:
    """The id of a task of document ``doc_id``; ``seen`` counts the ids
    given so far in the document, for the ``-N`` of repeats."""
    place = [_heading(h) for h in headings]
    base = f"{doc_id}-t{_hex(_SEPARATOR.join([*place, _canonical(description)]), 12)}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"
