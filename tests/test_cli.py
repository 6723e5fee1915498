"""Tests for the ``vntasks`` command line through typer's CliRunner:
``extract`` (one JSON object, JSON Lines, ``-o``, errors, ``--issued``,
``--with-text``) and ``schema``. Inputs are the repository's own corpus
samples and files written in a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import SCHEMA_VERSION, error_schema, schema, validate
from pipeline.metadata import doc_types

CORPUS = Path(__file__).parents[1] / "corpus"
SAMPLE = CORPUS / "thong-bao-ket-luan-mau.txt"
OTHER = CORPUS / "tin-bao-mau-chi-thi.txt"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _stdout(result) -> str:
    return result.stdout


def _stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_cli_extract_one_json_object(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    record = json.loads(_stdout(result))
    assert isinstance(record, dict)
    validate(record)
    assert record["schema_version"] == SCHEMA_VERSION == "1.3"
    assert record["document"]["source"] == str(SAMPLE)
    assert record["tasks"]
    assert "text" not in record["document"]
    text = SAMPLE.read_text(encoding="utf-8")
    for task in record["tasks"]:
        assert text[task["span"][0] : task["span"][1]] == task["description"]


def test_cli_extract_two_inputs_json_lines(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE), str(OTHER)])
    assert result.exit_code == 0, result.output
    lines = [line for line in _stdout(result).splitlines() if line.strip()]
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        validate(record)
    assert [r["document"]["source"] for r in records] == [str(SAMPLE), str(OTHER)]


def test_cli_extract_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["extract", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _stdout(result).strip() == ""
    record = json.loads(out.read_text(encoding="utf-8"))
    validate(record)
    assert record["document"]["source"] == str(SAMPLE)


def test_cli_extract_output_file_jsonl(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(SAMPLE), str(OTHER), "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        validate(json.loads(line))


def test_cli_extract_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.txt"
    result = runner.invoke(app, ["extract", str(missing)])
    assert result.exit_code == 1
    errors = _stderr_lines(result)
    assert len(errors) == 1
    assert str(missing) in errors[0]
    assert "no such file" in errors[0]
    assert "Traceback" not in result.output
    assert _stdout(result).strip() == ""


@pytest.mark.parametrize("content", ["", "   \n\n  "], ids=["empty", "whitespace"])
def test_cli_extract_empty_file(runner: CliRunner, tmp_path: Path, content: str) -> None:
    path = tmp_path / "trong.txt"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    errors = _stderr_lines(result)
    assert len(errors) == 1
    assert str(path) in errors[0]
    assert "Traceback" not in result.output


def test_cli_extract_one_failed_of_two(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.txt"
    result = runner.invoke(app, ["extract", str(SAMPLE), str(missing)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in _stdout(result).splitlines() if line.strip()]
    assert len(lines) == 2
    validate(lines[0])
    assert "error" in lines[1]
    assert "Traceback" not in result.output


ISSUED = [
    # (value, the one line on stderr): a date written otherwise, and one
    # written right that does not exist, which gets its own message (issue 14).
    ("13/07/2018", "error: --issued: must be a date written YYYY-MM-DD, got '13/07/2018'"),
    ("hôm nay", "error: --issued: must be a date written YYYY-MM-DD, got 'hôm nay'"),
    ("2025-02-30", "error: --issued: 2025-02-30 does not exist: month 2 of 2025 has 28 days"),
    ("2023-02-29", "error: --issued: 2023-02-29 does not exist: month 2 of 2023 has 28 days"),
    ("2025-04-31", "error: --issued: 2025-04-31 does not exist: month 4 of 2025 has 30 days"),
    ("2018-13-01", "error: --issued: 2018-13-01 does not exist: there is no month 13"),
]


@pytest.mark.parametrize(("value", "line"), ISSUED)
@pytest.mark.parametrize("command", [["extract", str(SAMPLE)], ["deadline", "trước 15/10"]])
def test_cli_bad_issued(runner: CliRunner, command: list[str], value: str, line: str) -> None:
    result = runner.invoke(app, [*command, "--issued", value])
    assert result.exit_code == 2
    assert _stderr_lines(result) == [line]
    assert _stdout(result) == ""


def test_cli_issued_leap_day_is_a_date(runner: CliRunner) -> None:
    result = runner.invoke(app, ["deadline", "trước 15/10", "--issued", "2024-02-29"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["due"] == "2024-10-15"


def test_cli_version(runner: CliRunner) -> None:
    import tomllib

    from pipeline import __version__

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"vntasks {__version__}\n"
    assert project["project"]["version"] == __version__


def test_cli_unreadable_input_is_one_line(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Giao Sở Nội vụ rà soát.", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    assert _stderr_lines(result) == [
        f"error: {path}: the file cannot be read (Permission denied)"
    ]


def test_cli_extract_issued_used_when_text_has_none(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_text("Sở Tư pháp rà soát văn bản trong 30 ngày kể từ ngày ký.\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--issued", "2025-11-20"])
    assert result.exit_code == 0, result.output
    record = json.loads(_stdout(result))
    validate(record)
    assert record["document"]["issued_date"] == "2025-11-20"
    (task,) = record["tasks"]
    assert task["deadline"]["kind"] == "relative"
    assert task["deadline"]["due"] == "2025-12-20"


def test_cli_extract_with_text(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE), "--with-text"])
    assert result.exit_code == 0, result.output
    record = json.loads(_stdout(result))
    validate(record)
    text = SAMPLE.read_text(encoding="utf-8")
    assert record["document"]["text"] == text
    for task in record["tasks"]:
        assert record["document"]["text"][task["span"][0] : task["span"][1]] == task["description"]


def test_cli_schema_prints_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(_stdout(result))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "schema_version" in schema["properties"]
    assert set(schema["required"]) >= {"schema_version", "document", "tasks"}


def test_cli_schema_rejects_broken_record(runner: CliRunner) -> None:
    schema = json.loads(_stdout(runner.invoke(app, ["schema"])))
    record = json.loads(_stdout(runner.invoke(app, ["extract", str(SAMPLE)])))
    jsonschema.validate(record, schema)
    record["tasks"][0]["span"] = "0-10"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, schema)


def test_cli_extract_doc_type_and_number_replace_what_is_read(
    runner: CliRunner, tmp_path: Path
) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Kính gửi: Các Bộ, ngành.\n\nThực hiện Kết luận số 192-KL/TW của Bộ Chính trị, đề nghị "
        "các Bộ khẩn trương rà soát, báo cáo trước ngày 20/3/2026.\n",
        encoding="utf-8",
    )
    plain = json.loads(_stdout(runner.invoke(app, ["extract", str(letter)])))
    # The cited Kết luận is not this document: nothing is guessed, a warning says so.
    assert (plain["document"]["doc_type"], plain["document"]["number"]) == (None, None)
    assert any("--number" in warning for warning in plain["warnings"])
    given = runner.invoke(
        app, ["extract", str(letter), "--doc-type", "Công văn", "--number", "88/CV-BCĐ"]
    )
    assert given.exit_code == 0, given.output
    document = json.loads(_stdout(given))["document"]
    assert (document["doc_type"], document["number"]) == ("Công văn", "88/CV-BCĐ")


@pytest.mark.parametrize(
    ("given", "written", "id_basis"),
    [("Công văn", "Công văn", "number"), ("công  VĂN", "Công văn", "number")],
)
def test_cli_extract_doc_type_is_spelt_as_records_are(
    runner: CliRunner, tmp_path: Path, given: str, written: str, id_basis: str
) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Đề nghị các Bộ khẩn trương rà soát, báo cáo.\n", encoding="utf-8")
    result = runner.invoke(
        app, ["extract", str(letter), "--doc-type", given, "--number", "88/CV-BCĐ"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(_stdout(result))["document"]
    assert (document["doc_type"], document["id_basis"]) == (written, id_basis)


def test_cli_extract_unknown_doc_type_is_a_usage_error(runner: CliRunner) -> None:
    """doc_type is a closed vocabulary of the contract: a type the pipeline
    does not know is refused before anything is read."""
    result = runner.invoke(app, ["extract", str(SAMPLE), "--doc-type", "Tờ trình"])
    assert result.exit_code == 2
    assert _stderr_lines(result) == [
        f"error: --doc-type: unknown document type 'Tờ trình'; known types: "
        f"{', '.join(doc_types())}"
    ]
    assert _stdout(result) == ""


def test_cli_schema_error_prints_the_error_line_schema(runner: CliRunner) -> None:
    for strict in ([], ["--strict"]):
        result = runner.invoke(app, ["schema", "--error", *strict])
        assert result.exit_code == 0
        printed = json.loads(_stdout(result))
        jsonschema.Draft202012Validator.check_schema(printed)
        assert printed == error_schema(strict=bool(strict))
    assert json.loads(_stdout(runner.invoke(app, ["schema", "--strict"]))) == schema(strict=True)


BAD_INPUTS = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "whitespace_only"),
    ("data.txt", bytes(range(256)) * 8, "binary"),
    ("photo.txt", b"GIF89a" + b"\x00" * 64, "image"),
    # A PNG is read by OCR; a truncated one cannot be opened.
    ("scan.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "corrupt_image"),
    ("bundle.txt", b"PK\x03\x04 not really a zip", "archive"),
    ("missing.txt", None, "not_found"),
]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_cli_error_lines_of_bad_inputs_meet_their_schema(
    runner: CliRunner, tmp_path: Path, suffix: str
) -> None:
    """Real error lines (JSON Lines) and items (a JSON array) that vntasks
    extract writes for inputs it refuses validate against the error-line
    schema, strict and reader's, and the good document's against the records'."""
    inputs = [str(SAMPLE)]
    for name, content, _ in BAD_INPUTS:
        if content is not None:
            (tmp_path / name).write_bytes(content)
        inputs.append(str(tmp_path / name))
    target = tmp_path / f"out{suffix}"
    result = runner.invoke(app, ["extract", *inputs, "-o", str(target)])
    assert result.exit_code == 1
    text = target.read_text(encoding="utf-8")
    if suffix == ".jsonl":
        written = [json.loads(line) for line in text.splitlines()]
    else:
        written = json.loads(text)
    assert [w.get("error", {}).get("code") for w in written] == [
        None,
        *(code for _, _, code in BAD_INPUTS),
    ]
    validate(written[0])
    for line in written[1:]:
        jsonschema.validate(line, error_schema(strict=True))
        jsonschema.validate(line, error_schema())
        validate(line)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(line, schema())


@pytest.mark.parametrize(
    ("command", "name", "where"),
    [
        (["extract"], "out.json", "json"),
        (["extract"], "out.csv", "csv"),
        (["extract", "-f", "html"], "page.html", "review page"),
        (["review"], "page.html", "review page"),
    ],
)
def test_cli_summary_for_a_person(runner, tmp_path, command, name, where):
    """What make demo ends with (issue 14): documents, tasks, and where they
    went, instead of the whole JSON."""
    record = json.loads(_stdout(runner.invoke(app, ["extract", str(SAMPLE)])))
    tasks = record["tasks"]
    leads = sum(any(b["role"] == "lead" for b in t["responsible"]) for t in tasks)
    deadlines = sum(t["deadline"] is not None for t in tasks)
    target = tmp_path / name
    result = runner.invoke(app, [*command, str(SAMPLE), "-o", str(target), "--summary"])
    assert result.exit_code == 0, result.output
    assert _stdout(result).splitlines() == [
        f"1 document extracted, {len(tasks)} tasks ({leads} with a lead, "
        f"{deadlines} with a deadline)",
        f"{where}: {target}",
    ]
    assert target.stat().st_size > 0
