"""End-to-end runs over every shared directive (issues 2 and 5).

Slow: every document of ../shared is extracted once per session. They check
what must hold on any document, not figures (``vntasks evaluate`` measures
those): outputs validate, every span slices to its text, and no task comes
from the parts of a directive that hold none (legal basis, targets,
recipients, signature block).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.export import to_dict, validate
from pipeline.extraction import extract
from pipeline.gold import shared_dir
from pipeline.resources import load_yaml

SHARED = shared_dir(required=False)
# A heading's own number ("II.", "1.2.", "a)") before its title.
_MARKER = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s*")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SHARED is None or not Path(SHARED).is_dir(),
        reason="../shared (the shared real directives) is not beside the clone",
    ),
]


def _documents() -> list[Path]:
    if SHARED is None or not Path(SHARED).is_dir():
        return []
    root = Path(SHARED)
    return sorted((root / "real-directives").glob("*.txt")) + sorted((root / "seed").glob("*.txt"))


@pytest.fixture(scope="module", params=_documents(), ids=lambda p: p.stem[:40])
def extracted(request: pytest.FixtureRequest) -> tuple[str, dict]:
    result = extract(request.param)
    return result.text, to_dict(result)


def test_extraction_corpus_validates_and_slices(extracted: tuple[str, dict]) -> None:
    text, record = extracted
    validate(record)
    for task in record["tasks"]:
        start, end = task["span"]
        assert text[start:end] == task["description"]
        for body in task["responsible"]:
            if body["span"] is not None:
                s, e = body["span"]
                assert text[s:e].strip()
        if task["deadline"] and task["deadline"]["span"]:
            s, e = task["deadline"]["span"]
            assert text[s:e] == task["deadline"]["text"]


def _line_of(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)].strip()


def test_extraction_corpus_no_task_from_parts_without_tasks(extracted: tuple[str, dict]) -> None:
    text, record = extracted
    structure = load_yaml("structure.yaml")
    # The legal basis cites what it rests on ("Căn cứ Luật …", "Theo đề nghị
    # của …"); "Căn cứ tình hình thực tế, các cơ quan … tổ chức …" opens an
    # order (kh_174-kh-ubnd's gold), so the opener alone does not decide.
    cited = [
        f"{opener} {what}"
        for opener in structure["basis_openers"]
        for what in structure["basis_objects"]
    ]
    legal_basis = tuple(["xét đề nghị", "theo đề nghị", *cited])
    for task in record["tasks"]:
        line = _line_of(text, task["span"][0]).lower()
        assert not line.startswith(legal_basis), f"task from the legal basis: {line[:80]}"
        assert not line.startswith("nơi nhận"), f"task from the recipients: {line[:80]}"
        section = task["section"] or ""
        for heading in section.split(" > "):
            title = _MARKER.sub("", heading).strip().lower()
            assert not title.startswith(("mục tiêu", "căn cứ", "nơi nhận")), (
                f"task from a section without tasks {heading!r}: {task['description'][:60]}"
            )
        tail = [t for t in structure["tail_openers"] if t.strip().endswith(":")]
        assert not any(line.startswith(t) for t in tail)


def test_extraction_corpus_finds_tasks(extracted: tuple[str, dict]) -> None:
    _, record = extracted
    assert record["tasks"], "every shared directive assigns work"
