"""Option values the commands share: dates given on the command line, how
scans are read (``--ocr``), and the one-line usage error (exit 2)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pipeline.dates import parse_date
from pipeline.errors import VntasksError

if TYPE_CHECKING:
    from pipeline.read.ocr import OcrOptions

def usage_error(message: str) -> NoReturn:
    """Print ``error: message`` on standard error and exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


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
