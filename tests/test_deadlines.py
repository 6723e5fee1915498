"""Tests of the deadlines stage.

Where the examples come from:
- ``tests/data/deadline_phrases.jsonl``: phrases with their readings, most
  taken from ``../shared/real-directives`` and ``../shared/seed`` (each row
  names its file); kinds those documents lack are written in their style.
  Developed on; the same code is also measured on unseen documents.
- ``tests/data/deadline_contexts.jsonl``: short excerpts of the same
  documents with the phrases ``find_deadlines`` must and must not return.
Known failures are marked ``xfail(strict=True)`` so a fix has to move them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli.deadline import register
from pipeline.deadlines import FoundDeadline, find_deadlines, parse_deadline
from pipeline.model import DEADLINE_KINDS
from pipeline.normalise import normalise

DATA = Path(__file__).parent / "data"

# Phrases this version reads wrongly, by phrase and issue date (none today).
KNOWN_PHRASE_FAILURES: set[tuple[str, str | None]] = set()
# Excerpts whose phrases are not yet all found, by the first 40 characters.
KNOWN_CONTEXT_FAILURES: set[str] = set()


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _phrase_cases() -> list:
    cases = []
    for row in _rows("deadline_phrases.jsonl"):
        marks = []
        if (row["phrase"], row["issued"]) in KNOWN_PHRASE_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason="known misreading"))
        case_id = f"{row['phrase']}@{row['issued'] or 'no-issue-date'}"
        cases.append(pytest.param(row, id=case_id, marks=marks))
    return cases


def _context_cases() -> list:
    cases = []
    for row in _rows("deadline_contexts.jsonl"):
        key = row["text"][:40]
        marks = []
        if key in KNOWN_CONTEXT_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason="known miss"))
        cases.append(pytest.param(row, id=key, marks=marks))
    return cases


def test_deadlines_phrase_table_is_large_and_sourced():
    rows = _rows("deadline_phrases.jsonl")
    assert len(rows) >= 150
    assert {row["kind"] for row in rows} == set(DEADLINE_KINDS)
    assert all(row["source"] for row in rows)
    assert len(_rows("deadline_contexts.jsonl")) >= 40


@pytest.mark.parametrize("row", _phrase_cases())
def test_deadlines_parse_phrase(row):
    value = parse_deadline(row["phrase"], _day(row["issued"]))
    assert value.kind == row["kind"]
    assert value.due == _day(row["due"])
    if "start" in row:
        assert value.start == _day(row["start"])
    assert value.rrule == row.get("rrule")
    if value.kind == "unresolved":
        assert value.warnings, "an unresolved reading must say why"


@pytest.mark.parametrize(
    "row", [r for r in _rows("deadline_phrases.jsonl") if r.get("rrule")], ids=lambda r: r["rrule"]
)
def test_deadlines_rrule_is_valid_rfc5545(row):
    rrule = pytest.importorskip("dateutil.rrule")
    rule = rrule.rrulestr(row["rrule"], dtstart=date(2025, 1, 1))
    assert rule[0] is not None


@pytest.mark.parametrize("row", _context_cases())
def test_deadlines_find_in_context(row):
    text = normalise(row["text"]).text
    found = find_deadlines(text, _day(row["issued"]))
    assert [f.text for f in found] == row["expect"]
    for item in found:
        assert text[item.start : item.end] == item.text
        assert item.value.kind in DEADLINE_KINDS
    for rejected in row["reject"]:
        assert not any(rejected in f.text or f.text in rejected for f in found), rejected


def test_deadlines_found_phrases_are_ordered_and_disjoint():
    text = normalise(" ".join(row["text"] for row in _rows("deadline_contexts.jsonl"))).text
    found = find_deadlines(text, date(2025, 11, 20))
    assert all(isinstance(f, FoundDeadline) for f in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_deadlines_working_days_skip_the_weekend():
    # Friday 21 November 2025 + 1 working day is Monday 24 November.
    value = parse_deadline("trong vòng 1 ngày làm việc", date(2025, 11, 21))
    assert value.due == date(2025, 11, 24)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Group so that the command keeps its name."""

    register(app)
    return app


