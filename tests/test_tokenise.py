"""Tests for ``pipeline.tokenise``: the spaCy tokenizer over underthesea.

Phrases come from the shared directives: "Ủy ban nhân dân", "chủ trì",
"phối hợp với" (every TB-VPCP notice), "Bộ Dân tộc và Tôn giáo chịu trách
nhiệm" (09_tb-631), "UỶ BAN NHÂN DÂN" (01_kh-141), "Đảng uỷ Chính phủ"
(11_kl-127), and the seed.
"""

from __future__ import annotations

import unicodedata

import pytest
import spacy

from pipeline.tokenise import TOKENIZER_NAME, UndertheseaTokenizer, get_nlp, tokenise

ROUND_TRIP = [
    "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát các văn bản.",
    "Thành uỷ Hà Nội yêu cầu các cấp uỷ, tổ chức Đảng thực hiện.",
    "UỶ BAN NHÂN DÂN\nTỈNH BẮC NINH\n-------",
    "I. NHIỆM VỤ\n\n1. Sở Tư pháp:\n\na) Rà soát văn bản.\n",
    "Dòng một.\r\n\r\nDòng hai.\r\n",
    "Cột\tcột hai\t\tcột ba",
    "Sở  Tư   pháp    chủ trì",
    "  \n\n  Bộ Tài chính  \n",
    "STT | Nội dung | Cơ quan chủ trì | Thời hạn",
    "Sở\u00a0Tư\u00a0pháp và Bộ\u200b Nội vụ",
    "Đảng uỷ Toà án nhân dân tối cao, Hoà Bình",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_tokenise_text_round_trip(text: str, form: str) -> None:
    text = unicodedata.normalize(form, text)
    doc = tokenise(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Ủy ban nhân dân tỉnh chủ trì thực hiện.", "Ủy ban nhân dân"),
        ("Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng.", "chủ trì"),
        ("Bộ Tài chính chủ trì, phối hợp với Bộ Xây dựng.", "phối hợp với"),
        ("Bộ Dân tộc và Tôn giáo chịu trách nhiệm hướng dẫn.", "chịu trách nhiệm"),
        ("Ban Tổ chức Thành ủy được giao chủ trì 10 nhóm nhiệm vụ", "được giao chủ trì"),
        ("Ban Thường vụ Thành ủy có nhiệm vụ thường xuyên kiểm tra", "có nhiệm vụ"),
    ],
)
def test_tokenise_lexicon_words_are_single_tokens(text: str, word: str) -> None:
    assert word in [t.text for t in tokenise(text)]


def test_tokenise_nfd_lexicon_word_is_single_token() -> None:
    text = unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh chủ trì.")
    tokens = [t for t in tokenise(text)]
    assert tokens[0].text == unicodedata.normalize("NFD", "Ủy ban nhân dân")
    assert tokens[0].norm_ == "ủy ban nhân dân"


@pytest.mark.parametrize(
    ("text", "surface", "norm"),
    [
        ("Thành uỷ Hà Nội", "Thành uỷ", "thành ủy"),
        ("UỶ BAN nhân dân tỉnh", "UỶ BAN", "ủy ban"),
        ("tỉnh Hoà Bình", "Hoà Bình", "hòa bình"),
        ("Ủy ban nhân dân tỉnh", "Ủy ban nhân dân", "ủy ban nhân dân"),
        ("hoàn thành trong quý I", "hoàn thành", "hoàn thành"),
    ],
)
def test_tokenise_norm_is_nfc_new_style_lower(text: str, surface: str, norm: str) -> None:
    for form in ("NFC", "NFD"):
        doc = tokenise(unicodedata.normalize(form, text))
        by_text = {unicodedata.normalize("NFC", t.text): t for t in doc}
        token = by_text[surface]
        assert token.norm_ == norm
        assert unicodedata.is_normalized("NFC", token.norm_)


def test_tokenise_tags_words() -> None:
    doc = tokenise("Sở Tư pháp rà soát các văn bản quy phạm pháp luật.")
    words = [t for t in doc if not t.is_space]
    assert all(t.tag_ for t in words)
    tags = {t.text: t.tag_ for t in words}
    assert tags["rà soát"] == "V"
    assert tags["."] == "CH"


def test_tokenise_whitespace_tokens_are_tagged_space() -> None:
    doc = tokenise("Dòng một.\n\nDòng hai.")
    spaces = [t for t in doc if t.is_space]
    assert [t.text for t in spaces] == ["\n\n"]
    assert spaces[0].tag_ == "_SP"


