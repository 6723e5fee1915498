"""OCR of scans (pipeline/read/ocr.py): pictures and image-only PDFs.

Every scan here is drawn by the test: an invented directive written with a
Noto font (Vietnamese glyphs) onto a Pillow image, saved as PNG or as an
image-only PDF. The recognition tests need Tesseract with its Vietnamese
model and the Noto fonts, which .ci/run installs; elsewhere they skip
saying so. The clean-up and layout functions are tested on hand-made words.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import VntasksError
from pipeline.export import to_dict, validate
from pipeline.extraction import extract
from pipeline.model import OcrInfo
from pipeline.read import OcrOptions, read_document
from pipeline.read.ocr import (
    Segment,
    Word,
    clean_line,
    header_order,
    locate_words,
    page_from_tsv,
)

FONTS = Path("/usr/share/fonts/truetype/noto")
REGULAR, BOLD = FONTS / "NotoSerif-Regular.ttf", FONTS / "NotoSerif-Bold.ttf"


def _has_vietnamese_model() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "vie" in listed.stdout.split()


needs_ocr = pytest.mark.skipif(
    not (_has_vietnamese_model() and REGULAR.is_file() and BOLD.is_file()),
    reason="needs tesseract-ocr, tesseract-ocr-vie and fonts-noto-core (.ci/run installs them)",
)

# An invented Kế hoạch: a two-column header, a title, and numbered tasks whose
# lines wrap as a printed page wraps them.
HEADER = [
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("TỈNH AN BÌNH", "Độc lập - Tự do - Hạnh phúc"),
    (None, None),
    ("Số: 15/KH-UBND", "An Bình, ngày 5 tháng 3 năm 2024"),
]
TITLE = ["KẾ HOẠCH", "Triển khai chuyển đổi số năm 2024"]
BODY = [
    "1. Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính xây",
    "dựng cơ sở dữ liệu dùng chung của tỉnh, hoàn thành trước ngày 30/6/2024.",
    "2. Sở Nội vụ chủ trì rà soát thủ tục hành chính, báo cáo Ủy ban nhân dân",
    "tỉnh trước ngày 15/10/2024.",
]
WIDTH, DPI = 1654, 200  # A4 width at 200 dpi


def _page(header=HEADER, title=TITLE, body=BODY, height: int = 1000):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    regular, bold = ImageFont.truetype(str(REGULAR), 30), ImageFont.truetype(str(BOLD), 30)

    def centred(x: float, y: int, text: str, font) -> None:
        draw.text((x - draw.textlength(text, font=font) / 2, y), text, font=font, fill=0)

    y = 80
    for left, right in header:
        if left:
            centred(WIDTH * 0.22, y, left, bold if y < 200 else regular)
        if right:
            centred(WIDTH * 0.68, y, right, bold if y < 200 else regular)
        y += 45
    y += 40
    for line in title:
        centred(WIDTH / 2, y, line, bold)
        y += 45
    y += 40
    for line in body:
        draw.text((150, y), line, font=regular, fill=0)
        y += 50
    return image


def _blank(height: int = 600):
    from PIL import Image

    return Image.new("L", (WIDTH, height), 255)


def _noise(height: int = 600):
    """A photo of no text: grey noise with soft blobs."""
    from PIL import Image, ImageFilter

    rng = random.Random(15)
    image = Image.frombytes("L", (WIDTH, height), bytes(rng.randrange(256) for _ in range(
        WIDTH * height)))
    return image.filter(ImageFilter.GaussianBlur(6))


def _pdf(path: Path, pages) -> Path:
    """An image-only PDF: no text layer, only the pictures of its pages."""
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return path


def _png(path: Path, image) -> Path:
    image.save(path, dpi=(DPI, DPI))
    return path


def _invoke(*args: str):
    return CliRunner().invoke(app, ["extract", *args])


# --- clean-up and layout, on hand-made words -----------------------------------


@pytest.mark.parametrize(
    ("ocr", "cleaned"),
    [
        # NFD from some engines: composed.
        (unicodedata.normalize("NFD", "Ủy ban nhân dân"), "Ủy ban nhân dân"),
        # Old-style tone placement: the project's rule (tone_placement.yaml).
        ("Hoà Bình thuỷ lợi", "Hòa Bình thủy lợi"),
        # Letters of other alphabets that look like Vietnamese ones.
        ("Bộ Ÿ tế; CÔNG ÐIỆN", "Bộ Y tế; CÔNG ĐIỆN"),
        # A spaced numbering marker is closed up and stays at the line's start.
        ("1 . Sở Nội vụ chủ trì", "1. Sở Nội vụ chủ trì"),
        ("a ) Các sở, ngành", "a) Các sở, ngành"),
        ("II . NHIỆM VỤ", "II. NHIỆM VỤ"),
        # A marker already right, and a dash bullet, are left alone.
        ("2. Báo cáo", "2. Báo cáo"),
        ("- Tổ chức tập huấn", "- Tổ chức tập huấn"),
        # Runs of spaces become one.
        ("hoàn  thành   trước", "hoàn thành trước"),
        # A number inside a line is not a marker.
        ("trước ngày 15 . 10", "trước ngày 15 . 10"),
    ],
)
def test_ocr_clean_line(ocr, cleaned):
    assert clean_line(ocr) == cleaned


def _segment(text: str, left: int, top: int, height: int = 30) -> Segment:
    words, x = [], left
    for piece in text.split():
        width = 18 * len(piece)
        words.append(Word(piece, x, top, width, height, 95.0))
        x += width + 10
    return Segment(tuple(words))


def _texts(segments: list[Segment]) -> list[str]:
    return [" ".join(word.text for word in segment.words) for segment in segments]


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        # Tesseract's row-by-row reading of the two columns, then the title.
        (
            [
                _segment("ỦY BAN", 100, 100), _segment("CỘNG HÒA", 1000, 100),
                _segment("TỈNH AN BÌNH", 100, 145), _segment("Độc lập", 1000, 145),
                _segment("Số: 15/KH-UBND", 100, 250), _segment("An Bình, ngày 5", 1000, 250),
                _segment("KẾ HOẠCH", 730, 400),
            ],
            ["ỦY BAN", "TỈNH AN BÌNH", "CỘNG HÒA", "Độc lập", "Số: 15/KH-UBND",
             "An Bình, ngày 5", "KẾ HOẠCH"],
        ),
        # One column: Tesseract's order stands.
        (
            [_segment("Kính gửi: Sở Nội vụ", 150, 100), _segment("KẾ HOẠCH", 730, 200)],
            ["Kính gửi: Sở Nội vụ", "KẾ HOẠCH"],
        ),
    ],
)
def test_ocr_header_columns_not_interleaved(segments, expected):
    assert _texts(header_order(segments, WIDTH)) == expected


TSV_HEAD = "\t".join(
    ["level", "page_num", "block_num", "par_num", "line_num", "word_num",
     "left", "top", "width", "height", "conf", "text"]
)


def _tsv(rows: list[tuple[int, int, int, str, float]]) -> str:
    lines = [TSV_HEAD]
    for block, line, left, text, conf in rows:
        lines.append(f"5\t1\t{block}\t1\t{line}\t1\t{left}\t{100 * line}\t{20 * len(text)}\t30"
                     f"\t{conf}\t{text}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("rows", "lines"),
    [
        # Sure words: one line, the gap between columns cuts it in two.
        (
            [(1, 1, 100, "Số:", 95.0), (1, 1, 170, "15/KH", 93.0),
             (1, 1, 1000, "ngày", 96.0), (1, 1, 1090, "5", 91.0)],
            ["Số: 15/KH", "ngày 5"],
        ),
        # What Tesseract makes of noise: a few unsure marks, no text.
        ([(1, 1, 100, "~", 12.0), (1, 2, 300, "ii", 20.0), (2, 1, 900, "—", 8.0)], []),
        # Sure but letterless marks (a stamp's border): no text either.
        ([(1, 1, 100, "|", 91.0), (1, 1, 140, "1", 90.0)], []),
    ],
)
def test_ocr_page_from_tsv(rows, lines):
    assert page_from_tsv(_tsv(rows), WIDTH, first_page=False).lines == lines


def test_ocr_words_located_and_confidence_per_span():
    text = "Sở Nội vụ chủ trì\nrà soát thủ tục\n"
    words = [("Sở", 90.0), ("Nội", 80.0), ("vụ", 70.0), ("chủ", 96.0), ("trì", 94.0),
             ("dropped", 10.0), ("rà", 60.0), ("soát", 50.0)]
    found = locate_words(text, words)
    assert [text[start:end] for start, end, _ in found] == [
        "Sở", "Nội", "vụ", "chủ", "trì", "rà", "soát"
    ]
    info = OcrInfo(pages=(1,), mean_confidence=77.0, engine="tesseract", language="vie",
                   words=tuple(found))
    assert info.confidence(0, 9) == pytest.approx(80.0)  # "Sở Nội vụ"
    assert info.confidence(18, 25) == pytest.approx(55.0)  # "rà soát"
    assert info.confidence(40, 41) == 77.0  # no word there: the document's mean


# --- recognition, end to end ---------------------------------------------------


@needs_ocr
def test_ocr_scanned_pdf_gives_records_end_to_end(tmp_path):
    scan = _pdf(tmp_path / "scan.pdf", [_page()])
    result = _invoke(str(scan))
    assert result.exit_code == 0, result.stderr
    import json

    record = json.loads(result.stdout)
    validate(record)
    document = record["document"]
    assert document["doc_type"] == "Kế hoạch"
    assert document["number"] == "15/KH-UBND"
    assert document["issued_date"] == "2024-03-05"
    assert document["ocr"]["pages"] == [1]
    assert document["ocr"]["language"] == "vie"
    assert 50 < document["ocr"]["mean_word_confidence"] <= 100
    tasks = {task["deadline"]["due"]: task for task in record["tasks"] if task["deadline"]}
    assert set(tasks) == {"2024-06-30", "2024-10-15"}
    leads = {due: [b["name"] for b in task["responsible"] if b["role"] == "lead"]
             for due, task in tasks.items()}
    assert leads == {"2024-06-30": ["Sở Thông tin và Truyền thông"],
                     "2024-10-15": ["Sở Nội vụ"]}
    for task in record["tasks"]:
        assert "ocr" in task["flags"]
        assert 0 < task["ocr_confidence"] <= 100


@needs_ocr
def test_ocr_picture_text_is_cleaned_as_read(tmp_path):
    raw = read_document(_png(tmp_path / "photo.png", _page()))
    lines = raw.text.splitlines()
    assert raw.media_type == "image/png"
    assert raw.ocr is not None and raw.ocr.pages == (1,)
    # The header's columns one after the other, as a directive's text has them.
    assert lines[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH AN BÌNH",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # Wrapped lines joined; every numbered item starts its own line.
    assert "1. Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính xây dựng" in (
        raw.text)
    assert [line[:3] for line in lines if line[:1].isdigit()] == ["1. ", "2. "]
    assert raw.text == unicodedata.normalize("NFC", raw.text)
    # Every located word is where the text says.
    assert all(0 <= start < end <= len(raw.text) for start, end, _ in raw.ocr.words)


@needs_ocr
def test_ocr_pages_in_parallel_read_as_one_at_a_time(tmp_path):
    pages = [_page(header=[], title=[], body=[line], height=200) for line in BODY[::2]]
    scan = _pdf(tmp_path / "two.pdf", pages + [_blank(200)])
    alone = read_document(scan, ocr=OcrOptions(workers=1))
    parallel = read_document(scan, ocr=OcrOptions(workers=3))
    assert parallel.text == alone.text
    assert parallel.ocr is not None and parallel.ocr.pages == (1, 2)


@needs_ocr
def test_ocr_only_pages_without_text_layer_in_auto(tmp_path):
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("NotoSerif", str(REGULAR)))
    typed = tmp_path / "typed.pdf"
    page = canvas.Canvas(str(typed), pagesize=A4)
    page.setFont("NotoSerif", 12)
    page.drawString(72, 760, "Sở Y tế chủ trì kiểm tra an toàn thực phẩm.")
    page.showPage()
    page.save()
    scanned = _pdf(tmp_path / "scanned.pdf", [_page(header=[], title=[], body=BODY[2:])])
    writer = PdfWriter()
    for part in (typed, scanned):
        for each in PdfReader(part).pages:
            writer.add_page(each)
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as stream:
        writer.write(stream)
    raw = read_document(mixed)
    assert raw.text.startswith("Sở Y tế chủ trì kiểm tra an toàn thực phẩm.\n")
    assert "Sở Nội vụ chủ trì rà soát thủ tục hành chính" in raw.text
    assert raw.ocr is not None and raw.ocr.pages == (2,)
    result = to_dict(extract(raw))
    validate(result)
    assert result["document"]["ocr"]["pages"] == [2]


# --- bad scans and refusals ------------------------------------------------------


BAD_SCANS = [
    # (name, builder, extra options, exit code, message)
    ("blank-pdf", lambda p: _pdf(p / "blank.pdf", [_blank()]), [], 1,
     "OCR found no text on its 1 page(s): blank, or a picture without writing"),
    ("photo-of-no-text", lambda p: _png(p / "photo.png", _noise()), [], 1,
     "OCR found no text on its 1 page(s): blank, or a picture without writing"),
    ("too-many-pages", lambda p: _pdf(p / "long.pdf", [_blank(100)] * 3),
     ["--ocr-max-pages", "2"], 1,
     "the scan has 3 pages to OCR, over the limit of 2; raise it with --ocr-max-pages"),
    ("never-pdf", lambda p: _pdf(p / "scan.pdf", [_blank(100)]), ["--ocr", "never"], 1,
     "no text layer, and OCR is off (--ocr never); give --ocr auto to read the scan"),
    ("never-picture", lambda p: _png(p / "scan.png", _blank(100)), ["--ocr", "never"], 1,
     "the file is a PNG image, and OCR is off (--ocr never); give --ocr auto to read it"),
]


@needs_ocr
@pytest.mark.parametrize(("builder", "options", "status", "message"),
                         [case[1:] for case in BAD_SCANS], ids=[case[0] for case in BAD_SCANS])
def test_ocr_bad_scan_is_one_clear_line(tmp_path, builder, options, status, message):
    path = builder(tmp_path)
    result = _invoke(str(path), *options)
    assert result.exit_code == status
    assert result.stderr.strip() == f"error: {path}: {message}"


@needs_ocr
def test_ocr_hundred_page_scan_refused_before_any_page_is_read(tmp_path):
    path = _pdf(tmp_path / "hundred.pdf", [_blank(60)] * 100)
    with pytest.raises(VntasksError) as refused:
        read_document(path)
    assert refused.value.code == "ocr_too_many_pages"
    assert "100 pages" in refused.value.message and "--ocr-max-pages" in refused.value.message


@needs_ocr
def test_ocr_page_over_the_timeout_is_refused(tmp_path):
    path = _png(tmp_path / "slow.png", _page())
    with pytest.raises(VntasksError) as refused:
        read_document(path, ocr=OcrOptions(timeout=0.05))
    assert refused.value.code == "ocr_timeout"
    assert "--ocr-timeout" in refused.value.message


def _fake_tesseract(folder: Path) -> Path:
    """A tesseract that lists only the English model, as a machine with
    tesseract-ocr but without tesseract-ocr-vie answers."""
    folder.mkdir()
    script = folder / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "tesseract 5.0.0"; exit 0; fi\n'
        'echo "List of available languages (2):"; echo eng; echo osd\n'
    )
    script.chmod(0o755)
    return folder


@pytest.mark.parametrize(
    ("path_dirs", "detail"),
    [
        (lambda tmp: [tmp / "empty"], ""),
        (lambda tmp: [_fake_tesseract(tmp / "fake")],
         " (Tesseract is installed without its 'vie' model)"),
    ],
    ids=["no-tesseract", "no-vietnamese-model"],
)
def test_ocr_missing_tesseract_names_the_packages(tmp_path, monkeypatch, path_dirs, detail):
    from PIL import Image

    picture = tmp_path / "scan.png"
    Image.new("L", (40, 40), 255).save(picture)
    folders = path_dirs(tmp_path)
    for folder in folders:
        folder.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", os.pathsep.join(str(folder) for folder in folders))
    result = _invoke(str(picture))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {picture}: the file is a PNG image; reading it needs Tesseract OCR with its "
        f"Vietnamese model: install them (apt-get install tesseract-ocr tesseract-ocr-vie)"
        f"{detail}"
    )


def test_ocr_damaged_picture_is_refused(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    with pytest.raises(VntasksError) as refused:
        read_document(path)
    assert refused.value.code == "corrupt_image"
