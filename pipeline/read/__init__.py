"""Read stage: files, standard input or strings to the text as read."""

from pipeline.read.document import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_UNPACKED_BYTES,
    STDIN,
    SUPPORTED_SUFFIXES,
    check_text,
    read_bytes,
    read_document,
    read_text,
)
from pipeline.read.ocr import OCR_MODES, OcrOptions

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "OCR_MODES",
    "STDIN",
    "OcrOptions",
    "SUPPORTED_SUFFIXES",
    "check_text",
    "read_bytes",
    "read_document",
    "read_text",
]
