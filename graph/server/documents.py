"""The document of a resource (``/doc/…``): what it contains, read from the store in one query.

A resource's document is its **symmetric concise bounded description** with the provenance
of its statements (docs/decisions/20261201-resource-documents.md):

* its own statements: every triple of the default graph (the record, each triple once) with
  the resource as subject;
* the inbound links: every triple of the default graph with the resource as object, so a
  client can navigate from a place to its events, from a person to their terms of office;
* the provenance: for every source graph that states one of its own statements, the graph's
  ``prov:wasDerivedFrom`` link to its source record (an inbound link's provenance is in the
  document of the resource it starts from).

The data mints an IRI for every node (docs/decisions/20261124-provenance-and-union-graph.md),
so no blank-node closure is needed. One query (:func:`document_query`) reads the document and,
for the HTML page, which named graphs (sources) state each statement, so the page and the RDF
document come from the same result in one worker round trip.

>>> store = ox.Store()
>>> a, p, b, g = (ox.NamedNode(f"http://x/{n}") for n in ("a", "p", "b", "g"))
>>> store.add(ox.Quad(a, p, b))
>>> store.add(ox.Quad(a, p, b, g))
>>> store.add(ox.Quad(g, ox.NamedNode(PROV_DERIVED), ox.NamedNode("http://x/source")))
>>> doc = resource_document(store, "http://x/a")
>>> [(p.value, o.value, graphs) for (p, o), graphs in doc.statements.items()], doc.provenance
([('http://x/p', 'http://x/b', ['http://x/g'])], {'http://x/g': 'http://x/source'})
>>> len(doc.triples()), len(resource_document(store, "http://x/b").triples())
(2, 1)
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kjgraph.query import PREFIXES

PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                    "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                    "unsignedByte")}

#: The branches of the document's query, ``?r`` standing for the resource (written in its
#: N-Triples form): rows ``?s ?p ?o ?g ?provenance``. ``?g`` is bound on the rows of
#: :data:`ATTRIBUTIONS` (which named graph states an own statement or an inbound link);
#: ``?provenance`` is true on the rows linking a source graph of the own statements to its record.
STATEMENTS = "{ ?r ?p ?o BIND(?r AS ?s) } UNION { ?s ?p ?r BIND(?r AS ?o) }"
ATTRIBUTIONS = "{ GRAPH ?g { ?r ?p ?o } BIND(?r AS ?s) } UNION { GRAPH ?g { ?s ?p ?r } BIND(?r AS ?o) }"
PROVENANCE = """{ { SELECT DISTINCT ?s WHERE { GRAPH ?s { ?r ?p0 ?o0 } } }
    ?s prov:wasDerivedFrom ?o BIND(prov:wasDerivedFrom AS ?p) BIND(true AS ?provenance) }"""


def document_query(iri: str, *, attributed: bool = True) -> str:
    """The one query that reads the document of ``iri``. ``attributed`` (for the HTML page, which
    cites a source per statement): a SELECT of rows ``?s ?p ?o ?g ?provenance`` that also says
    which named graphs state each statement (:func:`resource_document`); otherwise (for an RDF
    document) a CONSTRUCT of the document's triples (:func:`document_triples`), the same branches
    without the attributions. Not sorted: SPARQL's ORDER BY on terms costs more than the query
    (Oxigraph 0.5), so :func:`resource_document` sorts.

    Raises :class:`ValueError` when ``iri`` is not an absolute IRI (pyoxigraph's check).
    """
    node = str(ox.NamedNode(iri))
    branches = [STATEMENTS, ATTRIBUTIONS, PROVENANCE] if attributed else [STATEMENTS, PROVENANCE]
    head = "SELECT ?s ?p ?o ?g ?provenance" if attributed else "CONSTRUCT { ?s ?p ?o }"
    text = head + " WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"
    return re.sub(r"\?r\b", lambda _match: node, text)


Node = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class ResourceDocument:
    """A resource's document (see the module's docstring) with the named graphs that state each
    statement, own statements by predicate then object, inbound links by predicate then subject.

    ``statements`` maps (predicate, object) of each own statement to the named graphs (IRIs)
    that state it, ``inverse`` maps (subject, predicate) of each inbound link likewise, and
    ``provenance`` maps each of those graphs to its source record. A triple with the resource
    as both subject and object (a loop) is an own statement and an inbound link.
    """

    iri: str
    statements: dict[tuple[ox.NamedNode, Node], list[str]] = field(default_factory=dict)
    inverse: dict[tuple[Node, ox.NamedNode], list[str]] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(self.iri)

    def empty(self) -> bool:
        """No statement has the resource as subject or object (it may still name a graph)."""
        return not self.statements and not self.inverse

    def own_triples(self) -> list[ox.Triple]:
        """The resource's own statements."""
        return [ox.Triple(self.node, p, o) for p, o in self.statements]

    def triples(self) -> list[ox.Triple]:
        """Every triple of the document, each once: own statements, inbound links, provenance."""
        node = self.node
        found = dict.fromkeys(self.own_triples())
        found.update(dict.fromkeys(ox.Triple(s, p, node) for s, p in self.inverse))  # type: ignore[arg-type]
        derived = ox.NamedNode(PROV_DERIVED)
        found.update(dict.fromkeys(ox.Triple(ox.NamedNode(g), derived, ox.NamedNode(src))
                                   for g, src in self.provenance.items()))
        return list(found)


