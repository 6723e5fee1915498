"""Checks shared by the tests of whole extractions, and the real program
run in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.export import to_dict, validate
from pipeline.model import DocumentResult


def check_result(result: DocumentResult) -> None:
    """Every span slices to its text; the record validates."""
    text = result.text
    for task in result.tasks:
        assert text[task.span[0] : task.span[1]] == task.description
        assert text[task.sentence_span[0] : task.sentence_span[1]] == task.sentence
        for body in task.responsible:
            # A resolved back-reference keeps its own span ("Ban") and the
            # name of the body it refers to.
            if body.span is not None and "resolved_reference" not in task.flags:
                assert text[body.span[0] : body.span[1]] == body.name
        if task.deadline is not None and task.deadline.span is not None:
            start, end = task.deadline.span
            assert text[start:end] == task.deadline.text
    validate(to_dict(result))
    validate(to_dict(result, with_text=True))


ROOT = Path(__file__).parents[1]


def run_vntasks(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """``vntasks ARGS`` as a user runs it: ``pipeline.cli.main`` in a process
    of its own (so that its standard error is really captured, library log
    lines included), with this checkout first on the path."""
    environment = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=environment, timeout=timeout
    )
