"""Segment stage: paragraphs (lines), their list markers and nesting, and sentences.

Directives put one paragraph per line. Each paragraph records the list marker
it opens with (``I.``, ``1.``, ``1.1.``, ``a)``, ``(1)``, ``-``, ``+``,
``Điều 1.``) and its depth, found with a stack of marker styles: a style not
on the stack nests one level deeper, a style already on it closes the levels
below. That is how a reader follows a numbering scheme without knowing it in
advance. Offsets are into the text as read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pipeline.normalise import NormalisedText
from pipeline.resources import load_yaml

_ROMAN = "IVXLC"
_BULLET_STYLES = ("dash", "plus")


@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class Paragraph:
    index: int
    start: int  # of the content, after leading whitespace
    end: int  # before trailing whitespace
    content_start: int  # after the list marker
    marker: str | None
    style: str | None
    level: int
    parent: int | None
    sentences: list[Sentence] = field(default_factory=list)
    is_table_row: bool = False


@cache
def _marker_pattern() -> re.Pattern[str]:
    words = "|".join(map(re.escape, load_yaml("structure.yaml")["numbered_words"]))
    return re.compile(
        rf"^(?:(?P<word>(?:{words})\s+[0-9{_ROMAN}]+[.:]?)"
        rf"|(?P<roman>[{_ROMAN}]+\.)"
        r"|(?P<dotted>\d+(?:\.\d+)+\.?)"
        r"|(?P<arabic>\d+[.)])"
        r"|(?P<letter>[a-zđ][.)])"
        r"|(?P<paren>\(\d+\)|\([a-zđ]\)|\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))"
        r"|(?P<dash>[-–—•*])"
        r"|(?P<plus>\+))"
        r"(?=\s)",
        re.IGNORECASE,
    )


def list_marker_end(text: str) -> int:
    """Length of the list marker ("-", "+", "a)", "1.", "(2)") that opens
    ``text``, or 0: the same markers the segmenter reads."""
    found = _marker_pattern().match(text + " ")
    return found.end() if found else 0


def _style(match: re.Match[str]) -> str:
    kind = match.lastgroup or ""
    if kind == "dotted":
        return f"dotted{match.group(0).rstrip('.').count('.')}"
    if kind in ("arabic", "letter"):
        return f"{kind}{match.group(0)[-1]}"
    return kind


# "1. Sở Tài chính a) Đăng tải công khai …" with "b) …" on the next line: the
# page the text was converted from ran a heading and its first item into one
# line (qd_1622-qd-ubnd, cd_220-cd-ttg and 18 more open documents of
# corpus-wild). The item's marker, after a short heading, is where a line
# of its own begins.
_RUN_IN_ITEM = re.compile(r"\s(?P<marker>a\))\s+(?=[A-ZÀ-ỸĐ])")
_NEXT_ITEM = re.compile(r"\n\s*(?:\n\s*)*b\)\s")
_RUN_IN_HEADING_WORDS = 16


def _lines(text: str) -> list[tuple[int, int]]:
    """The lines of ``text`` as (start, end), a run-in first item split off
    from its heading."""
    lines: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, end = line.span()
        found = _RUN_IN_ITEM.search(text, start, end)
        if (
            found is not None
            and _marker_pattern().match(text[start:end].lstrip() + " ") is not None
            and len(text[start : found.start()].split()) <= _RUN_IN_HEADING_WORDS
            and _NEXT_ITEM.match(text, end) is not None
        ):
            lines.append((start, found.start()))
            lines.append((found.start("marker"), end))
        else:
            lines.append((start, end))
    return lines


def segment(view: NormalisedText) -> list[Paragraph]:
    """Split the normalised view into paragraphs with markers, nesting and
    sentences; every offset is mapped back to the text as read."""
    from underthesea import sent_tokenize

    paragraphs: list[Paragraph] = []
    stack: list[tuple[str, int]] = []  # (style, paragraph index)
    pattern = _marker_pattern()
    for line_start, line_end in _lines(view.text):
        raw = view.text[line_start:line_end]
        stripped = raw.strip()
        if not stripped or set(stripped) <= set("-_=*. "):
            continue
        v_start = line_start + (len(raw) - len(raw.lstrip()))
        v_end = line_start + len(raw.rstrip())
        # A two-cell row ("A | PHÁT TRIỂN …", a section title in a table)
        # counts as a row where it continues a table.
        is_table_row = stripped.count(" | ") >= 2 or (
            " | " in stripped and bool(paragraphs) and paragraphs[-1].is_table_row
        )
        # A table row's leading "1." numbers the row, not the document's outline.
        marker_match = None if is_table_row else pattern.match(stripped)
        marker = style = None
        v_content = v_start
        if marker_match:
            marker = marker_match.group(0)
            style = _style(marker_match)
            v_content = v_start + marker_match.end()
            while v_content < v_end and view.text[v_content].isspace():
                v_content += 1
        index = len(paragraphs)
        if style is not None:
            styles = [s for s, _ in stack]
            if style in styles:
                del stack[styles.index(style) :]
            parent = stack[-1][1] if stack else None
            stack.append((style, index))
            level = len(stack)
        else:
            if not is_table_row:
                # Prose after a bulleted list ends the list: a "-" list
                # of addressees ("Kính gửi: - …") must not make the "1." of
                # the body's outline nest under its last bullet. Numbered
                # levels stay open across prose.
                while stack and stack[-1][0] in _BULLET_STYLES:
                    stack.pop()
            parent = stack[-1][1] if stack else None
            level = len(stack) + 1
        start, end = view.to_original(v_start, v_end)
        content_start = view.to_original(v_content, v_content)[0]
        paragraph = Paragraph(
            index, start, end, content_start, marker, style, level, parent,
            is_table_row=is_table_row,
        )
        text = view.text[v_content:v_end]
        cursor = v_content
        for sentence in sent_tokenize(text) if not paragraph.is_table_row else [text]:
            found = view.text.find(sentence, cursor, v_end)
            if found < 0:
                continue
            s, e = view.to_original(found, found + len(sentence))
            paragraph.sentences.append(Sentence(s, e))
            cursor = found + len(sentence)
        if not paragraph.sentences:
            s, e = view.to_original(v_content, v_end)
            paragraph.sentences.append(Sentence(s, e))
        paragraphs.append(paragraph)
    return paragraphs
