"""Text is data, never markup, in every writer of the CLI and the library (issue 14, kind 3).

Each writer gets a hypothesis round trip over ``awkward_text()`` (control characters, CR/LF,
quotes, rich markup, backslashes, bidirectional marks, emoji …), read back by an independent
parser: the csv and json modules, rdflib's SPARQL results and RDF parsers, xml.etree for
GraphML/GEXF/SVG, html5lib for HTML. Where a format cannot carry a character (XML 1.0 and
U+0001), the writer must raise a clear error that suggests another format, never write
malformed output. The server's writers are tested in the server's own tests.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from kjgraph.analytics import write_graph
from kjgraph.export import FORMATS as EXPORT_FORMATS
from kjgraph.export import export_store
from kjgraph.i18n import ngettext
from kjgraph.query import KnowledgeGraph, Table, render_table, write_result
from kjgraph.render import Node, RenderOptions, ViewGraph, neighbourhood_view, page_data, render_html
from kjgraph.text import UnwritableText, display_text, parse_display, xml_char
from tests.strategies import awkward_text, xml_text

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])
texts = st.lists(awkward_text(), min_size=1, max_size=5)
S, P = ox.NamedNode("https://w3id.org/kjgraph/id/place/x"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def table_of(values: list[str]) -> Table:
    return Table(["x"], [{"x": ox.Literal(v)} for v in values])


def xml_ok(text: str) -> bool:
    return all(xml_char(c) for c in text)


# ------------------------------------------------------------------ display text and tables


@FAST
@given(awkward_text(40))
def test_display_text_is_one_visible_line_and_reversible(text: str) -> None:
    shown = display_text(text)
    assert parse_display(shown) == text
    assert shown == shown.strip() and len(shown.splitlines()) <= 1
    assert all(c.isprintable() or c == " " for c in shown)


@FAST
@given(texts)
def test_cli_table_shows_every_value_as_text(values: list[str]) -> None:
    """Regression: the value `see [/i] x` crashed the table with a MarkupError."""
    out = render_table(["x"], [[v] for v in values])
    lines = out.splitlines()
    body = lines[lines.index(next(ln for ln in lines if ln.startswith("┡"))) + 1:]
    rows = [ln[2:-1].rstrip() for ln in body[:len(values)]]
    assert [parse_display(r) for r in rows] == values
    assert body[len(values)].startswith("└") and lines[-1] == f"{len(values)} row(s)"


cell_text = awkward_text(30).filter(lambda t: "│" not in t and "┃" not in t)


@pytest.mark.slow
@FAST
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(cell_text, min_size=n, max_size=n),
                                                     st.lists(st.lists(cell_text, min_size=n, max_size=n),
                                                              max_size=3))))
def test_cli_table_is_never_cut_or_wrapped(table: tuple[list[str], list[list[str]]]) -> None:
    """Regression: wide tables (kjgraph stats' coverage per decade) had their cells cut."""
    columns, rows = table
    lines = render_table(columns, rows).splitlines()
    header = next(ln for ln in lines if ln.startswith("┃"))
    assert [parse_display(c.strip()) for c in header.strip()[1:-1].split("┃")] == columns
    body = lines[lines.index(next(ln for ln in lines if ln.startswith("┡"))) + 1:][:len(rows)]
    assert [[parse_display(c.strip()) for c in ln.strip()[1:-1].split("│")] for ln in body] == rows


def test_rich_markup_is_not_read() -> None:
    out = render_table(["a [b]"], [["see [/i] x"], ["[bold red]x[/]"]])
    assert "see [/i] x" in out and "[bold red]x[/]" in out and "a [b]" in out


# ------------------------------------------------------------------ SPARQL results formats


@FAST
@given(texts)
def test_csv_round_trip(values: list[str]) -> None:
    parsed = list(csv.reader(io.StringIO(write_result(table_of(values), "csv"), newline="")))
    assert parsed == [["x"], *([v] for v in values)]


def read_tsv(text: str) -> tuple[list[str], list[list[object]]]:
    """SPARQL 1.1 TSV read by the rules of the spec: records end with LF, fields are separated by
    TAB, each term in Turtle/N-Triples syntax (read by rdflib's N-Triples parser, which, unlike
    rdflib's TSV parser, knows \\u escapes)."""
    lines = text.split("\n")
    assert lines[-1] == ""
    header = [v.removeprefix("?") for v in lines[0].split("\t")]
    rows = []
    for line in lines[1:-1]:
        row: list[object] = []
        for field in line.split("\t"):
            if not field:
                row.append(None)
                continue
            graph = Graph().parse(data=f"<urn:s> <urn:p> {field} .\n", format="nt")
            row.append(next(iter(graph.objects())))
        rows.append(row)
    return header, rows


@pytest.mark.slow
@FAST
@given(texts)
def test_tsv_round_trip(values: list[str]) -> None:
    header, rows = read_tsv(write_result(table_of(values), "tsv"))
    assert header == ["x"] and [str(r[0]) for r in rows] == values
    assert len(write_result(table_of(values), "tsv").splitlines()) == len(values) + 1  # no line break inside


@FAST
@given(texts)
def test_json_round_trip(values: list[str]) -> None:
    document = json.loads(write_result(table_of(values), "json"))
    assert [b["x"]["value"] for b in document["results"]["bindings"]] == values


@FAST
@given(texts)
def test_sparql_xml_round_trip_or_a_clear_error(values: list[str]) -> None:
    """A CR survives (written as &#13;), and so do spaces at the ends; a character XML 1.0 forbids
    is a clear error that suggests JSON, never a malformed document."""
    if not all(map(xml_ok, values)):
        with pytest.raises(UnwritableText, match=r"XML 1\.0 cannot carry.*json"):
            write_result(table_of(values), "xml")
        return
    text = write_result(table_of(values), "xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(text.encode())
    assert [el.text or "" for el in root.iter(f"{ns}literal")] == values
    result = Result.parse(io.BytesIO(text.encode()), format="xml")  # a second, independent reader
    assert [str(b[result.vars[0]]) for b in result.bindings] == values


@FAST
@given(st.lists(xml_text(), min_size=1, max_size=5))
def test_sparql_xml_round_trip_of_text_xml_can_carry(values: list[str]) -> None:
    root = ET.fromstring(write_result(table_of(values), "xml").encode())
    assert [el.text or "" for el in root.iter("{http://www.w3.org/2005/sparql-results#}literal")] == values


def test_a_carriage_return_is_a_character_reference_in_xml() -> None:
    text = write_result(table_of([" a\rb "]), "xml")
    assert "&#13;" in text and "\r" not in text
    assert ET.fromstring(text.encode()).find(".//{http://www.w3.org/2005/sparql-results#}literal").text == " a\rb "


# ------------------------------------------------------------------ RDF: query results and export

RDF = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@FAST
@given(awkward_text(), st.sampled_from(["", "ko", "ja-Latn"]), st.sampled_from(list(RDF)))
def test_construct_output_round_trip(text: str, lang: str, fmt: str) -> None:
    literal = ox.Literal(text, language=lang) if lang else ox.Literal(text)
    triples = [ox.Triple(S, P, literal)]
    if fmt == "rdfxml" and not xml_ok(text):
        with pytest.raises(UnwritableText, match=r"XML 1\.0 cannot carry"):
            write_result(triples, fmt)  # type: ignore[arg-type]
        return
    graph = Graph().parse(data=write_result(triples, fmt), format=RDF[fmt])  # type: ignore[arg-type]
    assert set(graph) == {(URIRef(S.value), URIRef(P.value), Literal(text, lang=lang or None))}


@SLOW
@given(awkward_text(), st.sampled_from(sorted(EXPORT_FORMATS)))
def test_export_round_trip(tmp_path: Path, text: str, fmt: str) -> None:
    store = ox.Store()
    graph = ox.NamedNode("https://w3id.org/kjgraph/graph/source/x")
    for g in (graph, ox.DefaultGraph()):  # as a build writes it: each source graph, and the union
        store.add(ox.Quad(S, P, ox.Literal(text, language="ko"), g))
    out = tmp_path / f"export.{fmt}"
    export_store(store, out, EXPORT_FORMATS[fmt])
    from rdflib import Dataset

    parsed = Dataset().parse(out, format={"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig",
                                          "jsonld": "json-ld"}[fmt])
    assert {str(o) for _, _, o, _ in parsed.quads((None, None, None, None))} == {text}


# ------------------------------------------------------------------ analytics


@FAST
@given(texts)
def test_analytics_csv_round_trip(values: list[str]) -> None:
    from kjgraph.commands.analyze import _emit

    with __import__("tempfile").TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        _emit([{"label": v} for v in values], path)
        with path.open(newline="", encoding="utf-8") as fh:
            assert [r["label"] for r in csv.DictReader(fh)] == values


@SLOW
@given(texts, st.sampled_from([".graphml", ".gexf"]))
def test_graphml_and_gexf_round_trip_or_a_clear_error(tmp_path: Path, values: list[str], suffix: str) -> None:
    g = nx.Graph()
    for i, v in enumerate(values):
        g.add_node(f"https://w3id.org/kjgraph/id/place/n{i}", label=v, kind="Place")
    path = tmp_path / f"g{suffix}"
    if not all(map(xml_ok, values)):
        with pytest.raises(UnwritableText, match=r"XML 1\.0 cannot carry"):
            write_graph(g, path)
        return
    write_graph(g, path)
    root = ET.parse(path).getroot()
    if suffix == ".gexf":
        labels = [n.get("label") for n in root.iter() if n.tag.endswith("}node")]
    else:
        key = next(k.get("id") for k in root.iter() if k.tag.endswith("}key") and k.get("attr.name") == "label")
        labels = [d.text or "" for d in root.iter() if d.tag.endswith("}data") and d.get("key") == key]
    assert labels == values


# ------------------------------------------------------------------ renderings


def _view(labels: list[str]) -> ViewGraph:
    nodes = {f"https://w3id.org/kjgraph/id/place/n{i}":
             Node(f"https://w3id.org/kjgraph/id/place/n{i}", "place", "City", {"en": f"n{i}", "ko": v})
             for i, v in enumerate(labels)}
    return ViewGraph("kjgraph: test", nodes, [])


@pytest.mark.slow
@SLOW
@given(texts)
def test_rendering_html_and_json_round_trip(values: list[str]) -> None:
    view = neighbourhood_view(_view(values), "https://w3id.org/kjgraph/id/place/n0", 1, "ko")
    options = RenderOptions(lang="ko")
    data = page_data(view, options)
    assert json.loads(json.dumps(data)) == data
    document = html5lib.parse(render_html(view, options), namespaceHTMLElements=False)
    blob = next(s for s in document.iter("script") if s.get("id") == "kjgraph-data")
    parsed = json.loads(blob.text)
    assert [n["labels"]["ko"] for n in parsed["nodes"]] == [values[0]]
    assert [n["names"]["ko"] for n in parsed["nodes"]] == [values[0]]
    title = ngettext("{name} and its neighbourhood ({hops} hop)", "{name} and its neighbourhood ({hops} hops)", 1, "ko")
    assert document.find(".//title").text == "kjgraph: " + title.format(name=display_text(values[0]), hops=1)


# ------------------------------------------------------------------ plots


@pytest.fixture(scope="module")
def writable_kg() -> KnowledgeGraph:
    return KnowledgeGraph.in_memory()


def _relabel(kg: KnowledgeGraph, iri: str, text: str) -> None:
    literal = str(ox.Literal(text, language="ko"))
    kg.store.update(f"DELETE {{ <{iri}> rdfs:label ?l }} WHERE {{ <{iri}> rdfs:label ?l FILTER (LANG(?l) = 'ko') }} ;"
                    f"INSERT DATA {{ <{iri}> rdfs:label {literal} }}",
                    prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})


def _svg_texts(fig: object) -> list[str]:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    root = ET.fromstring(buffer.getvalue())  # well-formed, whatever the labels hold
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.slow
@SLOW
@given(awkward_text(20))
def test_plot_labels_are_text_not_mathtext(writable_kg: KnowledgeGraph, text: str) -> None:
    """Matplotlib reads `$…$` as mathtext; labels from the graph are drawn as written (hidden
    characters escaped), in the SVG as text."""
    from kjgraph.plots import timeline_figure, topics_figure

    person = "https://w3id.org/kjgraph/id/person/lee-jae-myung"
    topic = writable_kg.run("topics-by-year").rows[0]["topic"].value  # type: ignore[union-attr]
    _relabel(writable_kg, person, text + "$x^2$")
    _relabel(writable_kg, topic, text + "$y$")
    shown = _svg_texts(timeline_figure(writable_kg, "ko", 2020, 2026))
    assert display_text(text + "$x^2$") in shown
    shown = _svg_texts(topics_figure(writable_kg, "ko", top=200))
    assert any(s.startswith(display_text(text + "$y$") + " (") for s in shown)
