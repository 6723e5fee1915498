"""Deadlines stage: Vietnamese deadline phrases to dates, periods and rules.

Two entry points, both pure:

- :func:`parse_deadline` reads one phrase (``"trước ngày 30/6/2019"``,
  ``"Quý III/2018"``, ``"hằng tháng"``) into a :class:`DeadlineValue`,
  anchored on the document's issue date as ANNOTATION_GUIDE.md requires.
- :func:`find_deadlines` finds the phrases in the normalised view of a
  sentence or document that read as deadlines *in context*, with offsets.

All vocabulary comes from ``resources/deadlines.yaml``; this module only
assembles it into patterns (once, cached) and applies the guide's
conventions. When a phrase cannot be pinned down the answer is
``unresolved`` with a warning, never a guess: a wrong date is worse than none.
"""

from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

from pipeline.model import DeadlineValue
from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml

RESOURCE = "deadlines.yaml"

# Word edges that treat Vietnamese letters as letters (``\b`` would too, but
# spelling it out keeps digits and letters on the same footing).
_B = r"(?<![^\W_])"
_E = r"(?![^\W_])"
_FLAGS = re.IGNORECASE
_WORD = re.compile(r"[^\W_]+")
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")
_YEARLESS = "no year in the phrase and no issue date"

# Kinds whose value carries a date; they outrank undated readings when a
# phrase holds several.
_DATED_KINDS = ("date", "period", "relative")
# In brackets only a month or quarter is read as a deadline ("(tháng
# 02/2025)", 10_nq-1339); bracketed days and ranges are mostly anniversaries
# ("(02/9/1945 - 02/9/2025)", 06_cd-224) or the dates of earlier steps.
_PAREN_OK = ("month", "month_bare", "quarter")
# Patterns that may have an operator in front ("trước", "trong", …).
_WITH_OPERATOR = frozenset(
    {
        "date_words",
        "date_num",
        "date_range",
        "month_range",
        "month",
        "month_bare",
        "quarter",
        "months_of_year",
        "half",
        "year",
        "year_part",
        "year_range",
        "span",
        "holiday",
        "dayonly",
        "weekday",
    }
)
_KIND_RANK = {
    "date": 0,
    "period": 0,
    "relative": 0,
    "recurring": 1,
    "ongoing": 2,
    "event": 3,
    "immediate": 4,
    "unresolved": 5,
}


@dataclass(frozen=True)
class FoundDeadline:
    """A deadline phrase found in a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    value: DeadlineValue


# --------------------------------------------------------------------------
# Grammar: patterns compiled once from the data file.


def _words(items: Any, sep: str = r"\s+") -> str:
    """An alternation of ``items``, longest first, spaces matching any run."""
    escaped = sorted({str(w) for w in items}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", sep) for w in escaped)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class _Grammar:
    data: dict[str, Any]
    names: list[str]
    starters: frozenset[str]
    readings: re.Pattern[str]
    group_map: list[list[tuple[str, str]]]
    exclusions: re.Pattern[str]
    # The same two expressions, tried only where a word starts (and, for
    # readings, only where that word can open one), scanned with finditer.
    readings_at_words: re.Pattern[str]
    exclusions_at_words: re.Pattern[str]
    branch_groups: list[tuple[tuple[str, ...], tuple[str, ...]]]
    cited: re.Pattern[str]
    label: re.Pattern[str]
    cell_start: re.Pattern[str]
    verbs_prefix: re.Pattern[str]
    triggers_before: re.Pattern[str]
    event_opener: re.Pattern[str]
    label_event_opener: re.Pattern[str]
    issue_anchor: re.Pattern[str]
    joiner: re.Pattern[str]
    from_joiner: re.Pattern[str]
    union_joiner: re.Pattern[str]
    range_joiner: re.Pattern[str]
    clause_openers: frozenset[str]
    past: re.Pattern[str]
    op_before: re.Pattern[str]
    span_op_before: re.Pattern[str]
    needs_normalising: re.Pattern[str]
    # Phrase mode (parse_deadline): the readings that can open at a word,
    # keyed by the word in lower case ("#" for a digit), each a small
    # expression with the same branches (and group names) as `readings`.
    routes: dict[str, re.Pattern[str]]
    # Each exclusion's source and a literal any match of it contains (or
    # None), so a phrase only runs the exclusions it can meet.
    exclusion_sources: tuple[str, ...]
    exclusion_cue: tuple[tuple[int, str], ...]
    # The words event openers end with (a phrase without one has no event),
    # and the first words of label heads and completion verbs: cheap checks
    # before the expressions.
    event_cue: re.Pattern[str]
    label_first: set[str]
    verb_first: set[str]
    # An operator at the start of a phrase (either list), the first words of
    # operators, the span operators, and operators holding a word that opens
    # a reading ("ngay").
    op_front: re.Pattern[str]
    op_first: set[str]
    span_ops: set[str]
    op_starter_ops: set[str]
    op_kind: dict[str, str] = field(default_factory=dict)
    lookup: dict[str, dict[str, Any]] = field(default_factory=dict)


def _starters(d: dict[str, Any]) -> frozenset[str]:
    """First words of everything a reading can open with (digits aside)."""
    pools: list[Any] = [
        *d["words"].values(),
        d["half_year"],
        d["holidays"],
        d["weekdays"],
        d["number_words"],
        d["ongoing"]["words"],
        d["immediate"]["words"],
    ]
    pools += [parts for parts in d["parts"].values()]
    rec = d["recurrence"]
    pools += [rec["every"], rec["periodic"], rec["yearly_tails"]]
    return frozenset(str(item).split()[0].lower() for pool in pools for item in pool)


# Where in the data file the first word of each reading comes from ("#": a
# digit). Only the shape of the patterns is here; the words are the file's.
_DIGIT = "#"
_FIRST_WORDS: dict[str, tuple[str, ...]] = {
    "date_words": (_DIGIT, "words.day"),
    "date_range": (_DIGIT, "words.day"),
    "date_num": (_DIGIT, "words.day"),
    "month_range": ("words.month",),
    "month": ("parts.month", "words.month"),
    "month_bare": (_DIGIT,),
    "quarter": ("parts.quarter", "words.quarter"),
    "months_of_year": (_DIGIT, "number_words"),
    "half": ("half_year",),
    "year": ("parts.year", "words.year"),
    "year_part": ("parts.year",),
    "year_range": (_DIGIT, "words.period_range", "words.year"),
    "holiday": ("holidays",),
    "rec": ("recurrence.periodic", "recurrence.every"),
    "rec_n": (_DIGIT, "number_words", "recurrence.periodic"),
    "rec_periodic_n": ("recurrence.periodic",),
    "rec_times": (_DIGIT, "number_words"),
    "rec_bare": ("recurrence.periodic",),
    "yearly_tail": ("recurrence.yearly_tails",),
    "dayonly": (_DIGIT, "words.day"),
    "weekday": (_DIGIT, "words.day", "weekdays"),
    "span": (_DIGIT, "number_words"),
    "ongoing": ("ongoing.words",),
    "immediate": ("immediate.words",),
}


def _routes(
    d: dict[str, Any], names: list[str], branches: list[str], starters: frozenset[str]
) -> dict[str, re.Pattern[str]]:
    """For each word a reading may open with, the readings that can open
    there, in their order in `readings`: tried at a word, the small
    expression picks the same branch as the whole alternation would."""
    members: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        keys: set[str] = set()
        for path in _FIRST_WORDS[name]:
            if path == _DIGIT:
                keys.add(_DIGIT)
                continue
            pool: Any = d
            for part in path.split("."):
                pool = pool[part]
            keys |= {str(item).split()[0].lower() for item in pool}
        for key in keys:
            if key == _DIGIT or key in starters:
                members.setdefault(key, []).append(index)
    compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
    routes = {}
    for key, indices in members.items():
        group = tuple(indices)
        if group not in compiled:
            compiled[group] = re.compile("|".join(branches[i] for i in group), _FLAGS)
        routes[key] = compiled[group]
    return routes


def _required_literals(pattern: str) -> tuple[str, ...]:
    """Runs of plain characters every match of ``pattern`` holds (lower
    case; none if unsure): a phrase lacking one of them cannot match."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        items = list(_parser.parse(pattern, _FLAGS | re.MULTILINE))
        literal = _parser.LITERAL
    except Exception:  # noqa: BLE001 - a private module: no cue, always run
        return ()
    runs, run = [], ""
    for op, arg in [*items, (None, None)]:
        if op is literal:
            run += chr(arg)
            continue
        if run:
            runs.append(run.lower())
        run = ""
    return tuple(dict.fromkeys(runs))


