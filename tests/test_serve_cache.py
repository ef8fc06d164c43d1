"""The result cache of `kjgraph serve` (kjgraph.server.cache): a repeated query is answered in the
web process, even while every worker is busy; volatile queries are evaluated each time; the
checks still apply to every request. The class in-process, the server live on 127.0.0.1."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator

import pytest
import requests

from kjgraph.server.cache import ENTRY_OVERHEAD, ResultCache
from kjgraph.store import StoreLocation
from tests.test_serve import PERSON, RUNAWAY, live_server

ANSWER = {"body": b"x" * 10, "media_type": "text/csv", "count": 1}


def test_least_recently_used_answers_leave_first() -> None:
    keys = [ResultCache(1).key(f"ASK {{ <urn:{i:02}> ?p ?o }}", (), (), {"solutions": "json"}) for i in range(50)]
    entry = 10 + len("ASK { <urn:00> ?p ?o }") + len("solutionsjson") + ENTRY_OVERHEAD  # body, key, overhead
    cache = ResultCache(max_bytes=40 * entry)  # entries up to 2 × entry bytes
    for key in keys:
        assert cache.put(key, ANSWER)
    assert cache.size == 40 * entry and len(cache) == 40
    assert cache.get(keys[0]) is None and cache.get(keys[-1]) is not None
    cache.put(keys[10], ANSWER)  # used again: kept over older ones
    assert not cache.put(cache.key("ASK {}", (), (), {}), {**ANSWER, "body": b"y" * 2 * entry})  # over the cap
    assert len(cache) == 40
    cache.clear()
    assert len(cache) == 0 and cache.size == 0


def test_a_large_key_counts_against_the_budget() -> None:
    """A request far larger than its answer (a 1 MB form body for a 29-byte ``ASK``) fills the
    budget with its key: the cache stays within ``max_bytes`` whatever its keys hold."""
    cache = ResultCache(max_bytes=20 << 20)
    for i in range(100):
        cache.put(("POST", b"", b"query=ASK%7B%7D&pad=" + b"x" * (500_000 + i), ()), {**ANSWER, "body": b"y" * 29})
    assert cache.size <= 20 << 20 and len(cache) == 20 * 2**20 // (500_000 + 29 + 300)
    assert not cache.put(("POST", b"", b"x" * (1 << 20), ()), ANSWER)  # over the entry cap (1 MiB)


def test_what_is_never_kept() -> None:
    cache = ResultCache(max_bytes=1000)
    for text in ("SELECT (RAND() AS ?r) {}", "SELECT (now() AS ?t) {}", "SELECT (UUID() AS ?u) {}",
                 "SELECT (struuid() AS ?u) {}", "CONSTRUCT { ?s ?p [] } WHERE { BIND(BNODE() AS ?s) }",
                 "SELECT * { SERVICE <http://a.example/s> { ?s ?p ?o } }"):
        assert cache.key(text, (), (), {}) is None, text
    assert ResultCache(0).key("ASK {}", (), (), {}) is None
    json_, xml = {"solutions": "json"}, {"solutions": "xml"}
    keys = {cache.key("ASK {}", (), (), json_), cache.key("ASK {}", ("urn:g",), (), json_),
            cache.key("ASK {}", (), ("urn:g",), json_), cache.key("ASK {}", (), (), xml)}
    assert len(keys) == 4  # the dataset and the format are part of the key


@pytest.fixture(scope="module")
def busy_server(built_store: StoreLocation) -> Iterator[str]:
    with live_server(built_store.root, "--workers", "1", "--time-limit", "3", "--max-waiting", "8") as base:
        yield base


@pytest.mark.server
@pytest.mark.slow
def test_a_cached_answer_needs_no_worker(busy_server: str) -> None:
    query = f"SELECT ?p WHERE {{ <{PERSON}> ?p ?o }} ORDER BY ?p LIMIT 3"
    first = requests.get(busy_server + "sparql", params={"query": query}, timeout=30)
    assert first.status_code == 200
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        runaway = pool.submit(requests.get, busy_server + "sparql", params={"query": RUNAWAY}, timeout=30)
        time.sleep(0.5)  # the only worker is busy for 3 s
        started = time.monotonic()
        again = requests.get(busy_server + "sparql", params={"query": query}, timeout=30)
        elapsed = time.monotonic() - started
        assert runaway.result().status_code == 503
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["x-result-count"] == first.headers["x-result-count"] == "3"
    assert elapsed < 1.5  # not queued behind the runaway query


@pytest.mark.server
@pytest.mark.slow
def test_volatile_queries_and_checks_are_not_cached(busy_server: str) -> None:
    rand = "SELECT (RAND() AS ?r) {}"
    values = {requests.get(busy_server + "sparql", params={"query": rand}, timeout=30).json()["results"]["bindings"][0]
              ["r"]["value"] for _ in range(3)}
    assert len(values) == 3
    service = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        assert requests.get(busy_server + "sparql", params={"query": service}, timeout=30).status_code == 400
    # an answer kept in one format is not served for another
    xml = requests.get(busy_server + "sparql", params={"query": "ASK {}"}, timeout=30,
                       headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    json_answer = requests.get(busy_server + "sparql", params={"query": "ASK {}"}, timeout=30,
                               headers={"Accept": "application/sparql-results+json"})
    assert json_answer.json() == {"head": {}, "boolean": True}


@pytest.mark.server
@pytest.mark.slow
def test_an_identical_request_gets_the_same_answer_as_sent(busy_server: str) -> None:
    """The response cache (in front of the application) replays status, headers and body; each
    header that changes the answer (Accept-Encoding, Origin, a conditional) is part of its key."""
    query = f"SELECT ?p ?o WHERE {{ <{PERSON}> ?p ?o }} ORDER BY ?p ?o"
    post = {"data": query.encode(), "timeout": 30,
            "headers": {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json",
                        "Accept-Encoding": "identity"}}
    first, again = (requests.post(busy_server + "sparql", **post) for _ in range(2))  # type: ignore[arg-type]
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert {k: v for k, v in again.headers.items() if k != "Date"} == \
        {k: v for k, v in first.headers.items() if k != "Date"}
    assert "content-encoding" not in again.headers and again.headers["x-content-type-options"] == "nosniff"
    for _ in range(2):  # compressed only for the client that accepts it, the first time and the next
        gzipped = requests.post(busy_server + "sparql", **{**post, "headers": {  # type: ignore[arg-type]
            **post["headers"], "Accept-Encoding": "gzip"}})  # type: ignore[dict-item]
        assert gzipped.headers["content-encoding"] == "gzip" and gzipped.content == first.content
        cors = requests.post(busy_server + "sparql", **{**post, "headers": {  # type: ignore[arg-type]
            **post["headers"], "Origin": "https://example.org"}})  # type: ignore[dict-item]
        assert cors.headers["access-control-allow-origin"] == "*" and cors.content == first.content
    assert "access-control-allow-origin" not in requests.post(busy_server + "sparql", **post).headers  # type: ignore[arg-type]
    get = requests.get(busy_server + "sparql", params={"query": query}, timeout=30)
    etag = get.headers["etag"]
    for _ in range(2):
        assert requests.get(busy_server + "sparql", params={"query": query}, timeout=30).headers["etag"] == etag
        current = requests.get(busy_server + "sparql", params={"query": query}, timeout=30,
                               headers={"If-None-Match": etag})
        assert current.status_code == 304 and not current.content


@pytest.mark.server
@pytest.mark.slow
def test_an_identical_refused_request_is_refused_again(busy_server: str) -> None:
    """Refusals are never kept: the same refused request is checked, and refused, every time."""
    too_long = "ASK { " + "?s ?p ?o . " * 4000 + "}"  # over --max-query-length (32 768 characters)
    service = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(3):
        assert requests.post(busy_server + "sparql", data=too_long.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-query"}).status_code == 413
        assert requests.post(busy_server + "sparql", data=service.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-query"}).status_code == 400
        assert requests.post(busy_server + "sparql", data=b"SELECT", timeout=30,
                             headers={"Content-Type": "application/sparql-query"}).status_code == 400
