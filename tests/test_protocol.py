"""The SPARQL 1.1 Protocol parser (kjgraph.server.protocol), in-process: a table of requests and
what each asks for, or the client error it is.

The cases follow the W3C protocol tests (tests/data/w3c-sparql11/protocol/manifest.ttl: the
test names are given where a case is one of them) and kjgraph's own refusals; the same
requests against a live server are in tests/test_serve_w3c.py and tests/test_http_protocol.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from kjgraph.server.protocol import Operation, ProtocolError, parse_request

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
ASK = "ASK {}"
G1, G2 = "http://kasei.us/2009/09/sparql/data/data1.rdf", "http://kasei.us/2009/09/sparql/data/data2.rdf"


def q(**params: str | list[str]) -> str:
    return urlencode(params, doseq=True)


#: (name, method, query string, Content-Type, body, Accept) → the expected operation's fields
OPERATIONS: list[tuple[str, str, str, str | None, bytes, str | None, dict[str, Any]]] = [
    ("query_get", "GET", q(query=ASK), None, b"", None, {"kind": "query", "text": ASK}),
    ("query_head", "HEAD", q(query=ASK), None, b"", None, {"kind": "query", "text": ASK}),
    ("query_post_form", "POST", "", FORM, q(query=ASK).encode(), None, {"kind": "query", "text": ASK}),
    ("query_post_direct", "POST", "", QUERY, ASK.encode(), None, {"kind": "query", "text": ASK}),
    ("query_post_direct_charset", "POST", "", QUERY + "; charset=UTF-8", ASK.encode(), None, {"kind": "query"}),
    ("query_post_direct_utf8_spelling", "POST", "", QUERY + ";charset=utf8", "ASK { FILTER('한') }".encode(),
     None, {"text": "ASK { FILTER('한') }"}),
    ("query_dataset_default_graph", "GET", q(query=ASK, **{"default-graph-uri": G1}), None, b"", None,
     {"default_graphs": (G1,), "named_graphs": ()}),
    ("query_dataset_default_graphs_post", "POST", "", FORM,
     q(query=ASK, **{"default-graph-uri": [G1, G2]}).encode(), None, {"default_graphs": (G1, G2)}),
    ("query_dataset_named_graphs_get", "GET", q(query=ASK, **{"named-graph-uri": [G1, G2]}), None, b"", None,
     {"named_graphs": (G1, G2), "default_graphs": ()}),
    ("query_dataset_full", "GET", q(query=ASK, **{"default-graph-uri": G1, "named-graph-uri": G2}), None, b"",
     None, {"default_graphs": (G1,), "named_graphs": (G2,)}),
    ("dataset in the URL of a direct POST", "POST", q(**{"default-graph-uri": G1}), QUERY, ASK.encode(), None,
     {"default_graphs": (G1,)}),
    ("query_content_type_select: JSON", "GET", q(query="SELECT * {}"), None, b"", "application/sparql-results+json",
     {"formats": {"solutions": "json", "graph": None}}),
    ("Accept ranked by q", "GET", q(query=ASK), None, b"", "text/csv;q=0.5, application/sparql-results+xml",
     {"formats": {"solutions": "xml", "graph": None}}),
    ("Accept for both kinds", "GET", q(query=ASK), None, b"", "application/sparql-results+json, text/turtle;q=0.9",
     {"formats": {"solutions": "json", "graph": "turtle"}}),
    ("no Accept: the first of each kind", "GET", q(query=ASK), None, b"", None,
     {"formats": {"solutions": "json", "graph": "turtle"}}),
    ("nothing acceptable: decided when the result's kind is known", "GET", q(query=ASK), None, b"", "image/png",
     {"formats": {"solutions": None, "graph": None}}),
    ("format= wins over Accept", "GET", q(query=ASK, format="csv"), None, b"", "application/sparql-results+json",
     {"formats": {"solutions": "csv", "graph": None}}),
    ("output= in a form body", "POST", "", FORM, q(query=ASK, output="xml").encode(), None,
     {"formats": {"solutions": "xml", "graph": "rdfxml"}}),
    ("update_post_form", "POST", "", FORM, q(update="CLEAR ALL").encode(), None,
     {"kind": "update", "text": "CLEAR ALL", "formats": {}}),
    ("update_post_direct", "POST", "", UPDATE, b"CLEAR ALL", None, {"kind": "update", "text": "CLEAR ALL"}),
    ("update_dataset_default_graph", "POST", "", FORM,
     q(update="CLEAR ALL", **{"using-graph-uri": G1, "using-named-graph-uri": G2}).encode(), None,
     {"using_graphs": (G1,), "using_named_graphs": (G2,)}),
    ("update_dataset in the URL of a direct POST", "POST", q(**{"using-graph-uri": G1}), UPDATE, b"CLEAR ALL",
     None, {"using_graphs": (G1,)}),
    ("update with default-graph-uri (refused by the server after authorisation)", "POST", "", FORM,
     q(update="CLEAR ALL", **{"default-graph-uri": G1}).encode(), None, {"kind": "update", "default_graphs": (G1,)}),
    ("GET without a query: the service description", "GET", "", None, b"", None, {"kind": "description"}),
    ("GET with other parameters only", "GET", q(format="json"), None, b"", None, {"kind": "description"}),
    ("a blank query is a query (the engine says what is wrong)", "GET", "query=", None, b"", None,
     {"kind": "query", "text": ""}),
    ("an allowed SERVICE host", "GET", q(query="SELECT * { SERVICE <http://allowed.example/sparql> {} }"), None,
     b"", None, {"kind": "query"}),
]

#: (name, method, query string, Content-Type, body) → (status, words of the message)
ERRORS: list[tuple[str, str, str, str | None, bytes, int, str]] = [
    ("bad_query_method", "PUT", q(query=ASK), None, b"", 405, "PUT is not allowed"),
    ("DELETE", "DELETE", "", None, b"", 405, "use GET or POST"),
    ("bad_multiple_queries", "GET", q(query=[ASK, ASK]), None, b"", 400, "got 2 queries and 0 updates"),
    ("query and update at once", "POST", "", FORM, q(query=ASK, update="CLEAR ALL").encode(), 400,
     "got 1 queries and 1 updates"),
    ("bad_query_wrong_media_type", "POST", "", "text/plain", ASK.encode(), 415,
     "unsupported Content-Type 'text/plain'"),
    ("bad_query_missing_form_type", "POST", "", None, q(query=ASK).encode(), 415, "needs a Content-Type"),
    ("bad_query_missing_direct_type", "POST", "", None, ASK.encode(), 415, "needs a Content-Type"),
    ("bad_query_non_utf8", "POST", "", QUERY + "; charset=UTF-16", ASK.encode("utf-16"), 415,
     "charset 'utf-16' is not supported"),
    ("a body that is not UTF-8", "POST", "", QUERY, b"ASK { FILTER('\xff') }", 400, "not valid UTF-8"),
    ("bad_update_get", "GET", q(update="CLEAR ALL"), None, b"", 400, "must be sent with POST"),
    ("bad_multiple_updates", "POST", "", FORM, q(update=["CLEAR ALL", "CLEAR ALL"]).encode(), 400,
     "got 0 queries and 2 updates"),
    ("bad_update_wrong_media", "POST", "", "application/json", b"CLEAR ALL", 415, "unsupported Content-Type"),
    ("bad_update_missing_form_type", "POST", "", None, q(update="CLEAR ALL").encode(), 415, "needs a Content-Type"),
    ("bad_update_non_utf8", "POST", "", UPDATE + "; charset=UTF-16", "CLEAR ALL".encode("utf-16"), 415,
     "charset 'utf-16'"),
    ("the query in the URL of a POST", "POST", q(query=ASK), QUERY, ASK.encode(), 400, "in the body, not the URL"),
    ("the URL's query wins over an unknown body type, as before", "POST", q(query=ASK), "text/plain", b"", 400,
     "in the body, not the URL"),
    ("a form POST with nothing in it", "POST", "", FORM, b"", 400, "got 0 queries and 0 updates"),
    ("too long", "GET", q(query="ASK {} #" + "x" * 100), None, b"", 413, "the limit is 64"),
    ("an update too long", "POST", "", UPDATE, b"CLEAR ALL #" + b"x" * 100, 413, "the update is 111 characters"),
    ("a NUL", "GET", "query=ASK%20%7B%7D%00", None, b"", 400, "the query holds a NUL character"),
    ("a relative default-graph-uri", "GET", q(query=ASK, **{"default-graph-uri": "data1.rdf"}), None, b"", 400,
     "default-graph-uri must be an absolute IRI, got 'data1.rdf'"),
    ("an IRI with a space", "POST", "", FORM, q(update="CLEAR ALL", **{"using-graph-uri": "http://a b"}).encode(),
     400, "using-graph-uri must be an absolute IRI"),
    ("SERVICE to a host not allowed", "GET", q(query="SELECT * { SERVICE <http://elsewhere.example/s> {} }"), None,
     b"", 400, "SERVICE"),
    ("LOAD from a host not allowed", "POST", "", UPDATE, b"LOAD <http://elsewhere.example/x.ttl>", 400, "LOAD"),
    ("nesting that would crash the engine", "GET", q(query="ASK " + "{" * 300 + "}" * 300), None, b"", 400, "nest"),
]


@pytest.mark.parametrize(("name", "method", "query", "content_type", "body", "accept", "expected"), OPERATIONS,
                         ids=[case[0] for case in OPERATIONS])
def test_operation(name: str, method: str, query: str, content_type: str | None, body: bytes, accept: str | None,
                   expected: dict[str, Any]) -> None:
    operation = parse_request(method, query, content_type=content_type, body=body, accept=accept,
                              max_query_length=32_768, allow_service=("allowed.example",))
    assert isinstance(operation, Operation)
    for field, value in expected.items():
        assert getattr(operation, field) == value, field


@pytest.mark.parametrize(("name", "method", "query", "content_type", "body", "status", "words"), ERRORS,
                         ids=[case[0] for case in ERRORS])
def test_client_error(name: str, method: str, query: str, content_type: str | None, body: bytes, status: int,
                      words: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_request(method, query, content_type=content_type, body=body, accept=None,
                      max_query_length=64 if "too long" in name else 32_768)
    assert caught.value.status == status
    assert words in caught.value.message
    assert "\n" not in caught.value.message
    if status == 405:
        assert caught.value.headers == {"Allow": "GET, HEAD, POST, OPTIONS"}


def test_every_w3c_protocol_request_parses_or_is_a_client_error() -> None:
    """Each request of the W3C protocol manifest either parses or raises the client error its
    test expects (4XX); none raises anything else (the parser is total)."""
    from rdflib import Graph, Namespace
    from rdflib.collection import Collection

    manifest_file = Path(__file__).parent / "data" / "w3c-sparql11" / "protocol" / "manifest.ttl"
    ht, mf, cnt = (Namespace("http://www.w3.org/2011/http#"),
                   Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"),
                   Namespace("http://www.w3.org/2011/content#"))
    g = Graph().parse(manifest_file, format="turtle", publicID=manifest_file.as_uri())
    seen = refused = 0
    for request in g.subjects(ht.methodName, None):
        method = str(g.value(request, ht.methodName))
        path = str(g.value(request, ht.absolutePath))
        body_node = g.value(request, ht.body)
        body = b"" if body_node is None else str(g.value(body_node, cnt.chars)).encode()
        headers = {}
        if g.value(request, ht.headers) is not None:
            for h in Collection(g, g.value(request, ht.headers)):
                headers[str(g.value(h, ht.fieldName)).lower()] = str(g.value(h, ht.fieldValue))
        expected = {str(s).rsplit("StatusCode", 1)[-1] for s in g.objects(g.value(request, ht.resp), mf.expectedStatus)}
        try:
            parse_request(method, path.partition("?")[2], content_type=headers.get("content-type"), body=body,
                          accept=headers.get("accept"))
        except ProtocolError as exc:
            assert 400 <= exc.status < 500
            assert {e.lower() for e in expected} & {"4xx", str(exc.status)}, (path, exc.status, expected)
            refused += 1
        seen += 1
    assert seen >= 30 and refused >= 10  # the syntax errors are the engine's to find


def test_percent_encoded_query_string() -> None:
    query = "SELECT ?x WHERE { ?x <http://example.org/p> '한국' }"
    operation = parse_request("GET", "query=" + quote(query))
    assert operation.text == query
