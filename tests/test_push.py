"""Pushing the built graph to real SPARQL servers: complete, idempotent, restartable, and
clear about every failure (the endpoint is always named)."""

from __future__ import annotations

import base64
import contextlib
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from kjgraph.errors import RemoteError
from kjgraph.remote import UNION_GRAPH, BasicAuth, DigestAuth, RemoteGraph, TokenAuth
from kjgraph.store import StoreLocation
from tests.conftest import run_cli
from tests.servers import (
    KjgraphServer,
    OxigraphServer,
    Server,
    VirtuosoServer,
    free_port,
    handled_by,
    missing,
    running,
)

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def source_quads(location: StoreLocation, union_graph: str = UNION_GRAPH) -> set[tuple[str, ...]]:
    """The store's quads as the server should hold them: the union under ``union_graph``."""
    store = location.open()
    return {_key(q.graph_name if not isinstance(q.graph_name, ox.DefaultGraph) else ox.NamedNode(union_graph),
                 q.subject, q.predicate, q.object) for q in store}


def server_quads(server: Server) -> set[tuple[str, ...]]:
    """Every quad in a kjgraph graph on the server (the catalogue graph left out)."""
    raw = RemoteGraph(server.query_url, auth=server.auth, layout="default", timeout=60)
    rows = raw.rows(ALL_QUADS)
    return {_key(r["g"], r["s"], r["p"], r["o"]) for r in rows
            if r["g"].value.startswith("https://w3id.org/kjgraph/graph/") and not r["g"].value.endswith("/catalog")}


def _key(*terms: object) -> tuple[str, ...]:
    return tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms)


def quad_count(server: Server) -> int:
    raw = RemoteGraph(server.query_url, auth=server.auth, layout="default")
    return int(raw.rows("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/kjgraph/graph/')) }")[0]["n"].value)


def make_server(kind: str, workdir: Path) -> Server:
    if kind == "oxigraph":
        if not OxigraphServer.available():
            missing("oxigraph", "pip install oxigraph")
        return OxigraphServer(workdir)
    if not VirtuosoServer.available():
        missing("virtuoso-t", "apt-get install virtuoso-opensource")
    return VirtuosoServer(workdir)


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_push_survives_a_restart_and_is_idempotent(kind: str, built_store: StoreLocation, tmp_path: Path) -> None:
    """Kill the server in the middle of a push, restart it on the same database: the rerun
    completes the push; a further push leaves exactly the same triples."""
    expected = source_quads(built_store)
    server = make_server(kind, tmp_path / kind)
    with running(server):
        graph = server.graph(retries=1, backoff=0.1, timeout=10)

        def crash(batches: int) -> None:
            if batches == 60:
                server.kill()

        with pytest.raises(RemoteError, match="unreachable") as failure:
            graph.push(built_store, batch_size=300, on_batch=crash)
        assert server.store_url in str(failure.value)
        server.start()  # the same database
        assert server_quads(server) != expected  # the push really was cut short
        first = graph.push(built_store, batch_size=4000)
        assert server_quads(server) == expected
        count = quad_count(server)
        second = graph.push(built_store, batch_size=4000)
        assert quad_count(server) == count  # nothing twice (blank nodes included)
        assert server_quads(server) == expected
        assert first.graphs == second.graphs == len(list(built_store.open().named_graphs())) + 1
        assert second.dropped == []


def test_push_through_sparql_update_drops_stale_graphs(built_store: StoreLocation, tmp_path: Path) -> None:
    """Without a Graph Store endpoint, CLEAR + INSERT DATA batches do the same; a graph the
    store no longer has is dropped by the next push."""
    stale = "https://w3id.org/kjgraph/graph/source/stale"
    with running(make_server("oxigraph", tmp_path / "ox")) as server:
        graph = RemoteGraph(server.query_url, update_endpoint=server.update_url)
        # what an earlier push of a source since removed would have left
        graph.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:a> <urn:b> <urn:c> }} "
                     f"GRAPH <{graph.catalog_graph}> {{ <{graph.catalog_graph}> dcterms:hasPart <{stale}> }} }}")
        assert stale in graph.named_graphs()
        assert graph.push(built_store, batch_size=5000).dropped == [stale]
        assert server_quads(server) == source_quads(built_store)


def test_cli_push_then_query(built_store: StoreLocation, tmp_path: Path) -> None:
    with running(make_server("oxigraph", tmp_path / "ox")) as server:
        result = run_cli("push", "--store", str(built_store.root), "--endpoint", server.query_url,
                         "--store-endpoint", server.store_url or "", check=True)
        assert "pushed" in result.stdout and "graphs" in result.stdout
        local = run_cli("query", "meetings-per-year", "--format", "csv", "--store", str(built_store.root), check=True)
        remote = run_cli("query", "meetings-per-year", "--format", "csv", "--endpoint", server.query_url, check=True)
        assert sorted(local.stdout.splitlines()) == sorted(remote.stdout.splitlines())


