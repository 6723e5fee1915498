"""Gold files: every file in annotations/ validates against its document, the
split is complete, and the validator catches each kind of slip (hand-made
broken files in a temporary shared folder)."""

from __future__ import annotations

import copy
import json
import re

import pytest
import typer
from typer.testing import CliRunner

from pipeline import gold
from pipeline.cli.annotations import register

try:
    SHARED = gold.shared_dir()
except gold.SharedFolderMissing as missing:
    SHARED = None
    WHY = f"{missing}; the gold files refer to documents there"
else:
    WHY = ""
needs_shared = pytest.mark.skipif(SHARED is None, reason=WHY)

GOLD_FILES = gold.gold_files()

TEXT = "1. Sở Tư pháp chủ trì xây dựng kế hoạch, hoàn thành trước ngày 30/6/2019.\n"


def at(surface: str) -> dict:
    start = TEXT.index(surface)
    return {"text": surface, "start": start, "end": start + len(surface)}


GOOD = {
    "format": "vntasks-gold/1",
    "document": {
        "path": "real-directives/99_kh-test.txt",
        "kind": "ke_hoach",
        "doc_type": "Kế hoạch",
        "number": None,
        "title": None,
        "issuer": None,
        "signer": None,
        "issued_date": "2019-01-02",
    },
    "annotator": "test",
    "notes": "",
    "tasks": [
        {
            "description": at("xây dựng kế hoạch"),
            "lead": [at("Sở Tư pháp")],
            "support": [],
            "deadline": {**at("trước ngày 30/6/2019"), "kind": "date", "due": "2019-06-30"},
            "optional": False,
            "comment": "",
        }
    ],
}


