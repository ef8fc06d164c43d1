"""Benchmark: every library query on the embedded store (Oxigraph) and on rdflib's SPARQL engine.

Both engines get the same data (the built store, exported as N-Quads and loaded into an rdflib
Dataset whose default graph is the union of the named graphs, as in the store) and the same query
text with the same parameters bound by VALUES. Prints per-query median times, the ratio, and
the totals; not a test (speed targets live here, not in pytest).

    python benchmarks/bench_queries.py [--store DIR] [--repeat 7] [--rdflib-repeat 3] [--rdflib-cap 120]

Targets: the whole library at least 20x faster on the store than on rdflib; every query under
10 ms median on the store.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import rdflib

from kjgraph.export import FORMATS, export_store
from kjgraph.library import library
from kjgraph.query import PREFIXES, KnowledgeGraph
from kjgraph.store import StoreLocation

#: Values for the parameters a query requires (the others keep their defaults).
EXAMPLES: dict[str, dict[str, str]] = {
    "leader-on-date": {"date": "2026-01-13"},
    "events-in-city": {"place": "place/nara"},
    "events-by-topic": {"topic": "topic/history-issues"},
    "sources": {"entity": "event/1942-02-03-chosei-coal-mine-disaster"},
    "labels": {"entity": "place/nara"},
    "neighbourhood": {"entity": "event/1942-02-03-chosei-coal-mine-disaster"},
    "refers-to": {"target": "event/1942-02-03-chosei-coal-mine-disaster"},
    "find": {"text": "Nara"},
}


def timed(run, repeat: int) -> tuple[float, int]:
    """Median seconds over ``repeat`` runs (after one warm-up) and the number of rows."""
    rows = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="built store (default: as kjgraph)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query on the store")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="timed runs per query on rdflib")
    parser.add_argument("--rdflib-cap", type=int, default=120,
                        help="seconds after which a query on rdflib counts as not finished")
    args = parser.parse_args()

    kg = KnowledgeGraph.open(StoreLocation(args.store))
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "kjgraph.nq"
        export_store(kg.store, dump, FORMATS["nq"])
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(dump, format="nquads")
    namespaces = {prefix: rdflib.Namespace(ns) for prefix, ns in PREFIXES.items()}

    print(f"{'query':24} {'rows':>5} {'store ms':>10} {'rdflib ms':>11} {'ratio':>8}  check")
    total_store = total_rdflib = 0.0
    slow, mismatched, failed, unfinished = [], [], [], []

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    for name, query in library().items():
        text = query.bound_text(EXAMPLES.get(name, {}))
        store_s, store_rows = timed(lambda t=text: len(kg.rows(t)), args.repeat)
        if store_s > 0.010:
            slow.append(name)
        signal.alarm(args.rdflib_cap)  # rdflib is pure Python: an alarm can stop a runaway query
        try:
            rdflib_s, rdflib_rows = timed(lambda t=text: len(list(dataset.query(t, initNs=namespaces))),
                                          args.rdflib_repeat)
        except TimeoutError:
            unfinished.append(name)
            print(f"{name:24} {store_rows:5d} {store_s * 1000:10.2f} {'> cap':>11} {'':>8}  "
                  f"rdflib did not finish in {args.rdflib_cap} s", flush=True)
            continue
        except Exception as exc:  # an engine's limitation is a result here, not a crash
            failed.append(name)
            print(f"{name:24} {store_rows:5d} {store_s * 1000:10.2f} {'error':>11} {'':>8}  "
                  f"rdflib: {type(exc).__name__}: {str(exc)[:60]}")
            continue
        finally:
            signal.alarm(0)
        total_store += store_s
        total_rdflib += rdflib_s
        check = "ok" if store_rows == rdflib_rows else f"rdflib rows {rdflib_rows}"
        if store_rows != rdflib_rows:
            mismatched.append(name)
        print(f"{name:24} {store_rows:5d} {store_s * 1000:10.2f} {rdflib_s * 1000:11.1f} "
              f"{rdflib_s / store_s:7.0f}x  {check}")
    ratio = total_rdflib / total_store
    print(f"{'whole library':24} {'':5} {total_store * 1000:10.2f} {total_rdflib * 1000:11.1f} {ratio:7.0f}x")
    print(f"target ≥20x for the whole library: {'met' if ratio >= 20 else 'MISSED'}; "
          f"every query <10 ms: {'met' if not slow else 'MISSED by ' + ', '.join(slow)}")
    if failed:
        print(f"rdflib could not run (left out of the totals): {', '.join(failed)}")
    if unfinished:
        print(f"rdflib did not finish in {args.rdflib_cap} s (left out of the totals): {', '.join(unfinished)}")
    if mismatched:
        print(f"row counts differ between the engines for: {', '.join(mismatched)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
