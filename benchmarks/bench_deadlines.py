"""Coverage and speed of the deadline normaliser against dateparser.

Runs the gold table ``tests/data/deadline_phrases.jsonl`` through
:func:`pipeline.deadlines.parse_deadline` and through ``dateparser`` (the
baseline, with the phrase's issue date as RELATIVE_BASE) in one run.

Scoring rule, chosen to favour the baseline where it is in doubt:
- ours is right only when kind, due, rrule and (where the gold gives one)
  start all equal the gold row;
- dateparser returns a date or nothing, so it is right when the gold has a
  due date and its date equals it, or when the gold has no due date and it
  returns nothing (declining is the right answer for ``thường xuyên``).

Usage: ``.venv/bin/python benchmarks/bench_deadlines.py``
"""

from __future__ import annotations

import json
import time
import warnings
from datetime import date, datetime
from pathlib import Path

from pipeline.deadlines import parse_deadline

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "deadline_phrases.jsonl"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _ours_right(row: dict, issued: date | None) -> bool:
    value = parse_deadline(row["phrase"], issued)
    return (
        value.kind == row["kind"]
        and value.due == _day(row["due"])
        and value.rrule == row.get("rrule")
        and ("start" not in row or value.start == _day(row["start"]))
    )


def _dateparser_answer(row: dict, issued: date | None) -> date | None:
    import dateparser

    settings = {}
    if issued:
        settings["RELATIVE_BASE"] = datetime(issued.year, issued.month, issued.day)
    found = dateparser.parse(row["phrase"], languages=["vi"], settings=settings)
    return found.date() if found else None


def _timed(func, rows: list[dict], rounds: int) -> tuple[float, list]:
    results = []
    start = time.perf_counter()
    for _ in range(rounds):
        results = [func(row, _day(row["issued"])) for row in rows]
    elapsed = time.perf_counter() - start
    return len(rows) * rounds / elapsed, results


def main() -> None:
    rows = [json.loads(line) for line in TABLE.read_text("utf-8").splitlines() if line.strip()]
    warnings.simplefilter("ignore")
    # Warm both up, so one-off loading (YAML, dateparser's language data) is
    # not counted as speed.
    parse_deadline("trước ngày 30/6/2019", date(2018, 7, 13))
    _dateparser_answer(rows[0], _day(rows[0]["issued"]))

    ours_speed, ours = _timed(_ours_right, rows, rounds=20)
    dp_speed, answers = _timed(_dateparser_answer, rows, rounds=1)
    dp_right = [answer == _day(row["due"]) for row, answer in zip(rows, answers, strict=True)]

    print(f"gold table: {len(rows)} phrases ({TABLE.name})")
    print("rule: ours right = kind, due, rrule and start (when given) all match;")
    print("      dateparser right = its date equals the gold due date, or it returns")
    print("      nothing where the gold has no due date")
    print(f"{'':12}{'coverage':>10}{'phrases/s':>14}")
    print(f"{'vntasks':12}{sum(ours) / len(rows):>10.1%}{ours_speed:>14,.0f}")
    print(f"{'dateparser':12}{sum(dp_right) / len(rows):>10.1%}{dp_speed:>14,.0f}")
    print(f"speed ratio: {ours_speed / dp_speed:,.0f}x")


if __name__ == "__main__":
    main()
