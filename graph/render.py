"""Interactive, offline HTML renderings of the graph: pyvis networks written as self-contained pages.

Every view is a :class:`pyvis.network.Network` (vis-network's data and options), so it can be
adjusted with pyvis' own API (``net.toggle_physics(False)``, ``net.barnes_hut(...)``,
``net.add_node(...)``, ``net.set_edge_smooth(...)``) before it is written; :func:`write_network`
writes it as one page that makes no request at all (vis-network's JavaScript and CSS are read
from the installed pyvis package and inlined into kjgraph's template, a Content-Security-Policy
forbids any request; pyvis' own ``write_html`` loads vis-network and Bootstrap from CDNs).

Views of the whole graph go through a :class:`ViewGraph` (entities as nodes, relations as edges;
the helper nodes of the RDF model — participations, tenures, time entities — become edges or
attributes):

* :func:`whole_view` – everything; :func:`period_view` – the network between two years;
* :func:`neighbourhood_view` / :func:`entity_network` – an entity (IRI, ``kind:slug`` or a label in
  any language) and what lies within N hops, drawn so that it is readable: the focus marked,
  *hubs* (countries, sources and entities with more than ``hub_degree`` relations) collapsed —
  drawn, but not expanded — until clicked, sources hidden until the legend shows them, and more
  entities collapsed until at most ``max_shown`` nodes (a screenful, :data:`SCREENFUL`) are shown
  at first (:func:`shown_at_first`; the page applies the same rule);
* :func:`topic_view` – a topic, its narrower topics and what is about them;
* :func:`meetings_view` – leaders linked by every diplomatic meeting they held.

Views that answer questions about the relationship (:mod:`kjgraph.views`, also importable from
here): :func:`timeline_network` – sixty years of diplomacy on a time axis (both countries'
administrations as lanes, every leaders' meeting and call marked by kind, agreements, incidents,
shuttle diplomacy's phases and the years without a meeting, zoom by period);
:func:`leaders_network` – the leaders linked by the meetings they held, counted by the counting
rule, with a year slider.

Every text drawn is in the reader's language (en, ko, ja, de; :mod:`kjgraph.i18n` for the
interface, :func:`kjgraph.labels.lookup` for names) and the page switches language without a
round trip. Data travels as a JSON blob whose ``<``, ``>`` and ``&`` are escaped, and the page builds
every label, tooltip and detail with ``textContent``, so markup in the data is shown as text.

Year filter semantics (the same in Python and in the page's script): a dated node (events;
agreements and bodies from their start, open-ended unless terminated) is shown when its years
overlap the chosen period; a node without dates of its own (people, places, topics, sources) is
shown when a dated neighbour (or a dated edge, such as a meeting) is shown; a node with no dated
neighbour at all (timeless vocabulary) is always shown. An edge is shown when both ends are, and,
if dated, when it overlaps the period.

Large graphs stay usable: up to ``physics_max`` nodes vis-network's physics lays the graph out
(seeded, a bounded number of iterations, then frozen); above it positions are precomputed here
(x is the year, y the kind of entity) and physics is off; above ``max_nodes`` entities are
aggregated by kind and decade.

>>> from kjgraph.query import KnowledgeGraph
>>> view = whole_view(KnowledgeGraph.in_memory())
>>> any(n.kind == "Summit" for n in view.nodes.values())
True
>>> net = to_network(view)             # a pyvis Network: adjust it with pyvis' API …
>>> net.toggle_physics(False)
>>> import tempfile, pathlib
>>> page = pathlib.Path(tempfile.mkdtemp()) / "graph.html"
>>> write_network(net, page).stat().st_size > 400_000   # … and write it: vis-network is inlined
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjgraph.errors import KjgraphError
from kjgraph.i18n import N_, gettext, messages, ngettext
from kjgraph.labels import LANGUAGES, check_language, lookup_text
from kjgraph.namespaces import BASE
from kjgraph.query import PREFIXES, Graph
from kjgraph.text import display_text

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

ID_BASE = f"{BASE}id/"
KJO = PREFIXES["kjo"]
#: The most nodes an entity view shows before the reader expands anything (a screenful).
SCREENFUL = 60
#: Entities with more relations than this (in the whole graph, sources left out) are hubs.
HUB_DEGREE = 20

#: Node groups: legend name (a message id of :mod:`kjgraph.i18n`), colour and vis-network shape.
GROUPS: dict[str, dict[str, Any]] = {
    "leader": {"name": N_("Leaders"), "color": "#d62728", "shape": "dot"},
    "person": {"name": N_("People"), "color": "#ff9896", "shape": "dot"},
    "country": {"name": N_("Countries"), "color": "#1f77b4", "shape": "diamond"},
    "place": {"name": N_("Places"), "color": "#aec7e8", "shape": "triangle"},
    "meeting": {"name": N_("Meetings"), "color": "#2ca02c", "shape": "dot"},
    "event": {"name": N_("Other events"), "color": "#98df8a", "shape": "dot"},
    "body": {"name": N_("Committees and bodies"), "color": "#9467bd", "shape": "square"},
    "agreement": {"name": N_("Agreements"), "color": "#ff7f0e", "shape": "star"},
    "topic": {"name": N_("Topics"), "color": "#bcbd22", "shape": "hexagon"},
    "series": {"name": N_("Series"), "color": "#17becf", "shape": "triangleDown"},
    "source": {"name": N_("Sources"), "color": "#c7c7c7", "shape": "square"},
}

#: Relations drawn as edges: key → (predicate IRI, name as a message id).
RELATIONS: dict[str, tuple[str, str]] = {
    "place": (f"{KJO}place", N_("place")),
    "attendee": ("https://schema.org/attendee", N_("participant")),
    "partOf": (f"{KJO}partOf", N_("part of")),
    "inSeries": (f"{KJO}inSeries", N_("series")),
    "reciprocates": (f"{KJO}reciprocates", N_("reciprocates")),
    "refersTo": (f"{KJO}refersTo", N_("refers to")),
    "about": ("http://purl.org/dc/terms/subject", N_("about")),
    "party": (f"{KJO}party", N_("party")),
    "signatory": (f"{KJO}signatory", N_("signatory")),
    "signedAt": (f"{KJO}signedAt", N_("signed at")),
    "agreedAt": (f"{KJO}agreedAt", N_("agreed at")),
    "establishedBy": (f"{KJO}establishedBy", N_("established by")),
    "ledBy": (f"{KJO}ledBy", N_("led by")),
    "ofCountry": (f"{KJO}ofCountry", N_("of")),
    "in": ("https://schema.org/containedInPlace", N_("in")),
    "nationality": ("https://schema.org/nationality", N_("nationality")),
    "broader": ("http://www.w3.org/2004/02/skos/core#broader", N_("broader")),
    "source": ("http://purl.org/dc/terms/source", N_("source")),
}
#: Relations that are not single triples: derived from the model's helper nodes (message ids).
DERIVED_RELATIONS: dict[str, str] = {
    "member": N_("member"), "host": N_("host"), "guest": N_("guest"), "participant": N_("participant"),
    "met": N_("met"), "aggregate": N_("relations"), "grouped": N_("grouped"),
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
    """Nodes and edges of one view, with the titles and URLs of the sources they cite.

    An entity view also has its ``focus`` (the entity), ``hops``, the ``hubs`` drawn collapsed
    and the node groups hidden at first (``hidden_groups``)."""

    title: str
    nodes: dict[str, Node]
    edges: list[Edge]
    source_info: dict[str, dict[str, str]] = field(default_factory=dict)
    initial_years: tuple[int, int] | None = None
    aggregated: bool = False
    focus: str | None = None
    hops: int | None = None
    hubs: set[str] = field(default_factory=set)
    hidden_groups: set[str] = field(default_factory=set)
    kind_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # the title per language, when it has one

    def subgraph(self, keep: Iterable[str], title: str) -> ViewGraph:
        """The nodes in ``keep`` and the edges between them."""
        ids = set(keep)
        return replace(self, title=title, nodes={k: v for k, v in self.nodes.items() if k in ids},
                       edges=[e for e in self.edges if e.source in ids and e.target in ids],
                       hubs=self.hubs & ids, titles={})

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

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (the view's single title when it has none per language)."""
        return self.titles.get(lang) or self.title


