"""Peak memory (RSS) of a batch: it must not grow with the number of documents.

Runs ``vntasks extract DIR -o out.jsonl --workers 2`` on folders of 100 and
2,000 documents (the repository's three corpus samples, or with
``--shared`` the shared corpus, linked over and over). For each run it
reports the largest single process (``getrusage(RUSAGE_CHILDREN)``, taken in
a fresh intermediate process so the runs do not mix) and, when psutil is
installed, the peak of the parent and its workers summed, sampled every
0.1 s.

Usage: ``.venv/bin/python benchmarks/bench_memory.py [--counts 100 2000] [--shared]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "real-directives"
VNTASKS = Path(sys.executable).parent / "vntasks"

# Run in a fresh interpreter per count: RUSAGE_CHILDREN keeps the largest
# child ever waited for, so one process measuring two runs would mix them.
MEASURE = """
import json, resource, subprocess, sys, time
try:
    import psutil
except ImportError:
    psutil = None
process = subprocess.Popen(sys.argv[1:], stderr=subprocess.DEVNULL)
peak_sum = 0
if psutil is not None:
    parent = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            members = [parent, *parent.children(recursive=True)]
            peak_sum = max(peak_sum, sum(p.memory_info().rss for p in members))
        except psutil.Error:
            pass
        time.sleep(0.1)
process.wait()
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"largest": largest, "sum": peak_sum or None}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 2000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shared", action="store_true")
    args = parser.parse_args()
    sources = sorted(SHARED.glob("*.txt")) if args.shared else sorted(
        (ROOT / "corpus").glob("*.txt"))
    if not sources:
        print("skipped: no documents to repeat")
        return
    print(f"command: {VNTASKS} extract DIR -o out.jsonl --workers {args.workers}; "
          f"bench: {' '.join([Path(sys.executable).name, *sys.argv])}")
    for count in args.counts:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary) / "docs"
            folder.mkdir()
            for number in range(count):
                source = sources[number % len(sources)]
                (folder / f"{number:05d}-{source.name}").symlink_to(source)
            command = [str(VNTASKS), "extract", str(folder), "-o",
                       str(Path(temporary) / "out.jsonl"), "--workers", str(args.workers)]
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", MEASURE, *command],
                                  capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            peak = json.loads(done.stdout)
            summed = f"{peak['sum'] / 2**20:.0f} MiB" if peak["sum"] else "n/a (no psutil)"
            print(f"{count:>6} documents: largest process {peak['largest'] / 2**20:.0f} MiB, "
                  f"parent + workers {summed}, {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main()
