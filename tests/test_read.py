"""The read stage: every input kind staff receive, and every bad input refused
with a one-line reason, through ``read_document`` and through the CLI.

Fixtures are built here, in ``tmp_path``, with python-docx, reportlab and
pypdf; the legacy-encoding phrases are the standard national header as TCVN3
(.VnTime) and VNI-Times documents carry it.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from checks import run_vntasks
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import VntasksError
from pipeline.read import SUPPORTED_SUFFIXES, read_bytes, read_document, read_text
from pipeline.read.pdf import drop_page_furniture, join_wrapped
from pipeline.read.word import DOCX_MEDIA_TYPE, _soffice, format_number

HEADER = "Cộng hoà xã hội chủ nghĩa Việt Nam"
TASK = (
    "Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành xây dựng kế hoạch, "
    "hoàn thành trước ngày 30/6/2025."
)
TCVN3_TEXT = (
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n"
    "Giao Së Tµi chÝnh chñ tr×, phèi hîp víi c¸c së, ngµnh x©y dùng kÕ ho¹ch, "
    "hoµn thµnh tr\u00adíc ngµy 30/6/2025.\n"
)
VNI_TEXT = (
    "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam\n"
    "Giao Sôû Taøi chính chuû trì, phoái hôïp vôùi caùc sôû, ngaønh xaây döïng keá hoaïch, "
    "hoaøn thaønh tröôùc ngaøy 30/6/2025.\n"
)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def _windows_1258(text: str) -> bytes:
    """Windows-1258 keeps ă â ê ô ơ ư whole and writes the tone as a combining mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        marks = "".join(mark for mark in parts[1:] if mark not in tones)
        out.append(unicodedata.normalize("NFC", parts[0] + marks))
        out.extend(mark for mark in parts[1:] if mark in tones)
    return "".join(out).encode("cp1258")


def _invoke(*args: str, input: bytes | None = None):
    return CliRunner().invoke(app, ["extract", *args], input=input)


# --- plain text and encodings -------------------------------------------------

ENCODED = [
    ("utf-8", (HEADER + "\n" + TASK).encode("utf-8"), "utf-8"),
    ("utf-8-bom", b"\xef\xbb\xbf" + (HEADER + "\n" + TASK).encode("utf-8"), "utf-8-sig"),
    ("utf-16-bom", (HEADER + "\n" + TASK).encode("utf-16"), "utf-16"),
    ("utf-16-le-no-bom", (HEADER + "\n" + TASK).encode("utf-16-le"), "utf-16"),
    # UTF-32's little-endian mark starts with UTF-16's (issue 17: it was read
    # as UTF-16 and gave no tasks).
    ("utf-32-bom", (HEADER + "\n" + TASK).encode("utf-32"), "utf-32"),
    ("utf-32-le-no-bom", (HEADER + "\n" + TASK).encode("utf-32-le"), "utf-32"),
    ("utf-32-be-no-bom", (HEADER + "\n" + TASK).encode("utf-32-be"), "utf-32"),
    ("windows-1258", _windows_1258(HEADER + "\n" + TASK), "cp1258"),
    ("tcvn3", TCVN3_TEXT.encode("cp1252"), "tcvn3"),
    ("vni", VNI_TEXT.encode("cp1252"), "vni"),
]


@pytest.mark.parametrize(("name", "data", "encoding"), ENCODED, ids=[row[0] for row in ENCODED])
def test_read_encodings_decode_to_vietnamese(tmp_path, name, data, encoding):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    raw = read_document(path)
    assert raw.encoding == encoding
    text = unicodedata.normalize("NFC", raw.text)
    assert text.splitlines()[0] == HEADER
    assert "Sở Tài chính chủ trì" in text
    assert "trước ngày 30/6/2025" in text


def test_read_utf8_vietnamese_is_never_converted(tmp_path):
    # Latin-1 letters only (à á â ê ô ì ò ù …) are what a legacy decoder would
    # grab; one real Vietnamese letter beyond Latin-1 settles it.
    text = "Tài chính: chí phí ít, ý chí cao; Bộ chỉ đạo.\n"
    path = tmp_path / "latin.txt"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).text == text


def test_read_nfd_text_keeps_offsets_as_read(tmp_path):
    text = unicodedata.normalize("NFD", HEADER + "\n" + TASK)
    path = tmp_path / "nfd.txt"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).text == text


