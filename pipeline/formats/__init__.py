"""Output formats besides the JSON contract: tables (csv, xlsx), a calendar
(ics) and a review page (html), each rendered from v1 records."""

from pipeline.formats.csv import to_csv
from pipeline.formats.html import to_html
from pipeline.formats.ics import to_ics
from pipeline.formats.render import FORMATS, Format, render, write_formatted
from pipeline.formats.rows import COLUMNS, task_rows
from pipeline.formats.xlsx import to_xlsx

__all__ = [
    "COLUMNS",
    "FORMATS",
    "Format",
    "render",
    "task_rows",
    "to_csv",
    "to_html",
    "to_ics",
    "to_xlsx",
    "write_formatted",
]
