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
# underthesea's regular expressions and CRF grow faster than the line on
# non-prose ("1.1.1.…", thousands of ";" on one line, issue 17), so the
# tokeniser reads a line longer than _MAX_PIECE characters in pieces, cut
# where a clause or a cell ends when one is near, and cuts a run with no
# space every _MAX_RUN characters. A sentence longer than _MAX_PIECE is cut
# the same way: each of its tasks carries it, so the records of a line of
# thousands of clauses would grow with its square. The longest line of the
# annotated directives is about 1,100 characters: they are read whole.
_MAX_PIECE = 2_000
_MAX_RUN = 200
_CHUNK = re.compile(rf"\S{{1,{_MAX_RUN}}}")
_LONG_RUN = re.compile(rf"\S{{{_MAX_RUN + 1},}}")
_PIECE_ENDS = (";", ".", "|", ":")


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


def runs_apart(line: str) -> list[tuple[int, int, bool]]:
    """Spans of ``line`` with a flag: True for a piece of a run of more than
    _MAX_RUN characters with no space (cut every _MAX_RUN), False for the
    text between such runs. Such a run is not prose ("1.1.1.…", ";;;;…"):
    the tokeniser makes each piece one token rather than one per character."""
    spans: list[tuple[int, int, bool]] = []
    cursor = 0
    for run in _LONG_RUN.finditer(line):
        if run.start() > cursor:
            spans.append((cursor, run.start(), False))
        spans.extend(
            (start, min(start + _MAX_RUN, run.end()), True)
            for start in range(run.start(), run.end(), _MAX_RUN)
        )
        cursor = run.end()
    if cursor < len(line) or not spans:
        spans.append((cursor, len(line), False))
    return spans


def pieces(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` to segment one at a time (see _MAX_PIECE): the
    whole line when it is short and has no long run, which is every line
    of a directive's prose."""
    if len(line) <= _MAX_PIECE and _LONG_RUN.search(line) is None:
        return [(0, len(line))]
    spans: list[tuple[int, int]] = []
    start = previous_end = 0
    clause_end = -1
    for chunk in _CHUNK.finditer(line):
        chunk_start, chunk_end = chunk.span()
        if chunk_start == previous_end and previous_end > start:
            # A run cut at _MAX_RUN: the piece ends inside the run.
            spans.append((start, previous_end))
            start, clause_end = previous_end, -1
        elif chunk_end - start > _MAX_PIECE and previous_end > start:
            cut = clause_end if clause_end - start >= _MAX_PIECE // 2 else previous_end
            spans.append((start, cut))
            start, clause_end = cut, -1
        if chunk.group(0).endswith(_PIECE_ENDS):
            clause_end = chunk_end
        previous_end = chunk_end
    spans.append((start, len(line)))
    return spans


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
            cuts = pieces(sentence) if len(sentence) > _MAX_PIECE else [(0, len(sentence))]
            for piece_start, piece_end in cuts:
                piece = sentence[piece_start:piece_end]
                if not piece.strip():
                    continue
                v_from = found + piece_start + len(piece) - len(piece.lstrip())
                v_to = found + piece_start + len(piece.rstrip())
                paragraph.sentences.append(Sentence(*view.to_original(v_from, v_to)))
            cursor = found + len(sentence)
        if not paragraph.sentences:
            s, e = view.to_original(v_content, v_end)
            paragraph.sentences.append(Sentence(s, e))
        paragraphs.append(paragraph)
    return paragraphs