# ---------------------------------------------------------------- extraction from the store

def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and re.match(r"^-?\d{4}", value) else None


def _rows(kg: Graph, sparql: str) -> list[dict[str, Any]]:
    """The rows of a query whose patterns bind the variables read (so no check for None)."""
    return kg.rows(sparql)


def _values(items: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in items)


def whole_view(kg: Graph, *, sources: bool = True) -> ViewGraph:
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
    titles = {lang: "kjgraph: " + gettext("the whole graph", lang) for lang in LANGUAGES}
    return ViewGraph(titles["en"], nodes, _edges(kg, nodes), source_info, kind_labels=kind_labels(kg),
                     titles=titles)


def kind_labels(kg: Graph) -> dict[str, dict[str, str]]:
    """The names of kjgraph's classes in every language (from the ontology's labels, RFC 4647
    lookup): ``{"Summit": {"en": "summit", "ko": "정상회담", …}}``."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _rows(kg, """SELECT ?c ?l WHERE { ?c a owl:Class ; rdfs:label ?l
                          FILTER(STRSTARTS(STR(?c), STR(kjo:))) }"""):
        found[row["c"].value.rsplit("#", 1)[1]].setdefault(row["l"].language or "", row["l"].value)
    return {kind: {lang: lookup_text(labels, lang) for lang in LANGUAGES} for kind, labels in sorted(found.items())}


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


def _add_dates(kg: Graph, nodes: dict[str, Node]) -> None:
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


def _edges(kg: Graph, nodes: dict[str, Node]) -> list[Edge]:
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


def _titles(message: Callable[[str], str], labels: dict[str, str], **values: Any) -> dict[str, str]:
    """A title per language: ``message(lang)`` (a translated text), with the entity's name in that
    language and ``values`` filled in."""
    return {lang: "kjgraph: " + message(lang).format(name=display_text(_best_label(labels, lang)), **values)
            for lang in LANGUAGES}


def _adjacency(view: ViewGraph) -> dict[str, set[str]]:
    """Undirected neighbours, with sources left out (they join everything they cite) unless the
    source is the view's focus."""
    def walkable(k: str) -> bool:
        return view.nodes[k].group != "source" or k == view.focus

    adj: dict[str, set[str]] = defaultdict(set)
    for e in view.edges:
        if e.source in view.nodes and e.target in view.nodes and walkable(e.source) and walkable(e.target):
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
    return adj


