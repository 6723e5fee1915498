"""The task register (pipeline/register.py) and its command line.

Documents used: the invented pair under tests/data/register/ (a Chỉ thị of
an invented province and a news report of it, written for these tests), and
the dev shared directive 05_cd-227 with its dev summary 26_tom-tat (the same
Công điện). Expectations are derived from the extracted records, never
from which id scheme is in force: a "new version" is stored under the first
version's key, passed explicitly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from checks import ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import to_dict
from pipeline.extraction import extract
from pipeline.register import (
    MERGE_THRESHOLD,
    SCHEMA_VERSION,
    Register,
    RegisterError,
    fold,
    render_tasks,
)

DATA = ROOT / "tests" / "data" / "register"
DIRECTIVE = DATA / "chi-thi-05-an-binh.txt"
REPORT = DATA / "tin-chi-thi-05-an-binh.txt"
SHARED = ROOT.parent / "shared" / "real-directives"
SHARED_DIRECTIVE = SHARED / "05_cd-227-cd-ttg-khac-phuc-hau-qua-mua-lu-nam-trung-bo.txt"
SHARED_REPORT = SHARED / "26_tom-tat-cd-227-cd-ttg-ho-tro-sua-nha-truoc-30-11.txt"
TODAY = date(2026, 4, 1)


def _record(text: str, source: str) -> dict:
    return to_dict(extract(text, source_name=source), with_text=True)


_CACHE: dict[str, dict] = {}


def record_of(path: Path) -> dict:
    """The record of a file (with its text), extracted once per session."""
    if str(path) not in _CACHE:
        if not path.exists():
            pytest.skip(f"{path} is absent (the shared corpus lies beside the repository)")
        _CACHE[str(path)] = _record(path.read_text(encoding="utf-8"), str(path))
    return json.loads(json.dumps(_CACHE[str(path)]))


@pytest.fixture
def register(tmp_path: Path) -> Register:
    with Register(tmp_path / "register.db") as opened:
        yield opened


def _task_text(record: dict, task: dict) -> str:
    return record["document"]["text"][task["span"][0] : task["span"][1]]


# --- adding and versions ------------------------------------------------------


def test_register_add_stores_every_task(register):
    record = record_of(DIRECTIVE)
    outcome = register.add(record)
    assert (outcome.event, outcome.added, outcome.version) == ("added", len(record["tasks"]), 1)
    stored = register.tasks(today=TODAY)
    assert [t["current_id"] for t in stored] == [t["id"] for t in record["tasks"]]
    assert {t["status"] for t in stored} == {"open"}
    assert register.schema_version() == SCHEMA_VERSION


def test_register_readd_same_text_is_a_noop(register):
    record = record_of(DIRECTIVE)
    register.add(record)
    before = register.document(record["document"]["id"])
    outcome = register.add(record_of(DIRECTIVE))
    assert outcome.event == "unchanged"
    assert (outcome.added, outcome.updated, outcome.removed) == (0, 0, 0)
    after = register.document(record["document"]["id"])
    assert after["versions"] == before["versions"]
    assert after["tasks"] == before["tasks"]


def _edited(record: dict, task: dict, old: str, new: str) -> str:
    """The record's text with ``old`` replaced by ``new`` inside ``task``."""
    text = record["document"]["text"]
    start, end = task["span"]
    inside = text[start:end]
    assert old in inside
    return text[:start] + inside.replace(old, new, 1) + text[end:]


def test_register_new_version_updates_only_the_edited_task(register):
    record = record_of(DIRECTIVE)
    key = register.add(record).key
    target = record["tasks"][2]
    edited = _record(_edited(record, target, "diễn tập", "diễn tập, huấn luyện"), "v2.txt")
    outcome = register.add(edited, key=key)
    assert outcome.event == "new_version" and outcome.version == 2
    assert (outcome.updated, outcome.added, outcome.removed) == (1, 0, 0)
    assert outcome.unchanged == len(record["tasks"]) - 1
    stored = {t["id"]: t for t in register.tasks(document=key, today=TODAY)}
    changed = stored[target["id"]]
    assert "huấn luyện" in changed["description"]
    assert changed["changed_version"] == 2
    others = [t for t in record["tasks"] if t is not target]
    assert all(stored[t["id"]]["changed_version"] == 1 for t in others)
    history = register.task(target["id"])["history"]
    assert [h["event"] for h in history] == ["added", "updated"]