def _reversed_words(items: Any) -> re.Pattern[str]:
    """Matches, at the start of a reversed text, one of ``items`` reversed."""
    words = sorted({str(w)[::-1] for w in items}, key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\s+(?P<op>{alternation}){_E}", _FLAGS)


def _needs_normalising() -> re.Pattern[str]:
    """Text that normalise() could change: old-style tone pairs (from its own
    data file, with its guards: not after "q", only at a syllable's end) or
    any character outside printable ASCII, the Vietnamese letters of the
    Latin blocks and the dashes (which normalise leaves alone).

    Each alternative opens with a plain character class so that the regex
    engine can skip ahead to candidates instead of trying every position.
    """
    tones = load_yaml("tone_placement.yaml")
    variants = {v for old in tones["pairs"] for v in (old, old.upper(), old[0].upper() + old[1:])}
    by_first: dict[str, set[str]] = {}
    for v in variants:
        by_first.setdefault(v[:-1], set()).add(v[-1])
    alternation = "|".join(
        f"{re.escape(head)}[{''.join(sorted(map(re.escape, tails)))}]"
        for head, tails in sorted(by_first.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    )
    not_after = "".join(tones.get("not_after", []))
    # The guard looks back past the pair just matched (pairs are two letters).
    width = {len(v) for v in variants}
    guard = (
        f"(?<![{not_after}{not_after.upper()}]{'.' * width.pop()})"
        if not_after and len(width) == 1
        else ""
    )
    if not_after and not guard:
        raise ValueError("tone pairs of several lengths: the guard needs rewriting")
    return re.compile(
        rf"(?:{alternation}){guard}(?![^\W\d_])"
        r"|[^\x20-\x7e\u00c0-\u024f\u1ea0-\u1ef9\u2010-\u2015\u2212]"
    )


def _trie(items: Any) -> str:
    """An alternation of ``items`` (lower case) as a prefix tree, so a failed
    match costs one comparison per letter instead of one per item; spaces
    match any run of whitespace. Used inside IGNORECASE patterns."""
    tree: dict[str, Any] = {}
    for item in {str(w).lower() for w in items}:
        node = tree
        for char in item:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = []
        optional = "" in node
        for char in sorted(k for k in node if k):
            head = r"\s+" if char == " " else re.escape(char)
            branches.append(head + emit(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if optional:
            return f"(?:{body})?"
        return body

    return emit(tree)


@cache
def _grammar() -> _Grammar:
    d = load_yaml(RESOURCE)
    w = d["words"]
    seps = "".join(re.escape(c) for c in d["date_separators"])
    sep = rf"(?:\s*[{seps}]\s*|{re.escape(d['dot_separator'])})"
    sep_chars = seps + re.escape(d["dot_separator"])
    # "/" joins a month to its year ("tháng 11/2025"), never two months.
    dashes = "".join(re.escape(c) for c in d["date_separators"] if c != "/")
    roman = d["roman_numerals"]
    num_words = d["number_words"]
    rec = d["recurrence"]

    op_kind: dict[str, str] = {}
    for kind, items in d["operators"].items():
        for item in items:
            op_kind[_key(item)] = kind
    # Operators are found by looking back from a core match (see _scan):
    # an optional alternation in front of every pattern would be tried at
    # every position and cost most of the run time.
    op = ""  # kept as a marker of where an operator may stand
    time = (
        rf"(?:(?P<hh>\d{{1,2}})\s*(?:{_words(w['hour'])})"
        rf"(?:\s*(?P<mi>\d{{1,2}})(?:\s*(?:{_words(w['minute'])}))?)?\s*,?\s*)?"
    )
    day_w, month_w, year_w = _words(w["day"]), _words(w["month"]), _words(w["year"])
    quarter_w = _words(w["quarter"])
    rel_years = _words(list(d["relative_years"]) + list(d["unresolved_years"]))
    year_tail = (
        rf"(?:{sep}(?P<y>\d{{4}}|\d{{2}})(?![\d/])"
        rf"|\s*,?\s*(?:{year_w})\s+(?P<y2>\d{{4}}|\d{{2}})(?!\d)"
        rf"|\s+(?P<yrel>{rel_years}){_E})?"
    )
    # No more date after it: a range ("07/4/2025 - 2026") goes on along the
    # line; a full stop ends the sentence ("… trước ngày 07/4/2025.\n\n2. …",
    # 11_kl-127), so "." counts only with no space ("07.4.2025").
    no_more = (
        rf"(?![\d/])(?![^\S\n]*[{seps}][^\S\n]*\d)"
        rf"(?!{re.escape(d['dot_separator'])}\d)"
    )
    parts = d["parts"]
    units_all = {u: k for k, us in d["units"].items() for u in us}
    rec_units = _words(rec["units"])
    count = rf"(?P<n>\d{{1,3}}|{_words(num_words)})"
    weekday = _words(d["weekdays"])
    ongoing_words = _words(d["ongoing"]["words"], sep=r"\s*,?\s*")
    immediate = _words(d["immediate"]["words"])

    # One regular expression with a branch per reading; at a given start the
    # first branch that matches wins, so longer readings come first and a
    # span ("15 giờ") comes after the readings that may start with a time.
    src: list[tuple[str, str]] = [
        (
            "date_words",
            # "ngày" may be left out when a year follows ("từ ngày 15 tháng 9
            # năm 2025 đến 30 tháng 11 năm 2025", 30_bai-viet).
            rf"{_B}{op}{time}(?:(?:{day_w})\s+|(?=\d{{1,2}}\s+(?:{month_w})\s+\d{{1,2}}"
            rf"(?:\s*,?\s*(?:{year_w})\s+|{sep})\d{{4}}))(?P<d>\d{{1,2}})\s+(?:{month_w})\s+"
            rf"(?P<m>\d{{1,2}})(?!\d){year_tail}",
        ),
        (
            "date_range",
            rf"{_B}(?:(?:{day_w})\s+)?(?P<d1>\d{{1,2}}){sep}"
            rf"(?P<m1>\d{{1,2}})(?:{sep}(?P<y1>\d{{4}}))?\s*(?:[{seps}]|{_words(w['range_to'])})"
            rf"\s*(?:(?:{day_w})\s+)?(?P<d>\d{{1,2}}){sep}(?P<m>\d{{1,2}}){sep}(?P<y>\d{{4}})"
            rf"{no_more}",
        ),
        (
            "date_num",
            rf"{_B}{op}{time}(?:(?:{day_w})\s+)?(?P<d>\d{{1,2}}){sep}(?P<m>\d{{1,2}})"
            rf"(?:{sep}(?P<y>\d{{4}}|\d{{2}}))?{no_more}",
        ),
        (
            # "Tháng 11 - 12/2025" (qd_1627-qd-ubnd), "trong tháng 9-10/2025":
            # two months joined by a dash are the period from the first to
            # the end of the second; read as a day and month, "11 - 12/2025"
            # would be 11 December.
            "month_range",
            rf"{_B}{op}(?:{month_w})\s+(?P<m1>\d{{1,2}})\s*[{dashes}]\s*(?:(?:{month_w})\s+)?"
            rf"(?P<m>\d{{1,2}})(?!\d)(?!\s*[{sep_chars}]\s*\d{{1,2}}\s*[{sep_chars}]){year_tail}",
        ),
        (
            "month",
            rf"{_B}{op}(?:(?P<part>{_words(parts['month'])})\s+)?(?:{month_w})\s+"
            rf"(?P<m>\d{{1,2}})(?!\d)(?!\s*[{sep_chars}]\s*\d{{1,2}}\s*[{sep_chars}]){year_tail}",
        ),
        (
            "month_bare",
            rf"(?<![\w/.\-]){op}(?P<m>\d{{1,2}}){sep}(?P<y>\d{{4}}){no_more}",
        ),
        (
            "quarter",
            rf"{_B}{op}(?:(?P<part>{_words(parts['quarter'])})\s+)?(?:{quarter_w})\s+"
            rf"(?P<q>{_words(roman)}|[1-4]){_E}{year_tail}",
        ),
        (
            "months_of_year",
            rf"{_B}{op}{count}\s+(?:{month_w})\s+(?P<side>"
            rf"{_words(d['months_of_year']['first'] + d['months_of_year']['last'])})\s+"
            rf"(?:{year_w})(?:\s+(?P<y>\d{{4}}))?(?!\s*\d)",
        ),
        (
            "half",
            rf"{_B}{op}(?P<half>{_words(d['half_year'])})(?:\s+(?P<y>\d{{4}}))?(?!\s*\d)",
        ),
        (
            "year",
            rf"{_B}{op}(?:(?P<part>{_words(parts['year'])})\s+)?(?:{year_w})\s+"
            rf"(?P<y>\d{{4}})(?![\d/])(?![^\S\n]*[{seps}][^\S\n]*\d)",
        ),
        (
            "year_part",
            rf"{_B}{op}(?P<part>{_words(parts['year'])})\s+(?:{year_w})"
            rf"(?:\s+(?P<yrel>{rel_years}))?{_E}(?!\s*\d)",
        ),
        (
            "year_range",
            rf"{_B}{op}(?:(?:{_words(w['period_range'])}|{year_w})\s+)?(?P<y1>\d{{4}})\s*"
            rf"(?:[{seps}]|{_words(w['range_to'])})\s*(?:(?:{year_w})\s+)?(?P<y>\d{{4}})(?!\d)",
        ),
        (
            "holiday",
            rf"{_B}{op}(?P<h>{_words(d['holidays'])}){_E}(?:\s+(?:(?:{year_w})\s+)?"
            rf"(?P<y>\d{{4}}))?",
        ),
        (
            "rec",
            rf"{_B}(?:(?P<periodic>{_words(rec['periodic'])})\s+)?"
            rf"(?:{_words(rec['every'])})\s+(?P<unit>{rec_units}){_E}",
        ),
        (
            "rec_n",
            rf"{_B}(?:(?P<periodic>{_words(rec['periodic'])})\s+)?{count}\s+"
            rf"(?P<unit>{rec_units})\s*(?:/\s*)?(?:{_words(rec['times'])}){_E}",
        ),
        (
            # "01 lần/ngày", "02 lần/năm", "2 lần trong năm" (qd_161-2025-qd-ubnd:
            # "sao lưu định kỳ (01 lần/ngày)"): so many times per unit.
            "rec_times",
            rf"{_B}{count}\s+(?:{_words(rec['times_word'])})\s*(?:/|(?:{_words(rec['per'])}){_E})\s*"
            rf"(?P<unit>{rec_units}){_E}",
        ),
        (
            "rec_periodic_n",
            rf"{_B}(?P<periodic>{_words(rec['periodic'])})\s+{count}\s+"
            rf"(?P<unit>{rec_units}){_E}(?!\s+(?:{_words(d['months_of_year']['first'])}|"
            rf"{_words(d['months_of_year']['last'])}))",
        ),
        (
            "rec_bare",
            rf"{_B}(?P<periodic>{_words(rec['periodic'])}){_E}"
            rf"(?!\s+(?:{_words(rec['every'])}|\d))",
        ),
        ("yearly_tail", rf"{_B}(?P<tail>{_words(rec['yearly_tails'])}){_E}"),
        (
            "dayonly",
            rf"{_B}{op}{time}(?:{day_w})\s+(?P<d>\d{{1,2}})(?!\d)"
            rf"(?!\s*(?:[{sep_chars}]\s*\d|(?:{month_w}){_E}))",
        ),
        (
            "weekday",
            rf"{_B}{op}{time}(?:(?:{day_w})\s+)?(?P<wd>{weekday}){_E}",
        ),
        (
            "span",
            rf"{_B}{count}\s+"
            rf"(?P<unit>{_words(units_all)}){_E}"
            rf"(?:\s*,?\s*(?P<aop>{_words(d['span_anchor_openers'])})\s+"
            rf"(?P<anchor>[^,;.\n|()]{{1,80}}))?",
        ),
        ("ongoing", rf"{_B}(?P<w>{ongoing_words}){_E}"),
        ("immediate", rf"{_B}(?P<w>{immediate}){_E}"),
    ]
    names = [name for name, _ in src]
    branches = []
    group_map: list[list[tuple[str, str]]] = []
    for index, (_, pattern) in enumerate(src):
        groups = re.findall(r"\(\?P<(\w+)>", pattern)
        group_map.append([(f"b{index}_{g}", g) for g in dict.fromkeys(groups)])
        renamed = re.sub(r"\(\?P<(\w+)>", rf"(?P<b{index}_\1>", pattern)
        branches.append(f"(?P<b{index}>{renamed})")
    readings = re.compile("|".join(branches), _FLAGS)
    starters = _starters(d)
    # A word start (what _WORD.finditer would yield) whose word is a digit
    # run's first digit or one of the starters as a whole word.
    word_start = r"(?<![^\W_])(?=[^\W_])"
    starter_guard = rf"(?<![^\W_])(?=\d|{_trie(starters)}(?![^\W_]))"
    readings_at_words = re.compile(f"{starter_guard}(?:{'|'.join(branches)})", _FLAGS)
    routes = _routes(d, names, branches, starters)
    branch_groups = [
        (tuple(full for full, _ in pairs), tuple(short for _, short in pairs))
        for pairs in group_map
    ]

    cited_types = _words(d["cited_documents"]["types"])
    number = d["cited_documents"]["number_pattern"]
    dateish = (
        rf"\d{{1,2}}(?:{sep}\d{{1,2}}(?:{sep}\d{{2,4}})?|\s+(?:{month_w})\s+\d{{1,2}}"
        rf"(?:\s*,?\s*(?:{year_w})\s+\d{{2,4}})?)"
    )
    not_deadlines = list(d["not_deadlines"]["patterns"])
    not_deadlines.append(
        rf"(?:(?:{_words(d['cited_documents']['number_word'])})\s*)?{number}\s*,?\s+"
        rf"(?:{day_w})\s+{dateish}"
    )
    exclusions = re.compile("|".join(f"(?:{p})" for p in not_deadlines), _FLAGS | re.MULTILINE)
    exclusions_at_words = re.compile(
        f"{word_start}(?:{'|'.join(f'(?:{p})' for p in not_deadlines)})", _FLAGS | re.MULTILINE
    )
    exclusion_cues = tuple(_required_literals(p) for p in not_deadlines)
    cited = re.compile(
        rf"(?:(?:{_words(d['cited_documents']['number_word'])})\s*\S+|{number}|"
        rf"{_B}(?:{cited_types}))\s*,?\s*$",
        _FLAGS,
    )
    lab = d["labels"]
    label = re.compile(
        rf"{_B}(?:{_words(lab['heads'])})(?:\s+(?:{_words(lab['tails'])}))?\s*:\s*", _FLAGS
    )
    verbs = _words(d["completion_verbs"])
    ev = d["event"]
    this = _words(d["demonstratives"])
    issue_anchor = re.compile(
        rf"(?:{_words(d['issue_date_anchors'])})(?:\s+(?:{cited_types})\s+(?:{this}))?{_E}",
        _FLAGS,
    )
    lookup = {
        "op_kind": op_kind,
        "units": {_key(u): k for u, k in units_all.items()},
        "rec_units": {_key(u): v for u, v in rec["units"].items()},
        "roman": {k.lower(): v for k, v in roman.items()},
        "num_words": {_key(k): v for k, v in num_words.items()},
        "weekdays": {_key(k): v for k, v in d["weekdays"].items()},
        "holidays": {_key(k): v for k, v in d["holidays"].items()},
        "half": {_key(k): v for k, v in d["half_year"].items()},
        "first": {_key(x) for x in d["months_of_year"]["first"]},
        "relative_years": {_key(k): v for k, v in d["relative_years"].items()},
        "unresolved_years": {_key(x) for x in d["unresolved_years"]},
        "parts": {k: {_key(p): v for p, v in ps.items()} for k, ps in parts.items()},
        "ongoing_alone": {_key(x) for x in rec["ongoing_units_alone"]},
        "rec_not_after": [_key(x) for x in rec["not_after"]],
        "rec_not_before": [_key(x) for x in rec["not_before"]],
        "ongoing_in_text": {_key(x) for x in d["ongoing"]["in_text"]},
        "ongoing_not_after": [_key(x) for x in d["ongoing"]["not_after"]],
        "ongoing_not_before": [_key(x) for x in d["ongoing"]["not_before"]],
        "imm_not_after": [_key(x) for x in d["immediate"]["not_after"]],
        "imm_not_before": [_key(x) for x in d["immediate"]["not_before"]],
        "span_not_before": [_key(x) for x in d["span_not_before"]],
        "event_strong": {_key(x) for x in ev["strong_openers"]},
        "event_cues": {_key(x) for x in ev["cues"]},
        "event_not_after": [_key(x) for x in ev["not_after"]],
        "lookback": rec["lookback_words"],
        "open_ended_tails": {_key(x) for x in rec["open_ended_tails"]},
        "max_event": ev["max_chars"],
    }
    joiners = _words(rec["joiners"])
    return _Grammar(
        data=d,
        names=names,
        starters=starters,
        readings=readings,
        group_map=group_map,
        exclusions=exclusions,
        readings_at_words=readings_at_words,
        exclusions_at_words=exclusions_at_words,
        routes=routes,
        exclusion_sources=tuple(not_deadlines),
        exclusion_cue=tuple(
            (i, max(cues, key=len, default="")) for i, cues in enumerate(exclusion_cues)
        ),
        event_cue=re.compile(
            _words({_key(o).split()[-1] for o in list(ev["openers"]) + list(ev["label_openers"])})
        ),
        label_first={_key(h).split()[0] for h in lab["heads"]},
        verb_first={_key(v).split()[0] for v in d["completion_verbs"]},
        op_front=re.compile(
            rf"(?P<op>{_words(list(op_kind) + list(d['span_operators']))})\s+", _FLAGS
        ),
        op_first={k.split()[0] for k in [*op_kind, *map(_key, d["span_operators"])]},
        span_ops={_key(o) for o in d["span_operators"]},
        op_starter_ops={
            k
            for k in [*op_kind, *map(_key, d["span_operators"])]
            if any(w in starters for w in k.split())
        },
        branch_groups=branch_groups,
        cited=cited,
        label=label,
        cell_start=re.compile(r"(?:(?P<open>[|(])|^)[^\S\n]*", re.MULTILINE),
        verbs_prefix=re.compile(rf"(?:(?:{verbs}){_E}\s*)*", _FLAGS),
        triggers_before=re.compile(rf"{_B}(?:{_words(d['completion_triggers'])})\s+$", _FLAGS),
        event_opener=re.compile(rf"{_B}(?P<w>{_words(ev['openers'])}){_E}", _FLAGS),
        label_event_opener=re.compile(
            rf"(?P<w>{_words(list(ev['openers']) + list(ev['label_openers']))}){_E}", _FLAGS
        ),
        issue_anchor=issue_anchor,
        joiner=re.compile(rf"^\s*(?:(?:{joiners})\s*)*$", _FLAGS),
        from_joiner=re.compile(
            rf"^\s*,?\s*(?:(?:{_words(d['from_link_words'])})\s+)?"
            rf"(?:(?:{verbs}|{_words(d['from_link_verbs'])}){_E}\s*)*$",
            _FLAGS,
        ),
        range_joiner=re.compile(rf"^\s*(?:{_words(d['words']['range_to'])})\s+$", _FLAGS),
        union_joiner=re.compile(rf"^\s*(?:{_words(d['period_union_joiners'])})\s+$", _FLAGS),
        clause_openers=frozenset(["", *d["clause_opening_words"]]),
        past=re.compile(rf"{_B}(?:{_words(d['not_deadlines']['past_markers'])}){_E}", _FLAGS),
        op_before=_reversed_words(op_kind),
        span_op_before=_reversed_words(d["span_operators"]),
        needs_normalising=_needs_normalising(),
        op_kind=op_kind,
        lookup=lookup,
    )


# --------------------------------------------------------------------------
# Calendar arithmetic.


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _add_working_days(day: date, count: int) -> date:
    # Monday to Friday, holidays ignored (guide, conventions); day 1 is the
    # first working day after the anchor.
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Readings: what a matched pattern means before context is judged.


@dataclass
class _Atom:
    start: int
    end: int
    core: int
    name: str
    op: str | None
    value: DeadlineValue
    groups: dict[str, str | None]
    anchor: dict[str, Any] | None = None  # what a recurrence may take from it
    merged: bool = False


class _Unresolved(Exception):
    """Raised inside a reading to give up with a warning."""


def _number(text: str, lookup: dict[str, Any]) -> int:
    key = _key(text)
    if key.isdigit():
        return int(key)
    return lookup["num_words"][key]


def _year(
    groups: dict[str, str | None],
    issued: date | None,
    end_of: Callable[[int], date],
    lookup: dict[str, Any],
) -> tuple[int, bool]:
    """The year of a period, and whether the text stated it."""
    text = groups.get("y") or groups.get("y2")
    if text:
        if len(text) == 4:
            return int(text), True
        if issued is None:
            raise _Unresolved("two-digit year and no issue date")
        # The century that puts the year nearest the issue date: directives
        # re-list overdue work, so the year may fall before the issue date.
        base = issued.year // 100 * 100 + int(text)
        return min((base - 100, base, base + 100), key=lambda y: abs(y - issued.year)), True
    rel = groups.get("yrel")
    if rel:
        key = _key(rel)
        if key in lookup["unresolved_years"]:
            raise _Unresolved(f"year given relative to an unstated year: {rel!r}")
        if issued is None:
            raise _Unresolved("year relative to the issue date and no issue date")
        return issued.year + lookup["relative_years"][key], False
    if issued is None:
        raise _Unresolved(_YEARLESS)
    # guide: the next such date on or after the issue date.
    year = issued.year
    if end_of(year) < issued:
        year += 1
    return year, False


def _part_due(kind: str, part: str, year: int, index: int, lookup: dict[str, Any]) -> date:
    rule = lookup["parts"][kind][_key(part)]
    if kind == "month":
        day = rule["day"]
        return _last_day(year, index) if day == "last" else date(year, index, day)
    if kind == "quarter":
        return _last_day(year, (index - 1) * 3 + rule["month_of_quarter"])
    return date(year, rule["month"], rule["day"])


def _read(
    name: str, g: dict[str, str | None], issued: date | None, gr: _Grammar
) -> tuple[DeadlineValue, dict[str, Any] | None]:
    """Core reading of one match: (value, anchor for a recurrence)."""
    lk = gr.lookup
    if name in ("date_words", "date_num"):
        day, month = int(g["d"] or 0), int(g["m"] or 0)
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            raise _Unresolved(f"no such day: {day}/{month}")

        def end_of(y: int) -> date:
            return _valid_date(y, month, day) or _last_day(y, month)

        year, stated = _year(g, issued, end_of, lk)
        due = _valid_date(year, month, day)
        if due is None:
            raise _Unresolved(f"no such day: {day}/{month}/{year}")
        anchor = {"day": day, "month": month, "stated": stated, "hour": g.get("hh")}
        return DeadlineValue("date", due=due), anchor
    if name == "date_range":
        first = _valid_date(int(g["y1"] or g["y"] or 0), int(g["m1"] or 0), int(g["d1"] or 0))
        last = _valid_date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
        if first is None or last is None or first > last:
            raise _Unresolved("not a valid range of days")
        return DeadlineValue("period", due=last, start=first), None
    if name == "month_range":
        first, last = int(g["m1"] or 0), int(g["m"] or 0)
        if not 1 <= first < last <= 12:
            raise _Unresolved(f"not a range of months: {first} to {last}")
        year, _ = _year(g, issued, lambda y: _last_day(y, last), lk)
        return DeadlineValue("period", due=_last_day(year, last), start=date(year, first, 1)), None
    if name in ("month", "month_bare"):
        month = int(g["m"] or 0)
        if not 1 <= month <= 12:
            raise _Unresolved(f"no such month: {month}")
        part = g.get("part")

        def end_of(y: int) -> date:
            return _part_due("month", part, y, month, lk) if part else _last_day(y, month)

        year, _ = _year(g, issued, end_of, lk)
        if part:
            return DeadlineValue("period", due=end_of(year)), None
        return DeadlineValue("period", due=_last_day(year, month), start=date(year, month, 1)), None
    if name == "quarter":
        q = lk["roman"].get(g["q"].lower()) if not g["q"].isdigit() else int(g["q"])
        part = g.get("part")

        def end_of(y: int) -> date:
            if part:
                return _part_due("quarter", part, y, q, lk)
            return _last_day(y, q * 3)

        year, _ = _year(g, issued, end_of, lk)
        if part:
            return DeadlineValue("period", due=end_of(year)), None
        return DeadlineValue(
            "period", due=_last_day(year, q * 3), start=date(year, q * 3 - 2, 1)
        ), None
    if name in ("months_of_year", "half"):
        if name == "half":
            first = lk["half"][_key(g["half"])] == "first"
            n = 6
        else:
            first = _key(g["side"]) in lk["first"]
            n = _number(g["n"], lk)
        if not 1 <= n <= 12:
            raise _Unresolved(f"no year has {n} months")
        year, _ = _year(g, issued, lambda y: date(y, 12, 31) if not first else _last_day(y, n), lk)
        if first:
            return DeadlineValue("period", due=_last_day(year, n), start=date(year, 1, 1)), None
        return DeadlineValue("period", due=date(year, 12, 31), start=date(year, 13 - n, 1)), None
    if name in ("year", "year_part"):
        part = g.get("part")

        def end_of(y: int) -> date:
            return _part_due("year", part, y, 0, lk) if part else date(y, 12, 31)

        year, _ = _year(g, issued, end_of, lk)
        if part:
            return DeadlineValue("period", due=end_of(year)), None
        return DeadlineValue("period", due=date(year, 12, 31), start=date(year, 1, 1)), None
    if name == "year_range":
        first, last = int(g["y1"] or 0), int(g["y"] or 0)
        if first > last:
            raise _Unresolved("years out of order")
        return DeadlineValue("period", due=date(last, 12, 31), start=date(first, 1, 1)), None
    if name == "holiday":
        rule = lk["holidays"][_key(g["h"])]
        if rule == "lunar":
            return DeadlineValue(
                "event", warnings=(f"{g['h']!r} follows the lunar calendar; no date given",)
            ), None
        month, day = (int(x) for x in rule.split("-"))
        year, _ = _year(g, issued, lambda y: date(y, month, day), lk)
        return DeadlineValue("date", due=date(year, month, day)), None
    if name == "span":
        n = _number(g["n"], lk)
        unit = lk["units"][_key(g["unit"])]
        anchor = g.get("anchor")
        if anchor and not gr.issue_anchor.match(anchor.strip()):
            return DeadlineValue(
                "event", warnings=(f"{n} {g['unit']} counted from an event, not the issue date",)
            ), None
        if issued is None:
            raise _Unresolved("a span needs the issue date")
        warnings: tuple[str, ...] = ()
        if unit == "day":
            due = issued + timedelta(days=n)
        elif unit == "working_day":
            due = _add_working_days(issued, n)
        elif unit == "week":
            due = issued + timedelta(weeks=n)
        elif unit == "month":
            due = _add_months(issued, n)
        elif unit == "quarter":
            due = _add_months(issued, 3 * n)
        elif unit == "year":
            due = _add_months(issued, 12 * n)
        else:
            due = issued + timedelta(days=n // 24)
            warnings = ("a span in hours, read as a day",)
        if not anchor:
            warnings += ("no anchor given; counted from the issue date",)
        return DeadlineValue("relative", due=due, start=issued, warnings=warnings), None
    if name in ("rec", "rec_n", "rec_periodic_n"):
        unit = _key(g["unit"])
        rule = lk["rec_units"][unit]
        n = _number(g["n"], lk) if g.get("n") else 1
        if name == "rec" and not g.get("periodic") and unit in lk["ongoing_alone"]:
            return DeadlineValue("ongoing"), {"freq": rule["freq"], "interval": 1}
        interval = rule["interval"] * n
        return DeadlineValue("recurring", rrule=_rrule(rule["freq"], interval)), {
            "freq": rule["freq"],
            "interval": interval,
        }
    if name == "rec_times":
        unit = _key(g["unit"])
        times = _number(g["n"], lk)
        freq, interval = _per_unit(lk["rec_units"][unit], times)
        if freq is None:
            return DeadlineValue("recurring", warnings=(f"{times} times per {unit}",)), None
        return DeadlineValue("recurring", rrule=_rrule(freq, interval)), {
            "freq": freq,
            "interval": interval,
        }
    if name == "rec_bare":
        return DeadlineValue("recurring", warnings=("periodic, but no frequency given",)), None
    if name == "yearly_tail":
        return DeadlineValue("recurring", rrule=_rrule("YEARLY", 1)), {
            "freq": "YEARLY",
            "interval": 1,
        }
    if name == "dayonly":
        day = int(g["d"] or 0)
        if not 1 <= day <= 31:
            raise _Unresolved(f"no such day of the month: {day}")
        return DeadlineValue("unresolved", warnings=("a day of the month with no month",)), {
            "day": day,
            "hour": g.get("hh"),
        }
    if name == "weekday":
        return DeadlineValue("unresolved", warnings=("a day of the week with no week",)), {
            "byday": lk["weekdays"][_key(g["wd"])],
            "hour": g.get("hh"),
        }
    if name == "ongoing":
        return DeadlineValue("ongoing"), None
    if name == "immediate":
        return DeadlineValue("immediate"), None
    raise AssertionError(name)


# The length of a unit in a finer one, to turn "N times per unit" into a
# rule: a year or a quarter in months, a day in hours, a week in days.
_FINER = {"YEARLY": ("MONTHLY", 12), "MONTHLY": ("MONTHLY", 1), "WEEKLY": ("DAILY", 7),
          "DAILY": ("HOURLY", 24)}


def _per_unit(rule: dict[str, Any], times: int) -> tuple[str | None, int]:
    """ "2 lần/năm" → every 6 months; "01 lần/ngày" → daily; a count that
    does not divide the unit gives no rule."""
    if times <= 1:
        return rule["freq"], rule["interval"]
    finer, size = _FINER[rule["freq"]]
    size *= rule["interval"]
    if size % times:
        return None, 0
    return finer, size // times


def _rrule(freq: str, interval: int, **by: Any) -> str:
    parts = [f"FREQ={freq}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    parts += [f"{k}={v}" for k, v in by.items() if v is not None]
    return ";".join(parts)


def _apply_operator(
    op: str | None, value: DeadlineValue, issued: date | None, gr: _Grammar
) -> DeadlineValue:
    if op is None or value.kind not in _DATED_KINDS or value.kind == "relative":
        return value
    kind = gr.op_kind.get(_key(op))
    if kind == "before":
        if value.kind == "period" and value.start is not None:
            # guide: "trước tháng M/YYYY" is due on the last day of the month
            # before M; the same reading for quarters and years.
            return DeadlineValue("period", due=value.start - timedelta(days=1))
        return DeadlineValue(value.kind, due=value.due, warnings=value.warnings)
    if kind == "until":
        return DeadlineValue("period", due=value.due, start=issued, warnings=value.warnings)
    if kind == "after" and value.due is not None:
        # "thực hiện mở rộng sau năm 2028" (03_qd-2530): open-ended work
        # that starts once the period is over.
        return DeadlineValue("ongoing", start=value.due + timedelta(days=1))
    if kind == "from":
        return DeadlineValue("ongoing", start=value.start or value.due, warnings=value.warnings)
    return value


# --------------------------------------------------------------------------
# Scanning.


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hits(spans: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    """Whether (start, end) overlaps one of ``spans`` (sorted and disjoint,
    ``ends`` their ends): a bisection, so a long document stays linear."""
    i = bisect.bisect_right(ends, start)
    return i < len(spans) and spans[i][0] < end


def _scan(text: str, issued: date | None, phrase_mode: bool) -> list[_Atom]:
    gr = _grammar()
    # Every reading and every exclusion starts at a word, so the expressions
    # carry a guard that fails fast anywhere else (and, for readings, at a
    # word that cannot open one): one pass in C over the text, no Python loop
    # over its words.
    if phrase_mode:
        low = text.lower()
        active = tuple([i for i, cue in gr.exclusion_cue if cue in low])
        rx_excl = _exclusions_for(active) if active else None
        matches: Any = _routed(text, gr)
    else:
        low = ""
        rx_excl = gr.exclusions_at_words
        matches = gr.readings_at_words.finditer(text)
    excluded = [m.span() for m in rx_excl.finditer(text) if m.end() > m.start()] if rx_excl else []
    excluded_ends = [e for _, e in excluded]
    atoms: list[_Atom] = []
    for m in matches:
        if excluded and _hits(excluded, excluded_ends, m.start(), m.end()):
            continue
        priority = int(m.lastgroup[1:])  # type: ignore[index]
        name = gr.names[priority]
        full, short = gr.branch_groups[priority]
        values = m.group(*full) if len(full) > 1 else (m.group(full[0]),) if full else ()
        groups: dict[str, str | None] = dict(zip(short, values, strict=True))
        core = start = m.start()
        if name in _WITH_OPERATOR:
            rx_op = gr.span_op_before if name == "span" else gr.op_before
            hit = rx_op.match(text[max(0, core - 40) : core][::-1])
            if hit:
                groups["op"] = hit.group("op")[::-1]
                start = core - hit.end()
            elif name == "span":
                continue
        try:
            value, anchor = _read(name, groups, issued, gr)
        except _Unresolved as problem:
            value, anchor = DeadlineValue("unresolved", warnings=(str(problem),)), None
        op = groups.get("op")
        if op is not None and name != "date_range":
            # In "từ 16/4/2025 - 31/10/2025" the "từ" opens the range.
            value = _apply_operator(op, value, issued, gr)
        end = m.end()
        if name == "span" and groups.get("anchor"):
            # A span's anchor runs to the end of the clause; keep only the
            # issue-date words when that is what it names.
            a_start = m.start(f"b{priority}_anchor")
            hit = gr.issue_anchor.match(text, a_start)
            if hit:
                end = hit.end()
        groups["_priority"] = str(priority)
        atoms.append(_Atom(start, end, core, name, op, value, groups, anchor))
    if not phrase_mode or gr.event_cue.search(low) is not None:
        atoms += _events(text, excluded, phrase_mode, gr)
    if len(atoms) < 2:
        return atoms
    return _merge(_choose(atoms), text, issued, gr)


def _routed(text: str, gr: _Grammar) -> list[re.Match[str]]:
    """What ``gr.readings_at_words.finditer(text)`` yields, found by trying
    at each word only the readings that can open with it (cheaper on a
    short phrase than the whole alternation)."""
    out = []
    pos = 0
    routes = gr.routes
    for w in _WORD.finditer(text):
        start = w.start()
        if start < pos:
            continue
        word = w.group()
        rx = routes.get(_DIGIT if word[0].isdecimal() else word.lower())
        if rx is None:
            continue
        m = rx.match(text, start)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


@lru_cache(maxsize=256)
def _exclusions_for(active: tuple[int, ...]) -> re.Pattern[str]:
    """The exclusions numbered ``active``, as one expression in their order
    (the others cannot match the phrase, so it finds what the whole would)."""
    sources = _grammar().exclusion_sources
    word_start = r"(?<![^\W_])(?=[^\W_])"
    body = "|".join(f"(?:{sources[i]})" for i in active)
    return re.compile(f"{word_start}(?:{body})", _FLAGS | re.MULTILINE)


def _events(
    text: str, excluded: list[tuple[int, int]], phrase_mode: bool, gr: _Grammar
) -> list[_Atom]:
    out = []
    if phrase_mode:
        starts = {len(text) - len(text.lstrip())}
    else:
        starts = _label_starts(text, gr)
    for s in starts:
        m = gr.label_event_opener.match(text, s)
        if m:
            end = _clause_end(text, m.end(), ".;\n|", gr.lookup["max_event"] * 2)
            out.append(_event_atom(text, m.start(), end, m.group("w")))
    for m in gr.event_opener.finditer(text):
        if m.start() in starts:
            continue
        end = _clause_end(text, m.end(), ",;.\n|()", gr.lookup["max_event"])
        out.append(_event_atom(text, m.start(), end, m.group("w")))
    if not (out and excluded):
        return out
    ends = [e for _, e in excluded]
    return [a for a in out if not _hits(excluded, ends, a.start, a.end)]


def _event_atom(text: str, start: int, end: int, opener: str) -> _Atom:
    value = DeadlineValue("event")
    return _Atom(start, end, start, "event", None, value, {"opener": opener, "_priority": "99"})


def _clause_end(text: str, start: int, stops: str, limit: int) -> int:
    end = start
    stop_at = min(len(text), start + limit)
    while end < stop_at and text[end] not in stops:
        end += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _choose(atoms: list[_Atom]) -> list[_Atom]:
    """Longest readings first; a reading overlapping a chosen one is dropped."""
    if len(atoms) < 2:
        return atoms
    atoms.sort(key=lambda a: (a.start - a.end, a.start, int(a.groups.get("_priority") or 0)))
    chosen: list[_Atom] = []
    # The chosen spans stay disjoint, so one bisection finds the only one a
    # new reading could overlap first (linear in practice, not quadratic).
    starts: list[int] = []
    ends: list[int] = []
    for atom in atoms:
        i = bisect.bisect_right(ends, atom.start)
        if i < len(starts) and starts[i] < atom.end:
            continue
        chosen.append(atom)
        starts.insert(i, atom.start)
        ends.insert(i, atom.end)
    chosen.sort(key=lambda a: a.start)
    return chosen


def _first_occurrence(freq: str, anchor: dict[str, Any], issued: date | None) -> date | None:
    if issued is None:
        return None
    if freq == "MONTHLY" and "day" in anchor and "month" not in anchor:
        for months in range(0, 14):
            first = _add_months(issued.replace(day=1), months)
            day = _valid_date(first.year, first.month, anchor["day"])
            if day and day >= issued:
                return day
        return None
    if freq == "WEEKLY" and "byday" in anchor:
        codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        return issued + timedelta(days=(codes.index(anchor["byday"]) - issued.weekday()) % 7)
    if freq == "YEARLY" and "month" in anchor:
        for year in (issued.year, issued.year + 1, issued.year + 4):
            day = _valid_date(year, anchor["month"], anchor["day"])
            if day and day >= issued:
                return day
    return None


def _combine(
    first: _Atom, second: _Atom, text: str, issued: date | None, gr: _Grammar
) -> _Atom | None:
    """Two neighbouring readings that make one phrase, or None."""
    gap = text[first.end : second.start]
    pair = (first, second)
    rec = next(
        (
            a
            for a in pair
            if a.name in ("rec", "rec_n", "rec_periodic_n", "rec_times", "yearly_tail")
        ),
        None,
    )
    # "định kỳ (vào ngày 22 hàng tháng)": the bare "định kỳ" joins a rule.
    if first.name == "rec_bare" and second.value.kind == "recurring" and gr.joiner.match(gap):
        return _span_of(first, second, second.value, second.name, text)
    # "Triển khai từ năm 2026 và thực hiện thường xuyên, liên tục".
    if (
        first.value.kind == "ongoing"
        and first.value.start is not None
        and second.name == "ongoing"
        and gr.from_joiner.match(gap)
    ):
        return _span_of(first, second, first.value, "ongoing", text)
    union = _union(first, second, gap, gr)
    if union is not None:
        return _span_of(first, second, union, "period", text)
    # "Từ ngày 15 tháng 9 năm 2025 đến 30 tháng 11 năm 2025" (30_bai-viet).
    if (
        first.op is not None
        and gr.op_kind.get(_key(first.op)) == "from"
        and first.value.start is not None
        and second.op is None
        and second.value.kind in ("date", "period")
        and second.value.due is not None
        and second.value.due >= first.value.start
        and gr.range_joiner.match(gap)
    ):
        value = DeadlineValue("period", due=second.value.due, start=first.value.start)
        return _span_of(first, second, value, "date_range", text)
    # Without the issue date "từ ngày 15/11 đến ngày 15/12" has no year to
    # read; it is still one phrase, resolved once the date is known.
    if (
        issued is None
        and first.op is not None
        and gr.op_kind.get(_key(first.op)) == "from"
        and second.op is None
        and _YEARLESS in first.value.warnings + second.value.warnings
        and {first.name, second.name} <= {"date_num", "date_words", "month", "month_bare"}
        and gr.range_joiner.match(gap)
    ):
        value = DeadlineValue("unresolved", warnings=(_YEARLESS,))
        return _span_of(first, second, value, "date_range", text)
    if rec is None or not gr.joiner.match(gap) or "\n" in gap:
        return None
    other = second if rec is first else first
    rule = rec.anchor or {}
    freq, interval = rule.get("freq"), rule.get("interval", 1)
    if freq is None:
        return None
    anchor = other.anchor or {}
    hour = anchor.get("hour")
    if rec.name == "yearly_tail":
        if rec is first or other.value.kind not in ("period", "date") or other.value.due is None:
            return None
        open_ended = _key(rec.groups.get("tail") or "") in gr.lookup["open_ended_tails"]
        if open_ended or (
            other.value.start is not None and other.value.start.year != other.value.due.year
        ):
            # "Năm 2025 và các năm tiếp theo" (18_kh-7360), "Giai đoạn
            # 2026-2030 và những năm tiếp theo" (01_kh-141): work that starts
            # then and goes on.
            value = DeadlineValue("ongoing", start=other.value.start or other.value.due)
        else:
            value = DeadlineValue(
                "recurring",
                due=other.value.due,
                start=other.value.start,
                rrule=_rrule("YEARLY", 1),
            )
        return _span_of(first, second, value, "recurring", text)
    if (
        other.name in ("month", "month_bare")
        and freq == "YEARLY"
        and other.value.due is not None
        and other.value.kind == "period"
    ):
        # "tháng 12 hằng năm": every year, in that month; the first is the
        # month as read (the next one on or after the issue date).
        value = DeadlineValue(
            "recurring",
            due=other.value.due,
            start=other.value.start,
            rrule=_rrule("YEARLY", interval, BYMONTH=other.value.due.month),
        )
        return _span_of(first, second, value, "recurring", text)
    if other.name == "dayonly" and freq == "MONTHLY":
        by = {"BYMONTHDAY": anchor["day"], "BYHOUR": hour}
    elif other.name == "weekday" and freq == "WEEKLY":
        by = {"BYDAY": anchor["byday"], "BYHOUR": hour}
    elif other.name in ("date_words", "date_num") and other.anchor:
        stated = anchor["stated"]
        # A stated year makes the date the first occurrence, but only when
        # the rule follows it ("… năm 2025 và hàng tháng", 02_tb-624).
        if stated and (rec is first or other.value.kind == "unresolved"):
            return None
        if freq == "YEARLY":
            by = {"BYMONTH": anchor["month"], "BYMONTHDAY": anchor["day"], "BYHOUR": hour}
        elif freq == "MONTHLY":
            by = {"BYMONTHDAY": anchor["day"], "BYHOUR": hour}
        else:
            by = {"BYHOUR": hour}
        if stated:
            value = DeadlineValue(
                "recurring", due=other.value.due, rrule=_rrule(freq, interval, **by)
            )
            return _span_of(first, second, value, "recurring", text)
        if rec is first and freq != "YEARLY":
            return None
    else:
        return None
    merged_anchor = dict(anchor)
    if freq == "YEARLY" and "month" not in merged_anchor:
        return None
    due = _first_occurrence(freq, merged_anchor, issued)
    warnings = () if due or issued else ("first occurrence needs the issue date",)
    value = DeadlineValue(
        "recurring", due=due, rrule=_rrule(freq, interval, **by), warnings=warnings
    )
    return _span_of(first, second, value, "recurring", text)


def _union(first: _Atom, second: _Atom, gap: str, gr: _Grammar) -> DeadlineValue | None:
    """ "Quý IV/2025 và quý I/2026": one period from the first's start to the
    second's end; two periods that do not follow each other stay apart."""
    a, b = first.value, second.value
    if a.kind != "period" or b.kind != "period" or a.due is None or b.due is None:
        return None
    if a.start is None or first.merged or second.merged or second.op is not None:
        return None
    if not gr.union_joiner.match(gap):
        return None
    if b.due <= a.due or (b.start is not None and b.start <= a.due):
        return None
    return DeadlineValue("period", due=b.due, start=a.start, warnings=a.warnings + b.warnings)


def _span_of(first: _Atom, second: _Atom, value: DeadlineValue, name: str, text: str) -> _Atom:
    end = second.end
    # "hằng năm (trước ngày 15 tháng 11)": keep the bracket the phrase opened.
    if text.count("(", first.start, end) > text.count(")", first.start, end):
        close = re.match(r"\s*\)", text[end:])
        if close:
            end += close.end()
    atom = _Atom(
        first.start,
        end,
        first.core,
        name,
        first.op,
        value,
        {"_priority": "0", "merged_from": f"{first.name}+{second.name}"},
        merged=True,
    )
    return atom


def _merge(atoms: list[_Atom], text: str, issued: date | None, gr: _Grammar) -> list[_Atom]:
    out: list[_Atom] = []
    for atom in atoms:
        out.append(atom)
        # A merge can make a reading that joins the one before it too.
        while len(out) > 1:
            joined = _combine(out[-2], out[-1], text, issued, gr)
            if joined is None:
                break
            out[-2:] = [joined]
    return out


# --------------------------------------------------------------------------
# Context: which readings are deadlines in running text.


def _label_starts(text: str, gr: _Grammar) -> set[int]:
    starts = set()
    for m in gr.label.finditer(text):
        starts.add(m.end())
        starts.add(gr.verbs_prefix.match(text, m.end()).end())
    return starts


def _cell_bounds(text: str, gr: _Grammar) -> set[tuple[int, int]]:
    """(start, end) of each table cell's and parenthesis's value."""
    bounds = set()
    for m in gr.cell_start.finditer(text):
        opener = m.group("open")
        if opener is None:
            line_end = text.find("\n", m.start())
            if "|" not in text[m.start() : line_end if line_end >= 0 else len(text)]:
                continue
        closers = ")" if opener == "(" else "|\n"
        stop = m.end()
        while stop < len(text) and text[stop] not in closers:
            stop += 1
        value_start = gr.verbs_prefix.match(text, m.end()).end()
        end = stop
        while end > value_start and (text[end - 1].isspace() or text[end - 1] in ".;,"):
            end -= 1
        bounds.add((value_start, end))
    return bounds


def _words_before(text: str, pos: int, count: int) -> str:
    """The last ``count`` words before ``pos`` within its clause."""
    left = pos
    limit = max(0, pos - 120)
    while left > limit and text[left - 1] not in ",;.:\n|()":
        left -= 1
    return " ".join(text[left:pos].lower().split()[-count:])


def _ends_with_any(before: str, words: list[str]) -> bool:
    return any(before == w or before.endswith(" " + w) for w in words)


def _starts_with_any(after: str, words: list[str]) -> bool:
    return any(after == w or after.startswith(w + " ") or after.startswith(w + ",") for w in words)


def _is_past(text: str, atom: _Atom, gr: _Grammar) -> bool:
    left = atom.start
    while left > 0 and text[left - 1] not in ",;.:\n|(":
        left -= 1
    if gr.past.search(text, left, atom.start):
        return True
    # Only a clause-opening "trong …"/"vào …" (or a bare period) is narrative
    # when the clause after it is in the past; "chậm nhất"/"trước" never are.
    if gr.op_kind.get(_key(atom.op or "")) in ("before", "by", "until"):
        return False
    if text[left : atom.start].strip(" -+*•").lower() in gr.clause_openers:
        right = atom.end
        while right < len(text) and text[right] not in ";.\n|":
            right += 1
        return gr.past.search(text, atom.end, right) is not None
    return False


def _in_context(
    text: str, atom: _Atom, labels: set[int], cells: dict[int, list[int]], gr: _Grammar
) -> bool:
    lk = gr.lookup
    kind = atom.value.kind
    s = atom.start
    labelled = s in labels or any(
        e <= atom.end and (text[s - 1 : s] != "(" or atom.name in _PAREN_OK)
        for e in cells.get(s, ())
    )
    before = _words_before(text, atom.start, lk["lookback"])
    after = _key(text[atom.end : atom.end + 40])
    if atom.name in ("dayonly", "weekday"):
        return False
    if atom.merged and kind in ("recurring", "ongoing"):
        return True
    if atom.name == "event":
        if labelled or _key(atom.groups["opener"]) in lk["event_strong"]:
            return True
        if _ends_with_any(before, lk["event_not_after"]):
            return False
        clause = _key(text[atom.start : atom.end]).split()
        if gr.past.search(text, atom.start, atom.end):
            return False
        return bool(lk["event_cues"] & set(clause)) and not _is_past(text, atom, gr)
    if atom.name == "immediate":
        return (
            not _starts_with_any(after, lk["imm_not_before"])
            and not _ends_with_any(before, lk["imm_not_after"])
            and not _is_past(text, atom, gr)
        )
    if atom.name == "ongoing":
        word = _key(atom.groups["w"]).replace(",", "").split()
        if not labelled and " ".join(word[:2]) not in lk["ongoing_in_text"]:
            return False
        if labelled:
            return True
        if _ends_with_any(before, lk["ongoing_not_after"]) or _starts_with_any(
            after, lk["ongoing_not_before"]
        ):
            return False
        # "phối hợp chặt chẽ, thường xuyên, hiệu quả" (18_kh-7360): one of a
        # list of manner words; the word before the comma decides.
        comma = text.rfind(",", max(0, s - 10), s)
        if comma >= 0 and not text[comma + 1 : s].strip():
            listed = _words_before(text, comma, lk["lookback"])
            return not _ends_with_any(listed, lk["ongoing_not_after"])
        return True
    if atom.name in ("rec", "rec_n", "rec_periodic_n", "rec_times", "yearly_tail", "rec_bare") or (
        kind == "recurring" and not atom.merged
    ):
        if atom.name == "rec_bare":
            # A bare "định kỳ" names no frequency: a deadline only as a
            # label's value ("Thời gian: định kỳ").
            return labelled
        if atom.name == "yearly_tail":
            return False
        if _starts_with_any(after, lk["rec_not_before"]):
            return labelled
        words = before.split()
        for noun in lk["rec_not_after"]:
            n = noun.split()
            if any(words[i : i + len(n)] == n for i in range(len(words))):
                return labelled
        return True
    if atom.merged and kind in ("recurring", "ongoing"):
        return True
    # Dated readings need an operator, a label, a cell of their own, or a
    # completion verb right before them.
    if atom.name == "span":
        if _starts_with_any(after, lk["span_not_before"]):
            return False
        return not _is_past(text, atom, gr)
    # A date right after a document's name or number is that document's date
    # ("Quy định số 105-QĐ/TƯ ngày 19-12-2017"); an operator in between makes
    # it a deadline again ("sửa đổi Nghị định trước ngày 15/12/2025").
    if atom.op is None and gr.cited.search(text, max(0, atom.start - 60), atom.start):
        return False
    if atom.name == "date_num" and not atom.groups.get("y"):
        # A bare "1.1" or "24-48" is a section number or a count; a day and
        # month with no year and no "ngày" needs an operator and a slash.
        bare = text[atom.core : atom.end]
        if not bare[:1].isalpha() and (atom.op is None or "/" not in bare):
            return False
    if atom.name == "date_range":
        return labelled or (atom.op is not None and not _is_past(text, atom, gr))
    if labelled:
        return True
    if atom.op is None or gr.op_kind.get(_key(atom.op)) == "from":
        if not gr.triggers_before.search(
            text, max(0, atom.start - 30), atom.start
        ) and not _opens_item(text, atom):
            return False
    return not _is_past(text, atom, gr)


def _opens_item(text: str, atom: _Atom) -> bool:
    """ "+ Từ ngày 15 tháng 9 năm 2025, hướng dẫn …" (30_bai-viet): a "từ"
    time that opens a list item, set off by a comma, dates the item."""
    if atom.op is None:
        return False
    from pipeline.segment import list_marker_end

    line = text.rfind("\n", 0, atom.start) + 1
    lead = text[line : atom.start].strip()
    # Only the item's own marker ("+", "a)", "1.") may stand before it.
    opens = not lead or list_marker_end(lead) == len(lead)
    return opens and text[atom.end : atom.end + 1] == ","


# --------------------------------------------------------------------------
# Public API.


def find_deadlines(text: str, issued: date | None) -> list[FoundDeadline]:
    """Every phrase of ``text`` (a normalised view) that reads as a deadline.

    Offsets are into ``text``; phrases are returned in order and never
    overlap. The caller maps them back to the original with the offset map
    of :func:`pipeline.normalise.normalise`.
    """
    gr = _grammar()
    labels = _label_starts(text, gr)
    cells: dict[int, list[int]] = {}
    if "|" in text or "(" in text:
        for s, e in _cell_bounds(text, gr):
            cells.setdefault(s, []).append(e)
    found = []
    for atom in _scan(text, issued, phrase_mode=False):
        if _in_context(text, atom, labels, cells, gr):
            found.append(
                FoundDeadline(atom.start, atom.end, text[atom.start : atom.end], atom.value)
            )
    return found


def parse_deadline(phrase: str, issued: date | None) -> DeadlineValue:
    """The meaning of one deadline phrase, anchored on the issue date.

    ``phrase`` may be in any Unicode form and either tone placement. A
    phrase that names no deadline, or one that cannot be pinned down, is
    ``unresolved`` with a warning.

    Answers are memoised on ``(phrase, issued)`` (the reading is pure and
    :class:`DeadlineValue` is frozen); :func:`clear_cache` empties the memo,
    which the benchmark does before every timed pass so that it measures
    first readings only.
    """
    return _parse_cached(phrase, issued)


def _one_reading(view: str, issued: date | None, gr: _Grammar) -> DeadlineValue | None:
    """The reading of a phrase that is one reading with an optional operator
    in front and nothing else (most phrases), or None for the full scan.

    It gives what the scan would: the same operator, the same branch at the
    same word, the same reading; anything the scan could see differently (an
    exclusion, an event opener, an operator word that opens a reading
    running past the operator) sends the phrase to the scan instead."""
    low = view.lower()
    if gr.event_cue.search(low) is not None:
        return None
    active = tuple([i for i, cue in gr.exclusion_cue if cue in low])
    if active and _exclusions_for(active).search(view):
        return None
    size = len(view)
    first = _WORD.match(view)
    if first is None:
        return None
    candidates: list[tuple[str | None, int]] = []
    if first.group().lower() in gr.op_first:
        front = gr.op_front.match(view)
        if front is not None and front.end() <= 40:
            candidates.append((front.group("op"), front.end()))
    candidates.append((None, 0))
    for op, core in candidates:
        word = first if core == 0 else _WORD.match(view, core)
        if word is None:
            continue
        text = word.group()
        rx = gr.routes.get(_DIGIT if text[0].isdecimal() else text.lower())
        m = rx.match(view, core) if rx is not None else None
        if m is None or m.end() != size:
            continue
        priority = int(m.lastgroup[1:])  # type: ignore[index]
        name = gr.names[priority]
        if name == "yearly_tail":
            return None
        if op is None:
            if name == "span":
                return None
        else:
            key = _key(op)
            if name not in _WITH_OPERATOR:
                continue
            if key not in (gr.span_ops if name == "span" else gr.op_kind):
                return None
            if key in gr.op_starter_ops:
                # "ngay trong …": "ngay" opens a reading of its own, which
                # must end inside the operator for the scan to agree.
                for w in _WORD.finditer(view, 0, core):
                    t = w.group()
                    r = gr.routes.get(_DIGIT if t[0].isdecimal() else t.lower())
                    hit = r.match(view, w.start()) if r is not None else None
                    if hit is not None and hit.end() > core:
                        return None
        full, short = gr.branch_groups[priority]
        groups: dict[str, str | None] = (
            dict(zip(short, m.group(*full), strict=True))
            if len(full) > 1
            else dict(zip(short, (m.group(full[0]),) if full else (), strict=True))
        )
        if op is not None:
            groups["op"] = op
        try:
            value, _ = _read(name, groups, issued, gr)
        except _Unresolved as problem:
            return DeadlineValue("unresolved", warnings=(str(problem),))
        if op is not None and name != "date_range":
            value = _apply_operator(op, value, issued, gr)
        return value
    return None


def clear_cache() -> None:
    """Forget memoised readings (for benchmarks measuring cold readings)."""
    _parse_cached.cache_clear()


@lru_cache(maxsize=4096)
def _parse_cached(phrase: str, issued: date | None) -> DeadlineValue:
    gr = _grammar()
    if not phrase.isascii() and (
        gr.needs_normalising.search(phrase) or not unicodedata.is_normalized("NFC", phrase)
    ):
        phrase_view = normalise_string(phrase)
    else:
        phrase_view = phrase
    view = phrase_view.strip()
    # A label or a completion verb can only open with one of a few words.
    first = _WORD.match(view)
    word = first.group().lower() if first else ""
    if word in gr.label_first:
        label = gr.label.match(view)
        if label:
            view = view[label.end() :]
            first = _WORD.match(view)
            word = first.group().lower() if first else ""
    if word in gr.verb_first:
        view = view[gr.verbs_prefix.match(view).end() :]
    view = view.strip().rstrip(".;,:").strip()
    quick = _one_reading(view, issued, gr)
    if quick is not None:
        return quick
    atoms = [a for a in _scan(view, issued, phrase_mode=True) if a.name not in ("yearly_tail",)]
    if not atoms and _BARE_YEAR.fullmatch(view):
        # A year alone is a whole phrase only in a table's deadline cell or a
        # label's value ("Thời gian | 2026"): the year as a period.
        return _parse_cached(f"{load_yaml(RESOURCE)['words']['year'][0]} {view}", issued)
    if not atoms:
        return DeadlineValue("unresolved", warnings=(f"no deadline expression in {phrase!r}",))
    best = min(atoms, key=lambda a: (_KIND_RANK[a.value.kind], a.start))
    dated = [a for a in atoms if a.value.kind in _DATED_KINDS]
    if len(dated) > 1:
        return DeadlineValue(
            best.value.kind,
            due=best.value.due,
            start=best.value.start,
            rrule=best.value.rrule,
            warnings=best.value.warnings + ("several deadlines in the phrase; read the first",),
        )
    return best.value
