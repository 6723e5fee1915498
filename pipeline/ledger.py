"""A regression ledger: what the evaluator counted, per document, kept in a file.

Totals hide trade-offs: a rule that wins three tasks on one document and loses
two on another moves the dev F1 by a hair. The ledger keeps, for every
document of every part of the split, the ``tp``/``fp``/``fn`` of every field
(:data:`pipeline.evaluate.FIELDS`) in each matching mode, so that
:func:`compare` can name the documents and fields that got worse. For the dev
part it also keeps the predicted records with the rule ids that made them
(``task["evidence"]``) and the evaluator's verdict on each, so a regression
comes with the records that changed and the rules behind them.

The test parts (``test``, ``old-test``) are sealed: rules must not be written
by looking at them (``annotations/PROTOCOL.md``). Their entries hold counts
only; no description, body name, deadline or rule id of theirs is ever
written to a ledger or shown in a comparison.

Definitions
===========
* A field of a document is **worse** when its ``tp`` went down or its ``fp``
  or ``fn`` went up, **better** when it changed otherwise.
* A **regression** is a document present on both sides with a worse field in
  the gate mode (lenient, the mode of the headline figures). A document
  present on one side only is *added* or *removed*, never a regression.
* The **gold changed** for a document when ``tp + fn`` of some field differs:
  predictions cannot move that sum, only an edit of the gold file can.
* Records are paired, per dev document, by equal span, then equal
  description, then the evaluator's lenient description match (the same key
  and threshold as task matching, best first); unpaired ones *appeared* or
  *disappeared*.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline import __version__
from pipeline.evaluate import (
    FIELDS,
    MODES,
    TASK_MATCH_THRESHOLD,
    PredictedTask,
    TaskVerdict,
    description_key,
    multiset_f1,
    run_evaluation,
)
from pipeline.gold import SPLIT_PARTS

if TYPE_CHECKING:
    from pipeline.evaluate import EvaluationReport

FORMAT = "vntasks-ledger/1"
# Only the dev part is looked at while rules are written; the others are sealed.
RECORD_PARTS = ("dev",)
GATE_MODE = "lenient"
COUNT_NAMES = ("tp", "fp", "fn")
# The parts of a record whose change a reader wants to see, in reading order.
RECORD_FIELDS = ("span", "description", "lead", "support", "deadline", "matched", "optional")
_SHOWN_WIDTH = 110

Ledger = dict[str, Any]


# --- evaluating every part ---------------------------------------------------


def evaluate_parts(
    annotations: Path | str | None = None,
    predictions: Path | str | Mapping[str, Any] | None = None,
    shared: Path | str | None = None,
    parts: Sequence[str] = SPLIT_PARTS,
) -> tuple[dict[str, EvaluationReport], dict[str, EvaluationReport]]:
    """Lenient and strict reports for each part, ``({part: lenient}, {part: strict})``.

    The pipeline runs (or the saved predictions are read) once per part; the
    strict report re-scores the lenient report's predictions, which costs a
    fraction of a second, so both modes come almost for free.
    """
    lenient: dict[str, EvaluationReport] = {}
    strict: dict[str, EvaluationReport] = {}
    for part in parts:
        report = run_evaluation(annotations, part, "lenient", predictions, shared)
        lenient[part] = report
        strict[part] = run_evaluation(annotations, part, "strict", report.predictions, shared)
    return lenient, strict


def ledger_for(
    annotations: Path | str | None = None,
    predictions: Path | str | Mapping[str, Any] | None = None,
    shared: Path | str | None = None,
) -> Ledger:
    """The ledger of the current pipeline (or saved predictions) on every part."""
    return build_ledger(*evaluate_parts(annotations, predictions, shared))


# --- building ----------------------------------------------------------------


def build_ledger(
    reports: Mapping[str, EvaluationReport],
    strict: Mapping[str, EvaluationReport] | None = None,
) -> Ledger:
    """A JSON-ready ledger from one lenient report per part (and optionally a
    strict one per part, scored on the same predictions).

    Only counts are stored, never rates: F1 is derived when comparing, so a
    part without documents (NaN everywhere) still writes as plain JSON.
    """
    modes = ["lenient"] if not strict else ["lenient", "strict"]
    parts: dict[str, Any] = {}
    for part, report in reports.items():
        if report.mode != "lenient":
            raise ValueError(f"{part}: the ledger needs the lenient report, not {report.mode!r}")
        by_mode = {"lenient": report}
        if strict:
            if part not in strict or strict[part].mode != "strict":
                raise ValueError(f"{part}: a strict report is missing")
            by_mode["strict"] = strict[part]
        counts = {mode: document_counts(by_mode[mode]) for mode in modes}
        documents: dict[str, Any] = {}
        for stem in counts["lenient"]:
            documents[stem] = {
                "counts": {mode: counts[mode].get(stem, _zero_counts()) for mode in modes}
            }
        if part in RECORD_PARTS:
            records = document_records(report)
            for stem, entry in documents.items():
                entry["records"] = records.get(stem, [])
        parts[part] = {"documents": documents}
    return {
        "format": FORMAT,
        "generator": {"name": "vntasks", "version": __version__},
        "modes": modes,
        "parts": parts,
    }


def _zero_counts() -> dict[str, dict[str, int]]:
    return {name: dict.fromkeys(COUNT_NAMES, 0) for name in FIELDS}


def document_counts(report: EvaluationReport) -> dict[str, dict[str, dict[str, int]]]:
    """``{document: {field: {"tp", "fp", "fn"}}}`` from a report's raw counts."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for row in report.counts.itertuples(index=False):
        fields = counts.setdefault(str(row.document), _zero_counts())
        fields[str(row.field)] = {name: int(getattr(row, name)) for name in COUNT_NAMES}
    return counts


