"""Tests for the contract's schemas (``pipeline.export``): the reader's
schema accepts what a later 1.x adds, the strict variant catches anything our
own output should not hold, and every vocabulary the schema lists is the
one the code uses (one list, checked here, never kept twice by hand).

Records are extracted from the repository's own corpus sample.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipeline.assemble import _MARK_ORDER
from pipeline.errors import INPUT_MESSAGES
from pipeline.export import SCHEMA_VERSION, error_schema, schema, to_dict, validate
from pipeline.extraction import extract
from pipeline.ids import ID_BASES
from pipeline.metadata import doc_types
from pipeline.model import BODY_ROLES, DEADLINE_KINDS, FLAGS
from pipeline.rules import catalogue

SAMPLE = Path(__file__).parents[1] / "corpus" / "thong-bao-ket-luan-mau.txt"


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    made = to_dict(extract(SAMPLE))
    assert made["tasks"], "the sample gives tasks"
    assert any(t["responsible"] for t in made["tasks"])
    assert any(t["deadline"] for t in made["tasks"])
    return made


def _first(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(item for item in items if item[key])


Edit = Callable[[dict[str, Any]], None]


def _task(r: dict[str, Any]) -> dict[str, Any]:
    return r["tasks"][0]


def _body(r: dict[str, Any]) -> dict[str, Any]:
    return _first(r["tasks"], "responsible")["responsible"][0]


def _deadline(r: dict[str, Any]) -> dict[str, Any]:
    return _first(r["tasks"], "deadline")["deadline"]


# What a later 1.y may add: a field anywhere, a value of an open vocabulary.
ADDITIONS: list[tuple[str, Edit]] = [
    ("top-level field", lambda r: r.update(provenance={"pipeline": "x"})),
    ("generator field", lambda r: r["generator"].update(commit="abc")),
    ("document field", lambda r: r["document"].update(language="vi")),
    ("task field", lambda r: _task(r).update(priority=2)),
    ("body field", lambda r: _body(r).update(confidence=0.9)),
    ("deadline field", lambda r: _deadline(r).update(timezone="Asia/Ho_Chi_Minh")),
    ("evidence field", lambda r: _task(r)["evidence"].update(status=[])),
    ("new flag", lambda r: _task(r)["flags"].append("from_appendix")),
    ("new doc_type", lambda r: r["document"].update(doc_type="Tờ trình")),
    ("later minor", lambda r: r.update(schema_version="1.9")),
]


@pytest.mark.parametrize(("name", "edit"), ADDITIONS, ids=[a[0] for a in ADDITIONS])
def test_export_reader_schema_accepts_later_additions(
    record: dict[str, Any], name: str, edit: Edit
) -> None:
    """A record of a later 1.y validates against this 1.x reader's schema;
    the strict variant, for our own output, refuses it."""
    later = copy.deepcopy(record)
    edit(later)
    jsonschema.validate(later, schema())
    validate(later, strict=False)
    with pytest.raises(jsonschema.ValidationError):
        validate(later)


def test_export_reader_schema_accepts_earlier_minor(record: dict[str, Any]) -> None:
    """A 1.2 record (no id_basis) still meets the reader's contract."""
    earlier = copy.deepcopy(record)
    earlier["schema_version"] = "1.2"
    del earlier["document"]["id_basis"]
    validate(earlier, strict=False)
    with pytest.raises(jsonschema.ValidationError):
        validate(earlier)


def _rename(item: dict[str, Any], name: str, typo: str) -> None:
    item[typo] = item.pop(name)


# Typos and breaches in our own output: the strict schema catches them all.
TYPOS: list[tuple[str, Edit, bool]] = [
    # (name, edit, also caught by the reader's schema)
    ("misspelt optional field", lambda r: _rename(r["document"], "addressees", "adressees"), False),
    ("misspelt evidence", lambda r: _rename(_task(r), "evidence", "evidance"), False),
    ("misspelt required field", lambda r: _rename(_task(r), "description", "descripton"), True),
    ("unknown flag", lambda r: _task(r)["flags"].append("no_leed"), False),
    ("unknown doc_type", lambda r: r["document"].update(doc_type="Cong van"), False),
    ("unknown deadline kind", lambda r: _deadline(r).update(kind="soon"), True),
    ("unknown role", lambda r: _body(r).update(role="owner"), True),
    ("unknown id basis", lambda r: r["document"].update(id_basis="title"), True),
    ("major version", lambda r: r.update(schema_version="2.0"), True),
    ("span as text", lambda r: _task(r).update(span="0-10"), True),
]


@pytest.mark.parametrize(("name", "edit", "reader"), TYPOS, ids=[t[0] for t in TYPOS])
def test_export_strict_schema_catches_typos(
    record: dict[str, Any], name: str, edit: Edit, reader: bool
) -> None:
    validate(record)
    broken = copy.deepcopy(record)
    edit(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    if reader:
        with pytest.raises(jsonschema.ValidationError):
            validate(broken, strict=False)
    else:
        validate(broken, strict=False)


def test_export_record_is_version_and_basis(record: dict[str, Any]) -> None:
    assert record["schema_version"] == SCHEMA_VERSION
    assert record["document"]["id_basis"] in ID_BASES
    assert "additionalProperties" not in schema()
    assert schema(strict=True)["additionalProperties"] is False


def _enum(defs: dict[str, Any], name: str) -> list[str]:
    return defs["$defs"][name]["enum"]


def _rule_flags() -> set[str]:
    return {flag for rule in catalogue().values() for flag in rule.flags}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("doc_type", lambda: list(doc_types())),
        ("deadline_kind", lambda: list(DEADLINE_KINDS)),
        ("role", lambda: list(BODY_ROLES)),
        ("flag", lambda: list(FLAGS)),
    ],
)
def test_export_schema_vocabularies_are_the_codes(name: str, code: Callable[[], list[str]]) -> None:
    assert _enum(schema(), name) == code()


def test_export_schema_id_basis_and_error_codes_are_the_codes() -> None:
    assert schema()["properties"]["document"]["properties"]["id_basis"]["enum"] == list(ID_BASES)
    assert _enum(error_schema(), "code") == list(INPUT_MESSAGES)


def test_export_flags_cover_what_the_stages_and_rules_make() -> None:
    assert _rule_flags() <= set(FLAGS)
    assert set(_MARK_ORDER) <= set(FLAGS)
    assert len(set(FLAGS)) == len(FLAGS)


ERROR_LINE = {
    "document": {"source": "a.txt"},
    "error": {"code": "empty", "message": "the file is empty"},
}


@pytest.mark.parametrize(
    ("edit", "strict_ok", "reader_ok"),
    [
        (lambda e: None, True, True),
        (lambda e: e["error"].update(code="scanned_pdf"), False, True),
        (lambda e: e.update(schema_version="1.4"), False, True),
        (lambda e: e["error"].update(message=""), False, False),
        (lambda e: e["document"].pop("source"), False, False),
        (lambda e: e.pop("error"), False, False),
    ],
)
def test_export_error_line_schema(edit: Edit, strict_ok: bool, reader_ok: bool) -> None:
    line = copy.deepcopy(ERROR_LINE)
    edit(line)
    for strict, ok in ((True, strict_ok), (False, reader_ok)):
        if ok:
            jsonschema.validate(line, error_schema(strict))
        else:
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(line, error_schema(strict))
