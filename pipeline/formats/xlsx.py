"""XLSX: the same rows as the csv format, one sheet, dates as real date cells
so a spreadsheet can sort and filter on them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from pipeline.formats.rows import COLUMNS, DATE_COLUMNS, task_rows

SHEET = "tasks"
MAX_COLUMN_WIDTH = 80


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def to_xlsx(records: Iterable[dict[str, Any]]) -> bytes:
    """One row per task of ``records`` (v1 dicts), as an .xlsx workbook."""
    import pandas as pd

    rows = list(task_rows(records))
    for row in rows:
        for column in DATE_COLUMNS:
            row[column] = _as_date(row[column])
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD") as writer:
        frame.to_excel(writer, sheet_name=SHEET, index=False, freeze_panes=(1, 0))
        sheet = writer.sheets[SHEET]
        for cells in sheet.iter_cols():
            for cell in cells:
                # openpyxl stores any string starting with "=" as a formula; a
                # task text must stay text, never run in the reader's spreadsheet.
                if cell.data_type == "f":
                    cell.data_type = "s"
            width = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
            sheet.column_dimensions[cells[0].column_letter].width = min(width + 2, MAX_COLUMN_WIDTH)
    return buffer.getvalue()