def _prediction_of(predictions: Mapping[str, Any], stem: str) -> Mapping[str, Any]:
    # Predictions are keyed by the document's path or by its stem (evaluate()).
    if stem in predictions:
        return predictions[stem] or {}
    for key, value in predictions.items():
        if Path(key).stem == stem:
            return value or {}
    return {}


def document_records(report: EvaluationReport) -> dict[str, list[dict[str, Any]]]:
    """The predicted records of each document with the evaluator's verdicts,
    in text order. Call it only on parts that may be shown (dev)."""
    verdicts: dict[str, list[TaskVerdict]] = {}
    for verdict in report.verdicts:
        verdicts.setdefault(verdict.document, []).append(verdict)
    records: dict[str, list[dict[str, Any]]] = {}
    for stem, found in verdicts.items():
        tasks = _prediction_of(report.predictions, stem).get("tasks") or []
        rows = [_record(tasks[verdict.index], verdict) for verdict in found]
        records[stem] = sorted(rows, key=_record_order)
    return records


def _record(task: Mapping[str, Any], verdict: TaskVerdict) -> dict[str, Any]:
    parsed = PredictedTask.from_dict(task)
    deadline = parsed.deadline
    return {
        "span": None if parsed.span is None else list(parsed.span),
        "description": parsed.description,
        "lead": list(parsed.leads),
        "support": list(parsed.supports),
        "deadline": (
            None if deadline is None else {"kind": deadline.get("kind"), "due": deadline.get("due")}
        ),
        # A round trip through JSON copies it and proves it can be written.
        "evidence": json.loads(json.dumps(task.get("evidence") or {}, ensure_ascii=False)),
        "matched": verdict.gold is not None,
        "optional": verdict.optional,
        "right": {name: bool(value) for name, value in verdict.right.items()},
    }


def _record_order(record: Mapping[str, Any]) -> tuple[Any, ...]:
    span = record.get("span")
    return (span is None, span or [0, 0], record.get("description") or "")


# --- reading and writing -----------------------------------------------------


def dumps(ledger: Ledger) -> str:
    """The ledger as committed: sorted keys and an indent, and every object or
    list of plain values on one line, so that a diff line names what moved
    (``"lead": {"fn": 2, "fp": 1, "tp": 24}``) and a count is one line, not five."""
    return _dumps(ledger, 0) + "\n"


