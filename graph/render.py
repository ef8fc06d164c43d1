"""Interactive, offline HTML renderings of the graph (vis-network, as shipped inside pyvis).

A *view* is a :class:`ViewGraph`: the entities a reader cares about (leaders, places,
events, bodies, agreements, topics, series, sources) as nodes and the relations between
them as labelled edges. Helper nodes of the RDF model (participations, memberships,
tenures, time entities) become edges or attributes instead of nodes. Views:

* :func:`whole_view` – everything;
* :func:`neighbourhood_view` – an entity (IRI, ``kind:slug`` or a label in any language)
  and everything within N hops;
* :func:`period_view` – the network as it stood between two years;
* :func:`topic_view` – a topic, its narrower topics, what is about them and its context;
* :func:`meetings_view` – leaders linked by the meetings they held (one edge per meeting).

:func:`write_html` writes one self-contained page: vis-network's JavaScript and CSS are
read from the installed pyvis package and inlined into kjgraph's own template (pyvis's
templates load Bootstrap and vis-network from CDNs), so the page makes no request at
all; a Content-Security-Policy forbids any. Data travels as a JSON blob whose ``<``,
``>`` and ``&`` are escaped, and the page builds every label, tooltip and detail with
``textContent``, so markup in the data is shown as text and never runs.

Year filter semantics (the same in Python and in the page's script): a dated node
(events; agreements and bodies from their start, open-ended unless terminated) is shown
when its years overlap the chosen period; a node without dates of its own (people,
places, topics, sources) is shown when a dated neighbour (or a dated edge, such as a
meeting) is shown; a node with no dated neighbour at all (timeless vocabulary) is always
shown. An edge is shown when both ends are, and, if dated, when it overlaps the period.

Large graphs stay usable: up to ``physics_max`` nodes vis-network's physics lays the
graph out (seeded, a bounded number of iterations, then frozen); above it positions are
precomputed here (a timeline layout: x is the year, y the kind of entity; undated nodes
sit among their neighbours) and physics is off; above ``max_nodes`` entities are
aggregated by kind and decade.

>>> from kjgraph.query import KnowledgeGraph
>>> view = whole_view(KnowledgeGraph.in_memory())
>>> any(n.kind == "Summit" for n in view.nodes.values())
True
>>> import tempfile, pathlib
>>> page = pathlib.Path(tempfile.mkdtemp()) / "graph.html"
>>> write_html(view, page).stat().st_size > 400_000   # vis-network is inlined
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kjgraph.errors import KjgraphError
from kjgraph.labels import LANGUAGES, check_language, lookup_text
from kjgraph.namespaces import BASE
from kjgraph.options import lang_option
from kjgraph.query import PREFIXES, KnowledgeGraph
from kjgraph.remote import reader_options
from kjgraph.text import display_text

if TYPE_CHECKING:
    import networkx as nx

ID_BASE = f"{BASE}id/"
KJO = PREFIXES["kjo"]

#: Node groups: legend names per language, colour and vis-network shape.
GROUPS: dict[str, dict[str, Any]] = {
    "leader": {"names": {"en": "Leaders", "ko": "정상", "ja": "首脳", "de": "Staats- und Regierungschefs"},
               "color": "#d62728", "shape": "dot"},
    "person": {"names": {"en": "People", "ko": "인물", "ja": "人物", "de": "Personen"},
               "color": "#ff9896", "shape": "dot"},
    "country": {"names": {"en": "Countries", "ko": "국가", "ja": "国", "de": "Staaten"},
                "color": "#1f77b4", "shape": "diamond"},
    "place": {"names": {"en": "Places", "ko": "장소", "ja": "場所", "de": "Orte"},
              "color": "#aec7e8", "shape": "triangle"},
    "meeting": {"names": {"en": "Meetings", "ko": "회담", "ja": "会談", "de": "Treffen"},
                "color": "#2ca02c", "shape": "dot"},
    "event": {"names": {"en": "Other events", "ko": "기타 사건", "ja": "その他の出来事", "de": "Andere Ereignisse"},
              "color": "#98df8a", "shape": "dot"},
    "body": {"names": {"en": "Committees and bodies", "ko": "위원회·기관", "ja": "委員会・機関", "de": "Gremien"},
             "color": "#9467bd", "shape": "square"},
    "agreement": {"names": {"en": "Agreements", "ko": "합의", "ja": "合意", "de": "Vereinbarungen"},
                  "color": "#ff7f0e", "shape": "star"},
    "topic": {"names": {"en": "Topics", "ko": "주제", "ja": "議題", "de": "Themen"},
              "color": "#bcbd22", "shape": "hexagon"},
    "series": {"names": {"en": "Series", "ko": "시리즈", "ja": "シリーズ", "de": "Reihen"},
               "color": "#17becf", "shape": "triangleDown"},
    "source": {"names": {"en": "Sources", "ko": "출처", "ja": "出典", "de": "Quellen"},
               "color": "#c7c7c7", "shape": "square"},
}

#: Relations drawn as edges: key → (predicate IRI, names per language).
RELATIONS: dict[str, tuple[str, dict[str, str]]] = {
    "place": (f"{KJO}place", {"en": "place", "ko": "장소", "ja": "場所", "de": "Ort"}),
    "attendee": ("https://schema.org/attendee",
                 {"en": "participant", "ko": "참석", "ja": "参加", "de": "Teilnehmer"}),
    "partOf": (f"{KJO}partOf", {"en": "part of", "ko": "일부", "ja": "一部", "de": "Teil von"}),
    "inSeries": (f"{KJO}inSeries", {"en": "series", "ko": "시리즈", "ja": "シリーズ", "de": "Reihe"}),
    "reciprocates": (f"{KJO}reciprocates", {"en": "reciprocates", "ko": "답방", "ja": "答礼", "de": "erwidert"}),
    "refersTo": (f"{KJO}refersTo", {"en": "refers to", "ko": "언급", "ja": "言及", "de": "verweist auf"}),
    "about": ("http://purl.org/dc/terms/subject", {"en": "about", "ko": "주제", "ja": "議題", "de": "Thema"}),
    "party": (f"{KJO}party", {"en": "party", "ko": "당사국", "ja": "当事国", "de": "Vertragspartei"}),
    "signatory": (f"{KJO}signatory", {"en": "signatory", "ko": "서명", "ja": "署名", "de": "Unterzeichner"}),
    "signedAt": (f"{KJO}signedAt", {"en": "signed at", "ko": "서명 장소", "ja": "署名地", "de": "unterzeichnet in"}),
    "agreedAt": (f"{KJO}agreedAt", {"en": "agreed at", "ko": "합의 장소", "ja": "合意の場", "de": "vereinbart bei"}),
    "establishedBy": (f"{KJO}establishedBy", {"en": "established by", "ko": "설립", "ja": "設立",
                                               "de": "gegründet von"}),
    "ledBy": (f"{KJO}ledBy", {"en": "led by", "ko": "주관", "ja": "主導", "de": "geleitet von"}),
    "ofCountry": (f"{KJO}ofCountry", {"en": "of", "ko": "소속", "ja": "所属", "de": "gehört zu"}),
    "in": ("https://schema.org/containedInPlace", {"en": "in", "ko": "소재", "ja": "所在", "de": "liegt in"}),
    "nationality": ("https://schema.org/nationality", {"en": "nationality", "ko": "국적", "ja": "国籍",
                                                        "de": "Staatsangehörigkeit"}),
    "broader": ("http://www.w3.org/2004/02/skos/core#broader", {"en": "broader", "ko": "상위 주제",
                                                                 "ja": "上位概念", "de": "Oberbegriff"}),
    "source": ("http://purl.org/dc/terms/source", {"en": "source", "ko": "출처", "ja": "出典", "de": "Quelle"}),
}
#: Relations that are not single triples: derived from the model's helper nodes.
DERIVED_RELATIONS: dict[str, dict[str, str]] = {
    "member": {"en": "member", "ko": "회원", "ja": "構成員", "de": "Mitglied"},
    "host": {"en": "host", "ko": "주최", "ja": "主催", "de": "Gastgeber"},
    "guest": {"en": "guest", "ko": "방문", "ja": "訪問側", "de": "Gast"},
    "participant": {"en": "participant", "ko": "참석", "ja": "参加", "de": "Teilnehmer"},
    "met": {"en": "met", "ko": "회담", "ja": "会談", "de": "traf"},
    "aggregate": {"en": "relations", "ko": "관계", "ja": "関係", "de": "Beziehungen"},
}
#: The classes whose instances are nodes, most specific group first.
_NODE_CLASSES = ("Person", "Country", "Place", "DiplomaticMeeting", "Event", "Organization", "Agreement",
                 "Proposal", "SharedPosition", "Topic", "EventSeries", "Source")
#: Nodes whose existence starts at their date and lasts until terminated.
_OPEN_ENDED = {"body", "agreement"}


class RenderError(KjgraphError):
    """A view could not be made (unknown entity, ambiguous label, empty period …)."""


@dataclass
class Node:
    """One entity of a view. ``start``/``end`` are years; ``end`` None with a start means open-ended."""

    id: str
    group: str
    kind: str
    labels: dict[str, str]
    start: int | None = None
    end: int | None = None
    dates: str = ""
    place: str | None = None
    sources: list[str] = field(default_factory=list)
    count: int = 0                     # aggregated nodes: how many entities
    members: list[str] = field(default_factory=list)  # aggregated nodes: a sample of labels

    @property
    def dated(self) -> bool:
        return self.start is not None


@dataclass
class Edge:
    """One relation of a view, directed as in the graph."""

    source: str
    target: str
    relation: str
    labels: dict[str, str] | None = None  # overrides the relation's name (meetings: the event)
    start: int | None = None
    end: int | None = None
    dates: str = ""
    sources: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class ViewGraph:
    """Nodes and edges of one view, with the titles and URLs of the sources they cite."""

    title: str
    nodes: dict[str, Node]
    edges: list[Edge]
    source_info: dict[str, dict[str, str]] = field(default_factory=dict)
    initial_years: tuple[int, int] | None = None
    aggregated: bool = False

    def subgraph(self, keep: Iterable[str], title: str) -> ViewGraph:
        """The nodes in ``keep`` and the edges between them."""
        ids = set(keep)
        return replace(self, title=title, nodes={k: v for k, v in self.nodes.items() if k in ids},
                       edges=[e for e in self.edges if e.source in ids and e.target in ids])

    def to_networkx(self) -> nx.MultiDiGraph:
        import networkx as nx

        graph = nx.MultiDiGraph()
        graph.add_nodes_from(self.nodes)
        graph.add_edges_from((e.source, e.target) for e in self.edges)
        return graph

    def year_extent(self) -> tuple[int, int] | None:
        items: list[Node | Edge] = [*self.nodes.values(), *self.edges]
        years = [y for n in items for y in (n.start, n.end) if y is not None]
        return (min(years), max(years)) if years else None


# ---------------------------------------------------------------- extraction from the store

def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and re.match(r"^-?\d{4}", value) else None


def _rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, Any]]:
    """The rows of a query whose patterns bind the variables read (so no check for None)."""
    return kg.rows(sparql)  # type: ignore[return-value]


def _values(items: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in items)


def whole_view(kg: KnowledgeGraph, *, sources: bool = True) -> ViewGraph:
    """Every entity of the graph and every relation between two of them."""
    classes = " ".join(f"kjo:{c}" for c in _NODE_CLASSES)
    types: dict[str, set[str]] = defaultdict(set)
    for row in _rows(kg, f"""SELECT ?s ?c WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c .
                          FILTER(STRSTARTS(STR(?s), "{ID_BASE}")) }}"""):
        types[row["s"].value].add(row["c"].value.rsplit("#", 1)[1])
    kinds: dict[str, str] = {}
    for row in _rows(kg, f"""SELECT ?s ?t WHERE {{ ?s a ?c ; a ?t . VALUES ?c {{ {classes} }}
            FILTER(STRSTARTS(STR(?s), "{ID_BASE}") && STRSTARTS(STR(?t), STR(kjo:)))
            FILTER NOT EXISTS {{ ?s a ?sub . ?sub rdfs:subClassOf+ ?t . FILTER(?sub != ?t) }} }}"""):
        kinds.setdefault(row["s"].value, row["t"].value.rsplit("#", 1)[1])
    leaders = {r["p"].value for r in _rows(kg, "SELECT DISTINCT ?p WHERE { ?t kjo:holder ?p }")}
    nodes: dict[str, Node] = {}
    for iri, cls in types.items():
        group = _group(cls, iri in leaders)
        if group == "source" and not sources:
            continue
        nodes[iri] = Node(iri, group, kinds.get(iri, sorted(cls)[0]), {})
    for row in _rows(kg, "SELECT ?s ?l WHERE { ?s rdfs:label ?l }"):
        node = nodes.get(row["s"].value)
        if node is not None:
            node.labels.setdefault(row["l"].language or "", row["l"].value)
    _add_dates(kg, nodes)
    for row in _rows(kg, "SELECT ?s ?p WHERE { ?s kjo:place ?p }"):
        if row["s"].value in nodes:
            nodes[row["s"].value].place = row["p"].value
    source_info: dict[str, dict[str, str]] = {}
    for row in _rows(kg, """SELECT ?s ?title ?url WHERE { ?s a kjo:Source ; rdfs:label ?title
                          OPTIONAL { ?s schema:url ?url } }"""):
        info = source_info.setdefault(row["s"].value, {"title": row["title"].value})
        url = row["url"].value if row["url"] is not None else ""
        if url.startswith(("http://", "https://")) and not url.startswith(BASE):
            info["url"] = url
    for row in _rows(kg, "SELECT ?s ?src WHERE { ?s dcterms:source ?src } ORDER BY ?src"):
        if row["s"].value in nodes:
            nodes[row["s"].value].sources.append(row["src"].value)
    return ViewGraph("kjgraph: the whole graph", nodes, _edges(kg, nodes), source_info)


def _group(classes: set[str], leader: bool) -> str:
    if "Person" in classes:
        return "leader" if leader else "person"
    for cls, group in (("Country", "country"), ("Place", "place"), ("DiplomaticMeeting", "meeting"),
                       ("Event", "event"), ("Organization", "body"), ("Agreement", "agreement"),
                       ("Proposal", "agreement"), ("SharedPosition", "agreement"), ("Topic", "topic"),
                       ("EventSeries", "series")):
        if cls in classes:
            return group
    return "source"


def _add_dates(kg: KnowledgeGraph, nodes: dict[str, Node]) -> None:
    """Years for the filter (kjo:earliestDate/latestDate, kjo:terminatedOn) and dates to display."""
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, path in (("first", "kjo:earliestDate"), ("last", "kjo:latestDate"), ("end", "kjo:terminatedOn"),
                      ("from", "schema:startDate|kjo:signedOn|kjo:establishedOn"), ("to", "schema:endDate"),
                      ("published", "schema:datePublished")):
        for row in _rows(kg, f"SELECT ?s ?v WHERE {{ ?s {path} ?v }}"):
            if row["s"].value in nodes:
                values[row["s"].value][key].append(row["v"].value)
    for s, found in values.items():
        node = nodes[s]
        get = {k: (min(v) if k in ("first", "from", "published") else max(v)) if v else None
               for k, v in ((k, found.get(k, [])) for k in ("first", "last", "end", "from", "to", "published"))}
        node.dates = get["from"] or get["published"] or get["first"] or ""
        if get["to"] and get["to"] != get["from"]:
            node.dates += f" – {get['to']}"
        if get["end"]:
            node.dates += f" (until {get['end']})"
        if get["first"] is None or node.group == "source":
            continue  # sources are dated by publication, which is not a time of the network
        node.start = _year(get["first"])
        node.end = _year(get["end"]) if node.group in _OPEN_ENDED else _year(get["last"] or get["first"])


def _edges(kg: KnowledgeGraph, nodes: dict[str, Node]) -> list[Edge]:
    by_predicate = {iri: key for key, (iri, _) in RELATIONS.items()}
    roles: dict[tuple[str, str], str] = {}
    for row in _rows(kg, """SELECT ?e ?p ?r WHERE { ?e kjo:participation ?x . ?x kjo:participant ?p ;
                          kjo:role ?r }"""):
        role = row["r"].value.rsplit("#", 1)[1]
        roles[(row["e"].value, row["p"].value)] = {"participantRole": "participant",
                                                   "signatoryRole": "signatory"}.get(role, role)
    found: dict[tuple[str, str, str], Edge] = {}
    rows = _rows(kg, f"""SELECT ?s ?p ?o ?src WHERE {{ VALUES ?p {{ {_values(by_predicate)} }} ?s ?p ?o .
                       OPTIONAL {{ GRAPH ?g {{ ?s ?p ?o }} ?g prov:wasDerivedFrom ?src }} }}
                       ORDER BY ?s ?p ?o ?src""")
    rows += _rows(kg, """SELECT ?s ("member" AS ?p) ?o ?src WHERE { ?m a kjo:BodyMembership ; org:member ?s ;
                       org:organization ?o OPTIONAL { ?m dcterms:source ?src } } ORDER BY ?s ?o ?src""")
    for row in rows:
        s, o = row["s"].value, row["o"].value
        if s not in nodes or o not in nodes:
            continue
        key = by_predicate.get(row["p"].value, row["p"].value)
        relation = roles.get((s, o), "participant") if key == "attendee" else key
        edge = found.setdefault((s, key, o), Edge(s, o, relation))
        if row["src"] is not None and row["src"].value not in edge.sources:
            edge.sources.append(row["src"].value)
    return list(found.values())


# ---------------------------------------------------------------- views

def resolve_entity(view: ViewGraph, text: str) -> str:
    """The IRI of the node named by ``text``: an IRI, ``kind:slug``, a label in any language
    (exact, case-insensitive) or a slug (:func:`kjgraph.entities.match_entity`, the resolver
    ``kjgraph analyze`` uses too). Raises :class:`RenderError` when missing or ambiguous.

    >>> view = ViewGraph("t", {"https://w3id.org/kjgraph/id/place/nara":
    ...     Node("https://w3id.org/kjgraph/id/place/nara", "place", "City", {"en": "Nara", "ko": "나라"})}, [])
    >>> resolve_entity(view, "나라")
    'https://w3id.org/kjgraph/id/place/nara'
    """
    from kjgraph.entities import EntityError, match_entity

    try:
        return match_entity(text, {iri: list(n.labels.values()) for iri, n in view.nodes.items()},
                            demote={iri for iri, n in view.nodes.items() if n.group == "source"},
                            english={iri: n.labels.get("en", "") for iri, n in view.nodes.items()})
    except EntityError as exc:
        raise RenderError(str(exc)) from None


def neighbourhood_view(view: ViewGraph, entity: str, hops: int = 1, lang: str = "en") -> ViewGraph:
    """``entity`` and every entity within ``hops`` relations, walking through anything but
    sources (which would join everything they cite); the sources cited are added as leaves."""
    import networkx as nx

    if hops < 0:
        raise RenderError(f"hops must be 0 or more, got {hops}")
    iri = resolve_entity(view, entity)
    walk = view.subgraph((k for k, n in view.nodes.items() if n.group != "source" or k == iri), "")
    near = set(nx.ego_graph(walk.to_networkx().to_undirected(as_view=True), iri, radius=hops))
    near |= {s for k in near for s in view.nodes[k].sources if s in view.nodes}
    label = display_text(_best_label(view.nodes[iri].labels, lang))
    return view.subgraph(near, f"kjgraph: {label} and its neighbourhood ({hops} hop{'s' * (hops != 1)})")


def period_view(view: ViewGraph, start: int | None, end: int | None) -> ViewGraph:
    """The network as it stood from year ``start`` to ``end`` (inclusive; None = open)."""
    extent = view.year_extent() or (0, 0)
    lo, hi = start if start is not None else extent[0], end if end is not None else extent[1]
    if lo > hi:
        raise RenderError(f"--from {lo} is after --to {hi}")
    nodes, edges = visible_in_period(view, lo, hi)
    sub = view.subgraph(nodes, f"kjgraph: {lo}–{hi}")
    sub.edges = edges
    sub.initial_years = (lo, hi)
    return sub


def topic_view(view: ViewGraph, topic: str, lang: str = "en") -> ViewGraph:
    """A topic with its narrower topics, the entities about them, and those entities' neighbours
    other than further topics."""
    import networkx as nx

    iri = resolve_entity(view, topic)
    if view.nodes[iri].group != "topic":
        raise RenderError(f"{iri} is not a topic")
    narrower = nx.DiGraph((e.target, e.source) for e in view.edges if e.relation == "broader")
    narrower.add_node(iri)
    topics = {iri} | nx.descendants(narrower, iri)
    core = topics | {e.source for e in view.edges if e.relation == "about" and e.target in topics}
    keep = set(core)
    for e in view.edges:
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if a in core and (b in topics or view.nodes[b].group != "topic"):
                keep.add(b)
    return view.subgraph(keep, f"kjgraph: topic {display_text(_best_label(view.nodes[iri].labels, lang))}")


def meetings_view(kg: KnowledgeGraph, view: ViewGraph) -> ViewGraph:
    """Leaders linked by the diplomatic meetings they held: one dated edge per meeting and pair."""
    rows = _rows(kg, """SELECT DISTINCT ?e ?p WHERE {
                          ?e a kjo:DiplomaticMeeting ; kjo:participation/kjo:participant ?p } ORDER BY ?e ?p""")
    people: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        people[row["e"].value].append(row["p"].value)
    edges: list[Edge] = []
    for event, persons in people.items():
        meeting = view.nodes.get(event)
        if meeting is None:
            continue
        for i, a in enumerate(persons):
            for b in persons[i + 1:]:
                if a in view.nodes and b in view.nodes:
                    edges.append(Edge(a, b, "met", labels=meeting.labels, start=meeting.start, end=meeting.end,
                                      dates=meeting.dates, sources=list(meeting.sources)))
    keep = {e.source for e in edges} | {e.target for e in edges}
    nodes = {k: replace(view.nodes[k], sources=list(view.nodes[k].sources)) for k in sorted(keep)}
    return ViewGraph("kjgraph: meetings between leaders", nodes, edges, view.source_info)


def _overlaps(start: int, end: int | None, lo: int, hi: int) -> bool:
    return start <= hi and (end is None or end >= lo)


def visible_in_period(view: ViewGraph, lo: int, hi: int) -> tuple[set[str], list[Edge]]:
    """Nodes and edges shown for the years ``lo``–``hi`` (the rule in the module docstring).

    >>> a = Node("a", "meeting", "Summit", {"en": "A"}, 1990, 1990)
    >>> p = Node("p", "leader", "Person", {"en": "P"})
    >>> t = Node("t", "topic", "Topic", {"en": "T"})
    >>> v = ViewGraph("t", {"a": a, "p": p, "t": t}, [Edge("p", "a", "host")])
    >>> sorted(visible_in_period(v, 2000, 2010)[0]), sorted(visible_in_period(v, 1980, 1990)[0])
    (['t'], ['a', 'p', 't'])
    """
    nodes = view.nodes
    shown = {k for k, n in nodes.items() if n.start is not None and _overlaps(n.start, n.end, lo, hi)}
    anchored: set[str] = set()
    has_anchor: set[str] = set()
    for e in view.edges:
        for u, v in ((e.source, e.target), (e.target, e.source)):
            if nodes[u].start is not None:
                continue
            if e.start is not None:
                has_anchor.add(u)
                if _overlaps(e.start, e.end, lo, hi) and (nodes[v].start is None or v in shown):
                    anchored.add(u)
            elif nodes[v].start is not None:
                has_anchor.add(u)
                if v in shown:
                    anchored.add(u)
    shown |= anchored | {k for k, n in nodes.items() if n.start is None and k not in has_anchor}
    edges = [e for e in view.edges if e.source in shown and e.target in shown
             and (e.start is None or _overlaps(e.start, e.end, lo, hi))]
    return shown, edges


def aggregate(view: ViewGraph) -> ViewGraph:
    """One node per kind of entity and decade (undated: per kind), one edge per pair of groups."""
    cluster_of: dict[str, str] = {}
    clusters: dict[str, Node] = {}
    for iri, n in view.nodes.items():
        decade = (n.start // 10) * 10 if n.start is not None else None
        key = f"cluster:{n.group}:{decade if decade is not None else 'undated'}"
        cluster_of[iri] = key
        c = clusters.get(key)
        if c is None:
            names = GROUPS[n.group]["names"]
            labels = {lang: f"{names[lang]} {decade}s" if decade is not None else names[lang]
                      for lang in LANGUAGES}
            end = None if n.group in _OPEN_ENDED or decade is None else decade + 9
            c = clusters[key] = Node(key, n.group, "cluster", labels, decade, end,
                                     f"{decade}–{decade + 9}" if decade is not None else "")
        c.count += 1
        if len(c.members) < 8:
            c.members.append(_best_label(n.labels, "en"))
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for e in view.edges:
        a, b = cluster_of[e.source], cluster_of[e.target]
        if a != b:
            weights[(a, b)] += 1
    for c in clusters.values():
        for lang in LANGUAGES:
            c.labels[lang] += f" ({c.count})"
    edges = [Edge(a, b, "aggregate", count=w) for (a, b), w in sorted(weights.items())]
    return ViewGraph(f"{view.title} (aggregated: {len(view.nodes)} entities)", clusters, edges,
                     view.source_info, view.initial_years, aggregated=True)


def _best_label(labels: dict[str, str], lang: str) -> str:
    """The label a reader of ``lang`` sees (RFC 4647 lookup, :func:`kjgraph.labels.lookup_text`)."""
    return lookup_text(labels, lang, missing="?")


# ---------------------------------------------------------------- layout

def timeline_layout(view: ViewGraph, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Deterministic positions for large views: x by year, y by kind; undated nodes are moved to
    the mean of their neighbours (a few rounds of Laplacian smoothing), so hubs sit among what
    they join. Linear in the size of the graph.

    >>> v = ViewGraph("t", {"a": Node("a", "meeting", "Summit", {}, 1965, 1965),
    ...                     "b": Node("b", "meeting", "Summit", {}, 2025, 2025),
    ...                     "p": Node("p", "leader", "Person", {})}, [Edge("p", "a", "x"), Edge("p", "b", "x")])
    >>> pos = timeline_layout(v)
    >>> pos["a"][0] < pos["p"][0] < pos["b"][0]
    True
    """
    rng = random.Random(seed)
    order = list(GROUPS)
    extent = view.year_extent() or (0, 1)
    span = max(extent[1] - extent[0], 1)
    width = max(1500.0, 40.0 * math.sqrt(len(view.nodes)) * 4)
    band = width / (len(order) * 1.5)
    pos: dict[str, list[float]] = {}
    for iri in sorted(view.nodes):
        n = view.nodes[iri]
        y = order.index(n.group) * band + rng.uniform(0, band * 0.9)
        if n.start is not None:
            x = (n.start - extent[0]) / span * width + rng.uniform(-0.4, 0.4) * width / span
        else:
            x = rng.uniform(0, width)
        pos[iri] = [x, y]
    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    floating = sorted(k for k, n in view.nodes.items() if n.start is None and neighbours[k])
    for _ in range(15):
        for k in floating:
            near = neighbours[k]
            mx = sum(pos[v][0] for v in near) / len(near)
            my = sum(pos[v][1] for v in near) / len(near)
            pos[k] = [0.5 * pos[k][0] + 0.5 * mx, 0.5 * pos[k][1] + 0.5 * my]
    for k in floating:  # spread nodes that smoothing put on the same spot
        pos[k][0] += rng.uniform(-band, band) * 0.3
        pos[k][1] += rng.uniform(-band, band) * 0.3
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


