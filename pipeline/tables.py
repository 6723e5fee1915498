"""Assignment tables: rows of cells to header, section and task rows.

A table reaches this module as a list of rows, each a list of cells with
their offsets in the text as read, whatever reader produced them (text rows
separated by `` | `` today; .docx and .pdf tables through the same shape).
Columns are mapped by the words in their header cells (``nội dung`` →
description, ``chủ trì`` → lead, ``phối hợp`` → support, ``thời hạn`` →
deadline), from ``resources/structure.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml

_SEPARATOR = "|"


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]
    kind: str  # "header" | "section" | "task" | "other"
    fields: dict[str, Cell]


@cache
def _columns() -> tuple[tuple[str, str], ...]:
    return tuple((words, field) for words, field in load_yaml("structure.yaml")["table_columns"])


def split_row(text: str, start: int, end: int) -> list[Cell]:
    """Cells of a text row, split at every "|" (an empty cell is written
    "| |"); offsets exclude the separators and the spaces around them."""
    cells = []
    position = start
    for piece in text[start:end].split(_SEPARATOR):
        stripped = piece.strip()
        offset = position + (len(piece) - len(piece.lstrip()))
        cells.append(Cell(offset, offset + len(stripped), stripped))
        position += len(piece) + len(_SEPARATOR)
    return cells


def column_fields(header: list[Cell]) -> dict[int, str]:
    """Which field each header cell holds. Where two columns could hold one
    field, the one named by the earlier entry of ``table_columns`` wins
    ("Cơ quan chủ trì" over "Người đứng đầu chịu trách nhiệm", 15_cv-6225),
    then the first column."""
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    columns = _columns()
    for index, cell in enumerate(header):
        label = normalise_string(cell.text).lower()
        for rank, (words, field) in enumerate(columns):
            if words in label:
                if field not in best or rank < best[field][0]:
                    best[field] = (rank, index)
                break
    return {index: field for field, (_, index) in sorted(best.items(), key=lambda f: f[1][1])}


_HEADER_CELL_MAX = 80


def is_header(cells: list[Cell]) -> bool:
    # Header cells are labels; a task row that merely mentions "chủ trì" and
    # "nhiệm vụ" in its text is not a header.
    if any(len(c.text) > _HEADER_CELL_MAX for c in cells):
        return False
    fields = set(column_fields(cells).values())
    return "description" in fields and bool(fields & {"lead", "deadline", "support"})


def read_table(rows: list[list[Cell]], header: list[Cell] | None = None) -> list[TableRow]:
    """Classify each row. ``header`` carries a table's header over a break
    (a row split over two lines interrupts the rows). Rows before any header,
    or of another width than the header, are kept as "other" (continuations,
    notes) rather than guessed."""
    out: list[TableRow] = []
    mapping: dict[int, str] | None = column_fields(header) if header else None
    width = len(header) if header else 0
    for cells in rows:
        if is_header(cells):
            fields = column_fields(cells)
            # A header repeated inside the table, often without its "STT"
            # column (24_kh-179), keeps the first header's columns.
            repeated = (
                mapping is not None
                and set(fields.values()) == set(mapping.values())
                and len(cells) == width - 1
            )
            if not repeated:
                mapping = fields
                width = len(cells)
            out.append(TableRow(tuple(cells), "header", {}))
            continue
        if mapping is None:
            out.append(TableRow(tuple(cells), "other", {}))
            continue
        filled = [c for c in cells if c.text]
        shift = 0
        if len(cells) == width - 1 and 0 not in mapping and len(filled) > 2:
            # A row written without its "TT" cell (10_nq-1339): the header's
            # unmapped first column is the missing one.
            shift = 1
        fields = {
            mapping[i + shift]: c for i, c in enumerate(cells) if i + shift in mapping and c.text
        }
        distinct = {c.text for c in filled}
        numbered_title = bool(filled) and re.fullmatch(r"[A-ZĐ]|[IVXLC]+\.?", filled[0].text)
        if (
            len(filled) == 1
            or (len(distinct) <= 2 and len(distinct) < len(filled))
            or (len(filled) <= 2 and numbered_title)
            or (len(cells) < width and len(distinct) <= 2)
        ):
            # Merged cells: one text alone, or repeated across the row, or a
            # lettered title ("A | PHÁT TRIỂN …"): a section title.
            out.append(TableRow(tuple(cells), "section", {}))
            continue
        if "description" in fields and len(cells) + shift == width:
            out.append(TableRow(tuple(cells), "task", fields))
        else:
            out.append(TableRow(tuple(cells), "other", fields))
    return out
