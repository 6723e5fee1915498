"""Running ``extract`` over one or many inputs and writing the records.

One input gives one JSON object; several give JSON Lines, one document per
line, where a document that failed still gets its line
(``{"document": {"source": …}, "error": {"code", "message"}}``) so a tracker
sees what is missing. A file written with ``-o`` is written atomically: to a
temporary file beside it, then renamed, so an interrupted run never leaves a
truncated file where a good one was.
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
from typing import IO, Any

from pipeline.errors import VntasksError
from pipeline.model import RawDocument


@dataclass
class Outcome:
    source: str
    record: dict[str, Any] | None = None
    error: VntasksError | None = None


@dataclass
class Summary:
    ok: int = 0
    failed: list[Outcome] = field(default_factory=list)


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


def extract_records(
    sources: Iterable[str],
    issued: date | None = None,
    with_text: bool = False,
    max_bytes: int | None = None,
) -> Iterator[Outcome]:
    """Extract each source in turn (directories expanded, ``-`` is standard
    input); refused inputs become error outcomes and the rest go on."""
    from pipeline.export import to_dict
    from pipeline.extraction import extract
    from pipeline.read import DEFAULT_MAX_BYTES, read_document

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    for source, refused in expand_inputs(sources):
        if refused is not None:
            yield Outcome(source, error=refused)
            continue
        try:
            raw = _read_stdin(limit) if source == "-" else read_document(source, max_bytes=limit)
            result = extract(raw, issued=issued)
        except VntasksError as error:
            yield Outcome(source, error=error)
            continue
        yield Outcome(source, record=to_dict(result, with_text=with_text))


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
