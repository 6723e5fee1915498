"""Tests of ``pipeline.quiet``: the ``vntasks`` program leaves other
libraries' log lines and warnings off standard error, in its own process,
in forked workers and on Dask workers, so an error is one line.

The inputs are the two that used to print library lines (issue 14): a PDF
cut after its header (pypdf: ``EOF marker not found``) and an HTML page of
blanks (trafilatura: ``lxml parsing failed …``, ``empty HTML tree``,
``discarding data``), after a good document so that the language models,
whose import configures logging, are loaded first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checks import ROOT, run_vntasks

SAMPLE = ROOT / "corpus" / "thong-bao-ket-luan-mau.txt"


@pytest.fixture()
def noisy(tmp_path: Path) -> list[str]:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (tmp_path / "blank.html").write_text("   ", encoding="utf-8")
    (tmp_path / "good.txt").write_bytes(SAMPLE.read_bytes())
    return ["good.txt", "broken.pdf", "blank.html"]


@pytest.mark.parametrize(
    "engine",
    [["--workers", "1"], ["--workers", "2"], ["--engine", "dask", "--workers", "1"]],
    ids=["one-process", "process-pool", "dask"],
)
def test_quiet_library_lines_never_reach_stderr(tmp_path, noisy, engine):
    if "dask" in engine:
        pytest.importorskip("distributed")
    done = run_vntasks("extract", *noisy, "-o", "out.jsonl", *engine, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: broken.pdf: the PDF is corrupt or truncated (Stream has ended unexpectedly)",
        "error: blank.html: the HTML page has no main text",
        "1 of 3 documents extracted; failed: broken.pdf, blank.html",
    ]


def test_quiet_silence_drops_warnings_and_every_log_record():
    """What the program does first: after it, neither a warning nor a log
    record of any library (even one routed to stderr by basicConfig, as
    underthesea does) is printed."""
    import subprocess
    import sys

    code = (
        "import logging, warnings\n"
        "from pipeline.quiet import silence_libraries, is_silenced\n"
        "assert not is_silenced()\n"
        "silence_libraries()\n"
        "assert is_silenced()\n"
        "logging.basicConfig()\n"
        "logging.getLogger('pypdf').warning('EOF marker not found')\n"
        "logging.getLogger('trafilatura').error('empty HTML tree')\n"
        "warnings.warn('a library warning', UserWarning)\n"
    )
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
