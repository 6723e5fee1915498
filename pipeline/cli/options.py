"""Option values the commands share: dates given on the command line, how
scans are read (``--ocr``), and the one-line usage error (exit 2)."""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pipeline.errors import VntasksError

if TYPE_CHECKING:
    from pipeline.read.ocr import OcrOptions

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def usage_error(message: str) -> NoReturn:
    """Print ``error: message`` on standard error and exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def parse_date(value: str, option: str) -> date:
    """``value`` as a date written YYYY-MM-DD. A value in that form that
    names no day (2025-02-30, 2018-13-01) gets its own message, saying why,
    rather than being called badly written."""
    written = _ISO_DATE.fullmatch(value)
    if written is None:
        raise VntasksError("bad_date", option, value=value)
    year, month, day = (int(part) for part in written.groups())
    if not 1 <= month <= 12:
        raise VntasksError("no_such_date", option, value=value,
                           reason=f"there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise VntasksError("no_such_date", option, value=value,
                           reason=f"month {month} of {year} has {days} days")
    return date(year, month, day)


def parse_issued(value: str | None, option: str = "--issued") -> date | None:
    """The date of ``--issued`` (None when not given), or a usage error."""
    if value is None:
        return None
    try:
        return parse_date(value, option)
    except VntasksError as error:
        usage_error(str(error))


def parse_doc_type(value: str | None, option: str = "--doc-type") -> str | None:
    """``--doc-type`` in the spelling of records (None when not given), or a
    usage error naming the types the pipeline knows."""
    if value is None:
        return None
    from pipeline.metadata import canonical_doc_type

    try:
        return canonical_doc_type(value, option)
    except VntasksError as error:
        usage_error(str(error))


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


OcrModeOption = Annotated[
    OcrMode,
    typer.Option(
        "--ocr",
        help="Scans: auto reads pictures (.png .jpg .tif) and PDF pages without a text layer "
        "with Tesseract's Vietnamese model; always OCRs every PDF page; never refuses scans.",
    ),
]
OcrMaxPagesOption = Annotated[
    int | None,
    typer.Option(
        "--ocr-max-pages", min=1,
        help="Refuse a scan with more pages to OCR than this (default 50).",
        show_default=False,
    ),
]
OcrTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--ocr-timeout", min=1,
        help="Refuse a scan when OCR of one page takes longer, in seconds (default 120).",
        show_default=False,
    ),
]


def ocr_options(
    mode: OcrMode, max_pages: int | None, timeout: float | None, page_workers: int = 1,
    progress: bool = False,
) -> OcrOptions:
    """The read stage's OCR options from the command line's."""
    from pipeline.read.ocr import OcrOptions

    return OcrOptions(
        mode=mode.value, max_pages=max_pages, timeout=timeout,  # type: ignore[arg-type]
        workers=max(1, page_workers), progress=progress,
    )
