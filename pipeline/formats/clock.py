"""The time written into outputs that carry one (the DTSTAMP of an .ics,
the created and modified times of an .xlsx).

It is the current time, unless ``SOURCE_DATE_EPOCH`` is set: then it is that
time, so that running vntasks twice on the same documents gives the same
bytes, as the reproducible-builds convention
(https://reproducible-builds.org/specs/source-date-epoch/) asks.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from pipeline.errors import VntasksError

VARIABLE = "SOURCE_DATE_EPOCH"


def build_time() -> datetime:
    """``SOURCE_DATE_EPOCH`` as a UTC time, or now (whole seconds)."""
    value = os.environ.get(VARIABLE)
    if value is None or value == "":
        return datetime.now(UTC).replace(microsecond=0)
    if not value.isdigit():
        raise VntasksError("bad_epoch", VARIABLE, value=value)
    return datetime.fromtimestamp(int(value), UTC)