def reach(view: ViewGraph, expanded: Iterable[str] = (), *,
          adjacency: dict[str, set[str]] | None = None) -> dict[str, int]:
    """The nodes an entity view shows, with their distance from the focus: a breadth-first walk
    from the focus up to ``hops`` relations that does not go on through a hub unless the hub is in
    ``expanded`` (the hub itself is shown); sources are never walked through. A view without a
    focus shows every node (distance 0). The page's script applies the same rule."""
    if view.focus is None or view.focus not in view.nodes:
        return dict.fromkeys(view.nodes, 0)
    adj = adjacency if adjacency is not None else _adjacency(view)
    open_hubs = set(expanded)
    hops = view.hops if view.hops is not None else 1
    depth = {view.focus: 0}
    queue = deque([view.focus])
    while queue:
        u = queue.popleft()
        if (u != view.focus and u in view.hubs and u not in open_hubs) or depth[u] >= hops:
            continue
        for v in sorted(adj.get(u, ())):
            if v not in depth:
                depth[v] = depth[u] + 1
                queue.append(v)
    return depth


def shown_at_first(view: ViewGraph, expanded: Iterable[str] = (), *, groups: Iterable[str] | None = None) -> set[str]:
    """The nodes the page shows: those :func:`reach` finds, the sources they cite, less the node
    groups hidden (``groups``: the groups shown; default all but ``view.hidden_groups``)."""
    shown = set(reach(view, expanded))
    if view.focus is not None:
        shown |= {s for k in list(shown) for s in view.nodes[k].sources if s in view.nodes}
        shown |= {e.target for e in view.edges if e.source in shown and e.target in view.nodes
                  and view.nodes[e.target].group == "source"}
    visible_groups = set(groups) if groups is not None else set(GROUPS) - view.hidden_groups
    return {k for k in shown if view.nodes[k].group in visible_groups or k == view.focus}


