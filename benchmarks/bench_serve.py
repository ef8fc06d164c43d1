"""Benchmark: `kjgraph serve` against Oxigraph's own server (`oxigraph serve-read-only`).

Both serve the same store on 127.0.0.1; a second process (this script's client mode, run
as a subprocess) drives each with the same SELECT queries of the query library, and with
a trivial ``ASK {}``, from N concurrent clients over keep-alive connections. Then a
bounded soak (default 50 clients for 60 s) against `kjgraph serve` counts errors and
samples the resident memory of the server and its workers.

    python benchmarks/bench_serve.py [--store DIR] [--seconds 10] [--clients 4]
        [--soak-clients 50] [--soak-seconds 60]

Target (issue 6): at 4 clients kjgraph reaches >= 70 % of Oxigraph's requests/s on the
library queries, with zero errors; the soak ends with zero errors and memory growth
below the printed bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

MEMORY_BOUND_MB = 200  # allowed growth of the server's total RSS during the soak


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path + "?" + urlencode({"query": "ASK {}"}))
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def drive(port: int, path: str, queries: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Client mode: ``clients`` threads, each with one keep-alive connection, for ``seconds``."""
    counts = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = i
        while time.monotonic() < stop:
            body = queries[n % len(queries)].encode()
            n += 1
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"rps": sum(counts) / elapsed, "ok": sum(counts), "errors": sum(errors)}


def run_client(port: int, path: str, queries: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Run :func:`drive` in a second process, as the issue asks."""
    spec = json.dumps({"port": port, "path": path, "queries": queries, "clients": clients, "seconds": seconds})
    out = subprocess.run([sys.executable, __file__, "--client", spec], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def library_queries() -> list[str]:
    """The library's queries that run without parameters, with kjgraph's prefixes declared
    (Oxigraph's server does not predeclare them)."""
    from kjgraph.library import library
    from kjgraph.query import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    return [prologue + q.bound_text({}) for q in library().values()
            if all(not p.required for p in q.parameters)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="a built kjgraph store (default: build the shipped data)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--soak-clients", type=int, default=50)
    parser.add_argument("--soak-seconds", type=float, default=60)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        spec = json.loads(args.client)
        print(json.dumps(drive(**spec)))
        return

    from kjgraph.build import build
    from kjgraph.store import StoreLocation

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        if args.store:
            location = StoreLocation(args.store)
        else:
            location = StoreLocation(tmp / "store")
            build(location, progress=False)
        oxi_copy = tmp / "oxigraph"
        shutil.copytree(location.oxigraph_path(), oxi_copy)
        kj_port, ox_port = free_port(), free_port()
        kj = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", str(location.root),
                               "--port", str(kj_port), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL)
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        ox = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(oxi_copy),
                               "--bind", f"127.0.0.1:{ox_port}"], stderr=subprocess.DEVNULL)
        try:
            wait_ready(kj_port, "/sparql")
            wait_ready(ox_port, "/query")
            queries = library_queries()
            rows = []
            for name, qs in (("query library", queries), ("ASK {}", ["ASK {}"])):
                run_client(kj_port, "/sparql", qs, args.clients, 2)  # warm-up
                run_client(ox_port, "/query", qs, args.clients, 2)
                k = run_client(kj_port, "/sparql", qs, args.clients, args.seconds)
                o = run_client(ox_port, "/query", qs, args.clients, args.seconds)
                rows.append((name, k, o))
            print(f"\n{args.clients} concurrent clients, {args.seconds:g} s each, {len(queries)} library "
                  f"queries, kjgraph with {args.workers} workers, {os.cpu_count()} CPUs")
            print(f"{'queries':<15}{'kjgraph req/s':>15}{'oxigraph req/s':>16}{'ratio':>8}{'errors k/o':>12}")
            for name, k, o in rows:
                print(f"{name:<15}{k['rps']:>15.1f}{o['rps']:>16.1f}{k['rps'] / o['rps']:>8.0%}"
                      f"{k['errors']:>7.0f}/{o['errors']:.0f}")
            if args.soak_seconds > 0:
                before = rss_mb(kj.pid)
                samples = [before]
                result: dict[str, float] = {}
                soak = threading.Thread(target=lambda: result.update(run_client(
                    kj_port, "/sparql", queries, args.soak_clients, args.soak_seconds)))
                soak.start()
                while soak.is_alive():
                    time.sleep(1)
                    samples.append(rss_mb(kj.pid))
                soak.join()
                after = rss_mb(kj.pid)
                print(f"\nsoak: {args.soak_clients} clients for {args.soak_seconds:g} s: "
                      f"{result['ok']:.0f} answers, {result['errors']:.0f} errors, "
                      f"{result['rps']:.1f} req/s; server RSS {before:.0f} MB before, "
                      f"max {max(samples):.0f} MB, {after:.0f} MB after "
                      f"(growth {after - before:+.0f} MB; bound {MEMORY_BOUND_MB} MB: "
                      f"{'ok' if after - before <= MEMORY_BOUND_MB and not result['errors'] else 'FAILED'})")
        finally:
            for p in (kj, ox):
                p.terminate()
                p.wait(timeout=10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
