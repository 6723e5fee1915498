"""Requests per second and latency of ``vntasks serve`` on a ~20 KB directive.

Starts the real server (``vntasks serve --workers W``) on a free port of
127.0.0.1, sends a few requests to warm it, then ``--requests`` requests of
``POST /extract`` with the JSON text of one shared *dev* directive
(``11_kl-127-kl-tw-sap-xep-to-chuc-bo-may``, 19.6 KB, a Kết luận; never a
document of the test parts), from 1 client and from ``--clients`` clients
at once. Reports requests/s and p50/p95 latency of each; every answer must
be 200 with the same record. For scale, the same extraction in this process
(no HTTP, models warm): what the server adds is the ratio of the two.

Usage: ``.venv/bin/python benchmarks/bench_server.py [--requests 60] [--clients 8] [--workers 1]``
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from pipeline.gold import read_split, shared_dir

ROOT = Path(__file__).resolve().parent.parent
STEM = "11_kl-127-kl-tw-sap-xep-to-chuc-bo-may"
DOCUMENT = shared_dir(required=False) / "real-directives" / f"{STEM}.txt"
WARM_UP = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "serve",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start in 300 s")


def run(url: str, text: str, requests: int, clients: int) -> tuple[float, list[float], set[str]]:
    """Seconds for ``requests`` requests from ``clients`` clients, each
    request's latency, and the distinct records' task ids seen."""

    def client(count: int) -> list[tuple[float, str]]:
        seen = []
        with httpx.Client(base_url=url, timeout=600) as http:
            for _ in range(count):
                started = time.perf_counter()
                answer = http.post("/extract", json={"text": text})
                latency = time.perf_counter() - started
                if answer.status_code != 200:
                    raise SystemExit(f"answer {answer.status_code}: {answer.text[:200]}")
                ids = ",".join(task["id"] for task in answer.json()["tasks"])
                seen.append((latency, ids))
        return seen

    shares = [requests // clients + (n < requests % clients) for n in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = [answer for share in pool.map(client, shares) for answer in share]
    elapsed = time.perf_counter() - started
    return elapsed, [latency for latency, _ in answers], {ids for _, ids in answers}


def in_process(text: str, rounds: int) -> float:
    """The median seconds of ``extract`` on ``text`` in this process, warm."""
    from pipeline.export import to_dict
    from pipeline.extraction import extract

    to_dict(extract(text))
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        to_dict(extract(text))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not DOCUMENT.is_file():
        print(f"skipped: the shared document {DOCUMENT} is absent")
        return
    assert read_split()[STEM] == "dev", "the benchmark must use a dev document"
    text = DOCUMENT.read_text(encoding="utf-8")
    rounds = max(5, args.requests // 6)
    before = in_process(text, rounds)
    process, url = start(args.workers)
    try:
        run(url, text, WARM_UP, 1)
        print(f"document: {STEM} ({len(text.encode('utf-8'))} bytes, {len(text)} characters); "
              f"vntasks serve --workers {args.workers}; {os.cpu_count()} cores")
        measured = [(clients, run(url, text, args.requests, clients))
                    for clients in sorted({1, args.clients})]
    finally:
        process.terminate()
        process.wait(timeout=60)
    # Before and after the server's runs, so that a change in the machine's
    # load while they ran shows.
    after = in_process(text, rounds)
    bare = (before + after) / 2
    print(f"in this process, no HTTP: {1 / bare:.2f} documents/s, "
          f"{before * 1000:.0f} ms each before the server ran, {after * 1000:.0f} ms after")
    for clients, (elapsed, latencies, records) in measured:
        print(f"{clients} client(s), {args.requests} requests: "
              f"{args.requests / elapsed:.2f} requests/s "
              f"({args.requests / elapsed * bare:.2f} of in-process), "
              f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
              f"identical records: {len(records) == 1}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"bench: {' '.join([Path(sys.executable).name, *sys.argv])}")


if __name__ == "__main__":
    main()
