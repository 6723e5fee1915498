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
_ROW_NUMBER = re.compile(r"\d{1,3}\.?")


def is_header(cells: list[Cell]) -> bool:
    # Header cells are labels; a task row that merely mentions "chủ trì" and
    # "nhiệm vụ" in its text is not a header.
    if any(len(c.text) > _HEADER_CELL_MAX for c in cells):
        return False
    fields = set(column_fields(cells).values())
    return "description" in fields and bool(fields & {"lead", "deadline", "support"})


def _deadline_fits(columns: list[int], cells: list[Cell], mapping: dict[int, str]) -> bool:
    """Whether, read with ``columns``, the deadline column holds a deadline."""
    from pipeline.deadlines import parse_deadline

    for i, column in enumerate(columns):
        if mapping.get(column) == "deadline" and cells[i].text:
            return parse_deadline(cells[i].text, None).kind != "unresolved"
    return False


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
        columns = list(range(len(cells)))
        short = len(cells) < width and len(filled) > 2
        numbered = short and bool(_ROW_NUMBER.fullmatch(cells[0].text))
        if numbered:
            # A numbered row with cells left out (02_tb-624: "24 | Chủ trì …
            # | Bộ Y tế | 31/12/2025", its result cell on the next line, or
            # its source cell empty and dropped): the number and the task
            # keep their columns; the rest are read from the left, or from
            # the right where only that puts a deadline under "Thời hạn".
            right = [0, 1] + [width - len(cells) + i for i in range(2, len(cells))]
            if _deadline_fits(right, cells, mapping) and not _deadline_fits(
                columns, cells, mapping
            ):
                columns = right
        elif short and len(cells) == width - 1 and 0 not in mapping:
            # A row written without its "TT" cell (10_nq-1339): the header's
            # unmapped first column is the missing one.
            columns = [i + 1 for i in range(len(cells))]
        fields = {
            mapping[columns[i]]: c
            for i, c in enumerate(cells)
            if columns[i] in mapping and c.text
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
        if "description" in fields and (
            len(cells) == width or columns[-1] == width - 1 or numbered
        ):
            out.append(TableRow(tuple(cells), "task", fields))
        else:
            out.append(TableRow(tuple(cells), "other", fields))
    return out
