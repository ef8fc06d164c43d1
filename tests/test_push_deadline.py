"""`--timeout` is a deadline, whatever a server does: real misbehaving HTTP servers on 127.0.0.1.

A slow-loris server sends its answer one byte every 2 s (the headers, or the body after
prompt headers), a silent one accepts and never answers. Each single socket read returns
in time, so a per-read timeout never fires; the request as a whole must still end at the
deadline, with the endpoint named, and every retry announced on stderr. Pushing reports
only the stale graphs it really dropped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kjgraph.build import build
from kjgraph.errors import RemoteError
from kjgraph.remote import CATALOG_GRAPH, GRAPH_BASE, RemoteGraph, StaleGraphsKept
from kjgraph.store import StoreLocation

from .conftest import run_cli
from .servers import handled_by

SELECT = "SELECT ?x WHERE { ?x ?p ?o }"
RESULT = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"urn:ok"}}]}}'


class Trickle:
    """A real TCP server on 127.0.0.1 that answers HTTP requests as slowly as it likes.

    ``mode`` is ``headers`` (the status line and an endless header, one byte every
    ``interval`` seconds), ``body`` (complete headers at once, then an endless body one byte
    at a time) or ``silent`` (reads the request, never answers). ``requests`` counts the
    requests received.
    """

    def __init__(self, mode: str, interval: float = 2.0):
        self.mode = mode
        self.interval = interval
        self.requests = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/sparql"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Trickle:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(1.0)
            received = b""
            while b"\r\n\r\n" not in received and not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    received += chunk
            self.requests += 1
            if self.mode == "body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: 100000000\r\n\r\n")
            answer = (b"HTTP/1.1 200 OK\r\nX-Padding: " if self.mode == "headers" else b"")
            index = 0
            while not self._stop.wait(self.interval):
                if self.mode == "silent":
                    continue
                byte = answer[index:index + 1] or b"a"
                conn.sendall(byte)
                index += 1


def _bounded(seconds: float) -> contextlib.AbstractContextManager[None]:
    @contextlib.contextmanager
    def check() -> Iterator[None]:
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
        assert elapsed < seconds, f"took {elapsed:.1f} s, more than {seconds} s"
    return check()


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.parametrize("mode", ["headers", "body", "silent"])
def test_a_trickling_server_is_cut_off_at_the_deadline(mode: str) -> None:
    with Trickle(mode) as server:
        graph = RemoteGraph(server.url, timeout=5, retries=0, layout="default")
        started = time.monotonic()
        with pytest.raises(RemoteError, match="did not answer in time") as failure:
            graph.rows(SELECT)
        elapsed = time.monotonic() - started
        assert 4.5 < elapsed < 7.5, elapsed
        assert str(failure.value).startswith(server.url) and "5 s" in str(failure.value)
        assert server.requests == 1


@pytest.mark.slow
@pytest.mark.server
def test_cli_query_timeout_is_a_deadline() -> None:
    """`kjgraph query --endpoint URL --timeout 5` against a slow loris: one line, exit 1, ~5 s."""
    with Trickle("headers") as server, _bounded(15):
        result = run_cli("query", "-e", "ASK { ?s ?p ?o }", "--endpoint", server.url, "--timeout", "5",
                         "--retries", "0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {server.url}: did not answer in time")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.server
def test_cli_push_timeout_is_a_deadline_and_retries_are_announced(tmp_path: Path, minimal_data: Path) -> None:
    """`kjgraph push --timeout 2 --retries 2` against a slow loris: every retry is said on stderr,
    the whole push ends after about 3 × 2 s plus back-off."""
    store = tmp_path / "store"
    build(store, data=minimal_data, progress=False)
    with Trickle("headers") as server, _bounded(20):
        result = run_cli("push", "--store", str(store), "--endpoint", server.url, "--store-endpoint",
                         server.url.replace("/sparql", "/store"), "--timeout", "2", "--retries", "2")
    assert result.returncode == 1, result.stderr
    retries = [line for line in result.stderr.splitlines() if "retrying in" in line]
    assert len(retries) == 2, result.stderr
    assert "attempt 2 of 3" in retries[0] and "attempt 3 of 3" in retries[1]
    assert all("did not answer in time" in line for line in retries)
    assert "Traceback" not in result.stderr
    assert server.requests == 3


@pytest.mark.slow
@pytest.mark.server
def test_a_long_wait_is_announced(caplog: pytest.LogCaptureFixture) -> None:
    """A silent server does not keep a user guessing: a line after 10 s, then the deadline."""
    with Trickle("silent") as server, caplog.at_level(logging.WARNING, logger="kjgraph.remote"):
        graph = RemoteGraph(server.url, timeout=11, retries=0, layout="default")
        with pytest.raises(RemoteError, match="did not answer in time"):
            graph.rows(SELECT)
    notices = [r.getMessage() for r in caplog.records if "no answer after" in r.getMessage()]
    assert notices == [f"{server.url}: no answer after 10 s; waiting up to 11 s (--timeout)"]


# ------------------------------------------------------------------ push drops only what it dropped


class GraphStore(BaseHTTPRequestHandler):
    """A Graph Store Protocol server that takes every upload and fails some deletions.

    Its catalogue lists three stale graphs from an earlier push: deleting ``stale-gone``
    answers 404 (already gone), ``stale-locked`` 500, ``stale-ok`` 204.
    """

    stale = {"stale-ok": 204, "stale-gone": 404, "stale-locked": 500}  # noqa: RUF012
    deleted: list[str] = []  # noqa: RUF012

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if urlsplit(self.path).path == "/store":
            return self.answer(204)
        query = form.get("query", [""])[0]
        graphs = [f"{GRAPH_BASE}source/{name}" for name in self.stale] if CATALOG_GRAPH in query else []
        body = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
            {"g": {"type": "uri", "value": g}} for g in graphs]}}).encode()
        return self.answer(200, body, "application/sparql-results+json")

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(204)

    def do_DELETE(self) -> None:
        graph = parse_qs(urlsplit(self.path).query)["graph"][0]
        name = graph.rsplit("/", 1)[-1]
        status = self.stale.get(name, 404)
        if status == 204:
            self.deleted.append(graph)
        self.answer(status, b"locked" if status == 500 else b"")

    def answer(self, status: int, body: bytes = b"", media: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def graph_store() -> Iterator[str]:
    GraphStore.deleted = []
    with handled_by(GraphStore) as url:
        yield url


@pytest.mark.server
def test_push_reports_only_the_graphs_it_dropped(graph_store: str, tmp_path: Path, minimal_data: Path) -> None:
    """Regression (issue 17, item 8): every DELETE error was suppressed and the graph reported dropped."""
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    graph = RemoteGraph(graph_store + "/sparql", store_endpoint=graph_store + "/store", retries=0)
    with pytest.raises(RemoteError, match="could not drop 1 stale graph") as failure:
        graph.push(location)
    message = str(failure.value)
    assert f"{GRAPH_BASE}source/stale-locked" in message and "HTTP 500" in message
    assert "stale-ok" not in message and "stale-gone" not in message
    assert isinstance(failure.value, StaleGraphsKept)
    report = failure.value.report
    assert sorted(report.dropped) == [f"{GRAPH_BASE}source/stale-gone", f"{GRAPH_BASE}source/stale-ok"]
    assert GraphStore.deleted == [f"{GRAPH_BASE}source/stale-ok"]

    result = run_cli("push", "--store", str(location.root), "--endpoint", graph_store + "/sparql",
                     "--store-endpoint", graph_store + "/store", "--retries", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "could not drop 1 stale graph" in result.stderr.splitlines()[-1]


class UpdateServer(GraphStore):
    """A SPARQL Update server whose DROP SILENT answers success but keeps ``stale-locked``."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if urlsplit(self.path).path == "/update":
            update = form.get("update", [""])[0]
            if "DROP SILENT GRAPH" in update and "stale-locked" not in update:
                self.deleted.append(update.split("<")[-1].rstrip("> \n"))
            return self.answer(204)
        query = form.get("query", [""])[0]
        if query.lstrip().upper().startswith("ASK"):
            kept = "stale-locked" in query
            return self.answer(200, json.dumps({"head": {}, "boolean": kept}).encode(),
                               "application/sparql-results+json")
        graphs = [f"{GRAPH_BASE}source/{name}" for name in self.stale] if CATALOG_GRAPH in query else []
        return self.answer(200, json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
            {"g": {"type": "uri", "value": g}} for g in graphs]}}).encode(), "application/sparql-results+json")


@pytest.mark.server
def test_push_over_sparql_update_reports_graphs_drop_silent_kept(tmp_path: Path, minimal_data: Path) -> None:
    """Regression (issue 17, item 8): DROP SILENT hides a failed drop; push reported the graph dropped."""
    UpdateServer.deleted = []
    with handled_by(UpdateServer) as url:
        location = StoreLocation(tmp_path / "store")
        build(location, data=minimal_data, progress=False)
        graph = RemoteGraph(url + "/sparql", update_endpoint=url + "/update", retries=0)
        with pytest.raises(StaleGraphsKept, match="could not drop 1 stale graph") as failure:
            graph.push(location)
        assert f"{GRAPH_BASE}source/stale-locked" in str(failure.value)
        assert "still there" in str(failure.value)
        assert sorted(failure.value.report.dropped) == [f"{GRAPH_BASE}source/stale-gone",
                                                        f"{GRAPH_BASE}source/stale-ok"]