def test_register_new_version_marks_a_removed_task(register):
    record = record_of(DIRECTIVE)
    key = register.add(record).key
    gone = record["tasks"][3]
    text = record["document"]["text"]
    line_start = text.rfind("\n", 0, gone["span"][0]) + 1
    line_end = text.index("\n", gone["span"][1])
    outcome = register.add(_record(text[:line_start] + text[line_end + 1 :], "v2.txt"), key=key)
    assert (outcome.removed, outcome.added, outcome.updated) == (1, 0, 0)
    current = [t["id"] for t in register.tasks(document=key, today=TODAY)]
    assert gone["id"] not in current and len(current) == len(record["tasks"]) - 1
    (removed,) = [t for t in register.tasks(document=key, include_removed=True, today=TODAY)
                  if t["state"] == "removed"]
    assert (removed["id"], removed["removed_version"]) == (gone["id"], 2)
    # Putting the line back restores the task, status and id kept.
    back = register.add(record_of(DIRECTIVE), key=key)
    assert (back.restored, back.version) == (1, 3)


def test_register_status_survives_a_new_version(register):
    record = record_of(DIRECTIVE)
    key = register.add(record).key
    first, second = record["tasks"][0], record["tasks"][1]
    assert register.set_status(first["id"], "done") == first["id"]
    register.set_status(second["id"], "cancelled")
    edited = _record(_edited(record, first, "toàn bộ", "toàn bộ, kỹ lưỡng"), "v2.txt")
    register.add(edited, key=key)
    statuses = {t["id"]: t["status"] for t in register.tasks(document=key, today=TODAY)}
    assert statuses[first["id"]] == "done"
    assert statuses[second["id"]] == "cancelled"
    # The new record id of the edited task finds it too.
    new_id = next(t["id"] for t in edited["tasks"] if "kỹ lưỡng" in t["description"])
    assert register.set_status(new_id, "open") == first["id"]


@pytest.mark.parametrize("status", ["closed", "DONE", ""])
def test_register_refuses_an_unknown_status(register, status):
    register.add(record_of(DIRECTIVE))
    with pytest.raises(RegisterError, match="status must be one of"):
        register.set_status(record_of(DIRECTIVE)["tasks"][0]["id"], status)


def test_register_refuses_an_unknown_task(register):
    with pytest.raises(RegisterError, match="no task"):
        register.set_status("nothing-t000", "done")


def test_register_refuses_a_database_from_a_newer_vntasks(tmp_path):
    import sqlalchemy as sa

    path = tmp_path / "r.db"
    Register(path).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE name = 'schema_version'"),
                     {"v": str(SCHEMA_VERSION + 1)})
    engine.dispose()
    with pytest.raises(RegisterError, match="newer"):
        Register(path)


# --- queries --------------------------------------------------------------------


def _names(task: dict) -> list[tuple[str, str]]:
    return [(b["role"], fold(b["name"]) + " | " + fold(b["canonical"] or ""))
            for b in task["responsible"]]


def _expected(record: dict, **given) -> list[str]:
    """The record's task ids that the filters select, computed from the
    record alone."""
    chosen = []
    for task in record["tasks"]:
        due = (task["deadline"] or {}).get("due")
        if "body" in given and not any(
            fold(given["body"]) in names and given.get("role") in (None, role)
            for role, names in _names(task)
        ):
            continue
        if "due_before" in given and not (due and due <= given["due_before"].isoformat()):
            continue
        if given.get("overdue") and not (due and due < TODAY.isoformat()):
            continue
        chosen.append(task["id"])
    return chosen


@pytest.mark.parametrize(
    "filters",
    [
        {"body": "Sở Tài chính"},
        {"body": "so tai chinh"},
        {"body": "SỞ NÔNG NGHIỆP"},
        {"body": "Công an tỉnh"},
        {"body": "Công an tỉnh", "role": "lead"},
        {"body": "Công an tỉnh", "role": "support"},
        {"body": "Bộ Quốc phòng"},
        {"due_before": date(2026, 3, 31)},
        {"due_before": date(2026, 4, 30)},
        {"overdue": True},
        {"body": "Ủy ban nhân dân", "due_before": date(2026, 12, 31)},
    ],
)
def test_register_task_filters(register, filters):
    record = record_of(DIRECTIVE)
    register.add(record)
    found = [t["id"] for t in register.tasks(today=TODAY, **filters)]
    assert found == _expected(record, **filters)


def test_register_body_finds_a_longer_name():
    # "Sở Tài chính" must find "Sở Tài chính tỉnh An Bình" in the record.
    record = record_of(DIRECTIVE)
    assert _expected(record, body="Sở Tài chính")


