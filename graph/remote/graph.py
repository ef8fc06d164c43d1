"""A SPARQL 1.1 server used like the embedded store: :class:`RemoteGraph`.

It has the ``execute/rows/table/run`` surface of :class:`kjgraph.query.KnowledgeGraph`
(:class:`kjgraph.query.Graph`) and speaks the SPARQL 1.1 Protocol (queries and updates as
URL-encoded POST requests, :mod:`kjgraph.remote.transport`); :meth:`RemoteGraph.push`
uploads a built store (:mod:`kjgraph.remote.push`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from kjgraph.errors import RemoteError
from kjgraph.library import bind_values
from kjgraph.query import Graph, KnowledgeGraph, Table, Term, check_prefixes, query_form, run_library, solutions
from kjgraph.remote.auth import Auth
from kjgraph.remote.layout import CATALOG_GRAPH, GRAPH_BASE, HAS_PART, LAYOUTS, UNION_GRAPH, Layout
from kjgraph.remote.push import PushReport, StaleGraphsKept, push
from kjgraph.remote.results import (
    normalise_solutions,
    parse_boolean,
    parse_rows,
    parse_solutions,
    parse_triples,
    with_dataset,
    with_prefixes,
    without_undef,
)
from kjgraph.remote.transport import Transport
from kjgraph.sparql_text import EVERY_HOST, check_query, check_update
from kjgraph.store import StoreLocation

_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_TRIPLES = "application/n-triples, text/turtle;q=0.9"


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
        self.union_graph = union_graph
        self.catalog_graph = catalog_graph
        self.normalise = normalise
        self._layout: Layout | None = layout
        self._named_graphs: list[str] | None = None
        #: the HTTP side: credentials, the deadline per request, retries
        self.transport = Transport(auth=auth, timeout=timeout, retries=retries, backoff=backoff)

    def __repr__(self) -> str:
        return f"RemoteGraph({self.endpoint!r})"

    @property
    def auth(self) -> Auth | None:
        return self.transport.auth

    @property
    def timeout(self) -> float:
        """The deadline in seconds for each request attempt as a whole."""
        return self.transport.timeout

    @property
    def requests(self) -> int:
        """The number of HTTP requests sent (retries included); tests and progress read it."""
        return self.transport.requests

    # ---------------------------------------------------------------- dataset

    @property
    def layout(self) -> Layout:
        """Where the union lives on the server: detected once when not given."""
        if self._layout is None:
            found = self.ask(f"ASK {{ GRAPH <{self.union_graph}> {{ ?s ?p ?o }} }}")
            self._layout = "union-graph" if found else "default"
        return self._layout

    def named_graphs(self) -> list[str]:
        """kjgraph's named graphs on the server (the union and catalogue graphs excepted), sorted.

        Read from the catalogue graph that :meth:`push` writes in layout ``union-graph``
        (a scan of all graphs is slow on large servers); else found by a scan.
        """
        rows = self._select(f"SELECT ?g WHERE {{ GRAPH <{self.catalog_graph}> "
                            f"{{ <{self.catalog_graph}> <{HAS_PART}> ?g }} }}")
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
        body = self.transport.sparql(self.endpoint, text, accept="application/sparql-results+json")
        return parse_solutions(self.endpoint, body)

    def ask(self, text: str) -> bool:
        """The answer of an ASK query sent as it is (no prefixes added, no dataset named)."""
        return parse_boolean(self.endpoint, self.transport.sparql(self.endpoint, text,
                                                                  accept="application/sparql-results+json"))

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
            body = self.transport.sparql(self.endpoint, text, accept=_RESULTS)
            if form == "ASK":
                return parse_boolean(self.endpoint, body)
            variables, rows = parse_rows(self.endpoint, body)
            return normalise_solutions(variables, rows) if self.normalise else solutions(variables, rows)
        return parse_triples(self.endpoint, self.transport.sparql(self.endpoint, text, accept=_TRIPLES))

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
        self.transport.sparql(self.update_endpoint, with_prefixes(sparql), accept="*/*")

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
        layout = layout or self._layout or "union-graph"
        try:
            report = push(self, source, batch_size=batch_size, layout=layout, prune=prune, on_batch=on_batch)
        except StaleGraphsKept:  # everything was uploaded: the server now has this layout
            self._pushed(layout)
            raise
        self._pushed(layout)
        return report

    def _pushed(self, layout: Layout) -> None:
        """After a push in ``layout``: queries name the new dataset, read afresh."""
        self._layout = layout
        self._named_graphs = None


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
