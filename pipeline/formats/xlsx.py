"""XLSX: the same rows as the csv format, one sheet with a filter on every
column, dates as real date cells so a spreadsheet can sort and filter on
them, and the bodies of a cell on lines of their own.

The workbook's created and modified times, and the times of the parts in
its zip, are :func:`pipeline.formats.clock.build_time`, so the same records
give the same bytes when ``SOURCE_DATE_EPOCH`` is set.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pipeline.formats.clock import build_time
from pipeline.formats.labels import labels
from pipeline.formats.rows import BODY_COLUMNS, COLUMNS, DATE_COLUMNS, headers, task_rows

MAX_COLUMN_WIDTH = 80
_CORE = "docProps/core.xml"
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _fixed_times(data: bytes, stamp: datetime) -> bytes:
    """``data`` (an .xlsx) with every time in it set to ``stamp``."""
    written = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # Zip times are local wall-clock fields; give the UTC ones, from 1980 on.
    when = max(stamp.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == _CORE:
                part = _CORE_TIMES.sub(lambda m: m.group(1) + written + m.group(3), part)
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, part)
    return out.getvalue()


def to_xlsx(
    records: Iterable[dict[str, Any]],
    lang: str = "en",
    stamp: datetime | None = None,
    columns: Sequence[str] = COLUMNS,
) -> bytes:
    """One row per task of ``records`` (v1 dicts), as an .xlsx workbook with
    the headers of language ``lang``; ``stamp`` (default:
    :func:`~pipeline.formats.clock.build_time`) is its created time."""
    import pandas as pd
    from openpyxl.styles import Alignment

    rows = list(task_rows(records))
    for row in rows:
        for column in DATE_COLUMNS:
            row[column] = _as_date(row[column])
    frame = pd.DataFrame(rows, columns=list(columns))
    frame.columns = headers(lang, columns)
    sheet_name = labels(lang)["sheet"]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD") as writer:
        frame.to_excel(writer, sheet_name=sheet_name, index=False, freeze_panes=(1, 0))
        sheet = writer.sheets[sheet_name]
        sheet.auto_filter.ref = sheet.dimensions
        wrapped = {list(columns).index(column) for column in (*BODY_COLUMNS, "sources")
                   if column in columns}
        for index, cells in enumerate(sheet.iter_cols()):
            for cell in cells:
                # openpyxl stores any string starting with "=" as a formula; a
                # task text must stay text, never run in the reader's spreadsheet.
                if cell.data_type == "f":
                    cell.data_type = "s"
                if index in wrapped and cell.row > 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = (
                line for c in cells if c.value is not None for line in str(c.value).split("\n")
            )
            width = max((len(line) for line in lines), default=8)
            sheet.column_dimensions[cells[0].column_letter].width = min(width + 2, MAX_COLUMN_WIDTH)
    return _fixed_times(buffer.getvalue(), stamp or build_time())
