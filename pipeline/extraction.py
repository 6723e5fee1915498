"""``extract()``: run the stages in order on one document."""

from __future__ import annotations

import errno
import hashlib
import re
from datetime import date
from pathlib import Path

from pipeline.anchor import anchor_deadlines
from pipeline.assemble import Firing, Phrase, assemble
from pipeline.deadlines import find_deadlines
from pipeline.ids import document_id
from pipeline.match import match
from pipeline.metadata import canonical_doc_type, extract_metadata
from pipeline.model import DocumentMeta, DocumentResult, RawDocument
from pipeline.normalise import NormalisedText, normalise
from pipeline.read import SUPPORTED_SUFFIXES, read_document, read_text
from pipeline.segment import segment
from pipeline.tokenise import tokenise

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_NOT_FOUND = "no such file (a one-line str that names a file is read as a path)"


def _looks_like_path(value: str) -> bool:
    """A one-line ``str`` that names a file rather than holding the text: an
    existing file, or a name ending in a supported suffix, or one with no
    space ending in any file extension (``corpus/x.tx``, a mistyped path,
    must not be extracted as a text of three words)."""
    if "\n" in value or len(value) >= 4096:
        return False
    try:
        if Path(value).is_file():
            return True
    except OSError:  # a name too long for the file system is text, not a path
        return False
    name = value.strip()
    if name.lower().endswith(SUPPORTED_SUFFIXES):
        return True
    return not any(char.isspace() for char in name) and _EXTENSION.search(name) is not None


def locate_deadlines(view: NormalisedText, text: str) -> list[Phrase]:
    """Deadline phrases of the whole document, as offsets into the text as
    read, each with its surface as read (NFD input keeps its NFD phrase)."""
    phrases = []
    for found in find_deadlines(view.text, None):
        start, end = view.to_original(found.start, found.end)
        phrases.append(Phrase(start, end, text[start:end]))
    return phrases


def _metadata_warnings(read: str | None, given: str | None, name: str, flag: str) -> list[str]:
    """Say when a field could not be read, or when the caller's value differs
    from the text's: the field is left empty rather than guessed."""
    if given is None and read is None:
        return [f"no {name} found in the text; give one with {flag}"]
    if given is not None and read is not None and given != read:
        return [f"{name} {given!r} given with {flag}; the text reads {read!r}"]
    return []


def extract(
    source: str | Path | RawDocument,
    issued: date | None = None,
    source_name: str | None = None,
    doc_type: str | None = None,
    number: str | None = None,
) -> DocumentResult:
    """Extract every task of one directive.

    ``source`` is a path (``Path``, or a one-line ``str`` that names a file:
    one that exists, or a name ending in a file extension), a
    :class:`RawDocument`, or the text itself; a path that does not exist
    raises ``FileNotFoundError`` (pass ``read_text(value)`` to extract a
    one-line text that looks like a file name). ``issued`` supplies the issue
    date where the text gives none; the text's own date wins. ``doc_type``
    and ``number`` say what the document is when the caller knows better than
    the text (a letter with no header, a report that names other directives):
    they replace what is read, and a warning says so where the two differ;
    a ``doc_type`` the pipeline does not know raises ``VntasksError``.
    """
    if doc_type is not None:
        doc_type = canonical_doc_type(doc_type)
    if isinstance(source, RawDocument):
        raw = source
    elif isinstance(source, Path) or _looks_like_path(source):
        if not Path(source).exists():
            raise FileNotFoundError(errno.ENOENT, _NOT_FOUND, str(source))
        raw = read_document(source)
    else:
        raw = read_text(source, source_name or "<text>")
    text = raw.text
    view = normalise(text)
    paragraphs = segment(view)
    doc = tokenise(text)
    matches = match(doc)
    meta = extract_metadata(view.text, matches)
    read_type, read_number = meta.doc_type, meta.number
    issued_date = meta.issued_date or issued
    trace: list[Firing] = []
    drafts = assemble(doc, paragraphs, matches, locate_deadlines(view, text), trace=trace)
    final_type = doc_type or meta.doc_type
    # A caller's --number names the document itself; a number the text
    # gives is the document's own only when read from its header or caption.
    own_number = number or (meta.number if meta.own_number else None)
    doc_id, id_basis = document_id(text, own_number, meta.issuer, final_type, issued_date)
    tasks, warnings = anchor_deadlines(drafts, text, doc_id, issued_date)
    if raw.ocr is not None:
        for task in tasks:
            # Confidence over the sentence: a misread body or date near the
            # description matters as much as the description's own words.
            task.flags.append("ocr")
            task.ocr_confidence = round(raw.ocr.confidence(*task.sentence_span), 1)
    warnings[:0] = _metadata_warnings(read_type, doc_type, "document type", "--doc-type")
    warnings[:0] = _metadata_warnings(read_number, number, "document number", "--number")
    if issued_date is None:
        warnings.insert(0, "no issue date in the text or given with --issued; "
                           "deadlines that need one are unresolved")
    document = DocumentMeta(
        id=doc_id,
        source=raw.source,
        doc_type=final_type,
        number=number or meta.number,
        title=meta.title,
        issuer=meta.issuer,
        signer=meta.signer,
        addressees=meta.addressees,
        issued_date=issued_date,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        ocr=raw.ocr,
        id_basis=id_basis,
    )
    return DocumentResult(
        document=document,
        tasks=tasks,
        text=text,
        warnings=warnings,
        trace=[(firing.rule, firing.start, firing.end) for firing in trace],
    )
