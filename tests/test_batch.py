"""Tests for batches (``pipeline.batch``, ``pipeline.parallel``,
``pipeline.progress``): worker processes give the same bytes as one process,
error lines keep their place, ``--resume`` carries on after a truncated file
or an interrupted run, jobs are drawn a window at a time, the progress bar
stays out of pipes, and a Dask cluster gives the local run's output.
Inputs are the repository's corpus samples plus files made in a temporary
folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from checks import ROOT, run_vntasks
from typer.testing import CliRunner

from pipeline.batch import Done, Summary, read_done, write_lines_file
from pipeline.cli import app
from pipeline.parallel import Job, Options, run_local
from pipeline.progress import summary_line

CORPUS = Path(__file__).parents[1] / "corpus"
SAMPLES = sorted(str(path) for path in CORPUS.glob("*.txt"))


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    """Two samples, a missing file, an empty file, then the last sample: the
    failures sit between documents that succeed."""
    empty = tmp_path / "trong.txt"
    empty.write_text("", encoding="utf-8")
    return [*SAMPLES[:2], str(tmp_path / "khong-co.txt"), str(empty), SAMPLES[2]]


def _run(arguments: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["extract", *arguments])
    return result.exit_code, result.stderr


def test_batch_two_workers_give_the_bytes_of_one(tmp_path: Path, inputs: list[str]) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert _run([*inputs, "-o", str(one), "--workers", "1"])[0] == 1
    assert _run([*inputs, "-o", str(two), "--workers", "2"])[0] == 1
    assert one.read_bytes() == two.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.jsonl", "trong.txt", "two.jsonl"]


def test_batch_error_lines_keep_their_place(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    _run([*inputs, "-o", str(out), "--workers", "2"])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["document"]["source"] for line in lines] == inputs
    assert [line.get("error", {}).get("code") for line in lines] == [
        None, None, "not_found", "empty", None,
    ]


def test_batch_resume_after_truncated_file(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    _run([*inputs, "-o", str(out), "--workers", "1"])
    whole = out.read_bytes()
    first_line_end = whole.index(b"\n") + 1
    # An interrupted run: one whole line, then half of the next.
    out.write_bytes(whole[: first_line_end + 100])
    summary = write_lines_file(out, inputs, resume=True, workers=2)
    assert out.read_bytes() == whole
    assert (summary.skipped, summary.ok, len(summary.failed)) == (1, 2, 2)


def test_batch_resume_skips_error_lines_by_source(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    _run([*inputs, "-o", str(out)])
    whole = out.read_bytes()
    summary = write_lines_file(out, inputs, resume=True, workers=1)
    assert out.read_bytes() == whole
    # The earlier run's failures are still failures (issue 14), not "done".
    assert (summary.skipped, summary.ok) == (3, 0)
    assert [(f.source, f.error.code, f.skipped) for f in summary.failed] == [
        (inputs[2], "not_found", True),
        (inputs[3], "empty", True),
    ]


def test_batch_resume_reports_the_earlier_failures(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "out.jsonl"
    _run([*inputs, "-o", str(out)])
    code, stderr = _run([*inputs, "-o", str(out), "--resume", "--progress"])
    assert code == 1
    lines = stderr.splitlines()
    assert lines[-3:] == [
        f"error: {inputs[2]}: no such file or directory (in the earlier run)",
        f"error: {inputs[3]}: the file is empty (in the earlier run)",
        f"3 of 5 documents extracted; failed: {inputs[2]}, {inputs[3]}",
    ]
    assert "5 documents: 0 extracted, 2 failed (2 in the earlier run), 3 already in the output" in (
        stderr
    )


def test_batch_resume_carries_on_from_the_partial_file(
    tmp_path: Path, inputs: list[str]
) -> None:
    out = tmp_path / "out.jsonl"
    _run([*inputs, "-o", str(out)])
    whole = out.read_bytes()
    out.unlink()
    # Killed mid-run: the output was never renamed into place.
    two_lines = whole.index(b"\n", whole.index(b"\n") + 1) + 1
    (tmp_path / "out.jsonl.partial").write_bytes(whole[: two_lines + 7])
    code, _ = _run([*inputs, "-o", str(out), "--resume"])
    assert code == 1
    assert out.read_bytes() == whole
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_batch_read_done(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    lines = [
        {"document": {"source": "a.txt", "text_sha256": "aa"}, "tasks": []},
        {"document": {"source": "b.txt"}, "error": {"code": "empty", "message": "…"}},
    ]
    whole = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    path.write_text(whole + '{"document": {"sou', encoding="utf-8")
    assert read_done(path) == Done(
        {("a.txt", "aa")}, {"b.txt": ("empty", "…")}, len(whole.encode("utf-8")), lines=2
    )


def test_batch_read_done_stops_at_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    good = '{"document": {"source": "a.txt", "text_sha256": "aa"}}\n'
    later = '{"document": {"source": "b.txt", "text_sha256": "bb"}}\n'
    path.write_text(good + "not json\n" + later)
    assert read_done(path) == Done({("a.txt", "aa")}, {}, len(good), lines=1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--resume"], "--resume needs JSON Lines written to a file with -o"),
        (["--resume", "-o", "x.csv", "--format", "csv"], "--resume needs JSON Lines"),
    ],
)
def test_batch_resume_usage_errors(arguments: list[str], message: str) -> None:
    code, stderr = _run([SAMPLES[0], *arguments])
    assert code == 2
    assert message in stderr


def test_batch_progress_stays_out_of_pipes(tmp_path: Path) -> None:
    code, stderr = _run([*SAMPLES[:2], "-o", str(tmp_path / "out.jsonl"), "--workers", "1"])
    assert (code, stderr) == (0, "")


def test_batch_progress_when_asked(tmp_path: Path) -> None:
    arguments = [*SAMPLES[:2], "-o", str(tmp_path / "out.jsonl"), "--workers", "1"]
    code, stderr = _run([*arguments, "--progress"])
    assert code == 0
    assert "documents/s" in stderr
    assert "2 documents: 2 extracted, 0 failed" in stderr


def test_batch_summary_line() -> None:
    summary = Summary(ok=3, skipped=2)
    assert summary_line(summary, 2.0) == (
        "5 documents: 3 extracted, 0 failed, 2 already in the output, in 2.0 s (1.50 documents/s)"
    )


def test_batch_jobs_are_drawn_a_window_at_a_time() -> None:
    drawn = 0

    def jobs():
        nonlocal drawn
        for number in range(1000):
            drawn += 1
            yield Job(f"{number}.txt", refusal=("empty", "the file is empty"))

    results = run_local(jobs(), Options(), workers=2)
    first = next(results)
    assert first.source == "0.txt"
    assert drawn <= 2 * 4
    assert [r.source for r in results] == [f"{n}.txt" for n in range(1, 1000)]


DASK_SCRIPT = textwrap.dedent(
    """
    import sys
    from distributed import LocalCluster
    from pipeline.batch import write_lines_file

    out, inputs = sys.argv[1], sys.argv[2:]
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        write_lines_file(
            __import__("pathlib").Path(out), inputs, scheduler=cluster.scheduler_address
        )
    """
)


def test_batch_dask_cluster_gives_the_local_output(tmp_path: Path, inputs: list[str]) -> None:
    pytest.importorskip("distributed")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    write_lines_file(local, inputs, workers=1)
    # Its own process: Dask leaves event-loop threads behind, and the process
    # pool of the other tests forks.
    subprocess.run(
        [sys.executable, "-c", DASK_SCRIPT, str(remote), *inputs],
        check=True, capture_output=True, timeout=120,
    )
    assert remote.read_bytes() == local.read_bytes()


# --- Ctrl-C -------------------------------------------------------------------


@pytest.fixture()
def many(tmp_path: Path) -> Path:
    """Twelve distinct documents: enough to interrupt in the middle."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = Path(SAMPLES[0]).read_text(encoding="utf-8")
    for number in range(12):
        (folder / f"{number:02d}.txt").write_text(f"{text}\nBản số {number}.\n", "utf-8")
    return folder


