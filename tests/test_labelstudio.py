"""Label Studio export and import: gold → task → gold is the identity, shared
regions are written once, and edits a researcher can make in Label Studio
(reversed relations, cancelled annotations) come back right."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ElementTree

import pytest
import typer
from typer.testing import CliRunner

from pipeline import gold
from pipeline.cli.annotations import register
from pipeline.labelstudio import (
    LABEL_CONFIG,
    gold_to_task,
    import_tasks,
    prediction_to_task,
    task_to_gold,
)

TEXT = (
    "II. NHIỆM VỤ\n"
    "1. Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ:\n"
    "a) Rà soát văn bản quy phạm pháp luật; xây dựng danh mục văn bản.\n"
    "Thời gian thực hiện: trong năm 2019.\n"
    "2. Ban cũng có nhiệm vụ báo cáo kết quả hằng quý.\n"
    "Kế hoạch gồm 8 đầu việc.\n"
)
PATH = "real-directives/99_kh-test.txt"


def at(surface: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(surface, start + 1)
    return {"text": surface, "start": start, "end": start + len(surface)}


def gold_data() -> dict:
    group_deadline = {
        **at("trong năm 2019"),
        "kind": "period",
        "due": "2019-12-31",
        "start_date": "2019-01-01",
    }
    lead = at("Sở Tư pháp")
    return {
        "format": "vntasks-gold/1",
        "document": {
            "path": PATH,
            "kind": "ke_hoach",
            "doc_type": "Kế hoạch",
            "number": "9/KH",
            "title": None,
            "issuer": "UBND tỉnh",
            "signer": None,
            "issued_date": "2019-01-02",
        },
        "annotator": "test",
        "notes": "hand-made",
        "tasks": [
            {
                "description": at("Rà soát văn bản quy phạm pháp luật"),
                "lead": [lead],
                "support": [at("Sở Nội vụ")],
                "deadline": group_deadline,
                "optional": False,
                "comment": "",
            },
            {
                "description": at("xây dựng danh mục văn bản"),
                "lead": [lead],
                "support": [at("Sở Nội vụ")],
                "deadline": group_deadline,
                "optional": False,
                "comment": "split at ';'",
            },
            {
                "description": at("báo cáo kết quả"),
                "lead": [
                    {"text": "Sở Tư pháp", "start": None, "end": None, "resolved_from": at("Ban")}
                ],
                "support": [],
                "deadline": {
                    **at("hằng quý"),
                    "kind": "recurring",
                    "due": None,
                    "rrule": "FREQ=MONTHLY;INTERVAL=3",
                },
                "optional": False,
                "comment": "",
            },
            {
                "description": at("8 đầu việc"),
                "lead": [],
                "support": [],
                "deadline": None,
                "optional": True,
                "comment": "a count",
            },
        ],
    }


def labelled(task: dict, label: str) -> list[dict]:
    return [
        r
        for r in task["annotations"][0]["result"]
        if r["type"] == "labels" and r["value"]["labels"] == [label]
    ]


def test_labelstudio_round_trip_is_identity():
    data = gold_data()
    assert task_to_gold(gold_to_task(data, TEXT)) == data


def test_labelstudio_round_trip_through_dataclasses_and_json():
    document = gold.from_dict(gold_data())
    document.text = TEXT
    task = json.loads(json.dumps(gold_to_task(document)))
    assert import_tasks([task]) == [gold.to_dict(document)]


def test_labelstudio_shared_regions_written_once():
    task = gold_to_task(gold_data(), TEXT)
    assert len(labelled(task, "Task")) == 4
    assert len(labelled(task, "Lead")) == 2  # "Sở Tư pháp" once, the back-reference once
    assert len(labelled(task, "Deadline")) == 2
    relations = [r for r in task["annotations"][0]["result"] if r["type"] == "relation"]
    assert sorted(r["labels"][0] for r in relations).count("deadline") == 3
    assert task["data"]["text"] == TEXT
    assert task["data"]["issuer"] == "UBND tỉnh"
    assert task["meta"]["notes"] == "hand-made"


def test_labelstudio_regions_carry_their_surface_text():
    task = gold_to_task(gold_data(), TEXT)
    for region in task["annotations"][0]["result"]:
        if region["type"] == "labels":
            value = region["value"]
            assert TEXT[value["start"] : value["end"]] == value["text"]


def test_labelstudio_import_accepts_reversed_relation_and_skips_cancelled():
    task = gold_to_task(gold_data(), TEXT)
    for result in task["annotations"][0]["result"]:
        if result["type"] == "relation" and result["labels"] == ["lead"]:
            result["from_id"], result["to_id"] = result["to_id"], result["from_id"]
    cancelled = copy.deepcopy(task["annotations"][0])
    cancelled["was_cancelled"] = True
    cancelled["result"] = []
    task["annotations"].insert(0, cancelled)
    assert task_to_gold(task) == gold_data()


def test_labelstudio_prediction_export():
    lead_span = at("Sở Tư pháp")
    ban = at("Ban")
    prediction = {
        "document": {
            "source": PATH,
            "doc_type": "Kế hoạch",
            "number": None,
            "title": None,
            "issuer": None,
            "signer": None,
            "issued_date": None,
            "text": TEXT,
        },
        "tasks": [
            {
                "id": "a",
                "span": [at("báo cáo kết quả")["start"], at("báo cáo kết quả")["end"]],
                "responsible": [
                    {
                        "name": "Sở Tư pháp",
                        "role": "lead",
                        "canonical": None,
                        "span": [ban["start"], ban["end"]],
                    },
                    {"name": "Sở Nội vụ", "role": "support", "canonical": None, "span": None},
                ],
                "deadline": {
                    "text": "hằng quý",
                    "kind": "recurring",
                    "due": None,
                    "start": None,
                    "rrule": "FREQ=MONTHLY;INTERVAL=3",
                    "span": [at("hằng quý")["start"], at("hằng quý")["end"]],
                },
            },
            {
                "id": "b",
                "span": [at("8 đầu việc")["start"], at("8 đầu việc")["end"]],
                "responsible": [
                    {
                        "name": "Sở Tư pháp",
                        "role": "lead",
                        "canonical": None,
                        "span": [lead_span["start"], lead_span["end"]],
                    }
                ],
                "deadline": None,
            },
        ],
    }
    task = prediction_to_task(prediction, kind="ke_hoach")
    assert task["meta"]["unplaced"] == ["a: support Sở Nội vụ"]
    back = task_to_gold(task)
    first, second = back["tasks"]
    assert first["lead"] == [
        {"text": "Sở Tư pháp", "start": None, "end": None, "resolved_from": ban}
    ]
    assert first["deadline"]["rrule"] == "FREQ=MONTHLY;INTERVAL=3"
    assert second["lead"] == [lead_span]
    assert back["document"]["path"] == PATH


def test_labelstudio_label_config_is_xml_with_every_label():
    root = ElementTree.fromstring(LABEL_CONFIG)
    labels = {label.get("value") for label in root.iter("Label")}
    assert labels == {"Task", "Lead", "Support", "Deadline"}


# --- the real gold files and the CLI ---------------------------------------------


try:
    gold.shared_dir()
    WHY = ""
except gold.SharedFolderMissing as missing:
    WHY = f"{missing}; the gold files refer to documents there"
GOLD_FILES = gold.gold_files()


@pytest.mark.skipif(bool(WHY), reason=WHY or "shared folder present")
@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_labelstudio_round_trip_of_every_gold_file(path):
    document = gold.load_gold(path, with_text=True)
    assert task_to_gold(gold_to_task(document)) == gold.to_dict(document)


def test_labelstudio_cli_round_trip(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / "real-directives").mkdir(parents=True)
    (shared / PATH).write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv(gold.SHARED_ENV, str(shared))
    source = tmp_path / "99_kh-test.json"
    gold.dump_gold(gold_data(), source)
    app = typer.Typer(callback=lambda: None)
    register(app)
    runner = CliRunner()
    exported = tmp_path / "tasks.json"
    result = runner.invoke(app, ["annotations", "to-labelstudio", str(source), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "back"
    result = runner.invoke(app, ["annotations", "from-labelstudio", str(exported), "-d", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / source.name).read_text(encoding="utf-8")) == gold_data()
    again = runner.invoke(app, ["annotations", "from-labelstudio", str(exported), "-d", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output
