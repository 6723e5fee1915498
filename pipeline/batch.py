"""Running ``extract`` over one or many inputs and writing the records.

One input gives one JSON object; several give JSON Lines, one document per
line, or one JSON array; a document that failed still gets its line or item
(``{"document": {"source": …}, "error": {"code", "message"}}``) so a tracker
sees what is missing. A file written with ``-o`` is written atomically
(:mod:`pipeline.output`): to a temporary file beside it, then renamed, so an
interrupted run never leaves a truncated file where a good one was, and a
run that extracted nothing writes nothing.

JSON Lines written to a file go to ``<output>.partial`` first, one whole line
at a time and flushed, and are renamed to the output when the batch ends: an
interrupted run loses at most the documents in flight, and ``resume``
carries on from what it wrote (see :func:`read_done`). Documents can be
spread over worker processes or a Dask cluster (:mod:`pipeline.parallel`);
the records come out in input order whatever ran them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pipeline.errors import VntasksError
from pipeline.model import RawDocument
from pipeline.output import Plan, atomic_output, partial_path, publish, sync_folder

if TYPE_CHECKING:
    from pipeline.parallel import Engine, Job
    from pipeline.read.ocr import OcrOptions


@dataclass
class Outcome:
    """One document of a batch: its record, or the error that refused it."""

    source: str
    record: dict[str, Any] | None = None
    error: VntasksError | None = None
    # Already in the output of an earlier run (``resume``): nothing to write.
    # With an ``error``, the earlier run failed on it and wrote its error line.
    skipped: bool = False


@dataclass
class Summary:
    """What a run did: documents extracted now (``ok``), documents that
    failed (now, or in the earlier run a resumed output holds, in input
    order), and records already in the output (``skipped``)."""

    ok: int = 0
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    # Of the documents extracted now: their tasks, and how many of those
    # have a lead and a deadline (for the summary a person reads).
    tasks: int = 0
    with_lead: int = 0
    with_deadline: int = 0

    @property
    def failed_before(self) -> list[Outcome]:
        """The failures that an earlier run wrote and this one kept."""
        return [outcome for outcome in self.failed if outcome.skipped]

    @property
    def total(self) -> int:
        return self.ok + len(self.failed) + self.skipped


@dataclass
class Done:
    """What an earlier run already wrote to a JSON Lines output: its records
    as (source, text hash) pairs, its error lines by source (``(code,
    message)``), and the length in bytes of its whole lines (a truncated last
    line is not counted). A record is known by both: two inputs of one text
    are two records, and a file whose text changed is extracted again."""

    records: set[tuple[str, str]] = field(default_factory=set)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    length: int = 0
    # Whole lines: documents written, records and error lines.
    lines: int = 0

    @property
    def sources(self) -> set[str]:
        return set(self.errors)


def expand_inputs(inputs: Iterable[str]) -> list[tuple[str, VntasksError | None]]:
    """The documents the command-line arguments name, in order: ``-`` stays
    ``-``, a directory becomes its supported files (sorted by name, not
    recursive), and a directory with none becomes an error of its own."""
    from pipeline.read import SUPPORTED_SUFFIXES

    expanded: list[tuple[str, VntasksError | None]] = []
    for argument in inputs:
        path = Path(argument)
        if argument == "-" or not path.is_dir():
            expanded.append((argument, None))
            continue
        try:
            files = sorted(child for child in path.iterdir() if _is_document(child))
        except OSError as error:
            reason = error.strerror or error
            expanded.append((argument, VntasksError("unreadable", argument, reason=reason)))
            continue
        if not files:
            error = VntasksError(
                "no_supported_files", argument, supported=", ".join(SUPPORTED_SUFFIXES)
            )
            expanded.append((argument, error))
        expanded.extend((str(child), None) for child in files)
    return expanded


def _is_document(child: Path) -> bool:
    """Whether a folder's entry is one of its documents: a file with a
    supported suffix, or an entry that cannot be one but may have been
    meant to (a broken or looping link, a FIFO, a device, a file that cannot
    be examined), so that its error line names it rather than it vanishing
    from the batch. Sub-folders are not entered."""
    from pipeline.read import SUPPORTED_SUFFIXES

    try:
        if child.is_dir():
            return False
        if child.is_file():
            return child.suffix.lower() in SUPPORTED_SUFFIXES
    except OSError:
        return True
    return child.is_symlink() or child.suffix.lower() in SUPPORTED_SUFFIXES or child.exists()


def _read_stdin(limits: dict[str, Any]) -> RawDocument:
    from pipeline.read import DEFAULT_MAX_BYTES, STDIN, read_bytes

    max_bytes = limits.get("max_bytes", DEFAULT_MAX_BYTES)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        # A text-only stdin (as in some test runners) is already decoded.
        data = sys.stdin.read(max_bytes + 1).encode("utf-8")
    else:
        data = stream.read(max_bytes + 1)
    return read_bytes(data, STDIN, **limits)


def _jobs(
    sources: Iterable[str], limits: dict[str, Any], done: Done | None
) -> Iterator[Job]:
    from pipeline.parallel import Job

    for source, refused in expand_inputs(sources):
        if done is not None and source in done.sources:
            yield Job(source, skip=True)
        elif refused is not None:
            yield Job(source, refusal=(refused.code, refused.message))
        elif source == "-":
            # Standard input is the parent's: read it here, extract it anywhere.
            try:
                yield Job(source, raw=_read_stdin(limits))
            except VntasksError as error:
                yield Job(source, refusal=(error.code, error.message))
        else:
            yield Job(source, path=source)


def extract_records(
    sources: Iterable[str],
    issued: date | None = None,
    with_text: bool = False,
    max_bytes: int | None = None,
    *,
    doc_type: str | None = None,
    number: str | None = None,
    workers: int = 1,
    engine: Engine = "local",
    scheduler: str | None = None,
    done: Done | None = None,
    ocr: OcrOptions | None = None,
    max_unpacked_bytes: int | None = None,
    max_chars: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
) -> Iterator[Outcome]:
    """Extract each source in turn (directories expanded, ``-`` is standard
    input); refused inputs become error outcomes and the rest go on.

    ``workers`` > 1 spreads the documents over that many processes;
    ``engine="dask"`` or a ``scheduler`` address runs them on Dask. Outcomes
    come in input order either way. Documents in ``done`` (an earlier run's
    output) come back as skipped outcomes. The ``max_*`` limits are the read
    stage's (:mod:`pipeline.read.limits`; None keeps the default);
    ``timeout`` is the seconds one document may take. ``ocr`` says how scans are read
    (default: OCR pictures and PDF pages without a text layer).
    """
    from pipeline.parallel import Options, read_limits, rebuild_error, run
    from pipeline.quiet import is_silenced
    from pipeline.read.ocr import OcrOptions

    options = Options(
        issued=issued,
        doc_type=doc_type,
        number=number,
        with_text=with_text,
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_chars=max_chars,
        max_pages=max_pages,
        timeout=timeout,
        skip_records=frozenset(done.records) if done is not None else frozenset(),
        quiet=is_silenced(),
        ocr=ocr or OcrOptions(),
    )
    jobs = _jobs(sources, read_limits(options), done)
    for result in run(jobs, options, workers=workers, engine=engine, scheduler=scheduler):
        if result.skipped and done is not None and result.source in done.errors:
            earlier = rebuild_error(result.source, *done.errors[result.source])
            yield Outcome(result.source, error=earlier, skipped=True)
        elif result.skipped:
            yield Outcome(result.source, skipped=True)
        elif result.error is not None:
            yield Outcome(result.source, error=rebuild_error(result.source, *result.error))
        else:
            yield Outcome(result.source, record=result.record)


def error_record(outcome: Outcome) -> dict[str, Any]:
    """The JSON line or array item of a document that failed."""
    assert outcome.error is not None
    return {
        "document": {"source": outcome.source},
        "error": {"code": outcome.error.code, "message": outcome.error.message},
    }


def _dump(record: dict[str, Any], lines: bool) -> str:
    if lines:
        return json.dumps(record, ensure_ascii=False) + "\n"
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def count_outcome(summary: Summary, outcome: Outcome) -> bool:
    """Add ``outcome`` to ``summary``; whether it is to be written (an
    outcome an earlier run already wrote is not)."""
    if outcome.error is not None:
        summary.failed.append(outcome)
    elif outcome.skipped:
        summary.skipped += 1
    else:
        summary.ok += 1
        tasks = outcome.record["tasks"] if outcome.record is not None else []
        summary.tasks += len(tasks)
        summary.with_lead += sum(
            any(body["role"] == "lead" for body in task["responsible"]) for task in tasks
        )
        summary.with_deadline += sum(task["deadline"] is not None for task in tasks)
    return not outcome.skipped


def write_records(outcomes: Iterable[Outcome], stream: IO[str], as_lines: bool) -> Summary:
    """Write outcomes as one JSON object (``as_lines`` False: the first record
    only) or as JSON Lines, flushing after each line."""
    summary = Summary()
    for outcome in outcomes:
        if not count_outcome(summary, outcome):
            continue
        if outcome.record is not None:
            stream.write(_dump(outcome.record, as_lines))
        elif as_lines:
            stream.write(_dump(error_record(outcome), True))
        stream.flush()
    return summary


def write_array(outcomes: Iterable[Outcome], stream: IO[str]) -> Summary:
    """Write outcomes as one JSON array, a record or an error object per
    document in input order, streamed one document at a time."""
    summary = Summary()
    stream.write("[")
    separator = "\n"
    for outcome in outcomes:
        count_outcome(summary, outcome)
        item = outcome.record if outcome.record is not None else error_record(outcome)
        body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        stream.write(f"{separator}  {body}")
        separator = ",\n"
        stream.flush()
    stream.write("\n]\n" if summary.total else "]\n")
    return summary


def exit_status(summary: Summary) -> int:
    """0 when every input gave records, 1 when some failed, now or in the
    earlier run a resumed output holds (usage errors, 2, are the command
    line's own)."""
    return 1 if summary.failed else 0


def failure_report(summary: Summary) -> list[str]:
    """The lines to print on standard error: one per failed input, naming it
    and the reason, then a summary when there was more than one input."""
    lines = [
        f"error: {failed.error}" + (" (in the earlier run)" if failed.skipped else "")
        for failed in summary.failed
    ]
    if summary.failed and summary.total > 1:
        names = ", ".join(failed.source for failed in summary.failed)
        extracted = summary.ok + summary.skipped
        lines.append(f"{extracted} of {summary.total} documents extracted; failed: {names}")
    return lines


def read_done(path: Path) -> Done:
    """The documents a JSON Lines file already holds. Reading stops at the
    first line that is not whole, valid JSON: an interrupted run leaves at
    most its last line cut short, and what follows it is not trusted."""
    done = Done()
    with path.open("rb") as stream:
        for line in stream:
            if not line.endswith(b"\n"):
                break
            try:
                record = json.loads(line)
                document = record["document"]
                if "error" in record:
                    error = record["error"]
                    done.errors[document["source"]] = (error["code"], error["message"])
                else:
                    done.records.add((document["source"], document["text_sha256"]))
            except (ValueError, KeyError, TypeError):
                break
            done.length += len(line)
            done.lines += 1
    return done


def _start_partial(path: Path, resume: bool) -> Done:
    """Make ``<path>.partial`` hold the whole lines an earlier run left (when
    resuming) or nothing, and say what they hold."""
    partial = partial_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    base = partial if partial.exists() else path
    if not resume or not base.exists():
        partial.write_bytes(b"")
        return Done()
    done = read_done(base)
    if base == partial:
        with partial.open("r+b") as stream:
            stream.truncate(done.length)
    else:
        with path.open("rb") as source, partial.open("wb") as target:
            remaining = done.length
            while remaining:
                chunk = source.read(min(remaining, 1 << 20))
                target.write(chunk)
                remaining -= len(chunk)
    return done


def write_lines_file(
    path: Path,
    sources: Iterable[str],
    *,
    resume: bool = False,
    observe: Any = None,
    **options: Any,
) -> Summary:
    """Extract ``sources`` (see :func:`extract_records` for ``options``) into
    the JSON Lines file ``path``. With ``resume``, documents already in
    ``path`` (or in the ``.partial`` file an interrupted run left) are
    skipped and the new lines appended after them. ``observe``, if given,
    wraps the outcome stream (a progress display)."""
    partial = partial_path(path)
    done = _start_partial(path, resume)
    outcomes = extract_records(sources, done=done if resume else None, **options)
    if observe is not None:
        outcomes = observe(outcomes)
    with partial.open("a", encoding="utf-8") as stream:
        summary = write_records(outcomes, stream, True)
        os.fsync(stream.fileno())
    if summary.ok == 0 and not done.lines:
        # Nothing extracted and nothing kept: an existing output stays.
        partial.unlink()
        sync_folder(path.parent)
        return summary
    publish(partial, path)
    return summary


def write_json_file(path: Path, outcomes: Iterable[Outcome], shape: str) -> Summary:
    """Write ``outcomes`` to ``path`` atomically, as one JSON object
    (``shape="object"``), one JSON array (``"array"``) or JSON Lines
    (``"lines"``); when no document was extracted nothing is written and an
    existing file stays as it was."""
    with atomic_output(path) as pending:
        if shape == "array":
            summary = write_array(outcomes, pending.stream)
        else:
            summary = write_records(outcomes, pending.stream, shape == "lines")
        pending.keep = summary.ok > 0
    return summary


def write_outputs(
    plan: Plan,
    inputs: Sequence[str],
    *,
    resume: bool = False,
    observe: Any = None,
    with_text: bool = False,
    lang: str | None = None,
    **options: Any,
) -> Summary:
    """Extract ``inputs`` and write them as ``plan`` (from
    :func:`pipeline.output.plan_output`) says: to standard output, to one
    file, or to one file per input in a folder. ``options`` go to
    :func:`extract_records`; ``observe``, if given, wraps the outcome stream
    (a progress display); ``lang`` is the language of the table headers and
    of the review page (:mod:`pipeline.formats.labels`)."""
    from pipeline.formats import FORMATS, write_formatted

    chosen = FORMATS.get(plan.format)
    if plan.file is not None and plan.format == "jsonl":
        return write_lines_file(
            plan.file, inputs, resume=resume, observe=observe, with_text=with_text, **options
        )
    needs_text = with_text or (chosen is not None and chosen.needs_text)
    outcomes = extract_records(inputs, with_text=needs_text, **options)
    if observe is not None:
        outcomes = observe(outcomes)
    if plan.folder is not None:
        return _write_each(outcomes, plan, lang)
    if chosen is not None:
        return write_formatted(outcomes, chosen.name, plan.file, lang=lang)
    shape = "lines" if plan.format == "jsonl" else "array" if plan.several else "object"
    if plan.file is not None:
        return write_json_file(plan.file, outcomes, shape)
    if shape == "array":
        return write_array(outcomes, sys.stdout)
    return write_records(outcomes, sys.stdout, shape == "lines")


def _write_each(outcomes: Iterable[Outcome], plan: Plan, lang: str | None) -> Summary:
    """One file per document in ``plan.folder``, written as each comes."""
    from pipeline.formats import FORMATS, write_formatted

    summary = Summary()
    for outcome in outcomes:
        count_outcome(summary, outcome)
        target = plan.files.get(outcome.source)
        if outcome.record is None or target is None:
            continue
        if plan.format in FORMATS:
            write_formatted([outcome], plan.format, target, lang=lang)
        else:
            shape = "lines" if plan.format == "jsonl" else "object"
            write_json_file(target, [outcome], shape)
    return summary


def interrupted_note(plan: Plan) -> str:
    """What an interrupted run leaves, for the one line printed on Ctrl-C."""
    if plan.file is not None and plan.format == "jsonl":
        partial = partial_path(plan.file)
        if partial.exists():
            kept = read_done(partial).lines
            written = "1 document is" if kept == 1 else f"{kept} documents are"
            return (
                f"{written} written in {partial}; run the same command "
                "with --resume to carry on"
            )
    if plan.folder is not None:
        return f"the files written so far stay in {plan.folder}"
    if plan.file is not None:
        state = "is as it was" if plan.file.exists() else "was not written"
        return f"{plan.file} {state}"
    return "stopped"
