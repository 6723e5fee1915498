"""Keeping other libraries' log lines and warnings off the user's terminal.

The README promises one line per error on standard error. Left alone, pypdf
logs ``EOF marker not found`` beside the error for a broken PDF, trafilatura
logs ``discarding data: None`` and two lxml lines for an empty page, and
underthesea calls ``logging.basicConfig`` on import, which sends every such
record to standard error. What those lines say reaches the user as the
:class:`~pipeline.errors.VntasksError` message, so the command-line process
turns logging and warnings off (:func:`silence_libraries`). A program that
imports the library is left alone: its logging set-up is its own.
"""

from __future__ import annotations

import logging
import warnings


def silence_libraries() -> None:
    """Drop every log record and warning in this process. vntasks itself
    never logs: what a user must see is printed by the command line."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def is_silenced() -> bool:
    """Whether :func:`silence_libraries` ran here, so that worker processes
    started without a fork (spawn, Dask) can do as their parent did."""
    return logging.root.manager.disable >= logging.CRITICAL
