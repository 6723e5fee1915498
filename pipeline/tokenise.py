"""Tokenise stage: a spaCy ``Doc`` over underthesea's word segmentation.

The Doc's text is the text as read, character for character, so every span
taken from it is an offset into the original. underthesea itself only ever
sees the normalised view (NFC, new-style tones), line by line: given a whole
document it would join words across paragraph breaks. Each token's
``norm_`` is its normalised, lower-cased form and ``tag_`` its POS tag.
"""

from __future__ import annotations

import re
from functools import cache
from os.path import dirname, join
from typing import Any

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.normalise import NormalisedText, normalise
from pipeline.resources import load_jsonl, load_yaml
from pipeline.segment import pieces, runs_apart

TOKENIZER_NAME = "vntasks.underthesea_tokenizer.v1"
_LINE = re.compile(r"[^\n]+")
_MAX_CHARACTERS = 50_000_000
# Tables are read as rows of cells joined by " | " (pipeline/read).
_CELL_SEPARATORS = frozenset({"|"})


class TokenizationError(RuntimeError):
    """underthesea returned tokens that cannot be lined up with the text."""


@cache
def _fixed_words() -> tuple[str, ...]:
    """Lexicon entries that must stay whole tokens, escaped the way
    underthesea expects: it escapes spaces itself and nothing else."""
    # Derived from the gazetteer and the trigger patterns, so that matching and
    # segmentation share one list and cannot drift apart.
    bodies = load_yaml("bodies.yaml")
    # Label phrases are left out: glued into one word, "đơn vị chịu trách
    # nhiệm" would hide the body and the frame word of "Người đứng đầu các cơ
    # quan, đơn vị chịu trách nhiệm kiểm tra …"; the matcher finds them across
    # words all the same.
    entries = [
        row["pattern"]
        for row in load_jsonl("triggers.jsonl")
        if not row["label"].startswith("LABEL_")
    ]
    for key in ("heads", "standalone", "posts"):
        entries.extend(bodies[key])
    words: set[str] = set()
    for entry in (e for e in entries if " " in e):
        for variant in (entry, entry.upper(), entry[0].upper() + entry[1:]):
            words.add(re.escape(variant).replace("\\ ", " "))
    # Longest first: the regex alternation takes the first that matches.
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _pos_model() -> Any:
    # pos_tag() re-segments its input and its v2.0 path breaks on a second
    # call, so the tagger that ships with underthesea is loaded once here and
    # fed the words we already have.
    import underthesea.pipeline.pos_tag as pos_package
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    model = FastCRFSequenceTagger()
    model.load(join(dirname(pos_package.__file__), "models", "pos_crf_vlsp2013_20230303"))
    return model


@cache
def _protected_words() -> frozenset[str]:
    return frozenset(w.replace("\\", "").lower() for w in _fixed_words())


@cache
def _segmentation_model() -> Any:
    import underthesea.pipeline.word_tokenize as ws_package
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    model = FastCRFSequenceTagger()
    model.load(join(dirname(ws_package.__file__), "models", "ws_crf_vlsp2013_20230727"))
    return model


@cache
def _lexicon_pattern() -> Any:
    from underthesea.pipeline.word_tokenize import regex_tokenize

    regex_tokenize.tokenize(
        "",
        use_character_normalize=False,
        use_token_normalize=False,
        fixed_words=list(_fixed_words()),
    )
    return regex_tokenize.patterns


def _segment_line(line: str) -> list[str]:
    """underthesea's word segmentation (regex pre-tokens, then its CRF), with
    one change: a lexicon entry is never glued to its neighbours. The CRF
    otherwise joins "Tôn giáo" + "chịu trách nhiệm" into one word."""
    from underthesea.pipeline.word_tokenize import regex_tokenize

    # underthesea rebuilds its pattern from fixed_words on every call (about
    # three quarters of the segmentation time) and keeps the compiled pattern
    # module-wide; so it is built once here, and put back if other code has
    # replaced it since.
    ours = _lexicon_pattern()
    if regex_tokenize.patterns is not ours:
        regex_tokenize.patterns = ours
    tokens = regex_tokenize.tokenize(
        line, use_character_normalize=False, use_token_normalize=False
    )
    if not tokens:
        return []
    tags = _segmentation_model().predict([[token] for token in tokens])
    protected = _protected_words()
    words: list[str] = []
    previous_protected = False
    for tag, token in zip(tags, tokens, strict=True):
        # The cell separator of tables read as text never joins a word ("Sở Nội
        # vụ | Quý II/2026" gave "| Quý").
        is_protected = token.lower() in protected or token in _CELL_SEPARATORS
        if tag == "I-W" and words and not is_protected and not previous_protected:
            words[-1] = words[-1] + " " + token
        else:
            words.append(token)
        previous_protected = is_protected
    return words


