"""Queries of death: the nesting depth and chain length at which pyoxigraph's parser or planner
overflows its stack and the process dies (SIGSEGV), for each kind of construct.

    .venv/bin/python benchmarks/query_of_death.py [--only NAME ...]

Each probe runs in a fresh subprocess (a crash kills only it), at 500, 2,000, 8,000 and 32,000
repetitions, then bisects between the last size that survived and the first that crashed.
Prints one line per construct. The figures set the limits of kjgraph.sparql_text (MAX_DEPTH,
MAX_CHAIN), which must stay well below the smallest crash. Measured with pyoxigraph 0.5.13 on
an 8 MiB main-thread stack: '{' 2,190; '(' 4,630; '[' 3,400; nested collections 4,060;
'!' and '||' 9,300; '+' 6,900; UNION and OPTIONAL 6,500; MINUS 2,610; BIND 2,610; FILTER 9,300;
triple patterns 8,100; path steps 8,100; collection terms 4,060; object lists 8,100; no crash
up to 32,000 for IN lists, CONCAT arguments or VALUES rows.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
from pathlib import Path

print = functools.partial(print, flush=True)  # progress as it comes


def crashes(query: str) -> tuple[int | str, str]:
    """Run ``query`` in a fresh process: its return code (negative: killed by a signal)."""
    with tempfile.NamedTemporaryFile("w", suffix=".rq", delete=False) as f:
        f.write(query)
    code = (f"import pyoxigraph as ox; s=ox.Store(); q=open({f.name!r}).read()\ntry:\n s.query(q)\n"
            "except Exception as e: print(type(e).__name__, str(e)[:80])")
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    finally:
        Path(f.name).unlink()
    return result.returncode, result.stdout.strip()[:100]


P = "<http://x/p>"
MAKERS = {
 "{": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
 "(": lambda n: "ASK { FILTER " + "(" * n + "true" + ")" * n + " }",
 "[": lambda n: "SELECT * WHERE { ?s ?p " + f"[ {P} " * n + "?o" + " ]" * n + " }",
 "coll(": lambda n: f"ASK {{ ?s {P} " + "(" * n + "1" + ")" * n + " }",
 "!": lambda n: "ASK { FILTER(" + "!" * n + "true) }",
 "-": lambda n: "ASK { FILTER(" + "-" * n + "1) }",
 "^": lambda n: "ASK { ?s " + "^" * n + f"{P} ?o }}",
 "||": lambda n: "ASK { FILTER(" + " || ".join(["true"] * n) + ") }",
 "&&": lambda n: "ASK { FILTER(" + "&&".join(["true"] * n) + ") }",
 "+": lambda n: "ASK { FILTER(" + "+".join(["1"] * n) + " > 0) }",
 "UNION": lambda n: "ASK { " + "UNION".join(["{}"] * n) + " }",
 "OPTIONAL": lambda n: "ASK { " + "OPTIONAL{}" * n + " }",
 "MINUS": lambda n: "ASK { " + "MINUS{}" * n + " }",
 "join.": lambda n: "ASK { " + f"?s {P} ?o." * n + " }",
 "/path": lambda n: "ASK { ?s " + "/".join([P] * n) + " ?o }",
 "|path": lambda n: "ASK { ?s " + "|".join([P] * n) + " ?o }",
 "list": lambda n: f"ASK {{ ?s {P} (" + " 1" * n + ") }",
 "IN": lambda n: "ASK { FILTER(1 IN (" + ",".join(["1"] * n) + ")) }",
 "BIND": lambda n: "SELECT * { " + "".join(f"BIND(1 AS ?v{i})" for i in range(n)) + " }",
 "FILTER": lambda n: "SELECT * { " + "FILTER(true)" * n + " }",
 "concat": lambda n: "ASK { FILTER(CONCAT(" + ",".join(['""'] * n) + ") = '') }",
 "objects,": lambda n: f"ASK {{ ?s {P} " + ",".join(["1"] * n) + " }",
 "VALUES": lambda n: "SELECT * { VALUES ?x { " + " ".join(f"<http://x/{i}>" for i in range(n)) + " } }",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of constructs to probe (default: all)")
    args = parser.parse_args()
    for name, make in MAKERS.items():
        if args.only and name not in args.only:
            continue
        lo, hi, last = 0, None, None
        for n in (500, 2000, 8000, 32000):
            rc, out = crashes(make(n))
            if isinstance(rc, int) and rc < 0:
                hi = n
                break
            lo, last = n, (rc, out)
        if hi is None:
            print(f"{name:10} no crash up to {lo} ({len(make(lo))} chars): {last}")
            continue
        while hi - lo > max(10, lo // 50):
            mid = (lo + hi) // 2
            rc, _out = crashes(make(mid))
            if isinstance(rc, int) and rc < 0:
                hi = mid
            else:
                lo = mid
        print(f"{name:10} crash between {lo} and {hi} ({len(make(hi))} chars)")


if __name__ == "__main__":
    main()
