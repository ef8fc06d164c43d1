"""Queries and answers across engines: what other servers need in the query text, and their
answers read as the embedded store gives them.

Other engines know none of kjgraph's prefixes (:func:`with_prefixes`), Virtuoso 7 drops
solutions of VALUES rows holding ``UNDEF`` (:func:`without_undef`), the dataset is named in
the query (:func:`with_dataset`), and answers are parsed completely and normalised
(:func:`parse_results`, :func:`normalise_term`).
"""

from __future__ import annotations

import hashlib
import json
import re

import pyoxigraph as ox

from kjgraph.errors import RemoteError
from kjgraph.query import _LEXICAL, PREFIXES, Term, query_form, solutions, used_prefixes
from kjgraph.remote.transport import snippet

XSD = "http://www.w3.org/2001/XMLSchema#"
#: What parsing malformed SPARQL results raises (pyoxigraph, json, the checks below).
MALFORMED = (SyntaxError, ValueError, AttributeError, TypeError)


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


def parse_solutions(endpoint: str, body: bytes) -> ox.QuerySolutions:
    return solutions(*parse_rows(endpoint, body))


def parse_rows(endpoint: str, body: bytes) -> tuple[list[str], list[dict[str, Term | None]]]:
    try:
        result = parse_results(body)
    except MALFORMED as exc:
        raise RemoteError(endpoint, f"returned malformed results: {exc}: {snippet(body)}") from None
    if isinstance(result, bool):
        raise RemoteError(endpoint, "returned a boolean where solutions were expected")
    return result


def parse_boolean(endpoint: str, body: bytes) -> bool:
    """The answer of an ASK query; raises :class:`RemoteError` naming ``endpoint`` for anything else."""
    try:
        answer = parse_results(body)
    except MALFORMED as exc:
        raise RemoteError(endpoint, f"returned malformed results: {exc}: {snippet(body)}") from None
    if not isinstance(answer, bool):
        raise RemoteError(endpoint, "returned solutions where a boolean was expected")
    return answer


def parse_triples(endpoint: str, body: bytes) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE answer (N-Triples or Turtle); :class:`RemoteError` if malformed."""
    try:
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]  # N-Triples is a subset of Turtle
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(endpoint, f"returned malformed RDF: {exc}") from None
