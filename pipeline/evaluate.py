"""Score predictions (JSON contract v1) against gold annotations (``vntasks-gold/1``).

:func:`evaluate` is the library entry point (a notebook or the CLI calls it);
:func:`run_evaluation` also loads the gold files and obtains the predictions,
by running ``pipeline.extract`` or reading saved ``<stem>.json`` files.

Definitions
===========

Text keys
---------
* **description key** — the syllable multiset of a task description: NFC and
  new-style tone placement (:func:`pipeline.normalise.normalise_string`), then
  diacritics removed (``đ`` → ``d``), case-folded, and every run of letters
  and digits taken as one syllable (punctuation and ``_``, the joiner of old
  word-segmented files, separate syllables).
* **body key** — the syllable multiset of one or more body names: each name is
  tone-normalised, its abbreviations expanded with
  ``pipeline/resources/abbreviations.yaml`` (whole words, case-sensitive), then
  case-folded and split into syllables as above, diacritics *kept*.
* ``F1(a, b)`` of two multisets is ``2·|a ∩ b| / (|a| + |b|)``.

Task matching (one-to-one, per document)
----------------------------------------
* **lenient**: a (gold, predicted) pair is a candidate when the F1 of their
  description keys is ≥ 0.5. Candidates are taken best first (ties broken by
  larger character overlap of the spans, then nearer start, then document
  order) and each task is used at most once.
* **strict**: a pair is a candidate when the predicted ``span`` equals the gold
  description's ``[start, end)``.

Gold tasks with ``optional: true`` take part in matching, but a prediction
matched to one is ignored (neither TP nor FP, and none of its fields counts),
and an unmatched optional gold task is not a miss.

Fields of a matched pair
------------------------
* **lead right**: both have no lead, or the F1 of the body keys of *all* lead
  names of the task taken together is ≥ 0.6. A gold body reached through a
  back-reference is compared by its resolved ``text``; a predicted body by its
  ``name``. In **strict** mode the names must be the same, each exactly (as
  :func:`body_name_key` reads them: abbreviations written out, tone placement
  and case folded, punctuation ignored), in any order.
* **support right**: the same over the support bodies (both empty = right).
* **deadline right**: gold has no deadline → right only when the prediction
  has none; else the prediction needs a deadline, and where the gold has a
  ``due`` date the predicted ``due`` must equal it, and where the gold has none
  (``ongoing``, ``event``, ``immediate``, ``unresolved``, undated
  ``recurring``) the predicted ``kind`` must equal the gold kind.
* **record right**: lead right and deadline right (the task is matched by
  construction).

Counts (summed over documents for the totals: micro-averaging)
--------------------------------------------------------------
Let *G* be the non-optional gold tasks and *P* the predicted tasks not matched
to an optional gold task.

* ``task``: TP = matched pairs, FP = unmatched predictions, FN = unmatched
  gold tasks in *G*.
* ``lead``, ``support``, ``deadline``: TP = matched pairs where gold and
  prediction both have the field and it is right; FP = tasks in *P* that have
  the field, minus TP; FN = tasks in *G* that have the field, minus TP. So a
  predicted value on an unmatched or wrongly matched task costs precision, and
  a gold value whose task was missed costs recall.
* ``record``: TP = matched pairs whose record is right; FP = |P| − TP;
  FN = |G| − TP.
* ``metadata``: the five fields ``doc_type``, ``number``, ``issuer``,
  ``signer``, ``issued_date`` of each document: TP = both given and equal,
  FP = predicted given and not TP, FN = gold given and not TP. Equality:
  ``doc_type`` and ``signer`` — the same syllable sequence (tone-normalised,
  case-folded, punctuation ignored); ``number`` — equal after removing
  diacritics, case and white space and writing every dash as ``-``
  (``96-KH/TU`` = ``96 – KH/TU``; ``QĐ`` = ``QD``, a common OCR slip);
  ``issuer`` — body keys with F1 ≥ 0.8 (``UBND tỉnh Bắc Ninh`` = ``Ủy ban nhân
  dân tỉnh Bắc Ninh``; ``Chính phủ`` ≠ ``Văn phòng Chính phủ``), stricter than
  leads because the issuer is a single fully written name;
  ``issued_date`` — the same ISO date.

Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2TP / (2TP + FP +
FN); each is NaN when its denominator is 0 (nothing to score). ``accuracy`` is
``matched_right / matched``: over matched pairs, how often the field is right
including both-empty agreements, which isolates a field from task matching.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import gold as gold_module
from pipeline.gold import GoldBody, GoldDeadline, GoldDocument, GoldTask
from pipeline.model import DEADLINE_KINDS
from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml

if TYPE_CHECKING:
    import pandas as pd

MODES = ("lenient", "strict")
# The JSON report (EvaluationReport.to_dict, vntasks evaluate --json).
REPORT_FORMAT = "vntasks-evaluation/1"
COUNT_KEYS = ("tp", "fp", "fn", "matched", "matched_right")
RATE_KEYS = ("precision", "recall", "f1", "accuracy")
TASK_MATCH_THRESHOLD = 0.5
BODY_MATCH_THRESHOLD = 0.6
ISSUER_MATCH_THRESHOLD = 0.8
FIELDS = ("task", "lead", "support", "deadline", "record", "metadata")
METADATA_FIELDS = ("doc_type", "number", "issuer", "signer", "issued_date")
NO_DEADLINE = "none"

_SYLLABLE = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
# The one Vietnamese letter whose base form NFD does not expose.
_UNMARKED = str.maketrans({"đ": "d", "Đ": "D"})
_CONTEXT_WIDTH = 160


# --- text keys ---------------------------------------------------------------


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_UNMARKED)


def syllables(text: str, keep_marks: bool = False) -> list[str]:
    text = normalise_string(text)
    if not keep_marks:
        text = strip_marks(text)
    return _SYLLABLE.findall(text.casefold())


@cache
def _abbreviation_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {
        normalise_string(short): normalise_string(full)
        for short, full in load_yaml("abbreviations.yaml")["abbreviations"].items()
    }
    # Longest first so that "TP.HCM" wins over "TP" at the same place.
    alternatives = "|".join(map(re.escape, sorted(table, key=len, reverse=True)))
    return re.compile(f"(?<![^\\W_])(?:{alternatives})(?![^\\W_])"), table


def expand_abbreviations(name: str) -> str:
    """``name`` with every listed abbreviation written out (whole words only)."""
    pattern, table = _abbreviation_pattern()
    return pattern.sub(lambda match: table[match.group(0)], normalise_string(name))


def description_key(text: str) -> Counter[str]:
    return Counter(syllables(text, keep_marks=False))


def body_key(names: Iterable[str]) -> Counter[str]:
    key: Counter[str] = Counter()
    for name in names:
        key.update(syllables(expand_abbreviations(name), keep_marks=True))
    return key


def multiset_f1(a: Counter[str], b: Counter[str]) -> float:
    size = sum(a.values()) + sum(b.values())
    if size == 0:
        return 1.0
    return 2 * sum((a & b).values()) / size


def body_name_key(name: str) -> tuple[str, ...]:
    """A body's name for exact comparison: abbreviations written out, tone
    placement and case folded, punctuation and spacing ignored."""
    return tuple(syllables(expand_abbreviations(name), keep_marks=True))


def bodies_exact(gold_names: list[str], predicted_names: list[str]) -> bool:
    """Strict: the same names, each exactly (in any order)."""
    return sorted(map(body_name_key, gold_names)) == sorted(map(body_name_key, predicted_names))


def bodies_score(gold_names: list[str], predicted_names: list[str]) -> float:
    """F1 of the body keys; 1.0 when both sides are empty, 0.0 when one is."""
    if not gold_names and not predicted_names:
        return 1.0
    if not gold_names or not predicted_names:
        return 0.0
    return multiset_f1(body_key(gold_names), body_key(predicted_names))


def deadline_right(gold: GoldDeadline | None, predicted: Mapping[str, Any] | None) -> bool:
    if gold is None:
        return predicted is None
    if predicted is None:
        return False
    if gold.due is not None:
        return predicted.get("due") == gold.due.isoformat()
    return predicted.get("kind") == gold.kind


def number_key(value: str) -> str:
    """A document number for comparison: marks, case, dash kinds and
    spacing ignored ("227/CĐ-TTg" and "227/cd – TTg" are one number)."""
    text = strip_marks(normalise_string(value)).casefold()
    text = "".join("-" if unicodedata.category(char) == "Pd" else char for char in text)
    return _SPACE.sub("", text)


def metadata_right(name: str, gold: Any, predicted: Any) -> bool:
    """Whether a predicted document field equals the gold one (both given)."""
    if name == "issued_date":
        return str(predicted) == gold.isoformat()
    if name == "number":
        return number_key(gold) == number_key(predicted)
    if name == "issuer":
        return multiset_f1(body_key([gold]), body_key([predicted])) >= ISSUER_MATCH_THRESHOLD
    return syllables(gold, keep_marks=True) == syllables(predicted, keep_marks=True)


# --- predictions -------------------------------------------------------------


@dataclass(frozen=True)
class PredictedTask:
    """The parts of a contract-v1 task that scoring needs."""

    description: str
    span: tuple[int, int] | None
    leads: list[str]
    supports: list[str]
    deadline: Mapping[str, Any] | None
    sentence: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PredictedTask:
        span = data.get("span")
        bodies = data.get("responsible") or []
        return cls(
            description=data.get("description") or "",
            span=None if span is None else (int(span[0]), int(span[1])),
            leads=[body["name"] for body in bodies if body.get("role") == "lead"],
            supports=[body["name"] for body in bodies if body.get("role") == "support"],
            deadline=data.get("deadline"),
            sentence=data.get("sentence") or "",
        )


def _prediction_for(document: GoldDocument, predictions: Mapping[str, Any]) -> Any:
    for key in (document.document.path, document.stem):
        if key in predictions:
            return predictions[key]
    return None


# --- matching ----------------------------------------------------------------


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_tasks(
    gold_tasks: list[GoldTask], predicted: list[PredictedTask], mode: str = "lenient"
) -> list[tuple[int, int, float]]:
    """One-to-one ``(gold index, predicted index, score)`` pairs, best first."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    candidates = []
    gold_keys = [description_key(task.description.text) for task in gold_tasks]
    predicted_keys = [description_key(task.description) for task in predicted]
    for g, task in enumerate(gold_tasks):
        gold_span = task.description.span
        for p, guess in enumerate(predicted):
            if mode == "strict":
                if guess.span is None or guess.span != gold_span:
                    continue
                score = 1.0
            else:
                score = multiset_f1(gold_keys[g], predicted_keys[p])
                if score < TASK_MATCH_THRESHOLD:
                    continue
            distance = (
                abs(guess.span[0] - gold_span[0])
                if guess.span is not None and gold_span is not None
                else float("inf")
            )
            candidates.append((-score, -_overlap(gold_span, guess.span), distance, g, p, score))
    candidates.sort()
    return best_first_pairs(candidates)


