"""Tests for ``pipeline.metadata``: type, number, title, issuer, signer, date.

The hand-written headers follow the layout of the shared directives
(01_kh-141 "UỶ BAN NHÂN DÂN / TỈNH BẮC NINH / Số: 141/KH-UBND / Bắc Ninh, ngày
20 tháng 11 năm 2025 / KẾ HOẠCH"; 17_cd-96 "CÔNG ĐIỆN"; news reports such as
the seed, "đã ký ban hành Kế hoạch số 96-KH/TU ngày 13-7-2018").
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.gold import shared_dir
from pipeline.match import match
from pipeline.metadata import extract_metadata
from pipeline.normalise import normalise
from pipeline.tokenise import tokenise

PLAN = """UỶ BAN NHÂN DÂN
TỈNH AN BÌNH
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 141/KH-UBND
An Bình, ngày 20 tháng 11 năm 2025

KẾ HOẠCH
Nâng cao năng lực cho đội ngũ cán bộ xây dựng pháp luật

I. NHIỆM VỤ
1. Sở Tư pháp chủ trì rà soát văn bản, hoàn thành trước ngày 30/6/2026.

Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""

TELEGRAM = """BỘ XÂY DỰNG
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 96/CĐ-BXD
Hà Nội, ngày 22 tháng 11 năm 2025

CÔNG ĐIỆN
Về việc tập trung ứng phó mưa lũ tại khu vực Trung Bộ

Bộ trưởng Bộ Xây dựng điện:
1. Cục Đường bộ Việt Nam chỉ đạo các đơn vị bảo đảm giao thông thông suốt.
BỘ TRƯỞNG

Trần Hồng Minh
"""

NOTICE = """VĂN PHÒNG CHÍNH PHỦ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 631/TB-VPCP
Hà Nội, ngày 19 tháng 11 năm 2025

THÔNG BÁO
KẾT LUẬN CỦA PHÓ THỦ TƯỚNG VỀ CHƯƠNG TRÌNH NÔNG THÔN MỚI

Giao Bộ Nông nghiệp và Môi trường chủ trì tiếp thu ý kiến.
"""

NEWS = (
    "Thủ tướng Chính phủ vừa ký ban hành Chỉ thị số 24/CT-TTg ngày 13/9/2025 về giải pháp "
    "công nghệ phục vụ người dân. Bộ Công an chủ trì triển khai."
)


def _meta(text: str):
    view = normalise(text)
    return extract_metadata(view.text, match(tokenise(text)))


@pytest.mark.parametrize(
    ("text", "doc_type", "number", "issued", "issuer", "signer", "title"),
    [
        (PLAN, "Kế hoạch", "141/KH-UBND", date(2025, 11, 20), "ỦY BAN NHÂN DÂN TỈNH AN BÌNH",
         "Nguyễn Văn An", "Nâng cao năng lực cho đội ngũ cán bộ xây dựng pháp luật"),
        (TELEGRAM, "Công điện", "96/CĐ-BXD", date(2025, 11, 22), "BỘ XÂY DỰNG",
         "Trần Hồng Minh", "tập trung ứng phó mưa lũ tại khu vực Trung Bộ"),
        # The number's code names the issuer in its usual spelling.
        (NOTICE, "Thông báo", "631/TB-VPCP", date(2025, 11, 19), "Văn phòng Chính phủ",
         None, "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG VỀ CHƯƠNG TRÌNH NÔNG THÔN MỚI"),
    ],
    ids=["ke-hoach", "cong-dien", "thong-bao"],
)
def test_metadata_official_header(text, doc_type, number, issued, issuer, signer, title) -> None:
    meta = _meta(text)
    assert meta.doc_type == doc_type
    assert meta.number == number
    assert meta.issued_date == issued
    assert meta.issuer is not None
    assert " ".join(meta.issuer.split()) == issuer
    assert meta.signer == signer
    assert meta.title == title


def test_metadata_issuer_compares_with_tone_placement() -> None:
    # The header is read from the normalised view: "UỶ" comes back new-style.
    meta = extract_metadata(normalise(PLAN).text)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH AN BÌNH"


def test_metadata_news_report_names_the_directive() -> None:
    meta = _meta(NEWS)
    assert meta.doc_type == "Chỉ thị"
    assert meta.number == "24/CT-TTg"
    assert meta.issued_date == date(2025, 9, 13)


def test_metadata_news_report_type_from_the_words_before_the_number() -> None:
    # 31_bai-viet: the code "TTg-CN" names no type; "Công văn" before it does.
    meta = _meta("Thủ tướng yêu cầu thực hiện nghiêm quy định xử phạt giao thông\n\n"
                 "Phó Thủ tướng Chính phủ vừa ký Công văn 227/TTg-CN năm 2025 về việc bảo đảm "
                 "trật tự, an toàn giao thông.\n")
    assert (meta.doc_type, meta.number, meta.issuer) == (
        "Công văn", "227/TTg-CN", "Thủ tướng Chính phủ"
    )


@pytest.mark.parametrize(
    ("number", "doc_type"),
    [("96-KH/TU", "Kế hoạch"), ("227/CĐ-TTg", "Công điện"), ("127-KL/TW", "Kết luận"),
     ("432-TB/VPTW", "Thông báo"), ("1339/NQ-UBTVQH15", "Nghị quyết")],
)
def test_metadata_type_from_number_code(number: str, doc_type: str) -> None:
    meta = _meta(f"Số: {number}\nHà Nội, ngày 13 tháng 7 năm 2018\n\nVề công tác cán bộ.")
    assert meta.number == number
    assert meta.doc_type == doc_type
    assert meta.issued_date == date(2018, 7, 13)


