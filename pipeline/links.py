"""Links between directives: which documents a text cites, implements,
comes attached to, amends or replaces.

A cited document is a "<type> [số] <number>" in the text
(:func:`pipeline.metadata.typed_numbers`); its relation is named by the
nearest phrase of ``resources/links.yaml`` before it in the same clause
("Thực hiện Chỉ thị số 32-CT/TW" → implements 32-CT/TW), else it is a
mention. The document's own number is not a link. A news report, whose
number is the number of the directive it reports (``Metadata.reported``),
links to that directive with the relation ``reports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipeline.evaluate import number_key
from pipeline.metadata import typed_numbers
from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml

REPORTS = "reports"
# How far back from a number a relation phrase is looked for; a clause
# longer than this names its relation too far away to be trusted.
_WINDOW = 200


@dataclass(frozen=True)
class Link:
    """One reference from a document to another, by number."""

    relation: str
    number: str
    doc_type: str

    @property
    def key(self) -> str:
        """The cited number as the register compares numbers."""
        return number_key(self.number)


@cache
def _rules() -> tuple[list[tuple[str, str]], str, str]:
    data = load_yaml("links.yaml")
    phrases = [
        (phrase, relation)
        for relation, listed in data["relations"].items()
        for phrase in listed
    ]
    # Longest first: "ban hành kèm theo" must name the relation, not "theo".
    phrases.sort(key=lambda pair: len(pair[0]), reverse=True)
    return phrases, data["default"], data["clause_ends"]


def _relation(view: str, at: int, floor: int) -> str:
    """The relation named by the nearest phrase before ``at``, not further
    back than the clause start or ``floor`` (the end of the previous
    citation: "Căn cứ Luật …; Thực hiện Chỉ thị …" gives each its own)."""
    phrases, default, ends = _rules()
    start = max(floor, at - _WINDOW)
    clause = view[start:at].lower()
    cut = max((clause.rfind(end) for end in ends), default=-1)
    clause = clause[cut + 1 :]
    best: tuple[int, str] | None = None
    for phrase, relation in phrases:
        position = _word_at(clause, phrase)
        if position >= 0 and (best is None or position + len(phrase) > best[0]):
            best = (position + len(phrase), relation)
    return best[1] if best is not None else default


def _word_at(clause: str, phrase: str) -> int:
    """The last place ``phrase`` stands in ``clause`` as whole words."""
    position = clause.rfind(phrase)
    while position >= 0:
        before = clause[position - 1] if position else " "
        after_at = position + len(phrase)
        after = clause[after_at] if after_at < len(clause) else " "
        if not before.isalnum() and not after.isalnum():
            return position
        position = clause.rfind(phrase, 0, position)
    return -1


def find_links(text: str, own_number: str | None, reported: bool = False) -> list[Link]:
    """The documents ``text`` refers to, in order, each number once (its
    first relation that is not a mention wins). ``own_number`` is the
    document's number (not a link, unless ``reported``: then it is the
    directive the text reports)."""
    view = normalise_string(text)
    own = number_key(own_number) if own_number else None
    found: dict[str, Link] = {}
    if reported and own_number:
        found[own] = Link(REPORTS, own_number, "")
    floor = 0
    _, default, _ = _rules()
    for at, doc_type, number in typed_numbers(view):
        key = number_key(number)
        relation = _relation(view, at, floor)
        floor = at
        if key == own:
            continue
        earlier = found.get(key)
        if earlier is None or (earlier.relation == default and relation != default):
            found[key] = Link(relation, number, doc_type)
    return list(found.values())
