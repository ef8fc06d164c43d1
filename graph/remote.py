"""kjgraph on an existing SPARQL server, through the standard protocols only.

:class:`RemoteGraph` has the ``execute/rows/table/run`` surface of
:class:`kjgraph.query.KnowledgeGraph` and speaks the SPARQL 1.1 Protocol (queries and
updates as URL-encoded POST requests); :meth:`RemoteGraph.push` uploads a built store with
the SPARQL 1.1 Graph Store HTTP Protocol, or with SPARQL Update where a server has no Graph
Store endpoint. Every request goes through ``requests`` with one wall-clock deadline per
attempt (``timeout``, however slowly a server trickles its answer) and bounded retries
(SPARQLWrapper's urllib transport only times out single socket reads, so it is not used).

Layout on the server (``docs/remote-servers.md`` explains the choice):

* every named graph of the store (one per source, plus the ontology) keeps its IRI;
* the union of all graphs (the embedded store's default graph, each triple once) goes
  into the named graph :data:`UNION_GRAPH` (layout ``union-graph``, the default) and
  queries name it as their default graph with the protocol's ``default-graph-uri``, the
  source graphs with ``named-graph-uri``. This works the same on every engine, whatever
  its own default graph is (Virtuoso's is the union of *all* its graphs, system graphs
  and duplicates included), and never touches other data on a shared server;
* or, with layout ``default``, into the server's default graph, and queries send no
  dataset (for engines with a real default graph, and for ``kjgraph serve``).

Pushing is idempotent: each graph is replaced (HTTP ``PUT``, or ``CLEAR`` + ``INSERT
DATA``), large graphs in batches after the first; a rerun after an interruption
completes the upload. Blank nodes only keep their identity within one request, so
every triple with a blank node travels in a graph's first batch.

>>> with_prefixes("SELECT ?e WHERE { ?e a kjo:Summit }").splitlines()[0]
'PREFIX kjo: <https://w3id.org/kjgraph/ontology#>'
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pyoxigraph as ox

if TYPE_CHECKING:  # the HTTP stack (requests, urllib3, tenacity, rich) is imported when first used
    import requests
    from tenacity import RetryCallState, Retrying

from kjgraph.errors import RemoteError
from kjgraph.iris import BASE
from kjgraph.library import bind_values
from kjgraph.query import (
    _LEXICAL,
    PREFIXES,
    Graph,
    KnowledgeGraph,
    Table,
    Term,
    check_prefixes,
    query_form,
    run_library,
    solutions,
    used_prefixes,
)
from kjgraph.sparql_text import EVERY_HOST, check_query, check_update
from kjgraph.store import StoreLocation

#: The named graph that holds the union of all graphs on a server (layout ``union-graph``).
UNION_GRAPH = f"{BASE}graph/union"
#: kjgraph's graphs on a server all start with this; push only ever replaces or drops these.
GRAPH_BASE = f"{BASE}graph/"
#: Lists the graphs of the last complete push (layout ``union-graph``): ``<catalog> dcterms:hasPart <g>``.
CATALOG_GRAPH = f"{BASE}graph/catalog"
_HAS_PART = "http://purl.org/dc/terms/hasPart"
Layout = Literal["union-graph", "default"]
LAYOUTS: tuple[str, ...] = ("union-graph", "default")

XSD = "http://www.w3.org/2001/XMLSchema#"

# ------------------------------------------------------------------ authentication


@dataclass(frozen=True)
class BasicAuth:
    """HTTP basic authentication (send only over HTTPS or to 127.0.0.1)."""

    user: str
    password: str


@dataclass(frozen=True)
class DigestAuth:
    """HTTP digest authentication (Virtuoso's ``/sparql-auth``).

    Every request takes the realm from the server's challenge; ``realm`` documents the
    one expected (Virtuoso's is ``SPARQL``) and is kept for compatibility.
    """

    user: str
    password: str
    realm: str = "SPARQL"


@dataclass(frozen=True)
class TokenAuth:
    """A token in a header, by default ``Authorization: Bearer TOKEN`` (``kjgraph serve``)."""

    token: str
    header: str = "Authorization"
    scheme: str = "Bearer"

    @property
    def value(self) -> str:
        return f"{self.scheme} {self.token}" if self.scheme else self.token


Auth = BasicAuth | DigestAuth | TokenAuth


def _requests_auth(auth: Auth | None) -> Any:
    import requests.auth

    if isinstance(auth, BasicAuth):
        return requests.auth.HTTPBasicAuth(auth.user, auth.password)
    if isinstance(auth, DigestAuth):
        return requests.auth.HTTPDigestAuth(auth.user, auth.password)
    return None


# ------------------------------------------------------------------ a deadline per request

log = logging.getLogger("kjgraph.remote")
_DEADLINE: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("kjgraph_deadline", default=None)


class _Deadline:
    """A wall-clock limit on one HTTP exchange: connecting, sending, the headers and the body.

    ``requests`` (urllib3, http.client) only time out single socket operations, so a
    server that sends one byte every few seconds never trips them. While a deadline is
    current (a context manager), every connection that sends a request registers with it,
    and a timer shuts those sockets down when the time is up: the blocked read returns at
    once and the request fails, with :attr:`expired` telling why. A second timer logs a
    line when the answer is slow in coming (``notice`` seconds), so that a long wait is
    never silent. (A TLS handshake is only bounded per read: its socket is not reachable
    before it completes.)
    """

    def __init__(self, seconds: float, *, url: str, notice: float = 10.0):
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._notice = threading.Timer(notice, self._remind) if notice < seconds else None
        if self._notice:
            self._notice.daemon = True
        self._token: contextvars.Token[_Deadline | None] | None = None

    def remaining(self) -> float:
        return max(0.001, self.end - time.monotonic())

    def watch(self, connection: Any) -> None:
        """Shut ``connection`` down when the deadline passes (at once if it has)."""
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _shutdown(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shutdown(connection)

    def _remind(self) -> None:
        log.warning("%s: no answer after %.0f s; waiting up to %g s (--timeout)",
                    self.url, self.seconds - (self.end - time.monotonic()), self.seconds)

    def __enter__(self) -> _Deadline:
        self._token = _DEADLINE.set(self)
        self._timer.start()
        if self._notice:
            self._notice.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        if self._notice:
            self._notice.cancel()
        if self._token is not None:
            _DEADLINE.reset(self._token)


def _shutdown(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain call, also for TLS sockets


class _Watched:
    """Mix-in for urllib3 connections: register with the current deadline on each request."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        deadline = _DEADLINE.get()
        if deadline is not None and deadline.expired:
            _shutdown(self)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _DEADLINE.get()
        if deadline is not None:
            deadline.watch(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


@cache
def _adapter_class() -> type[requests.adapters.HTTPAdapter]:
    """requests' adapter whose connections honour :class:`_Deadline` (defined on first use).

    The classes derive from urllib3's and requests', which a command that never talks to a
    remote server does not import (start-up time).
    """
    import requests.adapters
    import urllib3
    import urllib3.connection

    class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
        pass

    class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
        pass

    class _HTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    class _DeadlineAdapter(requests.adapters.HTTPAdapter):
        """requests' adapter with connections that honour :class:`_Deadline`."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(*args, **kwargs)
            manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
            return manager

    return _DeadlineAdapter


def _session() -> requests.Session:
    import requests

    session = requests.Session()
    adapter = _adapter_class()()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# ------------------------------------------------------------------ query text


def with_prefixes(sparql: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """Declare the kjgraph prefixes a query uses but does not declare itself.

    The embedded store knows :data:`kjgraph.query.PREFIXES` without declarations; other
    engines need them in the query text.

    >>> print(with_prefixes("PREFIX kjo: <urn:x#>\\nASK { ?s a kjo:Summit ; schema:name ?n }"))
    PREFIX schema: <https://schema.org/>
    PREFIX kjo: <urn:x#>
    ASK { ?s a kjo:Summit ; schema:name ?n }
    """
    missing = sorted(p for p in used_prefixes(sparql) if p in prefixes)
    head = "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in missing)
    return head + sparql


_VALUES_ROW = re.compile(r"VALUES \((?P<names>\?\w+(?: \?\w+)*)\) \{ \((?P<row>[^\n]*)\) \}\n")
_TERM = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"(?:\^\^<[^<>]*>|@[A-Za-z0-9-]+)?|UNDEF|[^\s()]+')


def without_undef(sparql: str) -> str:
    """Leave unset parameters out of the one-row VALUES blocks that ``bind_values`` writes.

    A variable bound to ``UNDEF`` and one not mentioned mean the same, but Virtuoso 7
    drops every solution of a VALUES row that holds ``UNDEF``.

    >>> without_undef('SELECT * WHERE { VALUES (?a ?b) { (UNDEF "x y") }\\n ?s ?p ?b }')
    'SELECT * WHERE { VALUES (?b) { ("x y") }\\n ?s ?p ?b }'
    """
    def rewrite(match: re.Match[str]) -> str:
        names = match.group("names").split()
        terms = _TERM.findall(match.group("row"))
        if len(terms) != len(names) or "UNDEF" not in terms:
            return match.group(0)
        kept = [(n, t) for n, t in zip(names, terms, strict=True) if t != "UNDEF"]
        if not kept:
            return ""
        return (f"VALUES ({' '.join(n for n, _ in kept)}) {{ ({' '.join(t for _, t in kept)}) }}\n")

    return _VALUES_ROW.sub(rewrite, sparql)


# ------------------------------------------------------------------ engine differences


def normalise_term(term: Term | None) -> Term | None:
    """One RDF term as the embedded store would give it, whatever engine returned it.

    ``xsd:boolean`` ``1``/``0`` become ``true``/``false``: Virtuoso 7 writes the booleans
    it computes (``xsd:boolean("true")``, comparisons) as ``1``/``0``.

    Two differences need no rule: ``xsd:string`` and simple literals are the same term
    in RDF 1.1 (Virtuoso sends either), and pyoxigraph lower-cases language tags when it
    reads results (Apache Jena keeps them as written; BCP 47 tags are case-insensitive).

    >>> normalise_term(ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")))
    <Literal value=true datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#boolean>>
    >>> normalise_term(ox.Literal("Seoul", language="ko"))
    <Literal value=Seoul language=ko>
    """
    if not isinstance(term, ox.Literal) or term.language:
        return term
    if term.datatype.value == XSD + "boolean" and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def normalise_solutions(variables: list[str], rows: list[dict[str, Term | None]]) -> ox.QuerySolutions:
    """Solutions with every term passed through :func:`normalise_term`."""
    return solutions(variables, [{v: normalise_term(row[v]) for v in variables} for row in rows])


# ------------------------------------------------------------------ the remote graph


@dataclass
class PushReport:
    """What a push did: graphs and triples sent, requests made, stale graphs dropped."""

    graphs: int = 0
    triples: int = 0
    requests: int = 0
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class StaleGraphsKept(RemoteError):
    """A push uploaded everything, but stale graphs it meant to drop are still on the server.

    ``report`` is what the push did (``dropped`` lists only the graphs really gone; one the
    server no longer had counts), ``failed`` each graph kept with its error.
    """

    def __init__(self, report: PushReport, failed: list[tuple[str, RemoteError]]):
        self.report = report
        self.failed = failed
        first = failed[0][1]
        super().__init__(first.endpoint, (
            f"pushed {report.graphs} graphs, but could not drop {len(failed)} stale graph(s) "
            f"({', '.join(g for g, _ in failed)}): {first.problem}; they are still on the server "
            "(push again, or pass --keep-stale)"), status=first.status, transient=False)


class RemoteGraph:
    """A SPARQL 1.1 server used like the embedded store.

    ``endpoint`` is the query URL; ``update_endpoint`` (SPARQL Update) and
    ``store_endpoint`` (Graph Store Protocol) are needed to push. ``auth`` applies to
    every request; ``timeout`` is a deadline in seconds for each request attempt as a whole
    (connecting, sending, the whole answer), however slowly the server trickles bytes; a
    request that fails for a transient reason (connection refused or reset, out of time,
    HTTP 408/425/429/502/503/504) is retried up to ``retries`` times with exponential
    back-off from ``backoff`` seconds, each retry logged on the ``kjgraph.remote`` logger.
    ``layout`` is ``union-graph``, ``default`` or ``None`` to detect it (the union graph
    present or not).

    Example (needs a running server)::

        kg = RemoteGraph("http://127.0.0.1:7878/query", store_endpoint="http://127.0.0.1:7878/store")
        kg.push(StoreLocation())
        kg.run("leaders", country="country/kr").to_dataframe()
    """

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 store_endpoint: str | None = None, auth: Auth | None = None, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 0.5, layout: Layout | None = None,
                 union_graph: str = UNION_GRAPH, catalog_graph: str = CATALOG_GRAPH, normalise: bool = True):
        for url in (endpoint, update_endpoint, store_endpoint):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise RemoteError(url, "not an http(s) URL")
        if layout is not None and layout not in LAYOUTS:
            raise RemoteError(endpoint, f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.store_endpoint = store_endpoint
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.union_graph = union_graph
        self.catalog_graph = catalog_graph
        self.normalise = normalise
        self._layout: Layout | None = layout
        self._named_graphs: list[str] | None = None
        self._session = _session()
        self._auth = _requests_auth(auth)  # one object, so that a digest nonce is reused
        #: number of HTTP requests sent (retries included); tests and progress read it
        self.requests = 0

    def __repr__(self) -> str:
        return f"RemoteGraph({self.endpoint!r})"

    # ---------------------------------------------------------------- transport

    def _retrying(self) -> Retrying:
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

        return Retrying(stop=stop_after_attempt(self.retries + 1),
                        wait=wait_exponential(multiplier=self.backoff, max=max(self.backoff, 10.0)),
                        retry=retry_if_exception(_transient), reraise=True, before_sleep=self._on_retry)

    def _on_retry(self, state: RetryCallState) -> None:
        """Say on stderr (the ``kjgraph.remote`` logger) what failed and when the next try is."""
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s; retrying in %.1f s (attempt %d of %d)", exc, wait, state.attempt_number + 1,
                    self.retries + 1)

    def _sparql(self, url: str, text: str, *, accept: str) -> bytes:
        """POST a query or update to ``url`` (SPARQL 1.1 Protocol, URL-encoded form); the body.

        An update goes as ``update=``, anything else as ``query=``. The request has the
        deadline and retries of :meth:`_http`.
        """
        try:
            update = query_form(text) == "UPDATE"
        except RemoteError:
            update = False  # not SPARQL at all: let the server say what is wrong
        response = self._http("POST", url, data={"update" if update else "query": text},
                              headers={"Accept": accept,
                                       "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
        return response.content

    def _http(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP request with auth, a deadline and retries; the response (status < 400).

        ``timeout`` is a deadline for each attempt as a whole (connecting, sending, the
        headers and the whole body), not per socket read: a server that trickles its answer
        is cut off when the time is up (:class:`_Deadline`). A transient failure (unreachable,
        out of time, HTTP 408/425/429/502/503/504) is retried ``retries`` times with back-off,
        each retry announced on the ``kjgraph.remote`` logger (stderr by default).

        Raises :class:`RemoteError` naming ``url``.
        """
        import requests

        headers = kwargs.pop("headers", {})
        if isinstance(self.auth, TokenAuth):
            headers[self.auth.header] = self.auth.value

        def attempt() -> requests.Response:
            self.requests += 1
            with _Deadline(self.timeout, url=url) as deadline:
                try:
                    left = deadline.remaining()
                    response = self._session.request(method, url, headers=headers, timeout=(left, left),
                                                     auth=self._auth, **kwargs)
                    response.content  # noqa: B018 -- read the whole body within the deadline
                except requests.RequestException as exc:
                    if deadline.expired or isinstance(exc, requests.Timeout):
                        raise RemoteError(url, f"did not answer in time (a deadline of {self.timeout:g} s "
                                               "for the whole request, --timeout)", transient=True) from exc
                    raise _remote_error(url, exc) from exc
            if response.status_code >= 400:
                raise RemoteError(url, f"{method} refused with HTTP {response.status_code} "
                                       f"{response.reason}: {_snippet(response.text)}",
                                  status=response.status_code)
            incomplete = incomplete_answer(response.status_code, response.headers)
            if incomplete:
                raise RemoteError(url, f"answered with incomplete results ({incomplete}); a partial answer is "
                                       "never read as a whole one (raise the server's time limit, or ask less)",
                                  status=response.status_code, transient=True)
            return response

        return self._retrying()(attempt)

    # ---------------------------------------------------------------- dataset

    @property
    def layout(self) -> Layout:
        """Where the union lives on the server: detected once when not given."""
        if self._layout is None:
            found = self._ask_raw(f"ASK {{ GRAPH <{self.union_graph}> {{ ?s ?p ?o }} }}")
            self._layout = "union-graph" if found else "default"
        return self._layout

    def named_graphs(self) -> list[str]:
        """kjgraph's named graphs on the server (the union and catalogue graphs excepted), sorted.

        Read from the catalogue graph that :meth:`push` writes in layout ``union-graph``
        (a scan of all graphs is slow on large servers); else found by a scan.
        """
        rows = self._select(f"SELECT ?g WHERE {{ GRAPH <{self.catalog_graph}> "
                            f"{{ <{self.catalog_graph}> <{_HAS_PART}> ?g }} }}")
        graphs = {s["g"].value for s in rows if isinstance(s["g"], ox.NamedNode)}
        return sorted(graphs) if graphs else self.server_graphs()

    def server_graphs(self) -> list[str]:
        """kjgraph's named graphs on the server found by a scan (the union and catalogue excepted)."""
        rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                            f"FILTER (STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }} GROUP BY ?g")
        graphs = {s["g"].value for s in rows if isinstance(s["g"], ox.NamedNode)}
        return sorted(graphs - {self.union_graph, self.catalog_graph})

    def dataset(self) -> tuple[list[str], list[str]]:
        """The default and named graphs that queries name (FROM / FROM NAMED); empty: the server's own."""
        if self.layout != "union-graph":
            return [], []
        if self._named_graphs is None:
            self._named_graphs = self.named_graphs()
        return [self.union_graph], self._named_graphs

    def _select(self, text: str) -> ox.QuerySolutions:
        body = self._sparql(self.endpoint, text, accept="application/sparql-results+json")
        return _parse_solutions(self.endpoint, body)

    def _ask_raw(self, text: str) -> bool:
        body = self._sparql(self.endpoint, text, accept="application/sparql-results+json")
        try:
            answer = parse_results(body)
        except (SyntaxError, ValueError, AttributeError, TypeError) as exc:
            raise RemoteError(self.endpoint, f"returned malformed results: {exc}") from None
        if not isinstance(answer, bool):
            raise RemoteError(self.endpoint, "returned solutions where a boolean was expected")
        return answer

    # ---------------------------------------------------------------- queries

    def execute(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Any:
        """Run a query: SELECT gives solutions, ASK a bool, CONSTRUCT/DESCRIBE a list of triples.

        The same contract as :meth:`kjgraph.query.KnowledgeGraph.execute`; kjgraph's
        prefixes are declared where the query does not, and results are normalised
        with :func:`normalise_term` (unless ``normalise=False``).
        """
        if bindings:
            sparql = bind_values(sparql, bindings)  # type: ignore[arg-type]
        check_prefixes(sparql)
        text = with_prefixes(without_undef(sparql))
        check_query(text, allow_service=EVERY_HOST)  # nesting that crashes engines: QueryError
        form = query_form(text)
        if form != "UPDATE":
            text = with_dataset(text, *self.dataset())
        if form == "UPDATE":
            raise RemoteError(self.endpoint, "execute() runs queries; use update() for SPARQL Update")
        if form in ("SELECT", "ASK"):
            body = self._sparql(self.endpoint, text,
                                accept="application/sparql-results+json, application/sparql-results+xml;q=0.9")
            if form == "ASK":
                try:
                    answer = parse_results(body)
                    if not isinstance(answer, bool):
                        raise ValueError("solutions where a boolean was expected")
                    return answer
                except (SyntaxError, ValueError, AttributeError, TypeError) as exc:
                    raise RemoteError(self.endpoint, f"returned malformed results: {exc}") from None
            variables, rows = _parse_rows(self.endpoint, body)
            return normalise_solutions(variables, rows) if self.normalise else solutions(variables, rows)
        body = self._sparql(self.endpoint, text, accept="application/n-triples, text/turtle;q=0.9")
        try:
            fmt = ox.RdfFormat.TURTLE  # N-Triples is a subset of Turtle
            return [q.triple for q in ox.parse(body, format=fmt)]
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(self.endpoint, f"returned malformed RDF: {exc}") from None

    def rows(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> list[dict[str, Term | None]]:
        return self.table(sparql, bindings=bindings).rows

    def table(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Table:
        result = self.execute(sparql, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise RemoteError(self.endpoint, "expected a SELECT query")
        columns = [v.value for v in result.variables]
        return Table(columns, [{c: s[c] for c in columns} for s in result])

    def run(self, name: str, **params: str) -> Table:
        """Run a library query by name, e.g. ``run('leaders', country='country/kr')``.

        Queries that one SPARQL text cannot answer right on every engine (``neighbourhood``)
        are computed step by step with simple queries (:data:`kjgraph.query.STEPWISE`).
        """
        return run_library(self, name, params, stepwise=True)

    def labels(self, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
        """The label of each IRI for a reader of ``lang`` (:func:`kjgraph.labels.lookup`)."""
        from kjgraph.labels import graph_labels

        return graph_labels(self, iris, lang)

    def update(self, sparql: str) -> None:
        """Send a SPARQL Update to the update endpoint."""
        if not self.update_endpoint:
            raise RemoteError(self.endpoint, "no update endpoint given (--update-endpoint)")
        check_update(sparql, allow_service=EVERY_HOST)
        self._sparql(self.update_endpoint, with_prefixes(sparql), accept="*/*")

    # ---------------------------------------------------------------- push

    def push(self, source: StoreLocation | ox.Store, *, batch_size: int = 5000,
             layout: Layout | None = None, prune: bool = True,
             on_batch: Callable[[int], None] | None = None) -> PushReport:
        """Upload a built store: every named graph, and the union (see the module's docs).

        Idempotent: each graph is replaced, so pushing twice leaves the same triples and
        a rerun completes an interrupted push. With ``prune``, kjgraph graphs on the
        server that the store no longer has are dropped. ``on_batch(n)`` is called after
        each batch (n counts from 1).
        """
        if not (self.store_endpoint or self.update_endpoint):
            raise RemoteError(self.endpoint, "pushing needs --store-endpoint (Graph Store Protocol) "
                                             "or --update-endpoint (SPARQL Update)")
        if batch_size < 1:
            raise RemoteError(self.endpoint, f"batch size must be at least 1, got {batch_size}")
        store = source if isinstance(source, ox.Store) else source.open()
        layout = layout or self._layout or "union-graph"
        started = time.perf_counter()
        report = PushReport()
        names = list(store.named_graphs())
        graphs = sorted((g for g in names if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
        if len(graphs) != len(names):  # the server could not name it: it would be lost
            raise RemoteError(self.endpoint, "cannot push a graph named by a blank node; name every graph by an IRI")
        targets: list[tuple[ox.NamedNode | ox.DefaultGraph, str | None]] = [(g, g.value) for g in graphs]
        targets.append((ox.DefaultGraph(), self.union_graph if layout == "union-graph" else None))
        batches = 0
        for graph, target in targets:
            if target is not None and not target.startswith(GRAPH_BASE):
                raise RemoteError(self.endpoint, f"refusing to push graph {target}: not under {GRAPH_BASE}")
            for index, batch in enumerate(_batches(store, graph, batch_size)):
                self._send_batch(target, batch, replace=index == 0)
                report.triples += batch.count("\n")
                batches += 1
                if on_batch:
                    on_batch(batches)
            report.graphs += 1
        report.requests = batches
        keep = [g.value for g in graphs]
        previous = self.named_graphs() if prune else []
        if layout == "union-graph":  # written last: it lists complete pushes only
            catalogue = "".join(f"<{self.catalog_graph}> <{_HAS_PART}> <{g}> .\n" for g in keep)
            self._send_batch(self.catalog_graph, catalogue, replace=True)
            report.requests += 1
        failed: list[tuple[str, RemoteError]] = []
        if prune:
            stale = [g for g in previous if g not in set(keep)]
            if layout == "default":  # left by an earlier push in the other layout
                stale += [self.union_graph, self.catalog_graph]
            for name in stale:
                try:
                    self._drop(name)
                except RemoteError as exc:
                    failed.append((name, exc))
                else:
                    report.dropped.append(name)
        self._layout = layout
        self._named_graphs = None
        report.seconds = time.perf_counter() - started
        if failed:
            raise StaleGraphsKept(report, failed)
        return report

    def _send_batch(self, graph: str | None, ntriples: str, *, replace: bool) -> None:
        """Replace (first batch) or extend a graph; ``None`` is the server's default graph."""
        if self.store_endpoint:
            params = {"graph": graph} if graph else {"default": ""}
            self._http("PUT" if replace else "POST", self.store_endpoint, params=params,
                       data=ntriples.encode(), headers={"Content-Type": "application/n-triples"})
            return
        target = f"GRAPH <{graph}>" if graph else "DEFAULT"
        data = f"GRAPH <{graph}> {{\n{ntriples}}}" if graph else ntriples
        clear = f"CLEAR SILENT {target} ;\n" if replace else ""
        self.update(f"{clear}INSERT DATA {{\n{data}}}")

    def _drop(self, graph: str) -> None:
        """Delete a graph from the server; one already gone (HTTP 404) counts as dropped.

        Raises :class:`RemoteError` for any other failure, a graph still there included.
        """
        if self.store_endpoint:
            try:
                self._http("DELETE", self.store_endpoint, params={"graph": graph})
            except RemoteError as exc:
                if exc.status != 404:
                    raise
        else:
            # SILENT lets a graph already gone count as dropped, as 404 above; but it hides every
            # other failure too, so the server is asked afterwards whether the graph is gone.
            self.update(f"DROP SILENT GRAPH <{graph}>")
            if self._ask_raw(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
                raise RemoteError(self.update_endpoint or self.endpoint,
                                  f"DROP SILENT GRAPH <{graph}> succeeded, but the graph is still there")




def with_dataset(sparql: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Name the query's dataset with FROM / FROM NAMED clauses (standard SPARQL 1.1).

    The clauses go right before the outer ``WHERE`` (or the first ``{`` of a query
    without one). A query that names its own dataset is left as it is. The protocol's
    ``default-graph-uri``/``named-graph-uri`` would do the same, but Virtuoso echoes each
    of them as a response header and Python's HTTP client refuses more than 100 headers.

    The named graphs are listed only for a query with a ``GRAPH`` pattern: the others read
    the default graph alone, and Virtuoso 7.2 answers a range filter on typed dates from every
    ``FROM NAMED`` graph as well, multiplying the rows.

    >>> with_dataset("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", ["urn:u"], ["urn:a"])
    'SELECT * FROM <urn:u>\\nFROM NAMED <urn:a>\\nWHERE { GRAPH ?g { ?s ?p ?o } }'
    >>> with_dataset("SELECT * WHERE { ?s ?p ?o }", ["urn:u"], ["urn:a"])
    'SELECT * FROM <urn:u>\\nWHERE { ?s ?p ?o }'
    """
    if not default_graphs and not named_graphs:
        return sparql
    blank = _LEXICAL.sub(lambda m: " " * len(m.group(0)), sparql)
    if re.search(r"(?i)\bFROM\b\s*(NAMED\b\s*)?(<|[A-Za-z_]*:)", blank):
        return sparql
    if not re.search(r"(?i)\bGRAPH\s*[?$<A-Za-z_]", blank):
        named_graphs = []
    where = re.search(r"(?i)\bWHERE\s*\{", blank)
    brace = re.search(r"\{", blank)
    if query_form(sparql) == "CONSTRUCT":  # its template comes before WHERE
        brace = None
    starts = [m.start() for m in (where, brace) if m]
    at = min(starts) if starts else len(sparql.rstrip())  # DESCRIBE <x> without a pattern
    clauses = "".join(f"FROM <{g}>\n" for g in default_graphs)
    clauses += "".join(f"FROM NAMED <{g}>\n" for g in named_graphs)
    return sparql[:at] + clauses + sparql[at:]


def _batches(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, size: int) -> Iterator[str]:
    """A graph's triples as N-Triples documents of at most ``size`` triples.

    Triples with a blank node all go into the first batch (a blank node label only
    names the same node within one request); an empty graph yields one empty batch,
    so that replacing it still clears the target.
    """
    quads = list(store.quads_for_pattern(None, None, None, graph))
    quads.sort(key=lambda q: not (isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)))
    lines = [f"{q.triple} .\n" for q in quads]
    first = max(size, sum(1 for q in quads if isinstance(q.subject, ox.BlankNode)
                          or isinstance(q.object, ox.BlankNode)))
    yield "".join(lines[:first])
    for start in range(first, len(lines), size):
        yield "".join(lines[start:start + size])


def parse_results(body: bytes) -> bool | tuple[list[str], list[dict[str, Term | None]]]:
    """SPARQL results in JSON or XML, read completely: a bool, or variables and rows.

    Blank node labels that are not valid identifiers (Virtuoso's ``nodeID://b1``) are
    replaced by stable ones; raises SyntaxError or ValueError on malformed results.

    >>> parse_results(b'{"head": {"vars": ["x"]}, "results": {"bindings": '
    ...               b'[{"x": {"type": "bnode", "value": "nodeID://b1"}}]}}')
    (['x'], [{'x': <BlankNode value=bd4c5fcb32af942c3>}])
    """
    text = body.lstrip()
    if text.startswith(b"<"):
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    elif b'"bnode"' not in body:
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    else:
        document = json.loads(body)
        for binding in document.get("results", {}).get("bindings", []):
            for term in binding.values():
                if term.get("type") == "bnode":
                    term["value"] = _bnode_id(term["value"])
        result = ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    variables = [v.value for v in result.variables]
    return variables, [{v: s[v] for v in variables} for s in result]


def _bnode_id(label: str) -> str:
    return label if re.fullmatch(r"[A-Za-z0-9_]+", label) else "b" + hashlib.sha1(label.encode()).hexdigest()[:16]


def _parse_solutions(endpoint: str, body: bytes) -> ox.QuerySolutions:
    return solutions(*_parse_rows(endpoint, body))


def _parse_rows(endpoint: str, body: bytes) -> tuple[list[str], list[dict[str, Term | None]]]:
    try:
        result = parse_results(body)
    except (SyntaxError, ValueError, AttributeError, TypeError) as exc:
        raise RemoteError(endpoint, f"returned malformed results: {exc}: {_snippet(body)}") from None
    if isinstance(result, bool):
        raise RemoteError(endpoint, "returned a boolean where solutions were expected")
    return result


def _snippet(body: bytes | str, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def incomplete_answer(status: int, headers: Any) -> str | None:
    """Why a successful HTTP answer is only part of the result, or ``None`` when it is whole.

    Servers that cut a query short and send what they have so far say so beside a success
    status: HTTP 206 Partial Content (RFC 9110 §15.3.7; Virtuoso's "anytime" answers to
    clients that allow them), or Virtuoso's ``X-SQL-State`` header (``S1TAT``: "Returning
    incomplete results, query interrupted by result timeout") with its ``X-SQL-Message``.
    ``headers`` is a case-insensitive mapping (``requests``' response headers).

    >>> incomplete_answer(200, {})
    >>> incomplete_answer(206, {})
    'HTTP 206 Partial Content'
    >>> incomplete_answer(200, {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"})
    'X-SQL-State S1TAT: RC...: Returning incomplete results'
    """
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "")
        return f"X-SQL-State {state}" + (f": {_snippet(message, 160)}" if message else "")
    if status == 206:
        return "HTTP 206 Partial Content"
    return None


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, RemoteError) and exc.transient


def _remote_error(url: str, exc: Exception) -> RemoteError:
    """A RemoteError naming the endpoint for what ``requests`` raised (no answer came)."""
    import requests

    if isinstance(exc, (requests.Timeout, socket.timeout, TimeoutError)):
        return RemoteError(url, f"did not answer in time ({exc})", transient=True)
    if isinstance(exc, (requests.ConnectionError, ConnectionError)):
        return RemoteError(url, f"is unreachable ({getattr(exc, 'reason', exc)})", transient=True)
    return RemoteError(url, f"failed: {type(exc).__name__}: {exc}")


# ------------------------------------------------------------------ opening a graph


def auth_from(user: str | None, password: str | None, kind: str = "basic", token: str | None = None) -> Auth | None:
    """The authentication the command-line options ask for (a token wins over a password)."""
    if token:
        return TokenAuth(token)
    if user:
        return DigestAuth(user, password or "") if kind == "digest" else BasicAuth(user, password or "")
    return None


def open_graph(store: StoreLocation | str | Path | None = None, endpoint: str | None = None, *,
               auth: Auth | None = None, timeout: float = 60.0, retries: int = 3, **options: Any) -> Graph:
    """The graph to read: the SPARQL server at ``endpoint`` (a :class:`RemoteGraph` with these
    connection settings and ``options``), else the embedded store at ``store`` (:class:`StoreLocation`).

    >>> open_graph(endpoint="http://127.0.0.1:7878/query", timeout=5)
    RemoteGraph('http://127.0.0.1:7878/query')
    """
    if not endpoint:
        return KnowledgeGraph.open(store)
    return RemoteGraph(endpoint, auth=auth, timeout=timeout, retries=retries, **options)
