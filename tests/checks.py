"""Checks shared by the tests of whole extractions."""

from __future__ import annotations

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
