"""Network analytics: projections of the RDF graph into networkx graphs, and measures on them.

Projections (each a function returning a networkx graph; node ids are IRIs, every node has a
``label`` attribute in the requested language and a ``kind``):

``leaders``
    Undirected. Nodes: leaders (people who took part in a leader-level meeting in the capacity
    of a term as President of the Republic of Korea or Prime Minister of Japan). An edge joins
    two leaders for every leader-level meeting they both attended in that capacity;
    ``weight`` is the number of meetings, ``dates`` their first days (ISO, sorted, ';'-joined).
``events-topics``
    Undirected, bipartite. Nodes: events (``bipartite=0``) and topics (``bipartite=1``);
    an edge for each ``dcterms:subject`` of an event.
``topics``
    Undirected. Nodes: topics on the agenda of at least one event. Topics are joined when they
    appear on the same event; ``weight`` is the number of such events.
``places``
    Undirected, bipartite. Nodes: places (``bipartite=0``, with ``events``, the number of events
    held there) and events (``bipartite=1``); an edge for each ``kjo:place`` of an event.
``full``
    Directed multigraph of every link between two kjgraph instances
    (``https://w3id.org/kjgraph/id/…``), keyed by predicate (``predicate`` attribute, a CURIE),
    without the time instants (``id/time/…``), which would join everything on the same day.
    ``kind`` is the most specific kjgraph class of the node.

All projections take an optional period (``start``/``end``, ISO days) that keeps only events
whose first day falls in it (and, for ``full``, all non-event nodes).

>>> from kjgraph.query import KnowledgeGraph
>>> g = leaders_graph(KnowledgeGraph.in_memory())
>>> g.has_edge(ID + "person/lee-jae-myung", ID + "person/sanae-takaichi")
True
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kjgraph.errors import QueryError
from kjgraph.query import PREFIXES, Graph, curie, plain
from kjgraph.text import check_xml_text, xml_document

if TYPE_CHECKING:  # networkx is imported when needed, to keep `kjgraph` quick to start
    import networkx as nx

ID = PREFIXES["kjg"]
KJO = PREFIXES["kjo"]
PROJECTIONS = ("leaders", "events-topics", "topics", "places", "full")

_LABELS = """
SELECT ?node ?label WHERE {
  ?node rdfs:label ?label . FILTER (STRSTARTS(STR(?node), "https://w3id.org/kjgraph/id/"))
}
"""

# First day of every event (the most precise where sources differ, as in the query library).
_EVENT_DAYS = """
SELECT ?event (MAX(?d) AS ?day) WHERE { ?event a kjo:Event ; kjo:earliestDate ?d } GROUP BY ?event
"""

_LEADER_PARTICIPATION = """
SELECT DISTINCT ?event ?leader WHERE {
  VALUES ?office { office:president-kr office:prime-minister-jp }
  ?event a kjo:LeadersMeeting ;  # the counting rule: each leaders' meeting, never a visit
         kjo:participation/kjo:inCapacityOf/kjo:office office:president-kr ;
         kjo:participation/kjo:inCapacityOf/kjo:office office:prime-minister-jp ;
         kjo:participation ?part .
  ?part kjo:participant ?leader ; kjo:inCapacityOf/kjo:office ?office .
}
"""

_EVENT_TOPICS = "SELECT ?event ?topic WHERE { ?event a kjo:Event ; dcterms:subject ?topic }"
_EVENT_PLACES = "SELECT ?event ?place WHERE { ?event a kjo:Event ; kjo:place ?place }"
_LINKS = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER (isIRI(?o) && ?p != rdf:type
          && STRSTARTS(STR(?s), "https://w3id.org/kjgraph/id/")
          && STRSTARTS(STR(?o), "https://w3id.org/kjgraph/id/")
          && !STRSTARTS(STR(?s), "https://w3id.org/kjgraph/id/time/")
          && !STRSTARTS(STR(?o), "https://w3id.org/kjgraph/id/time/"))
}
"""
_KJO_TYPES = """
SELECT ?node ?type WHERE {
  ?node a ?type . FILTER (STRSTARTS(STR(?type), "https://w3id.org/kjgraph/ontology#"))
  FILTER NOT EXISTS { ?node a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER (?sub != ?type) }
}
"""


