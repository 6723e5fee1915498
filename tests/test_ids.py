"""Tests for ``pipeline.ids``: stable document and task ids.

The policy (``pipeline/ids.py``, README "Ids"): a document with a number of
its own is named by its issuer, type, number and issue year; one without by
its folded text. A task is named by its document, the headings it stands
under (without their markers) and its folded description, with "-2", "-3"
for repeats. The second half edits copies of real *dev* directives of
``../shared/real-directives`` (annotations/split.tsv) and asserts exactly
which ids move.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.gold import read_split, shared_dir
from pipeline.ids import document_id, task_id
from pipeline.model import DocumentResult, Task
from pipeline.read import read_text

TEXT = (
    "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát các văn bản quy phạm pháp luật.\n"
    "Thành uỷ Hoà Bình yêu cầu Sở Tài chính bố trí kinh phí thực hiện."
)


def _text_id(text: str) -> str:
    return document_id(text)[0]


def test_ids_document_id_shape_and_basis() -> None:
    doc_id, basis = document_id(TEXT)
    assert re.fullmatch(r"[0-9a-f]{16}", doc_id)
    assert basis == "text"
    numbered, basis = document_id(TEXT, "96-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch")
    assert re.fullmatch(r"[0-9a-f]{16}", numbered)
    assert basis == "number"
    assert numbered != doc_id


def test_ids_document_id_survives_rewrapping() -> None:
    rewrapped = TEXT.replace(" rà soát", "\nrà soát").replace(" ", "  ", 3) + "\n\n"
    assert _text_id(rewrapped) == _text_id(TEXT)
    assert _text_id(TEXT.replace("\n", "\r\n")) == _text_id(TEXT)


def test_ids_document_id_survives_nfd_and_tone_placement() -> None:
    assert _text_id(unicodedata.normalize("NFD", TEXT)) == _text_id(TEXT)
    new_style = TEXT.replace("uỷ", "ủy").replace("Hoà", "Hòa")
    assert new_style != TEXT
    assert _text_id(new_style) == _text_id(TEXT)
    assert _text_id(TEXT.replace("Sở", "Sở\u200b")) == _text_id(TEXT)


def test_ids_text_document_id_changes_with_wording() -> None:
    assert _text_id(TEXT.replace("rà soát", "kiểm tra")) != _text_id(TEXT)
    assert _text_id(TEXT.replace("Sở Nội vụ", "Sở Tài chính")) != _text_id(TEXT)


ISSUED = date(2018, 7, 13)


@pytest.mark.parametrize(
    ("number", "issuer", "doc_type"),
    [
        ("96-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch"),
        ("96-kh/tu", "TỈNH ỦY HÒA BÌNH", "kế hoạch"),
        ("96 - KH/TU", "Tỉnh  uỷ Hoà Bình", "Kế  hoạch"),
        (unicodedata.normalize("NFD", "96-KH/TU"), "Tỉnh uỷ Hoà Bình\u200b", "KẾ HOẠCH"),
    ],
)
def test_ids_number_basis_folds_spelling(number: str, issuer: str, doc_type: str) -> None:
    """``Số: 96-KH/TU`` and ``số 96 - KH/TU`` of one issuer name one document,
    whatever the text around them says."""
    reference = document_id("", "96-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch", ISSUED)
    assert document_id(TEXT, number, issuer, doc_type, ISSUED) == reference


@pytest.mark.parametrize(
    ("number", "issuer", "doc_type", "issued"),
    [
        ("97-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch", ISSUED),
        ("96-KH/TU", "Tỉnh ủy Lào Cai", "Kế hoạch", ISSUED),
        ("96-KH/TU", "Tỉnh ủy Hòa Bình", "Chỉ thị", ISSUED),
        # Numbers restart every year: 96-KH/TU of 2019 is another plan.
        ("96-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch", date(2019, 7, 13)),
        ("96-KH/TU", None, "Kế hoạch", ISSUED),
    ],
)
def test_ids_number_basis_tells_documents_apart(
    number: str, issuer: str | None, doc_type: str, issued: date
) -> None:
    reference = document_id(TEXT, "96-KH/TU", "Tỉnh ủy Hòa Bình", "Kế hoạch", ISSUED)
    assert document_id(TEXT, number, issuer, doc_type, issued) != reference


def test_ids_number_basis_keeps_day_within_year() -> None:
    assert document_id(TEXT, "96-KH/TU", "X", "Kế hoạch", date(2018, 1, 2)) == document_id(
        TEXT, "96-KH/TU", "X", "Kế hoạch", date(2018, 12, 30)
    )


def test_ids_task_id_shape_and_collisions() -> None:
    seen: dict[str, int] = {}
    first = task_id("ec7aaaa8723dc0b6", "rà soát văn bản", seen)
    second = task_id("ec7aaaa8723dc0b6", "Rà  soát văn bản", seen)
    third = task_id("ec7aaaa8723dc0b6", "rà soát văn bản", seen)
    other = task_id("ec7aaaa8723dc0b6", "tổng hợp báo cáo", seen)
    assert re.fullmatch(r"ec7aaaa8723dc0b6-t[0-9a-f]{12}", first)
    assert second == f"{first}-2"
    assert third == f"{first}-3"
    assert re.fullmatch(r"ec7aaaa8723dc0b6-t[0-9a-f]{12}", other)
    assert other != first


def test_ids_task_id_depends_on_document() -> None:
    assert task_id("a" * 16, "rà soát", {}).split("-t")[1] == task_id("b" * 16, "rà soát", {})[18:]
    assert task_id("a" * 16, "rà soát", {}) != task_id("b" * 16, "rà soát", {})


def test_ids_task_id_survives_tone_placement() -> None:
    assert task_id("x", "hoà giải ở cơ sở", {}) == task_id("x", "hòa giải ở cơ sở", {})


@pytest.mark.parametrize(
    ("headings", "same"),
    [
        (("NHIỆM VỤ CỤ THỂ", "Về cải cách hành chính:"), True),
        (("Nhiệm vụ cụ thể.", "về  cải cách hành chính"), True),
        (("NHIỆM VỤ CỤ THỂ",), False),
        (("NHIỆM VỤ CỤ THỂ", "Về chuyển đổi số:"), False),
        ((), False),
    ],
)
def test_ids_task_id_headings(headings: tuple[str, ...], same: bool) -> None:
    """The same sentence under two headings is two tasks; a heading's case,
    spacing and closing colon do not matter."""
    reference = task_id("x", "bố trí kinh phí", {}, ("Nhiệm vụ cụ thể", "Về cải cách hành chính"))
    assert (task_id("x", "bố trí kinh phí", {}, headings) == reference) is same


PARTS = [
    "1. Sở Tư pháp rà soát các văn bản quy phạm pháp luật.",
    "2. Sở Nội vụ xây dựng kế hoạch đào tạo cán bộ.",
    "3. Sở Tài chính bố trí kinh phí thực hiện.",
]


def _task_ids(text: str) -> dict[str, str]:
    result = extract(read_text(text))
    return {t.description: t.id.split("-t", 1)[1] for t in result.tasks}


def test_ids_rerun_keeps_ids() -> None:
    text = "\n".join(PARTS)
    first = [t.id for t in extract(read_text(text)).tasks]
    assert len(first) == 3
    assert [t.id for t in extract(read_text(text)).tasks] == first


def test_ids_reordered_document_keeps_task_ids() -> None:
    original = _task_ids("\n".join(PARTS))
    reordered = _task_ids("\n".join([PARTS[2], PARTS[0], PARTS[1]]))
    assert len(original) == 3
    assert original == reordered


def test_ids_repeated_task_gets_suffix() -> None:
    text = "\n".join([PARTS[0], PARTS[1], PARTS[0].replace("1.", "3.", 1)])
    result = extract(read_text(text))
    ids = [t.id for t in result.tasks]
    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert ids[2] == f"{ids[0]}-2"
    assert all(i.startswith(result.document.id + "-t") for i in ids)


HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\nSố: 12/KH-UBND\nHòa Bình, ngày 03 tháng 3 năm 2026\n"
    "KẾ HOẠCH\n"
)
SECTIONS = [
    "{a}. CẢI CÁCH HÀNH CHÍNH\n1. Sở Nội vụ rà soát thủ tục hành chính.\n"
    "2. Sở Tài chính bố trí kinh phí thực hiện.",
    "{a}. CHUYỂN ĐỔI SỐ\n1. Sở Khoa học và Công nghệ xây dựng kho dữ liệu dùng chung.\n"
    "2. Sở Tài chính bố trí kinh phí thực hiện.",
]
NEW_SECTION = "{a}. PHỔ BIẾN PHÁP LUẬT\n1. Sở Tư pháp tổ chức tuyên truyền Luật mới."


def _plan(sections: list[str]) -> str:
    numerals = ["I", "II", "III", "IV"]
    return HEADER + "\n".join(s.format(a=numerals[i]) for i, s in enumerate(sections)) + "\n"


def test_ids_same_sentence_under_two_headings_is_two_tasks() -> None:
    result = extract(read_text(_plan(SECTIONS)))
    funding = [t for t in result.tasks if t.description.startswith("bố trí kinh phí")]
    assert result.document.id_basis == "number"
    assert len(funding) == 2
    assert not funding[1].id.endswith("-2")
    assert funding[0].id != funding[1].id


def test_ids_section_inserted_before_keeps_ids() -> None:
    """``I.`` becoming ``II.`` leaves the tasks under it alone."""
    before = {t.description: t.id for t in extract(read_text(_plan(SECTIONS))).tasks}
    after = extract(read_text(_plan([NEW_SECTION, *SECTIONS])))
    moved = {t.description: t.id for t in after.tasks}
    assert len(before) == 3  # "bố trí kinh phí" twice, one description
    assert len(after.tasks) == len(extract(read_text(_plan(SECTIONS))).tasks) + 1
    new = {t.id for t in after.tasks} - {t.id for t in extract(read_text(_plan(SECTIONS))).tasks}
    assert [t.description for t in after.tasks if t.id in new] == ["tổ chức tuyên truyền Luật mới"]
    assert all(moved[d] == i for d, i in before.items() if d != "bố trí kinh phí thực hiện")


# --- edited copies of real dev directives ------------------------------------

SHARED = shared_dir(required=False) / "real-directives"
# Dev documents with a number of their own (annotations/split.tsv): plans,
# a Công điện, conclusions of the Government Office and of a Party office.
DEV = [
    "01_kh-141-kh-ubnd-bac-ninh-nang-cao-nang-luc-xdpl",
    "05_cd-227-cd-ttg-khac-phuc-hau-qua-mua-lu-nam-trung-bo",
    "09_tb-631-tb-vpcp-ket-luan-ctmtqg-nong-thon-moi",
    "13_kl-07-kl-vptw-hoi-nghi-van-phong-tinh-uy",
    "19_kh-308-kh-ubnd-ha-noi-nq214-du-lieu-chuyen-doi-so",
    "21_kh-160-kh-ubnd-can-tho-giam-sat-giam-ngheo",
    "22_kh-1026-kh-ubnd-nghe-an-chi-thi-32-bao-ve-bmnn",
]
DATE_LINE = re.compile(r"^(?P<place>[^\n,]{2,40}, ngày )(?P<day>\d{1,2})(?= tháng )", re.MULTILINE)
NUMBER_LINE = re.compile(r"^(Số:? ?)(\d+)", re.MULTILINE)
MARKER = re.compile(r"(?:[-+•]|\d+(?:\.\d+)*[.)]|[a-zđ][.)])\s")
NEW_ITEM = "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát các quy định về phân cấp, ủy quyền."


def _source(stem: str) -> str:
    if not SHARED.is_dir():
        pytest.skip(f"the shared corpus is not beside the clone ({SHARED})")
    assert read_split()[stem] == "dev", f"{stem} is not a dev document"
    return (SHARED / f"{stem}.txt").read_text(encoding="utf-8")


@cache
def _original(stem: str) -> DocumentResult:
    """The unedited document's records, read once for all the edits."""
    return extract(SHARED / f"{stem}.txt")


