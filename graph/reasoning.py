"""OWL 2 DL checks of ontology + data: a structural profile check and a real DL reasoner (HermiT).

Two parts, both on the union graph (the ontology and every fact, as ``kjgraph export --format
nt`` writes it):

- :func:`dl_problems` — the OWL 2 DL structural conditions kjgraph can break: every class
  and property used is declared (OWL 2 Structural Specification §5.8), no IRI is declared as
  two kinds of property or as class and datatype (illegal punning, §5.9), object properties
  take individuals and data properties literals, and no axiom uses a datatype outside the
  OWL 2 datatype map (§4).
- :func:`hermit_consistency` — runs HermiT (bundled with the ``owlready2`` package; needs
  Java) and says whether ontology + data are consistent. Literals of ``xsd:date``,
  ``xsd:gYearMonth`` and ``xsd:gYear`` — outside the OWL 2 datatype map, yet what OWL-Time and
  schema.org prescribe for dates — are left to the SHACL shapes: HermiT runs with
  ``--ignoreUnsupportedDatatypes``, and :func:`dl_problems` reports any other datatype.

>>> import rdflib
>>> g = rdflib.Graph().parse(data='''
...     @prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
...     ex:p a owl:ObjectProperty , owl:DatatypeProperty . ex:a ex:q ex:b .''', format="turtle")
>>> for problem in dl_problems(g): print(problem)
illegal punning: http://example.org/p is declared as DatatypeProperty and ObjectProperty
undeclared property: http://example.org/q (1 statements)
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from kjgraph.errors import KjgraphError

#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification §4), rdfs:Literal and
#: rdf:langString (language-tagged strings, rdf:PlainLiteral in OWL 2 terms).
OWL2_DATATYPES = frozenset({
    OWL.real, OWL.rational, RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString,
    *(XSD[t] for t in (
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "double", "float", "string", "normalizedString",
        "token", "language", "Name", "NCName", "NMTOKEN", "boolean", "hexBinary", "base64Binary",
        "anyURI", "dateTime", "dateTimeStamp")),
})
#: Date datatypes kjgraph's data uses (OWL-Time, schema.org) that are outside the map: allowed as
#: values of data properties, checked by SHACL, ignored by HermiT; never in an axiom.
DATE_DATATYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})

_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                        OWL.deprecated, OWL.priorVersion, OWL.backwardCompatibleWith,
                        OWL.incompatibleWith}
_STRUCTURAL = {RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
               RDFS.range, OWL.inverseOf, OWL.disjointWith, OWL.members, OWL.equivalentClass,
               OWL.equivalentProperty, OWL.versionIRI, OWL.imports, OWL.propertyDisjointWith,
               OWL.sameAs, OWL.differentFrom, OWL.unionOf, OWL.intersectionOf, OWL.onProperty,
               OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.complementOf, OWL.oneOf}
_BUILTIN_CLASSES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                    OWL.IrreflexiveProperty, OWL.Ontology, OWL.AllDisjointClasses, OWL.Restriction,
                    OWL.NamedIndividual, OWL.Thing, OWL.Nothing, RDFS.Datatype, OWL.AllDifferent}


#: The kinds of declaration the checks read, with the names the problems give them.
_DECLARATIONS = {OWL.Class: "Class", RDFS.Datatype: "Datatype", OWL.ObjectProperty: "ObjectProperty",
                 OWL.DatatypeProperty: "DatatypeProperty", OWL.AnnotationProperty: "AnnotationProperty"}
#: Kinds an IRI may not be two of at once (OWL 2 Structural Specification §5.9).
_EXCLUSIVE_KINDS = ((OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty), (OWL.Class, RDFS.Datatype))

_Declared = dict[URIRef, set[URIRef]]


def dl_problems(graph: Graph) -> list[str]:
    """The OWL 2 DL structural problems of ``graph`` (ontology + data), one line each.

    Each line names the kind of problem and the IRI; an empty list means the graph passes
    these checks (which are those kjgraph can break, not the whole OWL 2 DL profile). The lines
    come in this order: illegal punning, undeclared properties, wrong values, datatypes outside
    the map in axioms, undeclared classes (used, then in ``owl:AllDisjointClasses``).
    """
    declared = _declarations(graph)
    problems = _illegal_punning(declared)
    problems += _property_use_problems(graph, declared)
    used_classes: Counter[URIRef] = _classes_used(graph, declared)
    problems += _domain_range_problems(graph, declared, used_classes)
    problems += [f"undeclared class: {c} ({n} uses)" for c, n in sorted(used_classes.items())]
    problems += _undeclared_disjoint_members(graph, declared)
    return problems


def _declarations(graph: Graph) -> _Declared:
    """``{kind: {IRI declared as that kind}}`` for the kinds of :data:`_DECLARATIONS`."""
    return {kind: {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)} for kind in _DECLARATIONS}


def _illegal_punning(declared: _Declared) -> list[str]:
    """An IRI declared as two kinds of property, or as class and datatype (§5.9)."""
    problems: list[str] = []
    for group in _EXCLUSIVE_KINDS:
        seen: dict[URIRef, list[str]] = {}
        for kind in group:
            for iri in declared[kind]:
                seen.setdefault(iri, []).append(_DECLARATIONS[kind])
        problems += [f"illegal punning: {iri} is declared as {' and '.join(sorted(k))}"
                     for iri, k in sorted(seen.items()) if len(k) > 1]
    return problems


def _wrong_value(p: URIRef, o: object, declared: _Declared) -> str | None:
    """What is wrong with the value ``o`` of the declared property ``p`` (None: nothing)."""
    if p in declared[OWL.ObjectProperty] and isinstance(o, Literal):
        return "a literal for an object property"
    if p in declared[OWL.DatatypeProperty] and not isinstance(o, Literal):
        return "an IRI or blank node for a data property"
    if (p in declared[OWL.DatatypeProperty] and isinstance(o, Literal) and o.datatype
            and o.datatype not in OWL2_DATATYPES and o.datatype not in DATE_DATATYPES):
        return f"a literal of {o.datatype}, outside the OWL 2 datatype map"
    return None


def _property_use_problems(graph: Graph, declared: _Declared) -> list[str]:
    """Statements whose property is undeclared (§5.8) or whose value does not fit the kind of
    the property, counted per property."""
    properties = declared[OWL.ObjectProperty] | declared[OWL.DatatypeProperty] | declared[OWL.AnnotationProperty]
    undeclared: Counter[URIRef] = Counter()
    wrong_value: Counter[tuple[URIRef, str]] = Counter()
    for _s, p, o in graph:
        if p in _STRUCTURAL or p in _BUILTIN_ANNOTATIONS or not isinstance(p, URIRef):
            continue
        if p not in properties:
            undeclared[p] += 1
        elif (what := _wrong_value(p, o, declared)) is not None:
            wrong_value[(p, what)] += 1
    return ([f"undeclared property: {p} ({n} statements)" for p, n in sorted(undeclared.items())]
            + [f"wrong value: {p} has {what} ({n} statements)" for (p, what), n in sorted(wrong_value.items())])


def _classes_used(graph: Graph, declared: _Declared) -> Counter[URIRef]:
    """Undeclared classes used as a type or in a class axiom, with the number of uses."""
    used: Counter[URIRef] = Counter()
    for o in graph.objects(None, RDF.type):
        if isinstance(o, URIRef) and o not in _BUILTIN_CLASSES and o not in declared[OWL.Class]:
            used[o] += 1
    for p in (RDFS.subClassOf, OWL.disjointWith, OWL.equivalentClass):
        for s, o in graph.subject_objects(p):
            for c in (s, o):
                if isinstance(c, URIRef) and c not in declared[OWL.Class]:
                    used[c] += 1
    return used


def _domain_range_problems(graph: Graph, declared: _Declared, used_classes: Counter[URIRef]) -> list[str]:
    """Datatypes outside the OWL 2 map as the range of a data property (§4); undeclared classes
    as a domain or range are counted into ``used_classes``."""
    problems: list[str] = []
    data_properties = declared[OWL.DatatypeProperty]
    for prop in declared[OWL.ObjectProperty] | data_properties:
        for p in (RDFS.domain, RDFS.range):
            for c in graph.objects(prop, p):
                if not isinstance(c, URIRef):
                    continue
                if p == RDFS.range and prop in data_properties:
                    if c not in OWL2_DATATYPES and c not in declared[RDFS.Datatype]:
                        problems.append(f"datatype outside the OWL 2 datatype map in an axiom: "
                                        f"{prop} rdfs:range {c}")
                elif c not in declared[OWL.Class]:
                    used_classes[c] += 1
    return problems


def _undeclared_disjoint_members(graph: Graph, declared: _Declared) -> list[str]:
    """Undeclared classes among the members of an ``owl:AllDisjointClasses``."""
    problems: list[str] = []
    for lst in graph.objects(None, OWL.members):
        problems += [f"undeclared class: {m} in owl:AllDisjointClasses" for m in graph.items(lst)
                     if isinstance(m, URIRef) and m not in declared[OWL.Class]]
    return problems


@dataclass(frozen=True)
class ReasonerResult:
    """What HermiT said: consistent or not, how long it took, and its message if not."""

    consistent: bool
    seconds: float
    message: str = ""


def _hermit_jar() -> Path:
    try:
        import owlready2
    except ImportError:
        raise KjgraphError("the DL reasoner needs the owlready2 package (it bundles HermiT): "
                           "pip install owlready2") from None
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise KjgraphError(f"HermiT is missing from owlready2 ({jar})")
    return jar


def hermit_consistency(graph: Graph, *, timeout: float = 600, memory_mb: int = 2000) -> ReasonerResult:
    """Check with HermiT whether ``graph`` (ontology + data) is consistent.

    The graph is written as N-Triples to a temporary file and given to HermiT's command line
    (``-k``: satisfiability of owl:Thing, i.e. consistency) with
    ``--ignoreUnsupportedDatatypes`` (see the module documentation). Raises
    :class:`KjgraphError` when Java or owlready2 is missing, or when HermiT fails otherwise
    (a parse error, a timeout), with its message.
    """
    java = shutil.which("java")
    if java is None:
        raise KjgraphError("the DL reasoner needs Java: apt-get install default-jre-headless")
    jar = _hermit_jar()
    with tempfile.TemporaryDirectory(prefix="kjgraph-hermit-") as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        command = [java, f"-Xmx{memory_mb}M", "-cp", f"{jar.parent}:{jar}",
                   "org.semanticweb.HermiT.cli.CommandLine", "-k", "--ignoreUnsupportedDatatypes",
                   path.as_uri()]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise KjgraphError(f"HermiT did not finish within {timeout:.0f} s") from None
        seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if "InconsistentOntologyException" in output or "is not satisfiable" in output:
        message = next((line for line in output.splitlines() if "Inconsistent" in line
                        or "not satisfiable" in line), "inconsistent")
        return ReasonerResult(False, seconds, message.strip())
    if done.returncode == 0 and "owl#Thing is satisfiable" in output:
        return ReasonerResult(True, seconds)
    first = next((line for line in output.splitlines() if line.strip() and not line.startswith("\tat ")), "")
    raise KjgraphError(f"HermiT failed (exit {done.returncode}): {first.strip()}")