@dataclass(frozen=True)
class Period:
    """A closed interval of days; either end may be open (None)."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: date | None) -> bool:
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    @classmethod
    def parse(cls, start: str | None = None, end: str | None = None) -> Period:
        try:
            return cls(date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None)
        except ValueError as exc:
            raise QueryError(f"period: expected days YYYY-MM-DD ({exc})") from None


ALWAYS = Period()


class Projector:
    """Builds the projections of one graph, sharing the labels and event days it reads once."""

    def __init__(self, kg: Graph, lang: str = "en"):
        from kjgraph.labels import check_language

        self.kg = kg
        self.lang = check_language(lang)
        self._labels: dict[str, str] | None = None
        self._days: dict[str, date] | None = None

    def _rows(self, sparql: str) -> list[dict[str, str]]:
        return [{k: v.value for k, v in row.items() if v is not None} for row in self.kg.rows(sparql)]

    @property
    def labels(self) -> dict[str, str]:
        """The label of every kjgraph instance for a reader of ``lang`` (:func:`kjgraph.labels.lookup`)."""
        if self._labels is None:
            from kjgraph.labels import lookup

            found: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for row in self.kg.rows(_LABELS):
                node, label = row["node"], row["label"]
                if node is not None and isinstance(label, ox.Literal):
                    found[node.value].append((label.value, label.language or ""))
            self._labels = {node: picked[0] for node, labels in found.items()
                            if (picked := lookup(sorted(labels), self.lang))}
        return self._labels

    @property
    def days(self) -> dict[str, date]:
        if self._days is None:
            self._days = {r["event"]: date.fromisoformat(r["day"]) for r in self._rows(_EVENT_DAYS)}
        return self._days

    def label(self, iri: str) -> str:
        return self.labels.get(iri, curie(iri))

    def _node(self, g: nx.Graph, iri: str, kind: str, **attrs: Any) -> None:
        if iri not in g:
            g.add_node(iri, label=self.label(iri), kind=kind, **attrs)

    def _events_in(self, period: Period) -> set[str]:
        return {e for e, d in self.days.items() if d in period}

    def _by_event(self, sparql: str, column: str, period: Period) -> dict[str, set[str]]:
        """The values of ``column`` per event of the period, from a query with an ``event`` column."""
        keep = self._events_in(period)
        grouped: dict[str, set[str]] = defaultdict(set)
        for row in self._rows(sparql):
            if row["event"] in keep:
                grouped[row["event"]].add(row[column])
        return grouped

    def leaders(self, period: Period = ALWAYS) -> nx.Graph:
        import networkx as nx

        g = nx.Graph(name="leaders")
        for event, leaders in sorted(self._by_event(_LEADER_PARTICIPATION, "leader", period).items()):
            for leader in leaders:
                self._node(g, leader, "Person")
            for a, b in combinations(sorted(leaders), 2):
                if g.has_edge(a, b):
                    g[a][b]["weight"] += 1
                    g[a][b]["events"].append(event)
                else:
                    g.add_edge(a, b, weight=1, events=[event])
        for _, _, data in g.edges(data=True):
            events = sorted(data.pop("events"), key=lambda e: self.days[e])
            data["dates"] = ";".join(self.days[e].isoformat() for e in events)
            data["events"] = ";".join(events)
        return g

    def events_topics(self, period: Period = ALWAYS) -> nx.Graph:
        import networkx as nx

        g = nx.Graph(name="events-topics")
        keep = self._events_in(period)
        for row in self._rows(_EVENT_TOPICS):
            if row["event"] in keep:
                self._node(g, row["event"], "Event", bipartite=0, date=self.days[row["event"]].isoformat())
                self._node(g, row["topic"], "Topic", bipartite=1)
                g.add_edge(row["event"], row["topic"])
        return g

    def topics(self, period: Period = ALWAYS) -> nx.Graph:
        import networkx as nx

        g = nx.Graph(name="topics")
        for topics in self._by_event(_EVENT_TOPICS, "topic", period).values():
            for topic in topics:
                self._node(g, topic, "Topic")
            for a, b in combinations(sorted(topics), 2):
                weight = g[a][b]["weight"] + 1 if g.has_edge(a, b) else 1
                g.add_edge(a, b, weight=weight)
        return g

    def places(self, period: Period = ALWAYS) -> nx.Graph:
        import networkx as nx

        g = nx.Graph(name="places")
        keep = self._events_in(period)
        hosted: Counter[str] = Counter()
        for row in self._rows(_EVENT_PLACES):
            if row["event"] in keep:
                self._node(g, row["place"], "Place", bipartite=0)
                self._node(g, row["event"], "Event", bipartite=1, date=self.days[row["event"]].isoformat())
                g.add_edge(row["place"], row["event"])
                hosted[row["place"]] += 1
        for place, count in hosted.items():
            g.nodes[place]["events"] = count
        return g

    def full(self, period: Period = ALWAYS) -> nx.MultiDiGraph:
        import networkx as nx

        g = nx.MultiDiGraph(name="full")
        kinds = {r["node"]: curie(r["type"])[4:] for r in self._rows(_KJO_TYPES)}
        dropped = set(self.days) - self._events_in(period)
        for row in self._rows(_LINKS):
            s, p, o = row["s"], row["p"], row["o"]
            if s in dropped or o in dropped:
                continue
            for node in (s, o):
                self._node(g, node, kinds.get(node, node[len(ID):].split("/")[0]))
            g.add_edge(s, o, key=curie(p), predicate=curie(p))
        return g

    def build(self, name: str, period: Period = ALWAYS) -> nx.Graph:
        """The projection called ``name`` (one of :data:`PROJECTIONS`)."""
        builders: dict[str, Callable[[Period], nx.Graph]] = {
            "leaders": self.leaders, "events-topics": self.events_topics, "topics": self.topics,
            "places": self.places, "full": self.full}
        if name not in builders:
            raise QueryError(f"unknown projection {name!r}; expected one of {', '.join(PROJECTIONS)}")
        return builders[name](period)


def leaders_graph(kg: Graph, period: Period = ALWAYS, lang: str = "en") -> nx.Graph:
    return Projector(kg, lang).leaders(period)


def project(kg: Graph, name: str, period: Period = ALWAYS, lang: str = "en") -> nx.Graph:
    """The projection ``name`` of the graph (see the module documentation)."""
    return Projector(kg, lang).build(name, period)


# ---------------------------------------------------------------- measures

def centrality(g: nx.Graph) -> list[dict[str, Any]]:
    """Degree, weighted degree and betweenness centrality of every node, most central first.

    Betweenness treats the graph as undirected and unweighted (a link is a link).
    """
    import networkx as nx

    simple = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
    degree = nx.degree_centrality(simple) if len(simple) > 1 else {n: 0.0 for n in simple}
    between = nx.betweenness_centrality(simple) if len(simple) > 2 else {n: 0.0 for n in simple}
    strength = dict(simple.degree(weight="weight"))
    rows = [{"node": n, "label": g.nodes[n].get("label", n), "kind": g.nodes[n].get("kind", ""),
             "degree": simple.degree(n), "weighted_degree": strength[n],
             "degree_centrality": round(degree[n], 6), "betweenness": round(between[n], 6)}
            for n in simple]
    return sorted(rows, key=lambda r: (-r["betweenness"], -r["degree"], r["label"]))


def communities(g: nx.Graph) -> list[dict[str, Any]]:
    """Communities by greedy modularity maximisation (deterministic), largest first."""
    import networkx as nx

    simple = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
    if simple.number_of_edges() == 0:
        groups: Iterable[set[str]] = [{n} for n in simple]
    else:
        groups = nx.community.greedy_modularity_communities(simple, weight="weight")
    rows = []
    for number, group in enumerate(sorted(groups, key=lambda c: (-len(c), sorted(c))), start=1):
        for n in sorted(group, key=lambda n: g.nodes[n].get("label", n)):
            rows.append({"community": number, "node": n, "label": g.nodes[n].get("label", n),
                         "kind": g.nodes[n].get("kind", "")})
    return rows


def shortest_path(g: nx.Graph, source: str, target: str,
                  avoid_kinds: Iterable[str] = ("Source", "Publisher")) -> list[dict[str, Any]]:
    """The shortest chain of links from ``source`` to ``target``, one row per step.

    Links are followed in either direction; nodes of the kinds in ``avoid_kinds`` (by default
    the source records, which would join any two facts one newspaper reported) are skipped.
    Each row names the node, its label and the link (predicate, with ``^`` when followed
    backwards) that leads to the next node.
    """
    import networkx as nx

    for node in (source, target):
        if node not in g:
            raise QueryError(f"{curie(node)} is not in the graph (or has no links)")
    avoid = set(avoid_kinds)
    keep = [n for n, k in g.nodes(data="kind") if k not in avoid or n in (source, target)]
    view = g.subgraph(keep).to_undirected(as_view=True)
    try:
        nodes = nx.shortest_path(view, source, target)
    except nx.NetworkXNoPath:
        raise QueryError(f"no path from {curie(source)} to {curie(target)}") from None
    rows = []
    for i, node in enumerate(nodes):
        link = ""
        if i + 1 < len(nodes):
            link = _link_name(g, node, nodes[i + 1])
        rows.append({"step": i, "node": node, "label": g.nodes[node].get("label", node),
                     "kind": g.nodes[node].get("kind", ""), "link_to_next": link})
    return rows


def _link_name(g: nx.Graph, a: str, b: str) -> str:
    def names(u: str, v: str) -> list[str]:
        if not g.has_edge(u, v):
            return []
        data = g.get_edge_data(u, v)
        if g.is_multigraph():
            return sorted(d.get("predicate", k) for k, d in data.items())
        return [data.get("predicate", "linked")]
    forward = names(a, b)
    backward = [] if not g.is_directed() else [f"^{n}" for n in names(b, a)]
    return ", ".join(forward + backward)


def periods(kg: Graph, by: str) -> list[tuple[str, Period]]:
    """Named periods: each ``decade`` with events, or each ``administration`` (Korean presidency)."""
    if by == "decade":
        rows = kg.rows("SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { ?e a kjo:Event ; kjo:earliestDate ?d }")
        if not rows or rows[0]["first"] is None:
            return []
        first, last = (int(plain(rows[0][k])[:4]) for k in ("first", "last"))
        return [(f"{y}s", Period(date(y, 1, 1), date(y + 9, 12, 31)))
                for y in range(first // 10 * 10, last // 10 * 10 + 1, 10)]
    if by == "administration":
        rows = kg.rows("""SELECT ?name ?from ?until WHERE {
            ?t kjo:office office:president-kr ; kjo:holder/rdfs:label ?name ; kjo:earliestDate ?from .
            FILTER (LANG(?name) = "en") OPTIONAL { ?t kjo:latestDate ?until } } ORDER BY ?from""")
        return [(f"{plain(r['name'])} ({plain(r['from'])[:4]}–{plain(r['until'])[:4] if r['until'] else ''})",
                 Period(date.fromisoformat(plain(r["from"])),
                        date.fromisoformat(plain(r["until"])) if r["until"] else None))
                for r in rows]
    raise QueryError(f"unknown period kind {by!r}; expected decade or administration")


def over_time(kg: Graph, projection: str, by: str = "decade", top: int = 5,
              lang: str = "en") -> list[dict[str, Any]]:
    """Centrality per period: the ``top`` most central nodes of the projection in each period."""
    projector = Projector(kg, lang)
    rows = []
    for name, period in periods(kg, by):
        g = projector.build(projection, period)
        ranked = centrality(g)
        for rank, row in enumerate(ranked[:top], start=1):
            rows.append({"period": name, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                         "rank": rank, **row})
        if not ranked:
            rows.append({"period": name, "nodes": 0, "edges": 0, "rank": 0, "node": "", "label": "",
                         "kind": "", "degree": 0, "weighted_degree": 0, "degree_centrality": 0.0,
                         "betweenness": 0.0})
    return rows


def write_graph(g: nx.Graph, path: Path) -> Path:
    """Write a projection as GraphML (``.graphml``) or GEXF (``.gexf``) for Gephi and friends."""

    suffix = path.suffix.lower()
    if suffix not in (".graphml", ".gexf"):
        raise QueryError(f"{path}: expected a .graphml or .gexf file name")
    out = g.copy()
    for _, data in out.nodes(data=True):
        data.update({k: str(v) for k, v in data.items() if v is None})
    advice = "GraphML and GEXF are XML; write the table with --csv instead"
    for node, data in out.nodes(data=True):
        for key, value in [("id", node), *data.items()]:
            if isinstance(value, str):
                check_xml_text(value, what=f"the {key} of {curie(str(node))}", advice=advice)
    for a, b, data in out.edges(data=True):
        for key, value in data.items():
            if isinstance(value, str):
                check_xml_text(value, what=f"the {key} of the link {curie(a)} – {curie(b)}", advice=advice)
    from networkx.readwrite.gexf import GEXFWriter
    from networkx.readwrite.graphml import GraphMLWriter

    writer = GraphMLWriter(graph=out) if suffix == ".graphml" else GEXFWriter(graph=out)
    # str(writer), not nx.generate_*: those split the document with str.splitlines, losing CRs
    path.write_text(xml_document(str(writer), advice=advice), encoding="utf-8")
    return path
