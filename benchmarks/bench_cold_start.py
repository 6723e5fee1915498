"""Cold start: the whole ``vntasks extract`` process on one small document,
and what its imports cost.

Times ``vntasks extract corpus/thong-bao-ket-luan-mau.txt`` (median of
``--runs`` fresh processes; target <= 1.5 s), ``vntasks --help`` and
``vntasks schema`` the same way, then runs the extraction once under
``python -X importtime`` and lists the imported modules with the largest
cumulative time. It also checks that ``--help`` and ``schema`` import
neither spaCy nor underthesea.

Usage: ``.venv/bin/python benchmarks/bench_cold_start.py [--runs 5] [--top 15]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "corpus" / "thong-bao-ket-luan-mau.txt"
VNTASKS = Path(sys.executable).parent / "vntasks"
HEAVY = ("spacy", "underthesea")


def median_seconds(arguments: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(VNTASKS), *arguments], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_times(arguments: list[str]) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) for each import of the command."""
    code = (
        "import sys; sys.argv = ['vntasks', *sys.argv[1:]]; "
        "from pipeline.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *arguments],
        capture_output=True, text=True, check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(own), int(cumulative), name.rstrip()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    extract = ["extract", str(DOCUMENT.relative_to(ROOT))]
    print(f"command: {VNTASKS} {' '.join(extract)}  (cwd {ROOT}, median of {args.runs})")
    seconds = median_seconds([ "extract", str(DOCUMENT)], args.runs)
    verdict = "met" if seconds <= 1.5 else "missed"
    print(f"cold start of extract: {seconds:.2f} s (target <= 1.5 s: {verdict})")
    for arguments in (["--help"], ["schema"]):
        light = median_seconds(arguments, args.runs)
        heavy = sorted({name.strip().split(".")[0] for _, _, name in import_times(arguments)}
                       & set(HEAVY))
        print(f"vntasks {' '.join(arguments)}: {light:.2f} s; imports spaCy/underthesea: "
              f"{', '.join(heavy) or 'neither'}")
    rows = import_times(["extract", str(DOCUMENT)])
    total = sum(own for own, _, _ in rows)
    print(f"\nimports of extract: {total / 1e6:.2f} s in all (python -X importtime); "
          f"top {args.top} by cumulative time:")
    for _, cumulative, name in sorted(rows, key=lambda row: -row[1])[: args.top]:
        print(f"  {cumulative / 1e6:6.2f} s  {name}")


if __name__ == "__main__":
    main()
