"""SHACL validation of the built graph with pySHACL, reported as precise human messages.

>>> from kjgraph.loader import load_catalog
>>> from kjgraph.quads import build_dataset
>>> report = validate_dataset(build_dataset(load_catalog()))
>>> report.conforms
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pyshacl import validate
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from kjgraph.errors import DataProblem
from kjgraph.loader import Catalog
from kjgraph.namespaces import source_graph
from kjgraph.resources import ontology_dir


@dataclass(frozen=True)
class Finding:
    """One SHACL result: where, what, how severe."""

    focus: str
    path: str
    message: str
    severity: str
    value: str = ""

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def text(self) -> str:
        if not self.findings:
            return "Conforms: the graph satisfies every shape."
        lines = [str(f) for f in sorted(self.findings, key=lambda f: (f.focus, f.path, f.message))]
        summary = f"{len(self.violations)} violation(s), {len(self.findings) - len(self.violations)} other finding(s)"
        return "\n".join([*lines, summary])


@cache
def load_shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def _short(term: object) -> str:
    text = str(term)
    for prefix, ns in (("kjg:", "https://w3id.org/kjgraph/id/"),
                       ("kjo:", "https://w3id.org/kjgraph/ontology#"),
                       ("schema:", "https://schema.org/")):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def english_label(graph: Graph, node: object) -> str | None:
    """The English label of a node, else any label, else None."""
    labels = list(graph.objects(node, RDFS.label)) if isinstance(node, URIRef) else []
    for label in labels:
        if getattr(label, "language", None) == "en":
            return str(label)
    return str(labels[0]) if labels else None


def union_graph(dataset: Dataset) -> Graph:
    """The default graph, which holds the union of all named graphs (what SHACL sees)."""
    union = Graph()
    for triple in dataset.graph(DATASET_DEFAULT_GRAPH_ID):
        union.add(triple)
    return union


def validate_dataset(dataset: Dataset) -> ValidationReport:
    """Validate the union of all graphs against ``ontology/shapes.ttl``."""
    return validate_graph(union_graph(dataset))


def validate_graph(data: Graph) -> ValidationReport:
    """Validate ``data`` against the shapes, with the ontology mixed in (pySHACL's
    ``ont_graph``): the class tree for ``sh:class``, and the declarations and disjoint
    classes that the shapes on the ontology's own terms read."""
    from kjgraph.quads import load_ontology

    conforms, results, _text = validate(data, shacl_graph=load_shapes(), ont_graph=load_ontology(),
                                        advanced=True, allow_warnings=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage) or ""
        focus = results.value(result, SH.focusNode)
        label = english_label(data, focus)
        focus_text = _short(focus) + (f" ({label})" if label else "")
        findings.append(Finding(focus_text, _short(path) if path else "", str(message),
                                str(severity).rsplit("#", 1)[-1],
                                _short(value) if value is not None else ""))
    return ValidationReport(bool(conforms), findings)


# ---------------------------------------------------------------- sources a fact rests on

def weak_source_warnings(catalog: Catalog) -> list[DataProblem]:
    """One warning per record, claim or phase whose every source is of publisher type ``other``.

    Such a fact rests only on mirrors, blogs or aggregators (graph/data/README.md); the
    warning names the record's place in its file and the sources, so a curator can cite a
    stronger source that states the same.

    >>> from kjgraph.loader import load_catalog
    >>> all(w.message.startswith("rests only on") for w in weak_source_warnings(load_catalog()))
    True
    """
    def weak(sources: list[str]) -> bool:
        return bool(sources) and all(
            (s := catalog.sources.get(source)) is not None and s.publisher_type == "other"
            for source in sources)

    def warn(kind: str, rid: str, path: tuple[str | int, ...], sources: list[str]) -> None:
        loc = catalog.where[(kind, rid)]
        field_name = ".".join(map(str, path))
        found.append(DataProblem(loc.file, loc.line(*path), field_name,
                                 f"rests only on sources of publisher type 'other' "
                                 f"({', '.join(sources)}); cite an official, news-agency, "
                                 f"newspaper, broadcaster or reference source that states it "
                                 f"(record {rid!r})"))

    found: list[DataProblem] = []
    for kind in ("places", "people", "tenures", "events", "agreements", "bodies"):
        for rid, record in catalog.of_kind(kind).items():
            if weak(record.sources):
                warn(kind, rid, ("sources",), record.sources)
            for i, claim in enumerate(getattr(record, "claims", [])):
                if weak(claim.sources):
                    warn(kind, rid, ("claims", i, "sources"), claim.sources)
    for rid, series in catalog.series.items():
        for i, phase in enumerate(series.phases):
            if weak(phase.sources):
                warn("series", rid, ("phases", i, "sources"), phase.sources)
    return sorted(found)


def weak_statements(dataset: Dataset, catalog: Catalog) -> int:
    """The number of distinct statements asserted only in graphs of ``other`` sources (not
    counting the ``dcterms:source`` citations themselves)."""
    weak_graphs = {source_graph(s.id) for s in catalog.sources.values()
                   if s.publisher_type == "other"}
    strong: set[tuple[object, object, object]] = set()
    weak: set[tuple[object, object, object]] = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g is None or not str(g).startswith(source_graph("")) or p == DCTERMS.source:
            continue  # a graph's citation of its own source is provenance, not a fact
        (weak if g in weak_graphs else strong).add((s, p, o))
    return len(weak - strong)


def warnings_text(catalog: Catalog, dataset: Dataset) -> str:
    """The data warnings for ``kjgraph validate``: ledger completeness, data matters, weak sources.

    Each warning is one line ``file:line: field: warning: message``; the last lines give
    their numbers, the number of facts resting only on ``other`` sources among them.
    """
    weak = weak_source_warnings(catalog)
    lines = [f"{w.file}:{w.line}: {w.field}: warning: {w.message}"
             for w in sorted([*catalog.warnings, *weak])]
    statements = weak_statements(dataset, catalog)
    lines.append(f"{len(catalog.warnings)} data warning(s) (coverage ledger and data matters; "
                 f"graph/data/README.md).")
    lines.append(f"{len(weak)} fact(s) rest only on sources of publisher type 'other' "
                 f"({statements} statements); the goal is none.")
    return "\n".join(lines)
