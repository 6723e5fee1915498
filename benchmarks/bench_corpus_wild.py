"""The whole wild corpus as a smoke test (issue 12): every document read, none failing.

Runs the pipeline over every ``*.txt`` of ``../shared/corpus-wild/`` (403 real
official documents of every kind, most holding tasks, some not) and reports:
documents read; errors (must be 0), each with its file and a one-line
reason; documents with at least one record; task-bearing documents with no
record; records; records without a lead (count and share) and without a
deadline; words/s and documents/s, and words per CPU second (processor
time, which other jobs on a shared machine do not inflate); the five slowest
documents; and, per type of ``SOURCES.tsv``, documents, records and records
without a lead.

``--workers 1`` runs ``extract()`` and ``to_dict()`` in this process, one
document after another, models loaded before timing; seconds are the sum
of the documents' own times. ``--workers N`` (N > 1), or ``--batch``, runs
the batch command ``vntasks extract DIR -o out.jsonl --workers N`` as a user
would (start-up and model loading included) and times the whole process;
it gives no per-document times, so no slowest documents. Words are
whitespace-separated tokens of the text as read.

Task-bearing: a document whose text, outside its header, holds an
``ASSIGN``, ``LEAD`` or ``LABEL_LEAD`` trigger of
``pipeline/resources/triggers.jsonl`` as the pipeline's own matcher finds
it (``tokenise`` + ``match``, on word boundaries, so ``giao`` inside
``giao thông`` does not count). The header is the title block (every
paragraph before the first that carries a list marker, is a table row or
ends like a sentence: ``.``, ``:``, ``;``) and any paragraph opening with
one of ``structure.yaml``'s ``non_task_openers`` (legal basis such as
``Theo đề nghị của …``, addressees, closing lines). The other ``LABEL_*``
words (``thời hạn``, ``nội dung``, ``kết quả``) are ordinary nouns outside a
label line, so they do not count. The definition over-counts: a Quyết
định whose only trigger is its enforcement clause holds no task by
``annotations/PROTOCOL.md``, so the list is for review, not a failure.

Documents of the sealed test part (``annotations/draw.tsv``) are run like
the others, but an error on one is reported by its exception type (or
error code) only, never by a message that could quote its text.

Usage: ``.venv/bin/python benchmarks/bench_corpus_wild.py [--workers N] [--batch]
[--limit N] [--json PATH]``; exit status 1 when any document failed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT.parent / "shared" / "corpus-wild"
VNTASKS = Path(sys.executable).parent / "vntasks"
TASK_BEARING_LABELS = frozenset({"ASSIGN", "LEAD", "LABEL_LEAD"})
SENTENCE_ENDS = (".", ":", ";")
TASK_BEARING = (
    "task-bearing = an ASSIGN, LEAD or LABEL_LEAD trigger (triggers.jsonl, found by the "
    "pipeline's matcher) after the header (the lines before the first paragraph with a "
    "list marker, a table row or a sentence end) and outside paragraphs opening with "
    "structure.yaml's non_task_openers"
)


@dataclass
class Document:
    """One document's outcome: its record, or the reason it failed."""

    path: Path
    words: int = 0
    seconds: float | None = None
    record: dict[str, Any] | None = None
    error: str | None = None
    task_bearing: bool | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Run:
    documents: list[Document]
    seconds: float
    # Processor time, which other jobs on the machine do not inflate.
    cpu_seconds: float
    engine: str
    command: list[str] = field(default_factory=list)


def sealed_files() -> frozenset[str]:
    """The sealed test part of the draw: run, but never quoted."""
    from pipeline.sampling import read_draw

    path = ROOT / "annotations" / "draw.tsv"
    if not path.is_file():
        return frozenset()
    return frozenset(c.file for c in read_draw(path) if c.part == "test")


def source_types() -> dict[str, str]:
    from pipeline.sampling import read_sources

    path = WILD / "SOURCES.tsv"
    if not path.is_file():
        return {}
    return {row["file"]: row["type"] for row in read_sources(path)}


def one_line(error: BaseException, sealed: bool) -> str:
    if sealed:
        return f"{type(error).__name__} (message withheld: sealed test document)"
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message[:200]}" if message else type(error).__name__


