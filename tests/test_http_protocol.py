"""HTTP as RFC 9110 says, and no 5xx for what a client sends: `kjgraph serve` as a real
subprocess on 127.0.0.1, driven with requests and raw sockets.

Covered kinds: HEAD wherever GET works; OPTIONS and Allow; content negotiation (q=0, media-range
wildcards, 406) as a table and through the server; format/output in POST bodies; CORS
preflights; public addresses never from the Host header; ETag / Last-Modified / 304;
compression; security headers; case-insensitive Authorization schemes; IRIs with
percent-encoded octets; pages out of range; source renderings; SERVICE and LOAD refused
(a real listener receives nothing); queries of death; header floods; concurrent first
downloads of compressed dumps.
"""

from __future__ import annotations

import base64
import concurrent.futures
import gzip
import hashlib
import re
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import brotli
import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef

from kjgraph.namespaces import BASE
from kjgraph.server import sparql
from kjgraph.server.limits import MAX_HEADER_BYTES, MAX_HEADERS
from kjgraph.store import StoreLocation
from tests.http_servers import (
    AWKWARD,
    ODD_PATHS,
    PERSON,
    Served,
    awkward_store,
    raw_request,
    rss_kib,
    serving,
)
from tests.test_sparql_text import Listener

pytestmark = [pytest.mark.server, pytest.mark.slow]

PUBLIC = "http://public.example:8080/"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    return awkward_store(tmp_path_factory.mktemp("http-store"))


@pytest.fixture(scope="module")
def server(store: StoreLocation) -> Iterator[Served]:
    with serving(store.root, "--base-url", PUBLIC, "--workers", "2", "--result-limit", "5000") as served:
        yield served


@pytest.fixture(scope="module")
def base(server: Served) -> str:
    return server.base


def get(url: str, **kwargs) -> requests.Response:
    kwargs.setdefault("timeout", 30)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(url, **kwargs)


ASK = {"query": "ASK { ?s ?p ?o }"}
PAGES = ["", "classes", "search?q=lee", "query", "timeline", "doc/id/person/lee-jae-myung.html",
         "doc/id/person/lee-jae-myung.ttl", "doc/id/person/lee-jae-myung.jsonld", ".well-known/void",
         "ontology.ttl", "dumps/", "dumps/kjgraph.nq", "dumps/kjgraph.nq.gz", "sparql",
         "sparql?query=ASK%20%7B%7D", "id/person/lee-jae-myung", "ontology"]


# ---------------------------------------------------------------- methods

@pytest.mark.parametrize("path", PAGES)
def test_head_answers_like_get_without_a_body(base: str, path: str) -> None:
    got = get(base + path)
    head = requests.head(base + path, timeout=30, allow_redirects=False)
    assert got.status_code < 400, (path, got.status_code, got.text[:200])
    assert head.status_code == got.status_code, path
    assert head.content == b""
    for name in ("content-type", "etag", "last-modified", "location", "vary"):
        assert head.headers.get(name) == got.headers.get(name), (path, name)


@pytest.mark.parametrize("path", ["", "sparql", "id/person/lee-jae-myung", "doc/id/person/lee-jae-myung.ttl",
                                  "dumps/kjgraph.nq", "render", ".well-known/void"])
