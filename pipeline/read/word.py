"""Word documents: .docx with python-docx, .doc through LibreOffice.

The text is laid out the way the rest of the pipeline reads a directive: one
paragraph per line, and each table row on one line with its cells joined by
`` | `` (the shared corpus's table form, which the segmenter reads as a row).
Numbers and bullets that Word draws from its list formatting are not in the
paragraph's text, so they are computed from ``numbering.xml`` and written in
front of it, as if typed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import VntasksError

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_MEDIA_TYPE = "application/msword"
CELL_SEPARATOR = " | "
_CONVERSION_TIMEOUT_SECONDS = 180
_LEVEL_REFERENCE = re.compile(r"%([1-9])")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _letters(number: int) -> str:
    # Word repeats the letter past z: 27 is "aa", 28 "bb".
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, style: str) -> str:
    """A list counter in one of Word's ``numFmt`` styles."""
    if style == "lowerLetter":
        return _letters(number)
    if style == "upperLetter":
        return _letters(number).upper()
    if style == "lowerRoman":
        return _roman(number)
    if style == "upperRoman":
        return _roman(number).upper()
    if style == "decimalZero":
        return f"{number:02d}"
    if style == "none":
        return ""
    return str(number)


@dataclass
class _Level:
    style: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """Word's list definitions and the counters of one pass over a document."""

    abstract_of: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    start_overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def label(self, num_id: str, level: int) -> str:
        abstract = self.abstract_of.get(num_id)
        if abstract is None:
            return ""
        levels = self.levels.get(abstract, {})
        counters = self.counters.setdefault(abstract, {})
        overrides = self.start_overrides.get(num_id, {})
        if num_id not in self.started:
            # A list instance with its own start value restarts the shared counter.
            self.started.add(num_id)
            for overridden, start in overrides.items():
                counters[overridden] = start - 1
        definition = levels.get(level, _Level())
        counters[level] = counters.get(level, definition.start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        if definition.style == "bullet":
            return "-"

        def substitute(match: re.Match[str]) -> str:
            referenced = int(match.group(1)) - 1
            ref_level = levels.get(referenced, _Level())
            value = counters.get(referenced, ref_level.start)
            return format_number(value, ref_level.style)

        return _LEVEL_REFERENCE.sub(substitute, definition.text).strip()


def _attr(element: Any, name: str) -> str | None:
    from docx.oxml.ns import qn

    return None if element is None else element.get(qn(name))


def _load_numbering(document: Any) -> _Numbering:
    from docx.oxml.ns import qn

    numbering = _Numbering()
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return numbering
    for abstract in root.iter(qn("w:abstractNum")):
        levels: dict[int, _Level] = {}
        for lvl in abstract.iter(qn("w:lvl")):
            level = _Level()
            style = _attr(lvl.find(qn("w:numFmt")), "w:val")
            text = _attr(lvl.find(qn("w:lvlText")), "w:val")
            start = _attr(lvl.find(qn("w:start")), "w:val")
            level.style = style or level.style
            level.text = text if text is not None else level.text
            level.start = int(start) if start and start.lstrip("-").isdigit() else 1
            levels[int(_attr(lvl, "w:ilvl") or 0)] = level
        numbering.levels[_attr(abstract, "w:abstractNumId") or ""] = levels
    for num in root.iter(qn("w:num")):
        num_id = _attr(num, "w:numId") or ""
        numbering.abstract_of[num_id] = _attr(num.find(qn("w:abstractNumId")), "w:val") or ""
        overrides = {}
        for override in num.iter(qn("w:lvlOverride")):
            start = _attr(override.find(qn("w:startOverride")), "w:val")
            if start and start.isdigit():
                overrides[int(_attr(override, "w:ilvl") or 0)] = int(start)
        numbering.start_overrides[num_id] = overrides
    return numbering


def _num_properties(paragraph: Any, styles: dict[str, Any]) -> tuple[str, int] | None:
    """(numId, level) of a paragraph, from its own properties or its style's."""
    from docx.oxml.ns import qn

    num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    style_id = _attr(paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}"), "w:val")
    seen = set()
    while num_pr is None and style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.get(style_id)
        if style is None:
            break
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style_id = _attr(style.find(qn("w:basedOn")), "w:val")
    if num_pr is None:
        return None
    num_id = _attr(num_pr.find(qn("w:numId")), "w:val")
    # numId 0 is Word's way of switching numbering off for one paragraph.
    if not num_id or num_id == "0":
        return None
    level = _attr(num_pr.find(qn("w:ilvl")), "w:val")
    return num_id, int(level) if level and level.isdigit() else 0


def _cell_text(cell: Any) -> str:
    return " ".join(cell.text.split())


def _table_lines(table: Any) -> list[str]:
    lines = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            # A merged cell comes back once per grid column it spans.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(_cell_text(cell))
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _check_unpacked_size(path: Path, source: str, max_unpacked_bytes: int) -> None:
    """Refuse a zip bomb before any part is inflated: the sizes the archive
    declares are what zipfile will let each part inflate to."""
    from pipeline.read.limits import MAX_PARTS

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        reason = str(error) or type(error).__name__
        raise VntasksError("corrupt_docx", source, reason=reason) from error
    if len(parts) > MAX_PARTS:
        raise VntasksError("too_many_parts", source, count=len(parts), limit=MAX_PARTS)
    declared = sum(info.file_size for info in parts)
    if declared > max_unpacked_bytes:
        raise VntasksError("zip_bomb", source, size=declared, limit=max_unpacked_bytes)


def docx_text(path: Path, source: str, max_unpacked_bytes: int) -> str:
    """The text of a .docx, paragraphs and table rows in document order."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_unpacked_size(path, source, max_unpacked_bytes)
    # python-docx and lxml raise a wide range of exceptions on damaged parts
    # (KeyError for a missing part, XMLSyntaxError, ValueError, …); all of them
    # mean the same thing to the user.
    try:
        document = docx.Document(str(path))
        numbering = _load_numbering(document)
        styles = {
            _attr(style, "w:styleId"): style
            for style in document.styles.element.iter(qn("w:style"))
        }
        lines: list[str] = []
        pending = list(document.element.body)
        while pending:
            element = pending.pop(0)
            if element.tag == qn("w:p"):
                text = Paragraph(element, document).text
                found = _num_properties(element, styles)
                label = numbering.label(*found) if found else ""
                lines.append(f"{label} {text}" if label and text.strip() else text)
            elif element.tag == qn("w:tbl"):
                lines.extend(_table_lines(Table(element, document)))
            elif element.tag == qn("w:sdt"):
                content = element.find(qn("w:sdtContent"))
                if content is not None:
                    pending[:0] = list(content)
    except VntasksError:
        raise
    except Exception as error:  # noqa: BLE001 - see the comment above the try
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise VntasksError("corrupt_docx", source, reason=reason) from error
    return "\n".join(lines) + "\n"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc(path: Path, source: str, workdir: Path) -> Path:
    """Convert an old .doc to .docx with LibreOffice; the .docx path."""
    program = _soffice()
    if program is None:
        raise VntasksError("needs_libreoffice", source)
    # A private profile keeps a user's running LibreOffice from swallowing the job.
    profile = (workdir / "profile").as_uri()
    command = [program, f"-env:UserInstallation={profile}", "--headless",
               "--convert-to", "docx", "--outdir", str(workdir), str(path)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True,
                                   timeout=_CONVERSION_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VntasksError("doc_conversion", source, reason=type(error).__name__) from error
    converted = workdir / f"{path.stem}.docx"
    if completed.returncode != 0 or not converted.is_file():
        reason = (completed.stderr or completed.stdout).strip().splitlines()
        raise VntasksError("doc_conversion", source,
                           reason=reason[-1] if reason else f"exit {completed.returncode}")
    return converted


def doc_text(path: Path, source: str, max_unpacked_bytes: int) -> str:
    with tempfile.TemporaryDirectory(prefix="vntasks-doc-") as workdir:
        converted = convert_doc(path, source, Path(workdir))
        return docx_text(converted, source, max_unpacked_bytes)
