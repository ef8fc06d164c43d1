"""Run SPARQL on the embedded store and format the results.

The default graph holds the union of all source graphs (each fact once);
``GRAPH ?g`` reaches each source's statements.

>>> kg = KnowledgeGraph.in_memory()
>>> rows = kg.rows("SELECT ?date WHERE { ?e a kjo:Summit ; kjo:place place:nara ; "
...                "schema:startDate ?date }")
>>> [str(r["date"].value) for r in rows]
['2026-01-13']
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kjgraph.errors import QueryError
from kjgraph.library import bind_values, get_query
from kjgraph.namespaces import BASE
from kjgraph.store import StoreLocation

Format = Literal["table", "csv", "tsv", "json", "xml"]
FORMATS: tuple[Format, ...] = ("table", "csv", "tsv", "json", "xml")
_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}

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
    "oa": "http://www.w3.org/ns/oa#",
}
#: One prefix per kind of instance, e.g. ``person:lee-jae-myung`` (SPARQL local names cannot hold '/').
KINDS = ("agreement", "country", "event", "office", "organization", "participation", "person",
         "phase", "place", "series", "source", "tenure", "topic", "membership", "publisher")
PREFIXES.update({kind: f"{BASE}id/{kind}/" for kind in KINDS})

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Table:
    """A SELECT result held in memory: column names and rows of RDF terms (or None)."""

    columns: list[str]
    rows: list[dict[str, Term | None]]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of plain values (needs pandas)."""
        import pandas as pd

        return pd.DataFrame([{c: plain(r.get(c)) for c in self.columns} for r in self.rows],
                            columns=self.columns)


def plain(term: Term | None) -> Any:
    """The Python value of a term: IRIs as str, typed literals by their lexical form."""
    if term is None:
        return None
    return term.value


def shorten(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and (prefix in KINDS or prefix in ("kjo", "schema")):
                return f"{prefix}:{term.value[len(ns):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


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
        """Run a query; SELECT gives solutions, ASK a bool, CONSTRUCT/DESCRIBE triples.

        ``bindings`` are bound with a VALUES block (:func:`kjgraph.library.bind_values`).
        """
        if bindings:
            sparql = bind_values(sparql, bindings)
        try:
            return self.store.query(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None

    def rows(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> list[dict[str, Term | None]]:
        return self.table(sparql, bindings=bindings).rows

    def table(self, sparql: str, *, bindings: dict[str, Term] | None = None) -> Table:
        result = self.execute(sparql, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        columns = [v.value for v in result.variables]
        return Table(columns, [{c: s[c] for c in columns} for s in result])

    def run(self, name: str, **params: str) -> Table:
        """Run a library query by name with string parameters, e.g. ``run('leaders', country='country/kr')``."""
        return self.table(get_query(name).bound_text(params))


def write_result(result: Any, fmt: Format, out: io.TextIOBase | None = None) -> str:
    """Serialise a query result: W3C SPARQL results formats, or a table for people."""
    if isinstance(result, bool):
        text = {"json": json.dumps({"head": {}, "boolean": result}),
                "table": "yes" if result else "no"}.get(fmt)
        if text is None:
            text = ox.QueryBoolean(result).serialize(format=_RESULT_FORMATS[fmt]).decode()
    elif isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            columns = [v.value for v in result.variables]
            text = render_table(columns, ([shorten(s[c]) for c in columns] for s in result))
        else:
            text = result.serialize(format=_RESULT_FORMATS[fmt]).decode()
    else:  # triples of CONSTRUCT / DESCRIBE
        text = ox.serialize(result, format=ox.RdfFormat.TURTLE).decode()
    if out is not None:
        out.write(text)
    return text


def render_table(columns: list[str], rows: Iterable[list[str]]) -> str:
    from rich.console import Console
    from rich.table import Table as RichTable

    table = RichTable(*columns, show_lines=False)
    count = 0
    for row in rows:
        table.add_row(*row)
        count += 1
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    console.print(f"{count} row(s)")
    return console.export_text()


def table_to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([plain(row.get(c)) or "" for c in table.columns])
    return buffer.getvalue()
