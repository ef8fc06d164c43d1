"""Benchmark: `kjgraph serve` against Oxigraph's own server and a bare Python server, driven by wrk.

Four servers answer the same store on 127.0.0.1:

* ``kjgraph``: ``kjgraph serve`` (its workers, middleware and every protection), as shipped:
  a repeated query is answered from its result cache (``--result-cache``), as wrk repeats it;
* ``uncached``: ``kjgraph serve --result-cache 0``: every request parsed, checked and run by a
  worker (the cost of a query never seen before);
* ``oxigraph``: ``oxigraph serve-read-only`` (Rust; the engine's own limit);
* ``bare``: the Python limit, a minimal ASGI app on uvicorn (httptools, uvloop, as kjgraph)
  calling pyoxigraph in its own process and answering with pyoxigraph's JSON, no checks at all.

wrk (Debian's package: ``apt-get install wrk``; written in C, never the bottleneck as the
former Python client was, which saturated near 13k req/s) sends each query as a direct POST
(``application/sparql-query``, ``Accept: application/sparql-results+json``) over N keep-alive
connections. Each measurement runs the four servers one after the other, and rounds repeat
that order (interleaved), so that the load of the machine touches all alike; the tables give
the median over the rounds. Next to requests/s, the CPU time each server's processes (a
server and its workers) used per request, in microseconds, from /proc: a check that a
faster figure is not bought with more CPU elsewhere. A library query whose one evaluation
by Oxigraph takes longer than ``--slow`` seconds is left out, and said so: its time is the
engine's, and a few requests in a wrk run say nothing of the server.

    python benchmarks/bench_serve.py [--store DIR] [--seconds 5] [--ask-seconds 10]
        [--rounds 3] [--connections 4] [--threads 2] [--workers 2] [--only ask|library] [--slow 1]

Targets (issue 19): ``ASK {}`` at ≥ 25 % of Oxigraph's req/s; every library query ≥ 70 %.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

TICKS = os.sysconf("SC_CLK_TCK")
ASK_TARGET, LIBRARY_TARGET = 0.25, 0.70

BARE_APP = r'''
import sys
from urllib.parse import parse_qs

import pyoxigraph as ox
import uvicorn

store = ox.Store.read_only(sys.argv[2])
JSON = ox.QueryResultsFormat.JSON


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    text = body.decode() if body else parse_qs(scope["query_string"].decode()).get("query", [""])[0]
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        payload = b'{"head":{},"boolean":' + (b"true" if result else b"false") + b"}"
    else:
        payload = result.serialize(format=JSON)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/sparql-results+json")]})
    await send({"type": "http.response.body", "body": payload})


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
            http="httptools", loop="uvloop")
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path + "?" + urlencode({"query": "ASK {}"}))
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found = [pid]
    for p in found:
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its live descendants, in seconds."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICKS


def wrk(port: int, path: str, query: str, *, seconds: float, connections: int, threads: int,
        script_dir: Path) -> dict[str, float]:
    """One wrk run: ``{"rps", "requests", "errors"}`` (errors: non-2xx answers and socket errors)."""
    script = script_dir / f"post-{abs(hash(query))}.lua"
    if not script.exists():
        level = "=" * 8
        script.write_text(f'wrk.method = "POST"\nwrk.body = [{level}[{query}]{level}]\n'
                          'wrk.headers["Content-Type"] = "application/sparql-query"\n'
                          'wrk.headers["Accept"] = "application/sparql-results+json"\n', encoding="utf-8")
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s",
                          "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {"rps": rps, "requests": requests, "errors": errors}


def measure(servers: dict[str, tuple[int, str, int]], query: str, args: argparse.Namespace, seconds: float,
            script_dir: Path) -> dict[str, dict[str, float]]:
    """Median req/s, CPU µs per request and errors of each server over ``args.rounds`` interleaved rounds."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    for _ in range(args.rounds):
        for name, (port, path, pid) in servers.items():
            before = cpu_seconds(pid)
            result = wrk(port, path, query, seconds=seconds, connections=args.connections, threads=args.threads,
                         script_dir=script_dir)
            result["cpu_us"] = (cpu_seconds(pid) - before) / max(1, result["requests"]) * 1e6
            runs[name].append(result)
    return {name: {"rps": statistics.median(r["rps"] for r in rs), "cpu_us": statistics.median(r["cpu_us"] for r in rs),
                   "errors": sum(r["errors"] for r in rs)} for name, rs in runs.items()}