def _dumps(value: Any, depth: int) -> str:
    if isinstance(value, Mapping):
        items = [(str(key), value[key]) for key in sorted(value, key=str)]
        inner = [item for _, item in items]
    elif isinstance(value, list | tuple):
        items, inner = [], list(value)
    else:
        return json.dumps(value, ensure_ascii=False)
    if not any(isinstance(item, Mapping | list | tuple) for item in inner):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    pad, closing = "  " * (depth + 1), "  " * depth
    if isinstance(value, Mapping):
        lines = [
            f"{pad}{json.dumps(key, ensure_ascii=False)}: {_dumps(item, depth + 1)}"
            for key, item in items
        ]
        return "{\n" + ",\n".join(lines) + f"\n{closing}}}"
    lines = [f"{pad}{_dumps(item, depth + 1)}" for item in inner]
    return "[\n" + ",\n".join(lines) + f"\n{closing}]"


def save_ledger(ledger: Ledger, path: Path | str) -> None:
    """Write ``ledger`` to ``path``; a crash mid-write leaves the old file whole."""
    path = Path(path)
    # Beside the target, so that the rename stays on one file system; opened
    # plainly (not mkstemp) so the file gets the usual permissions.
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(dumps(ledger))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_ledger(path: Path | str) -> Ledger:
    with open(path, encoding="utf-8") as handle:
        ledger = json.load(handle)
    _check_format(ledger, str(path))
    return ledger


def _check_format(ledger: Any, where: str) -> None:
    if not isinstance(ledger, Mapping) or ledger.get("format") != FORMAT:
        raise ValueError(f"{where}: not a {FORMAT} ledger")
    if not isinstance(ledger.get("parts"), Mapping):
        raise ValueError(f"{where}: a ledger needs a 'parts' object")


# --- comparing ---------------------------------------------------------------


class Counts(NamedTuple):
    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Counts:
        data = data or {}
        return cls(*(int(data.get(name, 0)) for name in COUNT_NAMES))

    def plus(self, other: Counts) -> Counts:
        # Not __add__: on a tuple that already means concatenation.
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def f1(self) -> float | None:
        """As the evaluator defines it; ``None`` when there is nothing to score."""
        denominator = 2 * self.tp + self.fp + self.fn
        return None if denominator == 0 else 2 * self.tp / denominator


@dataclass(frozen=True)
class FieldDelta:
    """One field of one document whose counts moved, in one mode."""

    mode: str
    field: str
    before: Counts
    after: Counts

    @property
    def worse(self) -> bool:
        before, after = self.before, self.after
        return after.tp < before.tp or after.fp > before.fp or after.fn > before.fn

    @property
    def better(self) -> bool:
        return not self.worse and self.before != self.after

    @property
    def gold_changed(self) -> bool:
        return self.before.tp + self.before.fn != self.after.tp + self.after.fn


@dataclass(frozen=True)
class RecordChange:
    """A dev record that appeared, disappeared or changed; ``fields`` names
    what changed (``right.lead``, ``evidence.deadline`` for the parts of the
    verdict and of the rule ids)."""

    status: str  # appeared | disappeared | changed
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    fields: tuple[str, ...] = ()

    @property
    def record(self) -> Mapping[str, Any]:
        return self.after if self.after is not None else self.before or {}

    @property
    def rules_before(self) -> Mapping[str, Any]:
        return (self.before or {}).get("evidence") or {}

    @property
    def rules_after(self) -> Mapping[str, Any]:
        return (self.after or {}).get("evidence") or {}


@dataclass(frozen=True)
class DocumentChange:
    """A document present on both sides whose counts or (dev) records moved."""

    part: str
    document: str
    deltas: tuple[FieldDelta, ...] = ()
    records: tuple[RecordChange, ...] = ()

    def worse(self, mode: str = GATE_MODE) -> list[FieldDelta]:
        return [delta for delta in self.deltas if delta.mode == mode and delta.worse]

    def better(self, mode: str = GATE_MODE) -> list[FieldDelta]:
        return [delta for delta in self.deltas if delta.mode == mode and delta.better]

    @property
    def gold_changed(self) -> bool:
        return any(delta.gold_changed for delta in self.deltas)