def neighbourhood_view(view: ViewGraph, entity: str, hops: int = 1, lang: str = "en", *,
                       max_shown: int | None = SCREENFUL, hub_degree: int = HUB_DEGREE) -> ViewGraph:
    """``entity`` and every entity within ``hops`` relations, walking through anything but
    sources (which would join everything they cite); the sources cited are added as leaves.

    The view is readable at first (see the module's docstring): countries and entities with more
    than ``hub_degree`` relations in the whole view are hubs, collapsed until clicked; sources are
    hidden until shown; while more than ``max_shown`` nodes would be shown, the entity with most
    relations through which the walk goes on is collapsed too, and an entity whose own relations
    are more than ``max_shown`` has its neighbours grouped by kind (one expandable node per
    kind). ``max_shown=None`` shows everything at first (no hubs).
    """
    import networkx as nx

    if hops < 0:
        raise RenderError(f"hops must be 0 or more, got {hops}")
    iri = resolve_entity(view, entity)
    walk = view.subgraph((k for k, n in view.nodes.items() if n.group != "source" or k == iri), "")
    whole = walk.to_networkx().to_undirected(as_view=True)
    near = set(nx.ego_graph(whole, iri, radius=hops))
    near |= {s for k in near for s in view.nodes[k].sources if s in view.nodes}
    titles = _titles(lambda code: ngettext("{name} and its neighbourhood ({hops} hop)",
                                           "{name} and its neighbourhood ({hops} hops)", hops, code),
                     view.nodes[iri].labels, hops=hops)
    result = view.subgraph(near, titles.get(check_language(lang), titles["en"]))
    result.titles = titles
    result.focus, result.hops = iri, hops
    if max_shown is None:
        return result
    result.hidden_groups = {"source"}
    degree = {k: d for k, d in whole.degree()}
    result.hubs = {k for k, n in result.nodes.items() if k != iri and n.group != "source"
                   and (n.group == "country" or degree.get(k, 0) > hub_degree)}
    adjacency = _adjacency(result)
    if len(adjacency.get(iri, ())) + 1 > max_shown:
        _group_neighbours(result, lang)
        adjacency = _adjacency(result)
    while True:
        depth = reach(result, adjacency=adjacency)
        if len(shown_at_first(result)) <= max_shown:
            break
        through = [k for k, d in depth.items() if k != iri and k not in result.hubs and d < hops
                   and any(depth.get(v) == d + 1 for v in adjacency.get(k, ()))]
        if not through:
            break
        result.hubs.add(max(through, key=lambda k: (len(adjacency.get(k, ())), degree.get(k, 0), k)))
    return result


def _group_neighbours(view: ViewGraph, lang: str) -> None:
    """Replace the focus' direct relations by one node per kind of neighbour (a hub that expands
    to them): ``Meetings (45)`` → each meeting. The relations keep their names and sources."""
    focus = view.focus
    assert focus is not None
    members: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if a == focus and b in view.nodes and view.nodes[b].group != "source":
                group = members[view.nodes[b].group]
                if b not in group:
                    group.append(b)
    grouped = {g for g, ms in members.items() if len(ms) > 3}
    moved: list[Edge] = []
    kept: list[Edge] = []
    for e in view.edges:
        other = e.target if e.source == focus else e.source if e.target == focus else None
        if other is not None and view.nodes[other].group in grouped:
            group_id = f"group:{view.nodes[other].group}"
            moved.append(replace(e, source=group_id if e.source == focus else e.source,
                                 target=group_id if e.target == focus else e.target))
        else:
            kept.append(e)
    for g in sorted(grouped):
        group_id = f"group:{g}"
        count = len(members[g])
        labels = {lang_: f"{gettext(GROUPS[g]['name'], lang_)} ({count})" for lang_ in LANGUAGES}
        view.nodes[group_id] = Node(group_id, g, "group", labels, count=count,
                                    members=[_best_label(view.nodes[m].labels, lang) for m in members[g][:8]])
        kept.append(Edge(focus, group_id, "grouped", count=count))
        view.hubs.add(group_id)
    view.edges = kept + moved


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
    titles = _titles(lambda code: gettext("Topic: {name}", code), view.nodes[iri].labels)
    result = view.subgraph(keep, titles[check_language(lang)])
    result.titles = titles
    return result


