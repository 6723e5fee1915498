"""The evaluator on small hand-built gold and predictions with known answers.

Every document here is written for the test (no shared folder needed); the
predictions are full contract-v1 dicts, checked against the schema, so the
evaluator is exercised on what the pipeline will really emit.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli.evaluate import register
from pipeline.evaluate import (
    FIELDS,
    PredictedTask,
    bodies_score,
    deadline_right,
    description_key,
    evaluate,
    expand_abbreviations,
    match_tasks,
    metadata_right,
    multiset_f1,
    run_evaluation,
)
from pipeline.gold import GoldDeadline, GoldDocument, from_dict
from pipeline.resources import resource_text

TEXT = (
    "KẾ HOẠCH số 96-KH/TU\n"
    "1. UBND thành phố chủ trì, phối hợp với Sở Tư pháp xây dựng kế hoạch kiểm tra "
    "văn bản quy phạm pháp luật, hoàn thành trước ngày 30/6/2019.\n"
    "2. Ban Tổ chức Thành ủy thường xuyên kiểm tra, giám sát công tác cán bộ.\n"
    "3. Ban cũng có nhiệm vụ tổng hợp, báo cáo kết quả hằng quý.\n"
    "Thành ủy yêu cầu thực hiện 8 đầu việc.\n"
)
PATH = "real-directives/99_kh-test.txt"
STEM = "99_kh-test"


def span(surface: str, text: str = TEXT, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return {"text": surface, "start": start, "end": start + len(surface)}


def gold_data(kind: str = "ke_hoach", path: str = PATH) -> dict:
    return {
        "format": "vntasks-gold/1",
        "document": {
            "path": path,
            "kind": kind,
            "doc_type": "Kế hoạch",
            "number": "96-KH/TU",
            "title": None,
            "issuer": "Thành ủy Hà Nội",
            "signer": "Hoàng Trung Hải",
            "issued_date": "2018-07-13",
        },
        "annotator": "test",
        "notes": "",
        "tasks": [
            {
                "description": span("xây dựng kế hoạch kiểm tra văn bản quy phạm pháp luật"),
                "lead": [span("UBND thành phố")],
                "support": [span("Sở Tư pháp")],
                "deadline": {**span("trước ngày 30/6/2019"), "kind": "date", "due": "2019-06-30"},
                "optional": False,
                "comment": "",
            },
            {
                "description": span("kiểm tra, giám sát công tác cán bộ"),
                "lead": [span("Ban Tổ chức Thành ủy")],
                "support": [],
                "deadline": {**span("thường xuyên"), "kind": "ongoing", "due": None},
                "optional": False,
                "comment": "",
            },
            {
                "description": span("tổng hợp, báo cáo kết quả"),
                "lead": [
                    {
                        "text": "Ban Tổ chức Thành ủy",
                        "start": None,
                        "end": None,
                        "resolved_from": span("Ban", occurrence=1),
                    }
                ],
                "support": [],
                "deadline": {
                    **span("hằng quý"),
                    "kind": "recurring",
                    "due": None,
                    "rrule": "FREQ=MONTHLY;INTERVAL=3",
                },
                "optional": False,
                "comment": "",
            },
            {
                "description": span("thực hiện 8 đầu việc"),
                "lead": [],
                "support": [],
                "deadline": None,
                "optional": True,
                "comment": "a count, not a task",
            },
        ],
    }


def gold_doc(**changes) -> GoldDocument:
    document = from_dict(gold_data(**changes))
    document.text = TEXT
    return document


def body(name: str, role: str) -> dict:
    return {"name": name, "role": role, "canonical": None, "span": None}


def task(
    surface: str,
    leads=(),
    supports=(),
    deadline: dict | None = None,
    occurrence: int = 0,
    shift: tuple[int, int] = (0, 0),
) -> dict:
    where = span(surface, occurrence=occurrence)
    start, end = where["start"] + shift[0], where["end"] + shift[1]
    digest = hashlib.sha256(TEXT[start:end].encode()).hexdigest()
    return {
        "id": f"{'0' * 16}-t{digest[:12]}",
        "description": TEXT[start:end],
        "span": [start, end],
        "responsible": [body(n, "lead") for n in leads] + [body(n, "support") for n in supports],
        "deadline": deadline,
        "section": None,
        "sentence": TEXT[start:end],
        "flags": [],
    }


def deadline(kind: str, due: str | None = None, text: str = "x") -> dict:
    return {"text": text, "kind": kind, "due": due, "start": None, "rrule": None, "span": None}


def prediction(tasks: list[dict], **meta) -> dict:
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    document = {
        "id": sha[:16],
        "source": PATH,
        "doc_type": "Kế hoạch",
        "number": "96-KH/TU",
        "title": None,
        "issuer": "Thành ủy Hà Nội",
        "signer": "Hoàng Trung Hải",
        "issued_date": "2018-07-13",
        "text_sha256": sha,
    }
    document.update(meta)
    return {
        "schema_version": "1.0",
        "generator": {"name": "vntasks", "version": "test"},
        "document": document,
        "tasks": tasks,
        "warnings": [],
    }


def perfect_tasks() -> list[dict]:
    return [
        task(
            "xây dựng kế hoạch kiểm tra văn bản quy phạm pháp luật",
            leads=["UBND thành phố"],
            supports=["Sở Tư pháp"],
            deadline=deadline("date", "2019-06-30"),
        ),
        task(
            "kiểm tra, giám sát công tác cán bộ",
            leads=["Ban Tổ chức Thành ủy"],
            deadline=deadline("ongoing"),
        ),
        task(
            "tổng hợp, báo cáo kết quả",
            leads=["Ban Tổ chức Thành ủy"],
            deadline=deadline("recurring"),
        ),
    ]


def totals(report) -> dict[str, tuple[int, int, int]]:
    frame = report.totals
    return {
        name: tuple(int(frame.loc[name, c]) for c in ("tp", "fp", "fn")) for name in frame.index
    }


# --- the fixtures themselves -------------------------------------------------


def test_evaluate_fixture_predictions_follow_contract_v1():
    schema = json.loads(resource_text("../schema/task-records-v1.schema.json"))
    jsonschema.validate(prediction(perfect_tasks()), schema)


# --- text keys ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expanded"),
    [
        ("UBND thành phố", "Ủy ban nhân dân thành phố"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("UBND TP.HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
        ("Ban Chỉ đạo TW", "Ban Chỉ đạo Trung ương"),
        # Whole words only, and case-sensitive.
        ("UBNDX", "UBNDX"),
        ("ubnd tỉnh", "ubnd tỉnh"),
        ("VPTW", "Văn phòng Trung ương Đảng"),
    ],
)
def test_evaluate_expand_abbreviations(name, expanded):
    assert expand_abbreviations(name) == expanded


@pytest.mark.parametrize(
    ("gold", "predicted", "right"),
    [
        (["UBND thành phố"], ["Ủy ban nhân dân thành phố"], True),
        (["Uỷ ban nhân dân tỉnh"], ["Ủy ban nhân dân tỉnh"], True),
        (["Bộ Khoa học và Công nghệ"], ["Bộ KH&CN"], True),
        (["Bộ Công an", "Bộ Quốc phòng"], ["Bộ Quốc phòng", "Bộ Công an"], True),
        # The names are pooled: one of two similar names still reaches 0.6 ...
        (["Bộ Công an", "Bộ Quốc phòng"], ["Bộ Công an"], True),
        # ... one of three does not.
        (["Bộ Công an", "Bộ Quốc phòng", "Bộ Ngoại giao"], ["Bộ Công an"], False),
        (["Bộ Tài chính"], ["Bộ Công Thương"], False),
        ([], [], True),
        (["Bộ Tài chính"], [], False),
    ],
)
def test_evaluate_bodies_score_threshold(gold, predicted, right):
    assert (bodies_score(gold, predicted) >= 0.6) is right


def test_evaluate_description_key_ignores_marks_case_punctuation_and_tone_style():
    assert description_key("Xây dựng, kế hoạch!") == description_key("xay dung ke hoach")
    assert description_key("hoà giải") == description_key("hòa giải")
    assert multiset_f1(description_key("a b c d"), description_key("a b")) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("gold", "predicted", "right"),
    [
        (None, None, True),
        (None, deadline("ongoing"), False),
        (GoldDeadline("x", 0, 1, "date", date(2019, 6, 30)), None, False),
        (
            GoldDeadline("x", 0, 1, "date", date(2019, 6, 30)),
            deadline("period", "2019-06-30"),
            True,
        ),
        (GoldDeadline("x", 0, 1, "date", date(2019, 6, 30)), deadline("date", "2019-06-29"), False),
        (GoldDeadline("x", 0, 1, "ongoing", None), deadline("ongoing"), True),
        (GoldDeadline("x", 0, 1, "ongoing", None), deadline("event"), False),
        (GoldDeadline("x", 0, 1, "recurring", None), deadline("recurring", "2019-03-31"), True),
    ],
)
def test_evaluate_deadline_right_due_or_kind(gold, predicted, right):
    assert deadline_right(gold, predicted) is right


@pytest.mark.parametrize(
    ("name", "gold", "predicted", "right"),
    [
        ("number", "96-KH/TU", "96 – KH/TU", True),
        ("number", "2623/QĐ-TTg", "2623/QD-TTG", True),
        ("number", "96-KH/TU", "69-KH/TU", False),
        ("issuer", "UBND tỉnh Bắc Ninh", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", True),
        ("issuer", "Văn phòng Chính phủ", "Chính phủ", False),
        ("doc_type", "Kế hoạch", "KẾ HOẠCH", True),
        ("doc_type", "Kế hoạch", "Chỉ thị", False),
        ("signer", "Nguyễn Hoà Bình", "Nguyễn Hòa Bình", True),
        ("issued_date", date(2018, 7, 13), "2018-07-13", True),
    ],
)
def test_evaluate_metadata_right(name, gold, predicted, right):
    assert metadata_right(name, gold, predicted) is right


# --- whole reports -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["lenient", "strict"])
def test_evaluate_perfect_prediction_scores_one(mode):
    report = evaluate([gold_doc()], {PATH: prediction(perfect_tasks())}, mode)
    scores = report.totals
    assert (
        scores.loc[["task", "lead", "deadline", "record", "metadata"], "f1"].tolist() == [1.0] * 5
    )
    assert scores.loc["support", "f1"] == 1.0
    assert report.errors == []
    assert report.warnings == []


def test_evaluate_shifted_span_passes_lenient_fails_strict():
    shifted = perfect_tasks()
    # One syllable more on the left: still the same task to a reader.
    shifted[0] = task(
        "xây dựng kế hoạch kiểm tra văn bản quy phạm pháp luật",
        leads=["UBND thành phố"],
        supports=["Sở Tư pháp"],
        deadline=deadline("date", "2019-06-30"),
        shift=(-len("pháp "), 0),
    )
    predictions = {PATH: prediction(shifted)}
    assert totals(evaluate([gold_doc()], predictions, "lenient"))["task"] == (3, 0, 0)
    strict = evaluate([gold_doc()], predictions, "strict")
    assert totals(strict)["task"] == (2, 1, 1)
    assert {e.error for e in strict.errors} == {"miss", "false_alarm"}


def test_evaluate_wrong_lead_costs_lead_and_record_not_task():
    tasks = perfect_tasks()
    tasks[1]["responsible"] = [body("Ban Tuyên giáo", "lead")]
    report = evaluate([gold_doc()], {PATH: prediction(tasks)})
    counts = totals(report)
    assert counts["task"] == (3, 0, 0)
    assert counts["lead"] == (2, 1, 1)
    assert counts["record"] == (2, 1, 1)
    assert counts["deadline"] == (3, 0, 0)
    [error] = report.errors
    assert (error.error, error.gold, error.predicted) == (
        "wrong_lead",
        "Ban Tổ chức Thành ủy",
        "Ban Tuyên giáo",
    )
    assert "giám sát công tác cán bộ" in error.context


def test_evaluate_abbreviation_and_tone_style_leads_are_right():
    tasks = perfect_tasks()
    tasks[0]["responsible"][0] = body("Ủy ban nhân dân thành phố", "lead")
    tasks[1]["responsible"] = [body("Ban Tổ chức Thành uỷ", "lead")]
    report = evaluate([gold_doc()], {PATH: prediction(tasks)})
    assert totals(report)["lead"] == (3, 0, 0)


def test_evaluate_optional_task_is_neither_rewarded_nor_penalised():
    with_optional = perfect_tasks() + [task("thực hiện 8 đầu việc", leads=["Thành ủy"])]
    report = evaluate([gold_doc()], {PATH: prediction(with_optional)})
    assert totals(report)["task"] == (3, 0, 0)
    assert totals(report)["lead"] == (3, 0, 0)
    # Left out, the optional task is not a miss either.
    assert totals(evaluate([gold_doc()], {PATH: prediction(perfect_tasks())}))["task"] == (3, 0, 0)


def test_evaluate_wrong_deadline_kind_for_undated_gold():
    tasks = perfect_tasks()
    tasks[1]["deadline"] = deadline("immediate")
    report = evaluate([gold_doc()], {PATH: prediction(tasks)})
    assert totals(report)["deadline"] == (2, 1, 1)
    assert totals(report)["record"] == (2, 1, 1)
    confusion = report.deadline_confusion
    assert confusion.loc["ongoing", "immediate"] == 1
    assert confusion.loc["date", "date"] == 1


def test_evaluate_fields_of_unmatched_tasks_count_against_precision_and_recall():
    tasks = perfect_tasks()[:2] + [
        task("giám sát công tác cán bộ", leads=["Sở Nội vụ"], occurrence=0),
        task("Thành ủy yêu cầu", leads=["Thành ủy"], deadline=deadline("immediate")),
    ]
    report = evaluate([gold_doc()], {PATH: prediction(tasks)})
    counts = totals(report)
    # Gold task 3 missed, the extra predictions are false alarms.
    assert counts["task"] == (2, 2, 1)
    assert counts["lead"] == (2, 2, 1)
    assert counts["deadline"] == (2, 1, 1)
    assert counts["record"] == (2, 2, 1)


def test_evaluate_matching_is_one_to_one_best_first():
    partial = PredictedTask.from_dict(task("giám sát công tác cán bộ"))
    exact = PredictedTask.from_dict(task("kiểm tra, giám sát công tác cán bộ"))
    pairs = match_tasks(gold_doc().tasks, [partial, exact])
    assert [(g, p) for g, p, _ in pairs] == [(1, 1)]


def test_evaluate_no_support_on_either_side_is_right_but_unscored():
    report = evaluate([gold_doc()], {PATH: prediction(perfect_tasks())})
    support = report.totals.loc["support"]
    assert (support["tp"], support["matched"], support["matched_right"]) == (1, 3, 3)


def test_evaluate_missing_prediction_scores_zero_with_warning():
    report = evaluate([gold_doc()], {})
    assert totals(report)["task"] == (0, 0, 3)
    assert report.warnings == [f"{STEM}: no prediction; scored as empty"]


def test_evaluate_prediction_on_other_text_is_flagged():
    predicted = prediction(perfect_tasks(), text_sha256="0" * 64)
    assert "different text" in evaluate([gold_doc()], {STEM: predicted}).warnings[0]


def test_evaluate_per_document_and_per_kind_tables():
    news = gold_doc(kind="news_report", path="real-directives/98_tin-test.txt")
    report = evaluate(
        [gold_doc(), news],
        {PATH: prediction(perfect_tasks()), news.document.path: prediction(perfect_tasks()[:1])},
    )
    per_document = report.per_document
    assert per_document.loc["98_tin-test", ["gold", "predicted"]].tolist() == [3, 1]
    assert per_document.loc[STEM, "task_f1"] == 1.0
    assert per_document.loc["98_tin-test", "task_f1"] == pytest.approx(0.5)
    per_kind = report.per_kind
    assert per_kind.loc["news_report", "task_f1"] == pytest.approx(0.5)
    assert per_kind.loc["ke_hoach", "documents"] == 1
    assert report.worst_documents(1, "task").index.tolist() == ["98_tin-test"]


def test_evaluate_metadata_counts_and_errors():
    predicted = prediction(perfect_tasks(), number="96 - KH/TU", signer=None, title="x")
    report = evaluate([gold_doc()], {PATH: predicted})
    assert totals(report)["metadata"] == (4, 0, 1)
    assert report.metadata_scores.loc["signer", "recall"] == 0.0
    [error] = report.errors
    assert (error.error, error.description) == ("wrong_metadata", "signer")


def test_evaluate_to_dict_is_json():
    report = evaluate([gold_doc()], {PATH: prediction(perfect_tasks()[:2])})
    data = json.loads(json.dumps(report.to_dict()))
    assert data["mode"] == "lenient"
    assert {row["field"] for row in data["totals"]} >= {"task", "record"}
    assert data["errors"][0]["error"] == "miss"
    assert not any(
        isinstance(v, float) and math.isnan(v) for row in data["totals"] for v in row.values()
    )


# --- run_evaluation and the CLI -------------------------------------------------


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A shared folder, an annotations folder and saved predictions, all tiny."""
    shared = tmp_path / "shared"
    (shared / "real-directives").mkdir(parents=True)
    (shared / PATH).write_text(TEXT, encoding="utf-8")
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    (annotations / f"{STEM}.json").write_text(json.dumps(gold_data()), encoding="utf-8")
    (annotations / "split.tsv").write_text(f"stem\tpart\n{STEM}\ttest\n", encoding="utf-8")
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    tasks = perfect_tasks()
    tasks[1]["responsible"] = [body("Ban Tuyên giáo", "lead")]
    (predictions / f"{STEM}.json").write_text(json.dumps(prediction(tasks)), encoding="utf-8")
    monkeypatch.setenv("VNTASKS_SHARED", str(shared))
    return {"shared": shared, "annotations": annotations, "predictions": predictions}


