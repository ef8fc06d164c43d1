"""The view graph of the whole store (:func:`whole_view`): entities as nodes, relations as edges;
the helper nodes of the RDF model (participations, tenures, time entities) become edges or
attributes (roles, dates for the year filter, sources).

>>> from kjgraph.query import KnowledgeGraph
>>> view = whole_view(KnowledgeGraph.in_memory())
>>> any(n.kind == "Summit" for n in view.nodes.values())
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kjgraph.i18n import gettext
from kjgraph.labels import LANGUAGES, lookup_text
from kjgraph.namespaces import BASE
from kjgraph.query import Graph
from kjgraph.render.model import _NODE_CLASSES, _OPEN_ENDED, ID_BASE, RELATIONS, Edge, Node, ViewGraph


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

