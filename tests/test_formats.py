"""Tests of the output formats (``pipeline/formats``) and of
``vntasks extract --format``.

Every format is read back with a real parser (json, pandas for csv, openpyxl
for xlsx, icalendar for ics) and compared with the JSON records. Where the
examples come from:
- a record built by hand below, in the wording of the shared directives, with
  one task of each shape a format must handle: dated, period, recurring with
  and without an anchor, undated, no deadline, several leads and supports;
- ``corpus/ke-hoach-mau-chuyen-doi-so-tinh-an-binh.txt``, the invented sample
  plan shipped in this repository, run end to end through the CLI.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.batch import Outcome
from pipeline.errors import VntasksError
from pipeline.export import to_dict, validate
from pipeline.formats import COLUMNS, render, to_csv, to_ics, to_xlsx, write_formatted
from pipeline.formats.ics import NO_DEADLINE
from pipeline.model import Body, Deadline, DeadlineValue, DocumentMeta, DocumentResult, Task

SAMPLE = Path(__file__).parents[1] / "corpus" / "ke-hoach-mau-chuyen-doi-so-tinh-an-binh.txt"
STAMP = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)

TEXT = (
    "Kế hoạch số 12/KH-UBND ngày 10/3/2025 của UBND tỉnh An Bình.\n"
    "1. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Sở Tư pháp rà soát "
    "thủ tục hành chính, hoàn thành trước ngày 30/6/2025.\n"
    "2. Sở Y tế báo cáo định kỳ hằng quý, trước ngày 20.\n"
    "3. Các sở, ngành thường xuyên kiểm tra, đôn đốc.\n"
    "4. Văn phòng UBND tỉnh tổng hợp ý kiến.\n"
    "5. Sở Công Thương báo cáo định kỳ hằng năm.\n"
    "6. Sở Xây dựng, Sở Giao thông vận tải =lập quy hoạch trong quý III/2025.\n"
)


def _span(surface: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(surface, after)
    return start, start + len(surface)


def _body(surface: str, role: str, canonical: str | None = None) -> Body:
    return Body(surface, role, canonical, _span(surface))


def _deadline(surface: str, kind: str, **value) -> Deadline:
    return Deadline(surface, _span(surface), DeadlineValue(kind, **value))


def _task(number: int, description: str, bodies: list[Body], deadline: Deadline | None) -> Task:
    line = next(line for line in TEXT.splitlines() if line.startswith(f"{number}. "))
    return Task(
        id=f"0123456789abcdef-t{number:012x}",
        description=description,
        span=_span(description),
        responsible=bodies,
        deadline=deadline,
        section="III" if number < 4 else None,
        sentence=line[3:],
        sentence_span=_span(line[3:]),
        flags=["no_lead"] if not any(b.role == "lead" for b in bodies) else [],
    )


def hand_made_result(issued: date | None = date(2025, 3, 10)) -> DocumentResult:
    tasks = [
        _task(
            1,
            "rà soát thủ tục hành chính",
            [
                _body("Sở Nội vụ", "lead"),
                _body("Sở Tài chính", "support"),
                _body("Sở Tư pháp", "support", "Sở Tư pháp tỉnh An Bình"),
            ],
            _deadline("trước ngày 30/6/2025", "date", due=date(2025, 6, 30)),
        ),
        _task(
            2,
            "báo cáo",
            [_body("Sở Y tế", "lead")],
            _deadline(
                "định kỳ hằng quý, trước ngày 20",
                "recurring",
                due=date(2025, 3, 20),
                rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20",
            ),
        ),
        _task(
            3,
            "kiểm tra, đôn đốc",
            [_body("Các sở, ngành", "lead")],
            _deadline("thường xuyên", "ongoing"),
        ),
        _task(4, "tổng hợp ý kiến", [_body("Văn phòng UBND tỉnh", "lead")], None),
        _task(
            5,
            "báo cáo định kỳ hằng năm",
            [],
            _deadline("định kỳ hằng năm", "recurring", rrule="FREQ=YEARLY"),
        ),
        _task(
            6,
            "=lập quy hoạch",
            [_body("Sở Xây dựng", "lead"), _body("Sở Giao thông vận tải", "lead")],
            _deadline(
                "trong quý III/2025",
                "period",
                start=date(2025, 7, 1),
                due=date(2025, 9, 30),
            ),
        ),
    ]
    meta = DocumentMeta(
        id="0123456789abcdef",
        source="tests/ke-hoach-12.txt",
        doc_type="Kế hoạch",
        number="12/KH-UBND",
        title=None,
        issuer="UBND tỉnh An Bình",
        signer=None,
        issued_date=issued,
        text_sha256="0" * 64,
    )
    return DocumentResult(meta, tasks, TEXT, ["a warning"])


@pytest.fixture
def record() -> dict:
    built = to_dict(hand_made_result(), with_text=True)
    validate(built)
    return built


def _names(task: dict, role: str) -> str:
    """One body a line: the names hold commas and may hold semicolons."""
    return "\n".join(b["canonical"] or b["name"] for b in task["responsible"] if b["role"] == role)


def expected_rows(records: list[dict]) -> list[dict]:
    """The table a spreadsheet should show, spelled out from the JSON records
    rather than by the code under test."""
    rows = []
    for record in records:
        document = record["document"]
        for task in record["tasks"]:
            deadline = task["deadline"] or {}
            rows.append(
                {
                    "task_id": task["id"],
                    "document_id": document["id"],
                    "document_type": document["doc_type"],
                    "document_number": document["number"],
                    "document_title": document["title"],
                    "issuer": document["issuer"],
                    "issued_date": document["issued_date"],
                    "task": task["description"],
                    "leads": _names(task, "lead"),
                    "supports": _names(task, "support"),
                    "deadline_text": deadline.get("text"),
                    "due": deadline.get("due"),
                    "start": deadline.get("start"),
                    "rrule": deadline.get("rrule"),
                    "kind": deadline.get("kind"),
                    "section": task["section"],
                    "flags": "; ".join(task["flags"]),
                    "source": document["source"],
                }
            )
    return rows


def read_csv(data: bytes) -> list[dict]:
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == COLUMNS
    return frame.to_dict(orient="records")


def _as_csv_shows(value: str | None) -> str:
    """What a csv cell must hold: blank for None, and a leading ' where a
    spreadsheet would run the text as a formula (OWASP, CSV injection)."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@\t\r" else value


