"""Benchmark `kjgraph render` pages in headless Chromium on synthetic graphs of 1k, 5k and 20k nodes.

For each size the same synthetic view is written twice:

* **kjgraph** – the defaults of :class:`kjgraph.render.RenderOptions` (physics in the browser up to
  400 nodes, a precomputed seeded timeline layout with physics off up to 6,000, aggregation by
  kind and decade above);
* **baseline** – what pyvis does: vis-network's physics lays out every node in the browser
  (Barnes–Hut, 150 stabilisation iterations), no precomputed positions, no aggregation.

It prints the HTML size, the Python rendering time, the time from navigation until the network
has stabilised (``body[data-ready]``; capped), one redraw and one year-filter change.
Target: the 5k-node view stabilised within 5 s; the 20k-node graph shown aggregated.

    python benchmarks/bench_render.py [--sizes 1000 5000 20000] [--cap 60]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from kjgraph.render import Edge, Node, RenderOptions, ViewGraph, write_html

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
MIX = [("meeting", 0.35), ("event", 0.1), ("agreement", 0.1), ("leader", 0.03), ("place", 0.05),
       ("country", 0.001), ("body", 0.03), ("topic", 0.08), ("source", 0.259)]


def synthetic(n: int, seed: int = 1) -> ViewGraph:
    """A graph shaped like kjgraph's: dated events and agreements joined to leaders, places, topics, sources."""
    rng = random.Random(seed)
    nodes: dict[str, Node] = {}
    by_group: dict[str, list[str]] = {}
    for i in range(n):
        group = rng.choices([g for g, _ in MIX], [w for _, w in MIX])[0]
        iri = f"https://w3id.org/kjgraph/id/x/{group}-{i}"
        start = rng.randint(1965, 2025) if group in ("meeting", "event", "agreement", "body") else None
        end = start if group in ("meeting", "event") else None
        nodes[iri] = Node(iri, group, group.title(), {"en": f"{group} {i}", "ko": f"{group} {i} (ko)"},
                          start, end, str(start or ""))
        by_group.setdefault(group, []).append(iri)
    edges: list[Edge] = []
    for iri, node in nodes.items():
        if node.group in ("meeting", "event", "agreement"):
            for group, relation, k in (("leader", "host", 2), ("place", "place", 1), ("topic", "about", 2),
                                       ("source", "source", 1)):
                for target in rng.sample(by_group.get(group, []), min(k, len(by_group.get(group, [])))):
                    edges.append(Edge(iri, target, relation))
    return ViewGraph(f"synthetic {n}", nodes, edges)


def measure(browser, html: Path, cap: float) -> dict[str, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    started = time.perf_counter()
    try:
        page.goto(html.as_uri(), wait_until="commit", timeout=cap * 1000)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=cap * 1000)
    except PlaywrightTimeout:
        page.close()
        return {"stabilised": f"> {cap:.0f} s", "redraw": "–", "filter": "–"}
    ready = time.perf_counter() - started
    redraw = page.evaluate("() => { const t = performance.now(); kjgraph.network.redraw(); "
                           "return performance.now() - t; }")
    filtered = page.evaluate("() => { const t = performance.now(); kjgraph.setYears(1990, 1999); "
                             "return performance.now() - t; }")
    nodes = page.evaluate("kjgraph.nodes.length")
    page.close()
    return {"stabilised": f"{ready:.2f} s", "redraw": f"{redraw:.0f} ms", "filter": f"{filtered:.0f} ms",
            "page nodes": str(nodes), "errors": str(len(errors))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--cap", type=float, default=60.0, help="seconds to wait for stabilisation")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for n in args.sizes:
            view = synthetic(n)
            for name, options in (("kjgraph", RenderOptions()),
                                  ("baseline (pyvis-style physics)", RenderOptions(physics=True, max_nodes=10**9))):
                t = time.perf_counter()
                html = write_html(view, out / f"{n}-{name.split()[0]}.html", options)
                rendered = time.perf_counter() - t
                result = measure(browser, html, args.cap)
                rows.append([f"{n:,}", str(len(view.edges)), name, f"{html.stat().st_size / 1e6:.1f} MB",
                             f"{rendered:.2f} s", result["stabilised"], result["redraw"], result["filter"],
                             result.get("page nodes", "–"), result.get("errors", "–")])
                print(" | ".join(rows[-1]), flush=True)
        browser.close()
    header = ["nodes", "edges", "rendering", "HTML", "python", "load → stabilised", "redraw", "year filter",
              "nodes in page", "page errors"]
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\npages in {out}")


if __name__ == "__main__":
    main()