def test_register_status_and_overdue_filters(register):
    record = record_of(DIRECTIVE)
    register.add(record)
    overdue = register.tasks(overdue=True, today=TODAY)
    assert overdue and all(t["overdue"] for t in overdue)
    register.set_status(overdue[0]["id"], "done")
    assert [t["id"] for t in register.tasks(status="done", today=TODAY)] == [overdue[0]["id"]]
    assert overdue[0]["id"] not in [t["id"] for t in register.tasks(overdue=True, today=TODAY)]
    assert len(register.tasks(status="open", today=TODAY)) == len(record["tasks"]) - 1


def test_register_bodies_counts(register):
    record = record_of(DIRECTIVE)
    register.add(record)
    counts = {c.name: c for c in register.bodies(today=TODAY)}
    for task in record["tasks"]:
        for body in task["responsible"]:
            assert counts[body["canonical"] or body["name"]].open >= 1
    late = {b["canonical"] or b["name"] for t in record["tasks"]
            if t["id"] in _expected(record, overdue=True) for b in t["responsible"]}
    assert {name for name, c in counts.items() if c.overdue} == late


def test_register_documents_view(register):
    directive, report = record_of(DIRECTIVE), record_of(REPORT)
    register.add(directive)
    register.add(report)
    rows = {row["key"]: row for row in register.documents()}
    assert rows[directive["document"]["id"]]["reported"] is False
    (report_row,) = [row for key, row in rows.items() if key != directive["document"]["id"]]
    assert report_row["reported"] is True and report_row["tasks"] == len(report["tasks"])
    assert rows[directive["document"]["id"]]["tasks"] == len(directive["tasks"])


# --- links and news reports -------------------------------------------------------


def test_register_links_both_ways(register):
    directive, report = record_of(DIRECTIVE), record_of(REPORT)
    register.add(directive)
    register.add(report)
    own = register.document(directive["document"]["id"])
    relations = {(link["relation"], link["number"]) for link in own["links"]}
    assert {("implements", "12/CT-TTg"), ("cites", "88/QĐ-UBND"),
            ("replaces", "02/CT-UBND")} <= relations
    report_key = next(d["key"] for d in register.documents() if d["reported"])
    assert own["linked_from"] == [{"relation": "reports", "document": report_key}]
    theirs = register.document(report_key)
    assert theirs["links"][0]["relation"] == "reports"
    assert theirs["links"][0]["documents"] == [directive["document"]["id"]]


@pytest.mark.parametrize("order", ["directive first", "report first"])
def test_register_merges_a_reports_tasks_into_its_directive(register, order):
    directive, report = record_of(DIRECTIVE), record_of(REPORT)
    for record in ([directive, report] if order == "directive first" else [report, directive]):
        register.add(record)
    tasks = register.tasks(today=TODAY)
    # Each report task repeats a directive task, so it is shown once.
    assert len(tasks) == len(directive["tasks"])
    report_key = next(d["key"] for d in register.documents() if d["reported"])
    with_both = [t for t in tasks if report_key in t["sources"]]
    assert len(with_both) == len(report["tasks"])
    assert all(t["document"] == directive["document"]["id"] for t in with_both)


def test_register_a_report_sharing_its_directives_id_is_no_version_of_it(register):
    # An id scheme built on issuer, type and number gives a report the id of
    # the directive it reports: it must stay a document of its own.
    directive, report = record_of(DIRECTIVE), record_of(REPORT)
    report["document"]["id"] = directive["document"]["id"]
    register.add(directive)
    outcome = register.add(report)
    assert outcome.event == "added" and outcome.key != directive["document"]["id"]
    assert outcome.merged == len(report["tasks"])
    stored = register.document(directive["document"]["id"])
    assert len(stored["versions"]) == 1
    assert {t["state"] for t in stored["tasks"]} == {"current"}


def test_register_merges_the_shared_summary_into_its_directive(register):
    directive, report = record_of(SHARED_DIRECTIVE), record_of(SHARED_REPORT)
    register.add(directive)
    outcome = register.add(report)
    assert outcome.merged == len(report["tasks"])
    assert len(register.tasks(today=TODAY)) == len(directive["tasks"])


def test_register_merge_threshold_keeps_distinct_tasks_apart():
    """The threshold lies above the similarity of any two distinct tasks of
    the shared directive, so no two of its own tasks would merge."""
    from pipeline.evaluate import description_key, multiset_f1

    tasks = record_of(SHARED_DIRECTIVE)["tasks"]
    keys = [description_key(t["description"]) for t in tasks]
    closest = max(multiset_f1(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]
                  if a != b)
    assert closest < MERGE_THRESHOLD


