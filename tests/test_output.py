"""Tests of ``pipeline.output`` and of ``vntasks extract -o``: the format
from the extension, and an output that never destroys anything (issue 14,
"Why", and issue 17): an existing file needs ``--force``; an input, a
device, a FIFO or a symbolic link is never written; a folder gets one file
per input; every refusal comes before any document is read; a write that
fails or finds nothing to write leaves the old file whole.

Inputs are the repository's corpus samples and files made in ``tmp_path``.
"""

from __future__ import annotations

import errno
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import VntasksError
from pipeline.export import validate
from pipeline.output import atomic_output, choose_format

CORPUS = Path(__file__).parents[1] / "corpus"
SAMPLE = CORPUS / "thong-bao-ket-luan-mau.txt"
OTHER = CORPUS / "tin-bao-mau-chi-thi.txt"
OLD = '{"an": "earlier output"}\n'


def _extract(*args: str):
    return CliRunner().invoke(app, ["extract", *args])


# --- the format ---------------------------------------------------------------

FORMAT_CASES = [
    # (-o, --format, several inputs, format chosen)
    ("tasks.xlsx", None, False, "xlsx"),
    ("tasks.CSV", None, False, "csv"),
    ("tasks.ics", None, True, "ics"),
    ("review.htm", None, False, "html"),
    ("out.json", None, True, "json"),
    ("out.jsonl", None, False, "jsonl"),
    ("out", None, False, "json"),
    ("out", None, True, "jsonl"),
    (None, None, False, "json"),
    (None, None, True, "jsonl"),
    (None, "json", True, "json"),
    ("out.txt", "csv", False, "csv"),  # an extension that names no format: -f decides
]


@pytest.mark.parametrize(("output", "given", "several", "chosen"), FORMAT_CASES)
def test_output_format_from_the_extension(output, given, several, chosen):
    assert choose_format(output, given, several) == chosen


@pytest.mark.parametrize(
    ("output", "given", "code"),
    [
        ("tasks.xlsx", "csv", "format_mismatch"),
        ("out.json", "jsonl", "format_mismatch"),
        ("tasks.xls", None, "unknown_extension"),
        ("out.txt", None, "unknown_extension"),
    ],
)
def test_output_format_refusals(output, given, code):
    with pytest.raises(VntasksError) as refused:
        choose_format(output, given, False)
    assert refused.value.code == code


def test_output_xlsx_name_without_format_writes_a_workbook(tmp_path):
    target = tmp_path / "tasks.xlsx"
    result = _extract(str(SAMPLE), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(target)
    sheet = load_workbook(io.BytesIO(target.read_bytes())).active
    assert sheet.cell(row=1, column=1).value == "task_id"


def test_output_json_with_several_inputs_is_one_array(tmp_path):
    target = tmp_path / "two.json"
    missing = tmp_path / "missing.txt"
    result = _extract(str(SAMPLE), str(missing), str(OTHER), "-f", "json", "-o", str(target))
    assert result.exit_code == 1
    records = json.loads(target.read_text("utf-8"))
    assert [r["document"]["source"] for r in records] == [str(SAMPLE), str(missing), str(OTHER)]
    validate(records[0])
    validate(records[2])
    assert records[1]["error"]["code"] == "not_found"


def test_output_json_array_on_standard_output():
    result = _extract(str(SAMPLE), str(OTHER), "-f", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "csv", "-o", "tasks.xlsx"], "the name says xlsx but --format says csv"),
        (["-o", "tasks.xls"], "cannot tell the format from '.xls'"),
        (["--jsonl", "-o", "out.json"], "the name says json but --format says jsonl"),
        (["--resume", "-o", "out.json"], "--resume needs JSON Lines"),
        (["--resume", "--force", "-o", "out.jsonl"], "give one of them"),
        (["--summary"], "--summary needs -o"),
    ],
)
def test_output_usage_errors(tmp_path, arguments, message):
    result = _extract(str(SAMPLE), *arguments)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert message in result.stderr


# --- never destroying anything ------------------------------------------------


