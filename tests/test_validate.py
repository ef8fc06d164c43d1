"""A curator validates: the shipped data conforms; each broken shape fixture fails precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kjgraph.validate import validate_graph

from .conftest import FIXTURES, run_cli

SHAPES = FIXTURES / "shapes"
PREFIXES = (SHAPES / "_prefixes.ttl").read_text(encoding="utf-8")

# invalid fixture → (focus node, path or "", message)
EXPECTED = {
    "invalid-tenure-end-before-start": (
        "kjg:tenure/abe-2012", "kjo:earliestDate", "the end date is before the start date"),
    "invalid-tenure-leader-month-precision": (
        "kjg:tenure/abe-2012", "",
        "a leader's term of office needs exact start and end days (xsd:date), found 2012-12"),
    "invalid-meeting-outside-tenure": (
        "kjg:participation/abe", "",
        "the event (2021-11-02) lies outside the term of office https://w3id.org/kjgraph/id/tenure/abe-2012 "
        "in whose capacity https://w3id.org/kjgraph/id/person/abe is said to take part"),
    "invalid-meeting-without-source": (
        "kjg:event/m", "http://purl.org/dc/terms/source",
        "every factual statement needs at least one source (dcterms:source to a kjo:Source)"),
    "invalid-meeting-two-labels-in-one-language": (
        "kjg:event/m", "http://www.w3.org/2000/01/rdf-schema#label",
        "labels are tagged en, ko, ja or de (or a script variant), one per language"),
}


def load(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + (SHAPES / f"{name}.ttl").read_text(encoding="utf-8"),
                                format="turtle")


# the evidence shapes (text anchors, docs/decisions/20261201-text-anchors.md)
EXPECTED.update({
    "invalid-anchor-quote-not-at-position": (
        "kjg:segment/t", "", "the quote Abe met Park in Tokio. is not the text of the source at code points 0–22"),
    "invalid-anchor-context-not-next-to-quote": (
        "kjg:segment/t", "", "the context They agreed is not the text just before or after the quote"),
    "invalid-anchor-record-does-not-cite-the-source": (
        "kjg:annotation/a", "", "the record https://w3id.org/kjgraph/id/office/pm does not cite the source "
        "https://w3id.org/kjgraph/id/source/src whose text is its evidence"),
    "invalid-anchor-without-position": (
        "kjg:segment/t", "http://www.w3.org/ns/oa#hasSelector", "a text segment has one oa:TextPositionSelector"),
})


@pytest.mark.parametrize("name", sorted(p.stem for p in SHAPES.glob("valid-*.ttl")))
def test_valid_fixture_conforms(name: str) -> None:
    report = validate_graph(load(name))
    assert report.conforms, report.text()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_fails_with_the_exact_focus_and_message(name: str) -> None:
    report = validate_graph(load(name))
    assert not report.conforms
    focus, path, message = EXPECTED[name]
    found = [(f.focus.split(" (")[0], f.path, f.message) for f in report.violations]
    assert (focus, path, message) in found, report.text()
    assert len(report.violations) == 1, report.text()


def test_every_invalid_fixture_is_expected() -> None:
    assert sorted(p.stem for p in SHAPES.glob("invalid-*.ttl")) == sorted(EXPECTED)


def test_validate_command_passes_on_the_shipped_data() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_validate_command_fails_on_a_violation(tmp_path: Path, minimal_data: Path) -> None:
    tenures = minimal_data / "tenures.yaml"
    # A leader's term known only to the month passes the data checks but not the shapes.
    tenures.write_text(tenures.read_text().replace('start: "2025-10-21"', 'start: "2025-10"'))
    result = run_cli("validate", "--data", str(minimal_data))
    assert result.returncode == 1
    assert "a leader's term of office needs exact start and end days" in result.stdout