def run_library(paths: list[Path], sealed: frozenset[str]) -> Run:
    from pipeline.export import to_dict
    from pipeline.extraction import extract
    from pipeline.parallel import load_models
    from pipeline.read import read_document

    load_models()
    if paths:
        # First-use caches (gazetteer, trigger ruler, grammars) out of the timing.
        extract(paths[0])
    documents = []
    cpu_started = time.process_time()
    for path in paths:
        document = Document(path)
        begun = time.perf_counter()
        try:
            raw = read_document(path)
            document.words = len(raw.text.split())
            document.record = to_dict(extract(raw))
        except Exception as error:  # noqa: BLE001 - a smoke test reports every failure
            document.error = one_line(error, path.name in sealed)
        document.seconds = time.perf_counter() - begun
        documents.append(document)
    total = sum(d.seconds or 0.0 for d in documents)
    cpu = time.process_time() - cpu_started
    return Run(documents, total, cpu, "extract() in one process, models loaded before timing")


def _children_cpu() -> float:
    # Includes the batch's workers: the batch waits for them before exiting.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_batch(paths: list[Path], workers: int, sealed: frozenset[str]) -> Run:
    """``vntasks extract DIR -o out.jsonl --workers N`` on a folder of links to
    ``paths`` (the corpus folder itself also holds README.md, which the batch
    would read)."""
    from pipeline.read import read_document

    documents = {path.name: Document(path) for path in paths}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "docs"
        folder.mkdir()
        for path in paths:
            (folder / path.name).symlink_to(path.resolve())
        out = Path(temporary) / "out.jsonl"
        command = [str(VNTASKS), "extract", str(folder), "-o", str(out),
                   "--workers", str(workers), "--no-progress"]
        # The checkout this script belongs to, whatever the venv was installed from.
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), environment.get("PYTHONPATH")) if p
        )
        cpu_before = _children_cpu()
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, env=environment,
                                  check=False)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        written = out if out.exists() else out.with_name(out.name + ".partial")
        lines = written.read_text(encoding="utf-8").splitlines() if written.exists() else []
    for line in lines:
        record = json.loads(line)
        document = documents.get(Path(record["document"]["source"]).name)
        if document is None:
            continue
        if "error" in record:
            code, message = record["error"]["code"], record["error"]["message"]
            document.error = (f"{code} (message withheld: sealed test document)"
                              if document.name in sealed
                              else f"{code}: {' '.join(message.split())[:200]}")
        else:
            document.record = record
    stopped = [d for d in documents.values() if d.record is None and d.error is None]
    if stopped:
        last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        for document in stopped:
            document.error = (f"batch stopped with exit status {finished.returncode} "
                              f"before this document: {last[:200]}")
    for document in documents.values():
        try:
            document.words = len(read_document(document.path).text.split())
        except Exception:  # noqa: BLE001 - already reported by the batch
            pass
    shown = ["vntasks", *command[1:2], "DIR", "-o", "out.jsonl", *command[5:]]
    return Run(list(documents.values()), seconds, cpu, "vntasks extract, whole process timed",
               shown)


def is_task_bearing(text: str) -> bool:
    """See the module docstring: an assigning trigger outside the header."""
    from pipeline.match import match
    from pipeline.normalise import normalise, normalise_string
    from pipeline.resources import load_yaml
    from pipeline.segment import segment
    from pipeline.tokenise import tokenise

    openers = tuple(
        normalise_string(o).lower() for o in load_yaml("structure.yaml")["non_task_openers"]
    )
    paragraphs = segment(normalise(text))
    body = next(
        (p.start for p in paragraphs
         if p.marker is not None or p.is_table_row
         or text[p.start : p.end].rstrip().endswith(SENTENCE_ENDS)),
        len(text),
    )
    excluded = [
        (p.start, p.end) for p in paragraphs
        if normalise_string(text[p.start : p.end]).lower().startswith(openers)
    ]
    return any(
        trigger.label in TASK_BEARING_LABELS
        and trigger.start >= body
        and not any(start <= trigger.start < end for start, end in excluded)
        for trigger in match(tokenise(text)).triggers
    )


def mark_task_bearing(documents: list[Document]) -> None:
    """Only documents without a record need the answer; it is computed after
    the timing, since it tokenises the text again."""
    from pipeline.read import read_document

    for document in documents:
        if document.record is not None and not document.record["tasks"]:
            document.task_bearing = is_task_bearing(read_document(document.path).text)


def _has_lead(task: dict[str, Any]) -> bool:
    return any(body["role"] == "lead" for body in task["responsible"])