@pytest.mark.parametrize(
    "text",
    [
        "Ban Tổ chức Thành ủy\n\nBan Thường vụ Thành ủy",
        "Ủy ban nhân dân\n\nnhân dân tỉnh",
        "phối hợp\r\n\r\nvới Sở Nội vụ",
        "Sở Tư\n\npháp",
    ],
)
def test_tokenise_paragraph_breaks_survive(text: str) -> None:
    doc = tokenise(text)
    for token in doc:
        if not token.is_space:
            assert "\n" not in token.text
    assert any(t.text.count("\n") == 2 for t in doc if t.is_space)


def test_tokenise_no_word_spans_single_newline() -> None:
    doc = tokenise("Ủy ban\nnhân dân tỉnh")
    assert all("\n" not in t.text for t in doc if not t.is_space)


@pytest.mark.parametrize(
    ("text", "kept", "neighbour"),
    [
        # 09_tb-631
        # A ministry's whole name is a lexicon entry of its own now.
        ("Bộ Dân tộc và Tôn giáo chịu trách nhiệm hướng dẫn.", "chịu trách nhiệm",
         "Bộ Dân tộc và Tôn giáo"),
        ("Bộ Y tế, Bộ Dân tộc và Tôn giáo chịu trách nhiệm hướng dẫn.", "chịu trách nhiệm",
         "Y tế"),
        # 02_tb-624: without the whole name, "và Công nghệ" was one word.
        ("Chủ trì, phối hợp với Bộ Khoa học và Công nghệ và các cơ quan liên quan",
         "phối hợp với", "Bộ Khoa học và Công nghệ"),
        ("Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ.", "phối hợp với", "Sở"),
        ("Ban Tổ chức Thành ủy phải tham mưu xây dựng quy định", "phải", "Thành ủy"),
    ],
)
def test_tokenise_lexicon_words_not_glued(text: str, kept: str, neighbour: str) -> None:
    words = [t.text for t in tokenise(text)]
    assert kept in words
    assert neighbour in words


def test_tokenise_registered_under_versioned_name() -> None:
    assert TOKENIZER_NAME == "vntasks.underthesea_tokenizer.v1"
    factory = spacy.registry.tokenizers.get(TOKENIZER_NAME)
    nlp = spacy.blank("xx")
    tokenizer = factory()(nlp)
    assert isinstance(tokenizer, UndertheseaTokenizer)
    assert tokenizer("Sở Tư pháp chủ trì.").text == "Sở Tư pháp chủ trì."


def test_tokenise_nlp_uses_registered_tokenizer() -> None:
    nlp = get_nlp()
    assert isinstance(nlp.tokenizer, UndertheseaTokenizer)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == TOKENIZER_NAME


def test_tokenise_without_tags() -> None:
    tokenizer = UndertheseaTokenizer(get_nlp().vocab, with_tags=False)
    doc = tokenizer("Sở Tư pháp chủ trì.")
    assert doc.text == "Sở Tư pháp chủ trì."
    assert all(not t.tag_ for t in doc)


def test_tokenise_offsets_are_into_original() -> None:
    text = unicodedata.normalize("NFD", "Thành uỷ yêu cầu Sở Tư pháp chủ trì.")
    doc = tokenise(text)
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


@pytest.mark.parametrize(
    "row",
    [
        "1 | Tập huấn cán bộ | Sở Nội vụ | Quý II/2026",  # "| Quý" was one word
        "2 | Rà soát | Sở Tư pháp | Quý I/2026",
    ],
)
def test_tokenise_cell_separator_is_a_word_of_its_own(row: str) -> None:
    assert [t.text for t in tokenise(row) if "|" in t.text] == ["|"] * row.count("|")


@pytest.mark.parametrize(
    "text",
    [
        "שׁ",  # hypothesis found it: underthesea cut the letter from its point
        "Sở שׁb Nội vụ",
        "\ufb2a\ufb2a x",  # one character of the text, two in the NFC view
        "Ban hành e\u0301 kế hoạch",
    ],
)
def test_tokenise_split_cluster_never_makes_an_empty_token(text: str) -> None:
    doc = tokenise(text)
    assert doc.text == text
    assert all(token.text for token in doc)


@pytest.mark.parametrize(
    ("text", "longest", "count"),
    [
        # A run with no space is cut into tokens of 200 characters, not one
        # token per character (issue 17).
        (";" * 1000, 200, 5),
        ("1" + ".1" * 300, 200, 4),
    ],
)
def test_tokenise_long_runs_are_tokens_of_200(text: str, longest: int, count: int) -> None:
    doc = tokenise(text)
    assert doc.text == text
    assert (max(len(token) for token in doc), len(doc)) == (longest, count)


def test_tokenise_long_line_in_pieces_keeps_the_text() -> None:
    text = "Giao Sở Nội vụ chủ trì rà soát; " * 200
    doc = tokenise(text)
    assert doc.text == text
    assert "Nội vụ" in [token.text for token in doc]