@pytest.fixture
def app():
    # A callback keeps the app a group, as the real one with several commands is.
    app = typer.Typer(callback=lambda: None)
    register(app)
    return app


def test_evaluate_run_evaluation_reads_saved_predictions(workspace):
    report = run_evaluation(workspace["annotations"], "test", predictions=workspace["predictions"])
    assert totals(report)["lead"] == (2, 1, 1)
    assert run_evaluation(workspace["annotations"], "dev", predictions={}).counts.empty


def test_evaluate_cli_json(workspace, app):
    args = ["evaluate", "--annotations", str(workspace["annotations"]), "--part", "test"]
    args += ["--predictions", str(workspace["predictions"]), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_field = {row["field"]: row for row in data["totals"]}
    assert by_field["task"]["f1"] == 1.0
    assert by_field["lead"]["tp"] == 2


def test_evaluate_cli_tables_and_errors(workspace, app):
    args = ["evaluate", "--annotations", str(workspace["annotations"]), "--part", "all"]
    args += ["--predictions", str(workspace["predictions"]), "--errors", "--mode", "strict"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for heading in ("Per document", "Totals", "Per document kind", "Deadline kinds", "Errors (1)"):
        assert heading in result.stdout
    assert "wrong_lead" in result.stdout
    assert "gold:      Ban Tổ chức Thành ủy" in result.stdout


def test_evaluate_cli_missing_shared_folder_exits_2(workspace, app, monkeypatch, tmp_path):
    monkeypatch.setenv("VNTASKS_SHARED", str(tmp_path / "nowhere"))
    args = ["evaluate", "--annotations", str(workspace["annotations"])]
    result = CliRunner().invoke(app, [*args, "--predictions", str(workspace["predictions"])])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "shared folder not found" in result.output


@pytest.mark.parametrize(
    ("gold", "predicted", "right"),
    [
        (["Ủy ban nhân dân tỉnh"], ["UBND tỉnh"], True),  # an abbreviation is the same name
        (["Sở Tư pháp", "Sở Nội vụ"], ["Sở Nội vụ", "Sở Tư pháp"], True),  # in any order
        (["Uỷ ban nhân dân tỉnh"], ["Ủy ban nhân dân tỉnh"], True),  # tone placement
        (["Cục Kinh tế - Quản lý đầu tư xây dựng"], ["Cục Kinh tế - Quản lý"], False),
        (["Bộ Xây dựng"], ["Bộ Xây dựng", "Bộ Tài chính"], False),
        ([], [], True),
    ],
)
def test_evaluate_strict_bodies_need_the_exact_names(gold, predicted, right):
    from pipeline.evaluate import bodies_exact

    assert bodies_exact(gold, predicted) is right


# --- the JSON report and the predictions extract writes (issue 14) ----------------


def test_evaluate_json_report_has_stable_keys_and_null_for_empty(workspace, app):
    args = ["evaluate", "--annotations", str(workspace["annotations"]), "--part", "test"]
    result = CliRunner().invoke(app, [*args, "--predictions", str(workspace["predictions"]),
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["format"], data["part"], data["mode"], data["documents"]) == (
        "vntasks-evaluation/1", "test", "lenient", 1,
    )
    assert [row["field"] for row in data["totals"]] == list(FIELDS)
    [document] = data["per_document"]
    assert document["document"] == STEM and document["gold"] == 3
    assert list(document["fields"]) == list(FIELDS)
    lead = document["fields"]["lead"]
    assert set(lead) == {"tp", "fp", "fn", "matched", "matched_right",
                         "precision", "recall", "f1", "accuracy"}
    assert (lead["tp"], lead["fp"], lead["fn"]) == (2, 1, 1)
    assert lead["precision"] == pytest.approx(2 / 3) and lead["recall"] == pytest.approx(2 / 3)


def test_evaluate_report_of_nothing_keeps_every_key():
    data = json.loads(json.dumps(evaluate([], {}).to_dict()))
    assert data["documents"] == 0 and data["per_document"] == []
    assert [row["field"] for row in data["totals"]] == list(FIELDS)
    assert all(row["tp"] == 0 and row["precision"] is None for row in data["totals"])
    assert [row["field"] for row in data["metadata"]] == [
        "doc_type", "number", "issuer", "signer", "issued_date",
    ]


def test_evaluate_a_field_with_nothing_to_count_is_null():
    tasks = perfect_tasks()
    for item in tasks:
        item["deadline"] = None
    document = gold_doc()
    for gold_task in document.tasks:
        gold_task.deadline = None
    data = json.loads(json.dumps(evaluate([document], {PATH: prediction(tasks)}).to_dict()))
    deadline = data["per_document"][0]["fields"]["deadline"]
    assert (deadline["tp"], deadline["fp"], deadline["fn"]) == (0, 0, 0)
    assert deadline["precision"] is deadline["recall"] is deadline["f1"] is None


def _lines_file(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize(
    "shape",
    ["jsonl", "jsonl-renamed-source", "json-array"],
)
def test_evaluate_predictions_from_the_file_extract_writes(workspace, app, tmp_path, shape):
    folder_report = run_evaluation(workspace["annotations"], "test",
                                   predictions=workspace["predictions"])
    record = json.loads((workspace["predictions"] / f"{STEM}.json").read_text("utf-8"))
    record["document"]["source"] = f"../shared/{PATH}"
    if shape == "jsonl-renamed-source":
        # Another name: matched by the hash of the text instead.
        record["document"]["source"] = "inbox/ke-hoach.docx"
    failed = {"document": {"source": "x.txt"}, "error": {"code": "empty", "message": "…"}}
    if shape == "json-array":
        path = tmp_path / "out.json"
        path.write_text(json.dumps([failed, record], ensure_ascii=False), "utf-8")
    else:
        path = _lines_file(tmp_path / "out.jsonl", [failed, record])
    args = ["evaluate", "--annotations", str(workspace["annotations"]), "--part", "test"]
    result = CliRunner().invoke(app, [*args, "--predictions", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = json.loads(json.dumps(folder_report.to_dict()))
    assert data["totals"] == expected["totals"]
    assert data["warnings"] == []


def test_evaluate_help_explains_the_modes_and_columns(app):
    result = CliRunner().invoke(app, ["evaluate", "--help"], terminal_width=200)
    assert result.exit_code == 0
    # Rich draws the options in a box; its borders are not words.
    help_text = " ".join(result.stdout.replace("│", " ").split())
    for words in (
        "lenient: a predicted task matches a gold task",
        "strict: the predicted span must be the gold span exactly",
        "precision = tp/(tp+fp)",
        "recall = tp/(tp+fn)",
        "record (lead and deadline both right)",
        "the JSON Lines (or JSON) file 'vntasks extract' wrote",
    ):
        assert words in help_text, words
