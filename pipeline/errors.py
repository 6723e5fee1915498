"""Every error a user can see, with a stable code, in one place.

The CLI prints ``<source>: <message>`` on one line and exits non-zero; JSON
Lines output records ``{"code", "message"}`` for a failed document.
"""

from __future__ import annotations

MESSAGES = {
    "not_found": "no such file or directory",
    "not_a_file": "not a regular file",
    "empty": "the file is empty",
    "whitespace_only": "the file holds only whitespace",
    "binary": "the file holds binary data, not text",
    "decode": "the text is not valid UTF-8 or UTF-16",
    "unsupported": "unsupported file type {suffix!r}; supported: {supported}",
    "too_large": "the file is {size} bytes, over the limit of {limit} bytes",
    "bad_issued": "--issued must be a date written YYYY-MM-DD, got {value!r}",
}


class VntasksError(Exception):
    """An input the pipeline refuses, with a code from :data:`MESSAGES`."""

    def __init__(self, code: str, source: str, **details: object) -> None:
        self.code = code
        self.source = source
        self.message = MESSAGES[code].format(**details)
        super().__init__(f"{source}: {self.message}")
