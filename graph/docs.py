"""The ontology's documentation as one readable HTML page, in English, Korean, Japanese or German.

kjgraph writes this page itself from ``ontology/kjgraph.ttl`` (read with rdflib, written with
Jinja2): pyLODE reads the ontology's SKOS concept schemes (roles, statuses, media, publisher
types) as further ontologies — the page took the title of the last one ("statuses") — and runs
the labels of the four languages together in every heading. Here the page has one title (the
ontology's ``dcterms:title`` in the reader's language), one label per term (RFC 4647 lookup,
:func:`kjgraph.labels.lookup`), and every class and property with its comment (the comments
exist in English only; they are marked ``lang="en"`` on a page in another language). Sections:
metadata (version, licence, creators, dates, changes), classes, object, datatype and annotation
properties (hierarchy, domains and ranges, disjoint classes, inverses), the concept schemes with
their concepts, and the external terms the ontology declares. The page is self-contained (no
script, styles inline) and its interface texts come from :mod:`kjgraph.i18n`.

>>> html = ontology_html("ko")
>>> "<title>kjgraph 온톨로지</title>" in html
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from kjgraph.i18n import N_, gettext
from kjgraph.labels import LANGUAGES, check_language, lookup
from kjgraph.namespaces import BASE
from kjgraph.query import curie
from kjgraph.resources import ontology_dir

ONTOLOGY = f"{BASE}ontology"
KJO = f"{BASE}ontology#"
SAFE_LINK = ("http://", "https://")


@dataclass
class Term:
    """One documented term: its IRI, short name, label and comment in the reader's language."""

    iri: str
    name: str
    label: str
    label_lang: str
    comment: str = ""
    comment_lang: str = ""
    facts: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (heading, [(text, href)])
    members: list[Term] = field(default_factory=list)  # a concept scheme's concepts
    notation: str = ""


