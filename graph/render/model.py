"""The view graph: the entities of one view as nodes and their relations as edges, with the node
groups and relations a drawing names (:mod:`kjgraph.render`).

>>> view = ViewGraph("t", {"a": Node("a", "meeting", "Summit", {"en": "A"}, 1990, 1990)}, [])
>>> view.year_extent()
(1990, 1990)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kjgraph.errors import KjgraphError
from kjgraph.i18n import N_
from kjgraph.labels import lookup_text
from kjgraph.namespaces import BASE
from kjgraph.query import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

ID_BASE = f"{BASE}id/"
KJO = PREFIXES["kjo"]
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


def best_label(labels: dict[str, str], lang: str) -> str:
    """The label a reader of ``lang`` sees (RFC 4647 lookup, :func:`kjgraph.labels.lookup_text`)."""
    return lookup_text(labels, lang, missing="?")

