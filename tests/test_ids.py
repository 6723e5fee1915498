"""Tests for ``pipeline.ids``: stable document and task ids.

The policy (README, "Ids"): the document id hashes the normalised text, so
re-wrapping, NFD or old-style tone placement keep it; task ids hash the
normalised description, with "-2", "-3" for repeats, so re-running and
reordering keep them.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline import extract
from pipeline.ids import document_id, task_id
from pipeline.read import read_text

TEXT = (
    "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát các văn bản quy phạm pháp luật.\n"
    "Thành uỷ Hoà Bình yêu cầu Sở Tài chính bố trí kinh phí thực hiện."
)


def test_ids_document_id_shape() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", document_id(TEXT))


def test_ids_same_text_same_id() -> None:
    assert document_id(TEXT) == document_id(str(TEXT))


def test_ids_document_id_survives_rewrapping() -> None:
    rewrapped = TEXT.replace(" rà soát", "\nrà soát").replace(" ", "  ", 3) + "\n\n"
    assert document_id(rewrapped) == document_id(TEXT)
    assert document_id(TEXT.replace("\n", "\r\n")) == document_id(TEXT)


def test_ids_document_id_survives_nfd_and_tone_placement() -> None:
    assert document_id(unicodedata.normalize("NFD", TEXT)) == document_id(TEXT)
    new_style = TEXT.replace("uỷ", "ủy").replace("Hoà", "Hòa")
    assert new_style != TEXT
    assert document_id(new_style) == document_id(TEXT)
    assert document_id(TEXT.replace("Sở", "Sở\u200b")) == document_id(TEXT)


def test_ids_document_id_changes_with_wording() -> None:
    assert document_id(TEXT.replace("rà soát", "kiểm tra")) != document_id(TEXT)
    assert document_id(TEXT.replace("Sở Nội vụ", "Sở Tài chính")) != document_id(TEXT)


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
