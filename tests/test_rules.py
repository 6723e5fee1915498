"""Every rule of ``resources/rules.yaml`` against its own evidence.

Each example is run through ``extract()``: the rule must act (a record's
``evidence`` names it, or for split and skip rules the trace does) and the
result must hold what the example's ``expect`` says. Each counter-example
must not make the rule act. The catalogue and the code must name the same
rules, and every rule must show examples from two documents or say why it is
general.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract
from pipeline.model import DocumentResult, Task
from pipeline.read import read_text
from pipeline.rules import EVIDENCE_FIELDS, Example, Rule, catalogue

# The anchor of examples that do not give their own issue date.
ISSUED = date(2025, 11, 20)
CATALOGUE = catalogue()
PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
_RULE_ID = re.compile(r'"((?:description|lead|support|deadline|split|skip)\.[a-z_]+)"')


def _cases(counter: bool) -> list[Any]:
    cases = []
    for rule in CATALOGUE.values():
        examples = rule.counter_examples if counter else rule.examples
        for number, example in enumerate(examples, start=1):
            cases.append(pytest.param(rule, example, id=f"{rule.id}-{number}"))
    return cases


def _run(example: Example) -> DocumentResult:
    return extract(read_text(example.text, "<rule example>"), issued=example.issued or ISSUED)


def _acting(result: DocumentResult, rule: Rule) -> tuple[bool, list[Task]]:
    """Whether the rule acted, and the tasks it acted on (all tasks for
    rules that make no record field)."""
    if rule.field in EVIDENCE_FIELDS:
        tasks = [t for t in result.tasks if rule.id in t.evidence.get(rule.field, [])]
        return bool(tasks), tasks
    return any(firing[0] == rule.id for firing in result.trace), result.tasks


def _deadline(task: Task) -> str | None:
    if task.deadline is None:
        return None
    value = task.deadline.value
    return value.due.isoformat() if value.due else value.kind


def _names(task: Task, role: str) -> list[str]:
    return [body.name for body in task.responsible if body.role == role]


def _task_holds(task: Task, expect: dict[str, Any]) -> bool:
    checks = {
        "description": lambda want: task.description == want,
        "lead": lambda want: _names(task, "lead") == want,
        "support": lambda want: _names(task, "support") == want,
        "deadline": lambda want: _deadline(task) == want,
    }
    return all(checks[key](want) for key, want in expect.items() if key in checks)


def _holds(result: DocumentResult, tasks: list[Task], expect: dict[str, Any]) -> list[str]:
    """What of ``expect`` the result does not hold (empty when all holds)."""
    problems = []
    if "tasks" in expect and len(result.tasks) != expect["tasks"]:
        problems.append(f"{len(result.tasks)} tasks, expected {expect['tasks']}")
    if "descriptions" in expect:
        got = [t.description for t in result.tasks]
        if got != expect["descriptions"]:
            problems.append(f"descriptions {got}, expected {expect['descriptions']}")
    fields = ("description", "lead", "support", "deadline")
    per_task = {k: v for k, v in expect.items() if k in fields}
    if per_task and not any(_task_holds(task, per_task) for task in tasks):
        shown = [
            (t.description, _names(t, "lead"), _names(t, "support"), _deadline(t)) for t in tasks
        ]
        problems.append(f"no task holds {per_task}; got {shown}")
    return problems


@pytest.mark.parametrize(("rule", "example"), _cases(counter=False))
def test_rules_example_makes_its_rule_act(rule: Rule, example: Example) -> None:
    result = _run(example)
    acted, tasks = _acting(result, rule)
    assert acted, f"{rule.id} did not act on {example.text!r}"
    assert _holds(result, tasks, dict(example.expect)) == []


@pytest.mark.parametrize(("rule", "example"), _cases(counter=True))
def test_rules_counter_example_does_not_make_it_act(rule: Rule, example: Example) -> None:
    result = _run(example)
    acted, _ = _acting(result, rule)
    assert not acted, f"{rule.id} acted on its counter-example {example.text!r}"
    assert _holds(result, result.tasks, dict(example.expect)) == []


@pytest.mark.parametrize("rule", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_rules_each_rule_has_its_evidence(rule: Rule) -> None:
    assert rule.examples, f"{rule.id} has no example"
    assert rule.counter_examples, f"{rule.id} has no counter-example"
    documents = {e.source for e in rule.examples if not e.source.startswith("invented")}
    assert len(documents) >= 2 or rule.reason, (
        f"{rule.id}: examples from {sorted(documents)}; two documents or a reason are needed"
    )


def test_rules_code_and_catalogue_name_the_same_rules() -> None:
    in_code: set[str] = set()
    for module in ("assemble.py", "clauses.py"):
        in_code |= set(_RULE_ID.findall((PACKAGE / module).read_text(encoding="utf-8")))
    assert in_code == set(CATALOGUE)


def test_rules_every_record_carries_its_evidence() -> None:
    text = (
        "1. Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát các văn bản, "
        "hoàn thành trước ngày 30/6/2026.\n"
    )
    (task,) = extract(read_text(text), issued=ISSUED).tasks
    assert task.evidence == {
        "description": ["description.named_body", "description.deadline_cut"],
        "lead": ["lead.assigned_body"],
        "support": ["support.clause_partners"],
        "deadline": ["deadline.clause_stated"],
    }
