"""Running ``extract`` over one or many inputs and writing the records.

One input gives one JSON object; several give JSON Lines, one document per
line, where a document that failed still gets its line
(``{"document": {"source": …}, "error": {"code", "message"}}``) so a tracker
sees what is missing. A file written with ``-o`` is written atomically: to a
temporary file beside it, then renamed, so an interrupted run never leaves a
truncated file where a good one was.

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
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pipeline.errors import VntasksError
from pipeline.model import RawDocument

if TYPE_CHECKING:
    from pipeline.parallel import Engine, Job


@dataclass
class Outcome:
    source: str
    record: dict[str, Any] | None = None
    error: VntasksError | None = None
    # Already in the output of an earlier run (``resume``): nothing to write.
    skipped: bool = False


@dataclass
class Summary:
    ok: int = 0
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0


@dataclass
class Done:
    """What an earlier run already wrote to a JSON Lines output: the text
    hashes of its records, the sources of its error lines, and the length in
    bytes of its whole lines (a truncated last line is not counted)."""

    hashes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    length: int = 0


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
        files = sorted(
            child for child in path.iterdir()
            if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES
        )
        if not files:
            error = VntasksError(
                "no_supported_files", argument, supported=", ".join(SUPPORTED_SUFFIXES)
            )
            expanded.append((argument, error))
        expanded.extend((str(child), None) for child in files)
    return expanded


def _read_stdin(max_bytes: int) -> RawDocument:
    from pipeline.read import STDIN, read_bytes

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        # A text-only stdin (as in some test runners) is already decoded.
        data = sys.stdin.read(max_bytes + 1).encode("utf-8")
    else:
        data = stream.read(max_bytes + 1)
    return read_bytes(data, STDIN, max_bytes=max_bytes)


def _jobs(
    sources: Iterable[str], max_bytes: int | None, done: Done | None
) -> Iterator[Job]:
    from pipeline.parallel import Job
    from pipeline.read import DEFAULT_MAX_BYTES

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    for source, refused in expand_inputs(sources):
        if done is not None and source in done.sources:
            yield Job(source, skip=True)
        elif refused is not None:
            yield Job(source, refusal=(refused.code, refused.message))
        elif source == "-":
            # Standard input is the parent's: read it here, extract it anywhere.
            try:
                yield Job(source, raw=_read_stdin(limit))
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
) -> Iterator[Outcome]:
    """Extract each source in turn (directories expanded, ``-`` is standard
    input); refused inputs become error outcomes and the rest go on.

    ``workers`` > 1 spreads the documents over that many processes;
    ``engine="dask"`` or a ``scheduler`` address runs them on Dask. Outcomes
    come in input order either way. Documents in ``done`` (an earlier run's
    output) come back as skipped outcomes.
    """
    from pipeline.parallel import Options, rebuild_error, run
    from pipeline.quiet import is_silenced

    options = Options(
        issued=issued,
        doc_type=doc_type,
        number=number,
        with_text=with_text,
        max_bytes=max_bytes,
        skip_hashes=frozenset(done.hashes) if done is not None else frozenset(),
        quiet=is_silenced(),
    )
    jobs = _jobs(sources, max_bytes, done)
    for result in run(jobs, options, workers=workers, engine=engine, scheduler=scheduler):
        if result.skipped:
            yield Outcome(result.source, skipped=True)
        elif result.error is not None:
            yield Outcome(result.source, error=rebuild_error(result.source, *result.error))
        else:
            yield Outcome(result.source, record=result.record)


def error_record(outcome: Outcome) -> dict[str, Any]:
    assert outcome.error is not None
    return {
        "document": {"source": outcome.source},
        "error": {"code": outcome.error.code, "message": outcome.error.message},
    }


def _dump(record: dict[str, Any], lines: bool) -> str:
    if lines:
        return json.dumps(record, ensure_ascii=False) + "\n"
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def write_records(outcomes: Iterable[Outcome], stream: IO[str], as_lines: bool) -> Summary:
    """Write outcomes as one JSON object (``as_lines`` False: the first record
    only) or as JSON Lines, flushing after each line."""
    summary = Summary()
    for outcome in outcomes:
        if outcome.skipped:
            summary.skipped += 1
            continue
        if outcome.record is not None:
            summary.ok += 1
            stream.write(_dump(outcome.record, as_lines))
        else:
            summary.failed.append(outcome)
            if as_lines:
                stream.write(_dump(error_record(outcome), True))
        stream.flush()
    return summary


def exit_status(summary: Summary) -> int:
    """0 when every input gave records, 1 when some failed (usage errors, 2,
    are the command line's own)."""
    return 1 if summary.failed else 0


def failure_report(summary: Summary) -> list[str]:
    """The lines to print on standard error: one per failed input, naming it
    and the reason, then a summary when there was more than one input."""
    lines = [f"error: {failed.error}" for failed in summary.failed]
    total = summary.ok + len(summary.failed)
    if summary.failed and total > 1:
        names = ", ".join(failed.source for failed in summary.failed)
        lines.append(f"{summary.ok} of {total} documents extracted; failed: {names}")
    return lines


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, write: Any) -> Any:
    """Call ``write(stream)`` on a temporary file, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            result = write(stream)
        # mkstemp creates the file private (0600); an output is an ordinary
        # file that colleagues may open, so give it the usual permissions.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def partial_path(path: Path) -> Path:
    """Where JSON Lines for ``path`` are written until the batch ends."""
    return path.with_name(path.name + ".partial")


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
                    done.sources.add(document["source"])
                else:
                    done.hashes.add(document["text_sha256"])
            except (ValueError, KeyError, TypeError):
                break
            done.length += len(line)
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
    os.chmod(partial, 0o666 & ~_current_umask())
    os.replace(partial, path)
    return summary
