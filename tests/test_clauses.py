"""Tests for ``pipeline.clauses`` helpers that the end-to-end tests of
``test_assemble.py`` do not reach one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clauses import _OpenQuotes


def _inside_by_recount(text: str, start: int, position: int) -> bool:
    """The reading _OpenQuotes replaced (issue 17): the marks counted again
    from the sentence start for every ";"."""
    before = text[start:position]
    return (
        before.count("“") > before.count("”")
        or before.count('"') % 2 == 1
        or before.count("(") > before.count(")")
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab;“”\"()", max_size=80), st.integers(0, 10))
def test_clauses_open_quotes_agree_with_a_recount(text: str, start: int) -> None:
    start = min(start, len(text))
    quotes = _OpenQuotes(text, start)
    for position in range(start, len(text) + 1):
        assert quotes.inside(position) == _inside_by_recount(text, start, position)
