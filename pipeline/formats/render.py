"""Choosing a format by name and writing it.

JSON and JSON Lines stay with :mod:`pipeline.batch`, which streams them one
document at a time; the formats here need every record first (one table, one
calendar, one page), so they collect the outcomes, then render once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline.batch import Outcome, Summary, count_outcome
from pipeline.formats.csv import to_csv
from pipeline.formats.html import to_html
from pipeline.formats.ics import to_ics
from pipeline.formats.xlsx import to_xlsx
from pipeline.output import write_atomically

Records = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Format:
    """An output format: its name (``--format``), the function rendering
    records to bytes, and its file suffix."""

    name: str
    render: Callable[..., bytes]
    suffix: str
    # The review page shows the text, which records carry only on request.
    needs_text: bool = False
    # Takes ``lang`` (pipeline/formats/labels.yaml); None: its default.
    localised: bool = False


FORMATS = {
    f.name: f
    for f in (
        Format("csv", to_csv, ".csv", localised=True),
        Format("xlsx", to_xlsx, ".xlsx", localised=True),
        Format("ics", to_ics, ".ics"),
        Format("html", to_html, ".html", needs_text=True, localised=True),
    )
}


def render(name: str, records: Records, lang: str | None = None) -> bytes:
    """The bytes of ``records`` in format ``name`` (a key of ``FORMATS``);
    ``lang`` is the language of a table's headers or of the review page
    (None: the format's default, en for tables, vi for the page)."""
    chosen = FORMATS[name]
    if lang is not None and chosen.localised:
        return chosen.render(records, lang=lang)
    return chosen.render(records)


def _write_bytes(data: bytes) -> Callable[[IO[str]], None]:
    def write(stream: IO[str]) -> None:
        # write_atomically hands over a text stream; the rendered formats are
        # bytes already (xlsx is binary, ics must keep its CRLFs untranslated),
        # so they go to the binary buffer beneath it.
        stream.flush()
        stream.buffer.write(data)  # type: ignore[attr-defined]

    return write


def write_formatted(
    outcomes: Iterable[Outcome],
    name: str,
    output: Path | None = None,
    stdout: IO[bytes] | None = None,
    lang: str | None = None,
) -> Summary:
    """Render the successful outcomes in format ``name`` and write them to
    ``output`` (atomically) or to ``stdout`` (default: the process's binary
    standard output), with the labels of ``lang``. When every input failed
    nothing is written, so a good file already at ``output`` is kept."""
    summary = Summary()
    records = []
    for outcome in outcomes:
        count_outcome(summary, outcome)
        if outcome.record is not None:
            records.append(outcome.record)
    if not records:
        return summary
    data = render(name, records, lang)
    if output is not None:
        write_atomically(output, _write_bytes(data))
    else:
        stream = stdout or sys.stdout.buffer
        stream.write(data)
        stream.flush()
    return summary
