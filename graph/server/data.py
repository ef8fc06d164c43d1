"""What the HTML pages, the metadata and ``kjgraph publish`` read from the store.

Plain functions of an open ``pyoxigraph.Store`` that return picklable values (terms as
tuples), so the server runs them inside its worker processes and ``kjgraph publish``
calls them directly. Terms are written into queries in their N-Triples form by
pyoxigraph (validated, escaped), never as raw user text.

>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode(RDFS + "label"),
...                   ox.Literal("A", language="en")))
>>> describe(store, "http://x/a")["labels"]
[('A', 'en')]
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from kjgraph.namespaces import BASE
from kjgraph.query import PREFIXES

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PATH = ("rdfs:label|skos:prefLabel|schema:name|dcterms:title|foaf:name|schema:headline")
PAGE_SIZE = 100

Term = tuple[str, ...]


def term(t: Any) -> Term | None:
    """A picklable form of an RDF term: ('uri', iri) | ('literal', value, lang, datatype) | ('bnode', id)."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ("uri", t.value)
    if isinstance(t, ox.Literal):
        return ("literal", t.value, t.language or "", t.datatype.value)
    if isinstance(t, ox.BlankNode):
        return ("bnode", t.value)
    return ("literal", str(t), "", "")


def _rows(store: ox.Store, text: str, **subs: Any) -> list[Any]:
    """Run SELECT ``text`` with ``?name`` replaced by the term ``subs[name]``.

    The term is written in its N-Triples form by pyoxigraph (IRIs are validated, literals
    escaped), so user input cannot change the query's structure.
    """
    for name, value in subs.items():
        text = re.sub(rf"\?{name}\b", lambda _m, v=value: str(v), text)
    return list(store.query(text, prefixes=PREFIXES))


