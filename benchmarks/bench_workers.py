"""Throughput of ``vntasks extract --workers 2`` over ``--workers 1``.

Both runs are whole ``vntasks extract DIR -o out.jsonl`` processes on the
same folder (start-up and model loading included, as a user sees it): the
shared corpus ``../shared/real-directives/*.txt`` linked over and over into
a temporary folder until it holds ``--documents`` files. Each round runs
both; the median ratio of the rounds is reported. Target >= 1.8 on a
machine with at least two idle cores.

Usage: ``.venv/bin/python benchmarks/bench_workers.py [--documents 222] [--rounds 3] [--max-kb 40]``
(``--max-kb`` keeps only corpus files up to that size, so a round is short).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "real-directives"
VNTASKS = Path(sys.executable).parent / "vntasks"


def repeated_corpus(folder: Path, documents: int, max_kb: int) -> None:
    files = [f for f in sorted(SHARED.glob("*.txt")) if f.stat().st_size <= max_kb * 1024]
    for number in range(documents):
        source = files[number % len(files)]
        (folder / f"{number:05d}-{source.name}").symlink_to(source)


def timed_run(folder: Path, out: Path, workers: int) -> float:
    # --force: every round writes over the last round's output.
    command = [str(VNTASKS), "extract", str(folder), "-o", str(out), "--workers", str(workers),
               "--force"]
    started = time.perf_counter()
    subprocess.run(command, check=False, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=222)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-kb", type=int, default=40)
    args = parser.parse_args()
    if not any(SHARED.glob("*.txt")):
        print(f"skipped: the shared corpus {SHARED} is absent")
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "docs"
        folder.mkdir()
        repeated_corpus(folder, args.documents, args.max_kb)
        one, two = Path(temporary) / "one.jsonl", Path(temporary) / "two.jsonl"
        ratios = []
        for number in range(args.rounds):
            single = timed_run(folder, one, 1)
            double = timed_run(folder, two, 2)
            ratios.append(single / double)
            print(f"round {number + 1}: --workers 1 {args.documents / single:.2f} documents/s, "
                  f"--workers 2 {args.documents / double:.2f} documents/s, "
                  f"ratio {single / double:.2f}", flush=True)
        same = one.read_bytes() == two.read_bytes()
    ratio = statistics.median(ratios)
    print(f"\ncommand: {VNTASKS} extract DIR -o out.jsonl --workers 1|2 "
          f"({args.documents} documents, {os.cpu_count()} cores); "
          f"bench: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"outputs byte-identical: {same}")
    verdict = "met" if ratio >= 1.8 else "missed"
    print(f"--workers 2 / --workers 1 throughput: {ratio:.2f} "
          f"(median of {args.rounds}; target >= 1.8: {verdict})")


if __name__ == "__main__":
    main()