def _align(line: str, base: int, words: list[str]) -> list[tuple[int, int]]:
    """Offsets of each word in the view; words join syllables with single
    spaces whatever whitespace stood between them in the text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in words:
        while pos < len(line) and line[pos].isspace():
            pos += 1
        start = pos
        for char in word:
            if char == " ":
                while pos < len(line) and line[pos].isspace():
                    pos += 1
                continue
            if pos >= len(line) or line[pos] != char:
                raise TokenizationError(f"cannot align {word!r} at {base + start}")
            pos += 1
        spans.append((base + start, base + pos))
    return spans


class UndertheseaTokenizer:
    """Callable spaCy tokenizer; see the module docstring."""

    def __init__(self, vocab: Vocab, with_tags: bool = True) -> None:
        self.vocab = vocab
        self.with_tags = with_tags

    def __call__(self, text: str) -> Doc:
        view = normalise(text)
        word_spans: list[tuple[int, int]] = []
        tags: list[str] = []
        for match in _LINE.finditer(view.text):
            line, base = match.group(0), match.start()
            for start, end, is_run in runs_apart(line):
                if is_run:
                    word_spans.append((base + start, base + end))
                    tags.extend(["X"] if self.with_tags else [])
                    continue
                for piece_start, piece_end in pieces(line[start:end]):
                    piece = line[start + piece_start : start + piece_end]
                    if not piece.strip():
                        continue
                    words = _segment_line(piece)
                    word_spans.extend(_align(piece, base + start + piece_start, words))
                    if self.with_tags:
                        tags.extend(self._tag(words))
        return self._build(text, view, word_spans, tags)

    def _tag(self, words: list[str]) -> list[str]:
        if not words:
            return []
        return [
            tag[2:] if tag[:2] == "B-" else tag
            for tag in _pos_model().predict([[w] for w in words])
        ]

    def _build(
        self, text: str, view: NormalisedText, word_spans: list[tuple[int, int]], tags: list[str]
    ) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        norms: list[str | None] = []
        out_tags: list[str | None] = []

        def add_gap(gap: str) -> None:
            # A single space after a word is spaCy's trailing whitespace;
            # any other gap becomes a whitespace token of its own.
            if not gap:
                return
            if gap[0] == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
                norms.append(None)
                out_tags.append("_SP" if gap.isspace() else "X")

        cursor = 0
        pending_norm = ""
        for index, (view_start, view_end) in enumerate(word_spans):
            start, end = view.to_original(view_start, view_end)
            norm = view.text[view_start:view_end].lower()
            # underthesea may cut between a letter and its combining mark,
            # which the view maps back to one cluster of the text; a token
            # must own characters of its own, so such a piece joins the word
            # it shares its cluster with.
            if start == end:
                pending_norm += norm
                continue
            if start < cursor and words and norms[-1] is not None:
                words[-1] += text[cursor:end] if end > cursor else ""
                cursor = max(cursor, end)
                norms[-1] = f"{norms[-1]}{pending_norm}{norm}"
                pending_norm = ""
                continue
            add_gap(text[cursor:start])
            words.append(text[start:end])
            spaces.append(False)
            norms.append(pending_norm + norm)
            pending_norm = ""
            out_tags.append(tags[index] if tags else None)
            cursor = end
        add_gap(text[cursor:])
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for token, norm, tag in zip(doc, norms, out_tags, strict=True):
            if norm is not None:
                token.norm_ = norm
            if tag is not None:
                token.tag_ = tag
        if doc.text != text:
            raise TokenizationError("the Doc's text differs from the input")
        return doc


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(with_tags: bool = True):  # noqa: ANN201 - spaCy's factory protocol
    def make(nlp: spacy.language.Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab, with_tags=with_tags)

    return make


@cache
def get_nlp() -> spacy.language.Language:
    """The pipeline's spaCy Language, built once per process."""
    config = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}}
    # "xx" is spaCy's language-neutral class; "vi" would need pyvi.
    nlp = spacy.blank("xx", config=config)
    # spaCy's 1M-character guard protects parsers' memory; this pipeline runs
    # no parser, and the read stage already limits input size.
    nlp.max_length = _MAX_CHARACTERS
    return nlp


def tokenise(text: str) -> Doc:
    """Return a Doc whose text equals ``text`` exactly."""
    return get_nlp()(text)
