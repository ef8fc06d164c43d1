"""SELECT results written by pyoxigraph's serialiser in the workers (kjgraph.server.workers.run_query):
the same documents as kjgraph's own writers, the row count exact, the result limit kept, and
a result past the byte cap read again row by row. In-process, on an in-memory store."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from kjgraph.server import sparql
from kjgraph.server.workers import JobError, run_query

P = ox.NamedNode("http://example.org/p")
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
VALUES = ["plain", "", " spaced ", "a\r\nb", 'quote " and , comma', "<tag> & amp", "한국어", "\u2028line"]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i, value in enumerate(VALUES):
        literal = ox.Literal(value, language="ko") if value == "한국어" else ox.Literal(value)
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), P, literal))
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    store.add(ox.Quad(ox.BlankNode("b0"), P, ox.Literal("7", datatype=integer)))
    return store


def run(store: ox.Store, text: str, key: str, limit: int = 100) -> dict:
    return run_query(store, text, default_graphs=[], named_graphs=[], formats={"solutions": key, "graph": "turtle"},
                     limit=limit, base_iri=None, prefixes={})


SELECT = "SELECT ?s ?o ?unbound WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o"


@pytest.mark.parametrize("key", ["json", "xml", "tsv", "csv"])
def test_native_and_python_writers_agree(store: ox.Store, key: str) -> None:
    answer = run(store, SELECT, key)
    assert answer["count"] == len(VALUES) + 1 and not answer["truncated"]
    assert answer["media_type"] == sparql.SOLUTION_TYPES[key]
    variables = ["s", "o", "unbound"]
    rows = [tuple(s[v] for v in variables) for s in store.query(SELECT)]
    ours = sparql.write_solutions(variables, rows, key)
    if key == "json":
        assert json.loads(answer["body"]) == json.loads(ours)
    elif key == "xml":
        def values(body: bytes) -> list[tuple[str, str | None, str | None]]:
            terms = (RESULTS + "literal", RESULTS + "uri", RESULTS + "bnode")
            return [(n.tag, n.text, n.get("{http://www.w3.org/XML/1998/namespace}lang"))
                    for n in ET.fromstring(body).iter() if n.tag in terms]
        assert values(answer["body"]) == values(ours)
        assert b"&#13;" in answer["body"]  # the carriage return survives a parser
    elif key == "tsv":
        parse = ox.QueryResultsFormat.TSV
        assert [list(s) for s in ox.parse_query_results(answer["body"], format=parse)] == \
            [list(s) for s in ox.parse_query_results(ours, format=parse)]
    else:
        assert list(csv.reader(io.StringIO(answer["body"].decode(), newline=""))) == \
            list(csv.reader(io.StringIO(ours.decode(), newline="")))


def test_a_single_empty_value_stays_a_row_in_csv_and_tsv(store: ox.Store) -> None:
    text = 'SELECT ?o WHERE { ?s <http://example.org/p> ?o FILTER(?o = "") }'
    assert list(csv.reader(io.StringIO(run(store, text, "csv")["body"].decode(), newline=""))) == [["o"], [""]]
    assert run(store, text, "tsv")["count"] == 1


def test_xml_refuses_what_it_cannot_carry() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), P, ox.Literal("bell \x07")))
    with pytest.raises(sparql.NotRepresentable, match=r"U\+0007.*JSON"):
        run(store, "SELECT * { ?s ?p ?o }", "xml")
    assert json.loads(run(store, "SELECT * { ?s ?p ?o }", "json")["body"])["results"]["bindings"][0]["o"]["value"] \
        == "bell \x07"


@pytest.mark.parametrize("key", ["json", "xml", "tsv"])
def test_the_result_limit_is_exact(store: ox.Store, key: str) -> None:
    assert run(store, SELECT, key, limit=len(VALUES) + 1)["truncated"] is False
    assert run(store, SELECT, key, limit=len(VALUES))["truncated"] is True


def test_a_result_past_the_byte_cap_is_read_again_row_by_row() -> None:
    """1 MiB is the smallest cap: 3,000 rows of 500 characters pass it at limit 2,000 (cap
    1 MiB), so the rows are read again in Python; the answer is the same document."""
    store = ox.Store()
    for i in range(3000):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(f"{i:05d}" + "x" * 500)))
    text = "SELECT ?s ?o { ?s ?p ?o } ORDER BY ?o"
    over = run(store, text, "json", limit=2000)
    assert over["truncated"] is True
    within = run(store, text, "json", limit=3000)  # cap 1.5 MB, the body is larger: Python writes it
    assert within["truncated"] is False and within["count"] == 3000
    assert len(within["body"]) > 3000 * 512
    assert json.loads(within["body"]) == json.loads(store.query(text).serialize(format=ox.QueryResultsFormat.JSON))


def test_nothing_acceptable_is_406(store: ox.Store) -> None:
    with pytest.raises(JobError) as caught:
        run_query(store, SELECT, default_graphs=[], named_graphs=[], formats={"solutions": None, "graph": "turtle"},
                  limit=10, base_iri=None, prefixes={})
    assert caught.value.status == 406
