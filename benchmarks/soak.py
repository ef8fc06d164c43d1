"""Soak: `kjgraph serve` under load while workers are killed and the store is rebuilt.

N clients (threads, each on its own keep-alive connection and its own loopback source
address 127.0.0.2, 127.0.0.3, …, so the server sees N distinct clients) send the query
library's parameter-free queries and ``ASK {}`` for T seconds. Every ``--kill-every``
seconds a random worker process gets SIGKILL, and at ``--rebuild-at`` seconds
`kjgraph build` rebuilds the same store (the server switches to the new build).

It prints answers, errors split into requests lost with a killed worker (503 naming the
worker process; at most one per kill) and all others (which must be 0), p50/p99 latency,
and the resident memory of the server and its workers before and after.

    python benchmarks/soak.py                      # 50 clients × 60 s on the shipped data
    python benchmarks/soak.py --clients 8 --seconds 15 --store DIR --data tests/data/minimal

Without ``--store`` the shipped data is built into a temporary store first. Exit status 1
if any error other than a killed request occurred.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def worker_pids(pid: int) -> list[int]:
    pids = []
    for child in children(pid):
        try:
            if b"worker_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                pids.append(child)
        except OSError:
            pass
    return pids


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def library_queries() -> list[str]:
    """The library's queries that run without parameters, with kjgraph's prefixes declared."""
    from kjgraph.library import library
    from kjgraph.query import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return [prologue + q.bound_text({}) for q in library().values()
            if all(not p.required for p in q.parameters)] + ["ASK {}"]


def soak(store: Path, *, clients: int = 50, seconds: float = 60, kill_every: float = 10,
         rebuild_at: float | None = None, data: Path | None = None, workers: int = 2,
         time_limit: float = 10, log: Path | None = None) -> dict[str, Any]:
    """Run the soak against a new `kjgraph serve` on ``store``; return the figures."""
    port = free_port()
    log = log or Path(tempfile.mkstemp(prefix="kjgraph-soak-", suffix=".log")[1])
    server = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", str(store),
                               "--port", str(port), "--workers", str(workers), "--time-limit", str(time_limit),
                               "--max-waiting", str(max(64, 2 * clients))],
                              stdout=log.open("ab"), stderr=subprocess.STDOUT)
    queries = library_queries()
    try:
        _wait_ready(port, server)
        for query in queries:  # warm up, and check every query answers before the clock starts
            status, body = _post(http.client.HTTPConnection("127.0.0.1", port, timeout=60), query)
            if status != 200:
                raise SystemExit(f"warm-up query failed with {status}: {body[:300]}\n{query}")
        rss_before = rss_mb(server.pid)
        stop = time.monotonic() + seconds
        latencies: list[list[float]] = [[] for _ in range(clients)]
        killed = [0] * clients
        other: list[list[str]] = [[] for _ in range(clients)]

        def client(i: int) -> None:
            source = (f"127.0.{2 + i // 250}.{2 + i % 250}", 0)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=source)
            n = i
            while time.monotonic() < stop:
                query = queries[n % len(queries)]
                n += 1
                started = time.monotonic()
                try:
                    status, body = _post(conn, query)
                except OSError as exc:
                    other[i].append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=source)
                    continue
                if status == 200:
                    latencies[i].append(time.monotonic() - started)
                elif status == 503 and "worker process" in body:
                    killed[i] += 1
                else:
                    other[i].append(f"{status}: {body[:200]}")
            conn.close()

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        kills = 0
        rebuilds = 0
        build_thread = None
        build_result: list[subprocess.CompletedProcess[str]] = []
        build_done: list[float] = []
        next_kill = began + kill_every
        while time.monotonic() < stop:
            time.sleep(0.1)
            now = time.monotonic()
            if rebuild_at is not None and build_thread is None and now - began >= rebuild_at:
                command = [sys.executable, "-m", "kjgraph", "build", "--store", str(store), "-q"]
                if data is not None:
                    command += ["--data", str(data)]
                def rebuild(command: list[str] = command) -> None:
                    build_result.append(subprocess.run(command, capture_output=True, text=True))
                    build_done.append(time.monotonic() - began)

                build_thread = threading.Thread(target=rebuild, daemon=True)
                build_thread.start()
            if now >= next_kill:
                next_kill += kill_every
                pids = worker_pids(server.pid)
                if pids:
                    try:
                        os.kill(random.choice(pids), signal.SIGKILL)
                        kills += 1
                    except ProcessLookupError:
                        pass
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        if build_thread is not None:
            build_thread.join()
            if build_result and build_result[0].returncode == 0:
                rebuilds = 1
            else:
                print("the rebuild failed:", build_result[0].stderr if build_result else "?", file=sys.stderr)
        time.sleep(1.5)  # let the last replacement start before measuring
        rss_after = rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    times = sorted(t for ts in latencies for t in ts)
    errors = [e for es in other for e in es]
    text = log.read_text(errors="replace")
    return {
        "clients": clients, "seconds": round(elapsed, 1), "answers": len(times),
        "answers_per_s": round(len(times) / elapsed, 1),
        "errors_killed": sum(killed), "errors_other": len(errors), "other_examples": errors[:5],
        "kills": kills, "rebuilds": rebuilds, "switched": text.count("switched from"),
        "rebuild_s": [rebuild_at, round(build_done[0], 1) if build_done else None],
        "p50_ms": round(1000 * statistics.median(times), 1) if times else None,
        "p99_ms": round(1000 * times[int(0.99 * (len(times) - 1))], 1) if times else None,
        "rss_before_mb": round(rss_before, 1), "rss_after_mb": round(rss_after, 1),
        "log": str(log),
    }


def _post(conn: http.client.HTTPConnection, query: str) -> tuple[int, str]:
    conn.request("POST", "/sparql", body=urlencode({"query": query}).encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    return response.status, response.read().decode(errors="replace")


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kjgraph serve exited with {server.returncode}")
        try:
            if _post(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "ASK {}")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("kjgraph serve did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build the shipped data)")
    parser.add_argument("--data", type=Path, help="data directory for the builds (default: shipped)")
    parser.add_argument("--rebuild-data", type=Path,
                        help="data directory for the rebuild (default: --data); a small one makes the "
                             "rebuild end, and the server switch, under load on a slow machine")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-every", type=float, default=10)
    parser.add_argument("--rebuild-at", type=float, default=None,
                        help="seconds after the start (default: a sixth of the way, so that the "
                             "build ends and the server switches under load)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kjgraph-soak-") as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            command = [sys.executable, "-m", "kjgraph", "build", "--store", str(store), "-q"]
            subprocess.run(command + (["--data", str(args.data)] if args.data else []), check=True)
        rebuild_at = args.seconds / 6 if args.rebuild_at is None else args.rebuild_at
        report = soak(store, clients=args.clients, seconds=args.seconds, kill_every=args.kill_every,
                      rebuild_at=rebuild_at, data=args.rebuild_data or args.data, workers=args.workers,
                      time_limit=args.time_limit)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{report['clients']} clients × {report['seconds']} s: {report['answers']} answers "
          f"({report['answers_per_s']}/s), p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms; "
          f"{report['kills']} workers killed → {report['errors_killed']} requests lost with them; "
          f"{report['errors_other']} other errors; {report['rebuilds']} rebuild (from {report['rebuild_s'][0]} "
          f"to {report['rebuild_s'][1]} s), {report['switched']} switch; "
          f"memory {report['rss_before_mb']} → {report['rss_after_mb']} MB")
    sys.exit(1 if report["errors_other"] else 0)


if __name__ == "__main__":
    main()
