"""An ontologist opens kjgraph in a DL reasoner: ontology + data are OWL 2 DL and consistent.

The structural checks (declarations, punning, datatypes) run on every test run; HermiT (a real
DL reasoner, bundled with owlready2, on Java) runs in the slow tests.
"""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
import rdflib

from kjgraph.quads import load_ontology
from kjgraph.reasoning import dl_problems, hermit_consistency
from kjgraph.store import StoreLocation
from tests.conftest import FIXTURES

REASONER = FIXTURES / "reasoner"
needs_java = pytest.mark.skipif(shutil.which("java") is None,
                                reason="Java is missing (.ci/setup installs default-jre-headless)")


def union(location: StoreLocation) -> rdflib.Graph:
    """The built graph's default graph (ontology and every fact), as rdflib reads it."""
    data = location.open().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return rdflib.Graph().parse(data=data, format="nt")


def with_ontology(turtle: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for triple in load_ontology():
        graph.add(triple)
    return graph.parse(data=turtle, format="turtle")


# ---------------------------------------------------------------- structure (fast)

def test_ontology_and_data_pass_the_owl2_dl_structural_checks(built_store: StoreLocation) -> None:
    assert dl_problems(union(built_store)) == []


PREFIXES = """@prefix kjo: <https://w3id.org/kjgraph/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> . @prefix ex: <https://example.org/> .
"""
# each kind of fault the structural check knows → a graph with one instance → the exact report
FAULTS = {
    "undeclared-class": ("ex:x a schema:Museum .", "undeclared class: https://schema.org/Museum (1 uses)"),
    "undeclared-property": ("ex:x schema:duration ex:y .",
                            "undeclared property: https://schema.org/duration (1 statements)"),
    "illegal-punning": ("schema:location a owl:DatatypeProperty .",
                        "illegal punning: https://schema.org/location is declared as DatatypeProperty "
                        "and ObjectProperty"),
    "literal-for-object-property": ('ex:x kjo:place "Nara" .',
                                    "wrong value: https://w3id.org/kjgraph/ontology#place has a literal "
                                    "for an object property (1 statements)"),
    "date-range-axiom": ("kjo:earliestDate rdfs:range xsd:date .",
                         "datatype outside the OWL 2 datatype map in an axiom: "
                         "https://w3id.org/kjgraph/ontology#earliestDate rdfs:range "
                         "http://www.w3.org/2001/XMLSchema#date"),
    "datatype-outside-the-map": ('ex:x kjo:durationMinutes "PT10M"^^xsd:duration .',
                                 "wrong value: https://w3id.org/kjgraph/ontology#durationMinutes has a "
                                 "literal of http://www.w3.org/2001/XMLSchema#duration, outside the OWL 2 "
                                 "datatype map (1 statements)"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_structural_check_reports_each_kind_of_fault(fault: str) -> None:
    turtle, expected = FAULTS[fault]
    assert dl_problems(with_ontology(PREFIXES + turtle)) == [expected]


def test_the_ontology_alone_passes_and_dates_stay_out_of_axioms() -> None:
    """Regression (issue 13): rdfs:range xsd:date and undeclared external terms."""
    ontology = load_ontology()
    assert dl_problems(ontology) == []
    assert not set(ontology.subject_objects(rdflib.RDFS.range)) & {
        (p, rdflib.XSD.date) for p in ontology.subjects()}


# ---------------------------------------------------------------- HermiT (slow)

@needs_java
@pytest.mark.slow
def test_hermit_finds_ontology_and_data_consistent(built_store: StoreLocation) -> None:
    result = hermit_consistency(union(built_store))
    assert result.consistent, result.message


@needs_java
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.stem for p in REASONER.glob("*consistent-*.ttl")))
def test_hermit_judges_each_fixture(name: str) -> None:
    result = hermit_consistency(with_ontology((REASONER / f"{name}.ttl").read_text("utf-8")))
    assert result.consistent == name.startswith("consistent-"), (name, result)
    if not result.consistent:
        assert "Inconsistent ontology" in result.message
