"""The task register over the whole shared corpus (issue 13): every file of
``../shared/real-directives/`` and ``../shared/corpus-wild/`` added in one
``vntasks register add`` command, as a user runs it, then the queries.

Prints: the time of the add (start-up and models included) and the size of
the SQLite file; documents, versions, current tasks, news reports and the
report tasks merged into their directive, links by relation and how many
resolve to a document in the register; the time of each query and the
number of rows it gives; the time of re-adding everything (all no-ops but
the extraction). Then the figures behind the register's two thresholds
(``UPDATE_THRESHOLD``, ``MERGE_THRESHOLD``): over every document, the
highest description F1 between two distinct tasks of one document (a pair
above a threshold would be wrongly taken for one task).

Only figures are printed, never a text: the corpus holds the sealed test
documents.

Usage: ``.venv/bin/python benchmarks/bench_register.py [--workers N] [--db PATH]
[--today YYYY-MM-DD] [--skip-readd]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOLDERS = [SHARED / "real-directives", SHARED / "corpus-wild"]
VNTASKS = ROOT / ".venv" / "bin" / "vntasks"


def _run(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run([str(VNTASKS), *args], capture_output=True, text=True)
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--today", default="2026-03-31")
    parser.add_argument("--skip-readd", action="store_true")
    options = parser.parse_args()
    missing = [str(folder) for folder in FOLDERS if not folder.is_dir()]
    if missing:
        print(f"skipped: {', '.join(missing)} absent")
        return 0
    db = options.db or Path(tempfile.mkdtemp(prefix="vntasks-register-")) / "vntasks.db"
    seconds, added = _run("register", "add", *map(str, FOLDERS), "--db", str(db),
                          "--workers", str(options.workers), "--progress")
    print(f"add: {seconds:.1f} s, exit {added.returncode}, "
          f"{db.stat().st_size / 1e6:.1f} MB ({db})")
    print("  " + added.stdout.strip().splitlines()[-1])

    from pipeline.evaluate import description_key, multiset_f1
    from pipeline.register import Register

    today = date.fromisoformat(options.today)
    with Register(db) as register:
        documents = register.documents()
        tasks = register.tasks(today=today, include_removed=True)
        print(f"documents: {len(documents)}, news reports: "
              f"{sum(d['reported'] for d in documents)}, current tasks: "
              f"{sum(t['state'] == 'current' for t in tasks)}")
        merged = sum(len(t["sources"]) - 1 for t in tasks)
        print(f"report tasks merged into a directive's task: {merged}")
        relations: Counter[str] = Counter()
        resolved: Counter[str] = Counter()
        for document in documents:
            for link in register.document(document["key"], today=today)["links"]:
                relations[link["relation"]] += 1
                resolved[link["relation"]] += bool(link["documents"])
        print("links: " + ", ".join(
            f"{name} {count} ({resolved[name]} in the register)"
            for name, count in relations.most_common()))
        queries = {
            "tasks": ("register", "tasks", "-f", "json"),
            "tasks --body 'Sở Tài chính'": ("register", "tasks", "--body", "Sở Tài chính",
                                            "-f", "json"),
            f"tasks --due-before {options.today}": ("register", "tasks", "--due-before",
                                                     options.today, "-f", "json"),
            "tasks --overdue": ("register", "tasks", "--overdue", "--today", options.today,
                                "-f", "json"),
            "bodies": ("register", "bodies", "--today", options.today, "--json"),
            "documents": ("register", "documents", "--json"),
        }
        for name, args in queries.items():
            seconds, done = _run(*args, "--db", str(db))
            rows = len(json.loads(done.stdout)) if done.returncode == 0 else "error"
            print(f"query {name}: {rows} rows, {seconds:.2f} s")
        for suffix in ("csv", "xlsx"):
            out = db.with_suffix(f".{suffix}")
            seconds, done = _run("register", "tasks", "-f", suffix, "-o", str(out), "--force",
                                 "--db", str(db))
            print(f"query tasks -f {suffix}: exit {done.returncode}, {seconds:.2f} s")
        closest = []
        by_document: dict[str, list] = {}
        for task in tasks:
            by_document.setdefault(task["document"], []).append(
                description_key(task["description"]))
        for keys in by_document.values():
            scores = [multiset_f1(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]
                      if a != b]
            if scores:
                closest.append(max(scores))
        closest.sort()
        above = {t: sum(s >= t for s in closest) for t in (0.6, 0.7, 0.8, 0.9)}
        print(f"closest distinct tasks of one document, over {len(closest)} documents: "
              f"median {closest[len(closest) // 2]:.2f}, max {closest[-1]:.2f}; documents "
              "with a pair at or above " + ", ".join(f"{t}: {n}" for t, n in above.items()))
    if not options.skip_readd:
        seconds, again = _run("register", "add", *map(str, FOLDERS), "--db", str(db),
                              "--workers", str(options.workers))
        print(f"re-add (no-op): {seconds:.1f} s; {again.stdout.strip().splitlines()[-1]}")
    return 0 if added.returncode in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
