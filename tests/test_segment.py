"""Tests for ``pipeline.segment``: paragraphs, list markers, nesting, sentences.

The layouts are small hand-written pieces in the shape of the shared
directives: Roman sections with Arabic items and letters (01_kh-141),
dotted numbers (02_tb-624 "3.1."), "(1)" items (09_tb-631), dashes and
"+" sub-items (18_kh-7360), "Điều 1." articles (03_qd-2530, 04_qd-2623),
and " | " table rows (02_tb-624 appendix).
"""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.normalise import normalise
from pipeline.segment import Paragraph, pieces, runs_apart, segment


def _segment(text: str) -> list[Paragraph]:
    return segment(normalise(text))


def _layout(text: str) -> list[tuple[str | None, int, int | None]]:
    """(marker, level, parent) of each paragraph."""
    return [(p.marker, p.level, p.parent) for p in _segment(text)]


@pytest.mark.parametrize(
    ("line", "marker", "style", "content"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "I.", "roman", "MỤC ĐÍCH, YÊU CẦU"),
        ("IV. TỔ CHỨC THỰC HIỆN", "IV.", "roman", "TỔ CHỨC THỰC HIỆN"),
        ("1. Sở Tư pháp chủ trì.", "1.", "arabic.", "Sở Tư pháp chủ trì."),
        ("2) Bộ Công an chủ trì.", "2)", "arabic)", "Bộ Công an chủ trì."),
        ("3.1. Tham gia góp ý kiến:", "3.1.", "dotted1", "Tham gia góp ý kiến:"),
        ("1.2.3. Rà soát văn bản.", "1.2.3.", "dotted2", "Rà soát văn bản."),
        ("a) Rà soát văn bản.", "a)", "letter)", "Rà soát văn bản."),
        ("đ) Tổ chức tập huấn.", "đ)", "letter)", "Tổ chức tập huấn."),
        ("(1) Giao Bộ Tài chính chủ trì.", "(1)", "paren", "Giao Bộ Tài chính chủ trì."),
        ("- Đơn vị chủ trì: Sở Tư pháp.", "-", "dash", "Đơn vị chủ trì: Sở Tư pháp."),
        ("+ Tổ chức hội nghị.", "+", "plus", "Tổ chức hội nghị."),
        ("Điều 1. Ban hành kèm theo Quyết định này.", "Điều 1.", "word",
         "Ban hành kèm theo Quyết định này."),
        ("Sở Tư pháp chủ trì.", None, None, "Sở Tư pháp chủ trì."),
    ],
)
def test_segment_marker_styles(line: str, marker: str | None, style: str | None,
                               content: str) -> None:
    (paragraph,) = _segment(line)
    assert paragraph.marker == marker
    assert paragraph.style == style
    assert line[paragraph.content_start : paragraph.end] == content
    assert line[paragraph.start : paragraph.end] == line


PLAN = """I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức.
2. Yêu cầu
- Bám sát nội dung.
+ Chi tiết một.
+ Chi tiết hai.
- Bảo đảm tiến độ.
II. NHIỆM VỤ
1. Sở Tư pháp:
a) Rà soát văn bản.
b) Tổ chức tập huấn.
2. Sở Nội vụ:
a) Xây dựng kế hoạch.
"""


def test_segment_nesting_levels_and_parents() -> None:
    assert _layout(PLAN) == [
        ("I.", 1, None),
        ("1.", 2, 0),
        ("-", 3, 1),
        ("2.", 2, 0),
        ("-", 3, 3),
        ("+", 4, 4),
        ("+", 4, 4),
        ("-", 3, 3),
        ("II.", 1, None),
        ("1.", 2, 8),
        ("a)", 3, 9),
        ("b)", 3, 9),
        ("2.", 2, 8),
        ("a)", 3, 12),
    ]


def test_segment_numbering_restarts_under_new_section() -> None:
    paragraphs = _segment(PLAN)
    firsts = [p for p in paragraphs if p.marker == "1."]
    assert [paragraphs[p.parent].marker for p in firsts] == ["I.", "II."]


def test_segment_dotted_under_arabic() -> None:
    text = ("3. Nhiệm vụ về thể chế\n3.1. Tham gia góp ý kiến:\na) Nghị định về dữ liệu.\n"
            "3.2. Rà soát.\n")
    assert _layout(text) == [("3.", 1, None), ("3.1.", 2, 0), ("a)", 3, 1), ("3.2.", 2, 0)]


