"""A resource's document (``/doc/…``): what it holds and what it costs.

The document is the resource's symmetric concise bounded description (its own statements and
inbound links, from the default graph) plus the provenance of its own statements
(docs/decisions/20261201-resource-documents.md). The expected triples come from the store by an
independent SPARQL CONSTRUCT, never from frozen counts; `kjgraph serve` runs as a real
subprocess, and the round trips are counted on the real application and worker pool in process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from kjgraph.build import build
from kjgraph.query import PREFIXES
from kjgraph.server import data
from kjgraph.server.documents import document_triples, resource_document
from kjgraph.store import StoreLocation
from tests.http_servers import serving

FIXTURES = Path(__file__).parent / "data"
ID = "https://w3id.org/kjgraph/id/"
#: Media type and pyoxigraph format of each document extension.
FORMATS = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE), "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
           "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
           "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML)}
#: The document as decided, written independently of kjgraph.server.documents.
EXPECTED = """CONSTRUCT { ?r ?p ?o . ?s ?q ?r . ?g prov:wasDerivedFrom ?source } WHERE {
  { ?r ?p ?o } UNION { ?s ?q ?r } UNION { GRAPH ?g { ?r ?x ?y } ?g prov:wasDerivedFrom ?source } }"""


def parsed(document: bytes, rdf_format: ox.RdfFormat) -> set[ox.Triple]:
    """The triples of an RDF document."""
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(document, format=rdf_format)}


@pytest.fixture(scope="module")
def served_store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    """The small fixture data set, built."""
    location = StoreLocation(tmp_path_factory.mktemp("documents-store"))
    build(location, data=FIXTURES / "minimal", progress=False)
    return location


@pytest.fixture(scope="module")
def expected(served_store: StoreLocation) -> dict[str, set[ox.Triple]]:
    """The decided document of a few resources of every kind: person, event, tenure, place,
    office, source record, source graph (read before the server opens the store)."""
    store = ox.Store.read_only(str(served_store.oxigraph_path()))
    picks = [row[0].value for row in store.query(  # type: ignore[union-attr]
        """SELECT (MIN(?x) AS ?pick) WHERE { ?x a ?c
             VALUES ?c { kjo:Person kjo:Event kjo:Tenure kjo:Place kjo:Office kjo:Source kjo:SourceGraph } }
           GROUP BY ?c""", prefixes=PREFIXES)]
    assert len(picks) == 7
    out = {}
    for iri in picks:
        triples = store.query(EXPECTED.replace("?r", f"<{iri}>"), prefixes=PREFIXES)
        out[iri] = set(triples)  # type: ignore[arg-type]
        assert out[iri], iri
    del store
    return out


@pytest.fixture(scope="module")
def server(served_store: StoreLocation, expected: dict[str, set[ox.Triple]]) -> Iterator[str]:
    with serving(served_store.root, "--workers", "1") as served:
        yield served.base


def test_documents_hold_exactly_the_decided_triples_in_every_format(
        server: str, expected: dict[str, set[ox.Triple]]) -> None:
    for iri, triples in expected.items():
        path = iri.removeprefix("https://w3id.org/kjgraph/")
        for ext, (media, rdf_format) in FORMATS.items():
            response = requests.get(f"{server}doc/{path}.{ext}", timeout=30)
            assert response.status_code == 200 and response.headers["content-type"].startswith(media)
            assert parsed(response.content, rdf_format) == triples, (iri, ext)
            negotiated = requests.get(server + path, headers={"Accept": media}, timeout=30)
            assert negotiated.url.endswith(f"/doc/{path}.{ext}") and negotiated.content == response.content


def test_a_document_leaves_out_the_labels_of_what_it_links_to(server: str, expected: dict[str, set[ox.Triple]]
                                                              ) -> None:
    person = next(iri for iri in expected if iri.startswith(ID + "person/"))
    linked = {t.object for t in expected[person] if isinstance(t.object, ox.NamedNode)} - {ox.NamedNode(person)}
    served = parsed(requests.get(f"{server}doc/id/person/{person.rsplit('/', 1)[1]}.nt", timeout=30).content,
                    ox.RdfFormat.N_TRIPLES)
    assert linked and not [t for t in served if t.subject in linked and t.subject != ox.NamedNode(person)
                            and t.predicate.value != PREFIXES["prov"] + "wasDerivedFrom"]


def test_the_page_and_the_document_come_from_one_result(served_store: StoreLocation,
                                                        expected: dict[str, set[ox.Triple]]) -> None:
    store = ox.Store.read_only(str(served_store.oxigraph_path()))
    for iri, triples in expected.items():
        assert set(resource_document(store, iri).triples()) == set(document_triples(store, iri)) == triples
        page = data.resource_page(store, iri, page_size=10_000)
        node = ox.NamedNode(iri)
        own = {(t.predicate.value, data.term(t.object)) for t in triples if t.subject == node}
        inbound = {(data.term(t.subject), t.predicate.value) for t in triples if t.object == node}
        assert {(p, o) for p, o, _g in page["statements"]} == own
        assert {(s, p) for s, p, _g in page["inverse"]} == inbound
        assert (page["out_total"], page["in_total"]) == (len(own), len(inbound))
        for p, o, graphs in page["statements"]:  # each statement cites the graphs that hold it
            assert o is not None
            held = {row[0].value for row in store.query(  # type: ignore[union-attr]
                f"SELECT ?g WHERE {{ GRAPH ?g {{ {node} <{p}> {nt(o)} }} }}")}
            assert set(graphs) == held, (iri, p, o)


def nt(term: tuple[str, ...]) -> str:
    """A term of :func:`kjgraph.server.data.term` in N-Triples form."""
    if term[0] == "uri":
        return str(ox.NamedNode(term[1]))
    if term[2]:
        return str(ox.Literal(term[1], language=term[2]))
    return str(ox.Literal(term[1], datatype=ox.NamedNode(term[3])))


def counting(pool: Any) -> list[tuple[str, dict[str, Any]]]:
    """The jobs ``pool`` runs from now on (the real pool still runs them)."""
    jobs: list[tuple[str, dict[str, Any]]] = []
    run = pool.run

    async def counted(job: tuple[str, dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        jobs.append(job)
        return await run(job, *args, **kwargs)

    pool.run = counted
    return jobs


def test_a_document_request_takes_one_worker_round_trip(served_store: StoreLocation) -> None:
    from starlette.testclient import TestClient

    from kjgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(store=served_store.root, workers=1, result_cache=0))
    with TestClient(app) as client:
        jobs = counting(app.state.server.pool)
        for ext in ("ttl", "jsonld", "nt", "rdf", "html"):
            jobs.clear()
            response = client.get(f"/doc/id/person/lee-jae-myung.{ext}")
            assert response.status_code == 200 and len(jobs) == 1, (ext, jobs)
            jobs.clear()
            assert client.get(f"/doc/id/person/nobody-at-all.{ext}").status_code == 404 and len(jobs) == 1
        jobs.clear()
        assert client.get("/doc/id/person/lee-jae-myung.html?page=2").status_code == 404 and len(jobs) == 1


def test_the_first_candidate_in_the_graph_is_documented(served_store: StoreLocation) -> None:
    store = ox.Store.read_only(str(served_store.oxigraph_path()))
    lee = ID + "person/lee-jae-myung"
    found = data.document(store, [ID + "person/nobody-at-all", lee], "ntriples")
    assert found is not None and found[0] == lee
    rdf_type, person = ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(PREFIXES["kjo"] + "Person")
    typed = ox.Triple(ox.NamedNode(lee), rdf_type, person)
    assert typed in parsed(found[1], ox.RdfFormat.N_TRIPLES)
    assert data.document(store, [ID + "person/nobody-at-all"], "html") is None