# ---------------------------------------------------------------- HTML

@dataclass(frozen=True)
class RenderOptions:
    """How a page is made.

    ``lang``: labels' language (en, ko, ja, de; falls back to English). ``link_base``: base URL of a
    running linked-data server (``http://127.0.0.1:8000``); details then link to
    ``<link_base>/id/<kind>/<slug>``. ``seed``: layout seed. ``physics_max``: largest view laid out by
    vis-network's physics. ``max_nodes``: largest view drawn entity by entity, above it aggregated.
    ``edge_labels_max``: above this many edges, relation names show in tooltips only.
    """

    lang: str = "en"
    link_base: str | None = None
    seed: int = 1
    physics_max: int = 400
    max_nodes: int = 6000
    edge_labels_max: int = 1500
    physics: bool | None = None  # None: decided by size; True/False forces it (the benchmark's baseline)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", check_language(self.lang))
        if self.link_base is not None and not re.match(r"^https?://[^\s\"'<>]+$", self.link_base):
            raise RenderError(f"--link-base must be an http(s) URL, got {self.link_base!r}")


def _asset(name: str) -> str:
    return (Path(str(files("kjgraph"))) / "templates" / name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    try:
        root = Path(str(files("pyvis")))
    except ModuleNotFoundError as exc:
        raise RenderError("rendering needs the pyvis package (pip install pyvis)") from exc
    return (root / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped, so data
    can neither close the element (``</script>``) nor open a comment (``<!--``).

    >>> safe_json({"label": "</script><!--"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(view: ViewGraph, options: RenderOptions) -> dict[str, Any]:
    """The JSON the page is built from (exposed in the page as ``window.kjgraph``)."""
    if len(view.nodes) > options.max_nodes:
        view = aggregate(view)
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    physics = options.physics if options.physics is not None else len(view.nodes) <= options.physics_max
    positions = {} if physics else timeline_layout(view, options.seed)
    nodes = []
    for iri in sorted(view.nodes):
        n = view.nodes[iri]
        item: dict[str, Any] = {"id": iri, "group": n.group, "kind": n.kind, "labels": n.labels,
                                "names": {lang: _best_label(n.labels, lang) for lang in LANGUAGES},
                                "value": n.count or degree[iri] + 1, "start": n.start, "end": n.end}
        for key, value in (("dates", n.dates), ("place", n.place), ("sources", n.sources), ("count", n.count),
                           ("members", n.members)):
            if value:
                item[key] = value
        if iri in positions:
            item["x"], item["y"] = positions[iri]
        nodes.append(item)
    edges = []
    for i, e in enumerate(view.edges):
        item = {"id": f"e{i}", "from": e.source, "to": e.target, "rel": e.relation}
        if e.labels:
            item["names"] = {lang: _best_label(e.labels, lang) for lang in LANGUAGES}
        extra: tuple[tuple[str, Any], ...] = (("labels", e.labels), ("start", e.start), ("end", e.end),
                                              ("dates", e.dates), ("sources", e.sources), ("count", e.count))
        for key, value in extra:
            if value:
                item[key] = value
        edges.append(item)
    cited = {s for item in [*nodes, *edges] for s in item.get("sources", [])}
    relations = {k: names for k, (_, names) in RELATIONS.items()} | DERIVED_RELATIONS
    return {
        "meta": {"title": view.title, "lang": options.lang, "languages": list(LANGUAGES),
                 "linkBase": options.link_base, "idBase": BASE, "seed": options.seed, "physics": physics,
                 "iterations": 300 if len(nodes) < 150 else 150, "aggregated": view.aggregated,
                 "edgeLabels": len(edges) <= options.edge_labels_max, "years": view.year_extent(),
                 "initialYears": view.initial_years,
                 "groups": {k: g for k, g in GROUPS.items() if any(n["group"] == k for n in nodes)},
                 "relations": relations},
        "nodes": nodes,
        "edges": edges,
        "sources": {k: v for k, v in view.source_info.items() if k in cited},
    }


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_html(view: ViewGraph, options: RenderOptions | None = None) -> str:
    """The self-contained page of a view (no request leaves the page)."""
    from jinja2 import Environment

    options = options or RenderOptions()
    vis_js, app_js = _vis_asset("vis-network.min.js"), _asset("render.js")
    for name, script in (("vis-network.min.js", vis_js), ("render.js", app_js)):
        if re.search(r"</script|<!--", script, re.IGNORECASE):
            raise RenderError(f"{name} cannot be inlined: it contains '</script' or '<!--'")
    data = page_data(view, options)
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_asset("render.html.j2"))
    return template.render(title=data["meta"]["title"], lang=options.lang, data_json=safe_json(data),
                           vis_js=vis_js, app_js=app_js, vis_css=_vis_asset("vis-network.css"),
                           app_css=_asset("render.css"),
                           script_hashes=f"{_csp_hash(vis_js)} {_csp_hash(app_js)}")


def write_html(view: ViewGraph, out: Path | str, options: RenderOptions | None = None) -> Path:
    """Write the page of ``view`` to ``out`` and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(view, options), encoding="utf-8")
    return out


VIEWS = ("all", "entity", "period", "topic", "meetings")


def make_view(kg: KnowledgeGraph, view: str, target: str | None = None, *, hops: int = 1,
              start: int | None = None, end: int | None = None, sources: bool = True,
              lang: str = "en") -> ViewGraph:
    """The view named ``view`` (one of :data:`VIEWS`); ``target`` names the entity or topic."""
    if view not in VIEWS:
        raise RenderError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if view in ("entity", "topic") and not target:
        raise RenderError(f"the {view} view needs the {view} to show (an IRI, kind:slug or a label)")
    whole = whole_view(kg, sources=sources)
    if view == "all":
        result = whole
    elif view == "entity":
        result = neighbourhood_view(whole, target or "", hops, lang)
    elif view == "topic":
        result = topic_view(whole, target or "", lang)
    elif view == "meetings":
        result = meetings_view(kg, whole)
    else:
        result = period_view(whole, start, end)
    if view != "period" and (start is not None or end is not None):
        extent = result.year_extent()
        if extent:
            result.initial_years = (start if start is not None else extent[0], end if end is not None else extent[1])
    if not result.nodes:
        raise RenderError(f"the {view} view is empty")
    return result


@click.command("render")
@click.argument("view", type=click.Choice(VIEWS), default="all")
@click.argument("target", required=False)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("kjgraph.html"),
              show_default=True, help="The HTML file to write.")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="entity view: how many relations away from the entity.")
@click.option("--from", "start", type=int, help="First year shown (period view; else the slider's start).")
@click.option("--to", "end", type=int, help="Last year shown (period view; else the slider's end).")
@lang_option("Language of labels and legend (the page can switch).")
@click.option("--link-base", metavar="URL", default=None,
              help="Base URL of a running kjgraph server; details link to URL/id/<kind>/<slug>.")
@click.option("--seed", type=int, default=1, show_default=True, help="Layout seed (same seed, same layout).")
@click.option("--max-nodes", type=click.IntRange(min=10), default=RenderOptions.max_nodes, show_default=True,
              help="Above this many nodes, aggregate entities by kind and decade.")
@click.option("--physics-max", type=click.IntRange(min=0), default=RenderOptions.physics_max, show_default=True,
              help="Up to this many nodes the browser lays the graph out (physics); above, precomputed.")
@click.option("--no-sources", is_flag=True, help="Leave the source nodes out (tooltips still cite them).")
@click.option("--store", type=click.Path(path_type=Path), default=None, envvar="KJGRAPH_STORE",
              help="Store directory (default: $KJGRAPH_STORE, else ~/.local/share/kjgraph).")
@reader_options
def render_command(view: str, target: str | None, out: Path, hops: int, start: int | None, end: int | None,
                   lang: str, link_base: str | None, seed: int, max_nodes: int, physics_max: int,
                   no_sources: bool, store: Path | None) -> None:
    """Write an interactive, offline HTML rendering of the graph.

    VIEW is all (default), entity TARGET (an IRI, kind:slug or a label in en/ko/ja/de; --hops),
    period (--from/--to years), topic TARGET, or meetings (leader-to-leader meetings).
    """
    from kjgraph.remote import open_graph

    options = RenderOptions(lang=lang, link_base=link_base, seed=seed, max_nodes=max_nodes,
                            physics_max=physics_max)
    kg = open_graph(store)
    result = make_view(kg, view, target, hops=hops, start=start, end=end, sources=not no_sources, lang=lang)
    write_html(result, out, options)
    note = " (aggregated by kind and decade)" if len(result.nodes) > max_nodes else ""
    click.echo(f"wrote {out}: {len(result.nodes)} nodes, {len(result.edges)} edges{note}")
