"""SPARQL 1.1 Protocol pieces: content negotiation, result serialisers with a size cap,
and the protocol's dataset parameters for updates.

Results are serialised in the worker process (see :mod:`kjgraph.server.workers`) so the
web process only moves bytes. SELECT results are written here rather than by
pyoxigraph's serialiser because a result must be *cut* at the configured row limit and
say so: the JSON and XML formats carry a ``link`` to :data:`TRUNCATED_LINK` in their
``head`` (both formats define ``link``), and every format gets the
``X-Result-Truncated`` HTTP header.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "solutions")
'xml'
>>> negotiate("*/*", "graph")
'turtle'
>>> add_using("INSERT { ?s a <t> } WHERE { ?s ?p ?o }", ["http://g"], [])
'INSERT { ?s a <t> } USING <http://g> WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

TRUNCATED_LINK = "https://w3id.org/kjgraph/server#result-limit"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: result format key -> media type, for SELECT/ASK ("solutions") and CONSTRUCT/DESCRIBE ("graph")
SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
# Media types a client may send for each format (aliases included).
_SOLUTION_ACCEPT = {
    "application/sparql-results+json": "json", "application/json": "json",
    "text/javascript": "json", "application/javascript": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_GRAPH_ACCEPT = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
}
# ``format=`` / ``output=`` request parameters (as sent by SPARQLWrapper and web forms).
_FORMAT_PARAM = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "nt": (None, "ntriples"), "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "json-ld": (None, "jsonld"), "jsonld": (None, "jsonld"), "rdf+xml": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an ``Accept`` header, best first (stable for equal q).

    >>> parse_accept("text/html;q=0.9, text/turtle")
    [('text/turtle', 1.0), ('text/html', 0.9)]
    """
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def negotiate(accept: str | None, kind: str, fmt_param: str | None = None) -> str | None:
    """The result format key for a query result of ``kind`` ("solutions" or "graph").

    ``fmt_param`` (``format=``/``output=``) wins over ``Accept``. Returns ``None`` when
    the client accepts none of the formats (the caller answers 406).
    """
    table = _SOLUTION_ACCEPT if kind == "solutions" else _GRAPH_ACCEPT
    default = "json" if kind == "solutions" else "turtle"
    if fmt_param:
        key = fmt_param.strip().lower()
        if key in _FORMAT_PARAM:
            choice = _FORMAT_PARAM[key][0 if kind == "solutions" else 1]
            if choice:
                return choice
        elif key in table:
            return table[key]
    for media, _q in parse_accept(accept):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def media_type(kind: str, key: str) -> str:
    return (SOLUTION_TYPES if kind == "solutions" else GRAPH_TYPES)[key]


# ---------------------------------------------------------------- SELECT / ASK writers

def _json_term(term: object) -> dict[str, str]:
    if type(term) is ox.NamedNode:
        return {"type": "uri", "value": term.value}
    if type(term) is ox.Literal:
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if type(term) is ox.BlankNode:
        return {"type": "bnode", "value": term.value}
    return {"type": "literal", "value": str(term)}  # RDF-star triple terms: as text


def write_solutions(variables: Sequence[str], rows: Iterable[Sequence[object]], key: str,
                    truncated: bool) -> bytes:
    """Serialise solution rows (tuples of terms or None) in the format ``key``."""
    if key == "json":
        head: dict[str, object] = {"vars": list(variables)}
        if truncated:
            head["link"] = [TRUNCATED_LINK]
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        return json.dumps({"head": head, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    if key == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        if truncated:
            out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is None:
                    continue
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    buffer = io.StringIO()
    if key == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else (f"_:{t.value}" if type(t) is ox.BlankNode
                                                    else t.value) for t in row])
        return buffer.getvalue().encode()
    # TSV: terms in their Turtle/N-Triples form
    buffer.write("\t".join(f"?{v}" for v in variables) + "\n")
    for row in rows:
        buffer.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buffer.getvalue().encode()


def _xml_term(t: object) -> str:
    if type(t) is ox.NamedNode:
        return f"<uri>{escape(t.value)}</uri>"
    if type(t) is ox.BlankNode:
        return f"<bnode>{escape(t.value)}</bnode>"
    if type(t) is ox.Literal:
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def write_boolean(value: bool, key: str) -> bytes:
    if key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if key == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return ("_askResult\r\n" if key == "csv" else "?_askResult\n").encode() + \
        (b"true" if value else b"false") + (b"\r\n" if key == "csv" else b"\n")


def write_triples(triples: list[ox.Triple], key: str, prefixes: dict[str, str] | None = None) -> bytes:
    fmt = RDF_FORMATS[key]
    if key == "turtle" and prefixes:
        return ox.serialize(triples, format=fmt, prefixes=prefixes)
    return ox.serialize(triples, format=fmt)


# ---------------------------------------------------------------- update dataset (USING)

_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|<[^<>"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      |(?P<open>\{)|(?P<close>\})|(?P<word>[A-Za-z_][\w-]*)""",
    re.VERBOSE | re.DOTALL,
)


class DatasetConflict(ValueError):
    """The protocol's ``using-graph-uri`` was combined with USING/WITH in the update."""


def add_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to an update.

    The SPARQL 1.1 Protocol defines them as USING / USING NAMED clauses on every
    operation with a WHERE pattern; pyoxigraph has no parameter for them, so the clauses
    are inserted before each top-level ``WHERE`` (skipping strings, IRIs and comments).
    ``DELETE WHERE`` takes no USING. An update that already has USING or WITH is a
    conflict (the protocol requires an error).
    """
    if not using and not using_named:
        return update
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    depth = 0
    previous = ""
    inserts: list[int] = []
    for match in _TOKEN.finditer(update):
        if match.group("open"):
            depth += 1
            previous = "{"
        elif match.group("close"):
            depth -= 1
            previous = "}"
        elif match.group("word") and depth == 0:
            word = match.group("word").upper()
            if word in ("USING", "WITH"):
                raise DatasetConflict("using-graph-uri/using-named-graph-uri cannot be combined "
                                      f"with {word} in the update")
            if word == "WHERE" and previous != "DELETE":
                inserts.append(match.start())
            previous = word
    for position in reversed(inserts):
        update = update[:position] + clause + " " + update[position:]
    return update