def library_queries() -> list[tuple[str, str]]:
    """``(name, text)`` of every library query, bound with the example parameters of
    bench_queries.py, with kjgraph's prefixes declared (Oxigraph's server predeclares none)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_queries import EXAMPLES

    from kjgraph.library import library
    from kjgraph.query import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    return [(name, prologue + q.bound_text(EXAMPLES.get(name, {}))) for name, q in library().items()]


NAMES = ("kjgraph", "uncached", "oxigraph", "bare")


def row(name: str, result: dict[str, dict[str, float]]) -> tuple[str, float, float]:
    """Print one line; ``(name, kjgraph/oxigraph, uncached/oxigraph)`` in req/s (0: Oxigraph answered nothing)."""
    o = result["oxigraph"]["rps"]
    ratios = [result[n]["rps"] / o if o else 0.0 for n in ("kjgraph", "uncached", "bare")]
    print(f"{name:<22}" + "".join(f"{result[n]['rps']:>9.0f}" for n in NAMES)
          + "".join(f"{r:>9.0%}" for r in ratios) + "".join(f"{result[n]['cpu_us']:>9.0f}" for n in NAMES)
          + "  " + "/".join(f"{result[n]['errors']:.0f}" for n in NAMES), flush=True)
    return name, ratios[0], ratios[1]


def header() -> None:
    print(f"{'':<22}{'req/s':>36}{'ratio to oxigraph':>27}{'CPU µs per request':>36}{'errors':>10}")
    ratios = ("kjgraph", "uncached", "bare")
    print(f"{'query':<22}" + "".join(f"{n:>9}" for n in (*NAMES, *ratios, *NAMES)) + "  k/u/o/b")


def one_evaluation(port: int, path: str, query: str) -> float:
    """Seconds one request of ``query`` takes (a server otherwise idle)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", path, body=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                              "Accept": "application/sparql-results+json"})
    conn.getresponse().read()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="a built kjgraph store (default: build the shipped data)")
    parser.add_argument("--seconds", type=float, default=5, help="per wrk run of a library query")
    parser.add_argument("--ask-seconds", type=float, default=10, help="per wrk run of ASK {}")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (the median is shown)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="kjgraph serve --workers")
    parser.add_argument("--only", choices=["ask", "library"], help="run one part only")
    parser.add_argument("--slow", type=float, default=1.0, help="leave out a library query whose one evaluation "
                        "by Oxigraph takes longer (seconds)")
    parser.add_argument("--kjgraph-args", default="", help="more options of kjgraph serve, e.g. '--result-cache 0' "
                        "(the worker round trip of every request, as for queries never seen before)")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so that the servers started below are stopped (finally)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    from kjgraph.build import build
    from kjgraph.store import StoreLocation

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if args.store:
            location = StoreLocation(args.store)
        else:
            location = StoreLocation(tmp / "store")
            build(location, progress=False)
        copies = {}
        for name in ("oxigraph", "bare"):  # each server its own copy (RocksDB read-only opens)
            copies[name] = tmp / name
            shutil.copytree(location.oxigraph_path(), copies[name])
        ports = {name: free_port() for name in NAMES}
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        commands = {
            "kjgraph": [sys.executable, "-m", "kjgraph", "serve", "--store", str(location.root), "--port",
                        str(ports["kjgraph"]), "--workers", str(args.workers), *args.kjgraph_args.split()],
            "uncached": [sys.executable, "-m", "kjgraph", "serve", "--store", str(location.root), "--port",
                         str(ports["uncached"]), "--workers", str(args.workers), *args.kjgraph_args.split(),
                         "--result-cache", "0"],
            "oxigraph": [oxigraph, "serve-read-only", "--location", str(copies["oxigraph"]), "--bind",
                         f"127.0.0.1:{ports['oxigraph']}"],
            "bare": [sys.executable, "-c", BARE_APP, str(ports["bare"]), str(copies["bare"])],
        }
        paths = {"kjgraph": "/sparql", "uncached": "/sparql", "oxigraph": "/query", "bare": "/"}
        servers = {}
        for name in NAMES:
            command = commands[name]
            processes.append(subprocess.Popen(command, stderr=subprocess.DEVNULL))
            wait_ready(ports[name], paths[name])
            servers[name] = (ports[name], paths[name], processes[-1].pid)
        scripts = tmp / "lua"
        scripts.mkdir()
        print(f"wrk -t{args.threads} -c{args.connections}, {args.rounds} interleaved rounds (median); "
              f"kjgraph serve --workers {args.workers} {args.kjgraph_args}; {os.cpu_count()} CPUs; "
              f"load average {os.getloadavg()[0]:.1f}")
        header()
        if args.only != "library":
            for name in servers:  # warm-up
                wrk(servers[name][0], servers[name][1], "ASK {}", seconds=1, connections=args.connections,
                    threads=args.threads, script_dir=scripts)
            _, ask_ratio, uncached_ratio = row("ASK {}", measure(servers, "ASK {}", args, args.ask_seconds, scripts))
            print(f"ASK {{}}: kjgraph at {ask_ratio:.0%} of Oxigraph (target ≥ {ASK_TARGET:.0%}: "
                  f"{'met' if ask_ratio >= ASK_TARGET else 'MISSED'}); uncached at {uncached_ratio:.0%}", flush=True)
        if args.only != "ask":
            ratios = []
            for name, text in library_queries():
                took = one_evaluation(servers["oxigraph"][0], paths["oxigraph"], text)
                if took > args.slow:
                    print(f"{name:<22}left out: one evaluation by Oxigraph took {took:.1f} s (--slow {args.slow:g})",
                          flush=True)
                    continue
                ratios.append(row(name, measure(servers, text, args, args.seconds, scripts)))
            for label, index in (("kjgraph", 1), ("uncached", 2)):
                low = [(r[0], r[index]) for r in ratios if r[index] < LIBRARY_TARGET]
                print(f"library, {label}: {len(ratios) - len(low)} of {len(ratios)} queries at ≥ {LIBRARY_TARGET:.0%} "
                      f"of Oxigraph; below: {', '.join(f'{n} {r:.0%}' for n, r in low) or 'none'}")
    finally:
        for p in processes:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
