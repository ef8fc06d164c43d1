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

from kjgraph.iris import BASE
from kjgraph.labels import LANGUAGES
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
        text = re.sub(rf"\?{name}\b", str(value).replace("\\", "\\\\"), text)
    return _results(store, text)


def _results(store: ox.Store, text: str) -> list[Any]:
    """The rows (SELECT) or triples (CONSTRUCT) of a query, as a list."""
    result = store.query(text, prefixes=PREFIXES)
    if isinstance(result, ox.QueryBoolean):
        raise TypeError("expected a SELECT or CONSTRUCT query")
    return list(result)


def _serialize(triples: list[Any], rdf_format: Any, **options: Any) -> bytes:
    """Triples in an RDF syntax, as bytes."""
    return ox.serialize(triples, format=rdf_format, **options) or b""


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
    related = ([p for p, *_x in statements] + [o[1] for _p, o, _g in statements if o is not None and o[0] == "uri"]
               + [s[1] for s, *_x in inverse if s is not None and s[0] == "uri"] + [p for _s, p, _g in inverse]
               + types + graphs + list(sources.values()) + [e["about"] for e in evidence])
    own = [ox.Triple(node, ox.NamedNode(p), _node(o)) for p, o, _g in statements if o is not None]
    return {
        "iri": iri, "labels": labels, "types": types, "statements": statements, "inverse": inverse,
        "out_total": out_total, "in_total": in_total, "page": max(page, 1), "page_size": page_size,
        "sources": sources, "related_labels": labels_of(store, related),
        "jsonld": _serialize(own, ox.RdfFormat.JSON_LD).decode() if own else "{}",
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
    triples = _results(store, f"""CONSTRUCT {{ {node} ?p ?o . ?o rdfs:label ?l . ?s ?q {node} }} WHERE {{
        {{ {node} ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} }} UNION {{ ?s ?q {node} }} }}""")
    rdf_format = RDF_FORMATS[fmt]
    if fmt == "turtle":
        return _serialize(triples, rdf_format, prefixes=PREFIXES)
    return _serialize(triples, rdf_format)


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
    kinds = sorted({f"{BASE}ontology#{hit.kind}" for hit in found.hits if hit.kind})
    return {"hits": hits, "total": found.total, "limit": limit, "labels": labels_of(store, kinds)}


def search(store: ox.Store, text: str, limit: int = 50, lang: str = "en") -> list[dict[str, Any]]:
    """Resources whose labels (any language and script) match ``text``, best first
    (:mod:`kjgraph.search`: exact, then prefix, then substring; entities before sources)."""
    hits: list[dict[str, Any]] = search_results(store, text, lang, limit)["hits"]
    return hits


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
        drawn = neighbourhood_view(whole, center, hops, lang if lang in LANGUAGES else "en")
    except RenderError:
        raise JobError(404, f"{iri} is not part of the network that kjgraph draws") from None
    return render_html(drawn, RenderOptions(lang=lang if lang in LANGUAGES else "en",
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


# ---------------------------------------------------------------- the summary card of a resource page

KJO = PREFIXES["kjo"]
#: Properties that repeat another one for generic clients (a mirror is shown once, with its original).
MIRRORS = {"https://schema.org/about": "http://purl.org/dc/terms/subject",
           "https://schema.org/location": f"{KJO}place",
           "https://schema.org/superEvent": f"{KJO}partOf",
           "https://schema.org/attendee": f"{KJO}participation",
           "https://schema.org/subEvent": None, "http://semanticweb.cs.vu.nl/2009/11/sem/hasSubEvent": None,
           "https://schema.org/name": "http://www.w3.org/2000/01/rdf-schema#label"}


def _graphs(value: Any) -> list[str]:
    return value.value.split() if value is not None and value.value else []


def _values(store: ox.Store, node: ox.NamedNode, path: str, *, inverse: bool = False) -> list[dict[str, Any]]:
    """The objects (or subjects) of ``path`` from ``node``, each with the graphs that state it."""
    pattern = f"?o {path} ?r" if inverse else f"?r {path} ?o"
    return [{"term": term(row[0]), "graphs": _graphs(row[1])} for row in _rows(store, f"""
        SELECT ?o (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs) WHERE {{
          {pattern} OPTIONAL {{ GRAPH ?g {{ {pattern} }} }} }} GROUP BY ?o ORDER BY ?o""", r=node)]


def _kind(types: list[str]) -> str:
    """The card a resource gets: event, person, agreement, place, or other."""
    local = {t[len(KJO):] for t in types if t.startswith(KJO)}
    for group, classes in (("event", {"Event"}), ("person", {"Person"}),
                           ("agreement", {"Agreement", "Proposal", "SharedPosition", "Outcome"}),
                           ("place", {"Place"})):
        if local & classes:
            return group
    return "other"


def card(store: ox.Store, iri: str) -> dict[str, Any]:
    """The facts a resource page opens with, by kind of resource (event, person, agreement,
    place): rows of ``(heading, values)`` where a value is ``{"term", "graphs", ...}`` (the named
    graphs, i.e. sources, that state it), and ``lists`` of related resources (meetings before
    and after, meetings with counterparts, what happened at a place). Headings are message ids
    of :mod:`kjgraph.i18n`."""
    from kjgraph.i18n import N_

    node = ox.NamedNode(iri)
    types = [row[0].value for row in _rows(store, "SELECT ?t WHERE { ?r a ?t }", r=node)]
    specific = [row[0].value for row in _rows(store, """SELECT ?t WHERE { ?r a ?t FILTER(STRSTARTS(STR(?t), STR(kjo:)))
        FILTER NOT EXISTS { ?r a ?sub . ?sub rdfs:subClassOf+ ?t FILTER(?sub != ?t) } }""", r=node)]
    kind = _kind(types)
    rows: list[tuple[str, list[dict[str, Any]]]] = []
    lists: list[dict[str, Any]] = []

    def add(heading: str, path: str, *, inverse: bool = False) -> list[dict[str, Any]]:
        found = _values(store, node, path, inverse=inverse)
        if found:
            rows.append((heading, found))
        return found

    descriptions = [(row[0].value, row[0].language or "") for row in _rows(
        store, "SELECT ?d WHERE { ?r schema:description ?d }", r=node)]
    if kind == "event":
        add(N_("When"), "schema:startDate")
        add(N_("Until"), "schema:endDate")
        places = add(N_("Where"), "kjo:place")
        add(N_("Venue"), "kjo:venue")
        for place in places:
            countries = [{"term": ("uri", row[0].value), "graphs": []} for row in _rows(
                store, "SELECT DISTINCT ?c WHERE { ?r schema:containedInPlace+ ?c . ?c a kjo:Country }",
                r=ox.NamedNode(place["term"][1]))]
            if countries:
                place["in"] = countries
        who = []
        for row in _rows(store, """SELECT ?p ?role ?office ?country
            (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs)
            WHERE { ?r kjo:participation ?x . ?x kjo:participant ?p
                    OPTIONAL { ?x kjo:role ?role } OPTIONAL { ?x kjo:inCapacityOf/kjo:office ?office }
                    OPTIONAL { ?x kjo:onBehalfOf ?country }
                    OPTIONAL { GRAPH ?g { ?x kjo:participant ?p } } }
            GROUP BY ?p ?role ?office ?country ORDER BY ?role ?p""", r=node):
            who.append({"term": term(row[0]), "graphs": _graphs(row[4]),
                        "role": row[1].value if row[1] is not None else None,
                        "office": row[2].value if row[2] is not None else None,
                        "country": row[3].value if row[3] is not None else None})
        if who:
            rows.append((N_("Who"), who))
        add(N_("Countries taking part"), "kjo:participatingCountry")
        add(N_("Kind of call"), "kjo:medium")
        add(N_("Duration (minutes)"), "kjo:durationMinutes")
        outcomes: dict[Any, dict[str, Any]] = {}
        for found in (_values(store, node, "kjo:resultedIn"), _values(store, node, "kjo:agreedAt", inverse=True)):
            for v in found:
                merged = outcomes.setdefault(v["term"], {"term": v["term"], "graphs": []})
                merged["graphs"] = sorted(set(merged["graphs"]) | set(v["graphs"]))
        if outcomes:
            rows.append((N_("Outcomes and agreements"), list(outcomes.values())))
        add(N_("Part of"), "kjo:partOf")
        add(N_("Series"), "kjo:inSeries")
        add(N_("Reciprocates"), "kjo:reciprocates")
        add(N_("Reciprocated by"), "kjo:reciprocates", inverse=True)
        add(N_("Refers to"), "kjo:refersTo")
        add(N_("Topics"), "dcterms:subject")
        parts = [{"term": ("uri", row[0].value), "date": row[1].value if row[1] is not None else ""}
                 for row in _rows(store, """SELECT ?e (MIN(?d) AS ?day) WHERE { ?e kjo:partOf ?r
                    OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e""", r=node)]
        if parts:
            lists.append({"heading": N_("Held during it"), "items": parts})
        if f"{KJO}LeadersMeeting" in types:
            day = [row[0].value for row in _rows(store, "SELECT (MAX(?d) AS ?x) WHERE { ?r kjo:earliestDate ?d }",
                                                 r=node) if row[0] is not None]
            if day:
                around = []
                for order, comparison in (("DESC", "<"), ("ASC", ">")):
                    nearest = _rows(store, f"""SELECT ?e (MAX(?d) AS ?day) WHERE {{ ?e a kjo:LeadersMeeting ;
                        kjo:earliestDate ?d FILTER(?e != ?r) }} GROUP BY ?e
                        HAVING (STR(MAX(?d)) {comparison} "{day[0]}") ORDER BY {order}(STR(?day)) ?e LIMIT 1""", r=node)
                    if nearest:
                        around.append({"term": ("uri", nearest[0][0].value), "date": nearest[0][1].value,
                                       "relation": N_("before") if comparison == "<" else N_("after")})
                if around:
                    lists.append({"heading": N_("The leaders' meetings before and after"), "items": around})
    elif kind == "person":
        add(N_("Born"), "schema:birthDate")
        add(N_("Nationality"), "schema:nationality")
        terms = [{"term": ("uri", row[0].value), "start": row[1].value, "end": row[2].value if row[2] else "",
                  "acting": row[3] is not None and row[3].value in ("true", "1"), "graphs": _graphs(row[4])}
                 for row in _rows(store, """SELECT ?office ?s ?e ?acting
                    (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs)
                    WHERE { ?t kjo:holder ?r ; kjo:office ?office ; schema:startDate ?s
                            OPTIONAL { ?t schema:endDate ?e } OPTIONAL { ?t kjo:acting ?acting }
                            OPTIONAL { GRAPH ?g { ?t kjo:holder ?r } } }
                    GROUP BY ?office ?s ?e ?acting ORDER BY ?s""", r=node)]
        if terms:
            rows.append((N_("Offices and terms"), terms))
        meetings = [{"term": ("uri", row[0].value), "date": row[1].value, "kind": row[2].value,
                     "with": [w for w in row[3].value.split() if w]}
                    for row in _rows(store, """SELECT ?e (MAX(?d) AS ?day) (SAMPLE(?k) AS ?kind)
                        (GROUP_CONCAT(DISTINCT STR(?other); separator=" ") AS ?others) WHERE {
                        VALUES ?k { kjo:Summit kjo:SidelineMeeting kjo:BriefTalk kjo:LeaderCall }
                        ?e a ?k ; kjo:participation ?mine , ?theirs ; kjo:earliestDate ?d .
                        ?mine kjo:participant ?r ; kjo:inCapacityOf/kjo:office ?o1 .
                        ?theirs kjo:participant ?other ; kjo:inCapacityOf/kjo:office ?o2 .
                        ?o1 a kjo:LeaderOffice . ?o2 a kjo:LeaderOffice . FILTER(?o1 != ?o2) }
                        GROUP BY ?e ORDER BY ?day ?e""", r=node)]
        if meetings:
            lists.append({"heading": N_("Meetings and calls with counterparts"), "items": meetings})
    elif kind == "agreement":
        add(N_("Parties"), "kjo:party")
        add(N_("Signatories"), "kjo:signatory")
        add(N_("Signed on"), "kjo:signedOn")
        add(N_("Signed at"), "kjo:signedAt")
        add(N_("Agreed at"), "kjo:agreedAt")
        add(N_("Entered into force"), "kjo:enteredIntoForce")
        add(N_("Terminated"), "kjo:terminatedOn")
        add(N_("Status"), "kjo:status")
        add(N_("Topics"), "dcterms:subject")
        history = [{"term": ("uri", row[0].value), "date": row[1].value if row[1] is not None else ""}
                   for row in _rows(store, """SELECT ?e (MIN(?d) AS ?day) WHERE {
                       { ?e kjo:refersTo ?r } UNION { ?e kjo:resultedIn ?r } UNION { ?r kjo:agreedAt ?e }
                       ?e a kjo:Event OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e""", r=node)]
        if history:
            lists.append({"heading": N_("History"), "items": history})
    elif kind == "place":
        add(N_("In"), "schema:containedInPlace")
        add(N_("Latitude"), "geo:lat")
        add(N_("Longitude"), "geo:long")
        events = [{"term": ("uri", row[0].value), "date": row[1].value if row[1] is not None else ""}
                  for row in _rows(store, """SELECT ?e (MIN(?d) AS ?day) WHERE {
                      { ?e kjo:place ?r } UNION { ?e kjo:place ?p . ?p schema:containedInPlace+ ?r }
                      OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e""", r=node)]
        if events:
            lists.append({"heading": N_("What happened here"), "items": events})
    else:
        add(N_("Topics"), "dcterms:subject")
    iris = {v["term"][1] for _h, vs in rows for v in vs if v["term"] and v["term"][0] == "uri"}
    iris |= {x for _h, vs in rows for v in vs for x in (v.get("role"), v.get("office"), v.get("country")) if x}
    iris |= {c["term"][1] for _h, vs in rows for v in vs for c in v.get("in", [])}
    iris |= {i["term"][1] for block in lists for i in block["items"]}
    iris |= {w for block in lists for i in block["items"] for w in i.get("with", [])}
    iris |= {i.get("kind", "") for block in lists for i in block["items"] if i.get("kind")}
    iris |= set(specific)
    return {"kind": kind, "classes": specific, "rows": rows, "lists": lists, "descriptions": descriptions,
            "labels": labels_of(store, sorted(iris))}


def resource_page(store: ox.Store, iri: str, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """:func:`describe` with the summary :func:`card`, the JSON-LD of the whole resource (every
    statement of it, not one page), the sources' titles and links (each source once), and the
    statements with their mirrors (``schema:about`` for ``dcterms:subject`` …) folded into one row."""
    r = describe(store, iri, page, page_size)
    node = ox.NamedNode(iri)
    r["card"] = card(store, iri)
    own = _results(store, f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ {node} ?p ?o }}")
    r["jsonld"] = _serialize(own, ox.RdfFormat.JSON_LD).decode() if own else "{}"
    present = {(p, o) for p, o, _g in r["statements"]}
    folded = []
    for p, o, graphs in r["statements"]:
        original = MIRRORS.get(p, "")
        if p in MIRRORS and (original is None or (original, o) in present or
                             (p == "https://schema.org/attendee")):
            continue
        folded.append((p, o, graphs))
    r["statements_folded"] = folded
    graphs = sorted({g for _h, vs in r["card"]["rows"] for v in vs for g in v["graphs"]}
                    | {g for *_x, gs in r["statements"] for g in gs} | {g for *_x, gs in r["inverse"] for g in gs})
    info: dict[str, dict[str, str]] = {}
    if graphs:
        for row in _rows(store, "SELECT ?g ?src ?title ?url ?date WHERE { VALUES ?g { "
                         + " ".join(str(ox.NamedNode(g)) for g in graphs) + """ }
                         ?g prov:wasDerivedFrom ?src OPTIONAL { ?src rdfs:label ?title }
                         OPTIONAL { ?src schema:url ?url } OPTIONAL { ?src schema:datePublished ?date } }"""):
            entry = info.setdefault(row[0].value, {"source": row[1].value})
            for key, value in (("title", row[2]), ("url", row[3]), ("date", row[4])):
                if value is not None:
                    entry.setdefault(key, value.value)
    r["source_info"] = info
    r["source_details"] = {v["source"]: v for v in info.values()}
    r["sources"].update({g: v["source"] for g, v in info.items()})
    r["related_labels"].update(r["card"]["labels"])
    return r


# ---------------------------------------------------------------- the home page and browsing


#: Classes of the domain (what the record is about), in the order the home page shows them.
DOMAIN_CLASSES = ("Person", "Event", "Agreement", "Place", "Topic", "Organization", "EventSeries", "Office",
                  "Proposal", "SharedPosition")
#: Classes of the model's details and of provenance (browsable, shown after the domain).
DETAIL_CLASSES = ("Tenure", "Participation", "CoverageRecord", "CoverageEntry", "BodyMembership", "SeriesPhase",
                  "Role", "Status", "Medium", "PublisherType")
PROVENANCE_CLASSES = ("Source", "SourceGraph", "Publisher")


def class_group(cls: str) -> str:
    """``domain``, ``detail``, ``provenance`` or ``vocabulary`` (another vocabulary's class)."""
    if not cls.startswith(KJO):
        return "vocabulary"
    local = cls[len(KJO):]
    if local in PROVENANCE_CLASSES:
        return "provenance"
    if local in DETAIL_CLASSES:
        return "detail"
    return "domain"


def home(store: ox.Store) -> dict[str, Any]:
    """What the home page leads with: events by kind, the leaders of both countries, agreements,
    topics and places by how much happened, with counts; labels of everything named."""
    events = [(row[0].value, int(row[1].value)) for row in _rows(store, """
        SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . ?c rdfs:subClassOf* kjo:Event
          FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf+ ?c FILTER(?sub != ?c) } }
        GROUP BY ?c ORDER BY DESC(?n) ?c""")]
    leaders = [{"person": row[0].value, "office": row[1].value, "start": row[2].value,
                "end": row[3].value if row[3] is not None else "", "acting": row[4] is not None
                and row[4].value in ("true", "1")} for row in _rows(store, """
        SELECT ?p ?o ?s ?e ?acting WHERE { ?t kjo:holder ?p ; kjo:office ?o ; schema:startDate ?s .
          ?o a kjo:LeaderOffice OPTIONAL { ?t schema:endDate ?e } OPTIONAL { ?t kjo:acting ?acting } }
        ORDER BY DESC(?s)""")]
    agreements = [(row[0].value, row[1].value if row[1] is not None else "") for row in _rows(store, """
        SELECT ?a (MIN(?d) AS ?day) WHERE { VALUES ?k { kjo:Treaty kjo:JointDeclaration kjo:Arrangement kjo:Agreement }
          ?a a ?k FILTER NOT EXISTS { ?a a kjo:Commitment } OPTIONAL { ?a kjo:signedOn|kjo:earliestDate ?d } }
        GROUP BY ?a ORDER BY DESC(?day) ?a""")]
    topics = [(row[0].value, int(row[1].value)) for row in _rows(store, """
        SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?t a kjo:Topic . ?e dcterms:subject ?t ; a kjo:Event }
        GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 24""")]
    places = [(row[0].value, int(row[1].value)) for row in _rows(store, """
        SELECT ?p (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kjo:place ?p ; a kjo:Event . ?p a kjo:City }
        GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 16""")]
    iris = ([c for c, _n in events] + [x for r in leaders for x in (r["person"], r["office"])]
            + [a for a, _d in agreements] + [t for t, _n in topics] + [p for p, _n in places])
    return {"events": events, "leaders": leaders, "agreements": agreements, "topics": topics, "places": places,
            "labels": labels_of(store, iris)}


def view_page(store: ox.Store, which: str, lang: str = "en", link_base: str | None = None) -> str:
    """A view of :mod:`kjgraph.views` (``timeline`` or ``leaders``) as a self-contained page."""
    from kjgraph import views
    from kjgraph.query import KnowledgeGraph
    from kjgraph.render import (
        network_html,
        write_network,  # noqa: F401 (the writer the page uses)
    )

    kg = KnowledgeGraph(store)
    make = {"timeline": views.timeline_network, "leaders": views.leaders_network}[which]
    net = make(kg, lang=lang)
    net.kjgraph["linkBase"] = link_base
    return network_html(net, lang)