def test_options_lists_exactly_the_methods_that_work(base: str, path: str) -> None:
    options = requests.options(base + path, timeout=30)
    assert options.status_code in (200, 204)
    allowed = {m.strip() for m in options.headers["allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allowed
    for method in allowed - {"OPTIONS"}:
        kwargs = {"data": "ASK {}", "headers": {"Content-Type": "application/sparql-query"}} if method == "POST" else {}
        response = requests.request(method, base + path, timeout=30, allow_redirects=False, **kwargs)
        assert response.status_code != 405, (path, method)
    for method in {"PUT", "DELETE", "PATCH"} - allowed:
        response = requests.request(method, base + path, timeout=30)
        assert response.status_code == 405, (path, method)
        assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    assert requests.options(base + "no/such/thing", timeout=30).status_code == 404


# ---------------------------------------------------------------- content negotiation

@pytest.mark.parametrize(("accept", "kind", "expected"), [
    (None, "solutions", "json"),
    ("*/*", "solutions", "json"),
    ("application/sparql-results+json;q=0, */*", "solutions", "xml"),
    ("application/sparql-results+json;q=0, application/*", "solutions", "xml"),
    ("application/*", "solutions", "json"),
    ("text/*", "solutions", "csv"),
    ("text/*;q=0.5, application/sparql-results+xml", "solutions", "xml"),
    ("text/csv;q=0, text/*", "solutions", "tsv"),
    ("text/csv;q=0.1, text/tab-separated-values;q=0.2", "solutions", "tsv"),
    ("application/json", "solutions", "json"),
    ("image/png", "solutions", None),
    ("text/html", "solutions", None),
    ("*/*;q=0", "solutions", None),
    ("garbage", "solutions", None),
    ("text/turtle;q=0, */*", "graph", "ntriples"),
    ("text/*", "graph", "turtle"),
    ("application/*", "graph", "ntriples"),
    ("application/ld+json, text/turtle;q=0.9", "graph", "jsonld"),
    ("application/rdf+xml;q=1, text/turtle;q=1", "graph", "turtle"),
    ("text/csv", "graph", None),
])
def test_negotiation_table(accept: str | None, kind: str, expected: str | None) -> None:
    chosen = sparql.negotiate(accept, kind)
    assert chosen == expected
    if chosen and accept and "*" in accept:  # a wildcard picks a type inside its range
        ranges = [r.split(";")[0].strip() for r in accept.split(",") if "q=0" not in r.replace(" ", "")]
        media = sparql.media_type(kind, chosen)
        assert any(r == "*/*" or media.startswith(r.rstrip("*")) or r == media for r in ranges)


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
    ("application/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/csv;q=0, text/*", "text/tab-separated-values"),
])
def test_the_server_follows_quality_values_and_wildcards(base: str, accept: str, media: str) -> None:
    response = get(base + "sparql", params=ASK, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(("path", "accept"), [
    ("sparql?query=ASK%7B%7D", "image/png"), ("sparql?query=ASK%7B%7D", "application/sparql-results+json;q=0"),
    ("sparql", "image/png"), ("id/person/lee-jae-myung", "image/png"), (".well-known/void", "text/csv"),
    ("ontology", "application/pdf"),
])
def test_nothing_acceptable_is_406(base: str, path: str, accept: str) -> None:
    response = get(base + path, headers={"Accept": accept})
    assert response.status_code == 406, (path, response.status_code)
    assert len(response.text) < 500


def test_format_and_output_in_a_post_body_work_like_in_the_url(base: str) -> None:
    query = "SELECT ?s WHERE { ?s a kjo:Person } LIMIT 2"
    for name in ("format", "output"):
        for fmt, media in (("csv", "text/csv"), ("xml", "application/sparql-results+xml"),
                           ("tsv", "text/tab-separated-values")):
            in_body = requests.post(base + "sparql", data={"query": query, name: fmt}, timeout=30)
            in_url = requests.post(base + "sparql", params={name: fmt}, data={"query": query}, timeout=30)
            assert in_body.status_code == in_url.status_code == 200
            assert in_body.headers["content-type"].startswith(media), (name, fmt)
            assert in_body.content == in_url.content


def test_cors_preflight_with_common_headers(base: str) -> None:
    preflight = requests.options(base + "sparql", timeout=30, headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-requested-with, content-type, accept, cache-control"})
    assert preflight.status_code in (200, 204), preflight.text
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "x-requested-with" in allowed and "cache-control" in allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = get(base + "sparql", params=ASK, headers={"Origin": "http://elsewhere.example"})
    assert simple.headers["access-control-allow-origin"] == "*"


# ---------------------------------------------------------------- public addresses

@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", "[::1]", "evil.example:1234"])
def test_public_addresses_come_from_base_url_never_from_host(server: Served, host: str) -> None:
    for path, accept in (("/sparql", "text/turtle"), ("/.well-known/void", "text/turtle")):
        answer = raw_request(server.port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n"
                                          "Connection: close\r\n\r\n".encode())
        head, _sep, body = answer.partition(b"\r\n\r\n")
        assert head.split()[1] == b"200", head[:200]
        assert b"evil.example" not in answer and b"127.0.0.1" not in body
        graph = Graph().parse(data=_dechunk(head, body).decode(), format="turtle")
        assert URIRef(PUBLIC + "sparql") in set(graph.objects()), path


def _dechunk(head: bytes, body: bytes) -> bytes:
    if b"transfer-encoding: chunked" not in head.lower():
        return body
    out, rest = b"", body
    while rest:
        size_line, _sep, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if not size:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


# ---------------------------------------------------------------- validators and 304

@pytest.mark.parametrize("path", ["doc/id/person/lee-jae-myung.ttl", "doc/id/person/lee-jae-myung.html",
                                  "sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%205",
                                  "dumps/kjgraph.nq", "dumps/kjgraph.ttl.gz", ".well-known/void", ""])
def test_etag_and_last_modified_give_304(base: str, path: str) -> None:
    first = get(base + path)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'(W/)?"[^"]+"', etag)
    again = get(base + path)
    assert again.headers["etag"] == etag  # the same representation keeps its tag
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}, {"If-Modified-Since": formatdate(time.time() + 60, usegmt=True)}):
        cached = get(base + path, headers=headers)
        assert cached.status_code == 304, (path, headers)
        assert cached.content == b"" and cached.headers["etag"] == etag
    for headers in ({"If-None-Match": '"other"'}, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"},
                    {"If-Modified-Since": "not a date"},
                    {"If-None-Match": '"other"', "If-Modified-Since": modified}):  # INM wins (§13.2.2)
        assert get(base + path, headers=headers).status_code == 200, (path, headers)