def test_segment_articles() -> None:
    text = ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n"
            "Điều 2. Quyết định này có hiệu lực.\n")
    assert _layout(text) == [("Điều 1.", 1, None), ("Điều 2.", 1, None)]


def test_segment_paren_items() -> None:
    text = "1. Giao các bộ:\n(1) Bộ Tài chính chủ trì.\n(2) Bộ Xây dựng chủ trì.\n"
    assert _layout(text) == [("1.", 1, None), ("(1)", 2, 0), ("(2)", 2, 0)]


def test_segment_plain_lines_belong_to_last_item() -> None:
    text = "1. Sở Tư pháp:\nRà soát văn bản.\nĐơn vị chủ trì: Sở Tư pháp.\n"
    assert _layout(text) == [("1.", 1, None), (None, 2, 0), (None, 2, 0)]


def test_segment_prose_ends_a_bullet_list() -> None:
    # 15_cv-6225: the addressees' dashes, a prose paragraph, then the body's
    # outline "1." with its own dashes; numbered levels stay open across prose.
    text = ("Kính gửi:\n- Các cơ quan tham mưu thuộc Bộ;\n- Viện Văn hóa.\n"
            "Thủ tướng Chính phủ đã ban hành Chỉ thị số 33/CT-TTg.\n"
            "1. Thủ trưởng các cơ quan, đơn vị được giao nhiệm vụ\n"
            "- Nghiêm túc thực hiện chế độ báo cáo.\n"
            "Tiếp tục thực hiện.\n"
            "2. Vụ Tổ chức cán bộ\n")
    assert _layout(text) == [
        (None, 1, None), ("-", 1, None), ("-", 1, None), (None, 1, None),
        ("1.", 1, None), ("-", 2, 4), (None, 2, 4), ("2.", 1, None),
    ]


@pytest.mark.parametrize("separator", ["\n", "\n\n", "\r\n", "\n  \n"])
def test_segment_blank_lines_do_not_matter(separator: str) -> None:
    lines = ["I. NHIỆM VỤ", "1. Sở Tư pháp:", "a) Rà soát văn bản.", "b) Tổ chức tập huấn."]
    text = separator.join(lines)
    assert _layout(text) == [("I.", 1, None), ("1.", 2, 0), ("a)", 3, 1), ("b)", 3, 1)]
    for p, line in zip(_segment(text), lines, strict=True):
        assert text[p.start : p.end] == line


def test_segment_sentences_inside_paragraph() -> None:
    text = ("Ban Tổ chức Thành ủy được giao chủ trì 10 nhóm nhiệm vụ. "
            "Ban cũng có nhiệm vụ xây dựng cơ chế thí điểm.")
    (paragraph,) = _segment(text)
    assert [text[s.start : s.end] for s in paragraph.sentences] == [
        "Ban Tổ chức Thành ủy được giao chủ trì 10 nhóm nhiệm vụ.",
        "Ban cũng có nhiệm vụ xây dựng cơ chế thí điểm.",
    ]


def test_segment_sentences_exclude_marker() -> None:
    text = "a) Rà soát văn bản. Báo cáo kết quả."
    (paragraph,) = _segment(text)
    assert [text[s.start : s.end] for s in paragraph.sentences] == [
        "Rà soát văn bản.", "Báo cáo kết quả."
    ]


def test_segment_table_rows_are_not_markers() -> None:
    text = (
        "II. NHIỆM VỤ\n"
        "STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Thời hạn\n"
        "1. | Rà soát văn bản | Sở Tư pháp | 30/6/2026\n"
        "2. | Tổ chức tập huấn | Sở Nội vụ | Quý I/2026\n"
    )
    paragraphs = _segment(text)
    assert [p.is_table_row for p in paragraphs] == [False, True, True, True]
    assert [p.marker for p in paragraphs] == ["II.", None, None, None]
    rows = paragraphs[1:]
    assert all(p.parent == 0 for p in rows)
    # A row is one sentence, whatever full stops it holds.
    assert [len(p.sentences) for p in rows] == [1, 1, 1]
    assert text[rows[1].sentences[0].start : rows[1].sentences[0].end] == (
        "1. | Rà soát văn bản | Sở Tư pháp | 30/6/2026"
    )


