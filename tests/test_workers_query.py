"""run_query, the worker's side of a SPARQL query (kjgraph.server.workers), on a real in-memory store."""

from __future__ import annotations

import json

import pyoxigraph as ox

from kjgraph.query import PREFIXES
from kjgraph.server.workers import run_query, used_prefixes

KJO = PREFIXES["kjo"]


def _store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/kjgraph/id/person/a"), ox.NamedNode(PREFIXES["rdf"] + "type"),
                      ox.NamedNode(KJO + "Person")))
    return store


def _rows(text: str) -> list[dict[str, dict[str, str]]]:
    answer = run_query(_store(), text, default_graphs=[], named_graphs=[], formats={"solutions": "json", "graph": None},
                       limit=10, base_iri="http://127.0.0.1:8000/sparql", prefixes=PREFIXES)
    rows: list[dict[str, dict[str, str]]] = json.loads(answer["body"])["results"]["bindings"]
    return rows


def test_the_server_prefixes_a_query_uses_are_given_and_its_own_win() -> None:
    assert len(_rows("SELECT ?s { ?s a kjo:Person }")) == 1  # kjo: is not declared by the query
    assert len(_rows("SELECT ?s { ?s rdf:type kjo:Person }")) == 1
    assert _rows("PREFIX kjo: <urn:other#> SELECT ?s { ?s a kjo:Person }") == []  # its own declaration wins


def test_only_the_prefixes_named_in_the_text_are_passed() -> None:
    assert used_prefixes("SELECT ?s { ?s a kjo:Person ; rdfs:label ?l }", PREFIXES) == \
        {"kjo": KJO, "rdfs": PREFIXES["rdfs"]}
    assert used_prefixes("ASK {}", PREFIXES) == {}
    assert used_prefixes("ASK { ?s kjo\\u003Aname ?o }", PREFIXES) == PREFIXES  # an escape could spell a colon