def _whole_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_ctrl_c_keeps_the_partial_file_for_resume(tmp_path, many, workers):
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    command = ["extract", str(many), "-o", str(out), "--workers", workers]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import main; main()", *command],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )
    deadline = time.monotonic() + 120
    while _whole_lines(partial) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 130
    kept = read_done(partial).lines
    assert 2 <= kept < 12
    assert stderr.splitlines() == [
        f"interrupted: {kept} documents are written in {partial}; "
        "run the same command with --resume to carry on"
    ]
    assert not out.exists()
    resumed = run_vntasks(*command, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    sources = [json.loads(line)["document"]["source"] for line in out.read_text().splitlines()]
    assert sources == [str(path) for path in sorted(many.iterdir())]


def _interrupted_after_one(real):
    def extract_records(*args, **kwargs):
        for number, outcome in enumerate(real(*args, **kwargs)):
            if number == 1:
                raise KeyboardInterrupt
            yield outcome

    return extract_records


@pytest.mark.parametrize(
    ("name", "existing", "note"),
    [
        ("out.csv", True, "out.csv is as it was"),
        ("out.json", False, "out.json was not written"),
        ("out.jsonl", False, "1 document is written in"),
    ],
)
def test_batch_ctrl_c_says_what_it_left(tmp_path, monkeypatch, name, existing, note):
    import pipeline.batch

    target = tmp_path / name
    if existing:
        target.write_text("old\n")
    monkeypatch.setattr(
        pipeline.batch, "extract_records", _interrupted_after_one(pipeline.batch.extract_records)
    )
    code, stderr = _run([*SAMPLES, "-o", str(target), "--force", "--workers", "1"])
    assert code == 130
    [line] = stderr.splitlines()
    assert line.startswith("interrupted: ") and note in line
    assert (target.read_text() == "old\n") if existing else not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{name}")]


def test_batch_interrupted_note_counts_lines_not_distinct_texts(tmp_path):
    from pipeline.batch import interrupted_note
    from pipeline.output import Plan

    same = '{"document": {"source": "%s", "text_sha256": "aa"}, "tasks": []}\n'
    (tmp_path / "out.jsonl.partial").write_text(same % "a.txt" + same % "copy/a.txt")
    note = interrupted_note(Plan("jsonl", file=tmp_path / "out.jsonl"))
    assert note.startswith("2 documents are written in ")


# --- hostile inputs (issue 17) ------------------------------------------------


def _docx_of_many_parts(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(10_001):
            archive.writestr(f"word/media/p{number}.xml", "")


def _zip_bomb_docx(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # Written in chunks so the test itself never holds the 210 MB.
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(210):
                part.write(bytes(1024 * 1024))


def test_batch_hostile_inputs_each_get_an_error_line(tmp_path: Path) -> None:
    """Hostile entries between two good files: exit 1, both good documents
    written, one error line each naming it and the reason, and nothing else
    on standard error (no traceback, no library log line)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_bytes(Path(SAMPLES[0]).read_bytes())
    _zip_bomb_docx(folder / "b-bomb.docx")
    _docx_of_many_parts(folder / "c-parts.docx")
    # A multi-MB single line, over the --max-chars given below.
    (folder / "d-line.txt").write_text("Sở Nội vụ rà soát; " * 200_000, encoding="utf-8")
    (folder / "e-loop.txt").symlink_to("e-loop.txt")
    (folder / "f-broken.txt").symlink_to("nowhere.txt")
    os.mkfifo(folder / "g-pipe.txt")
    (folder / "z-good.txt").write_bytes(Path(SAMPLES[1]).read_bytes())
    out = tmp_path / "out.jsonl"
    done = run_vntasks("extract", str(folder), "-o", str(out), "--max-chars", "1000000",
                       "--workers", "1")
    assert done.returncode == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    codes = {Path(line["document"]["source"]).name: line.get("error", {}).get("code")
             for line in lines}
    assert codes == {
        "a-good.txt": None,
        "b-bomb.docx": "zip_bomb",
        "c-parts.docx": "too_many_parts",
        "d-line.txt": "too_many_chars",
        "e-loop.txt": "symlink_loop",
        "f-broken.txt": "broken_link",
        "g-pipe.txt": "special_file",
        "z-good.txt": None,
    }
    errors = done.stderr.splitlines()
    assert len(errors) == 6 + 1, done.stderr
    assert all(line.startswith(f"error: {folder}/") for line in errors[:-1])
    assert "--max-chars" in errors[2] and "--max-unpacked-bytes" in errors[0]
    assert errors[-1].startswith("2 of 8 documents extracted; failed: ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_batch_unreadable_file_and_folder_are_error_lines(tmp_path: Path) -> None:
    locked_file = tmp_path / "locked.txt"
    locked_file.write_bytes(Path(SAMPLES[0]).read_bytes())
    locked_folder = tmp_path / "locked"
    locked_folder.mkdir()
    locked_file.chmod(0)
    locked_folder.chmod(0)
    try:
        exit_code, stderr = _run([str(locked_file), str(locked_folder), SAMPLES[1],
                                  "-o", str(tmp_path / "out.jsonl")])
    finally:
        locked_file.chmod(0o644)
        locked_folder.chmod(0o755)
    assert exit_code == 1
    assert stderr.splitlines()[:2] == [
        f"error: {locked_file}: the file cannot be read (Permission denied)",
        f"error: {locked_folder}: the file cannot be read (Permission denied)",
    ]


@pytest.mark.parametrize(
    ("failure", "code"),
    [(MemoryError, "out_of_memory"), (KeyError, "crashed"), (RecursionError, "crashed")],
)
def test_batch_a_document_that_fails_becomes_its_error_result(monkeypatch, failure, code):
    """Whatever extract() raises for one document stays that document's:
    the failure is forced here, as no text is known to cause it."""
    import pipeline.extraction

    def failing(*args, **kwargs):
        raise failure("forced")

    monkeypatch.setattr(pipeline.extraction, "extract", failing)
    results = list(run_local([Job(SAMPLES[0], path=SAMPLES[0])], Options()))
    assert results[0].error is not None and results[0].error[0] == code
    assert results[0].record is None


def test_batch_timeout_per_doc_stops_one_document(tmp_path: Path) -> None:
    # About 150 KB of directive text takes seconds; 0.05 s is never enough.
    long = tmp_path / "long.txt"
    long.write_text(Path(SAMPLES[0]).read_text(encoding="utf-8") * 30, encoding="utf-8")
    result = list(run_local([Job(str(long), path=str(long))], Options(timeout=0.05)))[0]
    assert result.error == (
        "timeout", "extraction took longer than 0.05 seconds (--timeout-per-doc); stopped"
    )


def test_batch_resume_after_any_line_gives_the_uninterrupted_output(tmp_path: Path) -> None:
    """Stopped after any whole line, a resumed run ends with the bytes and
    the exit status of a run never stopped, although two inputs hold one
    text (issue 17: the second was skipped as already written)."""
    copy = tmp_path / "same-text.txt"
    copy.write_bytes(Path(SAMPLES[0]).read_bytes())
    sources = [SAMPLES[0], str(copy), str(tmp_path / "missing.txt"), SAMPLES[1]]
    whole = tmp_path / "whole.jsonl"
    status = _run([*sources, "-o", str(whole), "--workers", "1"])[0]
    expected = whole.read_bytes()
    lines = expected.splitlines(keepends=True)
    assert status == 1 and len(lines) == 4
    for kept in range(len(lines)):
        out = tmp_path / f"stopped-{kept}.jsonl"
        Path(f"{out}.partial").write_bytes(b"".join(lines[:kept]))
        resumed = _run([*sources, "-o", str(out), "--workers", "1", "--resume"])[0]
        assert (kept, resumed, out.read_bytes()) == (kept, status, expected)


def _without_network() -> list[str] | None:
    """A command prefix that runs its command in a network namespace of its
    own, where the loopback interface is down; None where that is not
    allowed (it needs root or user namespaces)."""
    import shutil

    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return ["unshare", "-n"] if probe.returncode == 0 else None


@pytest.mark.skipif(_without_network() is None, reason="unshare -n is not permitted here")
def test_batch_dask_without_loopback_says_so_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    command = [*_without_network(), sys.executable, "-c",
               "from pipeline.cli import main; main()",
               "extract", SAMPLES[0], "--engine", "dask", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: the dask engine needs the loopback network (127.0.0.1) to reach its workers, "
        "and it is down here (Network is unreachable); use --engine local"
    ]
    assert not out.exists()


def test_batch_unreachable_scheduler_says_so_in_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as unused:
        # A port just bound and closed: nothing listens there.
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    exit_code, stderr = _run([SAMPLES[0], "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert exit_code == 1
    assert stderr.splitlines() == [
        f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (Connection refused)"
    ]
