"""How much the read stage reads of one input before refusing it.

Each limit has a command-line flag that raises it, named in the error, so
a refusal says both why and what to do. The defaults pass every document of
the shared corpus with room to spare (its largest text is about 612,000
characters; its largest PDF a few dozen pages) and keep one document's
extraction within about 2 GB (benchmarks/bench_hostile.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import VntasksError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx is a zip; real directives inflate to a few MB even with pictures.
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# A Word document is a few dozen parts; a zip of many thousands is built to
# exhaust the reader, and its directory alone costs memory per entry.
MAX_PARTS = 10_000
DEFAULT_MAX_CHARS = 2_000_000
DEFAULT_MAX_PAGES = 2_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    max_chars: int = DEFAULT_MAX_CHARS
    max_pages: int = DEFAULT_MAX_PAGES


def check_chars(text: str, source: str, limit: int) -> str:
    """``text``, or a refusal when it is longer than ``limit`` characters:
    a small container can unpack to far more text than the pipeline should
    take on (a 970 KB .docx held 150 MB of text, issue 17)."""
    if len(text) > limit:
        raise VntasksError("too_many_chars", source, size=len(text), limit=limit)
    return text
