"""The dataset's VoID and DCAT description, and the SPARQL service description.

Both are small RDFLib graphs built from the store's counts (:func:`kjgraph.server.data.summary`),
the build manifest and the ontology's own metadata (licence, creators), and serialised
in the negotiated RDF format.

>>> g = service_description("http://127.0.0.1:8000/sparql", update=False)
>>> (None, SD.endpoint, URIRef("http://127.0.0.1:8000/sparql")) in g
True
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from kjgraph import __version__
from kjgraph.formats import FORMATS, of_kind
from kjgraph.iris import BASE

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DATASET = URIRef(BASE + "dataset")
#: Dump file extension -> media type (:mod:`kjgraph.formats`).
DUMP_TYPES = {f".{f.extension}": f.media_type for f in of_kind("rdf") if f.name != "rdfxml"}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def service_description(endpoint: str, update: bool, summary: dict[str, Any] | None = None) -> Graph:
    """An ``sd:Service`` for the endpoint at ``endpoint`` (the URL the client used)."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in (*of_kind("results"), *(FORMATS[name] for name in ("ttl", "nt", "jsonld", "rdfxml"))):
        g.add((service, SD.resultFormat, URIRef(fmt.w3c)))
    g.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    if summary:
        g.add((default_graph, VOID.triples, Literal(summary["triples"], datatype=XSD.integer)))
        for name in summary["graphs"]:
            named = BNode()
            g.add((dataset, SD.namedGraph, named))
            g.add((named, RDF.type, SD.NamedGraph))
            g.add((named, SD.name, URIRef(name)))
    return g


def void_description(summary: dict[str, Any], *, server: str, dumps: list[str],
                     manifest: dict[str, Any], ontology_meta: dict[str, list[str]],
                     endpoint: str | None = None) -> Graph:
    """VoID + DCAT for the dataset; ``server`` is the public root URL of the server or site (or a
    relative reference, resolved against the description's own URL); ``endpoint``: the SPARQL
    endpoint when it is not ``server`` + ``sparql`` (a static site's, if any)."""
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS)):
        g.bind(prefix, ns)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("kjgraph: the open knowledge graph of Korea–Japan relations",
                                     lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Leaders, summits and visits, agreements, joint bodies, disputes and topics of "
        "Korea–Japan relations since 1965, each statement in the named graph of its source.",
        lang="en")))
    for lic in ontology_meta.get("license", []):
        g.add((d, DCTERMS.license, URIRef(lic) if "://" in lic else Literal(lic)))
    for creator in ontology_meta.get("creator", []):
        g.add((d, DCTERMS.creator, URIRef(creator) if "://" in creator else Literal(creator)))
    version = __version__ + (f"+{manifest['built']}" if manifest.get("built") else "")
    g.add((d, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(version)))
    g.add((d, URIRef(str(DCAT) + "version"), Literal(version)))
    if manifest.get("built"):
        g.add((d, DCTERMS.modified, Literal(manifest["built"])))
    g.add((d, VOID.triples, Literal(summary["triples"], datatype=XSD.integer)))
    g.add((d, VOID.entities, Literal(summary["entities"], datatype=XSD.integer)))
    g.add((d, VOID.distinctSubjects, Literal(summary["distinct_subjects"], datatype=XSD.integer)))
    g.add((d, VOID.properties, Literal(summary["properties"], datatype=XSD.integer)))
    g.add((d, VOID.classes, Literal(len(summary["classes"]), datatype=XSD.integer)))
    g.add((d, VOID.uriSpace, Literal(BASE + "id/")))
    for vocabulary in summary["vocabularies"]:
        g.add((d, VOID.vocabulary, URIRef(vocabulary)))
    for cls, count in summary["classes"]:
        partition = BNode()
        g.add((d, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    root = server if server.endswith("/") else server + "/"
    if endpoint or (root.startswith("http") and endpoint is None):
        sparql_url = URIRef(endpoint or root + "sparql")
        g.add((d, VOID.sparqlEndpoint, sparql_url))
        service = BNode()
        g.add((d, DCAT.accessService, service))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.endpointURL, sparql_url))
        g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((d, URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef(root)))
    for name in dumps:
        url = URIRef(root + "dumps/" + name)
        g.add((d, VOID.dataDump, url))
        dist = BNode()
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        suffix = name.removesuffix(".gz")
        media = next((m for ext, m in DUMP_TYPES.items() if suffix.endswith(ext)), None)
        if media:
            g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        if name.endswith(".gz"):
            g.add((dist, DCAT.compressFormat,
                   URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
    return g


def serialize(g: Graph, fmt: str) -> bytes:
    """``fmt`` is a key of :data:`kjgraph.server.sparql.GRAPH_TYPES`.

    Blank nodes are relabelled canonically first (RDFLib's ``to_canonical_graph``), so the
    same description always gives the same bytes (and the same ETag).
    """
    from rdflib.compare import to_canonical_graph

    canonical = Graph()
    for prefix, namespace in g.namespaces():
        canonical.bind(prefix, namespace, override=True)
    for triple in to_canonical_graph(g):
        canonical.add(triple)
    return canonical.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
