"""SPARQL 1.1 Protocol pieces: content negotiation, result serialisers and the protocol's
dataset parameters for updates.

Results are serialised in the worker process (see :mod:`kjgraph.server.workers`) so the
web process only moves bytes. SELECT results are written by pyoxigraph's own serialiser
(:func:`serialize_solutions`: JSON, CSV, TSV and XML, about ten times cheaper than
building them in Python), with two repairs for XML: pyoxigraph 0.5 writes a carriage
return and characters XML 1.0 forbids raw into SPARQL XML results (a parser reads the first
back as a line feed and refuses the second); here a CR is written as ``&#13;`` and a
forbidden character makes the request fail with 406 and a message that suggests JSON —
never a malformed 200. :func:`write_solutions` writes the same formats from rows in Python
(the fall-back for a result too large to serialise at once, and the static site).
RDF documents are pyoxigraph's serialisations, with the same two repairs for RDF/XML.
A result larger than the server's result limit is refused by the server (see
:mod:`kjgraph.server.app`), never cut silently.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "solutions")
'xml'
>>> negotiate("*/*", "graph")
'turtle'
>>> negotiate("application/sparql-results+json;q=0, */*", "solutions")
'xml'
>>> add_using("INSERT { ?s a <t> } WHERE { ?s ?p ?o }", ["http://g"], [])
'INSERT { ?s a <t> } USING <http://g> WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import IO, cast
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kjgraph.server.workers import JobError
from kjgraph.sparql_text import tokens

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


def accept(header: str | None) -> MIMEAccept:
    """The media ranges of an ``Accept`` header (RFC 9110 §12.5.1), parsed by Werkzeug.

    A missing or empty header accepts anything (``*/*``).
    """
    return parse_accept_header(header if header and header.strip() else "*/*", MIMEAccept)


def best_type(header: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers (RFC 9110 §12.5.1), or ``None`` if none is
    acceptable.

    Quality values order the choice, ``q=0`` excludes a type, a more specific range wins over
    a wildcard for the same type, and ``type/*`` or ``*/*`` pick an offer in their range
    (the first one listed, on a tie).

    >>> best_type("application/sparql-results+json;q=0, */*", ["application/sparql-results+json", "text/csv"])
    'text/csv'
    >>> best_type("text/*", ["application/sparql-results+json", "text/csv"])
    'text/csv'
    >>> best_type("image/png", ["text/csv"]) is None
    True
    """
    try:
        return accept(header).best_match(offers)
    except ValueError:  # a malformed media range
        return None


@lru_cache(maxsize=512)
def negotiate(accept_header: str | None, kind: str, fmt_param: str | None = None) -> str | None:
    """The result format key for a query result of ``kind`` ("solutions" or "graph").

    Memoised (a pure function of three short strings; clients send the same few ``Accept``
    headers again and again, and Werkzeug's matching is a tenth of a request's cost).

    ``fmt_param`` (``format=``/``output=``, as SPARQLWrapper and web forms send) wins over
    ``Accept`` when it names a format of this kind. Returns ``None`` when the client accepts
    none of the formats (the caller answers 406).
    """
    table = _SOLUTION_ACCEPT if kind == "solutions" else _GRAPH_ACCEPT
    if fmt_param:
        key = fmt_param.strip().lower()
        if key in _FORMAT_PARAM:
            choice = _FORMAT_PARAM[key][0 if kind == "solutions" else 1]
            if choice:
                return choice
        elif key in table:
            return table[key]
    canonical = list((SOLUTION_TYPES if kind == "solutions" else GRAPH_TYPES).values())
    offers = canonical + [m for m in table if m not in canonical]
    chosen = best_type(accept_header, offers)
    return table[chosen] if chosen else None


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
                    truncated: bool = False) -> bytes:
    """Serialise solution rows (tuples of terms or None) in the format ``key`` (json, xml,
    csv, tsv: the W3C SPARQL 1.1 results formats). ``truncated`` is ignored (results over the
    limit are refused, not cut). Raises :class:`NotRepresentable` for XML that cannot hold a
    value."""
    if key == "json":
        head: dict[str, object] = {"vars": list(variables)}
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        return json.dumps({"head": head, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    if key == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
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
                                                    else getattr(t, "value", str(t))) for t in row])
        return buffer.getvalue().encode()
    # TSV: terms in their Turtle/N-Triples form
    buffer.write("\t".join(f"?{v}" for v in variables) + "\n")
    for row in rows:
        buffer.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buffer.getvalue().encode()


class NotRepresentable(JobError):
    """A value cannot be written in the requested format (a character XML 1.0 forbids): 406."""

    def __init__(self, message: str):
        super().__init__(406, message)


#: The characters outside XML 1.0's Char production (§2.2), listed: the same set as
#: ``[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]``, which takes 15 times longer to compile.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The same characters in UTF-8 (the bytes below 0x20 never occur inside a multi-byte sequence).
_XML_FORBIDDEN_UTF8 = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf][\x80-\xbf]")

#: pyoxigraph's results formats by format key, where its writer is right. Not CSV: pyoxigraph
#: writes a row whose only value is empty as an empty line, which CSV readers skip (Python's
#: csv module writes ``""``), so CSV stays with :func:`write_solutions`.
RESULTS_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "tsv": ox.QueryResultsFormat.TSV}


class TooLarge(Exception):
    """A serialisation passed its byte cap (:func:`serialize_solutions`); nothing was returned."""


class _CappedBuffer:
    """A binary writer that keeps what it is given and raises :class:`TooLarge` past ``cap`` bytes
    (pyoxigraph writes in chunks of a few KiB, so at most one chunk more is ever held)."""

    def __init__(self, cap: int):
        self.cap = cap
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise TooLarge(f"more than {self.cap} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def serialize_solutions(result: ox.QuerySolutions, key: str, *, max_bytes: int) -> tuple[bytes, int]:
    """Serialise a SELECT result with pyoxigraph in the format ``key`` (a key of
    :data:`RESULTS_FORMATS`: json, xml, tsv); ``(body, number of rows)``.

    XML gets the repairs of :func:`xml_text`: a carriage return as ``&#13;``, and a character
    XML 1.0 forbids raises :class:`NotRepresentable` (406, suggesting JSON). The row count is
    exact, read from the body (a TSV or XML body has one line or ``<result>`` per row; JSON is
    parsed, which costs a fifth of writing it in Python). Raises :class:`TooLarge` as soon as the
    body passes ``max_bytes`` (the result is then consumed: run the query again to write it
    row by row, as :func:`write_solutions` does).

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal("a\\rb")))
    >>> body, rows = serialize_solutions(store.query("SELECT ?o { ?s ?p ?o }"), "xml", max_bytes=4096)
    >>> body[-58:], rows
    (b'al>a&#13;b</literal></binding></result></results></sparql>', 1)
    """
    buffer = _CappedBuffer(max_bytes)
    try:
        # pyoxigraph only calls write(): the buffer is a binary writer by duck typing
        result.serialize(cast("IO[bytes]", buffer), format=RESULTS_FORMATS[key])
    except TooLarge:
        raise
    except OSError as exc:  # pyoxigraph wraps what the writer raised
        if isinstance(exc.__cause__ or exc.__context__, TooLarge) or buffer.size > buffer.cap:
            raise TooLarge(str(exc)) from None
        raise
    body = b"".join(buffer.parts)
    if key == "tsv":  # line breaks inside terms are escaped (\n, \r)
        return body, body.count(b"\n") - 1
    if key == "xml":
        bad = _XML_FORBIDDEN_UTF8.search(body)
        if bad:
            character = bad.group(0).decode("utf-8", "surrogatepass")
            raise NotRepresentable(f"the result holds the character U+{ord(character):04X}, which XML 1.0 "
                                   "cannot carry; ask for JSON instead (Accept: application/sparql-results+json, "
                                   "or format=json)")
        # "<" inside text is written "&lt;": each "<result>" opens a row
        return body.replace(b"\r", b"&#13;"), body.count(b"<result>")
    return body, len(json.loads(body)["results"]["bindings"])


def xml_text(value: str) -> str:
    """``value`` as XML character data: ``&``, ``<``, ``>`` escaped, a carriage return written
    as ``&#13;`` (a raw CR is read back as a line feed, XML 1.0 §2.11) and leading and trailing
    spaces as ``&#32;``. Raises :class:`NotRepresentable` for a character XML 1.0 forbids (§2.2).

    >>> xml_text(" a\\r\\nb<c> ")
    '&#32;a&#13;\\nb&lt;c&gt;&#32;'
    """
    bad = _XML_FORBIDDEN.search(value)
    if bad:
        raise NotRepresentable(f"the result holds the character U+{ord(bad.group(0)):04X}, which XML 1.0 "
                               "cannot carry; ask for JSON instead (Accept: application/sparql-results+json, "
                               "or format=json)")
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    stripped = text.strip(" ")
    if stripped != text:
        lead = len(text) - len(text.lstrip(" "))
        trail = len(text) - len(text.rstrip(" ")) if stripped else 0
        text = "&#32;" * lead + stripped + "&#32;" * trail
    return text


def _xml_term(t: object) -> str:
    if type(t) is ox.NamedNode:
        return f"<uri>{xml_text(t.value)}</uri>"
    if type(t) is ox.BlankNode:
        return f"<bnode>{xml_text(t.value)}</bnode>"
    if type(t) is ox.Literal:
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{xml_text(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{xml_text(t.value)}</literal>"
        return f"<literal>{xml_text(t.value)}</literal>"
    return f"<literal>{xml_text(str(t))}</literal>"


def write_boolean(value: bool, key: str) -> bytes:
    if key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if key == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return ("_askResult\r\n" if key == "csv" else "?_askResult\n").encode() + \
        (b"true" if value else b"false") + (b"\r\n" if key == "csv" else b"\n")


def write_triples(triples: list[ox.Triple], key: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples in the format ``key`` with pyoxigraph (Turtle with ``prefixes``).

    RDF/XML gets the repairs of :func:`xml_text` (CR as ``&#13;``; a character XML 1.0
    forbids, or a predicate RDF/XML cannot write, raises :class:`NotRepresentable`).
    """
    fmt = RDF_FORMATS[key]
    try:
        body = ox.serialize(triples, format=fmt, prefixes=prefixes) if key == "turtle" and prefixes \
            else ox.serialize(triples, format=fmt)
        assert body is not None  # (no output file given: the bytes are returned)
    except (ValueError, SyntaxError, OSError) as exc:
        raise NotRepresentable(f"these triples cannot be written as {GRAPH_TYPES[key]} ({exc}); ask for "
                               "Turtle or N-Triples instead") from None
    if key == "rdfxml":
        text = body.decode("utf-8")
        bad = _XML_FORBIDDEN.search(text)
        if bad:
            raise NotRepresentable(f"the result holds the character U+{ord(bad.group(0)):04X}, which RDF/XML "
                                   "cannot carry; ask for Turtle, N-Triples or JSON-LD instead")
        # pyoxigraph writes literals as element content: a raw CR there is read back as LF.
        body = text.replace("\r", "&#13;").encode("utf-8")
    return body


# ---------------------------------------------------------------- update dataset (USING)

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
    for token in tokens(update):
        if token.kind == "comment":
            continue
        if token.kind == "open":
            depth += 1
            previous = token.text
        elif token.kind == "close":
            depth -= 1
            previous = token.text
        elif token.kind == "word" and depth == 0:
            word = token.text.upper()
            if word in ("USING", "WITH"):
                raise DatasetConflict("using-graph-uri/using-named-graph-uri cannot be combined "
                                      f"with {word} in the update")
            if word == "WHERE" and previous != "DELETE":
                inserts.append(token.start)
            previous = word
        else:
            previous = token.text
    for position in reversed(inserts):
        update = update[:position] + clause + " " + update[position:]
    return update
