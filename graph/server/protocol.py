"""The SPARQL 1.1 Protocol as a pure function: an HTTP request's parts → an operation or a client error.

:func:`parse_request` reads what the protocol defines (W3C SPARQL 1.1 Protocol §2.1 query
operation, §2.2 update operation): the method, the URL's query string, the body and its
``Content-Type``, and ``Accept`` with the ``format``/``output`` parameters that SPARQLWrapper
and web forms send. It answers an :class:`Operation` (a query, an update, or a request for
the service description) or raises :class:`ProtocolError` carrying the HTTP status and the
message for the client. It does no I/O and knows no server state, so every case is tested
in-process with a table (``tests/test_protocol.py``); :meth:`kjgraph.server.app.Server.sparql`
adds what needs the server: authorisation, the worker pool and the answer.

The checks of the text itself are here too, because they decide whether the request is a
client error before any worker sees it: the length limit (413), NUL characters, the
graph parameters (absolute IRIs), and :mod:`kjgraph.sparql_text`'s refusals (``SERVICE`` and
``LOAD`` to hosts not allowed, nesting that could crash the engine): 400.

>>> op = parse_request("GET", "query=ASK%20%7B%7D", accept="application/sparql-results+json")
>>> op.kind, op.text, op.formats["solutions"]
('query', 'ASK {}', 'json')
>>> parse_request("GET", "").kind
'description'
>>> try:
...     parse_request("PUT", "query=ASK%20%7B%7D")
... except ProtocolError as exc:
...     print(exc.status, exc.headers["Allow"])
405 GET, HEAD, POST, OPTIONS
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.http import parse_options_header

from kjgraph.server import sparql
from kjgraph.sparql_text import QueryRefused, check_query, check_update

#: The media types a POST body may have (§2.1.2, §2.1.3, §2.2.1, §2.2.2).
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
ALLOW = "GET, HEAD, POST, OPTIONS"
GRAPH_PARAMETERS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")


class ProtocolError(Exception):
    """A client error: ``status`` (400, 405, 413, 415), the one-line ``message`` for the client
    and the response ``headers`` it needs (``Allow`` with 405)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Operation:
    """What a request to the SPARQL endpoint asks for.

    ``kind``: ``query``, ``update``, or ``description`` (a GET without a query: the service
    description). ``text``: the query or update (checked: within the length limit, no NUL, no
    refused SERVICE or nesting). The graph IRIs of the protocol (absolute IRIs, in request
    order): ``default_graphs``/``named_graphs`` for a query (``default-graph-uri``,
    ``named-graph-uri``), ``using_graphs``/``using_named_graphs`` for an update; an update
    that also has ``default_graphs`` or ``named_graphs`` is refused by the server (after
    authorisation). ``formats``: the result format key the client accepts for each result
    kind, ``solutions`` (json, xml, csv, tsv) and ``graph`` (turtle, ntriples, jsonld, rdfxml),
    ``None`` where it accepts none (406 once the query's result kind is known).
    """

    kind: Literal["query", "update", "description"]
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    formats: dict[str, str | None] = field(default_factory=dict)