def test_deadlines_cli_prints_one_json_line_per_phrase():
    result = CliRunner().invoke(
        _app(), ["deadline", "trước ngày 30/6/2019", "Quý III", "--issued", "2018-07-13"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == [
        {
            "text": "trước ngày 30/6/2019",
            "kind": "date",
            "due": "2019-06-30",
            "start": None,
            "rrule": None,
            "warnings": [],
        },
        {
            "text": "Quý III",
            "kind": "period",
            "due": "2018-09-30",
            "start": "2018-07-01",
            "rrule": None,
            "warnings": [],
        },
    ]


def test_deadlines_cli_rejects_a_bad_issue_date():
    result = CliRunner().invoke(_app(), ["deadline", "quý I", "--issued", "2018-13-01"])
    assert result.exit_code == 2
    # Written right but no date: said so, not called badly written (issue 14).
    assert "2018-13-01 does not exist: there is no month 13" in result.output


def test_deadlines_skipping_normalise_is_safe():
    # parse_deadline skips normalise() when its quick check says the phrase
    # is already normalised; that check must never let a changeable one by.
    import unicodedata

    from pipeline.deadlines import _grammar
    from pipeline.normalise import normalise_string

    check = _grammar().needs_normalising
    phrases = [row["phrase"] for row in _rows("deadline_phrases.jsonl")]
    phrases += ["Uỷ ban", "hoà giải", "Thuỷ lợi", "quý IV", "hoàn thành", "8\u00a0-\u200b2018"]
    phrases += [unicodedata.normalize("NFD", p) for p in phrases]
    for phrase in phrases:
        if not check.search(phrase) and unicodedata.is_normalized("NFC", phrase):
            assert normalise_string(phrase) == phrase, phrase


def test_deadlines_memo_answers_match_cold_readings():
    from pipeline.deadlines import clear_cache

    rows = _rows("deadline_phrases.jsonl")
    clear_cache()
    cold = [parse_deadline(row["phrase"], _day(row["issued"])) for row in rows]
    warm = [parse_deadline(row["phrase"], _day(row["issued"])) for row in rows]
    assert cold == warm


def test_deadlines_quick_paths_agree_with_the_full_scan():
    # parse_deadline reads most phrases through _one_reading and tries at
    # each word only the readings that can open there (_routed); both must
    # give what the whole alternation and the full scan give.
    from pipeline.deadlines import _grammar, _one_reading, _routed, _scan

    gr = _grammar()
    texts = [normalise(row["text"]).text for row in _rows("deadline_contexts.jsonl")]
    for text in texts:
        assert [m.span() for m in _routed(text, gr)] == [
            m.span() for m in gr.readings_at_words.finditer(text)
        ]
    phrases = [(row["phrase"], _day(row["issued"])) for row in _rows("deadline_phrases.jsonl")]
    for text in texts:
        phrases += [(f.text, date(2025, 11, 20)) for f in find_deadlines(text, date(2025, 11, 20))]
    for phrase, issued in phrases:
        view = normalise(phrase).text.strip()
        quick = _one_reading(view, issued, gr)
        if quick is None:
            continue
        atoms = [a for a in _scan(view, issued, phrase_mode=True) if a.name != "yearly_tail"]
        assert len(atoms) == 1, phrase
        assert atoms[0].value == quick, phrase


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A cited document's date is no deadline, with its number's run of
        # characters under the 80 the number pattern looks at (issue 17).
        ("theo Quy định số 105-QĐ/TƯ ngày 19-12-2017 của Bộ Chính trị", []),
        ("thực hiện Nghị định 05/2025/NĐ-CP ngày 12/3/2025", []),
        ("hoàn thành trước ngày 30/6/2025", ["trước ngày 30/6/2025"]),
        # Numbering run on for thousands of characters holds no deadline.
        ("1" + ".1" * 5000, []),
    ],
)
def test_deadlines_cited_numbers_and_long_runs(text: str, found: list[str]) -> None:
    assert [text[d.start : d.end] for d in find_deadlines(text, None)] == found
