"""End-to-end tests of ``pipeline.extract``: the seed article's done-when
table from issue 2, the span and schema invariants, and the ways a source
can be given.

The seed is ../shared/seed/plan96-hanoimoi-2018-07-16.txt; tests that need it
skip when the shared folder is absent. It is extracted once per module.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from checks import check_result

from pipeline import extract
from pipeline.export import to_dict, validate
from pipeline.gold import shared_dir
from pipeline.model import DocumentResult, RawDocument
from pipeline.read import read_text

SHARED = shared_dir(required=False)
SEED = SHARED / "seed" / "plan96-hanoimoi-2018-07-16.txt"
REAL = sorted((SHARED / "real-directives").glob("*.txt")) if SHARED.is_dir() else []
CORPUS = sorted((Path(__file__).parents[1] / "corpus").glob("*.txt"))


@pytest.fixture(scope="module")
def seed() -> DocumentResult:
    if not SEED.is_file():
        pytest.skip(f"the shared seed article is not at {SEED} (../shared is absent)")
    return extract(SEED)


def _find(result: DocumentResult, start: str) -> list:
    return [t for t in result.tasks if t.description.startswith(start)]


def _leads(task) -> list[str]:
    return [b.name for b in task.responsible if b.role == "lead"]


# issue 2, "Done when": (description starts with, contains, lead, due or kind)
SEED_TASKS = [
    ("tham mưu xây dựng quy định", "phân cấp quản lý cán bộ", "Ban Tổ chức Thành ủy",
     "2018-08-31"),
    ("xây dựng cơ chế, định mức khoán chi thường xuyên", "khoán chi thường xuyên",
     "Ban Cán sự đảng UBND thành phố", "2018-12-31"),
    ("kiểm tra, đôn đốc việc thực hiện Nghị quyết", "Nghị quyết", "Ban Thường vụ Thành ủy",
     "ongoing"),
    pytest.param(
        "xây dựng cơ chế thí điểm khoán kinh phí", "cán bộ không chuyên trách cấp xã",
        "Ban Tổ chức Thành ủy", None,
    ),
]


@pytest.mark.parametrize(("start", "contains", "lead", "deadline"), SEED_TASKS)
def test_extraction_seed_done_when(seed, start, contains, lead, deadline) -> None:
    found = _find(seed, start)
    assert len(found) == 1, [t.description for t in seed.tasks]
    (task,) = found
    assert contains in task.description
    assert _leads(task) == [lead]
    if deadline is None:
        assert task.deadline is None
    elif deadline[0].isdigit():
        assert task.deadline is not None
        assert task.deadline.value.due == date.fromisoformat(deadline)
    else:
        assert task.deadline is not None
        assert task.deadline.value.kind == deadline


def test_extraction_seed_cited_date_not_deadline(seed) -> None:
    (task,) = _find(seed, "tham mưu xây dựng quy định")
    assert task.deadline.text == "ngay trong tháng 8-2018"
    assert "19-12-2017" not in task.deadline.text


def test_extraction_seed_no_record_from_furniture(seed) -> None:
    text = seed.text
    body_start = text.index("Trong 3 nhóm mục đích")
    body_end = text.index("(0) Bình luận")
    for task in seed.tasks:
        assert body_start <= task.span[0] and task.span[1] <= body_end, task.description
    for furniture in ("Theo dõi Báo", "Quốc Bình", "Bình luận", "Đừng bỏ lỡ", "Không sao chép"):
        assert not any(furniture in t.description for t in seed.tasks)


def test_extraction_seed_requester_not_lead(seed) -> None:
    for task in seed.tasks:
        assert "Thành ủy Hà Nội" not in _leads(task)


def test_extraction_seed_document(seed) -> None:
    meta = seed.document
    assert meta.number == "96-KH/TU"
    assert meta.doc_type == "Kế hoạch"
    assert meta.issuer == "Thành ủy Hà Nội"
    assert meta.source == str(SEED)
    assert meta.signer == "Hoàng Trung Hải"


def test_extraction_seed_issue_date(seed) -> None:
    assert seed.document.issued_date == date(2018, 7, 13)
    assert not any("no issue date" in w for w in seed.warnings)


def test_extraction_seed_spans_and_schema(seed) -> None:
    assert len(seed.tasks) >= 10
    check_result(seed)


def test_extraction_seed_nfd_same_records(seed) -> None:
    nfd = unicodedata.normalize("NFD", seed.text)
    result = extract(read_text(nfd, str(SEED)))
    for task in result.tasks:
        assert nfd[task.span[0] : task.span[1]] == task.description
    validate(to_dict(result))
    assert result.document.id == seed.document.id
    assert [unicodedata.normalize("NFC", t.description) for t in result.tasks] == [
        t.description for t in seed.tasks
    ]
    assert [t.id for t in result.tasks] == [t.id for t in seed.tasks]


def test_extraction_nfd_deadline_text_is_surface() -> None:
    text = unicodedata.normalize("NFD", "Sở Tư pháp rà soát văn bản trước ngày 30/6/2026.")
    result = extract(read_text(text), issued=date(2025, 11, 20))
    (task,) = result.tasks
    start, end = task.deadline.span
    assert task.deadline.text == text[start:end]


def test_extraction_old_style_tones_keep_surface() -> None:
    text = "Thành uỷ Hoà Bình yêu cầu Sở Tài chính chủ trì bố trí kinh phí cho hoà giải cơ sở."
    result = extract(read_text(text), issued=date(2025, 11, 20))
    check_result(result)
    (task,) = result.tasks
    assert task.description == "bố trí kinh phí cho hoà giải cơ sở"
    assert _leads(task) == ["Sở Tài chính"]


def test_extraction_issued_argument_and_text_date() -> None:
    text = "Sở Tư pháp rà soát văn bản trong 30 ngày kể từ ngày ký."
    given = extract(read_text(text), issued=date(2025, 11, 20))
    (task,) = given.tasks
    assert given.document.issued_date == date(2025, 11, 20)
    assert task.deadline.value.kind == "relative"
    assert task.deadline.value.due == date(2025, 12, 20)
    missing = extract(read_text(text))
    assert missing.document.issued_date is None
    assert missing.tasks[0].deadline.value.kind == "unresolved"
    assert "unresolved_deadline" in missing.tasks[0].flags
    assert missing.warnings and "no issue date" in missing.warnings[0]
    check_result(missing)


def test_extraction_sources(tmp_path) -> None:
    text = "Giao Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.\n"
    path = tmp_path / "van-ban.txt"
    path.write_text(text, encoding="utf-8")
    from_path = extract(path)
    from_str_path = extract(str(path))
    from_raw = extract(RawDocument(text, "raw"))
    from_text = extract(text)
    assert from_path.document.source == str(path)
    assert from_raw.document.source == "raw"
    assert from_text.document.source == "<text>"
    ids = {r.document.id for r in (from_path, from_str_path, from_raw, from_text)}
    assert len(ids) == 1
    assert [t.description for t in from_text.tasks] == ["rà soát văn bản quy phạm pháp luật"]


def test_extraction_long_single_line_text() -> None:
    # Longer than a file name may be: must be read as text, not raise OSError.
    text = "Sở Tư pháp rà soát các văn bản quy phạm pháp luật của tỉnh. " * 6
    result = extract(text)
    assert result.document.source == "<text>"
    assert len(result.tasks) >= 1
    check_result(result)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_extraction_corpus_samples(path: Path) -> None:
    result = extract(path)
    check_result(result)
    assert result.tasks
    assert any(_leads(t) for t in result.tasks)


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:12])
def test_extraction_real_directives_valid(path: Path) -> None:
    result = extract(path)
    check_result(result)


@pytest.mark.parametrize(
    "name",
    [
        "corpus/x.tx",  # issue 14: a mistyped path used to be extracted as a text
        "corpus/khong-co.txt",
        "Văn bản đến/kế hoạch 12.docx",  # spaces, but a supported suffix
        "plan.PDF",
        "../shared/seed/missing.html",
    ],
)
def test_extraction_path_like_str_that_does_not_exist_raises(name: str) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        extract(name)
    assert missing.value.filename == name


@pytest.mark.parametrize(
    "text",
    [
        "Giao Sở Tư pháp rà soát văn bản.",
        "Sở Nội vụ báo cáo trước ngày 15/7/2025.",
        "Xem Quyết định số 12/QĐ-UBND.",
    ],
)
def test_extraction_one_line_text_is_still_text(text: str) -> None:
    assert extract(text).document.source == "<text>"
