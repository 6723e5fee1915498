"""Coverage and speed of the deadline normaliser against dateparser.

Runs the gold table ``tests/data/deadline_phrases.jsonl`` through
:func:`pipeline.deadlines.parse_deadline` and through ``dateparser`` (the
baseline, with the phrase's issue date as RELATIVE_BASE) in one run, then
times :func:`pipeline.deadlines.find_deadlines` on a whole long document.

Scoring rule, chosen to favour the baseline where it is in doubt:
- ours is right only when kind, due, rrule and (where the gold gives one)
  start all equal the gold row;
- dateparser returns a date or nothing, so it is right when the gold has a
  due date and its date equals it, or when the gold has no due date and it
  returns nothing (declining is the right answer for ``thường xuyên``).

Speed rule: ``parse_deadline`` memoises its answers, so every timed pass of
ours starts with an empty memo (``clear_cache``) and each phrase is read
once per pass: the figure is for first (cold) readings, never cache hits.
Both sides are timed on the parsing calls alone, after one warm-up phrase
(loading YAML and dateparser's language data is not counted); each reports
its best of several passes, because the machine is shared.

``find_deadlines`` is timed on the normalised view of a long document
(default: the 135 KB ``24_kh-179`` plan) and on four copies of it end to end,
in ms per 100 KB of UTF-8 text; equal figures mean the scan is linear.

Usage: ``.venv/bin/python benchmarks/bench_deadlines.py [DOCUMENT.txt]``
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from datetime import date, datetime
from pathlib import Path

from pipeline.deadlines import clear_cache, find_deadlines, parse_deadline
from pipeline.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "deadline_phrases.jsonl"
DOCUMENT = (
    ROOT.parent
    / "shared"
    / "real-directives"
    / "24_kh-179-kh-ubnd-dong-nai-kinh-te-so-xa-hoi-so.txt"
)
OURS_PASSES = 30
DATEPARSER_PASSES = 2


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _ours_right(row: dict, value) -> bool:
    return (
        value.kind == row["kind"]
        and value.due == _day(row["due"])
        and value.rrule == row.get("rrule")
        and ("start" not in row or value.start == _day(row["start"]))
    )


def _dateparser(phrase: str, issued: date | None) -> date | None:
    import dateparser

    settings = {}
    if issued:
        settings["RELATIVE_BASE"] = datetime(issued.year, issued.month, issued.day)
    found = dateparser.parse(phrase, languages=["vi"], settings=settings)
    return found.date() if found else None


def _best_pass(func, args: list[tuple[str, date | None]], passes: int, before=None):
    """(phrases per second of the fastest pass, answers of the last pass)."""
    best, answers = float("inf"), []
    for _ in range(passes):
        if before is not None:
            before()
        start = time.perf_counter()
        answers = [func(phrase, issued) for phrase, issued in args]
        best = min(best, time.perf_counter() - start)
    return len(args) / best, answers


def _find_ms_per_100kb(text: str, rounds: int = 3) -> tuple[float, int]:
    view = normalise(text).text
    best, found = float("inf"), []
    for _ in range(rounds):
        start = time.perf_counter()
        found = find_deadlines(view, date(2025, 1, 1))
        best = min(best, time.perf_counter() - start)
    return best * 1000 / (len(text.encode("utf-8")) / 100_000), len(found)


def main() -> None:
    rows = [json.loads(line) for line in TABLE.read_text("utf-8").splitlines() if line.strip()]
    args = [(row["phrase"], _day(row["issued"])) for row in rows]
    warnings.simplefilter("ignore")
    parse_deadline("trước ngày 30/6/2019", date(2018, 7, 13))
    _dateparser(*args[0])

    ours_speed, ours = _best_pass(parse_deadline, args, OURS_PASSES, before=clear_cache)
    dp_speed, answers = _best_pass(_dateparser, args, DATEPARSER_PASSES)
    ours_right = [_ours_right(row, value) for row, value in zip(rows, ours, strict=True)]
    dp_right = [answer == _day(row["due"]) for row, answer in zip(rows, answers, strict=True)]

    print(f"gold table: {len(rows)} phrases ({TABLE.name})")
    print("rule: ours right = kind, due, rrule and start (when given) all match;")
    print("      dateparser right = its date equals the gold due date, or it returns")
    print("      nothing where the gold has no due date")
    print(f"speed: best of {OURS_PASSES} cold passes (memo emptied before each) for ours,")
    print(f"       best of {DATEPARSER_PASSES} passes for dateparser")
    print(f"{'':12}{'coverage':>10}{'phrases/s':>14}{'us/phrase':>11}")
    for name, right, speed in (
        ("vntasks", ours_right, ours_speed),
        ("dateparser", dp_right, dp_speed),
    ):
        print(f"{name:12}{sum(right) / len(rows):>10.1%}{speed:>14,.0f}{1e6 / speed:>11.1f}")
    print(f"speed ratio: {ours_speed / dp_speed:,.0f}x")

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENT
    if not path.exists():
        print(f"find_deadlines: {path} not found, skipped")
        return
    text = path.read_text("utf-8")
    once, found = _find_ms_per_100kb(text)
    four, _ = _find_ms_per_100kb("\n\n".join([text] * 4))
    size = len(text.encode("utf-8")) / 1000
    print(f"find_deadlines on {path.name} ({size:,.0f} KB, {found} phrases found):")
    print(f"  {once:,.1f} ms per 100 KB; on 4 copies end to end: {four:,.1f} ms per 100 KB")


if __name__ == "__main__":
    main()