@pytest.fixture
def shared(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    (folder / "real-directives").mkdir(parents=True)
    (folder / "real-directives" / "99_kh-test.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv(gold.SHARED_ENV, str(folder))
    return folder


def write(tmp_path, data, name="99_kh-test.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- the real gold files ---------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_validates(path):
    assert gold.validate(path) == []


@needs_shared
def test_gold_split_names_shared_documents():
    documents = {p.stem for p in SHARED.glob("*/*.txt")}
    split = gold.read_split()
    assert set(split) <= documents
    assert set(split.values()) <= set(gold.SPLIT_PARTS)
    assert "dev" in split.values()


def test_gold_every_file_has_a_part():
    split = gold.read_split()
    assert [p.stem for p in GOLD_FILES if p.stem not in split] == []


@needs_shared
def test_gold_load_dir_by_part():
    split = gold.read_split()
    dev = gold.load_gold_dir(part="dev")
    assert all(split[d.stem] == "dev" for d in dev)
    parts = [gold.load_gold_dir(part=part) for part in gold.SPLIT_PARTS]
    assert sum(len(documents) for documents in parts) == len(GOLD_FILES)


# --- the validator ---------------------------------------------------------------


def test_gold_valid_file_has_no_errors(shared, tmp_path):
    assert gold.validate(write(tmp_path, GOOD)) == []


def test_gold_round_trips_through_dataclasses():
    assert gold.to_dict(gold.from_dict(GOOD)) == GOOD


def _break(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BROKEN = [
    ("offset off by one", _set(["tasks", 0, "description", "start"], 4), "does not match"),
    ("text not in place", _set(["tasks", 0, "lead", 0, "text"], "Sở Tư Pháp"), "does not match"),
    ("past the end", _set(["tasks", 0, "description", "end"], 999), "past the end"),
    ("end before start", _set(["tasks", 0, "description", "end"], 1), "greater than start"),
    ("unknown document kind", _set(["document", "kind"], "plan"), "document.kind"),
    ("unknown deadline kind", _set(["tasks", 0, "deadline", "kind"], "soon"), "deadline.kind"),
    ("bad date", _set(["tasks", 0, "deadline", "due"], "30/06/2019"), "YYYY-MM-DD"),
    ("bad issue date", _set(["document", "issued_date"], "2019-13-01"), "issued_date"),
    ("dated kind without due", _set(["tasks", 0, "deadline", "due"], None), "needs a due"),
    ("undated kind with due", _set(["tasks", 0, "deadline", "kind"], "ongoing"), "has no due"),
    ("typo in a field", _set(["tasks", 0, "suport"], []), "unknown field 'suport'"),
    ("wrong format", _set(["format"], "vntasks-gold/2"), "format"),
    ("missing deadline key", lambda d: d["tasks"][0].pop("deadline"), "missing field 'deadline'"),
    ("missing metadata key", lambda d: d["document"].pop("signer"), "missing field 'signer'"),
    ("optional not bool", _set(["tasks", 0, "optional"], "yes"), "true or false"),
    (
        "resolved body with offsets",
        _set(
            ["tasks", 0, "lead", 0],
            {"text": "Sở", "start": 3, "end": 5, "resolved_from": at("Sở Tư pháp")},
        ),
        "resolved body",
    ),
    (
        "resolved_from off its text",
        _set(
            ["tasks", 0, "lead", 0],
            {
                "text": "Sở Tư pháp",
                "start": None,
                "end": None,
                "resolved_from": {"text": "Ban", "start": 0, "end": 3},
            },
        ),
        "resolved_from",
    ),
]


@pytest.mark.parametrize(("case", "change", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_gold_validator_catches(shared, tmp_path, case, change, expected):
    errors = gold.validate(write(tmp_path, _break(change)))
    assert errors, case
    assert any(expected in error for error in errors), errors


def test_gold_validator_checks_file_name(shared, tmp_path):
    [error] = gold.validate(write(tmp_path, GOOD, name="other.json"))
    assert "99_kh-test.json" in error


def test_gold_resolved_back_reference_is_valid(shared, tmp_path):
    data = _break(
        _set(
            ["tasks", 0, "lead", 0],
            {"text": "Ban Tổ chức Thành ủy", "start": None, "end": None, "resolved_from": at("Sở")},
        )
    )
    assert gold.validate(write(tmp_path, data)) == []


def test_gold_shared_dir_from_environment(shared, monkeypatch, tmp_path):
    assert gold.shared_dir() == shared
    monkeypatch.setenv(gold.SHARED_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(gold.SharedFolderMissing, match="VNTASKS_SHARED"):
        gold.shared_dir()


def test_gold_split_rejects_unknown_part(tmp_path):
    path = tmp_path / "split.tsv"
    path.write_text("stem\tpart\na\ttrain\n", encoding="utf-8")
    with pytest.raises(ValueError, match="train"):
        gold.read_split(path)


# --- vntasks annotations validate ---------------------------------------------------


@pytest.fixture
def app():
    app = typer.Typer(callback=lambda: None)
    register(app)
    return app


def test_gold_cli_validate_ok(shared, tmp_path, app):
    result = CliRunner().invoke(app, ["annotations", "validate", str(write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "1 file(s) valid" in result.output


def test_gold_cli_validate_reports_each_error(shared, tmp_path, app):
    data = _break(_set(["tasks", 0, "description", "start"], 4))
    data["document"]["kind"] = "plan"
    result = CliRunner().invoke(app, ["annotations", "validate", str(write(tmp_path, data))])
    assert result.exit_code == 1
    assert result.stdout.count("99_kh-test.json: ") == 2


def test_gold_cli_validate_without_shared_exits_2(tmp_path, monkeypatch, app):
    monkeypatch.setenv(gold.SHARED_ENV, str(tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["annotations", "validate", str(write(tmp_path, GOOD))])
    assert result.exit_code == 2
    assert "shared folder not found" in result.output


# --- the test parts stay unseen ----------------------------------------------------

_MEASURED_ONLY = ("test", "old-test")


def _citation_keys(stem: str) -> set[str]:
    """The strings by which a rule could cite a document: its stem, the short
    key of a real-directives stem (``04_qd``), the hash of a corpus-wild stem,
    and the document's number as its gold file gives it."""
    keys = {stem}
    short = re.match(r"^\d+_[a-z]+", stem)
    if short:
        keys.add(short.group(0))
    digest = re.search(r"[0-9a-f]{16}$", stem)
    if digest:
        keys.add(digest.group(0))
    path = gold.annotations_dir() / f"{stem}.json"
    if path.exists():
        number = json.loads(path.read_text(encoding="utf-8"))["document"].get("number")
        if number and len(number) >= 5:
            keys.add(number)
    return keys


def _citations(folder, stems) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".yaml", ".jsonl", ".json", ".md"}:
            continue
        text = path.read_text(encoding="utf-8")
        for stem in stems:
            for key in _citation_keys(stem):
                if re.search(rf"(?<![0-9A-Za-z]){re.escape(key)}(?![0-9A-Za-z])", text):
                    found.append(f"{path}: {key} ({stem})")
    return found


def test_gold_no_rule_or_resource_cites_a_measured_document():
    split = gold.read_split()
    stems = [stem for stem, part in split.items() if part in _MEASURED_ONLY]
    assert _citations(gold.REPO_ROOT / "pipeline", stems) == []


def test_gold_no_test_names_a_document_of_the_drawn_test_part():
    # The old test part's phrases were in the tests' tables before it was
    # retired; the drawn part must never reach them.
    split = gold.read_split()
    stems = [stem for stem, part in split.items() if part == "test"]
    assert _citations(gold.REPO_ROOT / "tests", stems) == []
