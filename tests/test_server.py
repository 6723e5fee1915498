"""``vntasks serve`` (pipeline/server.py, issue 13 part 5), called over HTTP.

The main server is the real program, ``vntasks serve``, in a process of its
own on a free port of 127.0.0.1; the register's routes, the timeout and the
500 answer are tested on servers of :func:`create_app` run by uvicorn in a
thread, with a register held in SQLite in memory and filled with the records
``vntasks extract`` gives for shared *dev* documents. Every answer that is a
record validates against the contract's schema; every error is one JSON line
with a code and the message the command line prints.
"""

from __future__ import annotations

import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import IO, Any

import httpx
import pytest
import uvicorn
from checks import ROOT, run_vntasks

from pipeline.export import to_dict, validate
from pipeline.extraction import extract
from pipeline.gold import read_split, shared_dir
from pipeline.read import read_text
from pipeline.server import TaskRegister, create_app

REAL = shared_dir(required=False) / "real-directives"
# Dev documents only (annotations/split.tsv): a short news summary of a
# Công điện, a Công văn and a Kết luận.
DEV_STEMS = (
    "26_tom-tat-cd-227-cd-ttg-ho-tro-sua-nha-truoc-30-11",
    "16_cv-6316-bvhttdl-vp-giao-nhiem-vu-ket-luan-tw13",
    "13_kl-07-kl-vptw-hoi-nghi-van-phong-tinh-uy",
)
DEV = REAL / f"{DEV_STEMS[0]}.txt"
needs_shared = pytest.mark.skipif(
    not DEV.is_file(), reason="../shared/real-directives (the shared dev documents) is absent"
)
MAX_BYTES = 300_000
MAX_CHARS = 60_000
# A picture vntasks does not read (PNG, JPEG and TIFF go to OCR).
GIF = b"GIF89a" + bytes(64)


def _sentence(day: int, month: int) -> str:
    return (f"Sở Tài chính chủ trì, phối hợp với Sở Nội vụ báo cáo kết quả "
            f"trước ngày {day}/{month}/2025.")


def test_server_dev_documents_are_dev():
    assert {read_split()[stem] for stem in DEV_STEMS} == {"dev"}


# -- servers --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: IO[str]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"vntasks serve stopped: {log.read()}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start in 180 s")


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """``vntasks serve OPTIONS`` as a user starts it, on a free port."""
    port = _free_port()
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "serve",
               "--port", str(port), "--log-level", "warning", *options]
    # The log goes to a file: a pipe nobody reads would stop the server once full.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=log, text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The server most tests call, with small limits."""
    with serving("--max-bytes", str(MAX_BYTES), "--max-chars", str(MAX_CHARS)) as url:
        yield url


class ThreadServer:
    """An app served by uvicorn in a thread, on a socket bound here so that
    no other process can take its port in between."""

    def __init__(self, app: Any, log_level: str = "critical") -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level=log_level))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]})

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 180
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "no start"
            time.sleep(0.05)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)
        self.socket.close()