def _int(store: ox.Store, text: str, **subs: Any) -> int:
    rows = _rows(store, text, **subs)
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def labels_of(store: ox.Store, iris: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Labels (value, language) of many IRIs in one query."""
    out: dict[str, list[tuple[str, str]]] = {}
    iris = sorted(set(iris))
    for start in range(0, len(iris), 400):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + 400])
        for row in _rows(store, f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x {LABEL_PATH} ?l }}"):
            out.setdefault(row[0].value, []).append((row[1].value, row[1].language or ""))
    return out


def exists(store: ox.Store, iri: str) -> bool:
    """Is ``iri`` a subject or object of the default graph, or a named graph?"""
    node = ox.NamedNode(iri)
    return (bool(store.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"))
            or store.contains_named_graph(node))


def describe(store: ox.Store, iri: str, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Everything a resource page shows: labels, types, statements and inverse statements
    (one page of each) with the named graphs (sources) that state them, labels of the
    related resources, the sources' own descriptions, and the evidence: the sentences of
    stored sources anchored to it (``evidence``, in document order)."""
    node = ox.NamedNode(iri)
    offset = (max(page, 1) - 1) * page_size
    labels = [(row[0].value, row[0].language or "")
              for row in _rows(store, f"SELECT ?l WHERE {{ ?r {LABEL_PATH} ?l }} ORDER BY ?l", r=node)]
    types = [row[0].value for row in _rows(store, "SELECT ?t WHERE { ?r a ?t } ORDER BY ?t", r=node)]
    out_total = _int(store, "SELECT (COUNT(*) AS ?n) WHERE { ?r ?p ?o }", r=node)
    in_total = _int(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?r }", r=node)
    statements = [
        (row[0].value, term(row[1]), (row[2].value.split() if row[2] is not None else []))
        for row in _rows(store, f"""
        SELECT ?p ?o (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs) WHERE {{
          ?r ?p ?o OPTIONAL {{ GRAPH ?g {{ ?r ?p ?o }} }}
        }} GROUP BY ?p ?o ORDER BY ?p ?o LIMIT {page_size} OFFSET {offset}""", r=node)]
    inverse = [
        (term(row[0]), row[1].value, (row[2].value.split() if row[2] is not None else []))
        for row in _rows(store, f"""
        SELECT ?s ?p (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs) WHERE {{
          ?s ?p ?r OPTIONAL {{ GRAPH ?g {{ ?s ?p ?r }} }}
        }} GROUP BY ?s ?p ORDER BY ?p ?s LIMIT {page_size} OFFSET {offset}""", r=node)]
    graphs = sorted({g for *_x, gs in statements for g in gs} | {g for *_x, gs in inverse for g in gs})
    sources = {row[0].value: row[1].value for row in _rows(
        store, "SELECT ?g ?src WHERE { VALUES ?g { " + " ".join(str(ox.NamedNode(g)) for g in graphs)
        + " } ?g prov:wasDerivedFrom ?src }")} if graphs else {}
    evidence = [
        {"about": row[0].value, "quote": row[1].value, "source": row[2].value,
         "start": int(row[3].value), "end": int(row[4].value)}
        for row in _rows(store, """
        SELECT DISTINCT ?about ?quote ?source ?start ?end WHERE {
          { BIND(?r AS ?about) } UNION { ?r kjo:resultedIn ?about } UNION { ?about kjo:partOf ?r }
          ?annotation oa:hasBody ?about ; oa:hasTarget ?segment .
          ?segment oa:hasSource ?source ; oa:hasSelector ?q , ?p .
          ?q oa:exact ?quote . ?p oa:start ?start ; oa:end ?end .
        } ORDER BY ?source ?start ?about""", r=node)]
    related = ([p for p, *_x in statements] + [o[1] for _p, o, _g in statements if o[0] == "uri"]
               + [s[1] for s, *_x in inverse if s[0] == "uri"] + [p for _s, p, _g in inverse]
               + types + graphs + list(sources.values()) + [e["about"] for e in evidence])
    own = [ox.Triple(node, ox.NamedNode(p), _node(o)) for p, o, _g in statements]
    return {
        "iri": iri, "labels": labels, "types": types, "statements": statements, "inverse": inverse,
        "out_total": out_total, "in_total": in_total, "page": max(page, 1), "page_size": page_size,
        "sources": sources, "related_labels": labels_of(store, related),
        "jsonld": ox.serialize(own, format=ox.RdfFormat.JSON_LD).decode() if own else "{}",
        "is_graph": store.contains_named_graph(node),
        # Sentences of stored sources that support the resource, the statements that resulted
        # from it and its parts (W3C Web Annotation text anchors): [{about, quote, source, start, end}]
        "evidence": evidence,
    }


def _node(t: Term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if t[0] == "uri":
        return ox.NamedNode(t[1])
    if t[0] == "bnode":
        return ox.BlankNode(t[1])
    if t[2]:
        return ox.Literal(t[1], language=t[2])
    return ox.Literal(t[1], datatype=ox.NamedNode(t[3]))


def resource_rdf(store: ox.Store, iri: str, fmt: str) -> bytes:
    """The resource's own statements (subject = iri) and the labels of what they point to."""
    from kjgraph.server.sparql import RDF_FORMATS

    node = ox.NamedNode(iri)
    triples = list(store.query(f"""CONSTRUCT {{ {node} ?p ?o . ?o rdfs:label ?l . ?s ?q {node} }} WHERE {{
        {{ {node} ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} }} UNION {{ ?s ?q {node} }} }}""",
                               prefixes=PREFIXES))
    rdf_format = RDF_FORMATS[fmt]
    if fmt == "turtle":
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(triples, format=rdf_format)


_SEARCH_INDEXES: dict[int, Any] = {}


def search_results(store: ox.Store, text: str, lang: str = "en", limit: int = 50) -> dict[str, Any]:
    """Ranked search (:mod:`kjgraph.search`): ``{"hits": [...], "total": n, "limit": limit}``.

    The index is built once per store and worker process."""
    from kjgraph.search import SearchIndex

    index = _SEARCH_INDEXES.get(id(store))
    if index is None:
        index = _SEARCH_INDEXES[id(store)] = SearchIndex.from_store(store)
    found = index.search(text, lang, limit)
    hits = []
    for hit in found.hits:
        item = hit.as_dict()
        item["match"] = tuple(hit.matched)
        item["labels"] = list(hit.labels)
        item["types"] = [f"{BASE}ontology#{hit.kind}"] if hit.kind and hit.category != "vocabulary" else []
        hits.append(item)
    return {"hits": hits, "total": found.total, "limit": limit}


def search(store: ox.Store, text: str, limit: int = 50, lang: str = "en") -> list[dict[str, Any]]:
    """Resources whose labels (any language and script) match ``text``, best first
    (:mod:`kjgraph.search`: exact, then prefix, then substring; entities before sources)."""
    return search_results(store, text, lang, limit)["hits"]


def classes(store: ox.Store) -> list[tuple[str, int]]:
    """Classes with instances, most instances first."""
    return [(row[0].value, int(row[1].value)) for row in _rows(
        store, "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c FILTER(isIRI(?c)) } "
               "GROUP BY ?c ORDER BY DESC(?n) ?c")]


def instances(store: ox.Store, cls: str, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    node = ox.NamedNode(cls)
    total = _int(store, "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?r }", r=node)
    offset = (max(page, 1) - 1) * page_size
    iris = [row[0].value for row in _rows(
        store, f"SELECT DISTINCT ?x WHERE {{ ?x a ?r FILTER(isIRI(?x)) }} ORDER BY ?x "
               f"LIMIT {page_size} OFFSET {offset}", r=node)]
    return {"class": cls, "total": total, "page": max(page, 1), "page_size": page_size,
            "members": iris, "labels": labels_of(store, [*iris, cls])}


def summary(store: ox.Store) -> dict[str, Any]:
    """Counts for the home page and the VoID description."""
    triples = _int(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    entities = _int(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
                           f"FILTER(STRSTARTS(STR(?s), \"{BASE}id/\")) }}")
    predicates = [row[0].value for row in _rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
    class_list = classes(store)
    vocabularies = sorted({_namespace(i) for i in predicates + [c for c, _n in class_list]})
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return {
        "triples": triples, "quads": len(store), "entities": entities,
        "distinct_subjects": _int(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "properties": len(predicates), "classes": class_list, "vocabularies": vocabularies,
        "graphs": graphs, "graph_labels": labels_of(store, graphs + [c for c, _n in class_list]),
        "ontology_meta": {key: [row[0].value for row in _rows(
            store, f"SELECT ?v WHERE {{ <{BASE}ontology> dcterms:{key} ?v }}")]
            for key in ("license", "creator")},
    }


def _namespace(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri[8:]:
            return iri[: iri.rindex(sep) + 1]
    return iri


def all_resources(store: ox.Store) -> list[str]:
    """Every IRI of the graph under the public base (for ``kjgraph publish``)."""
    return [row[0].value for row in _rows(store, f"""SELECT DISTINCT ?x WHERE {{
        {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} UNION {{ GRAPH ?x {{ }} }}
        FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{BASE}") && !STRSTARTS(STR(?x), "{BASE}ontology")
               && !STRSTARTS(STR(?x), "{BASE}shapes"))
        }} ORDER BY ?x""")]


def label_index(store: ox.Store) -> list[tuple[str, str, str]]:
    """(iri, label, language) of every labelled IRI, for the static site's search."""
    return [(row[0].value, row[1].value, row[1].language or "") for row in _rows(
        store, f"SELECT ?x ?l WHERE {{ ?x {LABEL_PATH} ?l FILTER(isIRI(?x)) }} ORDER BY ?x")]


_WHOLE_VIEWS: dict[tuple[int, bool], Any] = {}


def neighbourhood_page(store: ox.Store, iri: str, lang: str = "en", link_base: str | None = None,
                       hops: int = 1) -> str:
    """The interactive neighbourhood rendering (kjgraph.render) of ``iri``, as a standalone page.

    The whole view is extracted once per worker process and reused; sources are left out of
    the drawing (tooltips still cite them), except for a source's own page: a source graph
    (``graph/source/…``) or source (``id/source/…``) is drawn with what it is the source of.
    Raises :class:`kjgraph.server.workers.JobError` (404) for a resource that is not in the
    network (nothing to draw).
    """
    from kjgraph.query import KnowledgeGraph
    from kjgraph.render import RenderError, RenderOptions, neighbourhood_view, render_html, whole_view
    from kjgraph.server.workers import JobError

    def view(sources: bool) -> Any:
        key = (id(store), sources)
        if key not in _WHOLE_VIEWS:
            _WHOLE_VIEWS[key] = whole_view(KnowledgeGraph(store), sources=sources)
        return _WHOLE_VIEWS[key]

    whole = view(False)
    center = iri
    if iri not in whole.nodes:
        derived = _rows(store, "SELECT ?src WHERE { ?g prov:wasDerivedFrom ?src } LIMIT 1", g=ox.NamedNode(iri))
        center = derived[0][0].value if derived and isinstance(derived[0][0], ox.NamedNode) else iri
        whole = view(True)
    try:
        drawn = neighbourhood_view(whole, center, hops, lang if lang in ("en", "ko", "ja", "de") else "en")
    except RenderError:
        raise JobError(404, f"{iri} is not part of the network that kjgraph draws") from None
    return render_html(drawn, RenderOptions(lang=lang if lang in ("en", "ko", "ja", "de") else "en",
                                            link_base=link_base))


def plot_svg(store: ox.Store, which: str = "timeline", lang: str = "en") -> bytes:
    """The 60-year timeline or the topics heat map (kjgraph.plots) as SVG."""
    import io

    import matplotlib.pyplot as plt

    from kjgraph.plots import timeline_figure, topics_figure
    from kjgraph.query import KnowledgeGraph

    kg = KnowledgeGraph(store)
    fig = timeline_figure(kg, lang) if which == "timeline" else topics_figure(kg, lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