def test_segment_rule_lines_skipped() -> None:
    text = "UỶ BAN NHÂN DÂN\nTỈNH BẮC NINH\n-------\nSố: 141/KH-UBND\n"
    paragraphs = _segment(text)
    assert [text[p.start : p.end] for p in paragraphs] == [
        "UỶ BAN NHÂN DÂN", "TỈNH BẮC NINH", "Số: 141/KH-UBND"
    ]


def test_segment_offsets_into_nfd_text() -> None:
    text = unicodedata.normalize("NFD", "I. NHIỆM VỤ\n1. Sở Tư pháp chủ trì. Bộ Nội vụ phối hợp.\n")
    paragraphs = _segment(text)
    assert [p.marker for p in paragraphs] == ["I.", "1."]
    second = paragraphs[1]
    assert unicodedata.normalize("NFC", text[second.content_start : second.end]) == (
        "Sở Tư pháp chủ trì. Bộ Nội vụ phối hợp."
    )
    assert [unicodedata.normalize("NFC", text[s.start : s.end]) for s in second.sentences] == [
        "Sở Tư pháp chủ trì.", "Bộ Nội vụ phối hợp."
    ]


def test_segment_marker_needs_following_space() -> None:
    # "30/6/2026" or "1.000" at a line's start are not markers.
    paragraphs = _segment("2026 là năm bản lề.\nI.NHIỆM VỤ\n")
    assert [p.marker for p in paragraphs] == [None, None]


# A heading and its first item run into one line by the conversion of the page
# (qd_1622-qd-ubnd, cd_220-cd-ttg): split where "b)" follows on the next line.
@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("1. Sở Tài chính a) Đăng tải công khai danh mục.\n\nb) Hủy công khai TTHC.\n",
         [("1.", 1, None), ("a)", 2, 0), ("b)", 2, 0)]),
        ("2. Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ a) Khẩn trương rà soát.\nb) Báo cáo.\n",
         [("2.", 1, None), ("a)", 2, 0), ("b)", 2, 0)]),
        # No "b)" after it: a letter in running text, not an item.
        ("1. Sở Tài chính a) Đăng tải công khai danh mục.\n\n2. Sở Nội vụ rà soát.\n",
         [("1.", 1, None), ("2.", 1, None)]),
        # A long sentence before "a)" is no heading.
        ("1. Sở Tài chính chủ trì, phối hợp với các sở, ngành, địa phương liên quan rà soát "
         "toàn bộ các thủ tục hành chính và các quy định có liên quan theo phương án a) Bỏ "
         "bớt.\nb) Giữ.\n",
         [("1.", 1, None), ("b)", 2, 0)]),
    ],
)
def test_segment_run_in_first_item(text: str, layout: list[tuple[str | None, int, int | None]]
                                   ) -> None:
    assert _layout(text) == layout
    paragraphs = _segment(text)
    assert all(text[p.start:p.end].strip() == text[p.start:p.end] for p in paragraphs)

# --- pieces of long lines (issue 17) -----------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sở Nội vụ rà soát.", [(0, 18)]),
        # A run with no space is cut every 200 characters.
        ("1" + ".1" * 150, [(0, 200), (200, 301)]),
        (";" * 450, [(0, 200), (200, 400), (400, 450)]),
        # A long line is cut after the last clause end past half the piece.
        ("Sở Nội vụ rà soát; " * 150, [(0, 1994), (1994, 2850)]),
        # With no clause end near, at the last word that fits.
        ("ab " * 1000, [(0, 2000), (2000, 3000)]),
    ],
)
def test_segment_pieces(line: str, expected: list[tuple[int, int]]) -> None:
    assert pieces(line) == expected


def test_segment_sentence_over_the_limit_is_cut_at_clause_ends() -> None:
    text = "Sở Nội vụ rà soát; " * 300
    [paragraph] = segment(normalise(text))
    lengths = [sentence.end - sentence.start for sentence in paragraph.sentences]
    assert len(lengths) == 3 and max(lengths) <= 2000
    assert all(text[s.start : s.end].endswith(";") for s in paragraph.sentences)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sở Nội vụ rà soát.", [(0, 18, False)]),
        ("a " + ";" * 450 + " b", [(0, 2, False), (2, 202, True), (202, 402, True),
                                   (402, 452, True), (452, 454, False)]),
        ("x" * 200, [(0, 200, False)]),
    ],
)
def test_segment_runs_apart(line: str, expected: list[tuple[int, int, bool]]) -> None:
    assert runs_apart(line) == expected
