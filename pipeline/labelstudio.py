"""Label Studio JSON tasks to and from ``vntasks-gold/1``.

Researchers correct annotations in Label Studio; this module writes a task
per document and reads the corrected tasks back. A task is::

    {"data": {"text": <document>, "path", "kind", "doc_type", "number",
              "title", "issuer", "signer", "issued_date"},
     "meta": {"format", "annotator", "notes", "origin"},
     "annotations": [{"result": [...]}]}

The result holds ``labels`` regions (``Task``, ``Lead``, ``Support``,
``Deadline``, with ``start``/``end``/``text``) and ``relation`` results from
each Task region to its bodies and deadline (relation label ``lead``,
``support`` or ``deadline``). What a span alone cannot say travels as
per-region results sharing the region's id (Label Studio's ``perRegion``
controls, see :data:`LABEL_CONFIG`): ``resolved`` (the resolved name of a
back-reference, the region sitting on the back-reference), ``deadline_kind``,
``due``, ``start_date``, ``rrule``, ``optional`` and ``comment``.

A region shared by several tasks (a heading body, a group deadline) is written
once and linked from each task. Reading back takes the first annotation not
marked ``was_cancelled`` (else the first prediction), keeps tasks in the
order of their regions, bodies in the order of their relations, and takes
every surface text from ``data.text`` so offsets and text cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline import gold as gold_module
from pipeline.gold import GoldDocument
from pipeline.model import DEADLINE_KINDS

LABEL_FROM = "label"
TEXT_TO = "text"
ROLE_LABELS = {"lead": "Lead", "support": "Support"}
TASK_LABEL = "Task"
DEADLINE_LABEL = "Deadline"
_META_KEYS = ("doc_type", "number", "title", "issuer", "signer", "issued_date")
_DEADLINE_TEXTAREAS = ("due", "start_date", "rrule")


def _label_config() -> str:
    kinds = "".join(f'<Choice value="{kind}"/>' for kind in DEADLINE_KINDS)
    return (
        "<View>"
        f'<Labels name="{LABEL_FROM}" toName="{TEXT_TO}">'
        f'<Label value="{TASK_LABEL}"/><Label value="Lead"/><Label value="Support"/>'
        f'<Label value="{DEADLINE_LABEL}"/></Labels>'
        f'<Text name="{TEXT_TO}" value="$text"/>'
        '<Relations><Relation value="lead"/><Relation value="support"/>'
        '<Relation value="deadline"/></Relations>'
        f'<TextArea name="resolved" toName="{TEXT_TO}" perRegion="true" maxSubmissions="1"/>'
        f'<Choices name="deadline_kind" toName="{TEXT_TO}" perRegion="true">{kinds}</Choices>'
        f'<TextArea name="due" toName="{TEXT_TO}" perRegion="true" maxSubmissions="1"/>'
        f'<TextArea name="start_date" toName="{TEXT_TO}" perRegion="true" maxSubmissions="1"/>'
        f'<TextArea name="rrule" toName="{TEXT_TO}" perRegion="true" maxSubmissions="1"/>'
        f'<Choices name="optional" toName="{TEXT_TO}" perRegion="true">'
        '<Choice value="optional"/></Choices>'
        f'<TextArea name="comment" toName="{TEXT_TO}" perRegion="true" maxSubmissions="1"/>'
        "</View>"
    )


LABEL_CONFIG = _label_config()
"""The labelling interface that matches these tasks; paste into the project."""


class _Builder:
    """Accumulates regions and relations, writing a shared region once."""

    def __init__(self, text: str):
        self.text = text
        self.result: list[dict[str, Any]] = []
        self.regions: dict[tuple[Any, ...], str] = {}

    def region(
        self, label: str, start: int, end: int, key: tuple[Any, ...] = ()
    ) -> tuple[str, bool]:
        """The id of the region (new or shared) and whether it is new."""
        full_key = (label, start, end, *key)
        if full_key in self.regions:
            return self.regions[full_key], False
        region_id = f"{label[0].lower()}{len(self.regions)}"
        self.regions[full_key] = region_id
        self.result.append(
            {
                "id": region_id,
                "from_name": LABEL_FROM,
                "to_name": TEXT_TO,
                "type": "labels",
                "value": {
                    "start": start,
                    "end": end,
                    "text": self.text[start:end],
                    "labels": [label],
                },
            }
        )
        return region_id, True

    def per_region(self, region_id: str, control: str, kind: str, value: Any) -> None:
        value_key = "choices" if kind == "choices" else "text"
        region = next(item for item in self.result if item.get("id") == region_id)
        self.result.append(
            {
                "id": region_id,
                "from_name": control,
                "to_name": TEXT_TO,
                "type": kind,
                "value": {
                    "start": region["value"]["start"],
                    "end": region["value"]["end"],
                    value_key: [value],
                },
            }
        )

    def relate(self, task_id: str, target_id: str, label: str) -> None:
        self.result.append(
            {
                "type": "relation",
                "from_id": task_id,
                "to_id": target_id,
                "direction": "right",
                "labels": [label],
            }
        )

    def body(self, task_id: str, role: str, span: tuple[int, int], resolved: str | None) -> None:
        region_id, new = self.region(ROLE_LABELS[role], *span, key=(resolved,))
        if new and resolved is not None:
            self.per_region(region_id, "resolved", "textarea", resolved)
        self.relate(task_id, region_id, role)

    def deadline(
        self, task_id: str, span: tuple[int, int], kind: str, values: Mapping[str, str | None]
    ) -> None:
        key = (kind, *(values.get(name) for name in _DEADLINE_TEXTAREAS))
        region_id, new = self.region(DEADLINE_LABEL, *span, key=key)
        if new:
            self.per_region(region_id, "deadline_kind", "choices", kind)
            for name in _DEADLINE_TEXTAREAS:
                if values.get(name) is not None:
                    self.per_region(region_id, name, "textarea", values[name])
        self.relate(task_id, region_id, "deadline")


def gold_to_task(document: GoldDocument | Mapping[str, Any], text: str | None = None) -> dict:
    """One Label Studio task for a gold document. ``text`` defaults to the
    document's own (``GoldDocument.text``, else read from the shared folder)."""
    data = gold_module.to_dict(document) if isinstance(document, GoldDocument) else document
    meta = data["document"]
    if text is None:
        text = document.text if isinstance(document, GoldDocument) else None
    if text is None:
        text = gold_module.read_document(meta["path"])
    build = _Builder(text)
    for task in data["tasks"]:
        description = task["description"]
        # Tasks are never shared: two tasks on one span stay two regions.
        task_id, _ = build.region(
            TASK_LABEL, description["start"], description["end"], key=(len(build.regions),)
        )
        if task.get("optional"):
            build.per_region(task_id, "optional", "choices", "optional")
        if task.get("comment"):
            build.per_region(task_id, "comment", "textarea", task["comment"])
        for role in ROLE_LABELS:
            for body in task.get(role) or []:
                place = body.get("resolved_from")
                if place is None:
                    build.body(task_id, role, (body["start"], body["end"]), None)
                else:
                    build.body(task_id, role, (place["start"], place["end"]), body["text"])
        deadline = task.get("deadline")
        if deadline is not None:
            build.deadline(
                task_id, (deadline["start"], deadline["end"]), deadline["kind"], deadline
            )
    return {
        "data": {
            "text": text,
            "path": meta["path"],
            "kind": meta["kind"],
            **{key: meta.get(key) for key in _META_KEYS},
        },
        "meta": {
            "format": gold_module.FORMAT,
            "origin": "gold",
            "annotator": data.get("annotator", ""),
            "notes": data.get("notes", ""),
        },
        "annotations": [{"result": build.result}],
    }


