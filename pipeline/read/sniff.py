"""What a file holds, from its bytes rather than its name.

A PNG renamed ``.txt``, a PDF saved as ``.doc`` or a workbook named
``.docx`` reach the reader as often as the right names do. :func:`sniff`
tells the kinds apart by their signatures (the "magic numbers" each format
opens with, as listed in the formats' own specifications): a kind vntasks
reads is read as what it is, whatever the name says; a picture, an archive
or another office format is refused with a line saying what it is; bytes
with no signature are left to the name (plain text, HTML).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

# Kinds the read stage reads; the rest are refusals. A scan is a picture
# that OCR reads (PNG, JPEG, TIFF).
PDF, DOCX, DOC, HTML, SCAN = "pdf", "docx", "doc", "html", "scan"


@dataclass(frozen=True)
class Content:
    """``kind`` is one of the readable kinds above, or an error code of
    :mod:`pipeline.errors` (``image``, ``archive``, ``other_office``) with
    ``what`` naming the format for the message."""

    kind: str
    what: str | None = None

    @property
    def readable(self) -> bool:
        return self.kind in (PDF, DOCX, DOC, HTML, SCAN)


# (signature at offset 0, kind or error code, what it is)
_REFUSED = (
    (b"\x89PNG\r\n\x1a\n", SCAN, "a PNG image"),
    (b"\xff\xd8\xff", SCAN, "a JPEG image"),
    (b"GIF87a", "image", "a GIF image"),
    (b"GIF89a", "image", "a GIF image"),
    (b"II*\x00", SCAN, "a TIFF image"),
    (b"MM\x00*", SCAN, "a TIFF image"),
    (b"\x1f\x8b", "archive", "a gzip archive"),
    (b"\xfd7zXZ\x00", "archive", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "archive", "a RAR archive"),
    (b"{\\rtf", "other_office", "an RTF document"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
# PDF readers accept the header anywhere in the first kilobyte.
_PDF_WINDOW = 1024
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The main part of each Office Open XML and OpenDocument package.
_ZIP_PARTS = (
    (b"word/document.xml", DOCX, None),
    (b"xl/workbook.xml", "other_office", "an Excel workbook (.xlsx)"),
    (b"ppt/presentation.xml", "other_office", "a PowerPoint presentation (.pptx)"),
    (b"application/vnd.oasis.opendocument", "other_office", "an OpenDocument file (.odt, .ods)"),
)
# The stream names a compound (OLE) file holds, written in UTF-16LE.
_OLE_STREAMS = (
    ("WordDocument", DOC, None),
    ("Workbook", "other_office", "an Excel workbook (.xls)"),
    ("PowerPoint Document", "other_office", "a PowerPoint presentation (.ppt)"),
)
_HTML_OPENERS = (b"<!doctype html", b"<html")


def _zip_content(data: bytes) -> Content:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [name.encode("utf-8") for name in archive.namelist()]
            mimetype = archive.read("mimetype") if "mimetype" in archive.namelist() else b""
        listing = b"\n".join([*names, mimetype])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # A truncated package has lost its directory; its local headers
        # still name the parts.
        listing = data
    for part, kind, what in _ZIP_PARTS:
        if part in listing:
            return Content(kind, what)
    return Content("archive", "a ZIP archive")


def _ole_content(data: bytes) -> Content | None:
    for stream, kind, what in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return Content(kind, what)
    return None


def sniff(data: bytes) -> Content | None:
    """What ``data`` is, or None when its bytes carry no signature (text,
    or a file too damaged to tell)."""
    for signature, code, what in _REFUSED:
        if data.startswith(signature):
            return Content(code, what)
    if _BZIP2.match(data):
        return Content("archive", "a bzip2 archive")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Content("image", "a WebP image")
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return Content(PDF)
    if data.startswith(_ZIP):
        return _zip_content(data)
    if data.startswith(_OLE):
        return _ole_content(data)
    if data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(_HTML_OPENERS):
        return Content(HTML)
    return None
