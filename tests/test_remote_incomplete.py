"""A partial answer is never read as the whole one: servers that cut a query short say so.

Virtuoso's "anytime" queries (a client that sends ``timeout=`` accepts them) return what was
found when the server's time limit struck, with HTTP 200 or 206 and ``X-SQL-State: S1TAT``.
:class:`~kjgraph.remote.RemoteGraph` must raise a :class:`RemoteError` (retried, as a
transient failure) rather than give the rows found so far as the result. The kind is
covered by a real Virtuoso cutting a real query short, and by a real HTTP server on
127.0.0.1 answering 206 Partial Content, the status RFC 9110 gives a partial answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from kjgraph.errors import RemoteError
from kjgraph.remote import RemoteGraph

from .conftest import run_cli
from .servers import VirtuosoServer, handled_by, missing, running

RESULT = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"urn:first"}}]}}'
#: A cross product of Virtuoso's own system graphs: many seconds of work on an empty database.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def impatient_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    if not VirtuosoServer.available():
        missing("virtuoso-t", "virtuoso-opensource")
    server = VirtuosoServer(workdir=tmp_path_factory.mktemp("virtuoso"), max_execution_seconds=1)
    with running(server):
        yield server


@pytest.mark.server
@pytest.mark.slow
def test_virtuoso_anytime_answer_is_an_error(impatient_virtuoso: VirtuosoServer) -> None:
    # the endpoint URL accepts anytime answers (timeout in ms); the server's cap is 1 s
    kg = RemoteGraph(f"{impatient_virtuoso.query_url}?timeout=500", retries=0)
    with pytest.raises(RemoteError) as caught:
        kg.rows(HEAVY)
    assert "incomplete results" in str(caught.value)
    assert "S1TAT" in str(caught.value)
    assert caught.value.transient  # trying again may find the server less busy
    # a query that finishes in time on the same endpoint is answered in full
    assert kg.rows("SELECT (1 + 1 AS ?two) WHERE {}")[0]["two"].value == "2"


@pytest.mark.server
@pytest.mark.slow
def test_virtuoso_without_anytime_refuses_rather_than_truncates(impatient_virtuoso: VirtuosoServer) -> None:
    kg = RemoteGraph(impatient_virtuoso.query_url, retries=0)
    with pytest.raises(RemoteError) as caught:
        kg.rows(HEAVY)
    assert caught.value.status == 500


class _PartialContent(BaseHTTPRequestHandler):
    """Answers every query with the first row of a result and HTTP 206 Partial Content."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(206)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(RESULT)))
        self.end_headers()
        self.wfile.write(RESULT)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def partial_server() -> Iterator[str]:
    with handled_by(_PartialContent) as url:
        yield f"{url}/sparql"


@pytest.mark.server
def test_http_206_is_an_error_after_the_retries(partial_server: str, caplog: pytest.LogCaptureFixture) -> None:
    kg = RemoteGraph(partial_server, retries=1, backoff=0.01)
    with pytest.raises(RemoteError) as caught:
        kg.rows("SELECT ?x WHERE { ?x ?p ?o }")
    assert "206 Partial Content" in str(caught.value)
    assert kg.requests == 2  # retried once, then refused
    assert partial_server in str(caught.value)


@pytest.mark.server
def test_cli_names_the_incomplete_answer(partial_server: str) -> None:
    result = run_cli("query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", partial_server,
                     "--retries", "0")
    assert result.returncode != 0
    assert "incomplete results" in result.stderr and "Traceback" not in result.stderr
