"""Web pages: the article's main text with trafilatura, without menus,
comments or related-article lists; its tables as `` | `` rows."""

from __future__ import annotations

import re

from pipeline.errors import VntasksError

HTML_MEDIA_TYPE = "text/html"
# trafilatura writes a table row as "| a | b | "; the pipeline's row form has
# no outer bars.
_TABLE_ROW = re.compile(r"^\|\s?(?P<cells>.*?)\s?\|\s*$")


def _link_texts(page: str) -> list[str]:
    import lxml.html

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return []
    texts = (" ".join(anchor.text_content().split()) for anchor in tree.iter("a"))
    return sorted({text for text in texts if text}, key=len, reverse=True)


def _only_links(text: str, page: str) -> bool:
    """Whether what was extracted is nothing but the page's link labels: the
    fallback extractors return a navigation bar when there is no article."""
    rest = " ".join(text.split())
    for label in _link_texts(page):
        rest = rest.replace(label, " ")
    return not any(char.isalpha() for char in rest)


def html_text(data: bytes, source: str) -> str:
    import trafilatura
    from trafilatura.utils import decode_file

    # One decoding for both the extractor and the link check, so they agree.
    page = decode_file(data)
    extracted = trafilatura.extract(
        page, include_tables=True, include_comments=False, include_links=False,
        include_images=False, favor_precision=True, deduplicate=False,
    )
    if not extracted or not extracted.strip() or _only_links(extracted, page):
        raise VntasksError("no_main_text", source)
    lines = []
    for line in extracted.splitlines():
        row = _TABLE_ROW.match(line)
        lines.append(row.group("cells") if row else line)
    return "\n".join(lines) + "\n"
