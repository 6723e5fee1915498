"""Tests for ``pipeline.normalise``: the analysis view and its offset map.

Examples come from the shared directives: "UỶ BAN NHÂN DÂN" (01_kh-141),
"Đảng uỷ Chính phủ" and "Toà án" (11_kl-127), "Thành uỷ" (13_kl-07 title),
"Quý III/2025" (02_tb-624), "hoàn thành" (every plan).
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from pipeline.normalise import normalise, normalise_string

# (text as read, expected view)
VIEWS = [
    ("Thành ủy Hà Nội", "Thành ủy Hà Nội"),
    ("Thành uỷ Hà Nội", "Thành ủy Hà Nội"),
    ("Hoà Bình", "Hòa Bình"),
    ("UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
    ("Đảng uỷ Chính phủ", "Đảng ủy Chính phủ"),
    ("Toà án nhân dân tối cao", "Tòa án nhân dân tối cao"),
    ("khoẻ mạnh", "khỏe mạnh"),
    ("thuỷ lợi", "thủy lợi"),
    # "quý" has its mark on the vowel already ("qu" is a consonant); "hoàn" keeps
    # its mark on "à" in both styles, so neither may move.
    ("Quý III/2025", "Quý III/2025"),
    ("quý", "quý"),
    ("hoàn thành", "hoàn thành"),
    ("hoạch định", "hoạch định"),
    ("Thuý", "Thúy"),
]


@pytest.mark.parametrize(("text", "view"), VIEWS)
def test_normalise_view_nfc(text: str, view: str) -> None:
    assert normalise(text).text == view


@pytest.mark.parametrize(("text", "view"), VIEWS)
def test_normalise_view_nfd(text: str, view: str) -> None:
    assert normalise(unicodedata.normalize("NFD", text)).text == view


def _assert_words_map_back(original: str) -> None:
    """Every word of the view maps back to a stretch of the original that
    normalises to the same word; the whole view maps to the whole text."""
    view = normalise(original)
    assert len(view.offsets) == len(view.text) + 1
    assert view.offsets[-1] == len(original)
    assert list(view.offsets) == sorted(view.offsets)
    assert view.to_original(0, len(view.text)) == (view.offsets[0], len(original))
    for found in re.finditer(r"\w+", view.text):
        start, end = view.to_original(found.start(), found.end())
        assert normalise_string(original[start:end]) == found.group(0)
        assert unicodedata.normalize("NFC", original[start:end]).strip()


SENTENCES = [
    # 11_kl-127
    "Giao Đảng uỷ Chính phủ chủ trì, phối hợp với Ban Tổ chức Trung ương",
    # 01_kh-141 header
    "UỶ BAN NHÂN DÂN\nTỈNH BẮC NINH",
    # seed
    "Ban Tổ chức Thành ủy được giao chủ trì 10 nhóm nhiệm vụ",
    "Thành uỷ Hoà Bình yêu cầu hoàn thành trong Quý III/2025.",
    "Bí thư Thành uỷ, Chủ tịch UBND tỉnh Thanh Hoá",
]


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_normalise_offsets_map_back(text: str, form: str) -> None:
    _assert_words_map_back(unicodedata.normalize(form, text))


def test_normalise_nfd_offsets_point_at_base_letters() -> None:
    text = unicodedata.normalize("NFD", "Sở Tư pháp")
    view = normalise(text)
    assert view.text == "Sở Tư pháp"
    # "ở" is three code points in NFD (o, horn, hook): "T" sits after them.
    t = view.text.index("T")
    assert text[view.offsets[t]] == "T"
    start, end = view.to_original(0, 2)
    assert (start, end) == (0, 4)
    assert text[start:end] == unicodedata.normalize("NFD", "Sở")


def test_normalise_old_style_span_keeps_surface() -> None:
    text = "Thành uỷ Hà Nội"
    view = normalise(text)
    start = view.text.index("ủy")
    assert view.to_original(start, start + 2) == (6, 8)
    assert text[6:8] == "uỷ"


def test_normalise_is_identity_on_new_style_nfc() -> None:
    text = "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát.\n\nHoàn thành trong quý I."
    view = normalise(text)
    assert view.text == text
    assert list(view.offsets) == list(range(len(text) + 1))


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("Sở\u200b Tư pháp", "Sở Tư pháp"),
        ("Bộ\u200cTài chính", "BộTài chính"),
        ("\ufeffKẾ HOẠCH", "KẾ HOẠCH"),
        ("phối\u00adhợp", "phốihợp"),
        ("Sở\u00a0Tư\u00a0pháp", "Sở Tư pháp"),
        ("Số:\u202f141/KH-UBND", "Số: 141/KH-UBND"),
    ],
)
def test_normalise_invisible_and_nonbreaking(text: str, view: str) -> None:
    result = normalise(text)
    assert result.text == view
    _assert_words_map_back(text)


def test_normalise_zero_width_dropped_from_offsets() -> None:
    text = "Sở\u200b Tư"
    view = normalise(text)
    assert view.text == "Sở Tư"
    # The space after the zero-width character maps to its own position.
    assert view.offsets[2] == 3
    assert text[view.offsets[3]] == "T"


def test_normalise_nonbreaking_space_keeps_length() -> None:
    text = "Sở\u00a0Tư\u00a0pháp"
    view = normalise(text)
    assert len(view.text) == len(text)
    assert list(view.offsets) == list(range(len(text) + 1))


def test_normalise_from_original_inverts_offsets() -> None:
    text = unicodedata.normalize("NFD", "Thành uỷ Hoà Bình")
    view = normalise(text)
    for i in range(len(view.text)):
        assert view.from_original(view.offsets[i]) == i


@pytest.mark.parametrize(
    ("text", "view", "line_ends"),
    [
        # CRLF is one line end: its view "\n" maps to the CR, so a line's
        # span in the text ends before both.
        ("Sở Tư pháp.\r\nBộ Nội vụ.", "Sở Tư pháp.\nBộ Nội vụ.", [11]),
        ("Sở Tư pháp.\rBộ Nội vụ.", "Sở Tư pháp.\nBộ Nội vụ.", [11]),
        ("Sở Tư pháp.\u2028Bộ Nội vụ.", "Sở Tư pháp.\nBộ Nội vụ.", [11]),
        ("a\r\n\r\nb\r", "a\n\nb\n", [1, 3, 6]),
    ],
)
def test_normalise_line_ends_read_as_newlines(text: str, view: str, line_ends: list[int]) -> None:
    result = normalise(text)
    assert result.text == view
    breaks = [i for i, char in enumerate(result.text) if char == "\n"]
    assert [result.offsets[i] for i in breaks] == line_ends
