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
    # typed references (issue 13): a country must be a country
    "invalid-person-nationality-is-a-city": (
        "kjg:person/abe", "schema:nationality", "a nationality is a kjo:Country"),
    "invalid-meeting-on-behalf-of-a-city": (
        "kjg:participation/park", "kjo:onBehalfOf", "a participant represents a kjo:Country"),
    "invalid-agreement-party-is-a-city": (
        "kjg:agreement/a", "kjo:party", "a party to an agreement is a country"),
    "invalid-body-country-is-a-city": (
        "kjg:organization/mofa", "kjo:ofCountry", "a government body belongs to a kjo:Country"),
    "invalid-office-of-a-city": (
        "kjg:office/pm", "kjo:officeOf", "an office is an office of a kjo:Country"),
    # the ontology's own terms: disjoint classes, declared terms
    "invalid-person-is-also-a-place": (
        "kjg:person/abe", "",
        "a person cannot also be a place, an event, an outcome, an organisation, a source, a topic or "
        "a term of office: the ontology declares these classes disjoint"),
    "invalid-meeting-is-also-a-visit": (
        "kjg:event/m", "",
        "a visit cannot also be a leaders' meeting: a visit contains its meetings (the ontology declares "
        "these classes disjoint)"),
    "invalid-person-undeclared-property": (
        "kjg:person/abe", "",
        "kjo:nationality is not a property the kjgraph ontology declares; check its spelling "
        "against ontology/kjgraph.ttl"),
    "invalid-person-undeclared-class": (
        "kjg:person/abe", "",
        "kjo:Politician is not a class the kjgraph ontology declares; check its spelling "
        "against ontology/kjgraph.ttl"),
    # the data format of issue 13: calls, venues, sub-events, sources, the ledger
    "invalid-call-without-medium": (
        "kjg:event/c", "kjo:medium", "a leaders' call has one medium (kjo:telephone or kjo:video)"),
    "invalid-call-duration-zero": (
        "kjg:event/c", "kjo:durationMinutes",
        "a duration is one positive whole number of minutes (xsd:integer)"),
    "invalid-meeting-part-of-a-meeting": (
        "kjg:event/m", "",
        "a leaders' meeting or call is part of https://w3id.org/kjgraph/id/event/v, itself a leaders' "
        "meeting or call; a meeting belongs to a visit or a gathering"),
    "invalid-venue-outside-the-place": (
        "kjg:event/m", "",
        "the venue https://w3id.org/kjgraph/id/place/kantei does not lie in the event's place "
        "https://w3id.org/kjgraph/id/place/nara"),
    "invalid-source-without-publisher-type": (
        "kjg:source/other", "kjo:publisherType",
        "a source has one publisher type (kjo:publisherType, from the kjgraph publisher types)"),
    "invalid-coverage-entry-recorded-and-left-out": (
        "kjg:coverage/r--1", "",
        "a coverage entry gives either the record holding the meeting (kjo:recordedAs) or the reason "
        "it is left out with its sources, exactly one of them"),
    "invalid-coverage-entry-kind-is-a-visit": (
        "kjg:coverage/r--2", "kjo:entryKind",
        "a coverage entry has one kind: Summit, SidelineMeeting, BriefTalk or LeaderCall"),
}


def twin(name: str) -> str:
    """The valid fixture an invalid one differs from in one respect."""
    stem = name.removeprefix("invalid-")
    return next(v for v in ("valid-" + p for p in ("meeting", "tenure", "person", "agreement", "body",
                                                    "call", "visit", "source", "coverage", "anchor"))
                if stem.startswith(v.removeprefix("valid-")) or (v, stem) in {
                    ("valid-body", "office-of-a-city"), ("valid-visit", "venue-outside-the-place")})


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
    for name in EXPECTED:  # and has its valid twin
        assert (SHAPES / f"{twin(name)}.ttl").is_file(), name


@pytest.mark.slow
def test_validate_command_passes_on_the_shipped_data() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


@pytest.mark.slow
def test_validate_command_fails_on_a_violation(tmp_path: Path, minimal_data: Path) -> None:
    tenures = minimal_data / "tenures.yaml"
    # A leader's term known only to the month passes the data checks but not the shapes.
    tenures.write_text(tenures.read_text().replace('start: "2025-10-21"', 'start: "2025-10"'))
    result = run_cli("validate", "--data", str(minimal_data))
    assert result.returncode == 1
    assert "a leader's term of office needs exact start and end days" in result.stdout


@pytest.mark.slow
def test_validate_warns_for_facts_resting_only_on_other_sources(tmp_path: Path) -> None:
    """Issue 13 item 4: every fact whose sources are all of publisher type 'other' is named, and counted."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "ledger", data)
    result = run_cli("validate", "--data", str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert ("places.yaml:7: sources: warning: rests only on sources of publisher type 'other' (mirror); "
            "cite an official, news-agency, newspaper, broadcaster or reference source that states it "
            "(record 'guest-house')") in lines
    assert "1 fact(s) rest only on sources of publisher type 'other' (8 statements); the goal is none." in lines
    # a stronger source for the same record: no warning left
    places = data / "places.yaml"
    places.write_text(places.read_text("utf-8").replace("sources: [mirror]", "sources: [mirror, report]"), "utf-8")
    result = run_cli("validate", "--data", str(data))
    assert "0 fact(s) rest only on sources of publisher type 'other' (0 statements); the goal is none." in \
        result.stdout.splitlines()


def test_a_place_for_a_country_is_a_data_error_with_its_line(tmp_path: Path) -> None:
    """Typed references in the loader: a nationality (and every other country reference) is a Country."""
    import shutil

    from kjgraph.errors import DataError
    from kjgraph.loader import load_catalog

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "ledger", data)
    people = data / "people.yaml"
    people.write_text(people.read_text("utf-8").replace(
        "{id: president-a, labels: {en: President A}, country: kr,",
        "{id: president-a, labels: {en: President A}, country: seoul,"), "utf-8")
    agreements = data / "agreements.yaml"
    agreements.write_text("- {id: a, kind: Proposal, labels: {en: A proposal}, parties: [kr, tokyo], "
                          "sources: [report]}\n", "utf-8")
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    assert [str(p) for p in caught.value.problems] == [
        "agreements.yaml:1: parties.1: a party to an agreement must be a country, found the city "
        "'tokyo'; give the id of a place of kind Country (record 'a')",
        "people.yaml:1: country: a nationality ('country') must be a country, found the city 'seoul'; "
        "give the id of a place of kind Country (record 'president-a')",
    ]
