"""Read stage: bytes on disk (or a string) to the text as read.

Every offset the pipeline reports refers to the string returned here: the
decoded text, byte-order mark removed, nothing else changed.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.errors import VntasksError
from pipeline.model import RawDocument

SUPPORTED_SUFFIXES = (".txt", ".text", ".md")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _decode(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise VntasksError("decode", source) from error
    if b"\x00" in data[:4096]:
        raise VntasksError("binary", source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise VntasksError("decode", source) from error


def check_text(text: str, source: str) -> str:
    if not text:
        raise VntasksError("empty", source)
    if not text.strip():
        raise VntasksError("whitespace_only", source)
    return text


def read_document(source: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read a .txt file; raise :class:`VntasksError` with a clear reason otherwise."""
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise VntasksError("not_found", name)
    if not path.is_file():
        raise VntasksError("not_a_file", name)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise VntasksError(
            "unsupported", name, suffix=path.suffix or "(none)", supported=", ".join(SUPPORTED_SUFFIXES)
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise VntasksError("too_large", name, size=size, limit=max_bytes)
    text = _decode(path.read_bytes(), name)
    return RawDocument(check_text(text, name), name)


def read_text(text: str, source: str = "<text>") -> RawDocument:
    return RawDocument(check_text(text, source), source)
