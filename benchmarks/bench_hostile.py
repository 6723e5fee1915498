"""Seconds per MB and peak memory of ``extract`` on pathological shapes.

Issue 17 found inputs on which extraction grew faster than the text: one
line of ``1.1.1.…``, 100k ``;``, ``Sở Nội vụ rà soát; `` repeated, label
lines, date lines, a multi-MB single line, and ordinary directive text at
a few MB. Each shape is built at each size (UTF-8 bytes) and extracted in a
fresh interpreter, so peak RSS (``ru_maxrss``) is that run's alone; the
models' own footprint is printed once as ``baseline``. A run over
``--timeout`` seconds is stopped and shown as ``>T``.

Seconds are wall-clock; CPU seconds in brackets are this process's own,
less disturbed by other work on a shared machine. Targets (issue 17):
seconds per MB flat as the size grows (linear), at most 10 s per MB, at
most 2 GB. Figures vary with the machine and its load; they
are printed, never asserted.

Usage: ``.venv/bin/python benchmarks/bench_hostile.py [--sizes 0.1 1 5]
[--shapes ordinary dots …] [--timeout 600]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A dev document (annotations/split.tsv): its text is repeated for the
# ordinary shape and flattened for the single-line shape.
ORDINARY = (ROOT.parent / "shared" / "real-directives"
            / "19_kh-308-kh-ubnd-ha-noi-nq214-du-lieu-chuyen-doi-so.txt")
# When the shared corpus is absent: an invented directive paragraph.
INVENTED = (
    "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ và các sở, ngành rà soát, "
    "báo cáo Ủy ban nhân dân tỉnh trước ngày 30/6/2025.\n"
    "2. Sở Y tế tham mưu xây dựng kế hoạch, hoàn thành trong quý IV năm 2025.\n"
)


def _ordinary() -> str:
    return ORDINARY.read_text(encoding="utf-8") if ORDINARY.exists() else INVENTED


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8."""
    count = max(1, size // len(unit.encode("utf-8")))
    return unit * count


SHAPES: dict[str, Callable[[int], str]] = {
    "ordinary": lambda size: _repeat(_ordinary(), size),
    "single_line": lambda size: _repeat(" ".join(_ordinary().split()) + " ", size),
    "dots": lambda size: "1" + _repeat(".1", size),
    "semicolons": lambda size: _repeat(";", size),
    "clauses": lambda size: _repeat("Sở Nội vụ rà soát; ", size),
    "labels": lambda size: _repeat("Đơn vị chủ trì: Sở Nội vụ\n", size),
    "dates": lambda size: _repeat("Thời hạn: trước ngày 30/6/2025\n", size),
}

# Run in a fresh interpreter: read the text from stdin, load the models,
# extract, and print the time and peak memory as JSON.
CHILD = """
import json, resource, sys, time
from datetime import date
from pipeline import extract
from pipeline.parallel import load_models
from pipeline.read import read_text
text = sys.stdin.read()
load_models()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
started, cpu = time.perf_counter(), time.process_time()
result = extract(read_text(text), issued=date(2025, 1, 1))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak, "baseline": baseline,
                  "tasks": len(result.tasks)}))
"""


def measure(text: str, timeout: float) -> dict[str, float] | None:
    """One extraction in a child process; None when it ran over ``timeout``."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD], input=text, capture_output=True, text=True,
            timeout=timeout, cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return {"failed": tail[0]}  # type: ignore[dict-item]
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 5],
                        help="sizes in MB of UTF-8 text")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if not ORDINARY.exists():
        print(f"note: {ORDINARY} absent; ordinary shapes repeat an invented paragraph")
    print("| shape | " + " | ".join(f"{size:g} MB: s/MB (CPU s/MB), peak MiB"
                                  for size in args.sizes)
          + " |")
    print("|---|" + "---|" * len(args.sizes))
    baseline = 0.0
    for shape in args.shapes:
        cells = []
        for size in args.sizes:
            text = SHAPES[shape](int(size * 1_000_000))
            megabytes = len(text.encode("utf-8")) / 1_000_000
            started = time.perf_counter()
            figures = measure(text, args.timeout)
            if figures is None:
                cells.append(f">{args.timeout:.0f} s (stopped)")
            elif "failed" in figures:
                cells.append(f"failed after {time.perf_counter() - started:.0f} s: "
                             f"{figures['failed'][:60]}")
            else:
                baseline = max(baseline, figures["baseline"])
                cells.append(f"{figures['seconds'] / megabytes:.1f} "
                             f"({figures['cpu'] / megabytes:.1f}), {figures['peak'] / 2**20:.0f}")
        print(f"| {shape} | " + " | ".join(cells) + " |", flush=True)
    print(f"baseline (models loaded, no text): {baseline / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
