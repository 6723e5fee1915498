"""Dates a user writes (``--issued``, a request's ``issued``, a query's
``due_before``): one reading for the command line and the server."""

from __future__ import annotations

import calendar
import re
from datetime import date

from pipeline.errors import VntasksError

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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