def meetings_view(kg: Graph, view: ViewGraph) -> ViewGraph:
    """Leaders linked by the diplomatic meetings they held: one dated edge per meeting and pair
    (every :class:`kjo:DiplomaticMeeting`, ministerial ones too; :func:`leaders_network` counts
    the leaders' meetings by the counting rule)."""
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
    titles = {lang: "kjgraph: " + gettext("Meetings between leaders", lang) for lang in LANGUAGES}
    return ViewGraph(titles["en"], nodes, edges, view.source_info,
                     kind_labels=view.kind_labels, titles=titles)


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
            name = GROUPS[n.group]["name"]
            labels = {lang: f"{gettext(name, lang)} {decade}s" if decade is not None else gettext(name, lang)
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
    titles = {lang: gettext("{title} (aggregated: {n} entities)", lang).format(title=view.title_in(lang),
                                                                                 n=len(view.nodes))
              for lang in LANGUAGES}
    return ViewGraph(titles["en"], clusters, edges, view.source_info, view.initial_years, aggregated=True,
                     kind_labels=view.kind_labels, titles=titles)


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


# ---------------------------------------------------------------- networks (pyvis) and pages

@dataclass(frozen=True)
class RenderOptions:
    """How a page is made.

    ``lang``: labels' and interface language (en, ko, ja, de; names fall back to English).
    ``link_base``: base URL of a running linked-data server (``http://127.0.0.1:8000``); details then
    link to ``<link_base>/id/<kind>/<slug>``. ``seed``: layout seed. ``physics_max``: largest view laid
    out by vis-network's physics. ``max_nodes``: largest view drawn entity by entity, above it
    aggregated. ``edge_labels_max``: above this many edges, relation names show in tooltips only.
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


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def new_network(*, directed: bool = True) -> Network:
    """An empty pyvis :class:`~pyvis.network.Network` with kjgraph's defaults (no CDN: kjgraph
    writes it with :func:`write_network`). Its ``kjgraph`` attribute holds what the page needs
    besides vis-network's data: title, legend, language, the view's controls."""
    try:
        from pyvis.network import Network
    except ModuleNotFoundError as exc:
        raise RenderError("rendering needs the pyvis package (pip install pyvis)") from exc
    net = Network(height="100%", width="100%", directed=directed, cdn_resources="remote")
    net.kjgraph = {"view": "graph", "languages": list(LANGUAGES)}
    opts = net.options
    opts.edges.color.inherit = False
    opts.edges.color.color = "#a0aab4"
    opts.edges.color.highlight = "#333333"
    opts.edges.color.hover = "#555555"
    opts.edges.font = {"size": 9, "color": "#555", "strokeWidth": 2, "align": "middle"}
    opts.nodes = {"font": {"size": 14, "face": "Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, sans-serif"},
                  "borderWidth": 1,
                  "scaling": {"min": 10, "max": 40, "label": {"enabled": True, "min": 14, "max": 26,
                                                                "drawThreshold": 4}}}
    opts.interaction.tooltipDelay = 200
    return net


def _groups_options(groups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {g: {"shape": spec["shape"], "color": {"background": spec["color"], "border": "#444",
                                                   "highlight": {"background": spec["color"], "border": "#000"}}}
            for g, spec in groups.items()}


def _plain_tip(name: str, *lines: str) -> str:
    """A plain-text tooltip (pyvis' own writer and notebooks show ``title``; kjgraph's page builds
    richer tooltips from the node's fields, as text)."""
    return "\n".join([name, *(line for line in lines if line)])


def to_network(view: ViewGraph, options: RenderOptions | None = None) -> Network:
    """The pyvis network of a view: one node per entity (label in ``options.lang``, the names in
    every language in ``names``), one edge per relation; vis-network's options for groups,
    physics and layout. Views larger than ``options.max_nodes`` are aggregated first."""
    options = options or RenderOptions()
    lang = options.lang
    if len(view.nodes) > options.max_nodes:
        view = aggregate(view)
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    physics = options.physics if options.physics is not None else len(view.nodes) <= options.physics_max
    positions = {} if physics else timeline_layout(view, options.seed)
    edge_labels = len(view.edges) <= options.edge_labels_max
    net = new_network(directed=True)
    for iri in sorted(view.nodes):
        n = view.nodes[iri]
        names = {code: _best_label(n.labels, code) for code in LANGUAGES}
        kind = view.kind_labels.get(n.kind, {}).get(lang) or n.kind
        item: dict[str, Any] = {"group": n.group, "names": names, "labels": n.labels, "kind": n.kind,
                                "value": n.count or degree[iri] + 1, "start": n.start, "end": n.end,
                                "title": _plain_tip(names[lang], kind, n.dates)}
        for key, value in (("dates", n.dates), ("place", n.place), ("sources", n.sources), ("count", n.count),
                           ("members", n.members)):
            if value:
                item[key] = value
        if iri in positions:
            item["x"], item["y"] = positions[iri]
        if iri == view.focus:
            item.update(focus=True, borderWidth=4, size=30, value=max(item["value"], 10),
                        font={"size": 18, "bold": True}, color={"border": "#000"})
        if iri in view.hubs:
            item["hub"] = True
        net.add_node(iri, label=_shorten(names[lang], 40) or " ", shape=GROUPS[n.group]["shape"], **item)
    relations = {k: name for k, (_, name) in RELATIONS.items()} | DERIVED_RELATIONS
    for i, e in enumerate(view.edges):
        item = {"id": f"e{i}", "rel": e.relation}
        if e.labels:
            item["names"] = {code: _best_label(e.labels, code) for code in LANGUAGES}
        extra: tuple[tuple[str, Any], ...] = (("labels", e.labels), ("start", e.start), ("end", e.end),
                                              ("dates", e.dates), ("sources", e.sources), ("count", e.count))
        for key, value in extra:
            if value:
                item[key] = value
        name = item["names"][lang] if e.labels else gettext(relations.get(e.relation, e.relation), lang)
        if e.count:
            name += f" ({e.count})"
            item["width"] = min(1 + math.log(e.count), 8)
        if edge_labels:
            item["label"] = _shorten(name, 30)
        item["title"] = name
        net.add_edge(e.source, e.target, **item)
    opts = net.options
    opts.groups = _groups_options(GROUPS)
    opts.edges.arrows = {"to": {"enabled": True, "scaleFactor": 0.4}}
    opts.edges.smooth.enabled = physics
    opts.layout = {"randomSeed": options.seed, "improvedLayout": len(view.nodes) <= 100}
    big = len(view.nodes) > 1000
    opts.interaction.hover = not big
    opts.interaction.hideEdgesOnDrag = big
    opts.interaction.hideEdgesOnZoom = big
    net.barnes_hut(gravity=-4000, central_gravity=0.3, spring_length=110, spring_strength=0.04, damping=0.3,
                   overlap=0.2)
    opts.physics.enabled = physics
    opts.physics.minVelocity = 1.5
    opts.physics.stabilization.iterations = 300 if len(view.nodes) < 150 else 150
    cited = {s for n in view.nodes.values() for s in n.sources} | {s for e in view.edges for s in e.sources}
    titles = view.titles or dict.fromkeys(LANGUAGES, view.title)
    net.heading = ""
    net.kjgraph.update({
        "view": "entity" if view.focus else "graph", "titles": titles, "lang": lang, "linkBase": options.link_base,
        "idBase": BASE, "seed": options.seed, "aggregated": view.aggregated, "years": view.year_extent(),
        "initialYears": view.initial_years,
        "groups": {k: g for k, g in GROUPS.items() if any(n.group == k for n in view.nodes.values())},
        "relations": relations, "kinds": view.kind_labels, "focus": view.focus, "hops": view.hops,
        "hiddenGroups": sorted(view.hidden_groups),
        "sources": {k: v for k, v in view.source_info.items() if k in cited},
    })
    if view.focus is not None:
        net.kjgraph["shownAtFirst"] = len(shown_at_first(view))
    return net


def _asset(name: str) -> str:
    return (Path(str(files("kjgraph"))) / "templates" / name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    try:
        root = Path(str(files("pyvis")))
    except ModuleNotFoundError as exc:
        raise RenderError("rendering needs the pyvis package (pip install pyvis)") from exc
    return (root / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&`` and ``'`` are escaped, so
    data can neither close the element (``</script>``) nor open a comment (``<!--``). Jinja's
    ``tojson`` escaping, compact and with the text unescaped otherwise.

    >>> safe_json({"label": "</script><!--"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    from jinja2.utils import htmlsafe_json_dumps

    return str(htmlsafe_json_dumps(value, ensure_ascii=False, separators=(",", ":")))


#: Message ids the page's script and template use: ``t("…")`` calls and ``data-i18n="…"``.
_MESSAGE_ID = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"|data-i18n="([^"]*)"')


def page_messages(net: Network) -> dict[str, dict[str, str]]:
    """The interface texts a page needs, in every language (:func:`kjgraph.i18n.messages`)."""
    meta = getattr(net, "kjgraph", {})
    ids = {a or b for text in (_asset("render.js"), _asset("render.html.j2")) for a, b in _MESSAGE_ID.findall(text)}
    ids |= {g["name"] for g in meta.get("groups", {}).values()}
    ids |= set(meta.get("relations", {}).values()) | set(meta.get("messages", ()))
    return messages(i.encode().decode("unicode_escape") if "\\" in i else i for i in ids)


def network_data(net: Network, lang: str | None = None) -> dict[str, Any]:
    """The JSON a page is built from (``window.kjgraph.data`` in the page): kjgraph's ``meta``,
    vis-network's ``nodes``, ``edges`` and ``options`` as pyvis holds them, and the interface
    ``messages`` in every language."""
    meta = dict(getattr(net, "kjgraph", {}) or {})
    meta.setdefault("view", "graph")
    meta["lang"] = check_language(lang or meta.get("lang") or "en")
    meta.setdefault("languages", list(LANGUAGES))
    meta.setdefault("titles", dict.fromkeys(LANGUAGES, net.heading or "kjgraph"))
    meta.setdefault("groups", {})
    meta.setdefault("relations", {})
    meta.setdefault("sources", {})
    meta.setdefault("idBase", BASE)
    options = json.loads(net.get_network_data()[5])
    meta["physics"] = bool(options.get("physics", {}).get("enabled", True))
    meta.setdefault("edgeLabels", True)
    edges = []
    for i, e in enumerate(net.edges):
        item = dict(e)
        item.setdefault("id", f"e{i}")
        edges.append(item)
    return {"meta": meta, "nodes": [dict(n) for n in net.nodes], "edges": edges, "options": options,
            "messages": page_messages(net)}


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def network_html(net: Network, lang: str | None = None) -> str:
    """The self-contained page of a pyvis network (no request leaves the page)."""
    from jinja2 import Environment

    from kjgraph.i18n import translations

    vis_js, app_js = _vis_asset("vis-network.min.js"), _asset("render.js")
    for name, script in (("vis-network.min.js", vis_js), ("render.js", app_js)):
        if re.search(r"</script|<!--", script, re.IGNORECASE):
            raise RenderError(f"{name} cannot be inlined: it contains '</script' or '<!--'")
    data = network_data(net, lang)
    lang = data["meta"]["lang"]
    env = Environment(autoescape=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    template = env.from_string(_asset("render.html.j2"))
    titles = data["meta"]["titles"]
    return template.render(title=titles.get(lang) or titles.get("en") or "kjgraph", lang=lang,
                           data_json=safe_json(data), vis_js=vis_js, app_js=app_js,
                           vis_css=_vis_asset("vis-network.css"), app_css=_asset("render.css"),
                           script_hashes=f"{_csp_hash(vis_js)} {_csp_hash(app_js)}")


def write_network(net: Network, out: Path | str, lang: str | None = None) -> Path:
    """Write ``net`` (a pyvis network, kjgraph's or your own) as a self-contained page to ``out``.

    >>> import tempfile, pathlib
    >>> net = new_network(); net.add_node("a", label="Nara"); net.add_node("b", label="Seoul")
    >>> net.add_edge("a", "b")
    >>> write_network(net, pathlib.Path(tempfile.mkdtemp()) / "n.html").suffix
    '.html'
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(network_html(net, lang), encoding="utf-8")
    return out


def page_data(view: ViewGraph, options: RenderOptions) -> dict[str, Any]:
    """The JSON the page of a view is built from (:func:`network_data` of :func:`to_network`)."""
    return network_data(to_network(view, options))


def render_html(view: ViewGraph, options: RenderOptions | None = None) -> str:
    """The self-contained page of a view (no request leaves the page)."""
    options = options or RenderOptions()
    return network_html(to_network(view, options), options.lang)


def write_html(view: ViewGraph, out: Path | str, options: RenderOptions | None = None) -> Path:
    """Write the page of ``view`` to ``out`` and return its path."""
    options = options or RenderOptions()
    return write_network(to_network(view, options), out, options.lang)


def entity_network(kg: Graph, entity: str, hops: int = 2, lang: str = "en", *,
                   max_shown: int | None = SCREENFUL, hub_degree: int = HUB_DEGREE,
                   options: RenderOptions | None = None) -> Network:
    """The neighbourhood of ``entity`` as a pyvis network, readable at first (see
    :func:`neighbourhood_view`): at most ``max_shown`` nodes shown until the reader expands a hub.

    >>> from kjgraph.query import KnowledgeGraph
    >>> net = entity_network(KnowledgeGraph.in_memory(), "나라시", hops=1)
    >>> net.kjgraph["focus"]
    'https://w3id.org/kjgraph/id/place/nara'
    """
    options = options or RenderOptions(lang=lang)
    view = neighbourhood_view(whole_view(kg), entity, hops, lang, max_shown=max_shown, hub_degree=hub_degree)
    return to_network(view, replace(options, lang=check_language(lang)))


def __getattr__(name: str) -> Any:
    """``kjgraph.render.timeline_network`` and ``leaders_network`` live in :mod:`kjgraph.views`."""
    if name in ("timeline_network", "leaders_network"):
        from kjgraph import views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


VIEWS = ("all", "entity", "period", "topic", "meetings", "timeline", "leaders")


def make_view(kg: Graph, view: str, target: str | None = None, *, hops: int = 1,
              start: int | None = None, end: int | None = None, sources: bool = True,
              lang: str = "en", max_shown: int | None = SCREENFUL) -> ViewGraph:
    """The view of the graph named ``view`` (all, entity, period, topic or meetings); ``target``
    names the entity or topic."""
    if view not in VIEWS[:5]:
        raise RenderError(f"unknown view {view!r}; choose one of {', '.join(VIEWS[:5])}")
    if view in ("entity", "topic") and not target:
        raise RenderError(f"the {view} view needs the {view} to show (an IRI, kind:slug or a label)")
    whole = whole_view(kg, sources=sources)
    if view == "all":
        result = whole
    elif view == "entity":
        result = neighbourhood_view(whole, target or "", hops, lang, max_shown=max_shown)
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


def make_network(kg: Graph, view: str, target: str | None = None, *, hops: int = 1,
                 start: int | None = None, end: int | None = None, sources: bool = True,
                 options: RenderOptions | None = None, max_shown: int | None = SCREENFUL) -> Network:
    """Any view (:data:`VIEWS`) as a pyvis network, as ``kjgraph render`` draws it."""
    from kjgraph import views

    options = options or RenderOptions()
    if view == "timeline":
        return views.timeline_network(kg, lang=options.lang, start=start, end=end)
    if view == "leaders":
        return views.leaders_network(kg, lang=options.lang, start=start, end=end)
    return to_network(make_view(kg, view, target, hops=hops, start=start, end=end, sources=sources,
                                lang=options.lang, max_shown=max_shown), options)