def test_read_tcvn3_text_carried_in_utf8_is_repaired(tmp_path):
    path = tmp_path / "mojibake.txt"
    path.write_text(TCVN3_TEXT, encoding="utf-8")
    raw = read_document(path)
    assert raw.encoding == "tcvn3"
    assert raw.text.startswith(HEADER)


# --- .docx --------------------------------------------------------------------

NUMBERING_XML = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/>
    <w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/>
    <w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/>
    <w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/>
    <w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
</w:abstractNum>
"""
NUM_XML = """
<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">
  <w:abstractNumId w:val="90"/>
</w:num>
"""


def _numbered(paragraph, level: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
        )
    )


def _write_docx(path: Path) -> Path:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    first_num.addprevious(parse_xml(NUMBERING_XML))
    numbering.append(parse_xml(NUM_XML))

    document.add_paragraph("KẾ HOẠCH Triển khai Nghị quyết")
    _numbered(document.add_paragraph("MỤC ĐÍCH, YÊU CẦU"), 0)
    _numbered(document.add_paragraph("NHIỆM VỤ"), 0)
    _numbered(document.add_paragraph("Sở Nội vụ chủ trì rà soát tổ chức bộ máy."), 1)
    _numbered(document.add_paragraph("Xây dựng đề án, trình trước ngày 15/8/2025;"), 2)
    _numbered(document.add_paragraph("Tổ chức hội nghị sơ kết."), 2)
    _numbered(document.add_paragraph("Báo cáo định kỳ hằng quý."), 3)
    _numbered(document.add_paragraph("Sở Tài chính bố trí kinh phí."), 1)
    document.add_paragraph("Tổng hợp bằng bảng sau:")
    table = document.add_table(rows=3, cols=4)
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"),
        ("1", "Rà soát văn bản\nquy phạm pháp luật", "Sở Tư pháp", "30/9/2025"),
        ("2", "Xây dựng cơ sở dữ liệu", "Sở Khoa học và Công nghệ", "Quý IV/2025"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Nơi nhận: như trên.")
    document.add_paragraph("Mục một", style="List Number")
    document.add_paragraph("Mục hai", style="List Number")
    document.save(path)
    return path


def test_read_docx_keeps_order_numbering_and_table_rows(tmp_path):
    raw = read_document(_write_docx(tmp_path / "plan.docx"))
    assert raw.media_type.endswith("wordprocessingml.document")
    assert raw.text.splitlines() == [
        "KẾ HOẠCH Triển khai Nghị quyết",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NHIỆM VỤ",
        "1. Sở Nội vụ chủ trì rà soát tổ chức bộ máy.",
        "a) Xây dựng đề án, trình trước ngày 15/8/2025;",
        "b) Tổ chức hội nghị sơ kết.",
        "- Báo cáo định kỳ hằng quý.",
        "2. Sở Tài chính bố trí kinh phí.",
        "Tổng hợp bằng bảng sau:",
        "STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn",
        "1 | Rà soát văn bản quy phạm pháp luật | Sở Tư pháp | 30/9/2025",
        "2 | Xây dựng cơ sở dữ liệu | Sở Khoa học và Công nghệ | Quý IV/2025",
        "Nơi nhận: như trên.",
        "1. Mục một",
        "2. Mục hai",
    ]


def test_read_docx_table_rows_reach_the_segmenter_as_rows(tmp_path):
    from pipeline.normalise import normalise
    from pipeline.segment import segment

    raw = read_document(_write_docx(tmp_path / "plan.docx"))
    rows = [p for p in segment(normalise(raw.text)) if p.is_table_row]
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("number", "style", "expected"),
    [
        (4, "decimal", "4"),
        (3, "lowerLetter", "c"),
        (27, "lowerLetter", "aa"),
        (14, "upperRoman", "XIV"),
        (9, "lowerRoman", "ix"),
        (2, "upperLetter", "B"),
    ],
)
def test_read_docx_number_formats(number, style, expected):
    assert format_number(number, style) == expected


def test_read_docx_cli_extracts_tasks(tmp_path):
    result = _invoke(str(_write_docx(tmp_path / "plan.docx")))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["document"]["source"].endswith("plan.docx")


# --- .doc ---------------------------------------------------------------------


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_read_doc_through_libreoffice(tmp_path):
    import subprocess

    docx_path = _write_docx(tmp_path / "plan.docx")
    out = tmp_path / "out"
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(out),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    raw = read_document(out / "plan.doc")
    assert "Sở Nội vụ chủ trì rà soát tổ chức bộ máy." in raw.text
    assert "STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn" in raw.text


def test_read_doc_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    result = _invoke(str(path))
    assert result.exit_code == 1
    assert "LibreOffice" in result.stderr and "old.doc" in result.stderr
    assert "Traceback" not in result.output


# --- .pdf ---------------------------------------------------------------------


def _font() -> str:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    pytest.skip("no TrueType font with Vietnamese glyphs (apt-get install fonts-noto-core)")


def _write_pdf(path: Path, pages: list[list[str]], table: list[list[str]] | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Vietnamese", _font()))
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        page.setFont("Vietnamese", 9)
        page.drawString(72, height - 40, "UBND TỈNH AN BÌNH - Kế hoạch số 12/KH-UBND")
        page.setFont("Vietnamese", 11)
        y = height - 90
        for line in lines:
            page.drawString(72, y, line)
            y -= 16
        if table and number == 1:
            y -= 10
            column = (width - 144) / len(table[0])
            for row in table:
                for index, cell in enumerate(row):
                    page.rect(72 + index * column, y - 4, column, 18)
                    page.drawString(76 + index * column, y + 1, cell)
                y -= 18
            y -= 16
            page.drawString(72, y, "Các sở, ngành triển khai thực hiện.")
        page.setFont("Vietnamese", 9)
        page.drawString(width / 2, 30, f"- {number} -")
        page.showPage()
    page.save()
    return path


PDF_PAGES = [
    [
        "1. Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư cân đối nguồn vốn, bố trí",
        "kinh phí thực hiện kế hoạch, hoàn thành trước ngày 30/9/2025.",
        "2. Sở Nội vụ rà soát chức năng, nhiệm vụ.",
    ],
    ["3. Sở Tư pháp thẩm định dự thảo quy chế trong quý IV năm 2025."],
    ["4. Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc."],
]
PDF_TABLE = [
    ["STT", "Nhiệm vụ", "Cơ quan", "Thời hạn"],
    ["1", "Rà soát", "Sở Tư pháp", "30/9/2025"],
]


def test_read_pdf_text_tables_furniture_and_wrapping(tmp_path):
    raw = read_document(_write_pdf(tmp_path / "plan.pdf", PDF_PAGES, PDF_TABLE))
    lines = raw.text.splitlines()
    assert raw.media_type == "application/pdf"
    assert lines[0] == (
        "1. Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư cân đối nguồn vốn, "
        "bố trí kinh phí thực hiện kế hoạch, hoàn thành trước ngày 30/9/2025."
    )
    assert "STT | Nhiệm vụ | Cơ quan | Thời hạn" in lines
    assert "1 | Rà soát | Sở Tư pháp | 30/9/2025" in lines
    assert lines.index("STT | Nhiệm vụ | Cơ quan | Thời hạn") > 1
    assert "Các sở, ngành triển khai thực hiện." in lines
    assert "3. Sở Tư pháp thẩm định dự thảo quy chế trong quý IV năm 2025." in lines
    assert not any("UBND TỈNH AN BÌNH" in line for line in lines)
    assert not any(line.strip("- ").isdigit() for line in lines)


def test_read_pdf_furniture_rules():
    pages = [
        ["Kế hoạch 12", "Nội dung trang một", "Trang 1"],
        ["Kế hoạch 12", "Nội dung trang hai", "Trang 2"],
    ]
    assert drop_page_furniture(pages) == [["Nội dung trang một"], ["Nội dung trang hai"]]
    assert join_wrapped(["a) Lập hồ sơ kinh tế-", "xã hội;", "b) Trình duyệt."]) == [
        "a) Lập hồ sơ kinh tế-xã hội;",
        "b) Trình duyệt.",
    ]


def test_read_pdf_encrypted_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = _write_pdf(tmp_path / "plain.pdf", PDF_PAGES)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as stream:
        writer.write(stream)
    result = _invoke(str(locked))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {locked}: the PDF is encrypted; save an unprotected copy"
    ]


def test_read_pdf_with_only_owner_password_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(_write_pdf(tmp_path / "plain.pdf", PDF_PAGES)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    protected = tmp_path / "protected.pdf"
    with protected.open("wb") as stream:
        writer.write(stream)
    assert "Sở Nội vụ rà soát" in read_document(protected).text


def test_read_pdf_scanned_without_ocr_has_no_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(50, 50, 400, 600, fill=1)  # what a scan is to a text extractor: marks, no text
    page.showPage()
    page.save()
    result = _invoke(str(path), "--ocr", "never")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {path}: no text layer, and OCR is off (--ocr never); give --ocr auto to read "
        "the scan"
    )


# --- .html --------------------------------------------------------------------

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "plan96-hanoimoi-2018-07-16.txt"


def _seed_paragraphs() -> list[str]:
    if SEED.is_file():
        lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
        return [line for line in lines if len(line) > 80][:8]
    return [
        TASK,
        "Thành ủy Hà Nội yêu cầu các cấp ủy, tổ chức Đảng, lãnh đạo cơ quan, đơn vị "
        "xây dựng kế hoạch hành động cụ thể, sát, đúng, toàn diện, có trọng tâm.",
    ]


def _page(article: str) -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head>
<meta charset="utf-8"><title>Hànộimới</title></head>
<body><header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/ts">Thời sự</a></li>
<li><a href="/ct">Chính trị</a></li></ul></nav></header>
{article}
<section class="comments"><h3>Bình luận</h3><div class="comment"><p>Bạn đọc Minh: bài viết rất
hay, đề nghị các cấp triển khai sớm và công khai kết quả cho nhân dân được biết.</p></div></section>
<aside class="related"><h3>Tin liên quan</h3><ul><li><a href="/a">Hà Nội tổ chức hội nghị
quán triệt Nghị quyết Trung ương 7</a></li>
<li><a href="/b">Thành ủy kiểm tra công tác cán bộ</a></li>
</ul></aside>
<footer>
<p>Bản quyền thuộc Báo Hànộimới. Ghi rõ nguồn khi phát hành lại.</p></footer></body></html>"""


