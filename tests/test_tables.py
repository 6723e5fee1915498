"""Tests for ``pipeline.tables``: cells, header mapping, row kinds.

Rows are in the shape of the shared assignment tables: "STT | Nhiệm vụ |
Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện | Thời hạn hoàn thành"
(02_tb-624 Phụ lục I), "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối
hợp | Thời gian hoàn thành" (03_qd-2530), section rows merged across the
table ("Nhiệm vụ giao Chủ tịch UBND các tỉnh, thành phố chỉ đạo | | | |",
02_tb-624).
"""

from __future__ import annotations

import pytest

from pipeline.tables import Cell, column_fields, is_header, read_table, split_row


def _row(text: str, offset: int = 0) -> list[Cell]:
    padded = " " * offset + text
    return split_row(padded, offset, len(padded))


def test_tables_split_row_offsets() -> None:
    text = "1. | Rà soát văn bản | Sở Tư pháp | 30/6/2026"
    cells = split_row(text, 0, len(text))
    assert [c.text for c in cells] == ["1.", "Rà soát văn bản", "Sở Tư pháp", "30/6/2026"]
    for cell in cells:
        assert text[cell.start : cell.end] == cell.text


def test_tables_split_row_inside_document() -> None:
    text = "II. NHIỆM VỤ\n1. |  Rà soát văn bản  | Sở Tư pháp |  \nHết."
    start = text.index("1. |")
    end = text.index("\nHết")
    cells = split_row(text, start, end)
    assert [c.text for c in cells] == ["1.", "Rà soát văn bản", "Sở Tư pháp", ""]
    for cell in cells:
        assert text[cell.start : cell.end] == cell.text
    assert cells[1].start == text.index("Rà soát")


HEADERS = [
    # 02_tb-624, Phụ lục I
    ("STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện | Thời hạn hoàn thành",
     {1: "description", 2: "source", 3: "lead", 4: "deadline"}),
    # 03_qd-2530
    ("STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành",
     {1: "description", 2: "lead", 3: "support", 4: "deadline"}),
    # 15_cv-6225
    ("TT | Nhiệm vụ | Đơn vị chủ trì | Sản phẩm | Thời hạn",
     {1: "description", 2: "lead", 3: "product", 4: "deadline"}),
    # 15_cv-6225, Phụ lục as written: the head who answers for a task is not
    # its lead when a "Cơ quan chủ trì" column names the body.
    ("STT | Tên nhiệm vụ | Người đứng đầu chịu trách nhiệm | Cơ quan chủ trì | Cơ quan phối hợp "
     "| Kết quả thực hiện | Thời hạn hoàn thành",
     {1: "description", 3: "lead", 4: "support", 5: "product", 6: "deadline"}),
    # 10_nq-1339
    ("TT | Tên văn bản | Cơ quan trình | Cơ quan soạn thảo | Tiến độ",
     {1: "description", 2: "lead", 4: "deadline"}),
]


@pytest.mark.parametrize(("header", "fields"), HEADERS)
def test_tables_header_mapping(header: str, fields: dict[int, str]) -> None:
    cells = _row(header)
    assert is_header(cells)
    assert column_fields(cells) == fields


@pytest.mark.parametrize(
    "row",
    [
        "1. | Rà soát văn bản | Sở Tư pháp | 30/6/2026",
        "Nhiệm vụ giao Chủ tịch UBND các tỉnh, thành phố chỉ đạo | | | |",
        # A task row that mentions header words is still a task row.
        "3. | Xây dựng quy chế phối hợp, phân công cơ quan chủ trì và nội dung nhiệm vụ "
        "của từng đơn vị trong năm 2026 | Sở Nội vụ | Quý I/2026",
    ],
)
def test_tables_not_header(row: str) -> None:
    assert not is_header(_row(row))


TABLE = [
    "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành",
    "I | Hoàn thiện thể chế | Hoàn thiện thể chế | Hoàn thiện thể chế | Hoàn thiện thể chế",
    "1 | Rà soát văn bản quy phạm pháp luật | Sở Tư pháp | Sở Nội vụ | 30/6/2026",
    "Nhiệm vụ giao Chủ tịch UBND các tỉnh, thành phố chỉ đạo | | | |",
    "2 | Tổ chức tập huấn chuyên sâu | Sở Nội vụ | Các sở, ngành | Quý I/2026",
]


def test_tables_read_table_kinds() -> None:
    rows = read_table([_row(line) for line in TABLE])
    assert [r.kind for r in rows] == ["header", "section", "task", "section", "task"]