def test_different_representations_have_different_tags(base: str) -> None:
    json_etag = get(base + "sparql", params=ASK, headers={"Accept": "application/sparql-results+json"}).headers["etag"]
    xml_etag = get(base + "sparql", params=ASK, headers={"Accept": "application/sparql-results+xml"}).headers["etag"]
    assert json_etag != xml_etag
    stale = get(base + "sparql", params=ASK, headers={"Accept": "application/sparql-results+xml",
                                                      "If-None-Match": json_etag})
    assert stale.status_code == 200


# ---------------------------------------------------------------- compression

@pytest.mark.parametrize("path", ["sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20500",
                                  "doc/id/person/lee-jae-myung.ttl", "doc/id/person/lee-jae-myung.html",
                                  "dumps/kjgraph.nq", "dumps/kjgraph.ttl", ".well-known/void"])
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compression_follows_accept_encoding(base: str, path: str, coding: str) -> None:
    identity = get(base + path, headers={"Accept-Encoding": "identity"})
    assert identity.status_code == 200 and "content-encoding" not in identity.headers
    assert "accept-encoding" in identity.headers["vary"].lower()
    raw = requests.get(base + path, headers={"Accept-Encoding": coding}, timeout=30, stream=True)
    body = raw.raw.read(decode_content=False)
    if path.startswith("dumps/") and coding == "br":  # dumps are compressed once, with gzip
        assert "content-encoding" not in raw.headers
        assert body == identity.content
        return
    assert raw.headers["content-encoding"] == coding, path
    assert "accept-encoding" in raw.headers["vary"].lower()
    decoded = gzip.decompress(body) if coding == "gzip" else brotli.decompress(body)
    assert decoded == identity.content
    assert len(body) < len(identity.content)
    refused = get(base + path, headers={"Accept-Encoding": f"{coding};q=0"})
    assert "content-encoding" not in refused.headers


