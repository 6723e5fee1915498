"""``docs/trackers.md`` holds to the program: its JSON example is what
``vntasks extract`` writes today and meets the strict schema, every id it
shows is an id of the current version, its error line meets the error-line
schema, and its importer, run as written, upserts by task id and marks what
a new version of the document dropped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from checks import ROOT

from pipeline.export import error_schema, to_dict, validate
from pipeline.extraction import extract

DOC = (ROOT / "docs" / "trackers.md").read_text(encoding="utf-8")
SAMPLE = "corpus/thong-bao-ket-luan-mau.txt"
NEWS = "corpus/tin-bao-mau-chi-thi.txt"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC, re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return {name: to_dict(extract(ROOT / name)) for name in (SAMPLE, NEWS)}


def test_trackers_json_example_is_the_current_output(records) -> None:
    (block,) = _blocks("json")
    example = json.loads(block)
    validate(example)
    current = records[SAMPLE]
    assert example["schema_version"] == current["schema_version"]
    assert {**example["document"], "source": None} == {**current["document"], "source": None}
    assert example["document"]["source"] == SAMPLE
    (task,) = example["tasks"]
    assert task in current["tasks"]


def test_trackers_every_id_shown_is_current(records) -> None:
    documents = {r["document"]["id"] for r in records.values()}
    tasks = {t["id"] for r in records.values() for t in r["tasks"]}
    shown_tasks = set(re.findall(r"\b[0-9a-f]{16}-t[0-9a-f]{12}\b", DOC))
    shown_documents = set(re.findall(r"\b[0-9a-f]{16}\b(?!-t)", DOC))
    assert len(shown_tasks) >= 2
    assert shown_tasks <= tasks
    assert shown_documents == documents
    bases = {r["document"]["id"]: r["document"]["id_basis"] for r in records.values()}
    for doc_id, basis in bases.items():
        assert f'"id": "{doc_id}", "id_basis": "{basis}"' in DOC


def test_trackers_error_line_example_meets_its_schema() -> None:
    lines = re.findall(r'`(\{"document": \{"source": [^`]*"error": [^`]*\})`', DOC)
    assert lines
    for line in lines:
        jsonschema.validate(json.loads(line), error_schema(strict=True))


def test_trackers_importer_upserts_and_marks_stale(
    records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer of "Updating instead of duplicating", run as written on
    a batch, then on a new version of the sample with one task reworded."""
    (code,) = [b for b in _blocks("python") if "def import_record" in b]
    batch = [
        records[SAMPLE],
        records[NEWS],
        {"document": {"source": "missing.txt"}, "error": {"code": "not_found", "message": "x"}},
    ]
    (tmp_path / "tasks.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/trackers.md", "exec"), namespace)
    store, import_record = namespace["store"], namespace["import_record"]
    count = sum(len(r["tasks"]) for r in records.values())
    assert len(store["tasks"]) == count
    import_record(records[SAMPLE], store)  # the same version again
    assert len(store["tasks"]) == count
    assert not any(item.get("stale") for item in store["tasks"].values())

    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    edited = text.replace("xác định giá đất cụ thể", "xác định giá đất cụ thể, công khai", 1)
    assert edited != text
    amended = to_dict(extract(edited))
    assert amended["document"]["id"] == records[SAMPLE]["document"]["id"]
    import_record(amended, store)
    stale = [i for i, item in store["tasks"].items() if item.get("stale")]
    assert [store["tasks"][i]["description"] for i in stale] == [
        "xác định giá đất cụ thể để tính tiền bồi thường, trình Ủy ban nhân dân tỉnh phê duyệt"
    ]
    assert len(store["tasks"]) == count + 1