def test_metadata_invalid_date_is_none() -> None:
    meta = _meta(PLAN.replace("ngày 20 tháng 11", "ngày 31 tháng 11"))
    assert meta.issued_date is None


def test_metadata_no_header() -> None:
    meta = _meta("Sở Tư pháp rà soát văn bản.")
    assert (meta.doc_type, meta.number, meta.issued_date, meta.title) == (None, None, None, None)


def _seed_text() -> str:
    path = shared_dir(required=False) / "seed" / "plan96-hanoimoi-2018-07-16.txt"
    if not path.is_file():
        pytest.skip(f"the shared seed article is not at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_meta():
    return _meta(_seed_text())


def test_metadata_seed_number_type_issuer(seed_meta) -> None:
    assert seed_meta.number == "96-KH/TU"
    assert seed_meta.doc_type == "Kế hoạch"
    assert seed_meta.issuer == "Thành ủy Hà Nội"


def test_metadata_seed_issue_date(seed_meta) -> None:
    assert seed_meta.issued_date == date(2018, 7, 13)


def test_metadata_date_after_number_after_blank_lines() -> None:
    # The same shape as the seed, in a hand-written text without blank lines.
    text = "Tin tức\nBí thư Thành ủy đã ký ban hành Kế hoạch số 96-KH/TU ngày 13-7-2018 về cán bộ."
    assert _meta(text).issued_date == date(2018, 7, 13)


def test_metadata_date_after_number_with_blank_lines_before() -> None:
    text = ("Tin tức\n\n\nBí thư Thành ủy đã ký ban hành Kế hoạch số 96-KH/TU "
            "ngày 13-7-2018 về cán bộ.")
    assert _meta(text).issued_date == date(2018, 7, 13)


def test_metadata_seed_signer(seed_meta) -> None:
    assert seed_meta.signer == "Hoàng Trung Hải"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # 05_cd-227 / 17_cd-96: the list under "… điện:".
        (
            "BỘ XÂY DỰNG điện:\n\n- Tổng Công ty Đường sắt Việt Nam;\n\n- Ban Quản lý Dự án 85;\n\n"
            "Thời gian qua, mưa lũ đã gây thiệt hại.",
            ("Tổng Công ty Đường sắt Việt Nam", "Ban Quản lý Dự án 85"),
        ),
        # 16_cv-6316: the addressee on the "Kính gửi:" line itself.
        (
            "Kính gửi: Thủ trưởng các cơ quan tham mưu, quản lý nhà nước thuộc Bộ.\n\nThực hiện …",
            ("Thủ trưởng các cơ quan tham mưu, quản lý nhà nước thuộc Bộ",),
        ),
        ("KẾ HOẠCH\n\nTriển khai thi hành Luật.", ()),
    ],
)
def test_metadata_addressees(header: str, expected: tuple[str, ...]) -> None:
    assert extract_metadata(header).addressees == expected


@pytest.mark.parametrize(
    ("number", "issuer"),
    [
        ("07-KL/VPTW", "Văn phòng Trung ương Đảng"),  # 13_kl-07: header "VĂN PHÒNG"
        ("227/TTg-CN", "Thủ tướng Chính phủ"),  # 31_bai-viet reports it
        ("7360/KH-UBND", None),  # "UBND" names no province: the header does
    ],
)
def test_metadata_issuer_from_number_code(number: str, issuer: str | None) -> None:
    from pipeline.metadata import _issuer_from_number

    assert _issuer_from_number(number) == issuer


def test_metadata_report_date_before_the_number() -> None:
    # 26_tom-tat: "Ngày 23/11/2025, Thủ tướng Chính phủ có Công điện 227/CĐ-TTg …".
    meta = _meta("Thủ tướng yêu cầu hỗ trợ sửa nhà trước 30/11\n\n"
                 "Ngày 23/11/2025, Thủ tướng Chính phủ có Công điện 227/CĐ-TTg về tập trung "
                 "khắc phục hậu quả mưa lũ.\n")
    assert (meta.number, meta.issued_date) == ("227/CĐ-TTg", date(2025, 11, 23))


@pytest.mark.parametrize(
    "text",
    [
        # A cited directive is never this document (issue 12).
        "Thực hiện Kết luận số 192-KL/TW ngày 10 tháng 02 năm 2026 của Bộ Chính trị, "
        "đề nghị các Bộ khẩn trương rà soát.",
        "Kính gửi: Các Bộ, ngành.\n\nCăn cứ Nghị quyết số 71/NQ-CP ngày 05/4/2025 của Chính "
        "phủ, đề nghị các Bộ báo cáo.",
    ],
)
def test_metadata_cited_document_is_not_this_one(text: str) -> None:
    meta = _meta(text)
    assert (meta.doc_type, meta.number, meta.issued_date) == (None, None, None)


def test_metadata_letter_without_header_is_named_by_its_appendix_caption() -> None:
    meta = _meta(
        "Kính gửi:\n- Ủy ban nhân dân các tỉnh.\n\nĐề nghị các địa phương rà soát.\n\n"
        "PHỤ LỤC\n(Kèm theo Công văn số 88/CV-BCĐ ngày 03 tháng 3 năm 2026 của Ban Chỉ đạo)\n"
    )
    assert (meta.doc_type, meta.number, meta.issued_date) == (
        "Công văn", "88/CV-BCĐ", date(2026, 3, 3)
    )
