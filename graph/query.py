"""Run SPARQL on the embedded store and write the results.

The default graph holds the union of all source graphs (each fact once);
``GRAPH ?g`` reaches each source's statements.

>>> kg = KnowledgeGraph.in_memory()
>>> rows = kg.rows("SELECT ?date WHERE { ?e a kjo:Summit ; kjo:place place:nara ; "
...                "schema:startDate ?date }")
>>> [str(r["date"].value) for r in rows]
['2026-01-13']

Every query form has its formats (:data:`FITTING`): SELECT results are written as a table for
people or in the W3C SPARQL 1.1 results formats (CSV, TSV, JSON, XML); an ASK result as a
table (yes/no), JSON or XML (the CSV and TSV results formats carry no booleans); the graph of
a CONSTRUCT or DESCRIBE as a table of triples or in an RDF format (Turtle, N-Triples, JSON-LD,
RDF/XML). :func:`write_result` refuses a format that does not fit with a
:class:`~kjgraph.errors.QueryError` naming the ones that do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pyoxigraph as ox

from kjgraph.errors import QueryError
from kjgraph.iris import BASE
from kjgraph.library import LibraryQuery, bind_values, get_query
from kjgraph.sparql_text import EVERY_HOST, check_query
from kjgraph.store import StoreLocation
from kjgraph.text import display_text, xml_document

if TYPE_CHECKING:
    import pandas as pd

ResultFormat = Literal["table", "csv", "tsv", "json", "xml"]
GraphFormat = Literal["ttl", "nt", "jsonld", "rdfxml"]
Format = Literal["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld", "rdfxml"]
#: Every output format of ``kjgraph query``, results formats first.
FORMATS: tuple[Format, ...] = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld", "rdfxml")
Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
#: The formats that fit each query form (the first is the default).
FITTING: dict[str, tuple[Format, ...]] = {
    "SELECT": ("table", "csv", "tsv", "json", "xml"),
    "ASK": ("table", "json", "xml"),
    "CONSTRUCT": ("ttl", "nt", "jsonld", "rdfxml", "table"),
    "DESCRIBE": ("ttl", "nt", "jsonld", "rdfxml", "table"),
}
_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
_RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML}

PREFIXES = {
    "kjo": f"{BASE}ontology#",
    "kjg": f"{BASE}id/",
    "schema": "https://schema.org/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "oa": "http://www.w3.org/ns/oa#",
}
#: One prefix per kind of instance, e.g. ``person:lee-jae-myung`` (SPARQL local names cannot hold '/').
KINDS = ("agreement", "country", "event", "office", "organization", "participation", "person",
         "phase", "place", "series", "source", "tenure", "topic", "membership", "publisher")
PREFIXES.update({kind: f"{BASE}id/{kind}/" for kind in KINDS})
ID = PREFIXES["kjg"]
XSD = PREFIXES["xsd"]
_PREFIX_OF = {ns: p for p, ns in PREFIXES.items() if p != "kjg"}


def curie(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A short name for display, ``prefix:local`` by the longest namespace of ``prefixes`` that
    ``iri`` starts with (the IRI itself if none): ``person:lee-jae-myung``, ``kjo:place``.

    >>> curie("https://w3id.org/kjgraph/id/person/lee-jae-myung"), curie("https://example.org/x")
    ('person:lee-jae-myung', 'https://example.org/x')
    """
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default="")
    if not best:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Graph(Protocol):
    """What the library code needs of a graph, and what both graphs offer: the embedded store
    (:class:`KnowledgeGraph`) and a remote SPARQL server (:class:`kjgraph.remote.RemoteGraph`).

    Functions that read the graph (renderings, analytics, plots, labels) take a ``Graph``, so
    each of them works on either.
    """

    def execute(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Any: ...

    def rows(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> list[dict[str, Term | None]]: ...

    def table(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Table: ...

    def run(self, name: str, **params: str) -> Table: ...

    def labels(self, iris: Iterable[str], lang: str = "en") -> dict[str, str]: ...


# ---------------------------------------------------------------- query text

_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*', re.DOTALL)
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_PNAME = re.compile(r"(?<![\w?$@.:-])([A-Za-z](?:[\w.-]*[\w-])?)?:(?=[\w%\\(]|\s|$)")


def used_prefixes(sparql: str) -> set[str]:
    """Prefixes a query uses in prefixed names but does not declare (strings, IRIs and
    comments are ignored).

    >>> sorted(used_prefixes('SELECT * WHERE { ?s a kjo:Summit ; rdfs:label "x:y" } # owl:Thing'))
    ['kjo', 'rdfs']
    """
    blank = _LEXICAL.sub(lambda m: " " * len(m.group(0)), sparql)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(blank)}
    blank = _DECLARED.sub(" ", blank)
    return {m.group(1) or "" for m in _PNAME.finditer(blank)} - declared


def unknown_prefix_error(prefixes: Iterable[str]) -> QueryError:
    """The error for prefixes neither the query nor kjgraph declares."""
    names = sorted(prefixes)
    listed = ", ".join(f"{p}:" for p in names)
    return QueryError(f"unknown prefix {listed} in the query: declare it (PREFIX {names[0]}: <IRI>) or use "
                      f"one kjgraph knows: {', '.join(sorted(PREFIXES))}")


def check_prefixes(sparql: str) -> None:
    """Raise :class:`QueryError` naming the prefixes a query uses that nobody declares."""
    unknown = used_prefixes(sparql) - set(PREFIXES)
    if unknown:
        raise unknown_prefix_error(unknown)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE: the first keyword after the prologue.

    >>> query_form('PREFIX a: <urn:a#> # SELECT\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }')
    'CONSTRUCT'
    >>> query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    'UPDATE'
    """
    blank = _LEXICAL.sub(" ", sparql)
    blank = re.sub(r"(?i)\b(PREFIX\s+[\w.-]*:|BASE)\s*", " ", blank)
    match = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|"
                      r"ADD|MOVE|COPY|WITH)\b", blank)
    if not match:
        raise QueryError("the text is neither a SPARQL query nor an update (it starts with none of "
                         "SELECT, ASK, CONSTRUCT, DESCRIBE)")
    form = match.group(1).upper()
    return form if form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "UPDATE"


def syntax_error(sparql: str, message: str) -> QueryError:
    """A one-line :class:`QueryError` for a syntax error reported by pyoxigraph.

    An unknown prefix is named with the prefixes kjgraph knows; otherwise the message gives the
    line and column and the text there (pyoxigraph's list of expected Unicode ranges is dropped).
    """
    if "Prefix not found" in message:
        unknown = used_prefixes(sparql) - set(PREFIXES)
        if unknown:
            return unknown_prefix_error(unknown)
    where = re.match(r"error at (\d+):(\d+): ?(.*)", message, re.DOTALL)
    if not where:
        return QueryError(f"SPARQL syntax error: {' '.join(message.split())[:300]}")
    line, column, detail = int(where.group(1)), int(where.group(2)), " ".join(where.group(3).split())
    lines = sparql.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    near = display_text(text[max(0, column - 1):column + 29])
    if len(detail) > 100:
        detail = ""
    place = f"near '{near}'" if near.strip() else "at the end of the line"
    return QueryError(f"SPARQL syntax error at line {line}, column {column}, {place}"
                      + (f": {detail}" if detail else ""))


# ---------------------------------------------------------------- values


@dataclass
class Table:
    """A SELECT result held in memory: column names and rows of RDF terms (or None)."""

    columns: list[str]
    rows: list[dict[str, Term | None]]

    def to_dataframe(self) -> pd.DataFrame:
        """A pandas DataFrame of typed values, one column per variable (needs pandas).

        RDF datatypes map to pandas dtypes (:func:`column_values` applies the rules):

        ====================================================  ==========================================
        RDF term                                              pandas column
        ====================================================  ==========================================
        ``xsd:integer`` and types derived from it (``int``,   ``Int64`` (nullable integer)
        ``long``, ``nonNegativeInteger`` …)
        ``xsd:decimal``, ``xsd:double``, ``xsd:float``          ``float64`` (integers mixed in: ``float64``;
                                                              the exact decimal is in :attr:`rows`)
        ``xsd:boolean``                                        ``boolean`` (nullable)
        ``xsd:date``                                           ``datetime64[s]`` (midnight; a time zone is
                                                              dropped)
        ``xsd:dateTime``                                       ``datetime64[us]`` (UTC-aware if zoned)
        ``xsd:gYearMonth``                                     ``period[M]``: a month stays a month
        ``xsd:gYear``                                          ``period[Y]``: a year stays a year
        plain, ``xsd:string`` and language-tagged strings       ``str`` (the tag is in :attr:`rows`)
        IRIs                                                   ``object`` of :class:`IRI` (a ``str``)
        blank nodes                                            ``object`` of :class:`BlankNodeId` (a ``str``)
        other datatypes, ill-typed literals                    the lexical form as ``str``
        ====================================================  ==========================================

        Unbound values are missing (``<NA>``, ``NaN``, ``NaT``). A column that mixes kinds
        (dates known to the day and to the month, numbers and strings) is ``object`` and holds
        Python values: ``int``, ``float``, ``bool``, :class:`datetime.date`,
        :class:`datetime.datetime`, :class:`pandas.Period`, ``str``, :class:`IRI`, :class:`BlankNodeId`.

        >>> kg = KnowledgeGraph.in_memory()
        >>> frame = kg.run("meetings-per-decade").to_dataframe()
        >>> str(frame["meetings"].dtype)
        'Int64'
        """
        import pandas as pd

        return pd.DataFrame({c: column_values([r.get(c) for r in self.rows]) for c in self.columns},
                            columns=self.columns, index=pd.RangeIndex(len(self.rows)))

    def solutions(self) -> ox.QuerySolutions:
        """The rows as pyoxigraph solutions (to write them with the SPARQL results writers)."""
        return solutions(self.columns, self.rows)


class IRI(str):
    """An IRI in a DataFrame: a ``str`` (equal to its text, so ``frame[frame.leader == "https://…"]``
    works) that says what it is.

    >>> IRI("https://w3id.org/kjgraph/id/place/nara")
    IRI('https://w3id.org/kjgraph/id/place/nara')
    >>> IRI("urn:a") == "urn:a"
    True
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BlankNodeId(str):
    """A blank node in a DataFrame: its label in this result (labels are local to one result)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BlankNodeId({str.__repr__(self)})"


_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}
_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
_DATE = re.compile(rf"^(\d{{4}})-(\d{{2}})-(\d{{2}}){_TZ}$")
_YEAR_MONTH = re.compile(rf"^(\d{{4}})-(\d{{2}}){_TZ}$")
_YEAR = re.compile(rf"^(\d{{4}}){_TZ}$")

#: The kind of value of a term (``None`` for unbound), which decides the column's dtype.
ValueKind = Literal["int", "float", "bool", "date", "datetime", "month", "year", "str", "iri", "bnode"]


def typed_value(term: Term | None) -> tuple[ValueKind | None, Any]:
    """The kind and Python value of an RDF term (see :meth:`Table.to_dataframe`).

    >>> typed_value(ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")))
    ('int', 42)
    >>> typed_value(ox.Literal("1965-06", datatype=ox.NamedNode(XSD + "gYearMonth")))
    ('month', Period('1965-06', 'M'))
    >>> typed_value(ox.Literal("이재명", language="ko"))
    ('str', '이재명')
    """
    if term is None:
        return None, None
    if isinstance(term, ox.NamedNode):
        return "iri", IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return "bnode", BlankNodeId(term.value)
    text, datatype = term.value, term.datatype.value
    if term.language:
        return "str", text
    try:
        if datatype in _INTEGER_TYPES:
            return "int", int(text)
        if datatype in _FLOAT_TYPES:
            return "float", float(text)
        if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
            return "bool", text in ("true", "1")
        if datatype == XSD + "date" and (m := _DATE.match(text)):
            return "date", dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if datatype == XSD + "dateTime":
            return "datetime", dt.datetime.fromisoformat(text)
        if datatype == XSD + "gYearMonth" and (m := _YEAR_MONTH.match(text)):
            import pandas as pd

            return "month", pd.Period(year=int(m.group(1)), month=int(m.group(2)), freq="M")
        if datatype == XSD + "gYear" and (m := _YEAR.match(text)):
            import pandas as pd

            return "year", pd.Period(year=int(m.group(1)), freq="Y")
    except ValueError:
        pass  # an ill-typed literal: its lexical form
    return "str", text


def column_values(terms: Sequence[Term | None]) -> pd.Series:
    """A pandas Series of the values of ``terms``, typed by the rules of :meth:`Table.to_dataframe`."""
    import pandas as pd

    typed = [typed_value(t) for t in terms]
    kinds = {k for k, _ in typed if k is not None}
    values = [v for _, v in typed]
    if kinds == {"int"}:
        return pd.Series(pd.array(values, dtype="Int64"))
    if kinds and kinds <= {"int", "float"}:
        return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")
    if kinds == {"bool"}:
        return pd.Series(pd.array(values, dtype="boolean"))
    if kinds == {"date"}:
        return pd.Series(values, dtype="datetime64[s]")
    if kinds == {"datetime"}:
        zoned = {v.tzinfo is not None for v in values if v is not None}
        if zoned == {True}:
            return pd.Series(pd.to_datetime(values, utc=True))
        if zoned == {False}:
            return pd.Series(values, dtype="datetime64[us]")
    if kinds == {"month"}:
        return pd.Series(pd.array(values, dtype="period[M]"))
    if kinds == {"year"}:
        return pd.Series(pd.array(values, dtype=pd.PeriodDtype("Y")))
    if kinds == {"str"}:
        return pd.Series(values)  # pandas' default string dtype
    return pd.Series(values, dtype=object)


def plain(term: Term | None) -> Any:
    """The text of a term: an IRI, or a literal's lexical form (``None`` stays ``None``)."""
    if term is None:
        return None
    return term.value


def shorten(term: Term | None) -> str:
    """A term for a table: an IRI as ``prefix:local`` where kjgraph knows a prefix, a literal's
    text with its language tag (``이재명@ko``), a blank node as ``_:id``."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = max((ns for p, ns in PREFIXES.items() if p != "kjg" and term.value.startswith(ns)),
                   key=len, default=None)
        if best is not None and re.fullmatch(r"[\w.-]*", term.value[len(best):]):
            return f"{_PREFIX_OF[best]}:{term.value[len(best):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def _term_json(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def solutions(variables: list[str], rows: list[dict[str, Term | None]]) -> ox.QuerySolutions:
    """Real pyoxigraph solutions for rows (so that code written for the embedded store works).

    >>> [s["x"] for s in solutions(["x"], [{"x": ox.NamedNode("urn:a")}, {"x": None}])]
    [<NamedNode value=urn:a>, None]
    """
    document = {"head": {"vars": variables}, "results": {"bindings": [
        {k: _term_json(v) for k, v in row.items() if v is not None} for row in rows]}}
    result = ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(result, ox.QuerySolutions)
    return result


# ---------------------------------------------------------------- the embedded graph


class KnowledgeGraph:
    """The graph as a SPARQL engine: an on-disk store opened read-only, or an in-memory one."""

    def __init__(self, store: ox.Store):
        self.store = store

    @classmethod
    def open(cls, location: StoreLocation | str | Path | None = None) -> KnowledgeGraph:
        loc = location if isinstance(location, StoreLocation) else StoreLocation(location)
        return cls(loc.open())

    @classmethod
    def in_memory(cls, data: Path | None = None) -> KnowledgeGraph:
        """Build the shipped (or given) data into a fresh in-memory store, without dumps."""
        from kjgraph.build import dataset_nquads

        store = ox.Store()
        store.bulk_load(dataset_nquads(data), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def execute(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Any:
        """Run a query: SELECT gives ``pyoxigraph.QuerySolutions``, ASK a ``bool``,
        CONSTRUCT and DESCRIBE an iterator of ``pyoxigraph.Triple``.

        ``bindings`` are bound with a VALUES block (:func:`kjgraph.library.bind_values`).
        Raises :class:`QueryError` with a one-line message for a syntax error (an unknown
        prefix is named) or a failed evaluation.
        """
        if bindings:
            sparql = bind_values(sparql, bindings)  # type: ignore[arg-type]
        check_query(sparql, allow_service=EVERY_HOST)  # nesting that would crash the engine: QueryError
        try:
            result = self.store.query(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise syntax_error(sparql, str(exc)) from None
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return result

    def rows(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> list[dict[str, Term | None]]:
        return self.table(sparql, bindings=bindings).rows

    def table(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Table:
        result = self.execute(sparql, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        columns = [v.value for v in result.variables]
        return Table(columns, [{c: s[c] for c in columns} for s in result])

    def run(self, name: str, **params: str) -> Table:
        """Run a library query by name with string parameters, e.g. ``run('leaders', country='country/kr')``.

        An IRI parameter that names nothing in the graph raises :class:`QueryError` with a
        suggestion (``country=jp``: did you mean ``country/jp``?).
        """
        return run_library(self, name, params)

    def labels(self, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
        """The label of each IRI for a reader of ``lang`` (:func:`kjgraph.labels.lookup`)."""
        from kjgraph.labels import graph_labels

        return graph_labels(self, iris, lang)


# ---------------------------------------------------------------- the query library


def run_library(kg: Graph, name: str, params: dict[str, str], *, stepwise: bool = False) -> Table:
    """Run the library query ``name`` on any graph, its parameters checked against the graph.

    ``stepwise`` computes the queries that have a Python implementation (:data:`STEPWISE`) with
    simple queries instead of their single SPARQL text (remote servers: the same rows on every
    engine).
    """
    query = get_query(name)
    bindings = query.bindings(params)
    check_iri_parameters(kg, query, params, bindings)
    if stepwise and name in STEPWISE:
        return STEPWISE[name](kg, bindings)
    if name in STEPWISE_CHECKS:
        STEPWISE_CHECKS[name](bindings)
    return kg.table(query.bound_text(params))


def check_iri_parameters(kg: Graph, query: LibraryQuery, params: dict[str, str],
                         bindings: dict[str, ox.NamedNode | ox.Literal]) -> None:
    """Raise :class:`QueryError` for an IRI parameter given by the caller that names nothing in the
    graph, suggesting ids that exist (``jp`` → ``country/jp``; ``Seoul`` → ``place/seoul``)."""
    for param in query.parameters:
        term = bindings.get(param.name)
        if param.type != "iri" or param.name not in params or not isinstance(term, ox.NamedNode):
            continue
        if kg.execute(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}"):
            continue
        given = params[param.name]
        hint = suggest_ids(kg, given)
        advice = (f"did you mean {' or '.join(hint)}?" if hint else
                  "`kjgraph query find --param text=NAME` finds ids by name")
        raise QueryError(f"parameter {param.name!r}: nothing in the graph has the id {given!r} "
                         f"({term.value}); {advice}")


def short_id(iri: str) -> str:
    """``https://w3id.org/kjgraph/id/country/jp`` → ``country/jp`` (others unchanged)."""
    return iri[len(ID):] if iri.startswith(ID) else iri


def suggest_ids(kg: Graph, text: str, limit: int = 5) -> list[str]:
    """Ids that ``text`` may have meant: its last segment as a slug of each kind, or an exact
    (case-insensitive) label."""
    slug = re.split(r"[/:#]", text.strip())[-1].strip().lower()
    found: list[str] = []
    if slug and re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        candidates = " ".join(f"<{ID}{kind}/{slug}>" for kind in KINDS)
        rows = kg.rows(f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {candidates} }} ?x ?p ?o }}")
        found += sorted(short_id(r["x"].value) for r in rows if r["x"] is not None)
    if text.strip():
        rows = kg.rows(f"""SELECT DISTINCT ?x WHERE {{ ?x rdfs:label ?l .
                           FILTER (isIRI(?x) && LCASE(STR(?l)) = LCASE(STR(?text))) }} ORDER BY ?x LIMIT {limit}""",
                       bindings={"text": ox.Literal(text.strip())})
        found += [short_id(r["x"].value) for r in rows if r["x"] is not None]
    return list(dict.fromkeys(found))[:limit]


# ---- neighbourhood, hop by hop

_NEIGHBOURS = """SELECT DISTINCT ?n WHERE {{ VALUES ?x {{ {values} }} {pattern}
  FILTER (?p != rdf:type && ?p != dcterms:source && isIRI(?n) && STRSTARTS(STR(?n), "{id}")) }}"""


def _neighbourhood_hops(bindings: dict[str, ox.NamedNode | ox.Literal]) -> int:
    hops = int(bindings["hops"].value)
    if not 1 <= hops <= 3:
        raise QueryError(f"parameter 'hops': expected 1, 2 or 3, found {hops}")
    return hops


def neighbourhood(kg: Graph, bindings: dict[str, ox.NamedNode | ox.Literal], *, chunk: int = 200) -> Table:
    """The rows of the ``neighbourhood`` library query, computed hop by hop with simple queries.

    Each hop asks, for at most ``chunk`` nodes at a time, for the kjgraph instances linked to
    them in either direction (any predicate but ``rdf:type`` and ``dcterms:source``); the
    labels come from :func:`kjgraph.labels.graph_labels`. Every SPARQL 1.1 engine answers these
    right (Virtuoso 7.2 does not answer the single query right).
    """
    from kjgraph.labels import graph_labels

    entity = bindings["entity"]
    hops = _neighbourhood_hops(bindings)
    lang = bindings["lang"].value if "lang" in bindings else "en"
    distance: dict[str, int] = {entity.value: 0}
    frontier = [entity.value]
    for hop in range(1, hops + 1):
        reached: set[str] = set()
        for start in range(0, len(frontier), chunk):
            values = " ".join(f"<{iri}>" for iri in frontier[start:start + chunk])
            for pattern in ("?x ?p ?n .", "?n ?p ?x ."):
                found = kg.rows(_NEIGHBOURS.format(values=values, pattern=pattern, id=ID))
                reached |= {r["n"].value for r in found if r["n"] is not None}
        frontier = sorted(reached - set(distance))
        distance.update(dict.fromkeys(frontier, hop))
    del distance[entity.value]
    labels = graph_labels(kg, distance, lang)
    integer = ox.NamedNode(XSD + "integer")
    rows: list[dict[str, Term | None]] = [
        {"node": ox.NamedNode(iri), "label": ox.Literal(labels[iri]) if iri in labels else None,
         "distance": ox.Literal(str(d), datatype=integer)}
        for iri, d in sorted(distance.items(), key=lambda item: (item[1], item[0]))]
    return Table(["node", "label", "distance"], rows)


#: Library queries with a hop-by-hop Python implementation (used on remote servers).
STEPWISE = {"neighbourhood": neighbourhood}
#: Checks of parameters the SPARQL text cannot make (run on every engine).
STEPWISE_CHECKS = {"neighbourhood": _neighbourhood_hops}


# ---------------------------------------------------------------- writing results


def result_form(result: Any) -> Form:
    """SELECT, ASK or CONSTRUCT (a graph) for a result of ``execute``."""
    if isinstance(result, bool | ox.QueryBoolean):
        return "ASK"
    if isinstance(result, ox.QuerySolutions | Table):
        return "SELECT"
    return "CONSTRUCT"


def check_format(form: str, fmt: str) -> None:
    """Raise :class:`QueryError` when ``fmt`` does not fit results of the query ``form``."""
    fitting = FITTING.get(form)
    if fitting is None:
        raise QueryError(f"{form} is not a query form kjgraph runs (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    if fmt in fitting:
        return
    what = {"SELECT": "a SELECT result (a table of solutions)", "ASK": "an ASK result (true or false)",
            "CONSTRUCT": "a CONSTRUCT result (an RDF graph)", "DESCRIBE": "a DESCRIBE result (an RDF graph)"}[form]
    hint = ""
    if fmt == "json" and form in ("CONSTRUCT", "DESCRIBE"):
        hint = " (jsonld is JSON for graphs)"
    elif fmt in ("csv", "tsv") and form == "ASK":
        hint = " (the SPARQL CSV and TSV results formats carry no booleans)"
    raise QueryError(f"format {fmt!r} does not fit {what}; choose one of {', '.join(sorted(fitting))}{hint}")


def write_result(result: Any, fmt: Format | None = None, out: io.TextIOBase | None = None) -> str:
    """Serialise a result of ``execute`` (or a :class:`Table`) in ``fmt`` (default: the form's first).

    SELECT and ASK results use the W3C SPARQL 1.1 results formats (CSV, TSV, JSON, XML) or a
    table for people; graphs the RDF formats or a table of triples. XML output writes a carriage
    return as ``&#13;`` (XML parsers turn a raw one into a line feed) and refuses a character
    XML 1.0 cannot carry with :class:`~kjgraph.text.UnwritableText`, which suggests JSON.
    Raises :class:`QueryError` for a format that does not fit the result (:func:`check_format`).
    """
    form = result_form(result)
    fmt = fmt or FITTING[form][0]
    check_format(form, fmt)
    if isinstance(result, Table):
        result = result.solutions()
    if form == "ASK":
        answer = bool(result)
        text = ("yes" if answer else "no") if fmt == "table" else _boolean(answer, fmt)
    elif form == "SELECT":
        text = _solutions_text(result, fmt)
    else:
        text = _triples_text(list(result), fmt)
    if out is not None:
        out.write(text)
    return text


def _solutions_text(result: ox.QuerySolutions, fmt: str) -> str:
    """SELECT solutions as a table for people or in a W3C SPARQL 1.1 results format."""
    columns = [v.value for v in result.variables]
    if fmt == "table":
        return render_table(columns, ([shorten(s[c]) for c in columns] for s in result))
    if fmt == "csv":
        return sparql_csv(columns, ([s[c] for c in columns] for s in result))
    text = _decode(result.serialize(format=_RESULT_FORMATS[fmt]))
    if fmt == "xml":
        return xml_document(text)
    if fmt == "tsv":
        # oxigraph leaves line-breaking controls raw; TSV readers would split the row at them
        return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
    return text


def _triples_text(triples: list[Any], fmt: str) -> str:
    """A graph (CONSTRUCT or DESCRIBE; ``triples``: oxigraph triples) as a table of triples or in an RDF
    format."""
    if fmt == "table":
        return render_table(["subject", "predicate", "object"],
                            ([shorten(t.subject), shorten(t.predicate), shorten(t.object)] for t in triples))
    if fmt in ("ttl", "jsonld"):
        return _decode(ox.serialize(triples, format=_RDF_FORMATS[fmt], prefixes=_used_prefixes(triples)))
    text = _decode(ox.serialize(triples, format=_RDF_FORMATS[fmt]))
    if fmt == "rdfxml":
        return xml_document(text, advice="choose --format nt, ttl or jsonld, which can")
    return text


#: Characters that some readers take for line ends (Python's str.splitlines, Unicode) or that are
#: invisible controls. In TSV they can only be inside a literal, where SPARQL TSV (Turtle syntax)
#: lets them be written as \uXXXX escapes; TAB, LF and CR are escaped already.
_LINE_BREAKING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


def _boolean(answer: bool, fmt: str) -> str:
    """An ASK result in the SPARQL 1.1 JSON or XML results format."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer})
    return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if answer else 'false'}</boolean></sparql>\n")


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes of :data:`PREFIXES` whose namespace some IRI of the triples starts with."""
    iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)}
    return {p: ns for p, ns in PREFIXES.items() if p != "kjg" and any(i.startswith(ns) for i in iris)}