def prediction_to_task(
    prediction: Mapping[str, Any],
    text: str | None = None,
    path: str | None = None,
    kind: str | None = None,
) -> dict:
    """One Label Studio task from a contract-v1 prediction, so a researcher can
    correct the pipeline's output into gold. Bodies and deadlines without a
    span cannot be drawn; they are listed in ``meta.unplaced``."""
    document = prediction["document"]
    text = document.get("text") if text is None else text
    if text is None:
        raise ValueError("the prediction carries no text; pass text=")
    build = _Builder(text)
    unplaced: list[str] = []
    for task in prediction["tasks"]:
        task_id, _ = build.region(TASK_LABEL, *task["span"], key=(len(build.regions),))
        for body in task["responsible"]:
            if body.get("span") is None:
                unplaced.append(f"{task['id']}: {body['role']} {body['name']}")
                continue
            span = tuple(body["span"])
            # The contract gives a back-reference's resolved name with the
            # back-reference's span, so a name unlike its span is a resolution.
            written = text[span[0] : span[1]]
            build.body(
                task_id, body["role"], span, None if body["name"] == written else body["name"]
            )
        deadline = task.get("deadline")
        if deadline is not None:
            if deadline.get("span") is None:
                unplaced.append(f"{task['id']}: deadline {deadline['text']}")
            else:
                values = {
                    "due": deadline.get("due"),
                    "start_date": deadline.get("start"),
                    "rrule": deadline.get("rrule"),
                }
                build.deadline(task_id, tuple(deadline["span"]), deadline["kind"], values)
    return {
        "data": {
            "text": text,
            "path": path or document.get("source"),
            "kind": kind,
            **{key: document.get(key) for key in _META_KEYS},
        },
        "meta": {
            "format": gold_module.FORMAT,
            "origin": "prediction",
            "annotator": "",
            "notes": "",
            "unplaced": unplaced,
        },
        "annotations": [{"result": build.result}],
    }