# ---------------------------------------------------------------- security headers

@pytest.mark.parametrize("path", ["", "doc/id/person/lee-jae-myung.html", "query", "search?q=x", "classes",
                                  "timeline", "ontology.html", "no/such/page"])
def test_html_pages_carry_a_csp_that_allows_exactly_their_scripts(base: str, path: str) -> None:
    response = get(base + path, headers={"Accept": "text/html"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", response.text, re.S | re.I)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
              for attrs, body in scripts if "src=" not in attrs}
    assert set(script_src.split()) - {"'none'"} == hashes
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src


@pytest.mark.parametrize("path", ["sparql?query=ASK%7B%7D", "doc/id/person/lee-jae-myung.ttl", "dumps/kjgraph.nq"])
def test_every_answer_says_nosniff(base: str, path: str) -> None:
    assert get(base + path).headers["x-content-type-options"] == "nosniff"


# ---------------------------------------------------------------- IRIs, pages, renderings

def test_an_iri_with_a_space_is_404_not_500(base: str) -> None:
    response = get(base + "id/person/lee%20jae%20mynug-nobody", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and "internal error" not in response.text


@pytest.mark.parametrize("path", ODD_PATHS)
def test_percent_encoded_iris_dereference_to_exactly_that_iri(base: str, path: str) -> None:
    from kjgraph.server.httputil import iri_to_uri

    uri_path = iri_to_uri(path)
    redirect = get(base + uri_path, headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303, (path, redirect.status_code, redirect.text[:200])
    assert redirect.headers["location"] == f"/doc/{uri_path}.ttl"
    document = get(base + redirect.headers["location"].lstrip("/"))
    assert document.status_code == 200
    subjects = {str(s) for s in Graph().parse(data=document.text, format="turtle").subjects()}
    assert BASE + path in subjects
    page = get(base + f"doc/{uri_path}.html")
    assert page.status_code == 200 and f"odd {path}" in page.text


def test_links_to_percent_encoded_iris_resolve(base: str) -> None:
    page = get(base + "doc/id/person/lee-jae-myung.html").text
    for path in ODD_PATHS:
        from kjgraph.server.httputil import iri_to_uri

        assert f'href="/{iri_to_uri(path)}"' in page, path
        assert get(base + iri_to_uri(path), headers={"Accept": "text/html"}).status_code == 303


@pytest.mark.parametrize(("query", "status"), [("page=2", 404), ("page=999999", 404), ("page=abc", 400),
                                               ("page=0", 400), ("page=-1", 400), ("page=99999999999999999999", 400),
                                               ("page=%F0%9F%98%80", 400)])
def test_page_out_of_range_is_a_4xx(base: str, query: str, status: int) -> None:
    for path in ("doc/id/person/lee-jae-myung.html", "class?iri=https%3A%2F%2Fw3id.org%2Fkjgraph%2Fontology%23Person"):
        response = get(base + f"{path}{'&' if '?' in path else '?'}{query}")
        assert response.status_code == status, (path, query, response.status_code)
        assert "internal error" not in response.text


def test_every_source_page_renders_its_neighbourhood(base: str, store: StoreLocation) -> None:
    s = ox.Store.read_only(str(store.oxigraph_path()))
    graphs = sorted(g.value for g in s.named_graphs() if g.value.startswith(BASE + "graph/source/"))
    del s
    assert graphs
    for graph in graphs:
        drawing = get(base + "render", params={"iri": graph})
        assert drawing.status_code == 200, (graph, drawing.text[:200])
        assert "vis-network" in drawing.text
    assert get(base + "render", params={"iri": "https://example.org/not-there"}).status_code == 404


# ---------------------------------------------------------------- SERVICE, LOAD, queries of death

def test_service_is_refused_and_nothing_is_fetched(base: str) -> None:
    listener = Listener()
    try:
        for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/internal> {{ ?a ?b ?c }} }}",
                     f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>') SERVICE <http://127.0.0.1:{listener.port}/> {{ }} }}",
                     f"select * {{ service silent <http\\u003a//127.0.0.1:{listener.port}/> {{ ?a ?b ?c }} }}"):
            for response in (get(base + "sparql", params={"query": text}),
                             requests.post(base + "sparql", data=text, timeout=30,
                                           headers={"Content-Type": "application/sparql-query"})):
                assert response.status_code == 400, response.text
                assert "--allow-service" in response.text
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()
    assert get(base + "sparql", params=ASK).status_code == 200