def check_csv(data: bytes, records: list[dict]) -> None:
    assert data.startswith("\ufeff".encode())
    shown = [{k: _as_csv_shows(v) for k, v in row.items()} for row in expected_rows(records)]
    assert read_csv(data) == shown


def check_xlsx(data: bytes, records: list[dict]) -> None:
    sheet = load_workbook(io.BytesIO(data)).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header == COLUMNS
    expected = []
    for row in expected_rows(records):
        for column in ("issued_date", "due", "start"):
            if row[column]:
                row[column] = datetime.fromisoformat(row[column])
        expected.append(tuple(row[c] or None for c in COLUMNS))
    assert [tuple(v if v != "" else None for v in row) for row in rows] == expected


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def check_ics(data: bytes, records: list[dict]) -> None:
    calendar = Calendar.from_ical(data)
    assert str(calendar["version"]) == "2.0" and calendar.get("prodid")
    todos = {str(t["uid"]): t for t in calendar.walk("VTODO")}
    tasks = [(r["document"], t) for r in records for t in r["tasks"]]
    assert len(todos) == len(tasks), "one VTODO per task, UIDs unique"
    for document, task in tasks:
        todo = todos[task["id"]]
        deadline = task["deadline"]
        assert str(todo["summary"]) == task["description"]
        assert task["sentence"] in str(todo["description"])
        for body in task["responsible"]:
            assert (body["canonical"] or body["name"]) in str(todo["description"])
        assert str(todo["related-to"]) == document["id"]
        assert todo["related-to"].params["RELTYPE"] == "PARENT"
        assert todo.get("dtstamp") is not None
        categories = [str(c) for c in todo["categories"].cats]
        assert categories == [deadline["kind"] if deadline else NO_DEADLINE]
        due = _day(deadline and deadline["due"])
        if deadline and deadline["rrule"]:
            anchor = _day(deadline["start"]) or due or _day(document["issued_date"])
            if anchor is None:
                assert "rrule" not in todo and "dtstart" not in todo
            else:
                assert todo["rrule"].to_ical().decode() == deadline["rrule"]
                assert todo.decoded("dtstart") == anchor
                assert b"QUARTERLY" not in todo["rrule"].to_ical()
        else:
            assert "rrule" not in todo
            start = _day(deadline and deadline["start"])
            if start is not None and due is not None:
                assert todo.decoded("dtstart") == start
            else:
                assert "dtstart" not in todo
        if due is None:
            assert "due" not in todo
        else:
            assert todo.decoded("due") == due


def test_formats_csv_rows_match_records(record):
    check_csv(to_csv([record]), [record])


def test_formats_csv_reads_as_vietnamese_with_bom(record):
    data = to_csv([record])
    assert data[:3] == b"\xef\xbb\xbf"
    assert "Sở Tư pháp tỉnh An Bình" in data.decode("utf-8-sig")


def test_formats_xlsx_rows_match_records(record):
    check_xlsx(to_xlsx([record]), [record])