def parse_request(method: str, query_string: str, *, content_type: str | None = None, body: bytes = b"",
                  accept: str | None = None, max_query_length: int = 32_768,
                  allow_service: tuple[str, ...] = ()) -> Operation:
    """The operation an HTTP request to the SPARQL endpoint asks for.

    ``method`` as sent (``HEAD`` counts as ``GET``); ``query_string`` the URL's query part,
    decoded text without the ``?``; ``body`` the raw request body (read for POST only);
    ``max_query_length`` in characters; ``allow_service`` the hosts (``HOST`` or
    ``HOST:PORT``) that ``SERVICE`` and ``LOAD`` may reach.

    Raises :class:`ProtocolError`: 405 for a method other than GET, HEAD or POST; 415 for a
    POST without a Content-Type, with one the protocol does not define, or with a charset
    other than UTF-8; 413 for a text over ``max_query_length``; 400 for everything else a
    client can get wrong (an update by GET, a body that is not UTF-8, the query in the URL of
    a POST, not exactly one query or update, a NUL, a graph parameter that is not an absolute
    IRI, a refused SERVICE/LOAD or nesting).

    >>> op = parse_request("POST", "", content_type="application/x-www-form-urlencoded",
    ...                    body=b"update=CLEAR%20ALL&using-graph-uri=http%3A%2F%2Fg")
    >>> op.kind, op.text, op.using_graphs
    ('update', 'CLEAR ALL', ('http://g',))
    """
    method = "GET" if method == "HEAD" else method
    if method not in ("GET", "POST"):
        raise ProtocolError(405, f"{method} is not allowed on the SPARQL endpoint; use GET or POST",
                            {"Allow": ALLOW})
    params = parse_qsl(query_string, keep_blank_values=True)
    if method == "GET":
        queries, updates = _values(params, "query"), _values(params, "update")
        if updates:
            raise ProtocolError(400, "SPARQL Update must be sent with POST, not GET")
        if not queries:
            return Operation("description")
    else:
        media, text = _post_text(content_type, body)
        if _values(params, "query") or _values(params, "update"):
            raise ProtocolError(400, "with POST, send the query or update in the body, not the URL")
        extra, queries, updates = _post_operations(media, text)
        params += extra
    if len(queries) + len(updates) != 1:
        raise ProtocolError(400, "send exactly one query or one update per request "
                                 f"(got {len(queries)} queries and {len(updates)} updates)")
    kind: Literal["query", "update"] = "query" if queries else "update"
    text = (queries or updates)[0]
    _check_text(kind, text, max_query_length)
    graphs = _graphs(params)
    _check_refusals(kind, text, allow_service)
    fmt = next((v for k, v in params if k in ("format", "output") and v), None)
    return Operation(kind, text, graphs["default-graph-uri"], graphs["named-graph-uri"],
                     graphs["using-graph-uri"], graphs["using-named-graph-uri"],
                     {k: sparql.negotiate(accept, k, fmt) for k in ("solutions", "graph")} if kind == "query" else {})


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _post_text(content_type: str | None, body: bytes) -> tuple[str, str]:
    """A POST body's media type (lower case) and text (415 without a type or for a charset
    other than UTF-8, 400 for a body that is not UTF-8)."""
    if not content_type:
        raise ProtocolError(415, f"a POST to the SPARQL endpoint needs a Content-Type: {FORM}, {QUERY_BODY} "
                                 f"or {UPDATE_BODY}")
    media, options = parse_options_header(content_type)
    media = media.lower()
    charset = options.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset!r} is not supported; send UTF-8")
    try:
        return media, body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8") from None


def _post_operations(media: str, text: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """A POST body's ``(other form parameters, queries, updates)`` by its media type (§2.1.2–3,
    §2.2.1–2); 415 for a media type the protocol does not define."""
    if media == FORM:
        form = parse_qsl(text, keep_blank_values=True)
        return ([(k, v) for k, v in form if k not in ("query", "update")], _values(form, "query"),
                _values(form, "update"))
    if media == QUERY_BODY:
        return [], [text], []
    if media == UPDATE_BODY:
        return [], [], [text]
    raise ProtocolError(415, f"unsupported Content-Type {media!r}; use {FORM}, {QUERY_BODY} or {UPDATE_BODY}")


def _graphs(params: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """The protocol's graph parameters by name, each an absolute IRI (else 400)."""
    graphs = {name: tuple(_values(params, name)) for name in GRAPH_PARAMETERS}
    for name, values in graphs.items():
        for value in values:
            if not absolute_iri(value):
                raise ProtocolError(400, f"{name} must be an absolute IRI, got {value!r}")
    return graphs


def _check_text(kind: str, text: str, max_length: int) -> None:
    """The length limit (413) and no NUL (400)."""
    if len(text) > max_length:
        raise ProtocolError(413, f"the {kind} is {len(text)} characters long; the limit is {max_length}")
    if "\x00" in text:
        raise ProtocolError(400, f"the {kind} holds a NUL character")


@lru_cache(maxsize=256)
def _check_refusals(kind: str, text: str, allow_service: tuple[str, ...]) -> None:
    """:mod:`kjgraph.sparql_text`'s refusals (SERVICE/LOAD to hosts not allowed, deep nesting): 400.

    Memoised for the texts that pass (a refusal raises, and is not kept): a repeated query is
    not scanned again; at most 256 texts of at most ``max_query_length`` characters are kept.
    """
    try:
        if kind == "update":
            check_update(text, allow_service=allow_service)
        else:
            check_query(text, allow_service=allow_service)
    except QueryRefused as exc:
        raise ProtocolError(400, str(exc)) from None


def absolute_iri(value: str) -> bool:
    """Is ``value`` an absolute IRI (RFC 3987, as pyoxigraph reads one)?

    >>> absolute_iri("http://example.org/g"), absolute_iri("g"), absolute_iri("http://a b")
    (True, False, False)
    """
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return ":" in value
