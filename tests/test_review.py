"""Tests of the review page (``pipeline/formats/html.py``), of
``vntasks review``, and of reading a reviewer's decisions back as gold
annotations (``pipeline/review.py``, ``vntasks annotations from-review``).

The page is checked twice: parsed with the standard library's HTML parser,
and rendered by headless Chromium (Debian's ``chromium``), whose DOM dump and
screenshot show that the highlights and the table survive a real browser,
and which a test drives over the DevTools protocol (on a pipe, so no
package is needed) to accept, reject and correct records and save the
decisions. Where Chromium is absent those tests skip; ``.ci/run`` installs
it with ``fonts-noto-core`` for the Vietnamese glyphs. Examples: the
hand-made record of ``test_formats.py`` and the invented sample plan in
``corpus/``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_formats import SAMPLE, TEXT, hand_made_result
from typer.testing import CliRunner

from pipeline.export import to_dict
from pipeline.formats import to_html
from pipeline.formats.html import LABELS, anchor_id, highlights, review_data, row_id

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
        # Inline script and style are part of the page; anything that loads
        # another file is not.
        if tag in ("link", "img", "iframe") or "src" in attrs:
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


def main_app():
    from pipeline.cli import app

    return app


@pytest.fixture(scope="module")
def app():
    return main_app()


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


# --- for staff: labels, contents, inherited values (issue 14) -------------------


def test_review_labels_in_vietnamese_by_default(record):
    page = to_html([record]).decode("utf-8")
    for words in ("Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn",
                  "Cơ quan ban hành", "Ngày ban hành", "Lưu kết quả rà soát", "chưa rà soát"):
        assert words in page
    legend = [m for m in parse(page).marks if not m["tasks"]]
    assert legend == []  # the legend stands outside the text
    assert '<mark class="hl lead">chủ trì</mark>' in page
    english = to_html([record], lang="en").decode("utf-8")
    assert '<mark class="hl lead">lead</mark>' in english and "Cơ quan chủ trì" not in english


def test_review_table_of_contents_for_several_documents(record):
    other = json.loads(json.dumps(record))
    other["document"].update(id="fedcba9876543210", number="13/KH-UBND", source="b.txt")
    one = to_html([record]).decode("utf-8")
    two = to_html([record, other]).decode("utf-8")
    assert 'class="toc"' not in one
    assert (
        '<li><a href="#doc-1">Kế hoạch 12/KH-UBND</a> (6 nhiệm vụ)</li>'
        '<li><a href="#doc-2">Kế hoạch 13/KH-UBND</a> (6 nhiệm vụ)</li>'
    ) in two
    assert 'id="doc-1"' in two and 'id="doc-2"' in two


def test_review_the_same_text_twice_keeps_every_id_unique(record):
    page = to_html([record, json.loads(json.dumps(record))]).decode("utf-8")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    seen = parse(page)
    assert all(href[1:] in ids for href in seen.anchors.values())


def test_review_inherited_deadline_and_lead_are_shown_as_such(record):
    record["tasks"][1]["flags"] = ["inherited_deadline"]
    record["tasks"][2]["flags"] = ["inherited_lead"]
    page = to_html([record]).decode("utf-8")
    rows = re.findall(r'<tr id="row-[^"]+".*?</tr>', page, flags=re.S)
    marked = [
        [flag for flag in ("inherited_deadline", "inherited_lead") if f'data-flag="{flag}"' in row]
        for row in rows
    ]
    assert marked == [[], ["inherited_deadline"], ["inherited_lead"], [], [], []]
    assert "thời hạn chung của nhóm nhiệm vụ" in rows[1]


# --- decisions read back as gold (pipeline/review.py) ----------------------------


def review_entry(record: dict, decisions: dict[int, tuple[str, dict | None]]) -> dict:
    """A document of a review file, as the page saves it: every task
    unreviewed except those given as ``{index: (decision, correction)}``."""
    data = review_data(record)
    tasks = []
    for index, task in enumerate(data["tasks"]):
        decision, correction = decisions.get(index, ("unreviewed", None))
        tasks.append({"id": task["id"], "decision": decision, "predicted": task,
                      "correction": correction})
    return {"document": data["document"], "text": data["text"], "tasks": tasks}


def _text_hash(record: dict) -> dict:
    record["document"]["text_sha256"] = hashlib.sha256(TEXT.encode()).hexdigest()
    return record


def correction(description, lead=(), support=(), deadline=None, due=None, note=""):
    return {
        "description": description, "lead": list(lead), "support": list(support),
        "deadline": None if deadline is None else {"text": deadline, "due": due}, "note": note,
    }


DECISION_CASES = [
    # (decisions by task index, the gold tasks as (description, leads, supports,
    #  deadline kind and due), problems)
    (
        {0: ("accepted", None), 1: ("rejected", None)},
        [("rà soát thủ tục hành chính", ["Sở Nội vụ"], ["Sở Tài chính", "Sở Tư pháp"],
          ("date", "2025-06-30"))],
        [],
    ),
    (
        {3: ("corrected", correction("tổng hợp ý kiến", ["Văn phòng UBND tỉnh"], ["Sở Y tế"],
                                     "trước ngày 30/6/2025"))},
        [("tổng hợp ý kiến", ["Văn phòng UBND tỉnh"], ["Sở Y tế"], ("date", "2025-06-30"))],
        [],
    ),
    (
        # A due date the reviewer typed wins; an undated phrase becomes a date.
        {2: ("corrected", correction("kiểm tra, đôn đốc", ["Các sở, ngành"], [],
                                     "thường xuyên", due="2025-12-31"))},
        [("kiểm tra, đôn đốc", ["Các sở, ngành"], [], ("date", "2025-12-31"))],
        [],
    ),
    (
        {3: ("corrected", correction("tổng hợp ý kiến", ["Bộ Ngoại giao"]))},
        [("tổng hợp ý kiến", [], [], None)],
        ["lead 'Bộ Ngoại giao' is not in the text; left out"],
    ),
    (
        {3: ("corrected", correction("soạn thảo quy chế"))},
        [],
        ["the corrected task is not in the text; left out"],
    ),
    ({0: ("rejected", None)}, [], []),
]


@pytest.mark.parametrize(("decisions", "expected", "problems"), DECISION_CASES)
def test_review_decisions_become_gold_tasks(record, decisions, expected, problems):
    from pipeline.review import to_gold

    converted = to_gold(review_entry(_text_hash(record), decisions))
    assert converted.invalid == []
    made = [
        (
            task["description"]["text"],
            [b["text"] for b in task["lead"]],
            [b["text"] for b in task["support"]],
            task["deadline"] and (task["deadline"]["kind"], task["deadline"]["due"]),
        )
        for task in converted.gold["tasks"]
    ]
    assert made == [tuple(row) for row in expected]
    assert [p.split(": ", 1)[1] for p in converted.problems] == problems
    assert converted.gold["document"]["kind"] == "ke_hoach"  # from "Kế hoạch"


def test_review_back_reference_keeps_its_place(record):
    from pipeline.review import to_gold

    body = record["tasks"][0]["responsible"][0]
    body["name"] = "Sở Nội vụ tỉnh An Bình"  # resolved: the text at its span reads otherwise
    converted = to_gold(review_entry(_text_hash(record), {0: ("accepted", None)}))
    assert converted.invalid == []
    assert converted.gold["tasks"][0]["lead"] == [{
        "text": "Sở Nội vụ tỉnh An Bình", "start": None, "end": None,
        "resolved_from": {"text": "Sở Nội vụ", "start": body["span"][0], "end": body["span"][1]},
    }]


def test_review_file_with_another_text_is_refused(record, tmp_path):
    from pipeline.review import load_review

    entry = review_entry(_text_hash(record), {})
    entry["text"] += "thêm"
    path = tmp_path / "x.review.json"
    path.write_text(json.dumps({"format": "vntasks-review/1", "documents": [entry]}), "utf-8")
    with pytest.raises(ValueError, match="does not match its hash"):
        load_review(path)


# --- in a browser: decide, save, read back, evaluate -----------------------------


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: commands on its fd 3, answers on fd 4,
    each a JSON object ended by a NUL byte)."""

    def __init__(self, profile: Path) -> None:
        to_browser, from_browser = os.pipe(), os.pipe()
        # Out of the way of 3 and 4, which the child's ends must become.
        reads = fcntl.fcntl(to_browser[0], fcntl.F_DUPFD, 20)
        writes = fcntl.fcntl(from_browser[1], fcntl.F_DUPFD, 20)

        def wire() -> None:
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for fd in (to_browser[0], from_browser[1], reads, writes):
            os.close(fd)
        self.commands = os.fdopen(to_browser[1], "wb", buffering=0)
        self.answers = os.fdopen(from_browser[0], "rb", buffering=0)
        self.pending = b""
        self.number = 0
        self.session: str | None = None

    def call(self, method: str, params: dict | None = None, page: bool = True) -> dict:
        self.number += 1
        message = {"id": self.number, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        self.commands.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.pending:
                chunk = self.answers.read(65536)
                assert chunk, "Chromium closed the pipe"
                self.pending += chunk
            raw, self.pending = self.pending.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self.number:
                assert "error" not in answer, answer
                return answer["result"]

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", {"url": url}, page=False)["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                             page=False)
        self.session = attached["sessionId"]
        # The new tab is about:blank, complete, until the page commits.
        loaded = f"location.href === {json.dumps(url)} && document.readyState === 'complete'"
        deadline = time.monotonic() + 30
        while not self.run(loaded):
            assert time.monotonic() < deadline, "the page did not load"
            time.sleep(0.05)

    def run(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close", page=False)
            self.process.wait(timeout=30)
        finally:
            self.commands.close()
            self.answers.close()


REVIEWING = """
(() => {
  const rows = document.querySelectorAll('tr[data-task]');
  const choose = (row, value) => row.querySelector(`input[value="${value}"]`).click();
  choose(rows[0], 'accepted');
  choose(rows[1], 'rejected');
  choose(rows[2], 'corrected');
  const lead = rows[2].querySelector('[data-field="lead"]');
  lead.value = %s;
  const before = document.getElementById('review-status').textContent;
  document.getElementById('save-review').click();
  return [before, getComputedStyle(rows[2].querySelector('.correction')).display,
          getComputedStyle(rows[3].querySelector('.correction')).display];
})()
"""


@needs_chromium
def test_review_decisions_saved_in_chromium_read_back_as_gold(tmp_path, sample_page, sample_record):
    from pipeline.evaluate import evaluate
    from pipeline.gold import from_dict, validate_data

    downloads = tmp_path / "downloads"
    browser = DevTools(tmp_path / "profile")
    try:
        browser.call("Browser.setDownloadBehavior",
                     {"behavior": "allow", "downloadPath": str(downloads)}, page=False)
        browser.open(sample_page.resolve().as_uri())
        third = sample_record["tasks"][2]
        new_lead = next(b["name"] for b in sample_record["tasks"][0]["responsible"])
        status, shown, hidden = browser.run(REVIEWING % json.dumps(new_lead))
        saved = downloads / f"{SAMPLE.stem}.review.json"
        deadline = time.monotonic() + 30
        while not saved.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        browser.close()
    tasks = len(sample_record["tasks"])
    assert status == f"Đã rà soát 3/{tasks}"
    assert (shown, hidden) == ("block", "none")  # the correction form opens for row 3 only
    out = tmp_path / "gold"
    result = CliRunner().invoke(
        main_app(), ["annotations", "from-review", str(saved), "--out-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"2 task(s) (1 accepted, 1 corrected; 1 rejected, {tasks - 3} not reviewed)" in (
        result.stderr
    )
    [written] = out.iterdir()
    data = json.loads(written.read_text("utf-8"))
    text = sample_record["document"]["text"]
    assert validate_data(data, text) == []
    first, corrected = data["tasks"]
    assert first["description"]["text"] == sample_record["tasks"][0]["description"]
    assert corrected["description"]["text"] == third["description"]
    assert [body["text"] for body in corrected["lead"]] == [new_lead]
    # What evaluate reads: the pipeline's own record scores full marks on
    # the tasks it was accepted for, and loses the lead that was corrected.
    gold = from_dict(data)
    gold.text = text
    report = evaluate([gold], {gold.document.path: sample_record})
    task_counts = report.counts.set_index("field").loc["task"]
    assert (task_counts["tp"], task_counts["fn"]) == (2, 0)