class MemoryRegister:
    """A task register in SQLite in memory, filled with records of
    ``vntasks extract``: what :class:`TaskRegister` asks for, done the way
    the real register stores them, in tables queried with SQL."""

    def __init__(self, records: list[dict[str, Any]], today: date) -> None:
        self.today = today
        self.lock = threading.Lock()
        # Queried from the server's threads, one at a time under the lock.
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.executescript("""
            CREATE TABLE documents (id TEXT PRIMARY KEY, record TEXT);
            CREATE TABLE tasks (id TEXT, document TEXT, due TEXT,
                                status TEXT, record TEXT);
            CREATE TABLE bodies (task TEXT, name TEXT);
        """)
        for record in records:
            document = record["document"]
            self.db.execute("INSERT INTO documents VALUES (?, ?)",
                            (document["id"], json.dumps(document)))
            for task in record["tasks"]:
                due = (task["deadline"] or {}).get("due")
                self.db.execute("INSERT INTO tasks VALUES (?, ?, ?, 'open', ?)",
                                (task["id"], document["id"], due, json.dumps(task)))
                self.db.executemany("INSERT INTO bodies VALUES (?, ?)", [
                    (task["id"], name)
                    for body in task["responsible"]
                    for name in {body["name"], body["canonical"]} - {None}
                ])

    def set_status(self, task: str, status: str) -> None:
        with self.lock:
            self.db.execute("UPDATE tasks SET status = ? WHERE id = ?", (status, task))

    def _rows(self, where: list[str], values: list[Any]) -> list[dict[str, Any]]:
        query = "SELECT record, status, document FROM tasks"
        if where:
            query += " WHERE " + " AND ".join(where)
        with self.lock:
            rows = self.db.execute(query + " ORDER BY rowid", values).fetchall()
        return [{**json.loads(record), "status": status, "document": document}
                for record, status, document in rows]

    def tasks(self, *, body: str | None = None, due_before: date | None = None,
              overdue: bool = False, status: str | None = None,
              document: str | None = None) -> list[dict[str, Any]]:
        where: list[str] = []
        values: list[Any] = []
        if body is not None:
            where.append("id IN (SELECT task FROM bodies WHERE name = ?)")
            values.append(body)
        if due_before is not None:
            where.append("due < ?")
            values.append(due_before.isoformat())
        if overdue:
            where.append("due < ? AND status = 'open'")
            values.append(self.today.isoformat())
        if status is not None:
            where.append("status = ?")
            values.append(status)
        if document is not None:
            where.append("document = ?")
            values.append(document)
        return self._rows(where, values)

    def document(self, id: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT record FROM documents WHERE id = ?", (id,)).fetchone()
        if row is None:
            return None
        return {"document": json.loads(row[0]), "tasks": self.tasks(document=id)}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    if not DEV.is_file():
        pytest.skip("../shared/real-directives (the shared dev documents) is absent")
    return [to_dict(extract(REAL / f"{stem}.txt")) for stem in DEV_STEMS]


@pytest.fixture(scope="module")
def registered(records: list[dict[str, Any]]) -> Iterator[tuple[str, MemoryRegister]]:
    register: TaskRegister = MemoryRegister(records, today=date(2025, 12, 31))
    register.set_status(records[1]["tasks"][0]["id"], "done")
    with ThreadServer(create_app(register=register)) as url:
        yield url, register


# -- extraction -----------------------------------------------------------------

@needs_shared
def test_server_extract_text_is_the_record_of_vntasks_extract(server):
    text = DEV.read_text(encoding="utf-8")
    answer = httpx.post(f"{server}/extract", json={"text": text, "issued": "2025-11-20"},
                        timeout=120)
    assert answer.status_code == 200, answer.text
    record = answer.json()
    validate(record)
    assert record == to_dict(extract(read_text(text), issued=date(2025, 11, 20)))
    assert record["tasks"]


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"doc_type": "Công văn"}, lambda r: r["document"]["doc_type"] == "Công văn"),
        ({"doc_type": "công  văn"}, lambda r: r["document"]["doc_type"] == "Công văn"),
        ({"number": "88/CV-BCĐ"}, lambda r: r["document"]["number"] == "88/CV-BCĐ"),
        ({"with_text": True}, lambda r: r["document"]["text"] == _sentence(15, 10)),
        ({"issued": "2025-01-01"}, lambda r: r["document"]["issued_date"] == "2025-01-01"),
        ({}, lambda r: "text" not in r["document"] and r["document"]["issued_date"] is None),
    ],
)
def test_server_extract_text_takes_the_options_of_extract(server, fields, check):
    answer = httpx.post(f"{server}/extract", json={"text": _sentence(15, 10), **fields},
                        timeout=60)
    assert answer.status_code == 200, answer.text
    validate(answer.json())
    assert check(answer.json())


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html(text: str) -> bytes:
    from html import escape

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Tin</title></head>"
            f"<body><nav><a href='/'>Trang chủ</a></nav><article>{paragraphs}</article>"
            f"</body></html>").encode()


UPLOADS = {"txt": lambda text: text.encode(), "docx": _docx, "html": _html}


