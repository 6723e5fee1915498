"""Robustness of ``extract`` on any text: it never raises, every span slices
to the text it reports, the record validates against the schema, the output
is reproducible, and nothing touches the network.

The fragments below are pieces of the shared directives (shapes of
assignments, bodies, deadlines, list markers), shuffled by hypothesis.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import extract
from pipeline.errors import VntasksError
from pipeline.export import to_dict, validate
from pipeline.read import read_text

FRAGMENTS = [
    "Giao",
    "Sở Tài chính",
    "chủ trì",
    ", phối hợp với",
    "Sở Nội vụ",
    "các sở, ngành",
    "Ủy ban nhân dân tỉnh",
    "UBND các huyện",
    "xây dựng kế hoạch",
    "rà soát",
    "báo cáo",
    "trước ngày 30/6/2025",
    "trong quý IV năm 2025",
    "hằng tháng",
    "thường xuyên",
    "chậm nhất ngày 15/7",
    "trước 15/7",
    "ngay",
    "năm 2026",
    "Thủ tướng Chính phủ yêu cầu:",
    "Bộ Xây dựng",
    "tham mưu",
    "đề xuất",
    "Điều 1.",
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Số: 12/KH-UBND",
    "Hà Nội, ngày 16 tháng 7 năm 2018",
]
PUNCTUATION = [".", ";", ",", ":", " - ", "(", ")", "\n", " | ", "…", "“", "”", "/"]
MARKERS = ["I.", "II.", "1.", "2.", "1.1.", "a)", "b)", "(1)", "-", "+", "•", "Điều 2."]

vietnamese_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(MARKERS).map(lambda marker: f"\n{marker} "),
    ),
    min_size=1,
    max_size=40,
).map(" ".join)
any_text = st.one_of(st.text(max_size=300), vietnamese_text)


def _check(text: str) -> None:
    try:
        raw = read_text(text)
    except VntasksError:
        assert not text.strip()
        return
    result = extract(raw)
    record = to_dict(result)
    validate(record)
    for task in result.tasks:
        start, end = task.span
        assert text[start:end] == task.description
        sentence_start, sentence_end = task.sentence_span
        assert text[sentence_start:sentence_end] == task.sentence
        for body in task.responsible:
            if body.span is not None:
                assert text[body.span[0] : body.span[1]] == body.name
        if task.deadline is not None and task.deadline.span is not None:
            assert text[task.deadline.span[0] : task.deadline.span[1]] == task.deadline.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_robustness_extract_never_raises_and_spans_slice(text):
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "Giao Sở Nội vụ rà soát; báo cáo trước 15/7.",
        "\n\n- \n+ \n1.\n",
        " | | | \n | a | b | ",
        "Sở Tài chính\u0301 chủ trì\u200b xây dựng kế hoạch\r\ntrước ngày 31/2/2025.",
        "\ud7ff\U0010ffff Giao Sở Tư pháp thẩm định",
    ],
)
def test_robustness_hand_picked_texts(text):
    _check(text)


def test_robustness_long_single_word_string_is_text():
    # A newline-free string too long to be a file name is read as text.
    result = extract("x" * 1000)
    assert result.text == "x" * 1000


def _finishes(function, seconds: float) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test thread
            errors.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"did not finish within {seconds} s"
    if errors:
        raise errors[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # 1 MiB of UTF-8 on one line (about 820,000 characters).
        pytest.param("Giao Sở Tài chính chủ trì xây dựng kế hoạch " * 18725, id="1MB-single-line"),
        pytest.param(";" * 100_000, id="100k-semicolons"),
        pytest.param(
            "\n".join(".".join(["1"] * depth) + ". Sở Nội vụ rà soát" for depth in range(1, 400)),
            id="deep-numbering",
        ),
    ],
)
def test_robustness_pathological_inputs_finish(text):
    _finishes(lambda: extract(read_text(text)), seconds=300)


@pytest.mark.slow
def test_robustness_text_over_a_million_characters():
    _finishes(lambda: extract(read_text("Sở Nội vụ rà soát. " * 55_000)), seconds=300)


def test_robustness_same_input_same_bytes(tmp_path):
    text = (
        "Thủ tướng Chính phủ yêu cầu:\n"
        "1. Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng rà soát, báo cáo trước ngày 30/6/2025.\n"
        "2. Ủy ban nhân dân các tỉnh thường xuyên kiểm tra, đôn đốc.\n"
    )
    first = json.dumps(to_dict(extract(read_text(text)), with_text=True), ensure_ascii=False)
    second = json.dumps(to_dict(extract(read_text(text)), with_text=True), ensure_ascii=False)
    assert first.encode("utf-8") == second.encode("utf-8")


def test_robustness_no_network(monkeypatch, tmp_path):
    class NoSocket(socket.socket):
        # Still a type, so libraries that annotate with socket.socket import fine.
        def __init__(self, *args, **kwargs):
            raise AssertionError("network access at run time")

    def refuse(*args, **kwargs):
        raise AssertionError("network access at run time")

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = extract(read_text("Giao Sở Nội vụ rà soát; báo cáo trước 15/7."))
    validate(to_dict(result))
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><p>Giao Sở Nội vụ rà soát tổ chức bộ máy, "
        "báo cáo Ủy ban nhân dân tỉnh trước ngày 15/7/2025.</p></article></body></html>",
        encoding="utf-8",
    )
    assert extract(page).tasks is not None
