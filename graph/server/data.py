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
from kjgraph.server.documents import ResourceDocument, document_triples, resource_document

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


def document(store: ox.Store, candidates: list[str], fmt: str, page: int = 1) -> tuple[str, Any] | None:
    """The document of the first of ``candidates`` (IRIs) that is in the graph, read in one
    worker round trip (one query for an RDF document): ``(iri, body)`` where ``body`` is the
    bytes of ``fmt`` (a key of :data:`kjgraph.server.sparql.RDF_FORMATS`) or, for ``"html"``,
    the :func:`resource_page` data of page ``page``; None when no candidate is in the graph
    (:func:`exists`: neither subject nor object of a statement, nor a named graph).

    Raises :class:`KeyError` for an unknown ``fmt``.
    """
    for iri in candidates:
        if fmt == "html":
            doc = resource_document(store, iri)
            if not doc.empty() or store.contains_named_graph(doc.node):
                return iri, _page_of(store, doc, page, PAGE_SIZE)
            continue
        triples = document_triples(store, iri)
        if triples or store.contains_named_graph(ox.NamedNode(iri)):
            return iri, _rdf(triples, fmt)
    return None


def resource_rdf(store: ox.Store, iri: str, fmt: str) -> bytes:
    """The resource's document (:mod:`kjgraph.server.documents`: its own statements, the
    inbound links and the provenance of its statements) in ``fmt``, a key of
    :data:`kjgraph.server.sparql.RDF_FORMATS`; one query."""
    return _rdf(document_triples(store, iri), fmt)


def _rdf(triples: list[ox.Triple], fmt: str) -> bytes:
    from kjgraph.server.sparql import RDF_FORMATS

    if fmt == "turtle":
        return _serialize(triples, RDF_FORMATS[fmt], prefixes=PREFIXES)
    return _serialize(triples, RDF_FORMATS[fmt])


#: The predicates of :data:`LABEL_PATH`, as IRIs.
LABEL_PREDICATES = frozenset(PREFIXES[prefix] + local for prefix, local in
                             (name.split(":") for name in LABEL_PATH.split("|")))


