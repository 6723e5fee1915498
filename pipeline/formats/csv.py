"""CSV: one row per task (columns in ``rows.COLUMNS``), UTF-8 with a byte
order mark, because without it Excel opens UTF-8 as the local code page and
Vietnamese diacritics turn into mojibake."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.formats.rows import COLUMNS, task_rows

BOM = "\ufeff"


def to_csv(records: Iterable[dict[str, Any]]) -> bytes:
    """One row per task of ``records`` (v1 dicts), as CSV bytes."""
    import pandas as pd

    frame = pd.DataFrame(list(task_rows(records)), columns=list(COLUMNS))
    # lineterminator pinned so the file is the same bytes on every platform.
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return (BOM + text).encode("utf-8")