@needs_shared
@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("txt", "directive.txt"),
        ("docx", "directive.docx"),
        ("html", "directive.html"),
        # Read by its bytes, not its name, as the command line reads files.
        ("docx", "directive.txt"),
        ("html", "directive.txt"),
    ],
)
def test_server_extract_upload_is_the_record_of_vntasks_extract(server, tmp_path, kind, name):
    data = UPLOADS[kind](DEV.read_text(encoding="utf-8"))
    path = tmp_path / name
    path.write_bytes(data)
    answer = httpx.post(f"{server}/extract", files={"file": (name, data)}, timeout=120)
    assert answer.status_code == 200, answer.text
    record = answer.json()
    validate(record)
    expected = to_dict(extract(path))
    expected["document"]["source"] = name
    assert record == expected
    assert record["tasks"]


@needs_shared
def test_server_extract_upload_takes_options_as_form_fields(server):
    answer = httpx.post(f"{server}/extract", files={"file": (DEV.name, DEV.read_bytes())},
                        data={"number": "1/TEST", "with_text": "true"}, timeout=120)
    assert answer.status_code == 200, answer.text
    assert answer.json()["document"]["number"] == "1/TEST"
    assert answer.json()["document"]["text"] == DEV.read_text(encoding="utf-8")


# -- errors ---------------------------------------------------------------------

