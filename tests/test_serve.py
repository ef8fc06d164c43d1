"""Serving the graph: `kjgraph serve` as a real subprocess on 127.0.0.1, driven by real clients
(plain HTTP with each Accept header, SPARQLWrapper, rdflib's SPARQLStore) and by attacks."""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kjgraph.build import build
from kjgraph.store import StoreLocation
from tests.http_servers import serving

FIXTURES = Path(__file__).parent / "data"
PERSON = "https://w3id.org/kjgraph/id/person/lee-jae-myung"
MARKUP = '<script>alert("x")</script><b>bold</b>'
# A query that runs for minutes: a 5-fold cross product of all triples.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@contextmanager
def live_server(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `python -m kjgraph serve` on a free port; yield its base URL once it answers."""
    with serving(store, *args, env=env) as served:
        yield served.base


@pytest.fixture(scope="module")
def served_store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    """The small fixture data set, built, plus one label full of markup (escaping tests)."""
    location = StoreLocation(tmp_path_factory.mktemp("serve-store"))
    build(location, data=FIXTURES / "minimal", progress=False)
    store = ox.Store(str(location.oxigraph_path()))
    label = ox.Quad(ox.NamedNode(PERSON), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                    ox.Literal(MARKUP, language="de"),
                    ox.NamedNode("https://w3id.org/kjgraph/graph/source/seed"))
    store.add(label)
    store.add(ox.Quad(label.subject, label.predicate, label.object, ox.DefaultGraph()))
    store.flush()
    del store
    return location


@pytest.fixture(scope="module")
def server(served_store: StoreLocation) -> Iterator[str]:
    with live_server(served_store.root, "--time-limit", "2", "--result-limit", "50",
                     "--workers", "2", "--max-waiting", "4") as base:
        yield base


# ---------------------------------------------------------------- SPARQL protocol

SELECT_PEOPLE = "SELECT ?p ?name WHERE { ?p a kjo:Person ; rdfs:label ?name } ORDER BY ?p ?name"


@pytest.mark.parametrize(("accept", "media", "check"), [
    ("application/sparql-results+json", "application/sparql-results+json",
     lambda body: PERSON in {b["p"]["value"] for b in json.loads(body)["results"]["bindings"]}),
    ("application/sparql-results+xml", "application/sparql-results+xml",
     lambda body: f"<uri>{PERSON}</uri>" in body),
    ("text/csv", "text/csv", lambda body: body.startswith("p,name\r\n") and PERSON in body),
    ("text/tab-separated-values", "text/tab-separated-values",
     lambda body: body.startswith("?p\t?name\n") and f"<{PERSON}>" in body),
])
@pytest.mark.slow
def test_select_results_in_each_format(server: str, accept: str, media: str, check) -> None:
    response = requests.get(server + "sparql", params={"query": SELECT_PEOPLE},
                            headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert check(response.text)


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_results_in_each_format(server: str, accept: str, media: str, fmt) -> None:
    response = requests.post(server + "sparql", data=f"DESCRIBE <{PERSON}>",
                             headers={"Content-Type": "application/sparql-query", "Accept": accept},
                             timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    triples = list(ox.parse(response.content, format=fmt))
    assert any(t.subject == ox.NamedNode(PERSON) for t in triples)


def test_form_post_and_dataset_parameters(server: str) -> None:
    graph = "https://w3id.org/kjgraph/graph/source/inauguration"
    ask = f"ASK {{ <{PERSON}> a kjo:Person }}"
    only_inauguration = requests.post(server + "sparql", data={"query": ask, "default-graph-uri": graph},
                                      headers={"Accept": "application/sparql-results+json"}, timeout=10)
    whole = requests.post(server + "sparql", data={"query": ask}, timeout=10)
    assert json.loads(whole.text)["boolean"] is True
    assert json.loads(only_inauguration.text)["boolean"] is False  # the type is stated in 'seed'


def test_syntax_error_is_400_with_the_parser_message(server: str) -> None:
    response = requests.get(server + "sparql", params={"query": "SELECT ?x WHERE { ?x"}, timeout=10)
    assert response.status_code == 400
    assert "syntax error" in response.text and "1:" in response.text


def test_service_description_and_cors(server: str) -> None:
    response = requests.get(server + "sparql", headers={"Accept": "text/turtle",
                                                        "Origin": "http://elsewhere.example"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert f"sd:endpoint <{server}sparql>" in response.text
    preflight = requests.options(server + "sparql", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"}, timeout=10)
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_result_over_the_limit_is_refused_never_cut(server: str) -> None:
    """A result larger than --result-limit (50 here) is an error naming the limit, in every
    format and for CONSTRUCT too; a query whose own LIMIT is within the cap is answered whole."""
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):
        response = requests.get(server + "sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"},
                                headers={"Accept": accept}, timeout=10)
        assert response.status_code == 400, (accept, response.text[:200])
        assert "--result-limit 50" in response.text and "LIMIT" in response.text
    construct = requests.get(server + "sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=10)
    assert construct.status_code == 400 and "--result-limit 50" in construct.text
    small = requests.get(server + "sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"},
                         timeout=10)
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 50
    assert "x-result-truncated" not in small.headers and "link" not in small.json()["head"]


def test_sparqlwrapper_every_return_format(server: str) -> None:
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

    for fmt in (JSON, XML, CSV, TSV):
        client = SPARQLWrapper(server + "sparql")
        client.setQuery(f"SELECT ?name WHERE {{ <{PERSON}> rdfs:label ?name }}")
        client.setReturnFormat(fmt)
        result = client.query().convert()
        text = result if isinstance(result, (bytes, str)) else (
            json.dumps(result) if isinstance(result, dict) else result.toxml())
        assert "Lee Jae-myung" in (text.decode() if isinstance(text, bytes) else text), fmt
    for fmt in (TURTLE, N3, RDFXML, JSONLD, XML, JSON):
        client = SPARQLWrapper(server + "sparql")
        client.setQuery(f"CONSTRUCT {{ <{PERSON}> rdfs:label ?n }} WHERE {{ <{PERSON}> rdfs:label ?n }}")
        client.setReturnFormat(fmt)
        result = client.query().convert()
        if hasattr(result, "triples"):  # an rdflib Graph
            assert len(result) >= 2, fmt
        else:
            assert b"Lee Jae-myung" in (result if isinstance(result, bytes) else str(result).encode()), fmt


def test_rdflib_sparqlstore(server: str) -> None:
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server + "sparql", returnFormat="json"))
    names = {str(row[0]) for row in graph.query(
        f"SELECT ?n WHERE {{ <{PERSON}> <http://www.w3.org/2000/01/rdf-schema#label> ?n }}")}
    assert "이재명" in names
    assert (URIRef(PERSON), None, None) in graph


# ---------------------------------------------------------------- updates and protection

def test_update_is_refused_without_token(server: str) -> None:
    for headers, body in (({"Content-Type": "application/sparql-update"}, "CLEAR ALL"),
                          ({"Content-Type": "application/x-www-form-urlencoded"}, "update=CLEAR+ALL")):
        response = requests.post(server + "sparql", data=body, headers=headers, timeout=10)
        assert response.status_code == 403
        assert "read-only" in response.text
    still = requests.get(server + "sparql", params={"query": f"ASK {{ <{PERSON}> ?p ?o }}"}, timeout=10)
    assert still.json()["boolean"] is True


@pytest.mark.slow
def test_updates_need_the_configured_token(served_store: StoreLocation, tmp_path: Path) -> None:
    copy = tmp_path / "oxigraph"
    shutil.copytree(served_store.oxigraph_path(), copy)
    insert = "INSERT DATA { <http://example.org/s> <http://example.org/p> 'new' }"
    ask = {"query": "ASK { <http://example.org/s> ?p ?o }"}
    with live_server(copy, env={"KJGRAPH_UPDATE_TOKEN": "s3cret"}) as base:
        wrong = requests.post(base + "sparql", data=insert, timeout=10, headers={
            "Content-Type": "application/sparql-update", "Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        assert requests.get(base + "sparql", params=ask, timeout=10).json()["boolean"] is False
        right = requests.post(base + "sparql", data=insert, timeout=10, headers={
            "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
        assert right.status_code == 204, right.text
        assert requests.get(base + "sparql", params=ask, timeout=10).json()["boolean"] is True


@pytest.mark.slow
def test_runaway_query_is_stopped_while_others_are_answered(server: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        runaway = pool.submit(requests.get, server + "sparql", params={"query": RUNAWAY}, timeout=30)
        time.sleep(0.3)
        other = requests.get(server + "sparql", params={"query": f"ASK {{ <{PERSON}> ?p ?o }}"}, timeout=10)
        assert other.status_code == 200 and other.json()["boolean"] is True
        stopped = runaway.result()
        elapsed = time.monotonic() - started
    assert stopped.status_code == 503
    assert "time limit" in stopped.text
    assert elapsed < 2 + 3  # the limit, plus slack for a loaded machine
    # The killed worker was replaced: the server still has its full capacity.
    for _ in range(3):
        assert requests.get(server + "sparql", params={"query": "ASK {}"}, timeout=10).ok


@pytest.mark.slow
def test_too_many_waiting_queries_get_429(server: str) -> None:
    # 2 workers + 4 waiting: 8 runaway queries at once must overflow the bound.
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _i: requests.get(server + "sparql", params={"query": RUNAWAY},
                                                         timeout=60), range(8)))
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    assert all(a.headers["retry-after"].isdigit() for a in refused)
    assert {a.status_code for a in answers} <= {429, 503}


@pytest.mark.parametrize("path", ["/../etc/passwd", "/dumps/../../etc/passwd", "/dumps/%2e%2e/%2e%2e/etc/passwd",
                                  "/doc/..%2f..%2fetc/passwd.ttl", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/dumps/..%252f..%252fetc%252fpasswd"])
def test_path_traversal_is_404(server: str, path: str) -> None:
    host, port = server.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:  # raw: no client normalises the path
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"404", answer[:200]
    assert b"root:" not in answer


def test_oversize_request_is_413(server: str) -> None:
    huge = "ASK { " + "?s ?p ?o . " * 200_000 + "}"
    response = requests.post(server + "sparql", data=huge, timeout=10,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    long_query = "ASK { " + " " * 40_000 + "}"
    response = requests.post(server + "sparql", data=long_query, timeout=10,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "limit" in response.text


# ---------------------------------------------------------------- linked data and pages

@pytest.mark.parametrize(("accept", "suffix", "media"), [
    ("text/html", ".html", "text/html"), ("text/turtle", ".ttl", "text/turtle"),
    ("application/ld+json", ".jsonld", "application/ld+json"),
    ("application/n-triples", ".nt", "application/n-triples"),
    ("application/rdf+xml", ".rdf", "application/rdf+xml"),
])
def test_iri_dereferences_with_content_negotiation(server: str, accept: str, suffix: str, media: str) -> None:
    response = requests.get(server + "id/person/lee-jae-myung", headers={"Accept": accept},
                            allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/doc/id/person/lee-jae-myung" + suffix)
    document = requests.get(server + "id/person/lee-jae-myung", headers={"Accept": accept}, timeout=10)
    assert document.status_code == 200
    assert document.headers["content-type"].startswith(media)
    assert "Lee Jae-myung" in document.text or "Lee Jae-myung" in document.content.decode("unicode_escape")


def test_unknown_iri_is_404(server: str) -> None:
    assert requests.get(server + "id/person/nobody-at-all", timeout=10).status_code == 404


def test_resource_page_languages_sources_and_json_ld(server: str) -> None:
    page = requests.get(server + "doc/id/person/lee-jae-myung.html?lang=ko", timeout=10).text
    import re

    assert re.search(r"<h1[^>]*>이재명</h1>", page)
    assert "/id/source/inauguration" in page  # the source of org:holds, listed once with a marker

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block and PERSON in json.loads(block.group(1)).__repr__()
    fallback = requests.get(server + "doc/id/person/lee-jae-myung.html?lang=ja", timeout=10).text
    assert re.search(r"<h1[^>]*>Lee Jae-myung</h1>", fallback)  # no Japanese label: English


def test_markup_in_labels_is_escaped_everywhere(server: str) -> None:
    pages = ["doc/id/person/lee-jae-myung.html?lang=de", "doc/id/person/lee-jae-myung.html",
             "search?q=alert", "doc/id/tenure/lee-jae-myung-president-kr-2025.html?lang=de",
             "class?iri=https%3A%2F%2Fw3id.org%2Fkjgraph%2Fontology%23Person&lang=de", ""]
    for path in pages:
        response = requests.get(server + path, timeout=10)
        assert response.status_code == 200, path
        assert "<script>alert" not in response.text, path
        assert "<b>bold</b>" not in response.text, path
    assert "&lt;script&gt;alert" in requests.get(server + pages[0], timeout=10).text


def test_home_search_browse_query_pages(server: str) -> None:
    home = requests.get(server, timeout=10)
    assert home.status_code == 200 and ".well-known/void" in home.text
    hits = requests.get(server + "search", params={"q": "이재"}, timeout=10).text
    assert "/id/person/lee-jae-myung" in hits
    classes = requests.get(server + "classes", timeout=10).text
    assert "class?iri=https%3A%2F%2Fw3id.org%2Fkjgraph%2Fontology%23Person" in classes
    query = requests.get(server + "query", timeout=10).text
    assert "leaders" in query and "://" not in query.split("<script>")[-1].split("</script>")[0]


def test_void_dumps_and_ontology(server: str) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import VOID

    void = Graph().parse(data=requests.get(server + ".well-known/void", timeout=10).text, format="turtle")
    dataset = URIRef("https://w3id.org/kjgraph/dataset")
    assert int(void.value(dataset, VOID.triples)) > 100
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(server + "sparql")
    dumps = list(void.objects(dataset, VOID.dataDump))
    assert any(str(d).endswith(".nq.gz") for d in dumps)
    for dump in dumps:
        response = requests.get(str(dump), timeout=10)
        assert response.status_code == 200 and len(response.content) > 100, dump
    import gzip

    nquads = gzip.decompress(requests.get(server + "dumps/kjgraph.nq.gz", timeout=10).content)
    assert len(list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))) > 100
    onto = requests.get(server + "ontology", headers={"Accept": "text/turtle"}, timeout=10)
    assert onto.headers["content-type"].startswith("text/turtle") and "owl:Ontology" in onto.text
    html = requests.get(server + "ontology", headers={"Accept": "text/html"}, timeout=60)
    assert html.status_code == 200 and "Summit" in html.text


# ---------------------------------------------------------------- the shipped graph

@pytest.fixture(scope="module")
def shipped_server(built_store: StoreLocation) -> Iterator[str]:
    with live_server(built_store.root) as base:
        yield base


def test_shipped_graph_resource_page(shipped_server: str) -> None:
    page = requests.get(shipped_server + "id/event/2026-01-13-nara-summit",
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for label in ("Korea–Japan summit in Nara (2026)", "奈良日韓首脳会談（2026年）", "나라 한일 정상회담 (2026)",
                  "Koreanisch-japanisches Gipfeltreffen in Nara (2026)"):
        assert label in page.text, label
    assert "Takaichi, Lee Hold Japan-South Korea Summit in Nara" in page.text  # a source of its statements
    turtle = requests.get(shipped_server + "id/person/sanae-takaichi", headers={"Accept": "text/turtle"},
                          timeout=30)
    assert turtle.status_code == 200 and "高市早苗" in turtle.text


def test_shipped_graph_library_queries_through_the_endpoint(shipped_server: str, kg) -> None:
    from kjgraph.library import library

    runnable = [q for q in library().values() if not any(p.required for p in q.parameters)]
    assert len(runnable) >= 10
    for query in runnable:
        text = query.bound_text({})
        served = requests.post(shipped_server + "sparql", data={"query": text},
                               headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert served.status_code == 200, (query.name, served.text[:300])
        rows = json.loads(served.text)["results"]["bindings"]
        assert len(rows) == len(kg.rows(text)), query.name


def test_resource_page_embeds_its_neighbourhood_rendering(shipped_server: str) -> None:
    page = requests.get(shipped_server + "id/event/2026-01-13-nara-summit",
                        headers={"Accept": "text/html"}, timeout=30)
    iri = "https%3A%2F%2Fw3id.org%2Fkjgraph%2Fid%2Fevent%2F2026-01-13-nara-summit"
    assert f'src="/render?iri={iri}&amp;lang=en"' in page.text
    drawing = requests.get(shipped_server + f"render?iri={iri}", timeout=60)
    assert drawing.status_code == 200 and drawing.headers["content-type"].startswith("text/html")
    assert "Korea–Japan summit in Nara (2026)" in drawing.text and "vis-network" in drawing.text
    assert requests.get(shipped_server + "render?iri=https%3A%2F%2Fexample.org%2Fnone", timeout=30).status_code == 404


def test_timeline_page_shows_the_plots(shipped_server: str) -> None:
    page = requests.get(shipped_server + "timeline?lang=ja", timeout=30)
    assert page.status_code == 200 and 'src="/plots/timeline.svg?lang=ja"' in page.text
    svg = requests.get(shipped_server + "plots/timeline.svg?lang=ja", timeout=120)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content[:1000] and "高市".encode() in svg.content  # Japanese names are drawn
    assert requests.get(shipped_server + "plots/nothing.svg", timeout=30).status_code == 404
