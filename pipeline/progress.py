"""A progress display for batches: documents done of all, documents per
second and failures so far, on standard error.

The bar is redrawn by hand after each document rather than by rich's refresh
thread, so no thread runs while the process pool forks its workers.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from pipeline.batch import Outcome, Summary
from pipeline.output import Plan

Observer = Callable[[Iterable[Outcome]], Iterator[Outcome]]


def wanted(flag: bool | None) -> bool:
    """Show progress when asked, or by default when standard error is a
    terminal (never in pipes, logs or tests)."""
    if flag is not None:
        return flag
    return sys.stderr.isatty()


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Observer]:
    """Yield a wrapper for an outcome stream that advances the bar as the
    outcomes pass; with ``enabled`` False it passes them on untouched."""
    if not enabled:
        yield lambda outcomes: iter(outcomes)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.2f} documents/s"),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        auto_refresh=False,
        transient=False,
    )
    task = bar.add_task("extract", total=total, rate=0.0, failed=0)

    def observe(outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
        started = time.perf_counter()
        done = failed = 0
        for outcome in outcomes:
            done += 1
            failed += outcome.error is not None
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, advance=1, rate=rate, failed=failed)
            bar.refresh()
            yield outcome

    with bar:
        yield observe


@contextmanager
def page_bar(source: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar of pages recognised for one long scan, on standard error; the
    function yielded takes the pages done so far. It is drawn by hand like
    the documents' bar, and cleared at the end, so the documents' bar stays
    where it was."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        # The file's name, not its path: the bar must fit a terminal's line.
        TextColumn(f"OCR {os.path.basename(source)}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        auto_refresh=False,
        transient=True,
    )
    task = bar.add_task("ocr", total=total)

    def advance(done: int) -> None:
        bar.update(task, completed=done)
        bar.refresh()

    with bar:
        bar.refresh()
        yield advance


def summary_line(summary: Summary, seconds: float) -> str:
    """One line for the end of a batch."""
    before = len(summary.failed_before)
    processed = summary.ok + len(summary.failed) - before
    rate = processed / seconds if seconds > 0 else 0.0
    line = f"{summary.total} documents: {summary.ok} extracted, {len(summary.failed)} failed"
    if before:
        line += f" ({before} in the earlier run)"
    if summary.skipped:
        line += f", {summary.skipped} already in the output"
    return line + f", in {seconds:.1f} s ({rate:.2f} documents/s)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def result_lines(plan: Plan, summary: Summary) -> list[str]:
    """A short account of a run for a person (``--summary``): documents,
    tasks, and where they were written."""
    where = plan.file or plan.folder
    lines = [
        f"{_plural(summary.ok, 'document')} extracted, {_plural(summary.tasks, 'task')} "
        f"({summary.with_lead} with a lead, {summary.with_deadline} with a deadline)"
    ]
    if summary.failed:
        lines.append(f"{len(summary.failed)} failed (see the errors above)")
    if where is not None:
        kind = "review page" if plan.format == "html" else plan.format
        lines.append(f"{kind}: {where}")
    return lines