# --- formats ----------------------------------------------------------------------


def test_register_formats(register, tmp_path):
    record = record_of(DIRECTIVE)
    register.add(record)
    register.add(record_of(REPORT))
    tasks = register.tasks(today=TODAY)
    ids = [t["id"] for t in tasks]
    as_json = json.loads(render_tasks(register, tasks, "json"))
    assert [t["id"] for t in as_json] == ids
    table = render_tasks(register, tasks, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [row["task_id"] for row in rows] == ids
    assert {row["status"] for row in rows} == {"open"}
    assert any("\n" in row["sources"] for row in rows)
    path = tmp_path / "tasks.xlsx"
    path.write_bytes(render_tasks(register, tasks, "xlsx", lang="vi"))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert "Trạng thái" in header and "Văn bản nguồn" in header
    assert sheet.max_row == len(ids) + 1


# --- importer example ---------------------------------------------------------------


def _shared_dev_register(tmp_path: Path) -> Register:
    opened = Register(tmp_path / "dev.db")
    opened.add(record_of(SHARED_DIRECTIVE))
    return opened


def test_register_jira_csv_from_a_shared_document(tmp_path):
    with _shared_dev_register(tmp_path) as opened:
        tasks = opened.tasks(body="Bộ Y tế", today=date(2025, 12, 15))
        data = render_tasks(opened, tasks, "jira")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["Summary", "Description", "Due date", "Labels", "Labels",
                       "vntasks id", "Status"]
    assert [row[5] for row in rows[1:]] == [t["id"] for t in tasks]
    for row, task in zip(rows[1:], tasks, strict=True):
        assert len(row[0]) <= 255 and row[2] == (task["due"] or "")
        assert row[1].endswith(f"vntasks-id: {task['id']}")


FAKE_GH = """#!/bin/sh
# A stand-in for GitHub's gh: logs each call as one JSON line and answers
# "issue list" from the issues it made (no network).
exec "$PYTHON" - "$@" <<'PY'
import json, os, sys
args = sys.argv[1:]
log, made = os.environ["GH_LOG"], os.environ["GH_MADE"]
with open(log, "a") as out:
    out.write(json.dumps(args) + "\\n")
known = open(made).read().split() if os.path.exists(made) else []
if args[:2] == ["issue", "list"]:
    query = args[args.index("--search") + 1]
    print(sum(f'"{marker}"' in query for marker in known))
elif args[:2] == ["issue", "create"]:
    body = args[args.index("--body") + 1]
    with open(made, "a") as out:
        out.write(body.rsplit("vntasks-id: ", 1)[1] + "\\n")
PY
"""


def _run_script(script: str, tmp_path: Path) -> list[list[str]]:
    """Run the generated script with the fake gh first on PATH; the gh
    calls it made."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    fake = folder / "gh"
    fake.write_text(FAKE_GH)
    fake.chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", "PYTHON": sys.executable,
           "GH_LOG": str(log), "GH_MADE": str(tmp_path / "made.txt")}
    (tmp_path / "import.sh").write_text(script, encoding="utf-8")
    done = subprocess.run(["sh", str(tmp_path / "import.sh")], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_register_github_script_from_a_shared_document(tmp_path):
    with _shared_dev_register(tmp_path) as opened:
        tasks = opened.tasks(overdue=True, today=date(2025, 12, 15))
        script = render_tasks(opened, tasks, "github", repo="org/tasks").decode("utf-8")
    assert tasks
    calls = _run_script(script, tmp_path)
    issues = [c for c in calls if c[:2] == ["issue", "create"]]
    labels = {c[4] for c in calls if c[:2] == ["label", "create"]}
    assert len(issues) == len(tasks)
    for command, task in zip(issues, tasks, strict=True):
        options = dict(zip(command[2::2], command[3::2], strict=False))
        assert options["--repo"] == "org/tasks"
        assert options["--title"] == " ".join(task["description"].split())[:255]
        assert options["--body"].endswith(f"vntasks-id: {task['id']}")
        used = {command[i + 1] for i, word in enumerate(command) if word == "--label"}
        assert "overdue" in used and used <= labels
    # Run again: every issue is found by its marker, none made twice.
    again = _run_script(script, tmp_path)
    assert not [c for c in again if c[:2] == ["issue", "create"]]


# --- the command line -----------------------------------------------------------------


def _cli(*args: str, db: Path):
    return CliRunner().invoke(app, ["register", *args, "--db", str(db)])


def test_register_cli_end_to_end(tmp_path):
    db = tmp_path / "cli.db"
    first = _cli("add", str(DIRECTIVE), str(REPORT), "-w", "1", db=db)
    assert first.exit_code == 0, first.output
    assert "2 documents added" in first.output
    again = _cli("add", str(DIRECTIVE), "-w", "1", db=db)
    assert again.exit_code == 0 and "nothing changed" in again.output
    listed = _cli("tasks", "--body", "Sở Tài chính", "-f", "json", db=db)
    (task,) = json.loads(listed.output)
    assert "Sở Tài chính" in task["leads"][0] and len(task["sources"]) == 2
    assert _cli("status", task["id"], "done", db=db).exit_code == 0
    done = json.loads(_cli("tasks", "--status", "done", "-f", "json", db=db).output)
    assert [t["id"] for t in done] == [task["id"]]
    overdue = _cli("tasks", "--overdue", "--today", "2026-04-01", db=db)
    assert "OVERDUE" in overdue.output and task["id"] not in overdue.output
    bodies = _cli("bodies", "--today", "2026-04-01", "--json", db=db)
    assert any(row["done"] == 1 for row in json.loads(bodies.output))
    documents = json.loads(_cli("documents", "--json", db=db).output)
    assert len(documents) == 2
    shown = _cli("document", documents[0]["key"], db=db)
    assert shown.exit_code == 0 and "links:" in shown.output
    out = tmp_path / "t.xlsx"
    assert _cli("tasks", "-f", "xlsx", "-o", str(out), db=db).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    assert _cli("tasks", "-f", "xlsx", "-o", str(out), db=db).exit_code == 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["status", "no-such-task", "done"], 1, "no task"),
        (["document", "no-such-document"], 1, "no document"),
        (["tasks", "--due-before", "2026-02-30"], 2, "does not exist"),
        (["tasks", "-f", "xlsx"], 2, "needs -o"),
        (["add", str(DIRECTIVE), str(REPORT), "--key", "k"], 2, "one input"),
    ],
)
def test_register_cli_errors(tmp_path, args, code, message):
    result = _cli(*args, db=tmp_path / "e.db")
    assert result.exit_code == code
    assert message in result.output


def test_register_cli_key_makes_a_new_version(tmp_path):
    db = tmp_path / "k.db"
    record = record_of(DIRECTIVE)
    edited = tmp_path / "v2.txt"
    edited.write_text(_edited(record, record["tasks"][1], "kinh phí", "đủ kinh phí"),
                      encoding="utf-8")
    assert _cli("add", str(DIRECTIVE), "--key", "ct-05", db=db).exit_code == 0
    result = _cli("add", str(edited), "--key", "ct-05", db=db)
    assert "ct-05: version 2" in result.output and "1 updated" in result.output


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@pytest.fixture
def postgres_url():
    """A PostgreSQL server of its own in a temporary folder, for one test.
    As root (CI), it runs as the ``postgres`` user, since postgres refuses
    root."""
    binaries = _pg_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (Debian's postgresql package) are absent")
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser to start PostgreSQL as postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="vntasks-pg-"))
    folder.chmod(0o777)
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    sockets.chmod(0o777)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {sockets} -c listen_addresses=''"
    subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
                    "-l", str(folder / "log"), "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={sockets}&port={port}"
    finally:
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], capture_output=True)
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def test_register_on_postgresql(postgres_url):
    directive, report = record_of(DIRECTIVE), record_of(REPORT)
    with Register(postgres_url) as opened:
        assert opened.add(directive).event == "added"
        assert opened.add(report).merged == len(report["tasks"])
        assert opened.add(record_of(DIRECTIVE)).event == "unchanged"
        found = opened.tasks(body="so tai chinh", today=TODAY)
        assert [t["id"] for t in found] == _expected(directive, body="so tai chinh")
        opened.set_status(found[0]["id"], "done")
        key = directive["document"]["id"]
        edited = _record(_edited(directive, directive["tasks"][2], "diễn tập", "diễn tập lớn"),
                         "v2.txt")
        assert opened.add(edited, key=key).updated == 1
        assert opened.tasks(status="done", today=TODAY)[0]["id"] == found[0]["id"]
        assert opened.document(key)["linked_from"][0]["relation"] == "reports"
    with Register(postgres_url) as reopened:
        assert reopened.schema_version() == SCHEMA_VERSION
