"""Views of a subject: a topic with what is about it (:func:`topic_view`), the leaders linked by
the meetings they held (:func:`meetings_view`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from kjgraph.i18n import gettext
from kjgraph.labels import LANGUAGES, check_language
from kjgraph.query import Graph
from kjgraph.render.extract import _rows
from kjgraph.render.model import Edge, RenderError, ViewGraph
from kjgraph.render.neighbourhood import _titles, resolve_entity


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