def _extract(text: str, tmp_path: Path, name: str) -> DocumentResult:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path)


def _edit_first(
    text: str, pattern: re.Pattern[str], group: str | int, change: Callable[[str], str]
) -> str:
    """``text`` with ``group`` of ``pattern``'s first match changed."""
    found = pattern.search(text)
    assert found is not None
    return text[: found.start(group)] + change(found[group]) + text[found.end(group) :]


def _ids(result: DocumentResult) -> set[str]:
    return {t.id for t in result.tasks}


def _target(result: DocumentResult) -> Task:
    """A task in the middle of the document whose description is its own
    and sits on its own line."""
    candidates = [
        t
        for t in result.tasks
        if re.fullmatch(r"[0-9a-f]{16}-t[0-9a-f]{12}", t.id)
        and len(t.description.split()) >= 6
        and [u.description for u in result.tasks].count(t.description) == 1
        and "\n" not in result.text[t.span[0] : t.span[1]]
    ]
    assert candidates, "no task to edit"
    return candidates[len(candidates) // 2]


@pytest.mark.parametrize("stem", DEV)
def test_ids_dev_directive_date_line_edit_keeps_every_id(stem: str, tmp_path: Path) -> None:
    text = _source(stem)
    before = _original(stem)
    edited = _edit_first(text, DATE_LINE, "day", lambda day: f"{int(day) % 27 + 1:02d}")
    after = _extract(edited, tmp_path, "after")
    assert before.document.id_basis == after.document.id_basis == "number"
    assert after.document.issued_date != before.document.issued_date
    assert after.document.text_sha256 != before.document.text_sha256
    assert after.document.id == before.document.id
    assert _ids(after) == _ids(before)


@pytest.mark.parametrize("stem", DEV)
def test_ids_dev_directive_one_sentence_edit_changes_one_id(stem: str, tmp_path: Path) -> None:
    """Rewording one task changes that task's id and no other."""
    text = _source(stem)
    before = _original(stem)
    target = _target(before)
    last_word = target.description.rstrip(" .;").rsplit(" ", 1)[0]
    at = target.span[0] + len(last_word)
    edited = text[:at] + " cụ thể" + text[at:]
    after = _extract(edited, tmp_path, "after")
    assert after.document.id == before.document.id
    assert _ids(before) - _ids(after) == {target.id}
    added = [t for t in after.tasks if t.id not in _ids(before)]
    assert len(added) == 1
    assert "cụ thể" in added[0].description
    assert len(after.tasks) == len(before.tasks)


@pytest.mark.parametrize("stem", DEV)
def test_ids_dev_directive_new_item_keeps_other_ids(stem: str, tmp_path: Path) -> None:
    """A task item added after another keeps every id there was and adds
    the new task's."""
    text = _source(stem)
    before = _original(stem)
    target = _target(before)
    line_start = text.rfind("\n", 0, target.span[0]) + 1
    line_end = text.find("\n", target.span[1])
    line_end = len(text) if line_end < 0 else line_end
    marker = MARKER.match(text, line_start)
    item = (marker.group() if marker else "") + NEW_ITEM
    edited = text[:line_end] + "\n" + item + text[line_end:]
    after = _extract(edited, tmp_path, "after")
    assert after.document.id == before.document.id
    assert _ids(before) <= _ids(after)
    added = [t for t in after.tasks if t.id not in _ids(before)]
    assert added
    assert all(line_end < t.span[0] and t.span[1] <= line_end + 1 + len(item) for t in added)


@pytest.mark.parametrize("stem", DEV)
def test_ids_dev_directive_heading_edit_changes_its_tasks_only(
    stem: str, tmp_path: Path
) -> None:
    """Rewording a heading changes the ids of the tasks under it (their
    place in the section tree) and of a task the heading line itself holds,
    and keeps the others'."""
    text = _source(stem)
    before = _original(stem)
    # The outermost heading of a task in the middle, written once in the text.
    headings = [t.section.split(" > ")[0] for t in before.tasks if t.section]
    headings = [h for h in headings[len(headings) // 2 :] if text.count(h) == 1]
    if not headings:
        pytest.skip(f"{stem}: no task stands under a heading written once")
    heading = headings[0]
    at = text.find(heading)
    end = text.find("\n", at)
    kept = text[at:end].rstrip(" .:")
    # Before the closing colon, which tells how the items below are read.
    edited = text[: at + len(kept)] + " (đã sửa)" + text[at + len(kept) :]
    after = _extract(edited, tmp_path, "after")
    under = {t.id for t in before.tasks if t.section and t.section.startswith(heading)}
    on_line = {t.id for t in before.tasks if at <= t.span[0] < end}
    assert under
    assert _ids(before) - _ids(after) == under | on_line


@pytest.mark.parametrize("stem", DEV)
def test_ids_dev_directive_number_edit_makes_a_new_document(stem: str, tmp_path: Path) -> None:
    text = _source(stem)
    before = _original(stem)
    edited = _edit_first(text, NUMBER_LINE, 2, lambda number: str(int(number) + 1))
    after = _extract(edited, tmp_path, "after")
    assert after.document.number != before.document.number
    assert after.document.id != before.document.id
    assert not _ids(before) & _ids(after)
    assert len(after.tasks) == len(before.tasks)
