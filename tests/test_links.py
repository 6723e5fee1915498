"""Links between directives (pipeline/links.py): the relation a text gives
each document number it cites. The sentences are invented in the shape of
the shared directives' basis lines, captions and amending clauses."""

from __future__ import annotations

import pytest

from pipeline.links import REPORTS, Link, find_links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thực hiện Chỉ thị số 32-CT/TW ngày 10/12/2023 của Ban Bí thư.",
         [("implements", "32-CT/TW")]),
        ("Triển khai Nghị quyết số 214/NQ-CP của Chính phủ.", [("implements", "214/NQ-CP")]),
        ("Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 3/4/2024;", [("cites", "12/2024/QĐ-UBND")]),
        ("(Kèm theo Công văn số 88/CV-BCĐ ngày 03 tháng 3 năm 2026)",
         [("attached_to", "88/CV-BCĐ")]),
        ("(Ban hành kèm theo Quyết định số 161/QĐ-UBND)", [("attached_to", "161/QĐ-UBND")]),
        ("Sửa đổi, bổ sung một số điều của Thông tư số 01/2020/TT-BTC.",
         [("amends", "01/2020/TT-BTC")]),
        ("Quyết định này thay thế Quyết định số 5/QĐ-UBND ngày 2/1/2020.",
         [("replaces", "5/QĐ-UBND")]),
        ("Các sở báo cáo kết quả như Công văn số 574/UBND-NC.", [("mentions", "574/UBND-NC")]),
        # Each citation of a basis line gets its own relation.
        ("Căn cứ Luật Đất đai; Thực hiện Kế hoạch số 47-KH/BCĐ của Ban Chỉ đạo; "
         "căn cứ Quyết định số 9/QĐ-TTg,",
         [("implements", "47-KH/BCĐ"), ("cites", "9/QĐ-TTg")]),
        # A number cited twice keeps its first named relation.
        ("Công văn số 7/UBND-KT nêu rõ. Thực hiện Công văn số 7/UBND-KT,",
         [("implements", "7/UBND-KT")]),
    ],
)
def test_links_relations(text, expected):
    assert [(link.relation, link.number) for link in find_links(text, None)] == expected


def test_links_leave_out_the_documents_own_number():
    text = "Thực hiện Chỉ thị số 05/CT-UBND này, các sở báo cáo."
    assert find_links(text, "05/CT-UBND") == []


def test_links_a_report_links_to_the_directive_it_reports():
    text = "Ngày 10/3, UBND tỉnh đã ký ban hành Chỉ thị số 05/CT-UBND về phòng cháy."
    (link,) = find_links(text, "05/CT-UBND", reported=True)
    assert link == Link(REPORTS, "05/CT-UBND", "")


@pytest.mark.parametrize(
    ("a", "b"), [("227/CĐ-TTg", "227/cđ-ttg"), ("32-CT/TW", "32–CT/TW"), ("96-KH/TU", "96 - KH/TU")]
)
def test_links_number_keys_ignore_case_marks_and_dashes(a, b):
    assert Link("cites", a, "").key == Link("cites", b, "").key