def test_read_html_seed_article_main_text_only(tmp_path):
    paragraphs = _seed_paragraphs()
    article = (
        "<article><h1>Kiểm soát chặt chẽ việc thực hiện các khâu</h1>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        + (
            "<table><tr><td>STT</td><td>Nhiệm vụ</td><td>Cơ quan</td></tr>"
            "<tr><td>1</td><td>Rà soát quy hoạch cán bộ</td><td>Ban Tổ chức Thành ủy</td></tr>"
            "</table></article>"
        )
    )
    path = tmp_path / "seed.html"
    path.write_text(_page(article), encoding="utf-8")
    raw = read_document(path)
    assert raw.media_type == "text/html"
    for paragraph in paragraphs:
        assert paragraph in raw.text
    assert "STT | Nhiệm vụ | Cơ quan" in raw.text.splitlines()
    for furniture in ("Trang chủ", "Thời sự", "Bạn đọc Minh", "Tin liên quan", "Bản quyền"):
        assert furniture not in raw.text


def test_read_html_without_main_text_is_refused(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text(_page("<div class='menu'><a href='/x'>Xem thêm</a></div>"), encoding="utf-8")
    with pytest.raises(VntasksError) as refused:
        read_document(path)
    assert refused.value.code == "no_main_text"


# --- standard input and directories ------------------------------------------


def test_read_stdin_dash(tmp_path):
    result = _invoke("-", input=TCVN3_TEXT.encode("cp1252"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["document"]["source"] == "<stdin>"


def test_read_bytes_sniffs_docx(tmp_path):
    data = _write_docx(tmp_path / "plan.docx").read_bytes()
    assert "II. NHIỆM VỤ" in read_bytes(data).text


def test_read_directory_reads_every_supported_file_sorted(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "b.txt").write_text(TASK, encoding="utf-8")
    (folder / "a.txt").write_text("Giao Sở Nội vụ rà soát; báo cáo trước 15/7.", encoding="utf-8")
    (folder / "notes.xyz").write_text("bỏ qua", encoding="utf-8")
    _write_docx(folder / "c.docx")
    result = _invoke(str(folder), "--jsonl")
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["document"]["source"] for line in result.stdout.splitlines()]
    assert sources == [str(folder / name) for name in ("a.txt", "b.txt", "c.docx")]


# --- bad input ----------------------------------------------------------------


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # Written in chunks so the test itself never holds the 210 MB.
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(210):
                part.write(bytes(1024 * 1024))
    return path


def _truncated_docx(path: Path) -> Path:
    data = _write_docx(path.with_name("whole.docx")).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _corrupt_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><broken")
        archive.writestr("word/document.xml", "not xml")
    return path


def _encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="x", algorithm="RC4-128")
    with path.open("wb") as stream:
        writer.write(stream)
    return path


BAD_INPUTS = [
    # (name, builder returning the path, error code, message fragment)
    ("empty", lambda p: _bytes(p / "empty.txt", b""), "empty", "the file is empty"),
    (
        "whitespace",
        lambda p: _bytes(p / "blank.txt", b" \n\t\n  "),
        "whitespace_only",
        "only whitespace",
    ),
    ("binary", lambda p: _bytes(p / "data.txt", bytes(range(256)) * 8), "binary", "binary data"),
    # Content by its bytes, not its name (issue 14).
    # A picture is read by OCR (tests/test_ocr.py): these are truncated ones.
    (
        "png-named-txt",
        lambda p: _bytes(p / "image.txt", PNG),
        "corrupt_image",
        "the file is a PNG image, but it cannot be opened",
    ),
    (
        "jpeg-named-pdf",
        lambda p: _bytes(p / "scan.pdf", JPEG),
        "corrupt_image",
        "the file is a JPEG image, but it cannot be opened",
    ),
    (
        "gif-named-txt",
        lambda p: _bytes(p / "picture.txt", b"GIF89a" + bytes(32)),
        "image",
        "the file is a GIF image; vntasks reads scans as PNG, JPEG or TIFF pictures or PDF",
    ),
    (
        "gzip-named-docx",
        lambda p: _bytes(p / "plan.docx", gzip.compress(TASK.encode("utf-8"))),
        "archive",
        "a gzip archive; unpack it",
    ),
    ("zip-named-txt", lambda p: _zip(p / "inbox.txt"), "archive", "a ZIP archive"),
    (
        "xlsx-named-docx",
        lambda p: _xlsx(p / "table.docx"),
        "other_office",
        "an Excel workbook (.xlsx), which vntasks does not read",
    ),
    (
        "rtf-named-doc",
        lambda p: _bytes(p / "old.doc", b"{\\rtf1\\ansi Giao S\\'d0 ...}"),
        "other_office",
        "an RTF document",
    ),
    (
        "broken-pdf",
        lambda p: _bytes(p / "broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
        "corrupt_pdf",
        "corrupt or truncated",
    ),
    ("blank-html", lambda p: _bytes(p / "blank.html", b"   \n"), "no_main_text", "no main text"),
    (
        "unknown-encoding",
        lambda p: _bytes(p / "sjis.txt", "日本語のテキストです。".encode("shift_jis")),
        "decode",
        "unknown encoding",
    ),
    (
        "truncated-docx",
        lambda p: _truncated_docx(p / "cut.docx"),
        "corrupt_docx",
        "corrupt or truncated",
    ),
    (
        "corrupt-docx",
        lambda p: _corrupt_docx(p / "bad.docx"),
        "corrupt_docx",
        "corrupt or truncated",
    ),
    ("zip-bomb", lambda p: _zip_bomb(p / "bomb.docx"), "zip_bomb", "would unpack to"),
    ("encrypted-pdf", lambda p: _encrypted_pdf(p / "locked.pdf"), "encrypted_pdf", "encrypted"),
    (
        "html-no-main-text",
        lambda p: _bytes(
            p / "nav.html",
            b"<html><body><nav><a href='/'>Trang ch\xe1\xbb\xa7</a></nav></body></html>",
        ),
        "no_main_text",
        "no main text",
    ),
    (
        "unsupported",
        lambda p: _bytes(p / "sheet.xlsx", b"PK"),
        "unsupported",
        "unsupported file type",
    ),
    ("missing", lambda p: p / "missing.txt", "not_found", "no such file"),
    (
        "empty-directory",
        lambda p: _folder(p / "nothing"),
        "no_supported_files",
        "no supported files",
    ),
]


# The first bytes of real files of each kind: enough for any sniffer.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(64)


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", TASK)
    return path


def _xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = TASK
    book.save(path)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    (path / "readme.xyz").write_text("x", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "build", "code", "fragment"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_read_bad_input_one_line_error_and_exit_1(tmp_path, name, build, code, fragment):
    path = build(tmp_path)
    result = _invoke(str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}: ") and fragment in lines[0]


@pytest.mark.parametrize(
    ("name", "build", "code", "fragment"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_read_bad_input_in_batch_keeps_others_and_gets_its_line(
    tmp_path, name, build, code, fragment
):
    good = _bytes(tmp_path / "good.txt", TASK.encode("utf-8"))
    bad = build(tmp_path)
    result = _invoke(str(good), str(bad), "--jsonl")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["document"]["source"] == str(good) and "error" not in records[0]
    assert records[1] == {
        "document": {"source": str(bad)},
        "error": {"code": code, "message": records[1]["error"]["message"]},
    }
    assert fragment in records[1]["error"]["message"]
    assert f"1 of 2 documents extracted; failed: {bad}" in result.stderr


def test_read_too_large_is_refused(tmp_path):
    path = _bytes(tmp_path / "big.txt", TASK.encode("utf-8") * 10)
    with pytest.raises(VntasksError) as refused:
        read_document(path, max_bytes=100)
    assert refused.value.code == "too_large"
    assert (
        str(refused.value)
        == f"{path}: the file is {path.stat().st_size} bytes, over the limit of 100 bytes "
        "(--max-bytes)"
    )


def test_read_default_size_limit_applies_to_stdin():
    with pytest.raises(VntasksError) as refused:
        read_bytes(b"a" * 101, max_bytes=100)
    assert refused.value.code == "too_large"


def test_read_usage_error_exits_2():
    assert _invoke("x.txt", "--issued", "30/6/2025").exit_code == 2


def test_read_text_and_suffixes_stay_importable():
    assert read_text(TASK).text == TASK
    assert {".txt", ".docx", ".pdf", ".html", ".doc"} <= set(SUPPORTED_SUFFIXES)


def test_read_bad_inputs_leave_only_their_error_lines_on_stderr(tmp_path):
    """The real program, its stderr captured whole: one line per bad input
    and the summary, no library's log line or warning (issues 14 and 17)."""
    good = _bytes(tmp_path / "good.txt", TASK.encode("utf-8"))
    bad = [str(build(tmp_path)) for _, build, _, _ in BAD_INPUTS]
    out = tmp_path / "out.jsonl"
    done = run_vntasks("extract", str(good), *bad, "-o", str(out), "--workers", "1")
    assert done.returncode == 1
    errors = [json.loads(line) for line in out.read_text("utf-8").splitlines()][1:]
    assert [e["error"]["code"] for e in errors] == [code for _, _, code, _ in BAD_INPUTS]
    assert done.stderr.splitlines() == [
        *(f"error: {e['document']['source']}: {e['error']['message']}" for e in errors),
        f"1 of {len(bad) + 1} documents extracted; failed: {', '.join(bad)}",
    ]


READABLE_UNDER_ANOTHER_NAME = [
    # (name, builder, media type read, a line of the text)
    (
        "pdf-named-txt",
        lambda p: _renamed(_write_pdf(p / "plan.pdf", PDF_PAGES), "plan.txt"),
        "application/pdf",
        "2. Sở Nội vụ rà soát chức năng, nhiệm vụ.",
    ),
    (
        "docx-named-pdf",
        lambda p: _renamed(_write_docx(p / "plan.docx"), "plan.pdf"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "II. NHIỆM VỤ",
    ),
    (
        "docx-without-suffix",
        lambda p: _renamed(_write_docx(p / "plan.docx"), "plan"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "II. NHIỆM VỤ",
    ),
    (
        "html-named-txt",
        lambda p: _bytes(p / "page.txt", _page(f"<article><p>{TASK}</p></article>").encode()),
        "text/html",
        TASK,
    ),
    ("text-named-pdf", lambda p: _bytes(p / "note.pdf", TASK.encode("utf-8")), "text/plain", TASK),
]


def _renamed(path: Path, name: str) -> Path:
    return path.rename(path.with_name(name))


@pytest.mark.parametrize(
    ("name", "build", "media_type", "line"),
    READABLE_UNDER_ANOTHER_NAME,
    ids=[row[0] for row in READABLE_UNDER_ANOTHER_NAME],
)
def test_read_content_by_its_bytes_not_its_name(tmp_path, name, build, media_type, line):
    raw = read_document(build(tmp_path))
    assert raw.media_type == media_type
    assert line in raw.text.splitlines()


# The bad inputs whose bytes alone give them away (no name, as on stdin).
BAD_BY_CONTENT = [row for row in BAD_INPUTS if row[2] not in ("unsupported", "not_found")
                  and row[0] not in ("empty-directory", "blank-html", "html-no-main-text")]


@pytest.mark.parametrize(
    ("name", "build", "code", "fragment"), BAD_BY_CONTENT, ids=[row[0] for row in BAD_BY_CONTENT]
)
def test_read_bytes_refuses_as_files_are_refused(tmp_path, name, build, code, fragment):
    path = build(tmp_path)
    with pytest.raises(VntasksError) as refused:
        read_bytes(path.read_bytes())
    assert refused.value.code == code


# An upload: bytes with the name the client gave (pipeline/server.py).
@pytest.mark.parametrize(
    ("suffix", "content", "expected"),
    [
        (".html", "page", "text/html"),  # no <!DOCTYPE>: only the name says HTML
        (".txt", "page", "text/plain"),
        (".txt", "docx", DOCX_MEDIA_TYPE),
        (".xyz", "plain", "unsupported"),
        ("", "plain", "unsupported"),
        (".xyz", "docx", DOCX_MEDIA_TYPE),
    ],
)
def test_read_bytes_takes_the_suffix_of_an_upload(tmp_path, suffix, content, expected):
    data = {
        "page": _page(f"<article><p>{TASK}</p></article>").split("\n", 1)[1].encode(),
        "docx": _write_docx(tmp_path / "plan.docx").read_bytes(),
        "plain": TASK.encode(),
    }[content]
    try:
        media_type = read_bytes(data, f"upload{suffix}", suffix=suffix).media_type
    except VntasksError as error:
        media_type = error.code
        assert f"upload{suffix}: unsupported file type '{suffix or '(none)'}'" in str(error)
    assert media_type == expected

# --- limits on what is read (issue 17) -----------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "limits", "message"),
    [
        ("long.txt", "Sở Nội vụ rà soát; ".encode() * 100, {"max_chars": 1000},
         "the text is 1900 characters, over the limit of 1000 characters (--max-chars)"),
        ("long-utf16.txt", "Sở Nội vụ rà soát; ".encode("utf-16") * 1, {"max_chars": 10},
         "the text is 19 characters, over the limit of 10 characters (--max-chars)"),
        ("big.txt", b"a" * 101, {"max_bytes": 100},
         "the file is 101 bytes, over the limit of 100 bytes (--max-bytes)"),
    ],
)
def test_read_limits_name_the_flag(tmp_path, name, data, limits, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(VntasksError) as refused:
        read_document(path, **limits)
    assert str(refused.value) == f"{path}: {message}"


def test_read_docx_text_over_max_chars_is_refused(tmp_path):
    import docx

    document = docx.Document()
    for _ in range(50):
        document.add_paragraph("Giao Sở Nội vụ chủ trì rà soát, báo cáo trước ngày 30/6/2025.")
    path = tmp_path / "long.docx"
    document.save(path)
    with pytest.raises(VntasksError) as refused:
        read_document(path, max_chars=1000)
    assert refused.value.code == "too_many_chars"
    assert len(read_document(path).text) > 1000


def test_read_html_nested_beyond_the_parsers_depth_is_one_refusal(tmp_path):
    # lxml (under trafilatura) stops at its depth limit instead of growing.
    depth = 100_000
    page = ("<html><body>" + "<div>" * depth + "<p>Giao Sở Nội vụ chủ trì rà soát.</p>"
            + "</div>" * depth + "</body></html>")
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(VntasksError) as refused:
        read_document(path)
    assert refused.value.code == "no_main_text"


def test_read_pdf_over_max_pages_is_refused_before_reading(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "pages.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    with pytest.raises(VntasksError) as refused:
        read_document(path, max_pages=2)
    assert str(refused.value) == (
        f"{path}: the PDF has 3 pages, over the limit of 2 pages (--max-pages)"
    )
    # Within the limit, the same blank pages are read and found to hold no
    # text: by OCR where Tesseract is installed, else as a PDF with no text layer.
    with pytest.raises(VntasksError) as read:
        read_document(path, max_pages=3)
    assert read.value.code in ("ocr_no_text", "no_text_layer")
