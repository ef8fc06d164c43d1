"""The formats kjgraph reads and writes, in one table: short names, media types, extensions.

Every command-line ``--format``, URL extension, ``format=`` parameter, dump file and
service description takes its formats from :data:`FORMATS`. Media types and file
extensions come from pyoxigraph's :class:`~pyoxigraph.RdfFormat` and
:class:`~pyoxigraph.QueryResultsFormat` (the engine writes these formats); the names are
kjgraph's, and the aliases those that SPARQL clients send (SPARQLWrapper's ``format=``
values, older media types), gathered here so that no other module keeps its own list.

>>> FORMATS["ttl"].media_type, FORMATS["ttl"].extension
('text/turtle', 'ttl')
>>> by_media_type("application/x-turtle").name
'ttl'
>>> [f.name for f in of_kind("results")]
['json', 'xml', 'csv', 'tsv']
>>> str(FORMATS["jsonld"].w3c)
'http://www.w3.org/ns/formats/JSON-LD'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

Kind = Literal["results", "rdf"]
#: The W3C's IRIs for formats (https://www.w3.org/ns/formats/), used in service descriptions.
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One format: ``name`` (kjgraph's short name), ``kind`` (``results`` for SELECT/ASK answers,
    ``rdf`` for graphs and datasets), the ``engine``'s format object, the ``aliases`` a client
    may use for it in ``format=``/``output=``, the other ``media_types`` clients send for it,
    its ``rdflib`` parser/serializer name and its name in :data:`W3C_FORMATS`."""

    name: str
    kind: Kind
    engine: ox.RdfFormat | ox.QueryResultsFormat
    w3c_name: str
    rdflib: str | None = None
    aliases: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        """The registered media type, without parameters (``text/csv``, not ``…; charset=utf-8``)."""
        return self.engine.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        """The file extension kjgraph uses (its name: ``ttl``, ``jsonld``, ``json`` …)."""
        return self.name

    @property
    def w3c(self) -> str:
        return W3C_FORMATS + self.w3c_name

    @property
    def datasets(self) -> bool:
        """Whether the format carries named graphs (N-Quads, TriG, JSON-LD)."""
        return isinstance(self.engine, ox.RdfFormat) and self.engine.supports_datasets


_TABLE = (
    Format("json", "results", ox.QueryResultsFormat.JSON, "SPARQL_Results_JSON",
           media_types=("application/json", "text/javascript", "application/javascript")),
    Format("xml", "results", ox.QueryResultsFormat.XML, "SPARQL_Results_XML",
           media_types=("application/xml", "text/xml")),
    Format("csv", "results", ox.QueryResultsFormat.CSV, "SPARQL_Results_CSV"),
    Format("tsv", "results", ox.QueryResultsFormat.TSV, "SPARQL_Results_TSV"),
    Format("ttl", "rdf", ox.RdfFormat.TURTLE, "Turtle", "turtle", aliases=("turtle", "n3"),
           media_types=("application/x-turtle", "application/turtle")),
    Format("nt", "rdf", ox.RdfFormat.N_TRIPLES, "N-Triples", "nt", aliases=("ntriples", "n-triples"),
           media_types=("text/plain",)),
    Format("nq", "rdf", ox.RdfFormat.N_QUADS, "N-Quads", "nquads", aliases=("nquads", "n-quads")),
    Format("trig", "rdf", ox.RdfFormat.TRIG, "TriG", "trig"),
    Format("jsonld", "rdf", ox.RdfFormat.JSON_LD, "JSON-LD", "json-ld", aliases=("json-ld",),
           media_types=("application/json",)),
    Format("rdfxml", "rdf", ox.RdfFormat.RDF_XML, "RDF_XML", "xml", aliases=("rdf+xml", "rdf"),
           media_types=("application/xml", "text/xml")),
)
#: Every format by its name.
FORMATS: dict[str, Format] = {f.name: f for f in _TABLE}


def of_kind(kind: Kind) -> list[Format]:
    """The formats of one kind, in the table's order (the preferred first)."""
    return [f for f in _TABLE if f.kind == kind]


def by_media_type(media_type: str, kind: Kind | None = None) -> Format:
    """The format a media type names (aliases included; parameters ignored), of ``kind`` if given.

    Raises :class:`KeyError` for a media type kjgraph does not write.
    """
    wanted = media_type.split(";")[0].strip().lower()
    for f in _TABLE:
        if (kind is None or f.kind == kind) and wanted in (f.media_type, *f.media_types):
            return f
    raise KeyError(media_type)


def by_name(name: str, kind: Kind | None = None) -> Format:
    """The format a name or alias stands for (``turtle`` → ``ttl``), of ``kind`` if given.

    Raises :class:`KeyError` for a name kjgraph does not know.
    """
    wanted = name.strip().lower()
    for f in _TABLE:
        if (kind is None or f.kind == kind) and wanted in (f.name, *f.aliases):
            return f
    raise KeyError(name)


def rdf_format(name: str) -> ox.RdfFormat:
    """pyoxigraph's RDF format for a name or alias; :class:`KeyError` for anything else."""
    engine = by_name(name, "rdf").engine
    assert isinstance(engine, ox.RdfFormat)
    return engine


def results_format(name: str) -> ox.QueryResultsFormat:
    """pyoxigraph's results format for a name or alias; :class:`KeyError` for anything else."""
    engine = by_name(name, "results").engine
    assert isinstance(engine, ox.QueryResultsFormat)
    return engine
