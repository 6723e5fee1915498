"""PDF: the text layer with pypdf, tables with pdfplumber (PyMuPDF is AGPL).

A page without tables is read by pypdf. A page with tables is read in bands by
pdfplumber: the text above, between and below the tables as lines, each table
row as one line with its cells joined by `` | ``. Then, over the whole
document, page furniture is dropped (page numbers, and lines that repeat at the
same edge of most pages) and lines the layout wrapped are joined again.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import VntasksError
from pipeline.resources import load_yaml

if TYPE_CHECKING:
    from pipeline.model import OcrInfo
    from pipeline.read.ocr import OcrOptions, OcrPage

PDF_MEDIA_TYPE = "application/pdf"
CELL_SEPARATOR = " | "
_DIGITS = re.compile(r"\d+")
# The start of a numbered or bulleted paragraph: a new paragraph, never a
# continuation of the line before.
_LIST_MARKER = re.compile(
    r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|\(\w{1,4}\)|[-–—•*+])\s", re.IGNORECASE
)


@cache
def _settings() -> dict:
    return load_yaml("read.yaml")


@cache
def _page_number_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in _settings()["page_number_patterns"])


def _cell(value: str | None) -> str:
    return " ".join((value or "").split())


def _banded_lines(page: Any, tables: list[Any]) -> list[str]:
    lines: list[str] = []
    top = 0.0
    for table in sorted(tables, key=lambda found: found.bbox[1]):
        x0, table_top, x1, table_bottom = table.bbox
        if table_top > top:
            above = page.crop((0, top, page.width, table_top)).extract_text() or ""
            lines.extend(above.splitlines())
        for row in table.extract():
            cells = [_cell(value) for value in row]
            if any(cells):
                lines.append(CELL_SEPARATOR.join(cells))
        top = max(top, table_bottom)
    if top < page.height:
        below = page.crop((0, top, page.width, page.height)).extract_text() or ""
        lines.extend(below.splitlines())
    return lines


def _page_lines(path: Path, password: str | None) -> list[list[str]]:
    import pdfplumber
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if password is not None:
        reader.decrypt(password)
    pages: list[list[str]] = []
    with pdfplumber.open(str(path), password=password or "") as plumber:
        for reader_page, plumber_page in zip(reader.pages, plumber.pages, strict=False):
            tables = plumber_page.find_tables()
            if tables:
                pages.append(_banded_lines(plumber_page, tables))
            else:
                pages.append((reader_page.extract_text() or "").splitlines())
    return pages


def _is_page_number(line: str) -> bool:
    return any(pattern.match(line.strip()) for pattern in _page_number_patterns())


def drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and running headers/footers from each page's lines."""
    settings = _settings()
    edge = settings["page_edge_lines"]
    pages = [[line.rstrip() for line in page if line.strip()] for page in pages]

    def edge_keys(page: list[str]) -> set[tuple[str, str]]:
        head = [("top", _DIGITS.sub("#", line.strip())) for line in page[:edge]]
        foot = [("bottom", _DIGITS.sub("#", line.strip())) for line in page[-edge:]]
        return set(head + foot)

    counts: dict[tuple[str, str], int] = {}
    for page in pages:
        for key in edge_keys(page):
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, settings["repeated_edge_share"] * len(pages))
    repeated = {key for key, count in counts.items() if count >= needed}
    cleaned = []
    for page in pages:
        keep = []
        for index, line in enumerate(page):
            at_top, at_bottom = index < edge, index >= len(page) - edge
            key = _DIGITS.sub("#", line.strip())
            if (at_top or at_bottom) and _is_page_number(line):
                continue
            if (at_top and ("top", key) in repeated) or (at_bottom and ("bottom", key) in repeated):
                continue
            keep.append(line)
        cleaned.append(keep)
    return cleaned