def describe(store: ox.Store, iri: str, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Everything a resource page shows but its card: labels, types, statements and inverse
    statements (one page of each) with the named graphs (sources) that state them, labels of
    the related resources, the sources' records (``sources``: graph → source), and the evidence:
    the sentences of stored sources anchored to it (``evidence``, in document order).

    Statements are ``(predicate, object term, graphs)`` and inverse statements ``(subject term,
    predicate, graphs)``, terms as :func:`term` gives them."""
    r, related = _described(store, resource_document(store, iri), page, page_size)
    missing = sorted({g for *_x, gs in r["statements"] + r["inverse"] for g in gs} - set(r["sources"]))
    if missing:
        r["sources"].update(_sources(store, missing))
    r["related_labels"] = labels_of(store, related + list(r["sources"].values()))
    return r


def _described(store: ox.Store, doc: ResourceDocument, page: int,
               page_size: int) -> tuple[dict[str, Any], list[str]]:
    """:func:`describe` from the resource's document, but for ``related_labels`` and the sources
    of inbound links' graphs (left to the caller: :func:`_sources`), and the IRIs whose labels
    the page needs."""
    offset = (max(page, 1) - 1) * page_size
    own = [(p.value, term(o), graphs) for (p, o), graphs in doc.statements.items()]
    inverse = [(term(s), p.value, graphs) for (s, p), graphs in doc.inverse.items()]
    statements, inverse_page = own[offset:offset + page_size], inverse[offset:offset + page_size]
    labels = sorted({(o.value, o.language or "") for p, o in doc.statements
                    if p.value in LABEL_PREDICATES and isinstance(o, ox.Literal)})
    types = sorted(o.value for p, o in doc.statements if p.value == RDF_TYPE)
    graphs = sorted({g for *_x, gs in statements + inverse_page for g in gs})
    sources = {g: doc.provenance[g] for g in graphs if g in doc.provenance}
    evidence = _evidence(store, doc.node)
    related = (_named(statements, inverse_page) + types + graphs + list(sources.values())
               + [e["about"] for e in evidence])
    own_triples = doc.own_triples()
    return {
        "iri": doc.iri, "labels": labels, "types": types, "statements": statements, "inverse": inverse_page,
        "out_total": len(own), "in_total": len(inverse), "page": max(page, 1), "page_size": page_size,
        "sources": sources,
        # the JSON-LD of the whole resource (every statement of it, not one page)
        "jsonld": _serialize(own_triples, ox.RdfFormat.JSON_LD).decode() if own_triples else "{}",
        "is_graph": store.contains_named_graph(doc.node),
        # Sentences of stored sources that support the resource, the statements that resulted
        # from it and its parts (W3C Web Annotation text anchors): [{about, quote, source, start, end}]
        "evidence": evidence,
    }, related


def _named(statements: list[tuple[str, Term | None, list[str]]],
           inverse: list[tuple[Term | None, str, list[str]]]) -> list[str]:
    """The IRIs that statements and inverse statements name: predicates, objects, subjects."""
    return ([p for p, *_x in statements] + [o[1] for _p, o, _g in statements if o is not None and o[0] == "uri"]
            + [s[1] for s, *_x in inverse if s is not None and s[0] == "uri"] + [p for _s, p, _g in inverse])


def _sources(store: ox.Store, graphs: list[str]) -> dict[str, str]:
    """The source record of each named graph of ``graphs`` that has one."""
    return {row[0].value: row[1].value for row in _rows(
        store, "SELECT ?g ?src WHERE { VALUES ?g { " + " ".join(str(ox.NamedNode(g)) for g in graphs)
        + " } ?g prov:wasDerivedFrom ?src }")}


def _evidence(store: ox.Store, node: ox.NamedNode) -> list[dict[str, Any]]:
    """The text anchors of stored sources about ``node``, its results and its parts:
    ``[{about, quote, source, start, end}]`` in document order."""
    return [
        {"about": row[0].value, "quote": row[1].value, "source": row[2].value,
         "start": int(row[3].value), "end": int(row[4].value)}
        for row in _rows(store, """
        SELECT DISTINCT ?about ?quote ?source ?start ?end WHERE {
          { BIND(?r AS ?about) } UNION { ?r kjo:resultedIn ?about } UNION { ?about kjo:partOf ?r }
          ?annotation oa:hasBody ?about ; oa:hasTarget ?segment .
          ?segment oa:hasSource ?source ; oa:hasSelector ?q , ?p .
          ?q oa:exact ?quote . ?p oa:start ?start ; oa:end ?end .
        } ORDER BY ?source ?start ?about""", r=node)]


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


class _Card:
    """The card of one resource while it is built: ``rows`` of ``(heading, values)`` and
    ``lists`` of related resources (see :func:`card`)."""

    def __init__(self, store: ox.Store, node: ox.NamedNode, types: list[str]) -> None:
        self.store, self.node, self.types = store, node, types
        self.rows: list[tuple[str, list[dict[str, Any]]]] = []
        self.lists: list[dict[str, Any]] = []

    def query(self, text: str) -> list[Any]:
        """The rows of SELECT ``text`` with ``?r`` bound to the resource."""
        return _rows(self.store, text, r=self.node)

    def add(self, heading: str, path: str, *, inverse: bool = False) -> list[dict[str, Any]]:
        """A row of the objects (``inverse``: subjects) of ``path``, if there are any."""
        found = _values(self.store, self.node, path, inverse=inverse)
        if found:
            self.rows.append((heading, found))
        return found

    def add_all(self, rows: tuple[tuple[str, str], ...]) -> None:
        """:meth:`add` for each ``(heading, path)``."""
        for heading, path in rows:
            self.add(heading, path)

    def add_list(self, heading: str, items: list[dict[str, Any]]) -> None:
        """A list of related resources, if there are any."""
        if items:
            self.lists.append({"heading": heading, "items": items})

    def dated(self, text: str) -> list[dict[str, Any]]:
        """``[{term, date}]`` of SELECT ``text``'s rows ``?e ?day`` (the day may be unbound)."""
        return [{"term": ("uri", row[0].value), "date": row[1].value if row[1] is not None else ""}
                for row in self.query(text)]


def card(store: ox.Store, iri: str) -> dict[str, Any]:
    """The facts a resource page opens with, by kind of resource (event, person, agreement,
    place): rows of ``(heading, values)`` where a value is ``{"term", "graphs", ...}`` (the named
    graphs, i.e. sources, that state it), and ``lists`` of related resources (meetings before
    and after, meetings with counterparts, what happened at a place). Headings are message ids
    of :mod:`kjgraph.i18n`."""
    node = ox.NamedNode(iri)
    types = [row[0].value for row in _rows(store, "SELECT ?t WHERE { ?r a ?t }", r=node)]
    specific = [row[0].value for row in _rows(store, """SELECT ?t WHERE { ?r a ?t FILTER(STRSTARTS(STR(?t), STR(kjo:)))
        FILTER NOT EXISTS { ?r a ?sub . ?sub rdfs:subClassOf+ ?t FILTER(?sub != ?t) } }""", r=node)]
    kind = _kind(types)
    built = _Card(store, node, types)
    descriptions = [(row[0].value, row[0].language or "") for row in built.query(
        "SELECT ?d WHERE { ?r schema:description ?d }")]
    _CARDS[kind](built)
    iris = _card_iris(built.rows, built.lists) | set(specific)
    return {"kind": kind, "classes": specific, "rows": built.rows, "lists": built.lists,
            "descriptions": descriptions, "labels": labels_of(store, sorted(iris))}


def _card_iris(rows: list[tuple[str, list[dict[str, Any]]]], lists: list[dict[str, Any]]) -> set[str]:
    """The IRIs a card names (whose labels it shows)."""
    values = [v for _h, vs in rows for v in vs]
    items = [i for block in lists for i in block["items"]]
    iris = {v["term"][1] for v in values if v["term"] and v["term"][0] == "uri"}
    iris |= {x for v in values for x in (v.get("role"), v.get("office"), v.get("country")) if x}
    iris |= {c["term"][1] for v in values for c in v.get("in", [])}
    iris |= {i["term"][1] for i in items} | {w for i in items for w in i.get("with", [])}
    return iris | {i["kind"] for i in items if i.get("kind")}


def _event_card(c: _Card) -> None:
    """An event: when, where, who (with role, office and country), outcomes, its series and
    parts, and for a leaders' meeting the ones before and after."""
    from kjgraph.i18n import N_

    c.add_all(((N_("When"), "schema:startDate"), (N_("Until"), "schema:endDate")))
    _event_places(c, c.add(N_("Where"), "kjo:place"))
    c.add(N_("Venue"), "kjo:venue")
    _event_people(c)
    c.add_all(((N_("Countries taking part"), "kjo:participatingCountry"), (N_("Kind of call"), "kjo:medium"),
               (N_("Duration (minutes)"), "kjo:durationMinutes")))
    _event_outcomes(c)
    c.add_all(((N_("Part of"), "kjo:partOf"), (N_("Series"), "kjo:inSeries"), (N_("Reciprocates"), "kjo:reciprocates")))
    c.add(N_("Reciprocated by"), "kjo:reciprocates", inverse=True)
    c.add_all(((N_("Refers to"), "kjo:refersTo"), (N_("Topics"), "dcterms:subject")))
    c.add_list(N_("Held during it"), c.dated("""SELECT ?e (MIN(?d) AS ?day) WHERE { ?e kjo:partOf ?r
        OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e"""))
    if f"{KJO}LeadersMeeting" in c.types:
        _leaders_meetings_around(c)


def _event_places(c: _Card, places: list[dict[str, Any]]) -> None:
    """Each place of an event with the countries it lies in (``place["in"]``)."""
    for place in places:
        countries = [{"term": ("uri", row[0].value), "graphs": []} for row in _rows(
            c.store, "SELECT DISTINCT ?c WHERE { ?r schema:containedInPlace+ ?c . ?c a kjo:Country }",
            r=ox.NamedNode(place["term"][1]))]
        if countries:
            place["in"] = countries


def _event_people(c: _Card) -> None:
    """The row of an event's participants: ``{term, graphs, role, office, country}``."""
    from kjgraph.i18n import N_

    def value(row: Any) -> str | None:
        return row.value if row is not None else None

    who = [{"term": term(row[0]), "graphs": _graphs(row[4]), "role": value(row[1]), "office": value(row[2]),
            "country": value(row[3])} for row in c.query("""SELECT ?p ?role ?office ?country
        (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs)
        WHERE { ?r kjo:participation ?x . ?x kjo:participant ?p
                OPTIONAL { ?x kjo:role ?role } OPTIONAL { ?x kjo:inCapacityOf/kjo:office ?office }
                OPTIONAL { ?x kjo:onBehalfOf ?country }
                OPTIONAL { GRAPH ?g { ?x kjo:participant ?p } } }
        GROUP BY ?p ?role ?office ?country ORDER BY ?role ?p""")]
    if who:
        c.rows.append((N_("Who"), who))


def _event_outcomes(c: _Card) -> None:
    """One row of what an event resulted in and what was agreed at it, each once with the
    graphs of both links."""
    from kjgraph.i18n import N_

    outcomes: dict[Any, dict[str, Any]] = {}
    for found in (_values(c.store, c.node, "kjo:resultedIn"), _values(c.store, c.node, "kjo:agreedAt", inverse=True)):
        for v in found:
            merged = outcomes.setdefault(v["term"], {"term": v["term"], "graphs": []})
            merged["graphs"] = sorted(set(merged["graphs"]) | set(v["graphs"]))
    if outcomes:
        c.rows.append((N_("Outcomes and agreements"), list(outcomes.values())))


def _leaders_meetings_around(c: _Card) -> None:
    """The leaders' meetings just before and just after this one (by earliest date)."""
    from kjgraph.i18n import N_

    day = [row[0].value for row in c.query("SELECT (MAX(?d) AS ?x) WHERE { ?r kjo:earliestDate ?d }")
           if row[0] is not None]
    if not day:
        return
    around = []
    for order, comparison in (("DESC", "<"), ("ASC", ">")):
        nearest = c.query(f"""SELECT ?e (MAX(?d) AS ?day) WHERE {{ ?e a kjo:LeadersMeeting ;
            kjo:earliestDate ?d FILTER(?e != ?r) }} GROUP BY ?e
            HAVING (STR(MAX(?d)) {comparison} "{day[0]}") ORDER BY {order}(STR(?day)) ?e LIMIT 1""")
        if nearest:
            around.append({"term": ("uri", nearest[0][0].value), "date": nearest[0][1].value,
                           "relation": N_("before") if comparison == "<" else N_("after")})
    c.add_list(N_("The leaders' meetings before and after"), around)


def _person_card(c: _Card) -> None:
    """A person: birth, nationality, offices and terms, meetings and calls with counterparts."""
    from kjgraph.i18n import N_

    c.add_all(((N_("Born"), "schema:birthDate"), (N_("Nationality"), "schema:nationality")))
    terms = [{"term": ("uri", row[0].value), "start": row[1].value, "end": row[2].value if row[2] else "",
              "acting": row[3] is not None and row[3].value in ("true", "1"), "graphs": _graphs(row[4])}
             for row in c.query("""SELECT ?office ?s ?e ?acting
                (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs)
                WHERE { ?t kjo:holder ?r ; kjo:office ?office ; schema:startDate ?s
                        OPTIONAL { ?t schema:endDate ?e } OPTIONAL { ?t kjo:acting ?acting }
                        OPTIONAL { GRAPH ?g { ?t kjo:holder ?r } } }
                GROUP BY ?office ?s ?e ?acting ORDER BY ?s""")]
    if terms:
        c.rows.append((N_("Offices and terms"), terms))
    c.add_list(N_("Meetings and calls with counterparts"), [
        {"term": ("uri", row[0].value), "date": row[1].value, "kind": row[2].value,
         "with": [w for w in row[3].value.split() if w]}
        for row in c.query("""SELECT ?e (MAX(?d) AS ?day) (SAMPLE(?k) AS ?kind)
            (GROUP_CONCAT(DISTINCT STR(?other); separator=" ") AS ?others) WHERE {
            VALUES ?k { kjo:Summit kjo:SidelineMeeting kjo:BriefTalk kjo:LeaderCall }
            ?e a ?k ; kjo:participation ?mine , ?theirs ; kjo:earliestDate ?d .
            ?mine kjo:participant ?r ; kjo:inCapacityOf/kjo:office ?o1 .
            ?theirs kjo:participant ?other ; kjo:inCapacityOf/kjo:office ?o2 .
            ?o1 a kjo:LeaderOffice . ?o2 a kjo:LeaderOffice . FILTER(?o1 != ?o2) }
            GROUP BY ?e ORDER BY ?day ?e""")])


def _agreement_card(c: _Card) -> None:
    """An agreement: parties, signature, force, status, topics and the events of its history."""
    from kjgraph.i18n import N_

    c.add_all(((N_("Parties"), "kjo:party"), (N_("Signatories"), "kjo:signatory"), (N_("Signed on"), "kjo:signedOn"),
               (N_("Signed at"), "kjo:signedAt"), (N_("Agreed at"), "kjo:agreedAt"),
               (N_("Entered into force"), "kjo:enteredIntoForce"), (N_("Terminated"), "kjo:terminatedOn"),
               (N_("Status"), "kjo:status"), (N_("Topics"), "dcterms:subject")))
    c.add_list(N_("History"), c.dated("""SELECT ?e (MIN(?d) AS ?day) WHERE {
        { ?e kjo:refersTo ?r } UNION { ?e kjo:resultedIn ?r } UNION { ?r kjo:agreedAt ?e }
        ?e a kjo:Event OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e"""))


def _place_card(c: _Card) -> None:
    """A place: where it lies, its coordinates and what happened there (or within it)."""
    from kjgraph.i18n import N_

    c.add_all(((N_("In"), "schema:containedInPlace"), (N_("Latitude"), "geo:lat"), (N_("Longitude"), "geo:long")))
    c.add_list(N_("What happened here"), c.dated("""SELECT ?e (MIN(?d) AS ?day) WHERE {
        { ?e kjo:place ?r } UNION { ?e kjo:place ?p . ?p schema:containedInPlace+ ?r }
        OPTIONAL { ?e kjo:earliestDate ?d } } GROUP BY ?e ORDER BY ?day ?e"""))


def _other_card(c: _Card) -> None:
    """Any other resource: its topics."""
    from kjgraph.i18n import N_

    c.add(N_("Topics"), "dcterms:subject")


#: The card of each kind of resource (:func:`_kind`).
_CARDS = {"event": _event_card, "person": _person_card, "agreement": _agreement_card, "place": _place_card,
          "other": _other_card}


def resource_page(store: ox.Store, iri: str, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """:func:`describe` with the summary :func:`card`, the JSON-LD of the whole resource (every
    statement of it, not one page), the sources' titles and links (each source once), and the
    statements with their mirrors (``schema:about`` for ``dcterms:subject`` …) folded into one row.

    Statements, inverse statements and the JSON-LD come from the resource's document
    (:func:`kjgraph.server.documents.resource_document`), the same one query as its RDF."""
    return _page_of(store, resource_document(store, iri), page, page_size)


def _page_of(store: ox.Store, doc: ResourceDocument, page: int, page_size: int) -> dict[str, Any]:
    """:func:`resource_page` from the resource's document."""
    r, related = _described(store, doc, page, page_size)
    r["card"] = card(store, doc.iri)
    r["statements_folded"] = _folded(r["statements"])
    graphs = sorted({g for _h, vs in r["card"]["rows"] for v in vs for g in v["graphs"]}
                    | {g for *_x, gs in r["statements"] + r["inverse"] for g in gs})
    info = _source_info(store, graphs)
    r["source_info"] = info
    r["source_details"] = {v["source"]: v for v in info.values()}
    r["sources"].update({g: v["source"] for g, v in info.items()})
    r["related_labels"] = labels_of(store, related + list(r["sources"].values()))
    r["related_labels"].update(r["card"]["labels"])
    return r


def _folded(statements: list[tuple[str, Term | None, list[str]]]) -> list[tuple[str, Term | None, list[str]]]:
    """``statements`` without the mirrors (:data:`MIRRORS`) of statements that are there too."""
    present = {(p, o) for p, o, _g in statements}
    folded = []
    for p, o, graphs in statements:
        original = MIRRORS.get(p, "")
        if p in MIRRORS and (original is None or (original, o) in present or p == "https://schema.org/attendee"):
            continue
        folded.append((p, o, graphs))
    return folded


def _source_info(store: ox.Store, graphs: list[str]) -> dict[str, dict[str, str]]:
    """For each named graph of ``graphs``: its ``source`` record and that record's ``title``,
    ``url`` and ``date`` (published) where known."""
    info: dict[str, dict[str, str]] = {}
    if not graphs:
        return info
    for row in _rows(store, "SELECT ?g ?src ?title ?url ?date WHERE { VALUES ?g { "
                     + " ".join(str(ox.NamedNode(g)) for g in graphs) + """ }
                     ?g prov:wasDerivedFrom ?src OPTIONAL { ?src rdfs:label ?title }
                     OPTIONAL { ?src schema:url ?url } OPTIONAL { ?src schema:datePublished ?date } }"""):
        entry = info.setdefault(row[0].value, {"source": row[1].value})
        for key, value in (("title", row[2]), ("url", row[3]), ("date", row[4])):
            if value is not None:
                entry.setdefault(key, value.value)
    return info


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