@dataclass(frozen=True)
class PartTotals:
    """A part's counts summed over its documents (micro), before and after."""

    part: str
    mode: str
    before: Mapping[str, Counts]
    after: Mapping[str, Counts]
    documents_before: int
    documents_after: int


@dataclass(frozen=True)
class Comparison:
    """Everything that moved between two ledgers."""

    totals: tuple[PartTotals, ...]
    documents: tuple[DocumentChange, ...]
    added: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    removed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    versions: tuple[str, str] = ("?", "?")

    @property
    def parts(self) -> list[str]:
        return list(dict.fromkeys(totals.part for totals in self.totals))

    def changes(self, part: str) -> list[DocumentChange]:
        return [change for change in self.documents if change.part == part]

    def regressions(self, part: str = "dev", mode: str = GATE_MODE) -> list[DocumentChange]:
        """The documents of ``part`` with a worse field in ``mode``."""
        return [change for change in self.changes(part) if change.worse(mode)]

    def improvements(self, part: str = "dev", mode: str = GATE_MODE) -> list[DocumentChange]:
        """The documents of ``part`` with a better field in ``mode`` and no worse one."""
        return [
            change
            for change in self.changes(part)
            if change.better(mode) and not change.worse(mode)
        ]


def compare(baseline: Ledger, current: Ledger) -> Comparison:
    """What moved from ``baseline`` to ``current`` (both as :func:`build_ledger`
    makes them). Records are compared for the dev part only, whatever the
    files hold: the test parts stay sealed even in a hand-edited ledger."""
    _check_format(baseline, "baseline")
    _check_format(current, "current")
    modes = [mode for mode in MODES if mode in baseline.get("modes", ["lenient"])]
    modes = [mode for mode in modes if mode in current.get("modes", ["lenient"])]
    names = list(baseline["parts"]) + list(current["parts"])
    ordered = [part for part in SPLIT_PARTS if part in names]
    parts = ordered + sorted(set(names) - set(ordered))

    totals: list[PartTotals] = []
    documents: list[DocumentChange] = []
    added: dict[str, tuple[str, ...]] = {}
    removed: dict[str, tuple[str, ...]] = {}
    for part in parts:
        before = (baseline["parts"].get(part) or {}).get("documents") or {}
        after = (current["parts"].get(part) or {}).get("documents") or {}
        added[part] = tuple(sorted(set(after) - set(before)))
        removed[part] = tuple(sorted(set(before) - set(after)))
        for mode in modes:
            totals.append(
                PartTotals(
                    part,
                    mode,
                    _summed(before.values(), mode),
                    _summed(after.values(), mode),
                    len(before),
                    len(after),
                )
            )
        for stem in sorted(set(before) & set(after)):
            deltas = tuple(
                FieldDelta(mode, name, old, new)
                for mode in modes
                for name in FIELDS
                if (old := _counts(before[stem], mode, name))
                != (new := _counts(after[stem], mode, name))
            )
            records: tuple[RecordChange, ...] = ()
            if part in RECORD_PARTS:
                records = tuple(
                    record_changes(
                        before[stem].get("records") or [], after[stem].get("records") or []
                    )
                )
            if deltas or records:
                documents.append(DocumentChange(part, stem, deltas, records))
    return Comparison(
        tuple(totals),
        tuple(documents),
        added,
        removed,
        (_version(baseline), _version(current)),
    )


def _version(ledger: Ledger) -> str:
    return str((ledger.get("generator") or {}).get("version", "?"))


def _counts(entry: Mapping[str, Any], mode: str, name: str) -> Counts:
    return Counts.of(((entry.get("counts") or {}).get(mode) or {}).get(name))


def _summed(entries: Iterable[Mapping[str, Any]], mode: str) -> dict[str, Counts]:
    sums = {name: Counts(0, 0, 0) for name in FIELDS}
    for entry in entries:
        for name in FIELDS:
            sums[name] = sums[name].plus(_counts(entry, mode, name))
    return sums


