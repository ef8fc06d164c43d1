"""Benchmark: how kjgraph's costs grow from the curated graph to ten million triples.

For each size, SYNTHETIC data (``kjgraph synth``, never facts) is generated and measured side
by side with its baseline in the same run, each measurement in a process of its own (so the
peak resident memory, from ``wait4``'s rusage, is that measurement's alone):

* build: ``kjgraph load`` (bulk import into a new atomic build) against the raw
  ``pyoxigraph.Store.bulk_load`` of the same N-Quads file; the check (union rule over the whole
  store + SHACL on a sample of events) is timed apart;
* export: ``kjgraph export`` per format (ttl, nt, nq, trig, jsonld);
* query library: the median latency of every library query on the embedded store, and with
  rdflib's SPARQL engine as the second baseline up to ``--rdflib-max`` (and a time budget);
* serve: requests/s of ``kjgraph serve`` against ``oxigraph serve-read-only`` on the same store
  (benchmarks/bench_serve.py's client), parameter-free library queries, 4 clients;
* analytics and rendering: networkx projections (kjgraph.analytics) and ``kjgraph render``.

    python benchmarks/scale.py --sizes 10k,100k,1M [--reps 5] [--json scale.json]

Targets (issue 9): at 1M, load ≤ 1.5× raw bulk load in time and peak memory; every library
query under 1 s median and ≥ 20× faster than rdflib where rdflib finishes; build and export
grow at most linearly (fitted log-log exponent ≤ ~1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
PROJECTIONS = ("leaders", "events-topics", "topics", "places")


# ---------------------------------------------------------------- child tasks (one process each)
def task_gen(out: str, triples: int, seed: int) -> dict[str, Any]:
    from kjgraph.synthetic import generate_file

    start = time.perf_counter()
    info = generate_file(out, triples, seed)
    return {"seconds": time.perf_counter() - start, "quads": info.quads, "events": info.events,
            "people": info.people, "sources": info.sources, "bytes": Path(out).stat().st_size}


def task_raw(file: str, directory: str) -> dict[str, Any]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(directory)
    store.bulk_load(path=file, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return {"seconds": time.perf_counter() - start}


def task_load(file: str, root: str) -> dict[str, Any]:
    from kjgraph.build import import_rdf

    start = time.perf_counter()
    report = import_rdf(file, root, progress=False)
    return {"seconds": time.perf_counter() - start, "quads": report.quads, "steps": report.steps}


def task_check(root: str) -> dict[str, Any]:
    from kjgraph.build import check_store
    from kjgraph.store import StoreLocation

    report = check_store(StoreLocation(root).open())
    return {"seconds": report.seconds, "conforms": report.conforms, "union_gaps": report.union_gaps,
            "violations": len(report.shacl.violations)}


def task_export(root: str, fmt: str, out: str) -> dict[str, Any]:
    from kjgraph.export import FORMATS, export_store
    from kjgraph.store import StoreLocation

    store = StoreLocation(root).open()
    start = time.perf_counter()
    export_store(store, Path(out), FORMATS[fmt])
    seconds = time.perf_counter() - start
    size = Path(out).stat().st_size
    Path(out).unlink()
    return {"seconds": seconds, "bytes": size}


def pick_parameters(kg: Any) -> dict[str, dict[str, str]]:
    """Values for the library queries' required parameters (and IRI defaults, which name
    curated entities absent from synthetic data), picked from the data."""
    from kjgraph.library import library

    def one(sparql: str) -> str | None:
        rows = kg.rows(sparql)
        if not rows or rows[0]["x"] is None:
            return None
        return rows[0]["x"].value

    picks = {
        "event": "SELECT ?x WHERE { ?x a kjo:Summit ; kjo:resultedIn ?a } LIMIT 1",
        "entity": "SELECT ?x WHERE { ?x a kjo:Summit ; kjo:participation ?p } LIMIT 1",
        "topic": "SELECT ?x WHERE { ?x skos:narrower ?n } LIMIT 1",
        "within": "SELECT ?x WHERE { ?x skos:narrower ?n } LIMIT 1",
        "place": "SELECT ?x WHERE { ?x a kjo:Country ; ^schema:containedInPlace/^schema:containedInPlace ?c } LIMIT 1",
        "city": "SELECT ?x WHERE { ?x a kjo:City } LIMIT 1",
        "target": "SELECT ?x WHERE { ?e kjo:refersTo ?x } LIMIT 1",
        "series": "SELECT ?x WHERE { ?x a kjo:EventSeries ; kjo:phase ?p } LIMIT 1",
        "leader": "SELECT ?x WHERE { ?e a kjo:Summit ; schema:attendee ?x } LIMIT 1",
    }
    out: dict[str, dict[str, str]] = {}
    for name, query in library().items():
        values: dict[str, str] = {}
        for p in query.parameters:
            if not (p.required or (p.default and p.type == "iri")):
                continue
            if p.type == "iri" and p.name in picks:
                value = one(picks[p.name])
            elif p.type == "string":
                value = "Synthetic 1"
            elif p.type == "date":
                value = "1995-06-01"
            elif p.type == "iri" and p.name == "country":
                value = "https://w3id.org/kjgraph/id/country/kr"
            else:
                value = None
            if value is not None:
                values[p.name] = value
        out[name] = values
    return out


def _consume(result: Any) -> int:
    if isinstance(result, bool):
        return 1
    return sum(1 for _ in result)


def task_queries(root: str, reps: int) -> dict[str, Any]:
    from kjgraph.library import library
    from kjgraph.query import KnowledgeGraph

    kg = KnowledgeGraph.open(root)
    params = pick_parameters(kg)
    results: dict[str, Any] = {}
    for name, query in library().items():
        try:
            text = query.bound_text(params[name])
        except Exception as exc:  # a required parameter without a value in the data
            results[name] = {"error": str(exc)[:120]}
            continue
        _consume(kg.execute(text))  # warm-up
        times, rows = [], 0
        for _ in range(reps):
            start = time.perf_counter()
            rows = _consume(kg.execute(text))
            times.append(time.perf_counter() - start)
        results[name] = {"median": median(times), "rows": rows, "params": params[name]}
    return {"queries": results}


def task_rdflib(file: str, root: str, reps: int, budget: float, per_query: float = 60) -> dict[str, Any]:
    from rdflib import Dataset

    from kjgraph.library import library
    from kjgraph.query import PREFIXES, KnowledgeGraph

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    params = pick_parameters(KnowledgeGraph.open(root))
    started = time.perf_counter()
    ds = Dataset()
    ds.parse(file, format="nquads")
    load = time.perf_counter() - started
    results: dict[str, Any] = {}
    deadline = started + budget
    for name, query in library().items():
        if time.perf_counter() > deadline:
            results[name] = {"skipped": "time budget"}
            continue
        try:
            text = query.bound_text(params[name])
        except Exception as exc:
            results[name] = {"error": str(exc)[:120]}
            continue
        times: list[float] = []
        # rdflib is pure Python, so an alarm can stop a query that runs too long.
        signal.alarm(max(1, int(min(per_query, deadline - time.perf_counter() + 1))))
        try:
            for _ in range(reps):
                start = time.perf_counter()
                rows = sum(1 for _ in ds.query(text, initNs=PREFIXES))
                times.append(time.perf_counter() - start)
                if times[-1] > 2 or time.perf_counter() > deadline:  # slow: one run is enough
                    break
        except TimeoutError:
            results[name] = {"timeout": per_query}
            continue
        except Exception as exc:  # rdflib cannot run some SPARQL 1.1 (e.g. inverse in a negated path)
            results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:100]}"}
            continue
        finally:
            signal.alarm(0)
        results[name] = {"median": median(times), "rows": rows}
    return {"load_seconds": load, "queries": results}


def task_analytics(root: str) -> dict[str, Any]:
    from kjgraph.query import KnowledgeGraph

    try:
        from kjgraph.analytics import project
    except ImportError:
        return {"error": "module not available"}
    kg = KnowledgeGraph.open(root)
    out: dict[str, Any] = {}
    for name in PROJECTIONS:
        start = time.perf_counter()
        g = project(kg, name)
        out[name] = {"seconds": time.perf_counter() - start, "nodes": g.number_of_nodes(),
                     "edges": g.number_of_edges()}
    return out


def task_render(root: str, view: str, target: str | None, out: str) -> dict[str, Any]:
    try:
        import kjgraph.render  # noqa: F401
        from kjgraph.cli import main
    except ImportError:
        return {"error": "module not available"}
    args = ["render", view, *([target] if target else []), "-o", out, "--store", root]
    if view == "entity":
        args += ["--hops", "2"]
    start = time.perf_counter()
    main(args, standalone_mode=False)
    seconds = time.perf_counter() - start
    size = Path(out).stat().st_size
    Path(out).unlink()
    return {"seconds": seconds, "bytes": size}


def task_serve(root: str, seconds: float, clients: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    try:
        import bench_serve as bs

        import kjgraph.server.app  # noqa: F401
    except ImportError:
        return {"error": "module not available"}
    from kjgraph.store import StoreLocation

    location = StoreLocation(root)
    tmp = Path(tempfile.mkdtemp(prefix="scale-serve-"))
    copy = tmp / "oxigraph"
    shutil.copytree(location.oxigraph_path(), copy)  # Oxigraph's server gets a store of its own
    kj_port, ox_port = bs.free_port(), bs.free_port()
    kj = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", root, "--port", str(kj_port)],
                          stderr=subprocess.DEVNULL)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    oxs = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(copy),
                            "--bind", f"127.0.0.1:{ox_port}"], stderr=subprocess.DEVNULL)
    try:
        bs.wait_ready(kj_port, "/sparql", timeout=120)
        bs.wait_ready(ox_port, "/query", timeout=120)
        queries = bs.library_queries()
        k = bs.run_client(kj_port, "/sparql", queries, clients, seconds)
        o = bs.run_client(ox_port, "/query", queries, clients, seconds)
        return {"kjgraph": k, "oxigraph": o, "queries": len(queries)}
    finally:
        for p in (kj, oxs):
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


TASKS = {"gen": task_gen, "raw": task_raw, "load": task_load, "check": task_check, "export": task_export,
         "queries": task_queries, "rdflib": task_rdflib, "analytics": task_analytics, "render": task_render,
         "serve": task_serve}


# ---------------------------------------------------------------- the parent
def run_child(task: str, timeout: float, **kwargs: Any) -> dict[str, Any]:
    """Run one task in a fresh process; add its wall time and peak RSS (MB)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--child", task, json.dumps(kwargs)],
                                stdout=out)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return {"error": f"timeout after {timeout:.0f} s"}
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().strip().splitlines()
    if proc.returncode != 0 or not text:
        return {"error": f"exit {proc.returncode}"}
    result = json.loads(text[-1])
    result["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    result["wall"] = time.perf_counter() - started
    return result


def fit_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Least-squares slope of log(time) over log(size): 1 is linear growth."""
    points = [(math.log(n), math.log(t)) for n, t in zip(sizes, seconds, strict=True) if t and t > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else None


def machine() -> dict[str, str]:
    import pyoxigraph
    import rdflib

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__, "os": platform.platform()}


def fmt_s(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def table(title: str, columns: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)]
    lines = [f"\n### {title}\n", "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def measure_size(n: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from kjgraph.synthetic import format_size

    label = format_size(n)
    log = lambda msg: print(f"[{label}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    data = work / f"synth-{label}.nq"
    res: dict[str, Any] = {"size": n, "label": label}
    res["gen"] = run_child("gen", args.timeout, out=str(data), triples=n, seed=args.seed)
    log(f"generated {res['gen'].get('quads')} quads in {fmt_s(res['gen'].get('seconds'))}")
    # Alternate the two loads so neither always runs on a warmer page cache.
    raws, loads = [], []
    root = work / f"store-{label}"
    for rep in range(args.build_reps):
        raw_dir = work / f"raw-{label}-{rep}"
        raws.append(run_child("raw", args.timeout, file=str(data), directory=str(raw_dir)))
        shutil.rmtree(raw_dir, ignore_errors=True)
        if root.exists():
            shutil.rmtree(root)
        loads.append(run_child("load", args.timeout, file=str(data), root=str(root)))
    res["raw"] = min(raws, key=lambda r: r.get("seconds", math.inf))
    res["load"] = min(loads, key=lambda r: r.get("seconds", math.inf))
    res["raw"]["rss_mb"] = max(r.get("rss_mb", 0) for r in raws)
    res["load"]["rss_mb"] = max(r.get("rss_mb", 0) for r in loads)
    log(f"raw bulk load {fmt_s(res['raw'].get('seconds'))}, kjgraph load {fmt_s(res['load'].get('seconds'))}")
    if "check" not in args.skip:
        res["check"] = run_child("check", args.timeout, root=str(root))
    if "export" not in args.skip:
        res["export"] = {}
        for fmt in EXPORT_FORMATS:
            res["export"][fmt] = run_child("export", args.timeout, root=str(root), fmt=fmt,
                                           out=str(work / f"export-{label}.{fmt}"))
        log("exports done")
    if "queries" not in args.skip:
        res["queries"] = run_child("queries", args.timeout, root=str(root), reps=args.reps)
        log("queries done")
    if n <= args.rdflib_max:
        res["rdflib"] = run_child("rdflib", args.rdflib_budget + 600, file=str(data), root=str(root),
                                  reps=args.reps, budget=args.rdflib_budget)
        log("rdflib done")
    if "analytics" not in args.skip:
        res["analytics"] = run_child("analytics", args.timeout, root=str(root))
        log("analytics done")
    if "render" not in args.skip:
        res["render"] = {}
        entity = None
        q = res.get("queries", {}).get("queries", {}).get("summit-outcomes", {})
        entity = (q.get("params") or {}).get("event")
        res["render"]["entity"] = (run_child("render", args.timeout, root=str(root), view="entity",
                                             target=entity, out=str(work / "render-entity.html"))
                                   if entity else {"error": "no entity"})
        res["render"]["all"] = run_child("render", args.timeout, root=str(root), view="all", target=None,
                                         out=str(work / "render-all.html"))
        log("render done")
    if "serve" not in args.skip:
        res["serve"] = run_child("serve", args.timeout, root=str(root), seconds=args.serve_seconds, clients=4)
        log("serve done")
    if not args.keep:
        data.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)
    return res


def report(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    out = [f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM; Python {info['python']}, "
           f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}; {info['os']}"]

    def get(d: dict[str, Any], *keys: str) -> Any:
        for key in keys:
            if not isinstance(d, dict) or key not in d:
                return None
            d = d[key]
        return d

    rows = []
    for r in results:
        raw_t, load_t = get(r, "raw", "seconds"), get(r, "load", "seconds")
        raw_m, load_m = get(r, "raw", "rss_mb"), get(r, "load", "rss_mb")
        check = r.get("check", {})
        rows.append([r["label"], str(get(r, "gen", "quads")), fmt_s(get(r, "gen", "seconds")), fmt_s(raw_t),
                     fmt_s(load_t), f"{load_t / raw_t:.2f}×" if raw_t and load_t else "n/a",
                     f"{raw_m:.0f}" if raw_m else "n/a", f"{load_m:.0f}" if load_m else "n/a",
                     f"{load_m / raw_m:.2f}×" if raw_m and load_m else "n/a",
                     fmt_s(check.get("seconds")) + (" ok" if check.get("conforms") else " FAILED"
                                                     if "conforms" in check else "")])
    out.append(table("Build: `kjgraph load` against raw pyoxigraph bulk_load of the same N-Quads",
                     ["size", "quads", "generate", "raw load", "kjgraph load", "time ratio", "raw RSS MB",
                      "kjgraph RSS MB", "RSS ratio", "check (union + SHACL sample)"], rows))
    rows = []
    for r in results:
        ex = r.get("export", {})
        total = sum(ex[f].get("seconds", 0) for f in EXPORT_FORMATS if f in ex)
        rows.append([r["label"], *[fmt_s(get(ex, f, "seconds")) for f in EXPORT_FORMATS], fmt_s(total),
                     f"{max((ex[f].get('rss_mb', 0) for f in ex), default=0):.0f}"])
    out.append(table("Export per format (streaming from the store)",
                     ["size", *EXPORT_FORMATS, "total", "peak RSS MB"], rows))
    rows = []
    for r in results:
        qs = get(r, "queries", "queries") or {}
        rq = get(r, "rdflib", "queries") or {}
        meds = {k: v["median"] for k, v in qs.items() if "median" in v}
        slowest = max(meds, key=meds.get) if meds else None
        speedups = [rq[k]["median"] / meds[k] for k in meds if k in rq and "median" in rq[k] and meds[k] > 0]
        finished = sum(1 for v in rq.values() if "median" in v)
        rows.append([r["label"], str(len(meds)), fmt_s(median(meds.values())) if meds else "n/a",
                     f"{fmt_s(meds[slowest])} ({slowest})" if slowest else "n/a",
                     str(sum(1 for v in meds.values() if v < 1)),
                     fmt_s(get(r, "rdflib", "load_seconds")) if "rdflib" in r else "not run",
                     f"{finished}/{len(rq)}" if rq else "—",
                     f"{min(speedups):.0f}× / {median(speedups):.0f}×" if speedups else "—"])
    out.append(table("Query library: median latency per query on the embedded store; rdflib as baseline",
                     ["size", "queries", "median of medians", "slowest", "under 1 s", "rdflib parse",
                      "rdflib finished", "speed-up min / median"], rows))
    names = sorted({k for r in results for k in (get(r, "queries", "queries") or {})})
    rows = []
    for name in names:
        cells = [name]
        for r in results:
            q = (get(r, "queries", "queries") or {}).get(name, {})
            b = (get(r, "rdflib", "queries") or {}).get(name, {})
            cell = fmt_s(q["median"]) if "median" in q else q.get("error", "n/a")[:20]
            if "median" in q and "median" in b and q["median"] > 0:
                cell += f" ({b['median'] / q['median']:.0f}×)"
            elif "timeout" in b:
                cell += f" (rdflib > {b['timeout']:.0f} s)"
            cells.append(cell)
        rows.append(cells)
    if rows:
        out.append(table("Per query: median on the embedded store (speed-up over rdflib where it ran)",
                         ["query", *[r["label"] for r in results]], rows))
    rows = []
    for r in results:
        s = r.get("serve")
        if s is None:
            continue
        if "error" in s:
            rows.append([r["label"], s["error"], "", "", ""])
            continue
        k, o = s["kjgraph"], s["oxigraph"]
        ratio = f"{k['rps'] / o['rps']:.0%}" if o["rps"] else "n/a"
        rows.append([r["label"], f"{k['rps']:.1f}", f"{o['rps']:.1f}", ratio, f"{k['errors']:.0f}/{o['errors']:.0f}"])
    if rows:
        out.append(table("Serve: parameter-free library queries, 4 keep-alive clients",
                         ["size", "kjgraph serve req/s", "oxigraph req/s", "ratio", "errors k/o"], rows))
    rows = []
    for r in results:
        a, rd = r.get("analytics"), r.get("render")
        if a is None and rd is None:
            continue
        cells = [r["label"]]
        for name in PROJECTIONS:
            v = (a or {}).get(name)
            cells.append(f"{fmt_s(v['seconds'])} ({v['nodes']} n)" if isinstance(v, dict) and "seconds" in v
                         else (a or {}).get("error", "n/a (module not available)"))
        for view in ("entity", "all"):
            v = (rd or {}).get(view, {})
            cells.append(fmt_s(v["seconds"]) if "seconds" in v else v.get("error", "n/a"))
        rows.append(cells)
    if rows:
        out.append(table("networkx projections (kjgraph.analytics) and renderings (kjgraph render)",
                         ["size", *PROJECTIONS, "render entity (2 hops)", "render all"], rows))
    sizes = [r["size"] for r in results]
    lines = ["\n### Growth (least-squares slope of log time over log size; 1 = linear)\n"]
    for name, values in (
            ("raw bulk load", [get(r, "raw", "seconds") for r in results]),
            ("kjgraph load", [get(r, "load", "seconds") for r in results]),
            ("export (all formats)", [sum(v.get("seconds", 0) for v in r.get("export", {}).values())
                                      for r in results])):
        pairs = [(n, t) for n, t in zip(sizes, values, strict=True) if t]
        e = fit_exponent([p[0] for p in pairs], [p[1] for p in pairs])
        lines.append(f"- {name}: exponent {e:.2f}" if e is not None else f"- {name}: n/a")
    out.append("\n".join(lines))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated, e.g. 10k,100k,1M,10M")
    parser.add_argument("--reps", type=int, default=5, help="runs per query (median)")
    parser.add_argument("--build-reps", type=int, default=2, help="runs of each load (best time)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rdflib-max", default="100k", help="largest size rdflib is run at")
    parser.add_argument("--rdflib-budget", type=float, default=180, help="seconds for rdflib's queries per size")
    parser.add_argument("--serve-seconds", type=float, default=5)
    parser.add_argument("--skip", default="", help="comma-separated: check,export,queries,serve,render,analytics")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement")
    parser.add_argument("--workdir", help="where data and stores go (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep data files and stores")
    parser.add_argument("--json", help="also write the raw results to this JSON file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, kwargs = args.child
        print(json.dumps(TASKS[task](**json.loads(kwargs))))
        return

    from kjgraph.synthetic import parse_size

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    args.rdflib_max = parse_size(args.rdflib_max)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    work = Path(args.workdir or tempfile.mkdtemp(prefix="kjgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    results = []
    try:
        for n in sizes:
            results.append(measure_size(n, work, args))
            if args.json:
                Path(args.json).write_text(json.dumps({"machine": info, "results": results}, indent=2))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results, info))


if __name__ == "__main__":
    main()