def test_formats_xlsx_keeps_text_that_looks_like_a_formula(record):
    sheet = load_workbook(io.BytesIO(to_xlsx([record]))).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=lập quy hoạch")
    assert cell.data_type == "s"


def test_formats_xlsx_dates_are_date_cells(record):
    sheet = load_workbook(io.BytesIO(to_xlsx([record]))).active
    due = sheet.cell(row=2, column=COLUMNS.index("due") + 1)
    assert due.is_date and due.value == datetime(2025, 6, 30)


def test_formats_ics_every_task_matches(record):
    check_ics(to_ics([record], stamp=STAMP), [record])


@pytest.mark.parametrize(
    ("task_index", "dtstart", "due", "rrule"),
    [
        (1, date(2025, 3, 20), date(2025, 3, 20), "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20"),
        # No start or due: the issue date anchors the rule.
        (4, date(2025, 3, 10), None, "FREQ=YEARLY"),
    ],
)
def test_formats_ics_recurring_tasks_have_rrule_and_dtstart(
    record, task_index, dtstart, due, rrule
):
    calendar = Calendar.from_ical(to_ics([record], stamp=STAMP))
    todo = calendar.walk("VTODO")[task_index]
    assert todo.decoded("dtstart") == dtstart
    assert todo.get("due") is None if due is None else todo.decoded("due") == due
    assert todo["rrule"].to_ical().decode() == rrule


def test_formats_ics_recurring_without_any_date_has_no_rrule():
    unanchored = to_dict(hand_made_result(issued=None))
    check_ics(to_ics([unanchored], stamp=STAMP), [unanchored])
    yearly = Calendar.from_ical(to_ics([unanchored], stamp=STAMP)).walk("VTODO")[4]
    assert "rrule" not in yearly and [str(c) for c in yearly["categories"].cats] == ["recurring"]


def test_formats_ics_is_identical_for_identical_records(record):
    assert to_ics([record], stamp=STAMP) == to_ics([record], stamp=STAMP)
    assert b"\r\n" in to_ics([record], stamp=STAMP)


def test_formats_skip_records_that_failed(record):
    failed = {"document": {"source": "x.txt"}, "error": {"code": "empty", "message": "…"}}
    assert to_csv([record, failed]) == to_csv([record])
    assert to_ics([failed, record], stamp=STAMP) == to_ics([record], stamp=STAMP)


def test_formats_write_formatted_is_atomic_and_keeps_a_good_file_when_all_fail(tmp_path, record):
    target = tmp_path / "out.csv"
    summary = write_formatted([Outcome("a.txt", record=record)], "csv", target)
    assert summary.ok == 1 and target.read_bytes() == render("csv", [record])
    failure = Outcome("b.txt", error=VntasksError("empty", "b.txt"))
    summary = write_formatted([failure], "csv", target)
    assert summary.ok == 0 and [f.source for f in summary.failed] == ["b.txt"]
    assert target.read_bytes() == render("csv", [record])
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"], "no temporary file left behind"


def test_formats_write_formatted_to_a_binary_stream(record):
    stream = io.BytesIO()
    write_formatted([Outcome("a.txt", record=record)], "xlsx", stdout=stream)
    check_xlsx(stream.getvalue(), [record])


# End to end through the CLI, on the sample plan.


@pytest.fixture(scope="module")
def app():
    from pipeline.cli import app

    return app


