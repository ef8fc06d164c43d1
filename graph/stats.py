"""Counts that describe the graph: by class, triples, sources, and coverage per decade.

>>> from kjgraph.query import KnowledgeGraph
>>> s = graph_stats(KnowledgeGraph.in_memory())
>>> s["classes"]["Summit"] >= 1
True
"""

from __future__ import annotations

from typing import Any

from kjgraph.query import KnowledgeGraph

_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(kjo:)))
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/kjgraph/id/"))
} GROUP BY ?class ORDER BY ?class
"""
_DECADES = """
SELECT ?decade ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
  {
    ?x a kjo:Event ; kjo:earliestDate ?d .
    ?x a ?cls . FILTER(?cls IN (kjo:Summit, kjo:StateVisit, kjo:OfficialVisit, kjo:WorkingVisit,
        kjo:SidelineMeeting, kjo:Gathering, kjo:PressConference, kjo:AgreementSigning,
        kjo:Incident, kjo:Ruling, kjo:Disaster, kjo:Anniversary))
    FILTER NOT EXISTS { ?x a ?sub . ?sub rdfs:subClassOf ?cls . FILTER(?sub != ?cls) }
    BIND(STRAFTER(STR(?cls), "#") AS ?what)
  } UNION {
    ?x a kjo:Tenure ; kjo:earliestDate ?d . BIND("leaders (terms starting)" AS ?what)
  } UNION {
    ?x a kjo:Agreement ; kjo:earliestDate ?d . FILTER NOT EXISTS { ?x a kjo:Commitment }
    BIND("agreements" AS ?what)
  } UNION {
    ?x a kjo:Commitment ; kjo:earliestDate ?d . BIND("commitments" AS ?what)
  } UNION {
    ?x a kjo:Source ; schema:datePublished ?p . BIND(xsd:date(CONCAT(SUBSTR(STR(?p), 1, 4), "-01-01")) AS ?d)
    BIND("sources (published)" AS ?what)
  }
  BIND(CONCAT(STR(FLOOR(YEAR(?d) / 10) * 10), "s") AS ?decade)
} GROUP BY ?decade ?what ORDER BY ?decade ?what
"""


def graph_stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts by class, triples, quads, graphs, sources, and per-decade coverage."""
    store = kg.store
    classes = {str(r["class"].value).rsplit("#", 1)[-1]: int(r["n"].value)
               for r in kg.rows(_CLASSES)}
    triples = int(kg.rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    sources = int(kg.rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kjo:Source }")[0]["n"].value)
    decades: dict[str, dict[str, int]] = {}
    for row in kg.rows(_DECADES):
        decades.setdefault(row["decade"].value, {})[row["what"].value] = int(row["n"].value)
    return {
        "quads": len(store),  # the default graph (union) included
        "triples": triples,
        "graphs": sum(1 for _ in store.named_graphs()),
        "sources": sources,
        "classes": classes,
        "decades": decades,
    }


def decade_table(stats: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Coverage per decade as columns and rows (for the CLI and the README)."""
    kinds = sorted({k for counts in stats["decades"].values() for k in counts})
    rows = [[decade, *[str(counts.get(k, 0)) for k in kinds]]
            for decade, counts in sorted(stats["decades"].items())]
    return ["decade", *kinds], rows
