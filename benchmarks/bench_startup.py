"""Benchmark: `kjgraph query leaders --format csv` against a plain pyoxigraph script.

Both run as fresh processes on the same built store and print the same rows as CSV; the
baseline opens the store read-only, runs the library's ``leaders.rq`` text with pyoxigraph
and writes pyoxigraph's own CSV. Runs are interleaved (CLI, script, CLI, script, ...) so
that the load of the machine touches both alike; the table gives the median and the spread
(min–max) of the wall-clock time per process in milliseconds, the CLI's overhead over the
script, and the import time of ``kjgraph.cli`` (``python -X importtime``, cumulative). The
same is given in CPU time (user + system of the child process, from ``getrusage``): on a shared
machine the wall clock of both sides stretches with the load, the CPU time much less.

    python benchmarks/bench_startup.py [--store DIR] [--runs 21]

Target (issue 19.4): the CLI's median overhead over the plain script at most 80 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 80.0

PLAIN = r"""
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
result = store.query(text)
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.CSV))
"""


#: The environment of both sides: bytecode caching on, as for an installed package (a shell with
#: PYTHONDONTWRITEBYTECODE=1 would make every run recompile kjgraph's modules from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cpu_s() -> float:
    """Seconds of CPU time (user + system) used so far by this process's waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float]:
    """Milliseconds of wall-clock and of CPU time for one run of ``command`` (which must succeed)."""
    cpu, start = cpu_s(), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return (time.perf_counter() - start) * 1000, (cpu_s() - cpu) * 1000


def import_ms(python: str) -> float:
    """Cumulative import time of ``kjgraph.cli`` in ms, from ``python -X importtime``."""
    done = subprocess.run([python, "-X", "importtime", "-c", "import kjgraph.cli"],
                          capture_output=True, text=True, check=True, env=ENV)
    for line in done.stderr.splitlines():
        fields = [f.strip() for f in line.split("|")]
        if len(fields) == 3 and fields[2] == "kjgraph.cli":
            return int(fields[1]) / 1000
    raise SystemExit("kjgraph.cli not in the import-time report")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="built store (default: $KJGRAPH_STORE or ~)")
    parser.add_argument("--runs", type=int, default=21, help="runs of each side (interleaved)")
    args = parser.parse_args()

    from kjgraph.library import get_query
    from kjgraph.store import StoreLocation

    location = StoreLocation(args.store)
    oxigraph_dir = str(location.oxigraph_path())
    query_file = Path(os.environ.get("TMPDIR", "/tmp")) / "kjgraph-bench-leaders.rq"
    query_file.write_text(get_query("leaders").text, encoding="utf-8")
    python = sys.executable
    cli = [python, "-m", "kjgraph", "query", "leaders", "--format", "csv", "--store", str(location.root)]
    plain = [python, "-c", PLAIN, oxigraph_dir, str(query_file)]

    for command in (cli, plain):  # warm the page cache and write the bytecode
        timed(command)
    cli_ms: list[float] = []
    plain_ms: list[float] = []
    cli_cpu: list[float] = []
    plain_cpu: list[float] = []
    for _ in range(args.runs):
        for command, wall, cpu in ((cli, cli_ms, cli_cpu), (plain, plain_ms, plain_cpu)):
            ms, cpu_ms = timed(command)
            wall.append(ms)
            cpu.append(cpu_ms)
    imports = statistics.median(import_ms(python) for _ in range(5))

    def row(name: str, values: list[float]) -> str:
        return f"{name:<38} {statistics.median(values):>8.1f} {min(values):>8.1f} {max(values):>8.1f}"

    overhead = statistics.median(cli_ms) - statistics.median(plain_ms)
    print(f"start-up, {args.runs} interleaved runs each, wall clock per process (ms)")
    print(f"{'':<38} {'median':>8} {'min':>8} {'max':>8}")
    print(row("kjgraph query leaders --format csv", cli_ms))
    print(row("plain pyoxigraph script (same query)", plain_ms))
    print(f"overhead of the CLI (median − median): {overhead:.1f} ms; target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if overhead <= TARGET_MS else 'MISSED'}")
    cpu_overhead = statistics.median(cli_cpu) - statistics.median(plain_cpu)
    print("CPU time per process, user + system (ms)")
    print(row("kjgraph query leaders --format csv", cli_cpu))
    print(row("plain pyoxigraph script (same query)", plain_cpu))
    print(f"CPU overhead of the CLI (median − median): {cpu_overhead:.1f} ms; target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if cpu_overhead <= TARGET_MS else 'MISSED'}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"import kjgraph.cli (python -X importtime, median of 5): {imports:.1f} ms")


if __name__ == "__main__":
    main()