def summarise(run: Run, types: dict[str, str], workers: int) -> dict[str, Any]:
    documents = run.documents
    done = [d for d in documents if d.record is not None]
    tasks = [t for d in done for t in d.record["tasks"]]
    without_lead = sum(1 for t in tasks if not _has_lead(t))
    words = sum(d.words for d in documents)
    per_type: dict[str, dict[str, int]] = defaultdict(
        lambda: {"documents": 0, "records": 0, "records_without_lead": 0}
    )
    for document in documents:
        row = per_type[types.get(document.name, "?")]
        row["documents"] += 1
        for task in document.record["tasks"] if document.record else []:
            row["records"] += 1
            row["records_without_lead"] += not _has_lead(task)
    timed = [d for d in documents if d.seconds is not None]
    slowest = sorted(timed, key=lambda d: d.seconds or 0.0, reverse=True)[:5]
    return {
        "corpus": str(WILD),
        "workers": workers,
        "engine": run.engine,
        "command": " ".join(run.command) if run.command else None,
        "documents": len(documents),
        "errors": [{"file": d.name, "reason": d.error} for d in documents if d.error],
        "documents_with_records": sum(1 for d in done if d.record["tasks"]),
        "task_bearing_definition": TASK_BEARING,
        "task_bearing_without_records": [d.name for d in documents if d.task_bearing],
        "documents_without_records": sum(1 for d in done if not d.record["tasks"]),
        "records": len(tasks),
        "records_without_lead": without_lead,
        "records_without_lead_share": without_lead / len(tasks) if tasks else 0.0,
        "records_without_deadline": sum(1 for t in tasks if t["deadline"] is None),
        "words": words,
        "seconds": run.seconds,
        "words_per_second": words / run.seconds if run.seconds else 0.0,
        "documents_per_second": len(documents) / run.seconds if run.seconds else 0.0,
        "cpu_seconds": run.cpu_seconds,
        "words_per_cpu_second": words / run.cpu_seconds if run.cpu_seconds else 0.0,
        "slowest": [
            {"file": d.name, "seconds": d.seconds, "bytes": d.path.stat().st_size,
             "words": d.words}
            for d in slowest
        ],
        "types": dict(sorted(per_type.items())),
    }


def report(summary: dict[str, Any]) -> None:
    print(f"corpus: {summary['corpus']}")
    print(f"run: {summary['engine']}, {summary['workers']} worker(s)"
          + (f": {summary['command']}" if summary["command"] else ""))
    print(f"documents read: {summary['documents']}")
    print(f"errors: {len(summary['errors'])} (must be 0)")
    for error in summary["errors"]:
        print(f"  {error['file']}: {error['reason']}")
    print(f"documents with at least one record: {summary['documents_with_records']}")
    without = summary["task_bearing_without_records"]
    print(f"documents with no record: {summary['documents_without_records']}, "
          f"of which task-bearing: {len(without)}")
    print(f"  ({summary['task_bearing_definition']})")
    for name in without:
        print(f"  {name}")
    print(f"records: {summary['records']}")
    print(f"records without a lead: {summary['records_without_lead']} "
          f"({summary['records_without_lead_share']:.1%})")
    print(f"records without a deadline: {summary['records_without_deadline']}")
    print(f"words: {summary['words']:,} in {summary['seconds']:.1f} s: "
          f"{summary['words_per_second']:,.0f} words/s, "
          f"{summary['documents_per_second']:.2f} documents/s")
    print(f"processor time: {summary['cpu_seconds']:.1f} s, "
          f"{summary['words_per_cpu_second']:,.0f} words per CPU second "
          "(the wall-clock figures also depend on what else the machine runs)")
    if summary["slowest"]:
        print("slowest documents:")
        for row in summary["slowest"]:
            print(f"  {row['seconds']:6.2f} s  {row['bytes']:>7,} bytes  {row['file']}")
    else:
        print("slowest documents: not measured (the batch gives no per-document times)")
    print("per type (SOURCES.tsv): documents, records, records without a lead")
    for name, row in summary["types"].items():
        print(f"  {name:6} {row['documents']:4} {row['records']:6} "
              f"{row['records_without_lead']:6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1,
                        help="1: extract() in this process; N > 1: vntasks extract --workers N")
    parser.add_argument("--batch", action="store_true",
                        help="run vntasks extract even with one worker")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N documents, by file name")
    parser.add_argument("--json", type=Path, default=None, dest="json_path",
                        help="also save the summary as JSON here")
    args = parser.parse_args()
    paths = sorted(WILD.glob("*.txt"))[: args.limit]
    if not paths:
        print(f"skipped: the wild corpus {WILD} is absent")
        return 0
    sealed = sealed_files()
    if args.workers > 1 or args.batch:
        run = run_batch(paths, max(args.workers, 1), sealed)
    else:
        run = run_library(paths, sealed)
    mark_task_bearing(run.documents)
    summary = summarise(run, source_types(), args.workers)
    summary["bench"] = " ".join([Path(sys.executable).name, *sys.argv])
    report(summary)
    print(f"\nbench: {summary['bench']}")
    if args.json_path is not None:
        args.json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                  encoding="utf-8")
        print(f"summary saved to {args.json_path}")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
