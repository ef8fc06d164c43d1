"""A user reads the ontology's documentation: one title, one language per label, every term with its
comment, the concept schemes with their concepts — in English, Korean, Japanese and German."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kjgraph.i18n import gettext
from kjgraph.labels import LANGUAGES
from kjgraph.resources import ontology_dir

from .conftest import run_cli

KJO = "https://w3id.org/kjgraph/ontology#"
ONTOLOGY = rdflib.Graph().parse(ontology_dir() / "kjgraph.ttl")
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, SKOS.ConceptScheme)


def literals(subject: rdflib.term.Node, predicate: rdflib.URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in ONTOLOGY.objects(subject, predicate) if isinstance(o, rdflib.Literal)}


def text(node: object) -> str:
    return " ".join("".join(node.itertext()).split())  # type: ignore[attr-defined]


@pytest.fixture(scope="module", params=LANGUAGES)
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    out = tmp_path_factory.mktemp("docs") / f"ontology-{request.param}.html"
    run_cli("docs", "--lang", request.param, "-o", str(out), check=True)
    return request.param, html5lib.parse(out.read_text(encoding="utf-8"), namespaceHTMLElements=False)


@pytest.mark.slow
def test_one_title_in_the_readers_language(page: tuple[str, object]) -> None:
    lang, doc = page
    title = literals(rdflib.URIRef(KJO[:-1]), DCTERMS.title)[lang]
    assert [text(t) for t in doc.iter("title")] == [title]  # type: ignore[attr-defined]
    assert [text(h) for h in doc.iter("h1")] == [title]  # type: ignore[attr-defined]
    assert doc.get("lang") == lang  # type: ignore[attr-defined]  (the root is <html>)


def test_every_term_with_its_label_and_comment(page: tuple[str, object]) -> None:
    lang, doc = page
    sections = {s.get("id"): s for s in doc.iter("section")}  # type: ignore[attr-defined]
    terms = {s for kind in KINDS for s in ONTOLOGY.subjects(RDF.type, kind) if str(s).startswith(KJO)}
    assert len(terms) > 100
    for term in terms:
        section = sections[str(term)[len(KJO):]]
        labels = literals(term, RDFS.label)
        heading = text(section.find("h3"))
        assert heading == labels[lang], term  # one label, in the reader's language
        others = {v for k, v in labels.items() if k != lang and v != labels[lang] and v not in labels[lang]}
        assert not any(v in heading for v in others), term
        comment = literals(term, RDFS.comment).get("en") or literals(term, SKOS.definition).get("en")
        if comment:
            assert " ".join(comment.split()) in text(section), term
    # the concept schemes list their concepts
    for scheme in ONTOLOGY.subjects(RDF.type, SKOS.ConceptScheme):
        rows = {r.get("id") for r in sections[str(scheme)[len(KJO):]].iter("tr") if r.get("id")}
        assert rows == {str(c)[len(KJO):] for c in ONTOLOGY.subjects(SKOS.inScheme, scheme)}


def test_the_page_is_self_contained_and_translated(page: tuple[str, object]) -> None:
    lang, doc = page
    assert list(doc.iter("script")) == []  # type: ignore[attr-defined]
    for element in doc.iter():  # type: ignore[attr-defined]
        assert not (element.tag in ("img", "link", "iframe") and (element.get("src") or element.get("href"))), element
        href = element.get("href") if element.tag == "a" else None
        assert href is None or href.startswith(("#", "http://", "https://")), href
    headings = [text(h) for h in doc.iter("h2")]  # type: ignore[attr-defined]
    for message in ("Metadata", "Classes", "Object properties", "Concept schemes"):
        assert gettext(message, lang) in headings


def test_docs_rejects_an_unsupported_language(tmp_path: Path) -> None:
    result = run_cli("docs", "--lang", "fr", "-o", str(tmp_path / "x.html"))
    assert result.returncode == 2 and "unsupported language 'fr'" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_cli_help_lists_the_commands() -> None:
    result = run_cli("--help", check=True)
    for command in ("build", "validate", "query", "queries", "export", "stats", "docs"):
        assert command in result.stdout