def _error(answer: httpx.Response) -> dict[str, str]:
    """The error of an answer, checked to be one JSON line and no traceback."""
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    message = body["error"]["message"]
    assert "\n" not in message and "Traceback" not in answer.text
    return body["error"]


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("request_", "status", "code", "message"),
    [
        ({}, 422, "empty_request", "the request has no body"),
        ({"content": b"   ", "headers": JSON}, 422, "empty_request", "the request has no body"),
        ({"content": b"{bad", "headers": JSON}, 422, "bad_json", "the body is not valid JSON"),
        ({"json": [1]}, 422, "bad_request", "the body must be a JSON object, not list"),
        ({"json": {"txt": "x"}}, 422, "bad_request", "unknown field 'txt'"),
        ({"json": {"issued": "2025-01-01"}}, 422, "bad_request", "field 'text' is required"),
        ({"json": {"text": 5}}, 422, "bad_request", "field 'text': Input should be a valid"),
        ({"json": {"text": ""}}, 422, "empty", "<text>: the file is empty"),
        ({"json": {"text": " \n "}}, 422, "whitespace_only", "<text>: the file holds only"),
        ({"json": {"text": "x", "issued": "2025-02-30"}}, 422, "no_such_date",
         "issued: 2025-02-30 does not exist: month 2 of 2025 has 28 days"),
        ({"json": {"text": "x", "issued": "15/10/2025"}}, 422, "bad_date",
         "issued: must be a date written YYYY-MM-DD"),
        ({"json": {"text": "x", "doc_type": "Thư mời"}}, 422, "unknown_doc_type",
         "doc_type: unknown document type 'Thư mời'; known types: "),
        ({"files": {"file": ("a.txt", b"x")}, "data": {"doc_type": "Thư mời"}}, 422,
         "unknown_doc_type", "doc_type: unknown document type 'Thư mời'"),
        ({"content": b"abc", "headers": {"content-type": "text/plain"}}, 415, "media_type",
         "the request is text/plain"),
        ({"files": {"file": ("scan.txt", GIF)}}, 415, "image",
         "scan.txt: the file is a GIF image; vntasks reads scans as PNG, JPEG or TIFF "
         "pictures or PDF"),
        ({"files": {"file": ("a.docx", b"PK\x03\x04" + bytes(40))}}, 415, "archive",
         "a.docx: the file is a ZIP archive"),
        ({"files": {"file": ("notes.xyz", "Sở Tài chính".encode())}}, 415, "unsupported",
         "notes.xyz: unsupported file type '.xyz'"),
        ({"files": {"file": ("empty.txt", b"")}}, 422, "empty", "empty.txt: the file is empty"),
        ({"files": {"file": ("notes", "Sở Tài chính".encode())}}, 415, "unsupported",
         "notes: unsupported file type '(none)'"),
        ({"files": {"other": ("a.txt", b"x")}}, 422, "bad_request",
         "the upload has no file in the field 'file'"),
        ({"files": {"file": ("a.txt", b"x")}, "data": {"lang": "vi"}}, 422, "bad_request",
         "unknown form field 'lang'"),
        ({"files": {"file": ("a.txt", b"x")}, "data": {"issued": "2025-02-30"}}, 422,
         "no_such_date", "issued: 2025-02-30 does not exist"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_server_extract_refuses_bad_input_with_one_line(server, request_, status, code, message):
    answer = httpx.post(f"{server}/extract", timeout=60, **request_)
    assert answer.status_code == status, answer.text
    error = _error(answer)
    assert error["code"] == code
    assert error["message"].startswith(message), error["message"]


@pytest.mark.parametrize(
    ("arguments", "name", "data", "served"),
    [
        (["--issued", "2025-02-30"], "a.txt", b"x",
         {"json": {"text": "x", "issued": "2025-02-30"}}),
        ([], "scan.txt", GIF, {"files": {"file": ("scan.txt", GIF)}}),
    ],
    ids=["no-such-date", "picture"],
)
def test_server_errors_say_what_the_command_line_says(server, tmp_path, arguments, name, data,
                                                      served):
    (tmp_path / name).write_bytes(data)
    done = run_vntasks("extract", name, *arguments, cwd=tmp_path)
    said = done.stderr.strip().splitlines()[0].removeprefix("error: ").removeprefix("--")
    answer = httpx.post(f"{server}/extract", timeout=60, **served)
    assert said == _error(answer)["message"]


def _chunks(size: int) -> Iterator[bytes]:
    # A generator body is sent chunked: no Content-Length to refuse it by.
    yield b'{"text": "'
    for _ in range(size // 10_000):
        yield b"a" * 10_000
    yield b'"}'


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        ({"json": {"text": "a" * (MAX_BYTES + 10)}}, "request_too_large"),
        ({"content": _chunks(MAX_BYTES + 20_000), "headers": JSON}, "request_too_large"),
        ({"files": {"file": ("big.txt", b"a " * (MAX_BYTES // 2 + 10))}}, "request_too_large"),
        ({"json": {"text": "a" * (MAX_CHARS + 1)}}, "text_too_long"),
        ({"files": {"file": ("long.txt", b"a" * (MAX_CHARS + 1))}}, "text_too_long"),
    ],
    ids=["content-length", "chunked", "upload", "characters", "upload-characters"],
)
def test_server_extract_refuses_over_the_limits_with_413(server, request_, code):
    answer = httpx.post(f"{server}/extract", timeout=60, **request_)
    assert answer.status_code == 413, answer.text
    assert _error(answer)["code"] == code
    # And the server goes on serving.
    assert httpx.get(f"{server}/health", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/tasks", 404, "no_register"),
        ("GET", "/tasks?body=S%E1%BB%9F", 404, "no_register"),
        ("GET", "/documents/0123456789abcdef", 404, "no_register"),
        ("GET", "/nowhere", 404, "no_route"),
        ("GET", "/extract", 405, "method_not_allowed"),
        ("DELETE", "/health", 405, "method_not_allowed"),
    ],
)
def test_server_without_register_says_so(server, method, path, status, code):
    answer = httpx.request(method, f"{server}{path}", timeout=10)
    assert answer.status_code == status
    error = _error(answer)
    assert error["code"] == code
    if code == "no_register":
        assert "started without a register" in error["message"]


# -- health, version, OpenAPI -----------------------------------------------------

def test_server_health_says_the_models_are_loaded(server):
    assert httpx.get(f"{server}/health", timeout=10).json() == {
        "status": "ok", "models_loaded": True, "register": False,
    }
    ready = httpx.get(f"{server}/health/ready", timeout=10)
    assert (ready.status_code, ready.json()) == (200, {"ready": True})


def test_server_version_names_the_program_and_the_contract(server):
    from pipeline import __version__
    from pipeline.export import SCHEMA_VERSION

    answer = httpx.get(f"{server}/version", timeout=10).json()
    assert answer["version"] == __version__
    assert answer["schema_version"] == SCHEMA_VERSION
    assert answer["limits"]["max_bytes"] == MAX_BYTES
    assert answer["limits"]["max_characters"] == MAX_CHARS


def test_server_openapi_describes_both_ways_to_extract(server):
    spec = httpx.get(f"{server}/openapi.json", timeout=10).json()
    body = spec["paths"]["/extract"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert set(body["application/json"]["schema"]["properties"]) == {
        "text", "issued", "doc_type", "number", "with_text"}
    assert "/tasks" not in spec["paths"]
    page = httpx.get(f"{server}/docs", timeout=10)
    assert page.status_code == 200 and "/openapi.json" in page.text


@needs_shared
def test_server_answers_health_while_it_extracts(server):
    """Extraction runs off the event loop: a health check sent after three
    long extractions is answered before the last of them."""
    text = (REAL / f"{DEV_STEMS[2]}.txt").read_text(encoding="utf-8")
    finished: list[str] = []

    def post(name: str) -> None:
        httpx.post(f"{server}/extract", json={"text": text}, timeout=120).raise_for_status()
        finished.append(name)

    with ThreadPoolExecutor(max_workers=3) as pool:
        extractions = [pool.submit(post, f"extract {n}") for n in range(3)]
        time.sleep(0.3)
        assert httpx.get(f"{server}/health", timeout=120).status_code == 200
        finished.append("health")
        for extraction in extractions:
            extraction.result()
    assert finished.index("health") < 3, finished


# -- load -------------------------------------------------------------------------

def test_server_load_200_requests_from_8_clients(server):
    """200 requests of small invented texts from 8 clients at once, each
    answered with its own record."""
    wanted = [(1 + n % 28, 1 + n % 12) for n in range(200)]

    def client(share: list[tuple[int, int]]) -> list[tuple[int, str | None, str]]:
        answers = []
        with httpx.Client(base_url=server, timeout=120) as http:
            for day, month in share:
                answer = http.post("/extract", json={"text": _sentence(day, month),
                                                     "issued": "2025-01-01"})
                record = answer.json()
                validate(record)
                due = record["tasks"][0]["deadline"]["due"]
                answers.append((answer.status_code, due, f"2025-{month:02d}-{day:02d}"))
        return answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        done = [answer for share in pool.map(client, [wanted[i::8] for i in range(8)])
                for answer in share]
    assert len(done) == 200
    assert [status for status, _, _ in done] == [200] * 200
    assert [due for _, due, _ in done] == [expected for _, _, expected in done]


def test_server_workers_each_get_the_limits():
    """With --workers, uvicorn spawns processes that build the app from the
    environment; the command line's options reach them."""
    with serving("--workers", "2", "--max-chars", "100", "--timeout", "30") as url:
        with httpx.Client(base_url=url, timeout=120) as http:
            limits = [http.get("/version").json()["limits"] for _ in range(8)]
            refused = http.post("/extract", json={"text": "a" * 101})
    assert limits == [{"max_bytes": 20 * 1024 * 1024, "max_characters": 100, "timeout": 30}] * 8
    assert (refused.status_code, _error(refused)["code"]) == (413, "text_too_long")


# -- a server with a register -------------------------------------------------------

def _ids(tasks: list[dict[str, Any]]) -> list[str]:
    return [task["id"] for task in tasks]


def _all_tasks(records: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(record["document"], task) for record in records for task in record["tasks"]]


def _names(task: dict[str, Any]) -> set[str]:
    return {name for body in task["responsible"]
            for name in (body["name"], body["canonical"]) if name is not None}


def test_server_tasks_filters_as_the_records_say(registered, records):
    url, _ = registered
    everything = _all_tasks(records)
    done_id = records[1]["tasks"][0]["id"]
    body = next(name for task in records[2]["tasks"] for name in sorted(_names(task)))
    cases = [
        ("", [t["id"] for _, t in everything]),
        (f"?body={body}", [t["id"] for _, t in everything if body in _names(t)]),
        ("?due_before=2025-12-01",
         [t["id"] for _, t in everything if (t["deadline"] or {}).get("due")
          and t["deadline"]["due"] < "2025-12-01"]),
        ("?overdue=true",
         [t["id"] for _, t in everything if (t["deadline"] or {}).get("due")
          and t["deadline"]["due"] < "2025-12-31" and t["id"] != done_id]),
        ("?status=done", [done_id]),
        (f"?document={records[0]['document']['id']}", _ids(records[0]["tasks"])),
        (f"?document={records[2]['document']['id']}&status=open", _ids(records[2]["tasks"])),
    ]
    for query, expected in cases:
        answer = httpx.get(f"{url}/tasks{query}", timeout=30)
        assert answer.status_code == 200, (query, answer.text)
        assert _ids(answer.json()["tasks"]) == expected, query
        assert answer.json()["count"] == len(expected)
    assert any(expected for _, expected in cases[1:4])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?due_before=2025-02-30", "due_before: 2025-02-30 does not exist"),
        ("?due_before=soon", "due_before: must be a date written YYYY-MM-DD"),
        ("?status=later", "query parameter 'status': Input should be 'open', 'done' or"),
        ("?overdue=perhaps", "query parameter 'overdue': Input should be a valid boolean"),
        ("?bodies=x", "unknown query parameter 'bodies'"),
    ],
)
def test_server_tasks_refuses_bad_queries(registered, query, message):
    url, _ = registered
    answer = httpx.get(f"{url}/tasks{query}", timeout=30)
    assert answer.status_code == 422
    assert _error(answer)["message"].startswith(message)


def test_server_documents_answers_a_document_and_its_tasks(registered, records):
    url, _ = registered
    for record in records:
        answer = httpx.get(f"{url}/documents/{record['document']['id']}", timeout=30)
        assert answer.status_code == 200
        assert answer.json()["document"] == record["document"]
        assert _ids(answer.json()["tasks"]) == _ids(record["tasks"])
    missing = httpx.get(f"{url}/documents/0000000000000000", timeout=30)
    assert missing.status_code == 404
    assert _error(missing) == {"code": "no_document",
                               "message": "no document with id '0000000000000000' in the register"}


def test_server_health_names_the_register(registered):
    url, _ = registered
    assert httpx.get(f"{url}/health", timeout=10).json()["register"] is True
    assert "/tasks" in httpx.get(f"{url}/openapi.json", timeout=10).json()["paths"]


def test_server_internal_error_is_500_without_detail(records, capfd):
    register = MemoryRegister(records, today=date(2025, 12, 31))
    register.db.close()  # a database gone away: a real failure inside the register
    with ThreadServer(create_app(register=register), log_level="error") as url:
        answer = httpx.get(f"{url}/tasks", timeout=30)
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    # The traceback is in the server's log.
    assert "sqlite3.ProgrammingError: Cannot operate on a closed database" in capfd.readouterr().err
    assert answer.status_code == 500
    assert _error(answer) == {"code": "internal",
                              "message": "internal error; the server's log has the details"}
    assert "sqlite" not in answer.text.lower() and "closed" not in answer.text


@needs_shared
def test_server_timeout_answers_503_and_keeps_serving():
    text = (REAL / f"{DEV_STEMS[2]}.txt").read_text(encoding="utf-8")
    with ThreadServer(create_app(timeout=0.01)) as url:
        answer = httpx.post(f"{url}/extract", json={"text": text}, timeout=60)
        health = httpx.get(f"{url}/health", timeout=10)
    assert answer.status_code == 503
    assert _error(answer)["code"] == "server_timeout"
    assert "longer than 0.01 s" in _error(answer)["message"]
    assert health.status_code == 200


@needs_shared
def test_server_serves_the_real_register_with_db(records, tmp_path):
    """``vntasks serve --db`` answers from the task register that ``vntasks
    register`` keeps (pipeline/register.py), not only from a test's own."""
    from pipeline.register import Register

    db = tmp_path / "tasks.db"
    store = Register(str(db))
    for record in records:
        store.add(record)
    wanted = records[0]
    doc_id = wanted["document"]["id"]
    with serving("--db", str(db)) as url:
        assert httpx.get(f"{url}/health", timeout=10).json()["register"] is True
        answer = httpx.get(f"{url}/tasks", params={"document": doc_id}, timeout=60)
        assert answer.status_code == 200
        assert answer.json()["count"] == len(wanted["tasks"]) > 0
        document = httpx.get(f"{url}/documents/{doc_id}", timeout=60)
        assert document.status_code == 200
        assert document.json()["key"] == doc_id
        missing = httpx.get(f"{url}/documents/0000000000000000", timeout=30)
        assert missing.status_code == 404
        assert _error(missing)["code"] == "no_document"
