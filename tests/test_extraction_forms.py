"""One text in any form gives the same tasks (issue 17): LF, CRLF or lone-CR
line ends; NFC or NFD; UTF-8, UTF-16, UTF-32 or Windows-1258 bytes.

The documents are dev documents of ../shared (annotations/split.tsv). Each
form is written to a file and read the way ``vntasks extract`` reads it;
records are compared by their text (descriptions, bodies, deadline
phrases), NFC with "\\n" line ends, since offsets are into each text as read.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.extraction import extract
from pipeline.gold import shared_dir
from pipeline.read import read_document

SHARED = shared_dir(required=False)
# Short dev documents, so the fast suite can afford every form of them.
DEV_DOCUMENTS = [
    "26_tom-tat-cd-227-cd-ttg-ho-tro-sua-nha-truoc-30-11.txt",
    "32_tin-vietnamnet-thu-tuong-chi-thi-xu-ly-vi-pham-nong-do-con.txt",
]
# Windows-1258 writes the five tones as combining marks after a base letter
# that may carry its own (precomposed) vowel mark.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(mark for mark in parts if mark in _TONES)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
            out.append(base + tones)
    return "".join(out).encode("cp1258")


FORMS: dict[str, Callable[[str], bytes]] = {
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "lone-cr": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "nfd": lambda text: unicodedata.normalize("NFD", text).encode("utf-8"),
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-32": lambda text: text.encode("utf-32"),
    "utf-32-le-no-bom": lambda text: text.encode("utf-32-le"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "windows-1258": _cp1258,
}


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _records(path: Path) -> list[tuple]:
    result = extract(read_document(path))
    return [
        (
            _plain(task.description),
            tuple((body.role, _plain(body.name)) for body in task.responsible),
            _plain(task.deadline.text) if task.deadline is not None else None,
        )
        for task in result.tasks
    ]


@pytest.mark.skipif(SHARED is None, reason="../shared (the shared directives) is absent")
@pytest.mark.parametrize("name", DEV_DOCUMENTS)
def test_extraction_same_tasks_in_every_form(tmp_path, name):
    source = Path(SHARED) / "real-directives" / name
    if not source.exists():
        pytest.skip(f"{source} is not in ../shared")
    text = source.read_text(encoding="utf-8")
    expected = _records(source)
    assert expected, "the document must give tasks for the comparison to mean anything"
    differing = []
    for form, encode in FORMS.items():
        path = tmp_path / f"{form}.txt"
        path.write_bytes(encode(text))
        if _records(path) != expected:
            differing.append(form)
    assert differing == []
