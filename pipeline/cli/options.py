"""Option values the commands share: dates given on the command line, and
the one-line usage error (exit 2)."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import NoReturn

import typer

from pipeline.errors import VntasksError

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def usage_error(message: str) -> NoReturn:
    """Print ``error: message`` on standard error and exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def parse_date(value: str, option: str) -> date:
    """``value`` as a date written YYYY-MM-DD. A value in that form that
    names no day (2025-02-30, 2018-13-01) gets its own message, saying why,
    rather than being called badly written."""
    written = _ISO_DATE.fullmatch(value)
    if written is None:
        raise VntasksError("bad_date", option, value=value)
    year, month, day = (int(part) for part in written.groups())
    if not 1 <= month <= 12:
        raise VntasksError("no_such_date", option, value=value,
                           reason=f"there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise VntasksError("no_such_date", option, value=value,
                           reason=f"month {month} of {year} has {days} days")
    return date(year, month, day)


def parse_issued(value: str | None, option: str = "--issued") -> date | None:
    """The date of ``--issued`` (None when not given), or a usage error."""
    if value is None:
        return None
    try:
        return parse_date(value, option)
    except VntasksError as error:
        usage_error(str(error))


def parse_doc_type(value: str | None, option: str = "--doc-type") -> str | None:
    """``--doc-type`` in the spelling of records (None when not given), or a
    usage error naming the types the pipeline knows."""
    if value is None:
        return None
    from pipeline.metadata import canonical_doc_type

    try:
        return canonical_doc_type(value, option)
    except VntasksError as error:
        usage_error(str(error))
