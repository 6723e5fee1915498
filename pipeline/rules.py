"""Named assembly rules: the catalogue, candidates, and their resolution.

Every decision the assemble stage takes is a rule with an id, kept in
``resources/rules.yaml`` with what it matches, what it produces, its priority,
examples and counter-examples, and where it came from (the way Duckling keeps
``Rule {name, pattern, prod}`` and HeidelTime its one-line rules with
``//EXAMPLE``). The code names the rule whenever it acts, so that:

- each record carries ``evidence``: the ids of the rules that made its
  description, lead, support and deadline;
- ``tests/test_rules.py`` runs every rule's examples (the rule must fire and
  give what the example expects) and counter-examples (it must not fire).

Fields are decided in two steps. Candidate generation proposes, for each
draft, every value some rule finds (the clause's subject, the heading's body,
a label line …); resolution then picks one per field. The default ranker
takes the candidate with the highest priority in the catalogue (the first
proposed on a tie); a learnt ranker can replace it without touching the
generation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Generic, TypeVar

from pipeline.resources import load_yaml

RESOURCE = "rules.yaml"
# What a rule decides: the value of a record's field, where a clause starts,
# or that a stretch of text gives no task.
RULE_FIELDS = ("description", "lead", "support", "deadline", "split", "skip")
# The record fields that carry evidence.
EVIDENCE_FIELDS = ("description", "lead", "support", "deadline")
_RULE_KEYS = {
    "id",
    "field",
    "priority",
    "matches",
    "produces",
    "source",
    "flags",
    "reason",
    "examples",
    "counter_examples",
}
_EXAMPLE_KEYS = {"text", "issued", "from", "expect", "note"}

T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """A text the rule must act on (or, as a counter-example, must not)."""

    text: str
    source: str  # the document it was taken from, or "invented: <why>"
    issued: date | None = None
    expect: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    field: str
    priority: int
    matches: str
    produces: str
    source: str
    flags: tuple[str, ...] = ()
    reason: str = ""  # why the rule is general, where its examples come from one document
    examples: tuple[Example, ...] = ()
    counter_examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """A value for one field of a draft, and the rule that proposed it."""

    rule: str
    value: T
    # The rule that found the value where another passed it on ("lead.heading"
    # passing what "lead.responsibility_heading" read in the heading).
    origin: str | None = None

    @property
    def priority(self) -> int:
        return catalogue()[self.rule].priority


Ranker = Callable[[Sequence[Candidate[Any]]], "Candidate[Any] | None"]


def by_priority(candidates: Sequence[Candidate[Any]]) -> Candidate[Any] | None:
    """The default ranker: the highest priority wins, the earliest on a tie."""
    best: Candidate[Any] | None = None
    for candidate in candidates:
        if best is None or candidate.priority > best.priority:
            best = candidate
    return best


def _example(data: Any, where: str) -> Example:
    if isinstance(data, str):
        raise ValueError(f"{where}: an example needs 'text' and 'from'")
    unknown = set(data) - _EXAMPLE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if not data.get("text") or not data.get("from"):
        raise ValueError(f"{where}: an example needs 'text' and 'from'")
    issued = data.get("issued")
    if isinstance(issued, str):
        issued = date.fromisoformat(issued)
    return Example(
        text=data["text"],
        source=str(data["from"]),
        issued=issued,
        expect=dict(data.get("expect") or {}),
        note=data.get("note", ""),
    )


def _rule(data: Mapping[str, Any]) -> Rule:
    where = f"{RESOURCE}: rule {data.get('id')!r}"
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if data.get("field") not in RULE_FIELDS:
        raise ValueError(f"{where}: field must be one of {RULE_FIELDS}")
    return Rule(
        id=data["id"],
        field=data["field"],
        priority=int(data.get("priority", 0)),
        matches=data["matches"],
        produces=data["produces"],
        source=data["source"],
        flags=tuple(data.get("flags") or ()),
        reason=data.get("reason", ""),
        examples=tuple(
            _example(e, f"{where} example {n}") for n, e in enumerate(data.get("examples") or [])
        ),
        counter_examples=tuple(
            _example(e, f"{where} counter-example {n}")
            for n, e in enumerate(data.get("counter_examples") or [])
        ),
    )


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule of ``resources/rules.yaml`` by id."""
    rules: dict[str, Rule] = {}
    for data in load_yaml(RESOURCE)["rules"]:
        rule = _rule(data)
        if rule.id in rules:
            raise ValueError(f"{RESOURCE}: rule {rule.id!r} defined twice")
        if not rule.id.startswith(rule.field + "."):
            raise ValueError(f"{RESOURCE}: rule {rule.id!r} must start with its field")
        rules[rule.id] = rule
    return rules


def rule_flags(rule_id: str) -> tuple[str, ...]:
    """The record flags a rule's value brings (``inherited_lead`` …)."""
    return catalogue()[rule_id].flags


def known(rule_id: str) -> str:
    """``rule_id`` itself, after checking that the catalogue defines it."""
    if rule_id not in catalogue():
        raise KeyError(f"rule {rule_id!r} is not in {RESOURCE}")
    return rule_id


@dataclass(frozen=True)
class Site:
    """A place in a dev document where a rule acted."""

    document: str
    start: int
    end: int
    line: str
    description: str = ""


def rule_sites(rule_id: str, part: str = "dev", limit: int = 20) -> list[Site]:
    """Where ``rule_id`` acts in the documents of a gold part (dev only: the
    test parts are measured, never read while rules are written)."""
    if part != "dev":
        raise ValueError("rule sites are shown for the dev part only")
    from pipeline import gold
    from pipeline.extraction import extract

    field_name = catalogue()[known(rule_id)].field
    sites: list[Site] = []
    for document in gold.load_gold_dir(part=part, with_text=False):
        result = extract(gold.shared_dir() / document.document.path)
        text = result.text
        found: list[tuple[int, int, str]] = []
        if field_name in EVIDENCE_FIELDS:
            found = [
                (t.span[0], t.span[1], t.description)
                for t in result.tasks
                if rule_id in t.evidence.get(field_name, [])
            ]
        else:
            found = [(s, e, "") for r, s, e in result.trace if r == rule_id]
        for start, end, description in found:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            sites.append(Site(document.stem, start, end, line[:300], description[:200]))
            if len(sites) >= limit:
                return sites
    return sites