def render_table(columns: list[str], rows: Iterable[list[str]]) -> str:
    """A table for people, one line per row, with a count of rows.

    Cells are text, never markup (rich's ``[b]`` is shown as written), and hidden characters
    are shown as escapes (:func:`kjgraph.text.display_text`), so a value can neither break a
    row over lines nor hide or reorder text.
    """
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    table = RichTable(show_lines=False)
    headers = [Text(display_text(column)) for column in columns]
    widths = [h.cell_len for h in headers]
    for header in headers:
        table.add_column(header, no_wrap=True, overflow="ignore")
    count = 0
    for row in rows:
        cells = [Text(display_text(cell)) for cell in row]
        widths = [max(w, c.cell_len) for w, c in zip(widths, cells, strict=False)] + [
            c.cell_len for c in cells[len(widths):]]
        table.add_row(*cells)
        count += 1
    natural = sum(w + 3 for w in widths) + 1  # padding and borders: the table is never cut or wrapped
    console = Console(width=max(80, natural + 1), record=True, file=io.StringIO(), markup=False,
                      emoji=False, highlight=False, color_system=None, soft_wrap=False)
    console.print(table)
    console.print(f"{count} row(s)")
    return console.export_text()


def sparql_csv(columns: list[str], rows: Iterable[list[Term | None]]) -> str:
    """SPARQL 1.1 Query Results CSV (RFC 4180, CRLF line ends): IRIs, lexical forms, ``_:id`` for
    blank nodes, an empty field for unbound. A row whose one field is empty is written ``""``, so
    that readers which skip blank lines (pandas) do not lose it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if t is None else f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value
                         for t in row])
    return buffer.getvalue()


def table_to_csv(table: Table) -> str:
    """A table as CSV (RFC 4180): a header, then the lexical forms, empty for unbound."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if (v := row.get(c)) is None else v.value for c in table.columns])
    return buffer.getvalue()