def best_first_pairs(candidates: Iterable[tuple[Any, ...]]) -> list[tuple[int, int, float]]:
    """One-to-one pairs from ``candidates`` sorted best first, each ending
    with (left index, right index, score): a candidate whose either side is
    taken already is passed over."""
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for *_, left, right, score in candidates:
        if left in used_left or right in used_right:
            continue
        used_left.add(left)
        used_right.add(right)
        pairs.append((left, right, score))
    return pairs


# --- report ------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationError:
    """One miss, false alarm or wrong field, with what a reader needs to see why."""

    document: str
    kind: str
    error: str  # miss | false_alarm | wrong_lead | wrong_support | wrong_deadline | wrong_metadata
    description: str
    gold: str
    predicted: str
    context: str
    span: tuple[int, int] | None = None
    score: float | None = None


@dataclass(frozen=True)
class TaskVerdict:
    """What the evaluator decided about one predicted task: the gold task it
    was matched to (``None``: a false alarm), whether that gold task is
    optional (then none of its fields counts), and which fields were right
    (empty unless matched to a non-optional gold task). Kept so that a
    regression ledger can show which records changed without re-deciding."""

    document: str
    index: int  # position in the prediction's ``tasks`` list
    gold: int | None
    optional: bool = False
    right: Mapping[str, bool] = field(default_factory=dict)


