"""Read stage: a file, standard input or a string to the text as read.

Every offset the pipeline reports refers to the string returned here: for a
text file the decoded text (byte-order mark removed, legacy encodings converted
to Unicode, nothing else changed); for .docx, .doc, .pdf and .html the text
laid out one paragraph per line with each table row on one line, cells joined
by `` | ``. Every refusal is a :class:`VntasksError` naming the input and the
reason.

What a file is comes from its bytes first (:mod:`pipeline.read.sniff`): a
PDF named ``.txt`` is read as a PDF, a PNG, JPEG or TIFF picture goes to OCR
under any name, other pictures are refused as pictures. The name decides
only for bytes with no signature.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pipeline.errors import VntasksError
from pipeline.model import RawDocument
from pipeline.read.encoding import decode, repair_legacy
from pipeline.read.limits import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from pipeline.read.limits import DEFAULT_MAX_CHARS as DEFAULT_MAX_CHARS
from pipeline.read.limits import DEFAULT_MAX_PAGES as DEFAULT_MAX_PAGES
from pipeline.read.limits import DEFAULT_MAX_UNPACKED_BYTES as DEFAULT_MAX_UNPACKED_BYTES
from pipeline.read.limits import Limits, check_chars
from pipeline.read.ocr import OcrOptions, image_text
from pipeline.read.pdf import PDF_MEDIA_TYPE, pdf_text
from pipeline.read.sniff import sniff
from pipeline.read.web import HTML_MEDIA_TYPE, html_text
from pipeline.read.word import DOC_MEDIA_TYPE, DOCX_MEDIA_TYPE, doc_text, docx_text

TEXT_SUFFIXES = (".txt", ".text", ".md")
DOCX_SUFFIXES = (".docx",)
DOC_SUFFIXES = (".doc",)
PDF_SUFFIXES = (".pdf",)
HTML_SUFFIXES = (".html", ".htm")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES + DOCX_SUFFIXES + DOC_SUFFIXES + PDF_SUFFIXES + HTML_SUFFIXES + IMAGE_SUFFIXES
)
BINARY_SUFFIXES = DOCX_SUFFIXES + DOC_SUFFIXES + PDF_SUFFIXES + IMAGE_SUFFIXES
STDIN = "<stdin>"

# The suffix whose reader reads each kind the sniffer recognises.
_KIND_SUFFIX = {
    "pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "scan": ".png",
}
_IMAGE_MEDIA_TYPES = {
    "a PNG image": "image/png", "a JPEG image": "image/jpeg", "a TIFF image": "image/tiff",
}


def check_text(text: str, source: str) -> str:
    """``text``, or a :class:`VntasksError` when it is empty or all blanks."""
    if not text:
        raise VntasksError("empty", source)
    if not text.strip():
        raise VntasksError("whitespace_only", source)
    return text


def _check_extracted(text: str, source: str) -> str:
    if not text.strip():
        raise VntasksError("no_text", source)
    return text


def _reader_suffix(data: bytes, suffix: str, source: str) -> str:
    """The suffix whose reader should read ``data``: the one its bytes call
    for, else ``suffix`` (the file's own, or ``.txt`` for a nameless input).
    Pictures, archives and other office formats are refused here."""
    from pipeline.read.encoding import looks_binary

    content = sniff(data)
    if content is not None and not content.readable:
        raise VntasksError(content.kind, source, what=content.what)
    if content is not None and content.kind == "scan" and suffix in IMAGE_SUFFIXES:
        return suffix
    if content is not None:
        return _KIND_SUFFIX[content.kind]
    if suffix in BINARY_SUFFIXES and not looks_binary(data):
        # Named like a binary format, but text: read what it is.
        return TEXT_SUFFIXES[0]
    return suffix


def _from_path(
    path: Path, suffix: str, source: str, limits: Limits, ocr: OcrOptions
) -> RawDocument:
    """A binary format (.docx, .doc, .pdf, a picture), read by its library from ``path``."""
    if suffix in IMAGE_SUFFIXES:
        text, info = image_text(str(path), source, ocr)
        check_chars(text, source, limits.max_chars)
        media_type = _IMAGE_MEDIA_TYPES.get(_what(path), "image/png")
        # OCR text is already Unicode: no legacy font to repair.
        return RawDocument(text, source, media_type, ocr=info)
    info = None
    if suffix in DOCX_SUFFIXES:
        text, media_type = docx_text(path, source, limits.max_unpacked_bytes), DOCX_MEDIA_TYPE
    elif suffix in DOC_SUFFIXES:
        text, media_type = doc_text(path, source, limits.max_unpacked_bytes), DOC_MEDIA_TYPE
    else:
        (text, info), media_type = pdf_text(path, source, ocr, limits.max_pages), PDF_MEDIA_TYPE
    check_chars(text, source, limits.max_chars)
    if info is not None:
        return RawDocument(_check_extracted(text, source), source, media_type, ocr=info)
    repaired, encoding = repair_legacy(_check_extracted(text, source))
    return RawDocument(repaired, source, media_type, encoding=encoding)


def _what(path: Path) -> str:
    with path.open("rb") as stream:
        content = sniff(stream.read(16))
    return content.what if content is not None and content.what else ""


def _from_bytes(
    data: bytes, suffix: str, source: str, limits: Limits, ocr: OcrOptions
) -> RawDocument:
    if not data:
        raise VntasksError("empty", source)
    if suffix in HTML_SUFFIXES:
        text = _check_extracted(html_text(data, source), source)
        check_chars(text, source, limits.max_chars)
        repaired, encoding = repair_legacy(text)
        return RawDocument(repaired, source, HTML_MEDIA_TYPE, encoding=encoding)
    if suffix in TEXT_SUFFIXES:
        text, encoding = decode(data, source)
        check_chars(text, source, limits.max_chars)
        return RawDocument(check_text(text, source), source, encoding=encoding)
    # Binary formats are parsed from a file, as their libraries expect.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="vntasks-read-") as workdir:
        path = Path(workdir) / f"input{suffix}"
        path.write_bytes(data)
        return _from_path(path, suffix, source, limits, ocr)


def _regular_file(path: Path, name: str) -> os.stat_result:
    """``path``'s status when it is a regular file (or a link to one); a
    refusal naming what it is otherwise. A FIFO is never opened: reading
    one would wait for a writer."""
    from pipeline.output import special_kind

    try:
        found = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise VntasksError("symlink_loop", name) from error
        if error.errno == errno.ENOENT and path.is_symlink():
            raise VntasksError("broken_link", name, target=os.readlink(path)) from error
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            raise VntasksError("not_found", name) from error
        raise VntasksError("unreadable", name, reason=error.strerror or error) from error
    kind = special_kind(found.st_mode)
    if kind is not None:
        raise VntasksError("special_file", name, kind=kind)
    if not stat.S_ISREG(found.st_mode):
        raise VntasksError("not_a_file", name)
    return found


def read_document(
    source: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_pages: int = DEFAULT_MAX_PAGES,
    ocr: OcrOptions | None = None,
) -> RawDocument:
    """Read one file of a supported type; raise :class:`VntasksError` with a
    clear reason otherwise, or when it is over one of the limits
    (:mod:`pipeline.read.limits`). ``ocr`` says how scans are read (default:
    OCR pictures and pages without a text layer)."""
    ocr = ocr or OcrOptions()
    limits = Limits(max_bytes, max_unpacked_bytes, max_chars, max_pages)
    path = Path(source)
    name = str(source)
    size = _regular_file(path, name).st_size
    if size > max_bytes:
        raise VntasksError("too_large", name, size=size, limit=max_bytes)
    if size == 0:
        raise VntasksError("empty", name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise VntasksError("unreadable", name, reason=error.strerror or error) from error
    suffix = path.suffix.lower()
    reader = _reader_suffix(data, suffix, name)
    if reader not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise VntasksError("unsupported", name, suffix=path.suffix or "(none)", supported=supported)
    if reader == suffix and reader in BINARY_SUFFIXES:
        return _from_path(path, suffix, name, limits, ocr)
    # Text, or a binary format under another name: from the bytes, which a
    # binary format's library gets as a file with the right suffix.
    return _from_bytes(data, reader, name, limits, ocr)


def read_bytes(
    data: bytes,
    source: str = STDIN,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_pages: int = DEFAULT_MAX_PAGES,
    suffix: str = TEXT_SUFFIXES[0],
    ocr: OcrOptions | None = None,
) -> RawDocument:
    """Read bytes that came without a file (standard input, an upload): the
    type comes from the first bytes, as for a file, and else from
    ``suffix``, the name's (an upload's file name) or ``.txt``."""
    if len(data) > max_bytes:
        raise VntasksError("too_large", source, size=len(data), limit=max_bytes)
    limits = Limits(max_bytes, max_unpacked_bytes, max_chars, max_pages)
    reader = _reader_suffix(data, suffix.lower(), source)
    if reader not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise VntasksError("unsupported", source, suffix=suffix or "(none)", supported=supported)
    return _from_bytes(data, reader, source, limits, ocr or OcrOptions())


def read_text(text: str, source: str = "<text>") -> RawDocument:
    """A text already in hand, named ``source``: to extract a one-line
    string that ``extract`` would take for a file name."""
    return RawDocument(check_text(text, source), source)
