"""Tests of the review page (``pipeline/formats/html.py``) and of
``vntasks review``.

The page is checked twice: parsed with the standard library's HTML parser,
and rendered by headless Chromium (Debian's ``chromium``), whose DOM dump and
screenshot show that the highlights and the table survive a real browser.
Where Chromium is absent that test skips; ``.ci/run`` installs it with
``fonts-noto-core`` for the Vietnamese glyphs. Examples: the hand-made record
of ``test_formats.py`` and the invented sample plan in ``corpus/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_formats import SAMPLE, TEXT, hand_made_result
from typer.testing import CliRunner

from pipeline.export import to_dict
from pipeline.formats import to_html
from pipeline.formats.html import LABELS, anchor_id, highlights, row_id

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="headless Chromium not installed (apt-get install chromium fonts-noto-core)",
)


class Page(HTMLParser):
    """What a reader of the page sees: the highlighted pieces with their
    labels and tasks, the anchors in the text, and the table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []
        self.anchors: dict[str, str] = {}
        self.rows: list[str] = []
        self.links: dict[str, str] = {}
        self.text = ""
        self.meta_charset: str | None = None
        self.external: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._in_text = 0
        self._link: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "charset" in attrs:
            self.meta_charset = attrs["charset"]
        if tag in ("script", "link", "img", "iframe") or "src" in attrs:
            self.external.append(tag)
        if tag == "div" and attrs.get("class") == "text":
            self._in_text += 1
        elif self._in_text and tag == "div":
            self._in_text += 1
        if tag == "mark" and self._in_text:
            self.marks.append(
                {
                    "labels": attrs["class"].split()[1:],
                    "tasks": attrs["data-tasks"].split(),
                    "text": "",
                }
            )
        if tag == "a" and "id" in attrs:
            self.anchors[attrs["id"]] = attrs["href"]
        if tag == "tr" and "data-task" in attrs:
            self.rows.append(attrs["data-task"])
        if tag == "a" and attrs.get("href", "").startswith("#task-") and not self._in_text:
            self._link = attrs["href"][1:]
            self.links[self._link] = ""
        self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "div" and self._in_text:
            self._in_text -= 1
        if tag == "a":
            self._link = None
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._link:
            self.links[self._link] += data
        if not self._in_text:
            return
        if self._stack and self._stack[-1][0] == "a":
            return  # the numbered anchors are not part of the document's text
        self.text += data
        if self._stack and self._stack[-1][0] == "mark":
            self.marks[-1]["text"] += data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def check_page(page: str, records: list[dict]) -> Page:
    """The page against the JSON records: every task has a row linking to an
    anchor in the text and back, the text is whole, and every span with an
    offset is highlighted with its label."""
    seen = parse(page)
    assert (seen.meta_charset or "").lower() == "utf-8"
    assert seen.external == [], "the page must need no other file"
    tasks = [t for r in records for t in r["tasks"]]
    assert seen.rows == [t["id"] for t in tasks]
    assert "".join(r["document"]["text"] for r in records) == seen.text
    for task in tasks:
        assert seen.anchors[anchor_id(task["id"])] == f"#{row_id(task['id'])}"
        assert seen.links[anchor_id(task["id"])] == task["description"]
        marked = "".join(
            m["text"] for m in seen.marks if task["id"] in m["tasks"] and "task" in m["labels"]
        )
        assert marked == task["description"]
        for body in task["responsible"]:
            if body["span"]:
                pieces = [
                    m
                    for m in seen.marks
                    if body["role"] in m["labels"] and task["id"] in m["tasks"]
                ]
                assert body["name"] in "".join(m["text"] for m in pieces)
        if task["deadline"] and task["deadline"]["span"]:
            pieces = [
                m for m in seen.marks if "deadline" in m["labels"] and task["id"] in m["tasks"]
            ]
            assert task["deadline"]["text"] in "".join(m["text"] for m in pieces)
    return seen


@pytest.fixture
def record() -> dict:
    return to_dict(hand_made_result(), with_text=True)


def test_review_page_matches_the_records(record):
    seen = check_page(to_html([record]).decode("utf-8"), [record])
    assert {label for m in seen.marks for label in m["labels"]} == set(LABELS)


def test_review_highlights_mark_a_shared_span_once_for_all_its_tasks(record):
    for task in record["tasks"][1:3]:
        task["deadline"]["span"] = record["tasks"][0]["deadline"]["span"]
    deadlines = [h for h in highlights(record) if h.label == "deadline"]
    first = record["tasks"][0]["deadline"]["span"]
    shared = [h for h in deadlines if (h.start, h.end) == tuple(first)]
    assert len(shared) == 1
    assert shared[0].task_ids == tuple(t["id"] for t in record["tasks"][:3])


def test_review_overlapping_spans_keep_both_labels(record):
    task = record["tasks"][0]
    task["deadline"]["span"] = [task["span"][0], task["span"][0] + 4]
    seen = parse(to_html([record]).decode("utf-8"))
    assert any({"task", "deadline"} <= set(m["labels"]) for m in seen.marks)


def test_review_escapes_markup_in_the_text(record):
    record["document"]["text"] = TEXT.replace("Kế hoạch", "<b>Kế</b> &amp", 1)
    page = to_html([record]).decode("utf-8")
    assert "<b>Kế</b>" not in page
    assert parse(page).text == record["document"]["text"]


def test_review_refuses_a_record_without_text():
    with pytest.raises(ValueError, match="with_text=True"):
        to_html([to_dict(hand_made_result())])


@pytest.fixture(scope="module")
def app():
    from pipeline.cli import app

    return app


@pytest.fixture(scope="module")
def sample_record(app, tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("json") / "sample.json"
    args = ["extract", str(SAMPLE), "--with-text", "-o", str(target)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text("utf-8"))


@pytest.fixture(scope="module")
def sample_page(app, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("review") / "review.html"
    result = CliRunner().invoke(app, ["review", str(SAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_review_cli_writes_the_page(sample_page, sample_record):
    check_page(sample_page.read_text("utf-8"), [sample_record])


def test_review_cli_is_the_same_page_as_extract_format_html(app, sample_page, tmp_path):
    target = tmp_path / "extract.html"
    result = CliRunner().invoke(
        app, ["extract", str(SAMPLE), "--format", "html", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == sample_page.read_bytes()


def test_review_cli_refused_input_exits_1_and_writes_nothing(app, tmp_path):
    target = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review", str(tmp_path / "missing.txt"), "-o", str(target)])
    assert result.exit_code == 1
    assert "missing.txt" in result.output
    assert not target.exists()


def _chromium(tmp_path: Path, page: Path, *mode: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,2000",
        *mode,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@needs_chromium
def test_review_page_renders_in_headless_chromium(tmp_path, sample_page, sample_record):
    fonts = subprocess.run(["fc-list", ":charset=1ec7", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no font with Vietnamese glyphs (install fonts-noto-core)"
    dom = _chromium(tmp_path, sample_page, "--dump-dom").stdout
    seen = check_page(dom, [sample_record])
    assert {label for m in seen.marks for label in m["labels"]} == set(LABELS)
    screenshot = tmp_path / "review.png"
    _chromium(tmp_path, sample_page, f"--screenshot={screenshot}")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000
