"""Benchmark `kjgraph render` pages in headless Chromium on synthetic graphs of 1k, 5k and 20k nodes.

For each size the same synthetic nodes and edges are written twice, and the two pages are
measured one after the other (interleaved, size by size):

* **kjgraph** – the defaults of :class:`kjgraph.render.RenderOptions` (physics in the browser up to
  400 nodes, a precomputed seeded timeline layout with physics off up to 6,000, aggregation by
  kind and decade above);
* **plain pyvis** – pyvis' own page for the same nodes and edges: ``pyvis.network.Network`` with
  its defaults (vis-network's Barnes–Hut physics, stabilisation on), one ``add_node`` per node
  (label, group, title) and one ``add_edge`` per edge, written by pyvis' ``write_html`` with
  vis-network inlined (``cdn_resources="in_line"``; the Bootstrap files pyvis' template loads from
  a CDN are refused, as the machine is offline).

It prints the HTML size, the Python rendering time, the time from navigation until the network
has stabilised (kjgraph: ``body[data-ready]``; pyvis: vis-network's ``stabilizationIterationsDone``
event, which is also what hides pyvis' loading bar; capped), one redraw and one year-filter change
(pyvis' page has no year filter).
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

#: Run before pyvis' page script: the page assigns its vis.Network to the global ``network``;
#: the setter subscribes to the end of stabilisation before pyvis' own handler, and marks the
#: body as kjgraph's pages do, so that both pages are waited for the same way.
PYVIS_READY = """
Object.defineProperty(window, "network", { configurable: true,
  get() { return window.__network; },
  set(value) {
    window.__network = value;
    value.once("stabilizationIterationsDone", () => { document.body.dataset.ready = "true"; });
  } });
"""

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


def write_pyvis(view: ViewGraph, path: Path) -> Path:
    """pyvis' own page for the view's nodes and edges (pyvis' defaults, vis-network inlined)."""
    from pyvis.network import Network

    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for node in view.nodes.values():
        net.add_node(node.id, label=node.labels["en"], group=node.group, title=f"{node.kind} {node.dates}")
    for edge in view.edges:
        net.add_edge(edge.source, edge.target, title=edge.relation)
    net.write_html(str(path))
    return path


def measure(browser, html: Path, cap: float, pyvis: bool = False) -> dict[str, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if pyvis:
        page.add_init_script(PYVIS_READY)
        page.route("http*://**", lambda route: route.abort())  # pyvis' template asks a CDN for Bootstrap
    started = time.perf_counter()
    try:
        page.goto(html.as_uri(), wait_until="commit", timeout=cap * 1000)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=cap * 1000)
    except PlaywrightTimeout:
        page.close()
        return {"stabilised": f"> {cap:.0f} s", "redraw": "–", "filter": "–"}
    ready = time.perf_counter() - started
    network, nodes = ("network", "network.body.data.nodes") if pyvis else ("kjgraph.network", "kjgraph.nodes")
    redraw = page.evaluate(f"() => {{ const t = performance.now(); {network}.redraw(); "
                           "return performance.now() - t; }")
    filtered = "–" if pyvis else "{:.0f} ms".format(page.evaluate(
        "() => { const t = performance.now(); kjgraph.setYears(1990, 1999); return performance.now() - t; }"))
    count = page.evaluate(f"{nodes}.length")
    page.close()
    return {"stabilised": f"{ready:.2f} s", "redraw": f"{redraw:.0f} ms", "filter": filtered,
            "page nodes": str(count), "errors": str(len(errors))}


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
            for name in ("kjgraph", "plain pyvis"):
                t = time.perf_counter()
                if name == "kjgraph":
                    html = write_html(view, out / f"{n}-kjgraph.html", RenderOptions())
                else:
                    html = write_pyvis(view, out / f"{n}-pyvis.html")
                rendered = time.perf_counter() - t
                result = measure(browser, html, args.cap, pyvis=name != "kjgraph")
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
