"""Rendering the graph as interactive HTML (`kjgraph render`), checked in headless Chromium.

Each view is written by the real command line and opened from file:// in Debian's
Chromium driven by Playwright. The expected numbers of nodes and edges are computed here
from the same store with SPARQL and networkx, never frozen, so the tests follow the data.
Screenshots of every view land in $KJGRAPH_SCREENSHOTS if set, else in pytest's temporary
directory (``<basetemp>/render-shots*/``; the path is printed with ``-s``).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from kjgraph.build import build
from kjgraph.query import KnowledgeGraph
from kjgraph.render import RenderOptions, render_html, resolve_entity, whole_view
from kjgraph.store import StoreLocation
from tests.conftest import FIXTURES, assert_offline_and_clean, render, run_cli

XSS_EN = "<img src=x onerror=window.__pwned=1>"
XSS_KO = "</script><script>window.__pwned=2</script><!--"
ID = "https://w3id.org/kjgraph/id/"

# What the renderer promises to draw, written out independently of kjgraph.render:
# the classes whose instances are nodes and the predicates drawn as edges between two nodes.
NODE_CLASSES = ["Person", "Place", "Event", "Organization", "Agreement", "Proposal", "SharedPosition",
                "Topic", "EventSeries", "Source"]
EDGE_PREDICATES = ["kjo:place", "schema:attendee", "kjo:partOf", "kjo:inSeries", "kjo:reciprocates",
                   "kjo:refersTo", "dcterms:subject", "kjo:party", "kjo:signatory", "kjo:signedAt",
                   "kjo:agreedAt", "kjo:establishedBy", "kjo:ledBy", "kjo:ofCountry", "schema:containedInPlace",
                   "schema:nationality", "skos:broader", "dcterms:source"]


# ---------------------------------------------------------------- what the graph says

@dataclass
class Expected:
    """The graph as the renderer should draw it, from SPARQL on the store."""

    nodes: set[str]
    edges: set[tuple[str, str, str]]
    classes: dict[str, set[str]]
    years: dict[str, tuple[int, int | None]] = field(default_factory=dict)

    def graph(self, without: set[str] = frozenset()) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(self.nodes - without)
        g.add_edges_from((s, o) for s, _, o in self.edges if s not in without and o not in without)
        return g

    def sub(self, keep: set[str]) -> tuple[int, int]:
        return len(keep), sum(1 for s, _, o in self.edges if s in keep and o in keep)


def expected_graph(kg: KnowledgeGraph) -> Expected:
    classes: dict[str, set[str]] = defaultdict(set)
    values = " ".join(f"kjo:{c}" for c in NODE_CLASSES)
    for row in kg.rows(f'SELECT ?s ?c WHERE {{ VALUES ?c {{ {values} }} ?s a ?c FILTER(STRSTARTS(STR(?s), "{ID}")) }}'):
        classes[row["s"].value].add(row["c"].value.rsplit("#", 1)[1])
    nodes = set(classes)
    edges = {(r["s"].value, r["p"].value, r["o"].value) for r in kg.rows(
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {' '.join(EDGE_PREDICATES)} }} ?s ?p ?o }}")}
    edges |= {(r["s"].value, "member", r["o"].value) for r in kg.rows(
        "SELECT ?s ?o WHERE { ?m a kjo:BodyMembership ; org:member ?s ; org:organization ?o }")}
    edges = {e for e in edges if e[0] in nodes and e[2] in nodes}
    years: dict[str, tuple[int, int | None]] = {}
    for row in kg.rows("""SELECT ?s (MIN(?e) AS ?a) (MAX(COALESCE(?l, ?e)) AS ?b) WHERE { ?s kjo:earliestDate ?e
                          OPTIONAL { ?s kjo:latestDate ?l } } GROUP BY ?s"""):
        s = row["s"].value
        if s in nodes and "Source" not in classes[s]:
            start, end = int(row["a"].value[:4]), int(row["b"].value[:4])
            if classes[s] & {"Agreement", "Proposal", "SharedPosition", "Organization"}:
                ended = kg.rows("SELECT ?t WHERE { ?s kjo:terminatedOn ?t }", bindings={"s": row["s"]})
                end = int(ended[0]["t"].value[:4]) if ended else None  # in force (exists) until terminated
            years[s] = (start, end)
    return Expected(nodes, edges, dict(classes), years)


def expected_visible(exp: Expected, lo: int, hi: int) -> set[str]:
    """Dated nodes overlapping lo–hi, undated nodes next to one of them, and undated nodes that
    have no dated neighbour at all."""
    def on(s: str) -> bool:
        start, end = exp.years[s]
        return start <= hi and (end is None or end >= lo)

    shown = {s for s in exp.years if on(s)}
    g = exp.graph()
    for n in exp.nodes - set(exp.years):
        dated = [v for v in g[n] if v in exp.years]
        if not dated or any(v in shown for v in dated):
            shown.add(n)
    return shown


# ---------------------------------------------------------------- the shipped data, view by view

@pytest.fixture(scope="session")
def expected(kg: KnowledgeGraph) -> Expected:
    return expected_graph(kg)


@pytest.fixture(scope="session")
def whole_page(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("render"), built_store, "all", "--link-base", "http://127.0.0.1:8000")


def test_whole_graph_shows_every_entity_and_relation(whole_page: Path, open_page, expected: Expected) -> None:
    page = open_page(whole_page, "all")
    assert_offline_and_clean(page)
    assert page.counts() == (len(expected.nodes), len(expected.edges))
    assert set(page.js("kjgraph.nodes.getIds()")) == expected.nodes
    # the legend names every kind drawn, the counter agrees with the data
    assert "Leaders" in page.page.inner_text("#kj-legend")
    assert f"{len(expected.nodes)} of {len(expected.nodes)} nodes" in page.page.inner_text("#kj-count")


def test_year_filter_shows_the_network_of_a_period(whole_page: Path, open_page, expected: Expected) -> None:
    page = open_page(whole_page)
    first = min(start for start, _ in expected.years.values())
    last = max(max(start, end or start) for start, end in expected.years.values())
    assert page.js("kjgraph.data.meta.years") == [first, last]
    for lo, hi in ((last, last), (first, first), (first, last)):
        # as a user does: move the two sliders (Playwright cannot fill a range input)
        page.js("""([lo, hi]) => { for (const [id, v] of [["kj-from", lo], ["kj-to", hi]]) {
                     const input = document.getElementById(id); input.value = v;
                     input.dispatchEvent(new Event("input")); } }""", [lo, hi])
        shown = expected_visible(expected, lo, hi)
        assert page.counts()[0] == len(shown), (lo, hi)
        assert set(page.js("kjgraph.nodesView.getIds()")) == shown
        assert page.page.inner_text("#kj-period") == f"{lo} – {hi}"
    assert page.js(f"kjgraph.setYears({last}, {last})")["nodes"] < len(expected.nodes), \
        "the filter must change what is visible"
    assert page.errors == []


def test_clicking_a_node_shows_details_and_links_to_its_resource_page(whole_page: Path, open_page,
                                                                      kg: KnowledgeGraph) -> None:
    summit = kg.rows("SELECT ?s ?l WHERE { ?s a kjo:Summit ; rdfs:label ?l FILTER(LANG(?l) = 'en') } "
                     "ORDER BY ?s LIMIT 1")[0]
    page = open_page(whole_page)
    x, y = page.js("""(id) => { const p = kjgraph.network.getPositions([id])[id];
                                const d = kjgraph.network.canvasToDOM(p);
                                const r = document.getElementById('kj-network').getBoundingClientRect();
                                return [d.x + r.left, d.y + r.top]; }""", summit["s"].value)
    page.page.mouse.click(x, y)
    details = page.page.inner_text("#kj-details")
    assert summit["l"].value in details
    href = page.page.get_attribute("#kj-resource-link", "href")
    assert href == "http://127.0.0.1:8000/id/" + summit["s"].value.removeprefix(ID)
    page.js("kjgraph.setLanguage('ko')")
    ko = kg.rows("SELECT ?l WHERE { ?s rdfs:label ?l FILTER(LANG(?l) = 'ko') }", bindings={"s": summit["s"]})
    if ko:
        tip = page.js("(id) => kjgraph.nodes.get(id).title.textContent", summit["s"].value)
        assert tip.startswith(ko[0]["l"].value)


def expected_shown(exp: Expected, focus: str, hops: int, hubs: set[str], expanded: set[str] = frozenset(),
                   sources: bool = False) -> set[str]:
    """The rule of an entity view, written out again: a walk from the focus, at most ``hops`` relations,
    that stops at hubs not expanded and never goes through sources; the sources cited are leaves."""
    source_nodes = {s for s, c in exp.classes.items() if "Source" in c}
    g = exp.graph(without=source_nodes)
    depth = {focus: 0}
    frontier = [focus]
    while frontier:
        following = []
        for u in frontier:
            if (u != focus and u in hubs and u not in expanded) or depth[u] >= hops:
                continue
            for v in g[u]:
                if v not in depth:
                    depth[v] = depth[u] + 1
                    following.append(v)
        frontier = following
    shown = set(depth)
    if sources:
        shown |= {o for s, p, o in exp.edges if s in shown and o in source_nodes}
    return shown


def test_neighbourhood_of_an_entity_named_in_any_language(built_store: StoreLocation, tmp_path: Path, open_page,
                                                          kg: KnowledgeGraph, expected: Expected) -> None:
    row = kg.rows("""SELECT ?p ?en ?ko WHERE { ?t kjo:holder ?p . ?p rdfs:label ?en , ?ko
                     FILTER(LANG(?en) = 'en' && LANG(?ko) = 'ko') } ORDER BY ?p LIMIT 1""")[0]
    person = row["p"].value
    sources = {s for s, c in expected.classes.items() if "Source" in c}
    for hops in (1, 2):
        near = set(nx.ego_graph(expected.graph(without=sources), person, radius=hops))
        near |= {o for s, p, o in expected.edges if s in near and p.endswith("/source")}
        page = open_page(render(tmp_path, built_store, "entity", row["ko"].value, "--hops", str(hops)),
                         f"entity-{hops}-hops")
        assert_offline_and_clean(page)
        # the page holds the whole neighbourhood ...
        assert set(page.js("kjgraph.nodes.getIds()")) == near
        # ... and shows what the rule shows: hubs collapsed, sources hidden, at most a screenful
        hubs = set(page.js("kjgraph.data.nodes.filter(n => n.hub).map(n => n.id)"))
        shown = expected_shown(expected, person, hops, hubs)
        assert set(page.js("kjgraph.nodesView.getIds()")) == shown
        assert len(shown) <= 60
        # every hub expanded and the sources switched on: everything
        page.js("kjgraph.setGroup('source', true)")
        while collapsed := page.js("kjgraph.data.nodes.filter(n => kjgraph.isCollapsed(n.id)).map(n => n.id)"):
            for hub in collapsed:  # as a reader does: click each collapsed hub
                page.js("(h) => kjgraph.toggleHub(h)", hub)
        assert set(page.js("kjgraph.nodesView.getIds()")) == expected_shown(expected, person, hops, hubs, hubs,
                                                                            sources=True)
        assert page.counts() == expected.sub(near)
        assert row["en"].value in page.page.inner_text("#kj-title")
    # the same entity by its English label (any case), its IRI and kind:slug
    view = whole_view(kg)
    for name in (row["en"].value.upper(), person, "person:" + person.rsplit("/", 1)[1]):
        assert resolve_entity(view, name) == person


def test_period_view(built_store: StoreLocation, tmp_path: Path, open_page, expected: Expected) -> None:
    last = max(start for start, _ in expected.years.values())
    page = open_page(render(tmp_path, built_store, "period", "--from", str(last), "--to", str(last)), "period")
    assert_offline_and_clean(page)
    shown = expected_visible(expected, last, last)
    assert page.counts() == expected.sub(shown)
    assert page.page.inner_text("#kj-period") == f"{last} – {last}"


def test_topic_view(built_store: StoreLocation, tmp_path: Path, open_page, kg: KnowledgeGraph,
                    expected: Expected) -> None:
    row = kg.rows("""SELECT ?t ?l (COUNT(?x) AS ?n) WHERE { ?t a kjo:Topic ; rdfs:label ?l FILTER(LANG(?l) = 'en')
                     ?x dcterms:subject/skos:broader* ?t } GROUP BY ?t ?l ORDER BY DESC(?n) ?t LIMIT 1""")[0]
    topics = {r["s"].value for r in kg.rows("SELECT ?s WHERE { ?s skos:broader* ?t }", bindings={"t": row["t"]})}
    core = topics | {s for s, p, o in expected.edges if p.endswith("/subject") and o in topics}
    keep = set(core)
    for s, _, o in expected.edges:
        for a, b in ((s, o), (o, s)):
            if a in core and (b in topics or "Topic" not in expected.classes[b]):
                keep.add(b)
    page = open_page(render(tmp_path, built_store, "topic", row["l"].value), "topic")
    assert_offline_and_clean(page)
    assert page.counts() == expected.sub(keep)


def test_meetings_network(built_store: StoreLocation, tmp_path: Path, open_page, kg: KnowledgeGraph) -> None:
    attended: dict[str, set[str]] = defaultdict(set)
    for r in kg.rows("SELECT ?e ?p WHERE { ?e a kjo:DiplomaticMeeting ; kjo:participation/kjo:participant ?p }"):
        attended[r["e"].value].add(r["p"].value)
    pairs = [(e, a, b) for e, people in attended.items() for a in people for b in people if a < b]
    page = open_page(render(tmp_path, built_store, "meetings"), "meetings")
    assert_offline_and_clean(page)
    assert page.counts() == (len({x for _, a, b in pairs for x in (a, b)}), len(pairs))


def test_unknown_entity_and_bad_options_are_clear_errors(built_store: StoreLocation, tmp_path: Path) -> None:
    result = run_cli("render", "entity", "No Such Leader", "--store", str(built_store.root), "-o",
                     str(tmp_path / "x.html"))
    assert result.returncode == 1 and "no entity labelled 'No Such Leader'" in result.stderr
    result = run_cli("render", "all", "--link-base", "javascript:alert(1)", "--store", str(built_store.root),
                     "-o", str(tmp_path / "x.html"))
    assert result.returncode == 1 and "--link-base must be an http(s) URL" in result.stderr
    assert not (tmp_path / "x.html").exists()


# ---------------------------------------------------------------- layout: seed, large graphs

def test_same_seed_same_layout(built_store: StoreLocation, tmp_path: Path, open_page, kg: KnowledgeGraph) -> None:
    # physics in the browser (a small view), seeded: two loads give the same positions
    html = render(tmp_path, built_store, "meetings", "--seed", "7")
    positions = []
    for _ in range(2):
        page = open_page(html)
        assert page.js("kjgraph.data.meta.physics") is True
        positions.append(page.js("kjgraph.network.getPositions()"))
    assert positions[0] == positions[1] and len(positions[0]) > 1
    # precomputed layout (physics off): the page is identical for one seed, different for another
    view = whole_view(kg)
    texts = [render_html(view, RenderOptions(physics_max=0, seed=seed)) for seed in (3, 3, 4)]
    assert texts[0] == texts[1] != texts[2]
    (tmp_path / "precomputed.html").write_text(texts[0], encoding="utf-8")
    page = open_page(tmp_path / "precomputed.html", "all-precomputed-layout")
    assert_offline_and_clean(page)
    assert page.js("kjgraph.data.meta.physics") is False
    assert page.counts()[0] == len(view.nodes)


def test_large_views_are_aggregated(built_store: StoreLocation, tmp_path: Path, open_page,
                                    expected: Expected) -> None:
    page = open_page(render(tmp_path, built_store, "all", "--max-nodes", "10"), "all-aggregated")
    assert_offline_and_clean(page)
    nodes = page.js("kjgraph.data.nodes")
    assert all(n["id"].startswith("cluster:") for n in nodes)
    assert sum(n["count"] for n in nodes) == len(expected.nodes)
    assert len(nodes) < len(expected.nodes)


# ---------------------------------------------------------------- labels are text, never markup

@pytest.fixture(scope="session")
def crafted_store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    """The minimal fixture data with a leader labelled with markup, and 'Nara' as two labels."""
    data = tmp_path_factory.mktemp("crafted") / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    people = data / "people.yaml"
    text = people.read_text(encoding="utf-8").replace(
        "{en: Lee Jae-myung, ko: 이재명}", f"{{en: '{XSS_EN}', ko: '{XSS_KO}'}}")
    assert XSS_EN in text
    people.write_text(text, encoding="utf-8")
    places = data / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("{en: Japan, ja: 日本}",
                                                                  "{en: Japan, ja: 日本, de: Nara}"), encoding="utf-8")
    location = StoreLocation(tmp_path_factory.mktemp("crafted-store"))
    build(location, data=data, progress=False)
    return location


@pytest.mark.slow
def test_markup_in_labels_is_shown_as_text(crafted_store: StoreLocation, tmp_path: Path, open_page) -> None:
    person = ID + "person/lee-jae-myung"
    for args in (("all",), ("entity", person), ("meetings",)):
        html = render(tmp_path, crafted_store, *args)
        assert "<img src=x" not in html.read_text(encoding="utf-8")
        page = open_page(html, "xss-" + args[0])
        assert_offline_and_clean(page)
        page.js("(id) => kjgraph.select(id)", person)
        assert page.js("window.__pwned") is None
        assert page.js("document.querySelectorAll('img').length") == 0
        assert page.page.inner_text("#kj-details h2") == XSS_EN
        assert page.js("(id) => kjgraph.nodes.get(id).label", person) == XSS_EN
        assert page.js("(id) => kjgraph.nodes.get(id).title.querySelector('strong').textContent", person) == XSS_EN
        if args[0] == "entity":
            assert XSS_EN in page.page.inner_text("#kj-title") and XSS_EN in page.page.title()
        page.js("kjgraph.setLanguage('ko')")
        assert page.js("(id) => kjgraph.nodes.get(id).title.querySelector('strong').textContent", person) == XSS_KO
        if args[0] == "entity":  # the title is translated, with the Korean name, still as text
            assert XSS_KO in page.page.inner_text("#kj-title") and XSS_KO in page.page.title()
        assert page.js("window.__pwned") is None


def test_ambiguous_label_lists_the_candidates(crafted_store: StoreLocation, tmp_path: Path) -> None:
    result = run_cli("render", "entity", "nara", "--store", str(crafted_store.root), "-o", str(tmp_path / "x.html"))
    assert result.returncode == 1
    assert "names 2 entities" in result.stderr
    assert ID + "country/jp" in result.stderr and ID + "place/nara" in result.stderr