def ontology_document(lang: str = "en", path: Path | None = None) -> dict[str, Any]:
    """What the page shows, in ``lang``: metadata and the terms of each section (plain values)."""
    import rdflib
    from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

    lang = check_language(lang)
    graph = rdflib.Graph().parse(path or ontology_dir() / "kjgraph.ttl")
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}

    def text(subject: Any, *predicates: Any) -> tuple[str, str]:
        for predicate in predicates:
            found = lookup(((str(o), o.language or "") for o in graph.objects(subject, predicate)
                            if isinstance(o, rdflib.Literal)), lang)
            if found:
                return found
        return "", ""

    def label(iri: Any) -> tuple[str, str]:
        found = text(iri, RDFS.label, SKOS.prefLabel)
        return found if found[0] else (curie(str(iri), prefixes), "")

    def ref(iri: Any) -> tuple[str, str]:
        """A link to a term: within the page for our own terms, else to the IRI (http(s) only)."""
        iri = str(iri)
        if iri.startswith(KJO):
            return label(rdflib.URIRef(iri))[0], "#" + iri[len(KJO):]
        return curie(iri, prefixes), iri if iri.startswith(SAFE_LINK) else ""

    def local(kind: Any) -> list[Any]:
        return sorted((s for s in set(graph.subjects(RDF.type, kind)) if str(s).startswith(KJO)),
                      key=lambda s: label(s)[0].casefold())

    disjoint: dict[str, set[str]] = {}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in graph.objects(group, OWL.members):
            together = list(rdflib.collection.Collection(graph, members))
            for c in together:
                disjoint.setdefault(str(c), set()).update(str(o) for o in together if o != c)

    def term(iri: Any) -> Term:
        shown, shown_lang = label(iri)
        comment, comment_lang = text(iri, RDFS.comment, SKOS.definition)
        return Term(str(iri), curie(str(iri), prefixes), shown, shown_lang, comment, comment_lang)

    def facts(t: Term, *rows: tuple[str, Any]) -> Term:
        for heading, values in rows:
            refs = sorted({ref(v) for v in values}, key=lambda r: r[0].casefold())
            if refs:
                t.facts.append((gettext(heading, lang), refs))
        return t

    classes = []
    for c in local(OWL.Class):
        classes.append(facts(
            term(c),
            (N_("Subclass of"), [o for o in graph.objects(c, RDFS.subClassOf) if isinstance(o, rdflib.URIRef)]),
            (N_("Subclasses"), graph.subjects(RDFS.subClassOf, c)),
            (N_("Properties with this domain"), graph.subjects(RDFS.domain, c)),
            (N_("Properties with this range"), graph.subjects(RDFS.range, c)),
            (N_("Disjoint with"), [rdflib.URIRef(o) for o in disjoint.get(str(c), ())]),
            (N_("Instances"), [s for s in graph.subjects(RDF.type, c) if str(s).startswith(KJO)])))

    def properties(kind: Any) -> list[Term]:
        out = []
        for p in local(kind):
            t = facts(term(p),
                      (N_("Sub-property of"), graph.objects(p, RDFS.subPropertyOf)),
                      (N_("Sub-properties"), graph.subjects(RDFS.subPropertyOf, p)),
                      (N_("Domain"), graph.objects(p, RDFS.domain)), (N_("Range"), graph.objects(p, RDFS.range)),
                      (N_("Inverse of"), [*graph.objects(p, OWL.inverseOf), *graph.subjects(OWL.inverseOf, p)]))
            if (p, RDF.type, OWL.FunctionalProperty) in graph:
                t.facts.append((gettext("Characteristics", lang), [(gettext("functional", lang), "")]))
            out.append(t)
        return out

    schemes = []
    for s in local(SKOS.ConceptScheme):
        scheme = term(s)
        for c in sorted(graph.subjects(SKOS.inScheme, s), key=lambda x: label(x)[0].casefold()):
            concept = term(c)
            concept.notation = str(next(graph.objects(c, SKOS.notation), ""))
            concept.facts = [(gettext("Class", lang), [ref(t) for t in graph.objects(c, RDF.type)])]
            scheme.members.append(concept)
        schemes.append(scheme)

    external = sorted({str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                            OWL.AnnotationProperty)
                       for s in graph.subjects(RDF.type, kind)
                       if isinstance(s, rdflib.URIRef) and not str(s).startswith(KJO)})
    onto = rdflib.URIRef(ONTOLOGY)
    creators = [str(n) for c in graph.objects(onto, DCTERMS.creator) for n in graph.objects(c, FOAF.name)]
    creators += [str(c) for c in graph.objects(onto, DCTERMS.creator) if isinstance(c, rdflib.URIRef)]
    title = text(onto, DCTERMS.title, RDFS.label)
    description = text(onto, DCTERMS.description)
    comment = text(onto, RDFS.comment)
    meta = [
        (N_("IRI"), [(ONTOLOGY, ONTOLOGY)]),
        (N_("Version"), [(str(v), "") for v in graph.objects(onto, OWL.versionInfo)]
         + [(str(v), str(v)) for v in graph.objects(onto, OWL.versionIRI)]),
        (N_("Licence"), [(str(v), str(v) if str(v).startswith(SAFE_LINK) else "")
                     for v in graph.objects(onto, DCTERMS.license)]),
        (N_("Creators"), [(c, "") for c in sorted(creators)]),
        (N_("Created"), [(str(v), "") for v in graph.objects(onto, DCTERMS.created)]),
        (N_("Modified"), [(str(v), "") for v in graph.objects(onto, DCTERMS.modified)]),
        (N_("Changes"), [(text(onto, SKOS.changeNote)[0], "")] if text(onto, SKOS.changeNote)[0] else []),
    ]
    return {
        "lang": lang, "title": title[0] or "kjgraph ontology", "title_lang": title[1],
        "description": description, "comment": comment,
        "meta": [(gettext(k, lang), v) for k, v in meta if v],
        "sections": [
            ("classes", gettext("Classes", lang), classes),
            ("object-properties", gettext("Object properties", lang), properties(OWL.ObjectProperty)),
            ("datatype-properties", gettext("Datatype properties", lang), properties(OWL.DatatypeProperty)),
            ("annotation-properties", gettext("Annotation properties", lang), properties(OWL.AnnotationProperty)),
            ("concept-schemes", gettext("Concept schemes", lang), schemes),
        ],
        "external": [(curie(i, prefixes), i) for i in external],
    }



def ontology_html(lang: str = "en", *, language_links: dict[str, str] | None = None) -> str:
    """The documentation page in ``lang``; ``language_links`` (``{lang: href}``) adds links to the
    page in the other languages (the server's ``?lang=``, the static site's files)."""
    from jinja2 import Environment

    from kjgraph.i18n import translations
    from kjgraph.server.pages import LANGUAGE_NAMES

    document = ontology_document(lang)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(document["lang"]), newstyle=True)  # type: ignore[attr-defined]
    links = [(code, language_links[code]) for code in LANGUAGES if language_links and code in language_links]
    template = (Path(str(files("kjgraph"))) / "templates" / "ontology.html.j2").read_text(encoding="utf-8")
    return env.from_string(template).render(d=document, links=links, names=LANGUAGE_NAMES)


def write_ontology_docs(out: Path, lang: str = "en", *, language_links: dict[str, str] | None = None) -> Path:
    """Write the ontology's documentation in ``lang`` to ``out`` and return the path."""
    html = ontology_html(lang, language_links=language_links)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