@dataclass
class EvaluationReport:
    """All figures of one evaluation. ``counts`` holds the raw counts, one row
    per (document, field); every table is derived from it."""

    mode: str
    counts: pd.DataFrame
    metadata: pd.DataFrame
    deadline_pairs: list[tuple[str, str]] = field(default_factory=list)
    errors: list[EvaluationError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Kept so a second mode can be scored without running the pipeline again.
    predictions: dict[str, Any] = field(default_factory=dict, repr=False)
    verdicts: list[TaskVerdict] = field(default_factory=list, repr=False)
    # The part of the split scored (dev, test, old-test, all); None when the
    # documents were given by hand.
    part: str | None = None

    def scores(self, by: str | None = None) -> pd.DataFrame:
        """Precision/recall/F1 per field, micro-averaged within each group of
        ``by`` (``"document"``, ``"kind"`` or ``None`` for the total)."""
        keys = ["field"] if by is None else [by, "field"]
        summed = self.counts.groupby(keys, sort=False)[
            ["tp", "fp", "fn", "matched", "matched_right"]
        ].sum()
        return _with_rates(summed)

    @property
    def totals(self) -> pd.DataFrame:
        return self.scores().reindex(list(FIELDS))

    def _wide(self, by: str) -> pd.DataFrame:
        scores = self.scores(by)["f1"].unstack("field").reindex(columns=list(FIELDS))
        scores.columns = [f"{name}_f1" for name in scores.columns]
        return scores

    @property
    def per_document(self) -> pd.DataFrame:
        """One row per document: its kind, task counts and the F1 of every field."""
        tasks = self.counts[self.counts["field"] == "task"].set_index("document")
        table = tasks[["kind"]].copy()
        table["gold"] = tasks["tp"] + tasks["fn"]
        table["predicted"] = tasks["tp"] + tasks["fp"]
        return table.join(self._wide("document"))

    @property
    def per_kind(self) -> pd.DataFrame:
        """One row per document kind, micro-averaged over its documents."""
        tasks = self.counts[self.counts["field"] == "task"]
        table = tasks.groupby("kind").agg(documents=("document", "nunique"))
        return table.join(self._wide("kind"))

    @property
    def metadata_scores(self) -> pd.DataFrame:
        """Precision/recall/F1 of each document field over all documents."""
        table = self.metadata.assign(
            tp=lambda m: m["right"] & m["gold"].notna() & m["predicted"].notna(),
            gold_given=lambda m: m["gold"].notna(),
            predicted_given=lambda m: m["predicted"].notna(),
        )
        grouped = table.groupby("field", sort=False)
        summed = grouped[["tp", "gold_given", "predicted_given"]].sum()
        summed["fp"] = summed["predicted_given"] - summed["tp"]
        summed["fn"] = summed["gold_given"] - summed["tp"]
        summed["matched"] = grouped.size()
        summed["matched_right"] = grouped["right"].sum()
        return _with_rates(summed[["tp", "fp", "fn", "matched", "matched_right"]]).reindex(
            list(METADATA_FIELDS)
        )

    @property
    def deadline_confusion(self) -> pd.DataFrame:
        """Gold deadline kind (rows) against predicted kind (columns) over matched
        tasks; ``none`` is "no deadline"."""
        import pandas as pd

        order = [*DEADLINE_KINDS, NO_DEADLINE]
        if not self.deadline_pairs:
            return pd.DataFrame(
                index=pd.Index([], name="gold"), columns=pd.Index([], name="predicted")
            )
        frame = pd.DataFrame(self.deadline_pairs, columns=["gold", "predicted"])
        table = pd.crosstab(frame["gold"], frame["predicted"])
        rows = [kind for kind in order if kind in table.index]
        columns = [kind for kind in order if kind in table.columns]
        return table.reindex(index=rows, columns=columns, fill_value=0)

    def errors_frame(self) -> pd.DataFrame:
        import pandas as pd

        columns = [name for name in EvaluationError.__dataclass_fields__]
        return pd.DataFrame([asdict(error) for error in self.errors], columns=columns)

    def error_examples(self, n: int = 3) -> pd.DataFrame:
        """The first ``n`` errors of each kind, for a quick look."""
        return self.errors_frame().groupby("error", sort=False).head(n)

    def worst_documents(self, n: int = 5, field_name: str = "record") -> pd.DataFrame:
        return self.per_document.sort_values(f"{field_name}_f1", na_position="first").head(n)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready report (``vntasks-evaluation/1``) with stable keys:
        every field is present for the totals and for each document, even
        with nothing to count; counts are integers, and a rate whose
        denominator is 0 is ``null``."""

        def records(frame: pd.DataFrame, index_name: str) -> list[dict[str, Any]]:
            rows = frame.reset_index().rename(columns={"index": index_name})
            return json.loads(rows.to_json(orient="records", force_ascii=False))

        confusion = self.deadline_confusion
        per_document = records(self.per_document, "document")
        fields = self.document_fields()
        for row in per_document:
            row["fields"] = fields.get(row["document"], _empty_fields())
        return {
            "format": REPORT_FORMAT,
            "part": self.part,
            "mode": self.mode,
            "documents": len(per_document),
            "totals": _stable(records(self.totals, "field"), FIELDS),
            "metadata": _stable(records(self.metadata_scores, "field"), METADATA_FIELDS),
            "per_document": per_document,
            "per_kind": records(self.per_kind, "kind"),
            "deadline_confusion": {
                str(gold): {str(k): int(v) for k, v in row.items()}
                for gold, row in confusion.iterrows()
            },
            "errors": [
                {**asdict(error), "span": list(error.span) if error.span else None}
                for error in self.errors
            ],
            "warnings": list(self.warnings),
        }

    def document_fields(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Counts and rates of every field, per document:
        ``{document: {field: {tp, fp, fn, matched, matched_right, precision,
        recall, f1, accuracy}}}``."""
        table = self.scores("document")
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for (document, name), row in table.iterrows():
            out.setdefault(document, _empty_fields())[name] = _figures(row)
        return out


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    """One field's counts (int) and rates (float, or None for NaN)."""
    figures: dict[str, Any] = {key: int(row[key]) for key in COUNT_KEYS}
    for key in RATE_KEYS:
        value = row[key]
        figures[key] = None if value != value else float(value)  # NaN is unequal to itself
    return figures


def _empty_fields() -> dict[str, dict[str, Any]]:
    return {
        name: {**dict.fromkeys(COUNT_KEYS, 0), **dict.fromkeys(RATE_KEYS)} for name in FIELDS
    }


def _stable(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """``rows`` (one per field) with every field of ``names`` present, in
    that order, counts 0 where there was nothing to count."""
    by_name = {row["field"]: row for row in rows}
    stable = []
    for name in names:
        row = by_name.get(name) or {}
        stable.append({
            "field": name,
            **{key: int(row.get(key) or 0) for key in COUNT_KEYS},
            **{key: row.get(key) for key in RATE_KEYS},
        })
    return stable


def _with_rates(summed: pd.DataFrame) -> pd.DataFrame:
    summed = summed.astype("int64")
    tp, fp, fn = summed["tp"], summed["fp"], summed["fn"]
    summed["precision"] = (tp / (tp + fp)).where(tp + fp > 0)
    summed["recall"] = (tp / (tp + fn)).where(tp + fn > 0)
    summed["f1"] = (2 * tp / (2 * tp + fp + fn)).where(2 * tp + fp + fn > 0)
    summed["accuracy"] = (summed["matched_right"] / summed["matched"]).where(summed["matched"] > 0)
    return summed


# --- one document ------------------------------------------------------------


def _context(text: str | None, span: tuple[int, int] | None, fallback: str) -> str:
    """The line around ``span``, cut to a readable window."""
    if not text or span is None:
        return fallback
    start, end = span
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - _CONTEXT_WIDTH)
    right = min(line_end, end + _CONTEXT_WIDTH)
    snippet = text[left:right].strip()
    return ("…" if left > line_start else "") + snippet + ("…" if right < line_end else "")


def _names(bodies: list[GoldBody]) -> list[str]:
    return [body.text for body in bodies]


def _deadline_text(deadline: GoldDeadline | Mapping[str, Any] | None) -> str:
    if deadline is None:
        return "—"
    if isinstance(deadline, GoldDeadline):
        text, kind, due = deadline.text, deadline.kind, deadline.due
    else:
        text, kind, due = deadline.get("text"), deadline.get("kind"), deadline.get("due")
    return f"{text!r} ({kind}, due {due or '—'})"


@dataclass
class _DocumentScore:
    counts: list[dict[str, Any]]
    metadata: list[dict[str, Any]]
    deadline_pairs: list[tuple[str, str]]
    errors: list[EvaluationError]
    verdicts: list[TaskVerdict] = field(default_factory=list)


def _score_document(
    document: GoldDocument, prediction: Mapping[str, Any] | None, mode: str
) -> _DocumentScore:
    name, kind, text = document.stem, document.document.kind, document.text
    prediction = prediction or {}
    predicted = [PredictedTask.from_dict(task) for task in prediction.get("tasks", [])]
    pairs = match_tasks(document.tasks, predicted, mode)
    errors: list[EvaluationError] = []

    def error(
        kind_of_error: str,
        task_text: str,
        gold: str,
        guess: str,
        context: str,
        span: tuple[int, int] | None = None,
        score: float | None = None,
    ) -> None:
        errors.append(
            EvaluationError(name, kind, kind_of_error, task_text, gold, guess, context, span, score)
        )

    matched_gold = {g for g, _, _ in pairs}
    matched_predicted = {p for _, p, _ in pairs}
    ignored = {p for g, p, _ in pairs if document.tasks[g].optional}
    scored_pairs = [(g, p, s) for g, p, s in pairs if not document.tasks[g].optional]
    gold_scored = [task for task in document.tasks if not task.optional]
    predicted_scored = [task for p, task in enumerate(predicted) if p not in ignored]

    for g, task in enumerate(document.tasks):
        if g not in matched_gold and not task.optional:
            error(
                "miss",
                task.description.text,
                ", ".join(_names(task.lead)) or "—",
                "—",
                _context(text, task.description.span, task.description.text),
                task.description.span,
            )
    for p, guess in enumerate(predicted):
        if p not in matched_predicted:
            error(
                "false_alarm",
                guess.description,
                "—",
                ", ".join(guess.leads) or "—",
                guess.sentence or _context(text, guess.span, guess.description),
                guess.span,
            )

    right = {"lead": 0, "support": 0, "deadline": 0, "record": 0}
    tp = {"lead": 0, "support": 0, "deadline": 0}
    deadline_pairs = []
    fields_right: dict[int, dict[str, bool]] = {}
    for g, p, _ in scored_pairs:
        task, guess = document.tasks[g], predicted[p]
        context = _context(text, task.description.span, guess.sentence)
        lead_score = bodies_score(_names(task.lead), guess.leads)
        support_score = bodies_score(_names(task.support), guess.supports)
        if mode == "strict":
            lead_right = bodies_exact(_names(task.lead), guess.leads)
            support_right = bodies_exact(_names(task.support), guess.supports)
        else:
            lead_right = lead_score >= BODY_MATCH_THRESHOLD
            support_right = support_score >= BODY_MATCH_THRESHOLD
        verdicts = {
            "lead": (lead_right, bool(task.lead), bool(guess.leads)),
            "support": (support_right, bool(task.support), bool(guess.supports)),
            "deadline": (
                deadline_right(task.deadline, guess.deadline),
                task.deadline is not None,
                guess.deadline is not None,
            ),
        }
        for field_name, (is_right, gold_has, predicted_has) in verdicts.items():
            right[field_name] += is_right
            tp[field_name] += is_right and gold_has and predicted_has
        if verdicts["lead"][0] and verdicts["deadline"][0]:
            right["record"] += 1
        fields_right[p] = {name: bool(verdict[0]) for name, verdict in verdicts.items()}
        fields_right[p]["record"] = fields_right[p]["lead"] and fields_right[p]["deadline"]
        if not verdicts["lead"][0]:
            error(
                "wrong_lead",
                task.description.text,
                ", ".join(_names(task.lead)) or "—",
                ", ".join(guess.leads) or "—",
                context,
                task.description.span,
                lead_score,
            )
        if not verdicts["support"][0]:
            error(
                "wrong_support",
                task.description.text,
                ", ".join(_names(task.support)) or "—",
                ", ".join(guess.supports) or "—",
                context,
                task.description.span,
                support_score,
            )
        if not verdicts["deadline"][0]:
            error(
                "wrong_deadline",
                task.description.text,
                _deadline_text(task.deadline),
                _deadline_text(guess.deadline),
                context,
                task.description.span,
            )
        deadline_pairs.append(
            (
                task.deadline.kind if task.deadline else NO_DEADLINE,
                (guess.deadline or {}).get("kind") or NO_DEADLINE,
            )
        )

    matched = len(scored_pairs)
    counts = [
        {
            "field": "task",
            "tp": matched,
            "fp": len(predicted) - len(matched_predicted),
            "fn": len(gold_scored) - matched,
            "matched": matched,
            "matched_right": matched,
        }
    ]
    has = {
        "lead": (lambda t: bool(t.lead), lambda t: bool(t.leads)),
        "support": (lambda t: bool(t.support), lambda t: bool(t.supports)),
        "deadline": (lambda t: t.deadline is not None, lambda t: t.deadline is not None),
    }
    for field_name, (gold_has, predicted_has) in has.items():
        hits = tp[field_name]
        counts.append(
            {
                "field": field_name,
                "tp": hits,
                "fp": sum(map(predicted_has, predicted_scored)) - hits,
                "fn": sum(map(gold_has, gold_scored)) - hits,
                "matched": matched,
                "matched_right": right[field_name],
            }
        )
    counts.append(
        {
            "field": "record",
            "tp": right["record"],
            "fp": len(predicted_scored) - right["record"],
            "fn": len(gold_scored) - right["record"],
            "matched": matched,
            "matched_right": right["record"],
        }
    )

    predicted_meta = prediction.get("document") or {}
    metadata = []
    meta_counts = {"tp": 0, "fp": 0, "fn": 0, "right": 0}
    for field_name in METADATA_FIELDS:
        gold_value = getattr(document.document, field_name)
        guess_value = predicted_meta.get(field_name)
        both = gold_value is not None and guess_value is not None
        is_right = (
            metadata_right(field_name, gold_value, guess_value)
            if both
            else (gold_value is None and guess_value is None)
        )
        hit = both and is_right
        meta_counts["tp"] += hit
        meta_counts["fp"] += guess_value is not None and not hit
        meta_counts["fn"] += gold_value is not None and not hit
        meta_counts["right"] += is_right
        gold_shown = (
            gold_value.isoformat() if field_name == "issued_date" and gold_value else gold_value
        )
        metadata.append(
            {
                "document": name,
                "kind": kind,
                "field": field_name,
                "gold": gold_shown,
                "predicted": guess_value,
                "right": is_right,
            }
        )
        if not is_right:
            error(
                "wrong_metadata",
                field_name,
                str(gold_shown) if gold_shown else "—",
                str(guess_value) if guess_value else "—",
                "",
            )
    counts.append(
        {
            "field": "metadata",
            "tp": meta_counts["tp"],
            "fp": meta_counts["fp"],
            "fn": meta_counts["fn"],
            "matched": len(METADATA_FIELDS),
            "matched_right": meta_counts["right"],
        }
    )
    for row in counts:
        row.update(document=name, kind=kind)
    gold_of = {p: g for g, p, _ in pairs}
    task_verdicts = [
        TaskVerdict(
            name,
            p,
            gold_of.get(p),
            optional=p in ignored,
            right=fields_right.get(p, {}),
        )
        for p in range(len(predicted))
    ]
    return _DocumentScore(counts, metadata, deadline_pairs, errors, task_verdicts)


# --- entry points ------------------------------------------------------------


def evaluate(
    gold_docs: Iterable[GoldDocument],
    predictions: Mapping[str, Mapping[str, Any] | None],
    mode: str = "lenient",
) -> EvaluationReport:
    """Score ``predictions`` (contract-v1 dicts keyed by each gold document's
    ``document.path``, or by its stem) against ``gold_docs``.

    A gold document without a prediction is scored as if nothing was found,
    with a warning. The document text (``GoldDocument.text``) is used for the
    error contexts only; without it the predicted sentence or the description
    stands in.
    """
    import pandas as pd

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    counts: list[dict[str, Any]] = []
    metadata: list[dict[str, Any]] = []
    pairs: list[tuple[str, str]] = []
    errors: list[EvaluationError] = []
    warnings: list[str] = []
    verdicts: list[TaskVerdict] = []
    for document in gold_docs:
        prediction = _prediction_for(document, predictions)
        if prediction is None:
            warnings.append(f"{document.stem}: no prediction; scored as empty")
        elif document.text is not None:
            expected = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
            got = (prediction.get("document") or {}).get("text_sha256")
            if got is not None and got != expected:
                # Offsets then point into another text, so strict figures mislead.
                warnings.append(f"{document.stem}: prediction made on a different text")
        scored = _score_document(document, prediction, mode)
        counts.extend(scored.counts)
        metadata.extend(scored.metadata)
        pairs.extend(scored.deadline_pairs)
        errors.extend(scored.errors)
        verdicts.extend(scored.verdicts)
    count_columns = ["document", "kind", "field", "tp", "fp", "fn", "matched", "matched_right"]
    return EvaluationReport(
        mode=mode,
        counts=pd.DataFrame(counts, columns=count_columns),
        metadata=pd.DataFrame(
            metadata, columns=["document", "kind", "field", "gold", "predicted", "right"]
        ),
        deadline_pairs=pairs,
        errors=errors,
        warnings=warnings,
        predictions=dict(predictions),
        verdicts=verdicts,
    )


def _records_file(path: Path) -> list[dict[str, Any]]:
    """The records of a file ``vntasks extract`` wrote: JSON Lines, a JSON
    array, or one JSON object; error lines are left out."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        found = data if isinstance(data, list) else [data]
    except ValueError:
        found = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                found.append(json.loads(line))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: not a JSON record ({error})") from None
    return [r for r in found if isinstance(r, dict) and "tasks" in r and "document" in r]


def load_predictions(path: Path | str, gold_docs: Iterable[GoldDocument]) -> dict[str, Any]:
    """Saved predictions keyed by document path: a folder of
    ``<stem>.json`` files, or the one file ``vntasks extract`` wrote (JSON
    Lines, or a JSON array), whose records are matched to gold documents by
    the stem of their ``source``, else by the hash of the text. A document
    with no prediction is left out (and :func:`evaluate` warns about it)."""
    directory = Path(path)
    if directory.is_file():
        records = _records_file(directory)
        by_stem = {Path(r["document"]["source"]).stem: r for r in records}
        by_hash = {r["document"].get("text_sha256"): r for r in records}
        predictions = {}
        for document in gold_docs:
            digest = (
                hashlib.sha256(document.text.encode("utf-8")).hexdigest()
                if document.text is not None else None
            )
            found = by_stem.get(document.stem) or by_hash.get(digest)
            if found is not None:
                predictions[document.document.path] = found
        return predictions
    predictions = {}
    for document in gold_docs:
        path = directory / f"{document.stem}.json"
        if path.is_file():
            with open(path, encoding="utf-8") as handle:
                predictions[document.document.path] = json.load(handle)
    return predictions


def predict(gold_docs: Iterable[GoldDocument], shared: Path | None = None) -> dict[str, Any]:
    """Run the pipeline on each gold document (contract-v1 dicts by path)."""
    # Imported here: the pipeline loads heavy models, and the evaluator must
    # stay usable on saved predictions without them.
    from pipeline.export import to_dict
    from pipeline.extraction import extract

    shared = gold_module.shared_dir() if shared is None else Path(shared)
    return {
        document.document.path: to_dict(extract(shared / document.document.path))
        for document in gold_docs
    }


def run_evaluation(
    annotations: Path | str | None = None,
    part: str = "dev",
    mode: str = "lenient",
    predictions: Path | str | Mapping[str, Any] | None = None,
    shared: Path | str | None = None,
) -> EvaluationReport:
    """Load the gold files of ``part`` and score the pipeline on them.

    ``predictions`` is a folder of saved ``<stem>.json`` files, the JSON
    Lines file ``vntasks extract`` wrote, a mapping as :func:`evaluate`
    takes, or ``None`` to run ``pipeline.extract`` now.
    Raises :class:`pipeline.gold.SharedFolderMissing` without the documents.
    """
    shared_path = gold_module.shared_dir() if shared is None else Path(shared)
    if not shared_path.is_dir():
        raise gold_module.SharedFolderMissing(f"shared folder not found: {shared_path}")
    gold_docs = gold_module.load_gold_dir(
        None if annotations is None else Path(annotations),
        part,
        with_text=True,
        shared=shared_path,
    )
    if predictions is None:
        found = predict(gold_docs, shared_path)
    elif isinstance(predictions, Mapping):
        found = dict(predictions)
    else:
        found = load_predictions(predictions, gold_docs)
    report = evaluate(gold_docs, found, mode)
    report.part = part
    return report