def join_wrapped(lines: list[str]) -> list[str]:
    """Join the lines that the page layout broke, keep the ones the author ended."""
    settings = _settings()
    ends = tuple(settings["sentence_end"])
    longest = max((len(line) for line in lines if CELL_SEPARATOR not in line), default=0)
    wrapped_at = settings["wrapped_line_ratio"] * longest
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out:
            previous = out[-1]
            is_row = CELL_SEPARATOR in previous or CELL_SEPARATOR in stripped
            continues = stripped[:1].islower() or len(previous) >= wrapped_at
            if (not is_row and not previous.endswith(ends) and continues
                    and not _LIST_MARKER.match(stripped)):
                if previous.endswith("\u00ad"):
                    out[-1] = previous[:-1] + stripped
                elif previous.endswith("-") and previous[-2:-1].isalpha():
                    # Vietnamese hyphenates compounds, not syllables, so the
                    # hyphen is the author's: keep it, drop only the break.
                    out[-1] = previous + stripped
                else:
                    out[-1] = f"{previous} {stripped}"
                continue
        out.append(stripped)
    return out


def pages_text(pages: list[list[str]]) -> str:
    """The lines of all pages as one text: page furniture dropped, wrapped
    lines joined, one paragraph a line."""
    lines = [line for page in drop_page_furniture(pages) for line in page]
    return "\n".join(join_wrapped(lines)) + "\n"


def pdf_text(
    path: Path, source: str, ocr: OcrOptions | None = None, max_pages: int | None = None
) -> tuple[str, OcrInfo | None]:
    """The text of a PDF, and how much of it OCR read: pages without a text
    layer (``ocr.mode`` auto, the default) or every page (``always``) are
    rasterised and recognised; ``never`` refuses a PDF with no text layer.
    Refused when it has more than ``max_pages`` pages (each page costs time
    and memory to lay out)."""
    from pypdf import PdfReader

    from pipeline.read.ocr import OcrOptions

    ocr = ocr or OcrOptions()
    password: str | None = None
    # pypdf and pdfminer raise many exception types on damaged files; each one
    # means the file cannot be read.
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            # Many official PDFs carry only an owner password (no printing or
            # copying) and open with an empty user password.
            if not reader.decrypt(""):
                raise VntasksError("encrypted_pdf", source)
            password = ""
        if max_pages is not None and len(reader.pages) > max_pages:
            raise VntasksError("too_many_pages", source, count=len(reader.pages), limit=max_pages)
        pages = _page_lines(path, password)
    except VntasksError:
        raise
    except Exception as error:  # noqa: BLE001 - see above
        if "crypt" in type(error).__name__.lower() or "password" in str(error).lower():
            raise VntasksError("encrypted_pdf", source) from error
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise VntasksError("corrupt_pdf", source, reason=reason) from error
    layered = [any(line.strip() for line in page) for page in pages]
    wanted = [
        number for number, has_text in enumerate(layered, start=1)
        if ocr.mode == "always" or (ocr.mode == "auto" and not has_text)
    ]
    if not any(layered) and not wanted:
        raise VntasksError("no_text_layer", source)
    recognised: list[OcrPage] = []
    if wanted:
        try:
            recognised = _ocr_pages(path, password, wanted, source, ocr)
        except VntasksError as error:
            # A text PDF with a blank page reads as before where Tesseract is absent.
            if error.code != "needs_tesseract" or ocr.mode == "always" or not any(layered):
                raise
            wanted = []
        for number, page in zip(wanted, recognised, strict=True):
            pages[number - 1] = page.lines
    if not any(line.strip() for page in pages for line in page):
        raise VntasksError("ocr_no_text", source, pages=len(wanted))
    text = pages_text(pages)
    from pipeline.read.ocr import ocr_info

    return text, ocr_info(text, wanted, recognised)


def _ocr_pages(
    path: Path, password: str | None, numbers: list[int], source: str, options: OcrOptions
) -> list[OcrPage]:
    """Rasterise the pages ``numbers`` with PDFium and recognise them."""
    import pypdfium2

    from pipeline.read.ocr import recognise_pages, settings

    dpi = settings()["dpi"]
    document = pypdfium2.PdfDocument(str(path), password=password or None)
    try:
        def draw(number: int) -> Any:
            page = document[number - 1]
            try:
                return page.render(scale=dpi / 72, grayscale=True).to_pil()
            finally:
                page.close()

        pages = [(number, (lambda number=number: draw(number))) for number in numbers]
        return recognise_pages(pages, source, options, "no text layer", dpi)
    finally:
        document.close()

