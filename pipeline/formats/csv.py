"""CSV: one row per task (columns in ``rows.COLUMNS``), UTF-8 with a byte
order mark, because without it Excel opens UTF-8 as the local code page and
Vietnamese diacritics turn into mojibake.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is what a spreadsheet runs as a formula, so such a cell gets a
leading ``'``, as OWASP's "CSV Injection" page advises: a task text from a
document must never run in the reader's spreadsheet. (The xlsx format
stores text cells as text and needs no such mark.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pipeline.formats.rows import COLUMNS, headers, task_rows

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str | None) -> str | None:
    """``value`` as a spreadsheet shows it but never runs it."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(
    records: Iterable[dict[str, Any]], lang: str = "en", columns: Sequence[str] = COLUMNS
) -> bytes:
    """One row per task of ``records`` (v1 dicts), as CSV bytes, with the
    headers of language ``lang``; ``columns`` of :mod:`pipeline.formats.rows`."""
    import pandas as pd

    rows = [{k: neutralise(v) for k, v in row.items()} for row in task_rows(records)]
    frame = pd.DataFrame(rows, columns=list(columns))
    frame.columns = headers(lang, columns)
    # lineterminator pinned so the file is the same bytes on every platform.
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return (BOM + text).encode("utf-8")
