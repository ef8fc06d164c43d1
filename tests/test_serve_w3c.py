"""The W3C SPARQL 1.1 Protocol and Service Description tests against a live `kjgraph serve`.

The manifests (tests/data/w3c-sparql11/, W3C test-suite licence) are read with RDFLib and
every request they list is sent as written, with `/sparql/` replaced by the endpoint path.
Before each test the store is loaded with the test's `ut:graphData` (each file into the
named graph of its label). Updates run on a server started with an update token (sent as
`Authorization: Bearer …`); on a read-only server every update must be refused (403).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from tests.test_serve import live_server

SUITE = Path(__file__).parent / "data" / "w3c-sparql11"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TOKEN = "w3c-test-token"
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


def protocol_tests() -> list[tuple[str, dict]]:
    g = Graph().parse(SUITE / "protocol" / "manifest.ttl", format="turtle",
                      publicID=(SUITE / "protocol" / "manifest.ttl").as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(test, MF.action)
        requests_ = []
        for req in Collection(g, g.value(action, HT.requests)):
            body = g.value(req, HT.body)
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            resp = g.value(req, HT.resp)
            requests_.append({
                "method": str(g.value(req, HT.methodName)), "path": str(g.value(req, HT.absolutePath)),
                "body": None if body is None else str(g.value(body, CNT.chars)), "headers": headers,
                "status": {str(s).rsplit("StatusCode", 1)[-1] for s in g.objects(resp, MF.expectedStatus)},
                "format": None if g.value(resp, MF.expectedFormat) is None else str(g.value(resp, MF.expectedFormat)),
                "boolean": None if g.value(resp, MF.expectedBoolean) is None
                else g.value(resp, MF.expectedBoolean).toPython(),
            })
        data = [(Path(str(g.value(d, UT.graph)).removeprefix("file://")), str(g.value(d, RDFS.label)))
                for d in g.objects(test, UT.graphData)]
        tests.append((str(test).rsplit("#", 1)[-1], {"requests": requests_, "data": data}))
    return tests


PROTOCOL = protocol_tests()


def load(path: Path, data: list[tuple[Path, str]]) -> None:
    store = ox.Store(str(path))
    store.clear()
    for file, graph in data:
        store.load(path=str(file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.flush()
    del store


def send(base: str, request: dict, token: str | None) -> requests.Response:
    url = base.rstrip("/") + request["path"].replace("/sparql/", "/sparql", 1)
    headers = dict(request["headers"])
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = request["body"]
    charset = "utf-16" if "UTF-16" in headers.get("content-type", "") else "utf-8"
    return requests.request(request["method"], url, headers=headers, timeout=30,
                            data=None if body is None else body.encode(charset),
                            allow_redirects=True)


def check(response: requests.Response, expected: dict, name: str) -> None:
    status_class = f"{response.status_code // 100}xx"
    assert status_class in expected["status"], (name, response.status_code, response.text[:300])
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if expected["format"] == "boolean" or expected["boolean"] is not None:
        assert media == "application/sparql-results+json", (name, media)
        value = json.loads(response.text)["boolean"]
        assert isinstance(value, bool), (name, response.text)
        if expected["boolean"] is not None:
            assert value is expected["boolean"], (name, response.text)
    elif expected["format"] == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml",
                         "text/csv", "text/tab-separated-values"), (name, media)
        assert "vars" in json.loads(response.text)["head"]
    elif expected["format"] == "RDF":
        assert media in RDF_TYPES, (name, media)
        Graph().parse(data=response.text, format=RDF_TYPES[media])


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store holding every data file of the manifest in its named graph."""
    path = tmp_path_factory.mktemp("w3c") / "oxigraph"
    every = {(f, g) for _name, t in PROTOCOL for f, g in t["data"]}
    load(path, sorted(every))
    return path


@pytest.mark.slow
def test_protocol_query_tests_read_only(store_dir: Path) -> None:
    """Every query test passes on a read-only server; every update is refused with 403."""
    ran = 0
    with live_server(store_dir) as base:
        for name, test in PROTOCOL:
            for request in test["requests"]:
                response = send(base, request, token=None)
                is_update = "update" in name and not name.startswith("bad_")
                if is_update and request["method"] == "POST" and "sparql-query" not in \
                        request["headers"].get("content-type", ""):
                    assert response.status_code == 403, (name, response.status_code)
                    break  # the follow-up checks need the update
                check(response, request, name)
            ran += 1
    assert ran == 34


@pytest.mark.slow
def test_protocol_all_tests_with_update_token(tmp_path: Path) -> None:
    """All 34 tests, updates included, on a server with updates enabled by a token."""
    path = tmp_path / "oxigraph"
    load(path, [])
    with live_server(path, "--update-token", TOKEN) as base:
        for name, test in PROTOCOL:
            # Load the test's data through the protocol itself (the store is open in the server).
            send(base, {"method": "POST", "path": "/sparql/", "headers": {
                "content-type": "application/sparql-update"}, "body": "DROP ALL"}, TOKEN).raise_for_status()
            for file, graph in test["data"]:
                insert = f"INSERT DATA {{ GRAPH <{graph}> {{ {file.read_text()} }} }}"
                send(base, {"method": "POST", "path": "/sparql/", "headers": {
                    "content-type": "application/sparql-update"}, "body": insert}, TOKEN).raise_for_status()
            for request in test["requests"]:
                check(send(base, request, TOKEN), request, name)


@pytest.mark.slow
def test_service_description_tests(store_dir: Path) -> None:
    g = Graph().parse(SUITE / "service-description" / "manifest.ttl", format="turtle")
    names = {str(t).rsplit("#", 1)[-1] for t in g.subjects(RDF.type, MF.ServiceDescriptionTest)}
    assert names == {"has-endpoint-triple", "returns-rdf", "conforms-to-schema"}
    with live_server(store_dir) as base:
        endpoint = base + "sparql"
        for accept, fmt in RDF_TYPES.items():  # returns-rdf, in each RDF format
            response = requests.get(endpoint, headers={"Accept": accept}, timeout=10)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(accept)
            sd = Graph().parse(data=response.text, format=fmt)
            # has-endpoint-triple: the endpoint IRI is the URL that was dereferenced
            services = list(sd.subjects(SD.endpoint, URIRef(endpoint)))
            assert len(services) == 1
            service = services[0]
            # conforms-to-schema: a typed sd:Service using only SD terms with their ranges
            assert (service, RDF.type, SD.Service) in sd
            assert set(sd.objects(service, SD.supportedLanguage)) <= {
                SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
            assert SD.SPARQL11Query in set(sd.objects(service, SD.supportedLanguage))
            known = {"endpoint", "supportedLanguage", "resultFormat", "defaultEntailmentRegime",
                     "defaultDataset", "defaultGraph", "namedGraph", "name", "feature", "inputFormat",
                     "graph", "extensionFunction", "languageExtension", "propertyFeature",
                     "extensionAggregate", "availableGraphs", "entailmentRegime", "supportedEntailmentProfile",
                     "defaultSupportedEntailmentProfile"}
            for _s, p, _o in sd:
                if str(p).startswith(str(SD)):
                    assert str(p)[len(str(SD)):] in known, p
            dataset = sd.value(service, SD.defaultDataset)
            assert (dataset, RDF.type, SD.Dataset) in sd
            for named in sd.objects(dataset, SD.namedGraph):
                assert isinstance(sd.value(named, SD.name), URIRef)


def test_store_files_are_copied_with_licence() -> None:
    assert (SUITE / "LICENSE.md").is_file() and "W3C" in (SUITE / "LICENSE.md").read_text()
    assert len(PROTOCOL) == 34
