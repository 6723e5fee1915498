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


@dataclass
class Outcome:
    source: str
    record: dict[str, Any] | None = None
    error: VntasksError | None = None


@dataclass
class Summary:
    ok: int = 0
    failed: list[Outcome] = field(default_factory=list)


def extract_records(
    sources: Iterable[str], issued: date | None = None, with_text: bool = False
) -> Iterator[Outcome]:
    """Extract each source in turn; refused inputs become error outcomes."""
    from pipeline.export import to_dict
    from pipeline.extraction import extract

    for source in sources:
        try:
            if source == "-":
                text = sys.stdin.read()
                result = extract(text, issued=issued, source_name="<stdin>")
            else:
                result = extract(Path(source), issued=issued)
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


def write_atomically(path: Path, write: Any) -> Any:
    """Call ``write(stream)`` on a temporary file, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            result = write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result