def _existing(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(OLD, encoding="utf-8")
    return path


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def _link(tmp_path: Path) -> Path:
    target = _existing(tmp_path, "elsewhere.json")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    return link


def _under_a_file(tmp_path: Path) -> Path:
    return _existing(tmp_path, "plain.json") / "out.json"


REFUSED = [
    # (name, builder of the -o path, extra arguments, message fragment)
    ("exists", lambda p: _existing(p, "out.json"), [], "exists; add --force to replace it"),
    (
        "exists-jsonl",
        lambda p: _existing(p, "out.jsonl"),
        [],
        "add --force to replace it (or --resume to carry on)",
    ),
    (
        "partial-left",
        lambda p: _existing(p, "out.jsonl.partial").with_suffix(""),
        [],
        "an interrupted run left out.jsonl.partial; add --resume",
    ),
    ("device", lambda p: Path(os.devnull), ["-f", "json", "--force"], "is a character device"),
    ("fifo", _fifo, ["--force"], "is a FIFO"),
    ("symlink", _link, ["--force"], "is a symbolic link to"),
    ("under-a-file", _under_a_file, [], "is not a folder"),
]


@pytest.mark.parametrize(
    ("name", "build", "extra", "fragment"), REFUSED, ids=[row[0] for row in REFUSED]
)
def test_output_refused_before_any_work(tmp_path, name, build, extra, fragment):
    target = build(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    # The missing input would be named on stderr had anything been read.
    result = _extract(str(tmp_path / "missing.txt"), "-o", str(target), *extra)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {target}: ")
    assert fragment in result.stderr and "missing.txt" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if target.is_file() and not target.is_symlink():
        assert target.read_text("utf-8") == OLD


def test_output_never_the_input_even_with_force(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_bytes(SAMPLE.read_bytes())
    result = _extract(str(source), "-f", "json", "-o", str(source), "--force")
    assert result.exit_code == 2
    assert "is one of the inputs" in result.stderr
    assert source.read_bytes() == SAMPLE.read_bytes()


def test_output_never_an_input_of_a_folder(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("<html><body><p>Giao Sở Nội vụ rà soát.</p></body></html>", "utf-8")
    (folder / "plan.txt").write_bytes(SAMPLE.read_bytes())
    result = _extract(str(folder), "-o", str(page), "--force")
    assert result.exit_code == 2
    assert "is one of the inputs" in result.stderr


def test_output_force_replaces(tmp_path):
    target = _existing(tmp_path, "out.json")
    result = _extract(str(SAMPLE), "-o", str(target), "--force")
    assert result.exit_code == 0, result.output
    validate(json.loads(target.read_text("utf-8")))


@pytest.mark.parametrize("name", ["out.json", "out.jsonl", "out.csv"])
def test_output_a_run_that_extracts_nothing_keeps_the_old_file(tmp_path, name):
    target = _existing(tmp_path, name)
    result = _extract(str(tmp_path / "missing.txt"), "-o", str(target), "--force")
    assert result.exit_code == 1
    assert target.read_text("utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_output_a_failed_write_keeps_the_old_file_and_says_one_line(tmp_path, monkeypatch):
    target = _existing(tmp_path, "out.json")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pipeline.output.os.replace", full_disk)
    result = _extract(str(SAMPLE), "-o", str(target), "--force")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {target}: cannot be written: No space left on device"
    ]
    assert target.read_text("utf-8") == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"], "no temporary file left"


def test_output_written_durably_before_the_rename(tmp_path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(
        "pipeline.output.os.fsync", lambda fd: calls.append("fsync") or real_fsync(fd)
    )
    monkeypatch.setattr(
        "pipeline.output.os.replace", lambda a, b: calls.append("replace") or real_replace(a, b)
    )
    with atomic_output(tmp_path / "out.json") as pending:
        pending.stream.write("{}\n")
    # The file's data, then the rename, then the folder entry.
    assert calls == ["fsync", "replace", "fsync"]
    assert (tmp_path / "out.json").read_text() == "{}\n"


# --- a folder as -o -------------------------------------------------------------


def test_output_folder_gets_one_file_per_input(tmp_path):
    folder = tmp_path / "out"
    missing = tmp_path / "missing.txt"
    result = _extract(str(SAMPLE), str(OTHER), str(missing), "-f", "csv", "-o", f"{folder}/")
    assert result.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "thong-bao-ket-luan-mau.csv", "tin-bao-mau-chi-thi.csv",
    ]
    assert "missing.txt" in result.stderr


def test_output_existing_folder_defaults_to_json_per_input(tmp_path):
    result = _extract(str(SAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    validate(json.loads((tmp_path / "thong-bao-ket-luan-mau.json").read_text("utf-8")))


@pytest.mark.parametrize(
    ("names", "fragment"),
    [
        (["a/plan.txt", "b/plan.txt"], "would be written for two inputs"),
        (["plan.txt", "plan.md"], "would be written for two inputs"),
    ],
)
def test_output_folder_refuses_two_inputs_with_one_name(tmp_path, names, fragment):
    paths = []
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(SAMPLE.read_bytes())
        paths.append(str(path))
    result = _extract(*paths, "-o", f"{tmp_path / 'out'}/")
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_folder_refuses_an_existing_file_in_it(tmp_path):
    _existing(tmp_path, "thong-bao-ket-luan-mau.json")
    result = _extract(str(SAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "exists; add --force" in result.stderr


@pytest.mark.parametrize("name", ["json", "jsonl"])
def test_output_a_reader_that_stops_early_is_no_error(name):
    """``vntasks extract … | head``: exit 141 (SIGPIPE) without a word."""
    import subprocess
    import sys

    from checks import ROOT

    inputs = [str(path) for path in sorted(CORPUS.glob("*.txt"))] * 3
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "extract",
               *inputs, "--with-text", "-f", name, "--workers", "1"]
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert running.stdout.read(10)
    running.stdout.close()
    stderr = running.stderr.read()
    running.stderr.close()
    assert running.wait(timeout=120) == 141
    assert stderr == b""


def test_output_resume_without_an_extension_still_means_json_lines(tmp_path):
    target = tmp_path / "out"
    result = _extract(str(SAMPLE), "-o", str(target), "--resume")
    assert result.exit_code == 0, result.output
    [line] = target.read_text("utf-8").splitlines()
    validate(json.loads(line))
