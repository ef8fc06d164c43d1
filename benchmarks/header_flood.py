"""Header floods against `kjgraph serve`: memory of the web process while N connections each
send M bytes of headers that never end, and what each connection is answered.

    .venv/bin/python benchmarks/header_flood.py --store STORE [--connections 20] [--megabytes 16]

Starts `kjgraph serve` on a free 127.0.0.1 port, measures the web process's resident memory
(VmRSS; the workers are separate processes) before, during and after the flood, and prints
one line of figures. Each connection writes its bytes as fast as the server reads them and
stops at the first answer or when the server closes it; the run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flood(port: int, size: int, deadline: float, answers: list[str]) -> None:
    """Send a request line and `size` bytes of one unending header; record the answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ")
            chunk = b"a" * 65536
            sent = 0
            s.settimeout(0.5)
            while sent < size and time.monotonic() < deadline:
                try:
                    s.sendall(chunk)
                    sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
                    break
            s.settimeout(5)
            try:
                answer = s.recv(200).split(b"\r\n", 1)[0].decode("latin-1") or "closed"
            except (TimeoutError, OSError):
                answer = "no answer"
            answers.append(f"{answer} after {sent // 1024} KiB")
    except OSError as exc:
        answers.append(f"connect failed: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--megabytes", type=float, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", args.store, "--port", str(port),
                               "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                if requests.get(base + "sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        for _ in range(20):  # warm up: the answer paths are loaded before the first measure
            requests.get(base, timeout=10)
        before = rss_kib(server.pid)
        answers: list[str] = []
        peak = before
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=flood, args=(port, int(args.megabytes * 2**20), deadline, answers))
                   for _ in range(args.connections)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss_kib(server.pid))
            time.sleep(0.05)
        after = rss_kib(server.pid)
        ok = requests.get(base + "sparql", params={"query": "ASK {}"}, timeout=10).status_code
        kinds: dict[str, int] = {}
        for a in answers:
            kinds[a.split(" after ")[0]] = kinds.get(a.split(" after ")[0], 0) + 1
        print(f"{args.connections} connections x {args.megabytes:g} MB of unfinished headers: web process "
              f"RSS {before / 1024:.0f} MB before, peak {peak / 1024:.0f} MB, {after / 1024:.0f} MB after; "
              f"answers {kinds}; a query afterwards: {ok}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
