"""The regression ledger (issue 12, point 3) on hand-made gold and predictions.

Two tiny documents are written for the test: a dev one, whose records the
ledger may show, and a test-part one, whose texts must never leave the
evaluator. Predictions are contract-v1 dicts with the ``evidence`` rule ids
the pipeline is about to emit. Only the last test runs the real pipeline
(slow), against the committed ``annotations/ledger.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli.evaluate import register
from pipeline.evaluate import evaluate
from pipeline.gold import GoldDocument, from_dict, gold_files, ledger_path, shared_dir
from pipeline.ledger import (
    FORMAT,
    Comparison,
    build_ledger,
    compare,
    dumps,
    format_comparison,
    ledger_for,
    load_ledger,
    save_ledger,
)

DEV_PATH = "real-directives/91_kh-ledger-dev.txt"
DEV_TEXT = (
    "KẾ HOẠCH số 12-KH/UBND\n"
    "1. Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát văn bản quy phạm pháp luật, "
    "hoàn thành trước ngày 30/6/2019.\n"
    "2. Sở Tài chính thường xuyên kiểm tra việc thu chi ngân sách.\n"
    "3. Các sở thực hiện 5 nhiệm vụ trên.\n"
)
# The sealed document: none of these strings may reach a ledger or a report.
SEALED_PATH = "real-directives/92_cd-ledger-sealed.txt"
SEALED_TEXT = (
    "CÔNG ĐIỆN\n1. Sở Giao thông vận tải khẩn trương gia cố đê Hữu Hồng trước ngày 15/10/2020.\n"
)
SEALED_DESCRIPTION = "khẩn trương gia cố đê Hữu Hồng"
SEALED_LEAD = "Sở Giao thông vận tải"
SEALED_RULE = "lead.sealed-rule-id"
SEALED_STRINGS = (SEALED_DESCRIPTION, "gia cố đê", SEALED_LEAD, SEALED_RULE, "2020-10-15")


def where(text: str, surface: str) -> dict:
    start = text.index(surface)
    return {"text": surface, "start": start, "end": start + len(surface)}


def gold_task(text: str, description: str, leads=(), supports=(), deadline=None, optional=False):
    return {
        "description": where(text, description),
        "lead": [where(text, name) for name in leads],
        "support": [where(text, name) for name in supports],
        "deadline": None
        if deadline is None
        else {**where(text, deadline[0]), "kind": deadline[1], "due": deadline[2]},
        "optional": optional,
        "comment": "",
    }


def gold_data(path: str, text: str, tasks: list[dict], kind: str = "ke_hoach") -> dict:
    return {
        "format": "vntasks-gold/1",
        "document": {
            "path": path,
            "kind": kind,
            "doc_type": None,
            "number": None,
            "title": None,
            "issuer": None,
            "signer": None,
            "issued_date": None,
        },
        "annotator": "test",
        "notes": "",
        "tasks": tasks,
    }


def dev_gold_data() -> dict:
    return gold_data(
        DEV_PATH,
        DEV_TEXT,
        [
            gold_task(
                DEV_TEXT,
                "rà soát văn bản quy phạm pháp luật",
                leads=["Sở Tư pháp"],
                supports=["Sở Nội vụ"],
                deadline=("trước ngày 30/6/2019", "date", "2019-06-30"),
            ),
            gold_task(
                DEV_TEXT,
                "kiểm tra việc thu chi ngân sách",
                leads=["Sở Tài chính"],
                deadline=("thường xuyên", "ongoing", None),
            ),
            gold_task(DEV_TEXT, "thực hiện 5 nhiệm vụ trên", optional=True),
        ],
    )


def sealed_gold_data() -> dict:
    return gold_data(
        SEALED_PATH,
        SEALED_TEXT,
        [
            gold_task(
                SEALED_TEXT,
                SEALED_DESCRIPTION,
                leads=[SEALED_LEAD],
                deadline=("trước ngày 15/10/2020", "date", "2020-10-15"),
            )
        ],
        kind="cong_dien",
    )


def gold_doc(data: dict, text: str) -> GoldDocument:
    document = from_dict(data)
    document.text = text
    return document


def predicted(
    text: str,
    description: str,
    leads=(),
    supports=(),
    deadline: tuple[str, str | None] | None = None,
    evidence: dict | None = None,
    grow_left: int = 0,
) -> dict:
    start = text.index(description) - grow_left
    end = text.index(description) + len(description)
    bodies = [{"name": n, "role": "lead", "canonical": None, "span": None} for n in leads]
    bodies += [{"name": n, "role": "support", "canonical": None, "span": None} for n in supports]
    task = {
        "id": "x",
        "description": text[start:end],
        "span": [start, end],
        "responsible": bodies,
        "deadline": None
        if deadline is None
        else {"text": "x", "kind": deadline[0], "due": deadline[1], "start": None},
        "section": None,
        "sentence": text[start:end],
        "flags": [],
    }
    if evidence is not None:
        task["evidence"] = evidence
    return task


def dev_tasks() -> list[dict]:
    """A perfect prediction of the dev document, with its rule ids."""
    return [
        predicted(
            DEV_TEXT,
            "rà soát văn bản quy phạm pháp luật",
            leads=["Sở Tư pháp"],
            supports=["Sở Nội vụ"],
            deadline=("date", "2019-06-30"),
            evidence={"lead": ["lead.chu-tri"], "deadline": ["deadline.truoc-ngay"]},
        ),
        predicted(
            DEV_TEXT,
            "kiểm tra việc thu chi ngân sách",
            leads=["Sở Tài chính"],
            deadline=("ongoing", None),
            evidence={"lead": ["lead.subject"], "deadline": ["deadline.thuong-xuyen"]},
        ),
    ]


def sealed_tasks() -> list[dict]:
    return [
        predicted(
            SEALED_TEXT,
            SEALED_DESCRIPTION,
            leads=[SEALED_LEAD],
            deadline=("date", "2020-10-15"),
            evidence={"lead": [SEALED_RULE]},
        )
    ]


def document(tasks: list[dict]) -> dict:
    return {"document": {}, "tasks": tasks}


def ledger_of(dev: list[dict], sealed: list[dict] | None = None) -> dict:
    """The ledger of a dev and a test part scored on these predictions."""
    parts = {
        "dev": ([gold_doc(dev_gold_data(), DEV_TEXT)], {DEV_PATH: document(dev)}),
        "test": (
            [gold_doc(sealed_gold_data(), SEALED_TEXT)],
            {SEALED_PATH: document(sealed_tasks() if sealed is None else sealed)},
        ),
    }
    lenient = {part: evaluate(docs, found, "lenient") for part, (docs, found) in parts.items()}
    strict = {part: evaluate(docs, found, "strict") for part, (docs, found) in parts.items()}
    return build_ledger(lenient, strict)


def json_round_trip(ledger: dict) -> dict:
    return json.loads(dumps(ledger))


# --- building ----------------------------------------------------------------


def test_ledger_build_counts_per_document_and_field():
    ledger = ledger_of(dev_tasks())
    assert ledger["format"] == FORMAT
    assert ledger["generator"]["name"] == "vntasks"
    assert ledger["modes"] == ["lenient", "strict"]
    counts = ledger["parts"]["dev"]["documents"]["91_kh-ledger-dev"]["counts"]
    assert counts["lenient"]["task"] == {"tp": 2, "fp": 0, "fn": 0}
    assert counts["lenient"]["support"] == {"tp": 1, "fp": 0, "fn": 0}
    # No metadata in gold or prediction: nothing to count.
    assert counts["strict"]["metadata"] == {"tp": 0, "fp": 0, "fn": 0}
    assert json_round_trip(ledger) == ledger


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (
            0,
            {
                "span": [DEV_TEXT.index("rà soát"), DEV_TEXT.index(", hoàn thành")],
                "description": "rà soát văn bản quy phạm pháp luật",
                "lead": ["Sở Tư pháp"],
                "support": ["Sở Nội vụ"],
                "deadline": {"kind": "date", "due": "2019-06-30"},
                "evidence": {"lead": ["lead.chu-tri"], "deadline": ["deadline.truoc-ngay"]},
                "matched": True,
                "optional": False,
                "right": {"lead": True, "support": True, "deadline": True, "record": True},
            },
        ),
        (
            # Matched to the optional gold task: its fields are not judged.
            1,
            {
                "description": "thực hiện 5 nhiệm vụ trên",
                "matched": True,
                "optional": True,
                "right": {},
                "evidence": {},
            },
        ),
        (
            # A false alarm: no gold task, so no verdict on its fields.
            2,
            {
                "description": "Các sở",
                "matched": False,
                "optional": False,
                "right": {},
                "lead": [],
                "deadline": None,
            },
        ),
    ],
)
def test_ledger_dev_records_carry_verdicts_and_rule_ids(index, expected):
    tasks = dev_tasks()[:1] + [
        predicted(DEV_TEXT, "thực hiện 5 nhiệm vụ trên"),
        predicted(DEV_TEXT, "Các sở"),
    ]
    records = ledger_of(tasks)["parts"]["dev"]["documents"]["91_kh-ledger-dev"]["records"]
    descriptions = [record["description"] for record in records]
    assert descriptions == sorted(descriptions, key=DEV_TEXT.index)
    record = next(r for r in records if r["description"] == expected["description"])
    assert {key: record[key] for key in expected} == expected


def test_ledger_test_part_keeps_counts_only():
    ledger = ledger_of(dev_tasks())
    sealed = ledger["parts"]["test"]["documents"]["92_cd-ledger-sealed"]
    assert set(sealed) == {"counts"}
    assert sealed["counts"]["lenient"]["lead"] == {"tp": 1, "fp": 0, "fn": 0}
    text = dumps(ledger)
    for secret in SEALED_STRINGS:
        assert secret not in text


def test_ledger_build_rejects_a_strict_report_as_the_main_one():
    docs = [gold_doc(dev_gold_data(), DEV_TEXT)]
    report = evaluate(docs, {DEV_PATH: document(dev_tasks())}, "strict")
    with pytest.raises(ValueError, match="lenient"):
        build_ledger({"dev": report})


def test_ledger_dumps_is_stable_sorted_and_indented(tmp_path):
    ledger = ledger_of(dev_tasks())
    text = dumps(ledger)
    assert text == dumps(json.loads(text))
    assert '\n              "lead": {"fn": 0, "fp": 0, "tp": 2},\n' in text
    keys = [line.split('"')[1] for line in text.splitlines() if line.startswith('  "')]
    assert keys == sorted(keys)
    save_ledger(ledger, tmp_path / "ledger.json")
    assert load_ledger(tmp_path / "ledger.json") == ledger
    assert list(tmp_path.iterdir()) == [tmp_path / "ledger.json"]


# --- comparing ---------------------------------------------------------------


def wrong_lead(tasks: list[dict]) -> None:
    tasks[0]["responsible"][0]["name"] = "Sở Công Thương"
    tasks[0]["evidence"]["lead"] = ["lead.heading"]


def lost_task(tasks: list[dict]) -> None:
    del tasks[1]


def false_alarm(tasks: list[dict]) -> None:
    tasks.append(predicted(DEV_TEXT, "hoàn thành trước ngày 30/6/2019", evidence={"task": ["t"]}))


def wrong_deadline(tasks: list[dict]) -> None:
    tasks[0]["deadline"]["due"] = "2019-07-30"


def renamed_rules(tasks: list[dict]) -> None:
    tasks[1]["evidence"] = {"lead": ["lead.subject-v2"], "deadline": ["deadline.thuong-xuyen"]}


def grown_span(tasks: list[dict]) -> None:
    # One word more on the left: the same task to a reader, not to strict matching.
    tasks[1] = predicted(
        DEV_TEXT,
        "kiểm tra việc thu chi ngân sách",
        leads=["Sở Tài chính"],
        deadline=("ongoing", None),
        evidence=tasks[1]["evidence"],
        grow_left=len("xuyên "),
    )


def unchanged(tasks: list[dict]) -> None:
    pass


Edit = Callable[[list[dict]], None]


def changed(before: Edit, after: Edit) -> Comparison:
    """The comparison of two edits of the perfect dev prediction."""
    old, new = dev_tasks(), dev_tasks()
    before(old)
    after(new)
    return compare(json_round_trip(ledger_of(old)), json_round_trip(ledger_of(new)))


@pytest.mark.parametrize(
    ("before", "after", "regression", "worse", "better"),
    [
        # edits of a perfect prediction; worse and better: lenient fields of the document
        (unchanged, wrong_lead, True, "lead record", ""),
        (unchanged, lost_task, True, "task lead deadline record", ""),
        (unchanged, false_alarm, True, "task record", ""),
        (wrong_deadline, unchanged, False, "", "deadline record"),
        (unchanged, renamed_rules, False, "", ""),
        (unchanged, grown_span, False, "", ""),
        (unchanged, unchanged, False, "", ""),
    ],
)
def test_ledger_compare_worse_and_better_fields(before, after, regression, worse, better):
    comparison = changed(before, after)
    assert bool(comparison.regressions("dev")) is regression
    changes = comparison.changes("dev")
    assert [change.document for change in changes] in ([], ["91_kh-ledger-dev"])
    assert {d.field for change in changes for d in change.worse()} == set(worse.split())
    assert {d.field for change in changes for d in change.better()} == set(better.split())
    assert not any(change.gold_changed for change in changes)
    assert comparison.changes("test") == []


@pytest.mark.parametrize(
    ("before", "after", "status", "fields"),
    [
        (unchanged, wrong_lead, "changed", "lead right.lead right.record evidence.lead"),
        (unchanged, lost_task, "disappeared", ""),
        (unchanged, false_alarm, "appeared", ""),
        (wrong_deadline, unchanged, "changed", "deadline right.deadline right.record"),
        (unchanged, renamed_rules, "changed", "evidence.lead"),
        # Paired by the evaluator's description match: a changed record, not a new one.
        (unchanged, grown_span, "changed", "span description"),
    ],
)
def test_ledger_compare_record_changes(before, after, status, fields):
    [change] = changed(before, after).changes("dev")
    [record] = change.records
    assert (record.status, set(record.fields)) == (status, set(fields.split()))


def test_ledger_compare_unchanged_records_are_not_listed():
    assert changed(unchanged, unchanged).documents == ()


def test_ledger_regression_is_named_in_the_report():
    new = dev_tasks()
    wrong_lead(new)
    comparison = compare(ledger_of(dev_tasks()), ledger_of(new))
    [regression] = comparison.regressions()
    assert [delta.field for delta in regression.worse()] == ["lead", "record"]
    [record] = regression.records
    assert (record.rules_before["lead"], record.rules_after["lead"]) == (
        ["lead.chu-tri"],
        ["lead.heading"],
    )
    text = format_comparison(comparison)
    lines = text.splitlines()
    assert lines[1].startswith("dev ")
    assert "lead 1.000→0.500 (-0.500)" in lines[1]
    assert lines[2].startswith("test ")
    assert "dev: 1 regression(s) (lenient)" in text
    assert (
        "  91_kh-ledger-dev\n"
        "    lenient: worse: lead tp 2→1 fp 0→1 fn 0→1; record tp 2→1 fp 0→1 fn 0→1\n"
    ) in text
    assert "changed [" in text and "«rà soát văn bản quy phạm pháp luật»" in text
    assert "lead: Sở Tư pháp → Sở Công Thương" in text
    assert "rules: deadline=deadline.truoc-ngay; lead=lead.chu-tri → " in text


def test_ledger_improvement_is_not_a_regression():
    old = dev_tasks()
    lost_task(old)
    comparison = compare(ledger_of(old), ledger_of(dev_tasks()))
    assert comparison.regressions() == []
    assert [change.document for change in comparison.improvements()] == ["91_kh-ledger-dev"]
    text = format_comparison(comparison)
    assert "dev: no regression" in text
    assert "dev: 1 improvement(s) (lenient)" in text
    assert "appeared [" in text


def test_ledger_strict_only_change_does_not_gate():
    new = dev_tasks()
    grown_span(new)
    comparison = compare(ledger_of(dev_tasks()), ledger_of(new))
    assert comparison.regressions() == []
    assert [c.document for c in comparison.regressions(mode="strict")] == ["91_kh-ledger-dev"]
    assert "strict: worse: task" in format_comparison(comparison)


def sealed_lost(tasks: list[dict]) -> None:
    tasks.clear()


def sealed_false_alarm(tasks: list[dict]) -> None:
    tasks.append(
        predicted(
            SEALED_TEXT, "gia cố đê Hữu Hồng trước", leads=[SEALED_LEAD], evidence={"x": ["y"]}
        )
    )


def sealed_wrong_lead(tasks: list[dict]) -> None:
    tasks[0]["responsible"][0]["name"] = "Sở Xây dựng"


def sealed_renamed_rules(tasks: list[dict]) -> None:
    tasks[0]["evidence"] = {"lead": [f"{SEALED_RULE}-v2"]}


@pytest.mark.parametrize(
    ("edit", "counts_moved"),
    [
        (sealed_lost, True),
        (sealed_false_alarm, True),
        (sealed_wrong_lead, True),
        (sealed_renamed_rules, False),
    ],
)
def test_ledger_sealed_texts_never_shown(edit, counts_moved):
    sealed = sealed_tasks()
    edit(sealed)
    before, after = ledger_of(dev_tasks()), ledger_of(dev_tasks(), sealed=sealed)
    comparison = compare(before, after)
    text = format_comparison(comparison)
    for secret in SEALED_STRINGS:
        assert secret not in dumps(before)
        assert secret not in dumps(after)
        assert secret not in text
    assert all(change.records == () for change in comparison.changes("test"))
    assert bool(comparison.changes("test")) is counts_moved
    if counts_moved:
        assert "test: counts changed in 1 document(s) (sealed: totals only)" in text
        # Not even the name of the document that moved.
        assert "92_cd-ledger-sealed" not in text
    # The dev part did not move: a loss on a sealed part alone never fails the gate.
    assert comparison.regressions() == []


def test_ledger_sealed_records_in_a_hand_edited_baseline_stay_hidden():
    before = ledger_of(dev_tasks())
    entry = before["parts"]["test"]["documents"]["92_cd-ledger-sealed"]
    entry["records"] = [{"description": SEALED_DESCRIPTION, "span": [0, 1]}]
    comparison = compare(before, ledger_of(dev_tasks()))
    assert SEALED_DESCRIPTION not in format_comparison(comparison)
    assert comparison.changes("test") == []


def test_ledger_added_and_removed_documents_are_not_regressions():
    old, new = ledger_of(dev_tasks()), ledger_of(dev_tasks())
    new["parts"]["dev"]["documents"]["93_new"] = json.loads(
        json.dumps(new["parts"]["dev"]["documents"]["91_kh-ledger-dev"])
    )
    new["parts"]["test"]["documents"].pop("92_cd-ledger-sealed")
    new["parts"]["old-test"] = {"documents": {}}
    comparison = compare(old, new)
    assert comparison.regressions() == [] and comparison.regressions("test") == []
    assert comparison.added["dev"] == ("93_new",)
    assert comparison.removed["test"] == ("92_cd-ledger-sealed",)
    assert comparison.parts == ["dev", "test", "old-test"]
    text = format_comparison(comparison)
    assert "dev: 1 document(s) added\n  93_new" in text
    assert "test: 1 document(s) removed" in text
    assert "(1→2 docs)" in text


def test_ledger_gold_edit_is_flagged():
    old = ledger_of(dev_tasks())
    new = ledger_of(dev_tasks())
    counts = new["parts"]["dev"]["documents"]["91_kh-ledger-dev"]["counts"]["lenient"]
    counts["task"]["fn"] += 1  # a gold task added, the pipeline unchanged
    comparison = compare(old, new)
    [change] = comparison.regressions()
    assert change.gold_changed
    assert "the gold changed" in format_comparison(comparison)


@pytest.mark.parametrize(
    "data", [{}, {"format": "vntasks-gold/1", "parts": {}}, {"format": FORMAT}, []]
)
def test_ledger_compare_rejects_what_is_not_a_ledger(data):
    with pytest.raises(ValueError, match="ledger"):
        compare(data, ledger_of(dev_tasks()))


def test_ledger_comparison_of_a_ledger_with_itself_is_empty():
    ledger = ledger_of(dev_tasks())
    comparison = compare(ledger, ledger)
    assert isinstance(comparison, Comparison)
    assert comparison.documents == ()
    assert format_comparison(comparison).endswith("dev: no regression\n")


# --- the command line ----------------------------------------------------------


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A shared folder, gold for a dev and a test document, saved predictions."""
    shared = tmp_path / "shared"
    (shared / "real-directives").mkdir(parents=True)
    (shared / DEV_PATH).write_text(DEV_TEXT, encoding="utf-8")
    (shared / SEALED_PATH).write_text(SEALED_TEXT, encoding="utf-8")
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    for data in (dev_gold_data(), sealed_gold_data()):
        stem = data["document"]["path"].split("/")[-1].removesuffix(".txt")
        (annotations / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
    (annotations / "split.tsv").write_text(
        "stem\tpart\n91_kh-ledger-dev\tdev\n92_cd-ledger-sealed\ttest\n", encoding="utf-8"
    )
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    monkeypatch.setenv("VNTASKS_SHARED", str(shared))
    workspace = {"annotations": annotations, "predictions": predictions, "tmp": tmp_path}
    save_predictions(workspace, dev_tasks(), sealed_tasks())
    return workspace


def save_predictions(workspace: dict, dev: list[dict], sealed: list[dict]) -> None:
    for stem, tasks in (
        ("91_kh-ledger-dev", dev),
        ("92_cd-ledger-sealed", sealed),
    ):
        path = workspace["predictions"] / f"{stem}.json"
        path.write_text(json.dumps(document(tasks)), encoding="utf-8")


@pytest.fixture
def app():
    app = typer.Typer(callback=lambda: None)
    register(app)
    return app


def run(app, workspace, *args: str):
    common = ["evaluate", "--annotations", str(workspace["annotations"])]
    common += ["--predictions", str(workspace["predictions"])]
    return CliRunner().invoke(app, [*common, *args])


def test_ledger_cli_save_then_against_round_trip(workspace, app):
    baseline = workspace["tmp"] / "ledger.json"
    saved = run(app, workspace, "--save-baseline", str(baseline))
    assert saved.exit_code == 0, saved.output
    assert "dev 1, test 1, old-test 0" in saved.output
    assert load_ledger(baseline)["parts"]["dev"]["documents"]["91_kh-ledger-dev"]["records"]

    same = run(app, workspace, "--against", str(baseline))
    assert same.exit_code == 0, same.output
    assert same.stdout.splitlines()[1].startswith("dev ")
    assert "dev: no regression" in same.stdout

    # Worse on dev: exit 1, the document and the record named.
    dev = dev_tasks()
    wrong_lead(dev)
    save_predictions(workspace, dev, sealed_tasks())
    worse = run(app, workspace, "--against", str(baseline))
    assert worse.exit_code == 1, worse.output
    assert "91_kh-ledger-dev" in worse.stdout
    assert "lead: Sở Tư pháp → Sở Công Thương" in worse.stdout

    # Worse on the sealed part only: reported as totals, no name, no text, exit 0.
    save_predictions(workspace, dev_tasks(), [])
    sealed = run(app, workspace, "--against", str(baseline))
    assert sealed.exit_code == 0, sealed.output
    assert "test: counts changed in 1 document(s)" in sealed.stdout
    assert "92_cd-ledger-sealed" not in sealed.stdout
    for secret in SEALED_STRINGS:
        assert secret not in sealed.output

    # Both flags: compare with the old ledger, then accept the new one.
    both = run(app, workspace, "--against", str(baseline), "--save-baseline", str(baseline))
    assert both.exit_code == 0, both.output
    assert run(app, workspace, "--against", str(baseline)).stdout.count("92_cd") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--part", "dev"], "--part does not combine"),
        (["--mode", "strict"], "--mode does not combine"),
        (["--json"], "--json does not combine"),
        (["--errors"], "--errors does not combine"),
    ],
)
def test_ledger_cli_rejects_options_that_do_not_combine(workspace, app, args, message):
    result = run(app, workspace, "--against", str(workspace["tmp"] / "x.json"), *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("content", [None, "{not json", json.dumps({"format": "other"})])
def test_ledger_cli_bad_baseline_exits_2(workspace, app, content):
    path = workspace["tmp"] / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(app, workspace, "--against", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert result.output.strip().count("\n") == 0


def test_ledger_beside_the_gold_files_is_not_read_as_gold(workspace, app):
    annotations = workspace["annotations"]
    saved = run(app, workspace, "--save-baseline", str(ledger_path(annotations)))
    assert saved.exit_code == 0, saved.output
    assert [path.stem for path in gold_files(annotations)] == [
        "91_kh-ledger-dev",
        "92_cd-ledger-sealed",
    ]
    every_part = run(app, workspace, "--part", "all", "--json")
    assert every_part.exit_code == 0, every_part.output


def test_ledger_cli_help_says_how_part_combines(app):
    result = CliRunner().invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"})
    assert "--save-baseline" in result.stdout and "--against" in result.stdout
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "Part of the split (default: dev)" in text
    assert "Not with --save-baseline/--against" in text


# --- the committed baseline ----------------------------------------------------

SHARED = shared_dir(required=False)
BASELINE = ledger_path()


@pytest.mark.slow
@pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared (the shared documents) is not beside the clone"
)
@pytest.mark.skipif(
    not BASELINE.is_file(),
    reason="no committed baseline: vntasks evaluate --save-baseline annotations/ledger.json",
)
def test_ledger_dev_has_no_regression_against_committed_baseline():
    comparison = compare(load_ledger(BASELINE), ledger_for())
    worse = [change.document for change in comparison.regressions("dev")]
    assert worse == [], (
        "dev got worse against annotations/ledger.json; if that is intended, save a new "
        "baseline with `vntasks evaluate --save-baseline annotations/ledger.json`\n\n"
        + format_comparison(comparison)
    )