def test_cli_push_needs_a_write_endpoint(built_store: StoreLocation) -> None:
    result = run_cli("push", "--store", str(built_store.root), "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.returncode == 1
    assert "--store-endpoint" in result.stderr and "http://127.0.0.1:9/sparql" in result.stderr


# ------------------------------------------------------------------ failures, each named


def test_unreachable_endpoint_is_named_after_bounded_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    graph = RemoteGraph(url, retries=2, backoff=0.05, layout="default")
    started = time.monotonic()
    with pytest.raises(RemoteError, match="unreachable") as failure:
        graph.rows("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert str(failure.value).startswith(url)
    assert graph.requests == 3 and time.monotonic() - started < 5


def test_virtuoso_refuses_a_wrong_digest_password(built_store: StoreLocation, tmp_path: Path) -> None:
    with running(make_server("virtuoso", tmp_path / "vt")) as server:
        wrong = RemoteGraph(server.query_url, update_endpoint=server.update_url,
                            store_endpoint=server.store_url, auth=DigestAuth("dba", "wrong"))
        with pytest.raises(RemoteError, match="401") as failure:
            wrong.push(built_store)
        assert server.store_url in str(failure.value)
        with pytest.raises(RemoteError, match="401") as failure:
            wrong.update("INSERT DATA { GRAPH <https://w3id.org/kjgraph/graph/x> { <urn:a> <urn:b> <urn:c> } }")
        assert server.update_url in str(failure.value)
        right = RemoteGraph(server.query_url, update_endpoint=server.update_url, auth=DigestAuth("dba", "dba"))
        right.update("INSERT DATA { GRAPH <https://w3id.org/kjgraph/graph/x> { <urn:a> <urn:b> <urn:c> } }")
        assert right.execute("ASK { GRAPH <https://w3id.org/kjgraph/graph/x> { <urn:a> ?p ?o } }") is True


def test_token_auth_on_kjgraph_serve_updates(built_store: StoreLocation, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(built_store.root, copy, symlinks=True)
    server = KjgraphServer(tmp_path / "serve", store=copy)
    server.command = lambda: [*KjgraphServer.command(server), "--update-token", "s3cret"]  # type: ignore[method-assign]
    insert = "INSERT DATA { GRAPH <https://w3id.org/kjgraph/graph/test> { <urn:a> <urn:b> <urn:c> } }"
    with running(server):
        for token in (None, "wrong"):
            graph = RemoteGraph(server.query_url, update_endpoint=server.query_url,
                                auth=TokenAuth(token) if token else None)
            with pytest.raises(RemoteError, match="403") as failure:
                graph.update(insert)
            assert server.query_url in str(failure.value)
        graph = RemoteGraph(server.query_url, update_endpoint=server.query_url, auth=TokenAuth("s3cret"),
                            layout="default")
        graph.update(insert)
        assert graph.execute("ASK { GRAPH <https://w3id.org/kjgraph/graph/test> { <urn:a> ?p ?o } }") is True


class Misbehaving(BaseHTTPRequestHandler):
    """A real HTTP server on 127.0.0.1 that fails in the ways real servers do.

    ``/busy`` answers 503 twice then a result; ``/garbage`` sends malformed results;
    ``/slow`` answers after 3 s; ``/basic`` wants HTTP basic auth ``kj:pw``.
    """

    calls: dict[str, int] = {}  # noqa: RUF012 (shared by the handler instances, on purpose)
    RESULT = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"urn:ok"}}]}}'

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        path = self.path.split("?")[0]
        self.calls[path] = self.calls.get(path, 0) + 1
        if "query" not in form:
            return self.answer(400, b"no query")
        if path == "/busy" and self.calls[path] <= 2:
            return self.answer(503, b"busy")
        if path == "/garbage":
            return self.answer(200, b'{"head": {"vars": ["x"]}, "results": {"bindings": [ {"x": ',
                               "application/sparql-results+json")
        if path == "/slow":
            time.sleep(3)
        if path == "/basic":
            expected = "Basic " + base64.b64encode(b"kj:pw").decode()
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="kj"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
        return self.answer(200, self.RESULT, "application/sparql-results+json")

    def answer(self, status: int, body: bytes, media: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (/slow)
            self.wfile.write(body)


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    with handled_by(Misbehaving) as url:
        yield url


ASK_ONE = "SELECT ?x WHERE { ?x ?p ?o }"


def test_busy_server_is_retried_with_back_off(misbehaving: str) -> None:
    graph = RemoteGraph(misbehaving + "/busy", retries=3, backoff=0.05, layout="default")
    assert graph.rows(ASK_ONE) == [{"x": ox.NamedNode("urn:ok")}]
    assert graph.requests == 3
    never = RemoteGraph(misbehaving + "/busy", retries=0, layout="default")
    Misbehaving.calls["/busy"] = 0
    with pytest.raises(RemoteError, match="503"):
        never.rows(ASK_ONE)


def test_malformed_results_are_named(misbehaving: str) -> None:
    graph = RemoteGraph(misbehaving + "/garbage", layout="default")
    with pytest.raises(RemoteError, match="malformed results") as failure:
        graph.rows(ASK_ONE)
    assert str(failure.value).startswith(misbehaving + "/garbage")


@pytest.mark.slow
def test_timeout_is_named(misbehaving: str) -> None:
    graph = RemoteGraph(misbehaving + "/slow", timeout=1, retries=1, backoff=0.05, layout="default")
    with pytest.raises(RemoteError, match="in time") as failure:
        graph.rows(ASK_ONE)
    assert misbehaving + "/slow" in str(failure.value) and graph.requests == 2


def test_basic_auth(misbehaving: str) -> None:
    assert RemoteGraph(misbehaving + "/basic", auth=BasicAuth("kj", "pw"), layout="default").rows(ASK_ONE)
    with pytest.raises(RemoteError, match="401"):
        RemoteGraph(misbehaving + "/basic", auth=BasicAuth("kj", "no"), layout="default").rows(ASK_ONE)
