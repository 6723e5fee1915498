"""vntasks: extract tasks, responsible bodies and deadlines from Vietnamese directives.

Heavy dependencies (spaCy, underthesea) load on first use, not on import, so
``vntasks --help`` and small commands start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["DocumentResult", "extract", "__version__"]

if TYPE_CHECKING:
    from pipeline.extraction import extract
    from pipeline.model import DocumentResult


def __getattr__(name: str) -> Any:
    if name == "extract":
        from pipeline.extraction import extract

        return extract
    if name == "DocumentResult":
        from pipeline.model import DocumentResult

        return DocumentResult
    raise AttributeError(name)