def test_an_allowed_service_is_reached_and_its_failure_is_no_500(store: StoreLocation) -> None:
    listener = Listener()
    try:
        with serving(store.root, "--workers", "1", "--allow-service", f"127.0.0.1:{listener.port}") as served:
            text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }} }}"
            response = get(served.base + "sparql", params={"query": text})
            assert listener.connections >= 1  # the operator allowed it: the server fetched
            assert response.status_code == 502 and "SERVICE" in response.text and "internal" not in response.text
            other = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port + 1}/x> {{ ?a ?b ?c }} }}"
            assert get(served.base + "sparql", params={"query": other}).status_code == 400  # another port
    finally:
        listener.close()


def test_load_needs_the_allow_list_and_bearer_is_case_insensitive(store: StoreLocation, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "oxigraph"
    shutil.copytree(store.oxigraph_path(), copy)
    listener = Listener()
    try:
        with serving(copy, env={"KJGRAPH_UPDATE_TOKEN": TOKEN}) as served:
            for scheme in ("Bearer", "bearer", "BEARER", "bEaReR"):
                insert = f"INSERT DATA {{ <http://example.org/{scheme}> <http://example.org/p> 'x' }}"
                response = requests.post(served.base + "sparql", data=insert, timeout=30, headers={
                    "Content-Type": "application/sparql-update", "Authorization": f"{scheme} {TOKEN}"})
                assert response.status_code == 204, (scheme, response.text)
            wrong = requests.post(served.base + "sparql", data="CLEAR ALL", timeout=30, headers={
                "Content-Type": "application/sparql-update", "Authorization": "Basic " + TOKEN})
            assert wrong.status_code == 403
            load = requests.post(served.base + "sparql", timeout=30,
                                 data=f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>",
                                 headers={"Content-Type": "application/sparql-update",
                                          "Authorization": f"Bearer {TOKEN}"})
            assert load.status_code == 400 and "LOAD" in load.text
            time.sleep(0.5)
            assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize("text", ["ASK " + "{" * 3000 + "}" * 3000,
                                  "ASK { FILTER " + "(" * 6000 + "true" + ")" * 6000 + " }",
                                  "ASK { " + "MINUS{}" * 3000 + " }"])
def test_a_query_of_death_gets_400_and_the_server_keeps_answering(server: Served, text: str) -> None:
    response = requests.post(server.base + "sparql", data=text, timeout=30,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "crash" in response.text
    for _ in range(3):
        assert get(server.base + "sparql", params=ASK).status_code == 200
    assert server.process.poll() is None


# ---------------------------------------------------------------- text in results

def test_xml_results_keep_carriage_returns_and_spaces(base: str) -> None:
    import xml.etree.ElementTree as ET

    for key in ("cr", "spaces"):
        query = f"SELECT ?v WHERE {{ <{PERSON}> kjo:test-{key} ?v }}"
        xml = get(base + "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
        assert xml.status_code == 200
        literal = ET.fromstring(xml.content).find(".//{http://www.w3.org/2005/sparql-results#}literal")
        assert literal is not None and literal.text == AWKWARD[key]
        rdf = get(base + "sparql", params={"query": f"CONSTRUCT WHERE {{ <{PERSON}> kjo:test-{key} ?v }}"},
                  headers={"Accept": "application/rdf+xml"})
        values = {str(o) for o in Graph().parse(data=rdf.content, format="xml").objects()}
        assert values == {AWKWARD[key]}


def test_a_character_xml_cannot_carry_is_406_suggesting_json(base: str) -> None:
    query = f"SELECT ?v WHERE {{ <{PERSON}> kjo:test-control ?v }}"
    for accept, construct in (("application/sparql-results+xml", False), ("application/rdf+xml", True)):
        text = f"CONSTRUCT WHERE {{ <{PERSON}> kjo:test-control ?v }}" if construct else query
        response = get(base + "sparql", params={"query": text}, headers={"Accept": accept})
        assert response.status_code == 406, (accept, response.status_code)
        assert ("JSON" in response.text or "Turtle" in response.text) and "U+0007" in response.text
    as_json = get(base + "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert as_json.json()["results"]["bindings"][0]["v"]["value"] == AWKWARD["control"]


# ---------------------------------------------------------------- connection limits

def test_header_floods_are_refused_and_memory_stays_bounded(server: Served) -> None:
    before = rss_kib(server.process.pid)

    def flood(_i: int) -> bytes:
        import socket

        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Flood: ")
            try:
                for _ in range(64):  # up to 4 MiB, stopped by the server's answer
                    s.sendall(b"a" * 65536)
            except OSError:
                pass
            try:
                return s.recv(100)
            except OSError:
                return b""

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(flood, range(10)))
    after = rss_kib(server.process.pid)
    assert all(a.startswith(b"HTTP/1.1 431") for a in answers), answers
    assert after - before < 20 * 1024, f"the web process grew by {(after - before) // 1024} MB"
    many = "".join(f"X-H{i}: v\r\n" for i in range(MAX_HEADERS + 1))
    answer = raw_request(server.port, f"GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 431")
    fine = "".join(f"X-H{i}: v\r\n" for i in range(MAX_HEADERS - 5))
    answer = raw_request(server.port, f"GET /sparql HTTP/1.1\r\nHost: x\r\n{fine}Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200")
    assert MAX_HEADER_BYTES <= 128 * 1024
    assert get(server.base + "sparql", params=ASK).status_code == 200


def test_idle_and_half_open_connections_are_closed(server: Served) -> None:
    from kjgraph.server.limits import HEADER_TIMEOUT

    started = time.monotonic()
    idle = raw_request(server.port, b"", timeout=HEADER_TIMEOUT + 30)  # connects, sends nothing
    half = raw_request(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n", timeout=HEADER_TIMEOUT + 30)
    assert time.monotonic() - started < 2 * HEADER_TIMEOUT + 20
    assert half.startswith(b"HTTP/1.1 408") and (idle == b"" or idle.startswith(b"HTTP/1.1 408"))


# ---------------------------------------------------------------- compressed dumps

def test_concurrent_first_downloads_of_gz_dumps_are_identical_and_valid(store: StoreLocation) -> None:
    with serving(store.root, "--workers", "1") as served:
        names = [n for n in get(served.base + "dumps/").text.split() if n.endswith(".gz")]
        assert len(names) >= 4
        for name in names:
            with concurrent.futures.ThreadPoolExecutor(10) as pool:
                answers = list(pool.map(lambda _i, n=name: requests.get(served.base + "dumps/" + n, timeout=60),
                                        range(10)))
            assert {a.status_code for a in answers} == {200}, name
            bodies = {a.content for a in answers}
            assert len(bodies) == 1, name
            plain = requests.get(served.base + "dumps/" + name[:-3], timeout=60,
                                 headers={"Accept-Encoding": "identity"}).content
            assert gzip.decompress(bodies.pop()) == plain


def test_renderings_are_not_held_to_the_query_time_limit(store: StoreLocation) -> None:
    # A worker's first drawing extracts the whole network; with a short --time-limit it used to
    # be killed (503) again and again, on every fresh worker.
    with serving(store.root, "--workers", "1", "--time-limit", "0.2") as served:
        drawing = get(served.base + "render", params={"iri": PERSON})
        assert drawing.status_code == 200 and "vis-network" in drawing.text
