"""Every query form in every `kjgraph query --format`, on every engine.

SELECT, ASK, CONSTRUCT and DESCRIBE × table, csv, tsv, json, xml, ttl, nt, jsonld, rdfxml ×
the embedded store, an Oxigraph server (``oxigraph serve``) and ``kjgraph serve`` (both through
``--endpoint``). A format that fits the form gives output that an independent parser (the csv and
json modules, rdflib's SPARQL results and RDF parsers) reads back as the embedded store's answer;
one that does not fit is a one-line error, never a traceback or another format.

The queries carry awkward text (CR LF, a tab, quotes, rich markup, Korean, an emoji) and an
unbound variable, so every writer is exercised on every engine.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from kjgraph.cli import main
from kjgraph.query import FITTING, FORMATS, KnowledgeGraph, shorten
from kjgraph.store import StoreLocation
from kjgraph.text import display_text
from tests.conftest import run_cli
from tests.servers import KjgraphServer, OxigraphServer, Server, missing, running

AWKWARD = 'see [/i] x\\r\\n\\t\\"q\\" 이재명 😀 '  # as written in SPARQL (escapes)
QUERIES = {
    "SELECT": f"""SELECT ?s ?label ?t ?u WHERE {{ ?s a kjo:Summit ; rdfs:label ?label . FILTER (LANG(?label) = "ko")
                   OPTIONAL {{ ?s kjo:noSuchProperty ?u }} BIND ("{AWKWARD}" AS ?t) }} ORDER BY ?s LIMIT 5""",
    "ASK": "ASK { place:nara a kjo:City }",
    "ASK-false": "ASK { place:nara a kjo:Summit }",
    "CONSTRUCT": f"""CONSTRUCT {{ place:nara ?p ?o . place:nara rdfs:comment "{AWKWARD}"@en }}
                      WHERE {{ place:nara ?p ?o }}""",
    "DESCRIBE": "DESCRIBE place:nara",
}
RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

pytestmark = [pytest.mark.server, pytest.mark.slow]


# ------------------------------------------------------------------ engines


@pytest.fixture(scope="module")
def oxigraph(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not OxigraphServer.available():
        missing("oxigraph", "pip install oxigraph")
    with running(OxigraphServer(tmp_path_factory.mktemp("oxigraph"), layout="default")) as server:
        server.graph().push(built_store, batch_size=5000)
        yield server


@pytest.fixture(scope="module")
def kjgraph_serve(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(KjgraphServer(tmp_path_factory.mktemp("kjserve"), store=built_store.root)) as server:
        yield server


def engine_args(engine: str, request: pytest.FixtureRequest, built_store: StoreLocation) -> list[str]:
    if engine == "embedded":
        return ["--store", str(built_store.root)]
    server: Server = request.getfixturevalue(engine)
    return ["--endpoint", server.query_url, "--retries", "0"]


# ------------------------------------------------------------------ independent readers


def term_key(term: Any) -> tuple[str, ...] | None:
    """A term from pyoxigraph or rdflib as comparable text: kind, value, language, datatype."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | URIRef):
        return ("iri", str(term.value if isinstance(term, ox.NamedNode) else term))
    if isinstance(term, ox.BlankNode | BNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", LANG_STRING if term.language else term.datatype.value)
    assert isinstance(term, Literal)
    language = term.language or ""
    datatype = str(term.datatype) if term.datatype else (LANG_STRING if language else XSD_STRING)
    return ("literal", str(term), language.lower(), datatype)


def to_rdflib(triples: list[ox.Triple]) -> Graph:
    graph = Graph()

    def convert(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        return Literal(t.value, lang=t.language) if t.language else Literal(t.value, datatype=URIRef(t.datatype.value))

    for t in triples:
        graph.add((convert(t.subject), convert(t.predicate), convert(t.object)))
    return graph


def table_rows(text: str) -> list[list[str]]:
    """The cells of the body rows of a table written by kjgraph (box drawing, one line per row)."""
    lines = text.splitlines()
    body = lines[lines.index(next(ln for ln in lines if ln.startswith("┡"))) + 1:]
    rows = []
    for line in body:
        if not line.startswith("│"):
            break
        rows.append([cell.strip() for cell in line.strip()[1:-1].split("│")])
    count = next(ln for ln in lines if ln.endswith("row(s)"))
    assert int(count.split()[0]) == len(rows)
    return rows


def check_output(form: str, fmt: str, out: str, expected: Any) -> None:
    """Read ``out`` back with an independent parser and compare it with ``expected``."""
    if form.startswith("ASK"):
        if fmt == "table":
            assert out.strip() == ("yes" if expected else "no")
        elif fmt == "json":
            assert json.loads(out) == {"head": {}, "boolean": expected}
        else:
            assert Result.parse(io.BytesIO(out.encode()), format=fmt).askAnswer is expected
        return
    if form == "SELECT":
        columns, rows = expected
        if fmt == "table":
            want = [[display_text(shorten(r[c])) for c in columns] for r in rows]
            assert Counter(map(tuple, table_rows(out))) == Counter(map(tuple, want))
        elif fmt == "csv":
            parsed = list(csv.reader(io.StringIO(out, newline="")))
            assert parsed[0] == columns
            want = [["" if r[c] is None else r[c].value for c in columns] for r in rows]
            assert Counter(map(tuple, parsed[1:])) == Counter(map(tuple, want))
        else:
            result = Result.parse(io.BytesIO(out.encode()), format=fmt)
            assert [str(v) for v in result.vars] == columns
            got = [tuple(term_key(b.get(v)) for v in result.vars) for b in result.bindings]
            want_keys = [tuple(term_key(r[c]) for c in columns) for r in rows]
            assert Counter(got) == Counter(want_keys)
        return
    triples = expected
    if fmt == "table":
        want = [[display_text(shorten(x)) for x in (t.subject, t.predicate, t.object)] for t in triples]
        assert Counter(map(tuple, table_rows(out))) == Counter(map(tuple, want))
    else:
        graph = Graph().parse(data=out, format=RDF_PARSERS[fmt])
        assert isomorphic(graph, to_rdflib(triples)), f"{fmt}: {len(graph)} vs {len(triples)} triples"


def expectation(kg: KnowledgeGraph, form: str) -> Any:
    result = kg.execute(QUERIES[form])
    if form.startswith("ASK"):
        assert isinstance(result, bool)
        return result
    if form == "SELECT":
        columns = [v.value for v in result.variables]
        return columns, [{c: s[c] for c in columns} for s in result]
    return list(result)


# ------------------------------------------------------------------ the matrix


@pytest.mark.parametrize("engine", ["embedded", "oxigraph", "kjgraph_serve"])
@pytest.mark.parametrize("form", list(QUERIES))
def test_every_form_in_every_format_on_every_engine(engine: str, form: str, kg: KnowledgeGraph,
                                                    built_store: StoreLocation,
                                                    request: pytest.FixtureRequest) -> None:
    expected = expectation(kg, form)
    if form == "SELECT":
        assert expected[1] and any(r["u"] is None for r in expected[1])  # rows, and an unbound value
    if form in ("CONSTRUCT", "DESCRIBE"):
        assert len(expected) > 5
    args = engine_args(engine, request, built_store)
    runner = CliRunner()
    fitting = FITTING[form.split("-")[0]]
    for fmt in FORMATS:
        result = runner.invoke(main, ["query", "-e", QUERIES[form], "--format", fmt, *args])
        where = f"{form} --format {fmt} on {engine}"
        assert "Traceback" not in result.output + result.stderr, where
        if fmt in fitting:
            assert result.exit_code == 0, f"{where}: {result.stderr}"
            check_output(form, fmt, result.stdout_bytes.decode(), expected)
        else:
            assert result.exit_code != 0 and result.stdout == "", where
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: format"), f"{where}: {result.stderr}"
    default = runner.invoke(main, ["query", "-e", QUERIES[form], *args])  # the form's default format
    assert default.exit_code == 0, default.stderr
    check_output(form, fitting[0], default.stdout_bytes.decode(), expected)


# ------------------------------------------------------------------ the examples of the issue


def test_ask_runs_in_every_format_that_fits(built_store: StoreLocation) -> None:
    """Regression: `kjgraph query -e 'ASK { ?s ?p ?o }'` failed with "'pyoxigraph.QueryBoolean'
    object is not iterable" in every format."""
    for fmt in ("table", "json", "xml"):
        result = run_cli("query", "-e", "ASK { ?s ?p ?o }", "--format", fmt, "--store", str(built_store.root))
        assert result.returncode == 0, result.stderr
        assert "yes" in result.stdout or "true" in result.stdout
    result = run_cli("query", "-e", "ASK { ?s ?p ?o }", "--format", "csv", "--store", str(built_store.root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: format 'csv' does not fit an ASK result")


def test_construct_is_never_silently_turtle_for_json(built_store: StoreLocation) -> None:
    """Regression: `--format json` on a CONSTRUCT printed Turtle without a word."""
    result = run_cli("query", "-e", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "--format", "json",
                     "--store", str(built_store.root))
    assert result.returncode == 1 and result.stdout == ""
    assert "jsonld" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_results_formats_through_an_endpoint(kjgraph_serve: Server, built_store: StoreLocation) -> None:
    """Regression: csv, tsv and xml failed with --endpoint; a library query gives the same text there."""
    for fmt in ("csv", "tsv", "xml", "json"):
        args = ("query", "leaders", "--param", "country=country/kr", "--format", fmt)
        local = run_cli(*args, "--store", str(built_store.root), check=True).stdout
        remote = run_cli(*args, "--endpoint", kjgraph_serve.query_url, check=True).stdout
        assert sorted(local.splitlines()) == sorted(remote.splitlines()), fmt


def test_dataframes_are_the_same_on_every_engine(oxigraph: Server, kjgraph_serve: Server, kg: KnowledgeGraph) -> None:
    """Typed values do not depend on the engine (Virtuoso's booleans: tests/test_remote_query.py)."""
    here = kg.run("leaders").to_dataframe()
    for server in (oxigraph, kjgraph_serve):
        there = server.graph().run("leaders").to_dataframe()
        assert dict(there.dtypes) == dict(here.dtypes)
        key = ["leader", "start"]
        assert there.sort_values(key).reset_index(drop=True).equals(here.sort_values(key).reset_index(drop=True))