@pytest.fixture(scope="module")
def sample_json(app, tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("json") / "sample.json"
    result = CliRunner().invoke(app, ["extract", str(SAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    record = json.loads(target.read_text("utf-8"))
    validate(record)
    assert record["tasks"], "the sample plan has tasks"
    return record


def test_formats_cli_jsonl_gives_one_valid_line_with_the_same_ids(app, sample_json, tmp_path):
    target = tmp_path / "sample.jsonl"
    result = CliRunner().invoke(
        app, ["extract", str(SAMPLE), "--format", "jsonl", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    lines = target.read_text("utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    validate(record)
    assert record["tasks"] == sample_json["tasks"]


@pytest.mark.parametrize(
    ("name", "check"),
    [("csv", check_csv), ("xlsx", check_xlsx), ("ics", check_ics)],
)
def test_formats_cli_output_matches_the_json_records(app, sample_json, tmp_path, name, check):
    target = tmp_path / f"sample.{name}"
    result = CliRunner().invoke(app, ["extract", str(SAMPLE), "--format", name, "-o", str(target)])
    assert result.exit_code == 0, result.output
    check(target.read_bytes(), [sample_json])


def test_formats_cli_several_inputs_share_one_table_and_report_failures(app, sample_json, tmp_path):
    missing = tmp_path / "missing.txt"
    target = tmp_path / "all.csv"
    args = ["extract", str(SAMPLE), str(missing), "-f", "csv", "-o", str(target)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "missing.txt" in result.output
    check_csv(target.read_bytes(), [sample_json])


def test_formats_cli_rejects_jsonl_with_another_format(app):
    result = CliRunner().invoke(app, ["extract", str(SAMPLE), "--jsonl", "--format", "csv"])
    assert result.exit_code == 2


# --- for staff and for reruns (issues 14 and 17) --------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+84 912", "'+84 912"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("rà soát = 1", "rà soát = 1"),
        ("Sở Tư pháp", "Sở Tư pháp"),
    ],
)
def test_formats_csv_neutralises_what_a_spreadsheet_would_run(record, value, shown):
    record["tasks"][0]["description"] = value
    rows = read_csv(to_csv([record]))
    assert rows[0]["task"] == shown


def test_formats_body_separator_cannot_occur_in_a_name(record):
    task = record["tasks"][0]
    task["responsible"][1]["name"] = "các cấp ủy, tổ chức Đảng;\nđoàn thể"
    task["responsible"][1]["canonical"] = None
    cell = read_csv(to_csv([record]))[0]["supports"]
    assert cell.split("\n") == ["các cấp ủy, tổ chức Đảng; đoàn thể", "Sở Tư pháp tỉnh An Bình"]


def test_formats_english_headers_are_the_machine_column_names():
    from pipeline.formats.rows import headers

    assert tuple(headers("en")) == COLUMNS


@pytest.mark.parametrize("name", ["csv", "xlsx"])
def test_formats_vietnamese_headers_for_staff(record, name):
    from pipeline.formats.labels import labels

    expected = [labels("vi")["columns"][column] for column in COLUMNS]
    assert expected[:5] == ["Mã nhiệm vụ", "Mã văn bản", "Loại văn bản", "Số, ký hiệu", "Trích yếu"]
    data = render(name, [record], lang="vi")
    if name == "csv":
        header = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", nrows=0).columns
        assert list(header) == expected
    else:
        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet.title == "Nhiệm vụ"
        assert [c.value for c in sheet[1]] == expected


def test_formats_document_type_and_title_columns(record):
    record["document"]["title"] = "Về việc rà soát thủ tục hành chính"
    row = read_csv(to_csv([record]))[0]
    assert (row["document_type"], row["document_title"]) == (
        "Kế hoạch", "Về việc rà soát thủ tục hành chính",
    )


def test_formats_xlsx_has_a_filter_on_every_column_and_wraps_bodies(record):
    sheet = load_workbook(io.BytesIO(to_xlsx([record]))).active
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(COLUMNS)).column_letter}7"
    supports = sheet.cell(row=2, column=COLUMNS.index("supports") + 1)
    assert supports.value == "Sở Tài chính\nSở Tư pháp tỉnh An Bình"
    assert supports.alignment.wrap_text


@pytest.mark.parametrize("name", ["xlsx", "ics"])
def test_formats_source_date_epoch_gives_identical_bytes(record, monkeypatch, name):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741766400")  # 2025-03-12 08:00 UTC
    first = render(name, [record])
    assert render(name, [record]) == first
    if name == "ics":
        assert b"DTSTAMP:20250312T080000Z" in first
    else:
        core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml")
        assert b"2025-03-12T08:00:00Z" in core


def test_formats_bad_source_date_epoch_is_a_usage_error(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = CliRunner().invoke(app, ["extract", str(SAMPLE), "-o", str(tmp_path / "t.ics")])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: SOURCE_DATE_EPOCH: must be a number of seconds since 1970-01-01 UTC, "
        "got 'yesterday'\n"
    )


def test_formats_ics_uids_are_unique_per_input(record):
    copy = json.loads(json.dumps(record))
    copy["document"]["source"] = "elsewhere/ke-hoach-12.docx"
    calendar = Calendar.from_ical(to_ics([record, copy], stamp=STAMP))
    uids = [str(todo["uid"]) for todo in calendar.walk("VTODO")]
    assert len(uids) == 2 * len(record["tasks"]) == len(set(uids))
    assert uids[: len(record["tasks"])] == [task["id"] for task in record["tasks"]]
    assert uids[len(record["tasks"]) :] == [f"{task['id']}~2" for task in record["tasks"]]


def test_formats_cli_lang_vi_for_staff(app, tmp_path):
    target = tmp_path / "tasks.csv"
    result = CliRunner().invoke(app, ["extract", str(SAMPLE), "-o", str(target), "--lang", "vi"])
    assert result.exit_code == 0, result.output
    header = target.read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("Mã nhiệm vụ,Mã văn bản,Loại văn bản,")
