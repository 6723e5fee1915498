"""The whole wild corpus as a smoke test (issue 12, point 6).

Slow: every document of ../shared/corpus-wild (403 real official documents of
every kind) is extracted once, one module-scoped fixture per document, and
must keep what holds on any input: it does not raise; its record validates
against the JSON schema (with and without the text); every span slices to
its text; task ids are unique within it; and a second run gives the same ids.
Figures (records, leads, speed) are ``benchmarks/bench_corpus_wild.py``'s.

Some of these documents are the sealed test part (``annotations/draw.tsv``),
so a failure names the file and the broken invariant, never the text: the
checks compare in plain Python and assert on what they found, so pytest has
no strings of the document to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from pipeline.export import to_dict, validate
from pipeline.extraction import extract
from pipeline.gold import annotations_dir, shared_dir
from pipeline.model import DocumentResult
from pipeline.sampling import read_draw

WILD = shared_dir(required=False) / "corpus-wild"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not WILD.is_dir(),
        reason=f"the wild corpus ../shared/corpus-wild is not beside the clone ({WILD})",
    ),
]


def _documents() -> list[Path]:
    return sorted(WILD.glob("*.txt")) if WILD.is_dir() else []


def _sealed() -> frozenset[str]:
    path = annotations_dir() / "draw.tsv"
    if not path.is_file():
        return frozenset()
    return frozenset(c.file for c in read_draw(path) if c.part == "test")


@dataclass
class Extracted:
    path: Path
    result: DocumentResult | None = None
    error: str | None = None


def _describe(error: Exception, path: Path) -> str:
    if path.name in _sealed():
        return f"{type(error).__name__} (message withheld: sealed test document)"
    return f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"


@pytest.fixture(scope="module", params=_documents(), ids=lambda path: path.name)
def extracted(request: pytest.FixtureRequest) -> Extracted:
    path = request.param
    try:
        return Extracted(path, result=extract(path))
    except Exception as error:  # noqa: BLE001 - test_corpus_wild_extracts reports it
        return Extracted(path, error=_describe(error, path))


def _result(extracted: Extracted) -> DocumentResult:
    if extracted.result is None:
        pytest.fail(f"{extracted.path.name}: no result, extraction raised {extracted.error}")
    return extracted.result


def test_corpus_wild_extracts(extracted: Extracted) -> None:
    assert extracted.error is None, f"{extracted.path.name}: {extracted.error}"


def test_corpus_wild_validates(extracted: Extracted) -> None:
    result = _result(extracted)
    for with_text in (False, True):
        try:
            validate(to_dict(result, with_text=with_text))
            broken = None
        except jsonschema.ValidationError as error:
            # Where and which rule, not the offending value: it may be text.
            broken = f"{'/'.join(map(str, error.absolute_path))} breaks {error.validator!r}"
        assert broken is None, f"{extracted.path.name} (with_text={with_text}): {broken}"


def _span_problems(result: DocumentResult) -> list[str]:
    """The same invariants as ``checks.check_result``, as names of what broke."""
    text = result.text
    problems = []
    for number, task in enumerate(result.tasks):
        where = f"task {number} ({task.id})"
        if text[task.span[0] : task.span[1]] != task.description:
            problems.append(f"{where}: description span")
        if text[task.sentence_span[0] : task.sentence_span[1]] != task.sentence:
            problems.append(f"{where}: sentence span")
        for body in task.responsible:
            # A resolved back-reference keeps its own span ("Ban") and the
            # name of the body it refers to.
            if body.span is None or "resolved_reference" in task.flags:
                continue
            if text[body.span[0] : body.span[1]] != body.name:
                problems.append(f"{where}: {body.role} body span {list(body.span)}")
        deadline = task.deadline
        if deadline is not None and deadline.span is not None:
            if text[deadline.span[0] : deadline.span[1]] != deadline.text:
                problems.append(f"{where}: deadline span {list(deadline.span)}")
    return problems


def test_corpus_wild_spans_slice_to_their_text(extracted: Extracted) -> None:
    problems = _span_problems(_result(extracted))
    assert not problems, f"{extracted.path.name}: " + "; ".join(problems)


def test_corpus_wild_task_ids_are_unique(extracted: Extracted) -> None:
    ids = [task.id for task in _result(extracted).tasks]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, f"{extracted.path.name}: repeated task ids {repeated}"


def test_corpus_wild_second_run_gives_the_same_ids(extracted: Extracted) -> None:
    first = _result(extracted)
    second = extract(extracted.path)
    same_document = second.document.id == first.document.id
    same_tasks = [t.id for t in second.tasks] == [t.id for t in first.tasks]
    assert same_document and same_tasks, f"{extracted.path.name}: ids differ between runs"