def test_tables_task_row_fields() -> None:
    rows = read_table([_row(line) for line in TABLE])
    task = rows[2]
    assert {k: c.text for k, c in task.fields.items()} == {
        "description": "Rà soát văn bản quy phạm pháp luật",
        "lead": "Sở Tư pháp",
        "support": "Sở Nội vụ",
        "deadline": "30/6/2026",
    }
    assert rows[4].fields["deadline"].text == "Quý I/2026"




@pytest.mark.parametrize(
    ("row", "cells"),
    [
        ("1 | Rà soát | Sở Tư pháp", ["1", "Rà soát", "Sở Tư pháp"]),
        pytest.param("2 | Tập huấn | Sở Nội vụ | | Quý I/2026",
                     ["2", "Tập huấn", "Sở Nội vụ", "", "Quý I/2026"]),
        pytest.param("A | NHIỆM VỤ CHUNG | | |", ["A", "NHIỆM VỤ CHUNG", "", "", ""]),
    ],
)
def test_tables_split_row_empty_cells(row: str, cells: list[str]) -> None:
    found = _row(row)
    assert [c.text for c in found] == cells
    for cell in found:
        assert row[cell.start : cell.end] == cell.text


def test_tables_empty_support_cell_is_task_without_support() -> None:
    rows = read_table([_row(TABLE[0]), _row("2 | Tổ chức tập huấn | Sở Nội vụ | | Quý I/2026")])
    assert rows[1].kind == "task"
    assert "support" not in rows[1].fields
    assert rows[1].fields["deadline"].text == "Quý I/2026"


def test_tables_section_row_real_layout() -> None:
    # 02_tb-624: a merged title row with a leading empty cell.
    row = " | Nhiệm vụ giao Bộ trưởng Bộ Công an chỉ đạo | | | | "
    header = _row("STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện | Thời hạn")
    rows = read_table([header, split_row(row, 0, len(row))])
    assert rows[1].kind == "section"


def test_tables_rows_before_header_are_other() -> None:
    rows = read_table([_row("1 | Rà soát văn bản | Sở Tư pháp | Sở Nội vụ | 30/6/2026")])
    assert [r.kind for r in rows] == ["other"]
    assert rows[0].fields == {}


def test_tables_header_carried_over_break() -> None:
    header = _row(TABLE[0])
    row = "5 | Tổng kết thực hiện Kế hoạch | Sở Tư pháp | Các sở, ngành | Tháng 12/2026"
    continued = [_row(row)]
    rows = read_table(continued, header)
    assert [r.kind for r in rows] == ["task"]
    assert rows[0].fields["lead"].text == "Sở Tư pháp"
    assert rows[0].fields["deadline"].text == "Tháng 12/2026"


def test_tables_row_of_other_width_is_other() -> None:
    rows = read_table([_row(TABLE[0]), _row("tiếp theo của dòng trên | Sở Tư pháp")])
    assert rows[1].kind in ("other", "section")
    assert rows[1].kind != "task"


def test_tables_row_without_its_number_cell() -> None:
    # 10_nq-1339: the rows leave out the "TT" cell the header has.
    header = "TT | Tên văn bản | Cơ quan trình | Cơ quan soạn thảo | Tiến độ | Hồ sơ"
    row = ("Nghị quyết sửa đổi Quy chế làm việc | Văn phòng Quốc hội | Văn phòng Quốc hội "
           "| Trình UBTVQH trước ngày 10/01/2025 | Tờ trình; dự thảo")
    rows = read_table([_row(header), _row(row)])
    assert rows[1].kind == "task"
    assert {k: c.text for k, c in rows[1].fields.items()} == {
        "description": "Nghị quyết sửa đổi Quy chế làm việc",
        "lead": "Văn phòng Quốc hội",
        "deadline": "Trình UBTVQH trước ngày 10/01/2025",
    }


@pytest.mark.parametrize(
    ("header", "row", "lead", "deadline"),
    [
        # 02_tb-624: the result cell went to the next line.
        ("STT | Tên nhiệm vụ | Đơn vị chủ trì | Thời hạn | Kết quả",
         "24 | Chủ trì xây dựng cơ sở dữ liệu quốc gia về y tế | Bộ Y tế | 31/12/2025",
         "Bộ Y tế", "31/12/2025"),
        # An empty middle cell dropped: only reading from the right puts the
        # date under "Thời hạn".
        ("STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện | Thời hạn",
         "7 | Rà soát thủ tục hành chính | Bộ Tư pháp | 31/10/2025",
         "Bộ Tư pháp", "31/10/2025"),
    ],
)
def test_tables_numbered_row_with_a_cell_left_out(
    header: str, row: str, lead: str, deadline: str
) -> None:
    rows = read_table([_row(header), _row(row)])
    assert rows[1].kind == "task"
    assert rows[1].fields["lead"].text == lead
    assert rows[1].fields["deadline"].text == deadline