def _chosen_result(task: Mapping[str, Any]) -> list[dict[str, Any]]:
    for annotation in task.get("annotations") or []:
        if not annotation.get("was_cancelled"):
            return annotation.get("result") or []
    for prediction in task.get("predictions") or []:
        return prediction.get("result") or []
    return []


def task_to_gold(task: Mapping[str, Any]) -> dict[str, Any]:
    """The ``vntasks-gold/1`` dict of one Label Studio task."""
    data = task["data"]
    text: str = data["text"]
    meta = task.get("meta") or {}
    regions: dict[str, dict[str, Any]] = {}
    extras: dict[str, dict[str, Any]] = {}
    relations: list[tuple[str, str, str | None]] = []
    for item in _chosen_result(task):
        kind = item.get("type")
        if kind == "relation":
            source, target = item["from_id"], item["to_id"]
            if item.get("direction") == "left":
                source, target = target, source
            labels = item.get("labels") or [None]
            relations.append((source, target, labels[0]))
        elif kind == "labels":
            value = item["value"]
            regions[item["id"]] = {
                "label": value["labels"][0],
                "start": int(value["start"]),
                "end": int(value["end"]),
            }
        elif kind in ("textarea", "choices") and "id" in item:
            values = item["value"].get("text" if kind == "textarea" else "choices") or []
            if values:
                extras.setdefault(item["id"], {})[item["from_name"]] = values[0]

    def surface(region_id: str) -> dict[str, Any]:
        region = regions[region_id]
        return {
            "text": text[region["start"] : region["end"]],
            "start": region["start"],
            "end": region["end"],
        }

    linked: dict[str, list[str]] = {}
    for source, target, _ in relations:
        # Label Studio lets a relation be drawn either way; the Task end is the source.
        if regions.get(target, {}).get("label") == TASK_LABEL:
            source, target = target, source
        if regions.get(source, {}).get("label") == TASK_LABEL and target in regions:
            linked.setdefault(source, []).append(target)

    tasks = []
    for region_id, region in regions.items():
        if region["label"] != TASK_LABEL:
            continue
        own = extras.get(region_id, {})
        entry: dict[str, Any] = {
            "description": surface(region_id),
            "lead": [],
            "support": [],
            "deadline": None,
            "optional": own.get("optional") == "optional",
            "comment": own.get("comment", ""),
        }
        for target in linked.get(region_id, []):
            label, more = regions[target]["label"], extras.get(target, {})
            if label == DEADLINE_LABEL:
                deadline = {
                    **surface(target),
                    "kind": more.get("deadline_kind"),
                    "due": more.get("due") or None,
                }
                for name in ("start_date", "rrule"):
                    if more.get(name):
                        deadline[name] = more[name]
                entry["deadline"] = deadline
                continue
            role = next((r for r, name in ROLE_LABELS.items() if name == label), None)
            if role is None:
                continue
            if more.get("resolved"):
                body = {
                    "text": more["resolved"],
                    "start": None,
                    "end": None,
                    "resolved_from": surface(target),
                }
            else:
                body = surface(target)
            entry[role].append(body)
        tasks.append(entry)
    return {
        "format": gold_module.FORMAT,
        "document": {
            "path": data.get("path"),
            "kind": data.get("kind"),
            **{key: data.get(key) for key in _META_KEYS},
        },
        "annotator": meta.get("annotator", ""),
        "notes": meta.get("notes", ""),
        "tasks": tasks,
    }


def export_gold(paths: Iterable[Path | str], shared: Path | None = None) -> list[dict]:
    """Label Studio tasks for the given gold files (documents read from ``shared``)."""
    return [
        gold_to_task(gold_module.load_gold(path, with_text=True, shared=shared)) for path in paths
    ]


def import_tasks(tasks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Gold dicts for Label Studio tasks (an export's list, or any iterable)."""
    return [task_to_gold(task) for task in tasks]
