"""Text is data in every writer of the server and the static site: round trips of arbitrary
Unicode (``tests.strategies.awkward_text``) through each writer, read back by an independent
parser — json and csv (stdlib), ElementTree (XML), RDFLib (RDF), pyoxigraph (TSV), html5lib
(HTML, as browsers parse it) — and through the live endpoint.

XML 1.0 cannot carry some characters (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F,
U+FFFE, U+FFFF): the XML writers refuse them (406 with a message suggesting JSON) and
carry everything else exactly, a carriage return included. HTML cannot carry NUL: pages
show U+FFFD for it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from kjgraph.namespaces import BASE
from kjgraph.server import pages, sparql
from kjgraph.store import StoreLocation
from tests.http_servers import AWKWARD, PERSON, Served, awkward_store, serving
from tests.strategies import awkward_text, xml_char

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
S = ox.NamedNode("http://example.org/s")
P = ox.NamedNode("http://example.org/p")
LANGS = st.sampled_from(["", "en", "ko", "ja-Latn", "de-CH"])
DATATYPES = st.sampled_from(["", "http://www.w3.org/2001/XMLSchema#string", "http://example.org/dt#x"])


def literal(text: str, lang: str, datatype: str) -> ox.Literal:
    if lang:
        return ox.Literal(text, language=lang)
    if datatype:
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return ox.Literal(text)


def representable(text: str) -> bool:
    return all(xml_char(c) for c in text)


# ---------------------------------------------------------------- SPARQL results writers

@settings(max_examples=300, deadline=None)
@given(awkward_text(), LANGS, DATATYPES)
def test_solution_writers_round_trip(text: str, lang: str, datatype: str) -> None:
    term = literal(text, lang, datatype)
    rows = [(term, S, None)]
    variables = ["v", "s", "unbound"]

    document = json.loads(sparql.write_solutions(variables, rows, "json"))
    binding = document["results"]["bindings"][0]
    assert binding["v"]["value"] == text and "unbound" not in binding
    assert binding["v"].get("xml:lang", "") == (term.language or "")  # pyoxigraph keeps tags in lower case

    if representable(text):
        root = ET.fromstring(sparql.write_solutions(variables, rows, "xml"))
        node = root.find(f".//{RESULTS}binding[@name='v']/{RESULTS}literal")
        assert node is not None and (node.text or "") == text
        assert node.get("{http://www.w3.org/XML/1998/namespace}lang", "") == (term.language or "")
    else:
        with pytest.raises(sparql.NotRepresentable, match="JSON"):
            sparql.write_solutions(variables, rows, "xml")

    table = list(csv.reader(io.StringIO(sparql.write_solutions(variables, rows, "csv").decode(), newline="")))
    assert table[0] == variables and table[1] == [text, S.value, ""]

    parsed = ox.parse_query_results(sparql.write_solutions(variables, rows, "tsv"),
                                    format=ox.QueryResultsFormat.TSV)
    solution = next(iter(parsed))
    assert solution["v"] == term and solution["s"] == S and solution["unbound"] is None


@settings(max_examples=200, deadline=None)
@given(awkward_text(), LANGS)
def test_rdf_writers_round_trip(text: str, lang: str) -> None:
    term = literal(text, lang, "")
    triples = [ox.Triple(S, P, term)]
    expected = Literal(text, lang=term.language or None)
    for key, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")):
        if key == "rdfxml" and not representable(text):
            with pytest.raises(sparql.NotRepresentable):
                sparql.write_triples(triples, key)
            continue
        body = sparql.write_triples(triples, key, {"ex": "http://example.org/"})
        graph = Graph().parse(data=body, format=rdflib_format)
        assert set(graph.objects(URIRef(S.value), URIRef(P.value))) == {expected}, key


# ---------------------------------------------------------------- HTML pages

def shown(text: str) -> str:
    """What an HTML parser gives back for ``text`` written by the pages (NUL cannot be carried)."""
    return text.replace("\x00", "\ufffd")


def page_of(labels: list[tuple[str, str]], literal_value: str, static: bool) -> str:
    r = {"iri": PERSON, "labels": labels, "types": [], "out_total": 1, "in_total": 0, "page": 1, "page_size": 100,
         "statements": [(BASE + "ontology#note", ("literal", literal_value, "", "http://www.w3.org/2001/XMLSchema#string"),
                         [])],
         "inverse": [], "sources": {}, "related_labels": {}, "jsonld": json.dumps({"@id": PERSON, "v": literal_value}),
         "is_graph": False}
    from kjgraph.server.app import _Formats

    formats = {"Turtle": "/a.ttl", "JSON-LD": "/a.jsonld"}
    return pages.render("resource.html", pages.Site("/", static=static), "en", r=r, labels_map={},
                        formats=_Formats(formats, {"turtle": "/a.ttl", "jsonld": "/a.jsonld"}), neighbourhood=None)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(awkward_text(), awkward_text(), st.booleans())
def test_resource_pages_show_text_exactly(label: str, value: str, static: bool) -> None:
    html = page_of([(label, "en")], value, static)
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert (doc.find(".//h1").text or "") == shown(label)
    title = doc.find(".//title").text or ""
    assert title == shown(label) + " · kjgraph"
    cells = doc.findall(".//table[@class='statements']//td/span")
    assert (cells[0].text or "") == shown(value)
    embedded = doc.find(".//script[@type='application/ld+json']").text
    assert json.loads(embedded)["v"] == value  # JSON-LD in a script element: exact, NUL included
    assert not doc.findall(".//script[@src]") and len(doc.findall(".//script")) == 1


@settings(max_examples=100, deadline=None)
@given(awkward_text())
def test_search_and_query_pages_show_text_exactly(text: str) -> None:
    html = pages.render("search.html", pages.Site("/"), "en", q=text, results=[
        {"iri": PERSON, "match": (text, "ko"), "labels": [(text, "en")], "types": []}], static=False)
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert doc.find(".//input[@name='q'][@aria-label='search text']").get("value") == shown(text)
    if text:  # (an empty search shows no results)
        assert (doc.find(".//*[@class='results']/li/a").text or "") == shown(text)
    html = pages.render("search.html", pages.Site("/", static=True), "en", q="", results=[], static=True,
                        index_json=json.dumps([["/doc/x.html", text, "en"]]), search_js=pages.Markup(""))
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert json.loads(doc.find(".//script[@id='index']").text) == [["/doc/x.html", text, "en"]]


# ---------------------------------------------------------------- through the endpoint

@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    location = awkward_store(tmp_path_factory.mktemp("writers-store"))
    copy = tmp_path_factory.mktemp("writers-copy") / "oxigraph"
    shutil.copytree(location.oxigraph_path(), copy)
    with serving(copy, env={"KJGRAPH_UPDATE_TOKEN": "t"}) as served:
        yield served


@pytest.mark.server
@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=awkward_text(), lang=LANGS)
def test_the_endpoint_returns_text_exactly_in_every_format(writable: Served, text: str, lang: str) -> None:
    subject = f"http://example.org/w/{abs(hash((text, lang)))}"
    term = literal(text, lang, "")
    insert = f"INSERT DATA {{ <{subject}> <http://example.org/p> {term} }}"
    assert requests.post(writable.base + "sparql", data=insert, timeout=30, headers={
        "Content-Type": "application/sparql-update", "Authorization": "Bearer t"}).status_code == 204
    select = f"SELECT ?v WHERE {{ <{subject}> <http://example.org/p> ?v }}"
    construct = f"CONSTRUCT WHERE {{ <{subject}> <http://example.org/p> ?v }}"

    def ask(query: str, accept: str) -> requests.Response:
        return requests.get(writable.base + "sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)

    assert ask(select, "application/sparql-results+json").json()["results"]["bindings"][0]["v"]["value"] == text
    xml = ask(select, "application/sparql-results+xml")
    if representable(text):
        node = ET.fromstring(xml.content).find(f".//{RESULTS}literal")
        assert xml.status_code == 200 and node is not None and (node.text or "") == text
    else:
        assert xml.status_code == 406 and "JSON" in xml.text
    rows = list(csv.reader(io.StringIO(ask(select, "text/csv").content.decode(), newline="")))
    assert rows == [["v"], [text]]
    tsv = ox.parse_query_results(ask(select, "text/tab-separated-values").content, format=ox.QueryResultsFormat.TSV)
    assert next(iter(tsv))["v"] == term
    for accept, rdflib_format in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                  ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        response = ask(construct, accept)
        if accept == "application/rdf+xml" and not representable(text):
            assert response.status_code == 406
            continue
        assert response.status_code == 200, (accept, response.text[:200])
        values = set(Graph().parse(data=response.content, format=rdflib_format).objects())
        assert values == {Literal(text, lang=term.language or None)}, accept


# ---------------------------------------------------------------- served pages and the static site

@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    return awkward_store(tmp_path_factory.mktemp("awkward-store"))


@pytest.mark.server
@pytest.mark.slow
def test_served_and_published_pages_show_awkward_literals_exactly(awkward: StoreLocation, tmp_path: Path) -> None:
    from kjgraph.publish import publish_site

    def literals(html: str) -> set[str]:
        doc = html5lib.parse(html, namespaceHTMLElements=False)
        return {span.text or "" for span in doc.findall(".//table[@class='statements']//td/span")}

    with serving(awkward.root, "--workers", "1") as served:
        served_page = requests.get(served.base + "doc/id/person/lee-jae-myung.html", timeout=30).text
    publish_site(awkward, tmp_path / "site")
    static_page = (tmp_path / "site" / "doc" / "id" / "person" / "lee-jae-myung.html").read_text(encoding="utf-8")
    for html in (served_page, static_page):
        assert set(AWKWARD.values()) <= literals(html)
    # the static site's RDF documents carry them exactly too
    person = tmp_path / "site" / "doc" / "id" / "person" / "lee-jae-myung"
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")):
        values = {str(o) for o in Graph().parse(person.with_suffix(suffix), format=fmt).objects()}
        assert set(AWKWARD.values()) <= values, suffix


def test_pyoxigraph_xml_results_writer_still_loses_carriage_returns() -> None:
    """Why kjgraph writes SPARQL XML itself: pyoxigraph 0.5 writes CR raw (read back as LF) and
    forbidden characters raw (not well-formed). If this fails, pyoxigraph was fixed: use it."""
    store = ox.Store()
    store.add(ox.Quad(S, P, ox.Literal("a\rb")))
    body = store.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.XML)
    node = ET.fromstring(body).find(f".//{RESULTS}literal")
    assert node is not None and node.text == "a\nb"  # pyoxigraph's: the CR is lost
    ours = sparql.write_solutions(["o"], [(ox.Literal("a\rb"),)], "xml")
    assert ET.fromstring(ours).find(f".//{RESULTS}literal").text == "a\rb"  # type: ignore[union-attr]