def term_order(term: Node) -> tuple[int, float, str, str]:
    """A sort key close to SPARQL's ORDER BY: blank nodes, then IRIs, then literals; numbers by
    value, other literals by their lexical form, then language tag or datatype."""
    if isinstance(term, ox.BlankNode):
        return (0, 0.0, term.value, "")
    if isinstance(term, ox.NamedNode):
        return (1, 0.0, term.value, "")
    if term.datatype.value in NUMERIC:
        with contextlib.suppress(ValueError):
            return (2, float(term.value), "", term.datatype.value)
    return (3, 0.0, term.value, term.language or term.datatype.value)


def document_triples(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The triples of the document of ``iri`` (those of :meth:`ResourceDocument.triples`), each
    once, from one CONSTRUCT query of ``store``. Raises :class:`ValueError` when ``iri`` is not
    an absolute IRI."""
    return list(dict.fromkeys(store.query(document_query(iri, attributed=False), prefixes=PREFIXES)))  # type: ignore[arg-type]


def resource_document(store: ox.Store, iri: str) -> ResourceDocument:
    """The document of ``iri`` with the graphs that state each statement, from one query of
    ``store`` (:func:`document_query`): own statements by predicate then object, inbound links
    by predicate then subject.

    Only statements of the default graph (the record) are part of it: a claim that one source
    makes and the record does not (asserted in that source's graph alone) is the source's.
    Raises :class:`ValueError` when ``iri`` is not an absolute IRI.
    """
    node = ox.NamedNode(iri)
    solutions = store.query(document_query(iri), prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    statements: dict[tuple[Any, Any, Any], list[str]] = {}
    stated: dict[tuple[Any, Any, Any], list[str]] = {}
    provenance: dict[str, str] = {}
    for s, p, o, g, derived in list(solutions):  # evaluated at once: term operations while the query runs are slow
        if derived is not None:
            provenance[s.value] = o.value
        elif g is None:
            statements.setdefault((s, p, o), [])
        elif g.value not in stated.setdefault((s, p, o), []):
            stated[(s, p, o)].append(g.value)
    doc = ResourceDocument(iri, provenance=dict(sorted(provenance.items())))
    for s, p, o in sorted(statements, key=lambda t: (t[1].value, term_order(t[2]), term_order(t[0]))):
        graphs = sorted(stated.get((s, p, o), []))
        if s == node:
            doc.statements[(p, o)] = graphs
        if o == node:  # (also) an inbound link: a loop is both
            doc.inverse[(s, p)] = graphs
    return doc