def _pair_by(
    key: Callable[[Mapping[str, Any]], Hashable],
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    left: list[int],
    right: list[int],
) -> list[tuple[int, int]]:
    waiting: dict[Hashable, list[int]] = {}
    for j in right:
        waiting.setdefault(key(after[j]), []).append(j)
    pairs = []
    for i in left:
        queue = waiting.get(key(before[i]))
        if queue:
            pairs.append((i, queue.pop(0)))
    return pairs


def _pair_records(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs ``(before index, after index)`` and the unpaired indices of each side."""
    left, right = list(range(len(before))), list(range(len(after)))
    pairs: list[tuple[int, int]] = []

    def take(found: list[tuple[int, int]]) -> None:
        pairs.extend(found)
        for i, j in found:
            left.remove(i)
            right.remove(j)

    with_span = [i for i in left if before[i].get("span")]
    take(_pair_by(lambda record: tuple(record.get("span") or ()), before, after, with_span, right))
    take(_pair_by(lambda r: r.get("description") or "", before, after, left, right))
    # A rule that moves a span by a word is a changed record, not a new one.
    keys_before = {i: description_key(before[i].get("description") or "") for i in left}
    keys_after = {j: description_key(after[j].get("description") or "") for j in right}
    candidates = sorted(
        (-score, i, j)
        for i in left
        for j in right
        if (score := multiset_f1(keys_before[i], keys_after[j])) >= TASK_MATCH_THRESHOLD
    )
    similar: list[tuple[int, int]] = []
    used_left: set[int] = set()
    used_right: set[int] = set()
    for _, i, j in candidates:
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            similar.append((i, j))
    take(similar)
    return sorted(pairs), left, right


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    changed = [name for name in RECORD_FIELDS if before.get(name) != after.get(name)]
    for group in ("right", "evidence"):
        old, new = before.get(group) or {}, after.get(group) or {}
        changed += [
            f"{group}.{name}"
            for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)
        ]
    return tuple(changed)


def record_changes(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> list[RecordChange]:
    """The records of one document that appeared, disappeared or changed, in
    text order."""
    pairs, gone, new = _pair_records(before, after)
    changes = [
        RecordChange("changed", before[i], after[j], fields)
        for i, j in pairs
        if (fields := _changed_fields(before[i], after[j]))
    ]
    changes += [RecordChange("disappeared", before[i], None) for i in gone]
    changes += [RecordChange("appeared", None, after[j]) for j in new]
    return sorted(changes, key=lambda change: _record_order(change.record))


# --- the text report ---------------------------------------------------------


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _totals_line(totals: PartTotals, width: int) -> str:
    label = totals.part if totals.mode == GATE_MODE else f"{totals.part} {totals.mode}"
    documents = (
        f"{totals.documents_after}"
        if totals.documents_before == totals.documents_after
        else f"{totals.documents_before}→{totals.documents_after}"
    )
    cells = []
    for name in FIELDS:
        old, new = totals.before[name].f1, totals.after[name].f1
        cell = f"{name} {_rate(old)}→{_rate(new)}"
        if old is not None and new is not None and round(new - old, 3) != 0:
            cell += f" ({new - old:+.3f})"
        cells.append(cell)
    return f"{label:<{width}} ({documents} docs)  " + "  ".join(cells)


def _delta_text(delta: FieldDelta) -> str:
    moved = [
        f"{name} {old}→{new}"
        for name, old, new in zip(COUNT_NAMES, delta.before, delta.after, strict=True)
        if old != new
    ]
    return f"{delta.field} " + " ".join(moved)


def _deltas_line(change: DocumentChange, mode: str) -> str:
    parts = []
    if worse := change.worse(mode):
        parts.append("worse: " + "; ".join(map(_delta_text, worse)))
    if better := change.better(mode):
        parts.append("better: " + "; ".join(map(_delta_text, better)))
    return " | ".join(parts)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_WIDTH else text[: _SHOWN_WIDTH - 1] + "…"


def _value(name: str, record: Mapping[str, Any]) -> str:
    head, _, tail = name.partition(".")
    value = (record.get(head) or {}).get(tail) if tail else record.get(head)
    if value is None:
        return "—"
    if head in ("lead", "support", "evidence") and isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if head == "deadline":
        return f"{value.get('kind')} due {value.get('due') or '—'}"
    if head == "description":
        return f"«{_shown(str(value))}»"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _rules(evidence: Mapping[str, Any]) -> str:
    if not evidence:
        return "none"
    return "; ".join(
        f"{name}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in sorted(evidence.items())
    )


def _verdict(record: Mapping[str, Any]) -> str:
    if not record.get("matched"):
        return "unmatched"
    if record.get("optional"):
        return "matched an optional gold task"
    right = [name for name, value in (record.get("right") or {}).items() if value]
    return "matched; right: " + (", ".join(right) or "nothing")


def _record_lines(change: RecordChange) -> list[str]:
    record = change.record
    span = record.get("span")
    where = f"[{span[0]}:{span[1]}]" if span else "[—]"
    lines = [f"    {change.status} {where} «{_shown(record.get('description') or '')}»"]
    if change.status == "changed":
        for name in change.fields:
            if name.startswith("evidence.") or name == "description":
                continue
            old, new = _value(name, change.before or {}), _value(name, change.after or {})
            lines.append(f"      {name}: {old} → {new}")
        old_rules, new_rules = _rules(change.rules_before), _rules(change.rules_after)
        if old_rules == new_rules:
            lines.append(f"      rules: {new_rules}")
        else:
            lines.append(f"      rules: {old_rules} → {new_rules}")
    else:
        lines.append(f"      {_verdict(record)}; rules: {_rules(record.get('evidence') or {})}")
    return lines


def _document_lines(change: DocumentChange, modes: Sequence[str]) -> list[str]:
    lines = [f"  {change.document}"]
    for mode in modes:
        if text := _deltas_line(change, mode):
            lines.append(f"    {mode}: {text}")
    if change.gold_changed:
        lines.append("    the gold changed (tp + fn moved): save a new baseline with the gold edit")
    for record in change.records:
        lines.extend(_record_lines(record))
    return lines


def format_comparison(comparison: Comparison) -> str:
    """A report for a person: the F1 of every part before → after, then the dev
    regressions with the records that changed, then the dev improvements and
    other record changes; for the sealed parts only how many documents moved."""
    modes = list(dict.fromkeys(totals.mode for totals in comparison.totals))
    width = max((len(f"{t.part} {t.mode}") for t in comparison.totals), default=0)
    old, new = comparison.versions
    lines = [f"vntasks ledger: baseline {old} → current {new} (F1 before→after)"]
    ordered = sorted(comparison.totals, key=lambda t: modes.index(t.mode))
    lines += [_totals_line(totals, width) for totals in ordered]

    for part in comparison.parts:
        changes = comparison.changes(part)
        if part in RECORD_PARTS:
            worse = comparison.regressions(part)
            better = comparison.improvements(part)
            shown = {id(change) for change in worse + better}
            other = [change for change in changes if id(change) not in shown]
            sections = [
                (f"{part}: {len(worse)} regression(s) ({GATE_MODE})", worse),
                (f"{part}: {len(better)} improvement(s) ({GATE_MODE})", better),
                (f"{part}: other changes (records, or other modes only)", other),
            ]
            for title, group in sections:
                if group:
                    lines += ["", title]
                    for change in group:
                        lines += _document_lines(change, modes)
            if not worse:
                lines += ["", f"{part}: no regression"]
        elif changes:
            # Sealed parts are read as totals only (annotations/PROTOCOL.md):
            # which document moved would already say something about it.
            moved = f"counts changed in {len(changes)} document(s)"
            lines += ["", f"{part}: {moved} (sealed: totals only)"]
        for label, stems in (("added", comparison.added), ("removed", comparison.removed)):
            if stems.get(part):
                lines += ["", f"{part}: {len(stems[part])} document(s) {label}"]
                lines += [f"  {stem}" for stem in stems[part]]
    return "\n".join(lines) + "\n"
