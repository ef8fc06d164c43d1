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

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

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
    """What the page shows, in ``lang``: metadata and the terms of each section (plain values).

    ``path``: the ontology's Turtle file (default: the installed ``kjgraph.ttl``); raises
    rdflib's parser errors for a file that does not parse."""
    lang = check_language(lang)
    reader = _OntologyReader(rdflib.Graph().parse(path or ontology_dir() / "kjgraph.ttl"), lang)
    title = reader.text(reader.onto, DCTERMS.title, RDFS.label)
    return {
        "lang": lang, "title": title[0] or "kjgraph ontology", "title_lang": title[1],
        "description": reader.text(reader.onto, DCTERMS.description),
        "comment": reader.text(reader.onto, RDFS.comment),
        "meta": [(gettext(k, lang), v) for k, v in reader.metadata() if v],
        "sections": [
            ("classes", gettext("Classes", lang), reader.classes()),
            ("object-properties", gettext("Object properties", lang), reader.properties(OWL.ObjectProperty)),
            ("datatype-properties", gettext("Datatype properties", lang), reader.properties(OWL.DatatypeProperty)),
            ("annotation-properties", gettext("Annotation properties", lang),
             reader.properties(OWL.AnnotationProperty)),
            ("concept-schemes", gettext("Concept schemes", lang), reader.schemes()),
        ],
        "external": [(curie(i, reader.prefixes), i) for i in reader.external()],
    }


class _OntologyReader:
    """Reads the terms of one ontology graph for a reader of ``lang``: labels and comments by
    RFC 4647 lookup, links within the page for kjgraph's terms, one method per section."""

    def __init__(self, graph: rdflib.Graph, lang: str) -> None:
        self.graph, self.lang = graph, lang
        self.prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
        self.onto = rdflib.URIRef(ONTOLOGY)
        self.disjoint = self._disjoint_classes()

    def _disjoint_classes(self) -> dict[str, set[str]]:
        """``{class: {classes disjoint with it}}`` from the ontology's ``owl:AllDisjointClasses``."""
        disjoint: dict[str, set[str]] = {}
        for group in self.graph.subjects(RDF.type, OWL.AllDisjointClasses):
            for members in self.graph.objects(group, OWL.members):
                together = list(Collection(self.graph, members))
                for c in together:
                    disjoint.setdefault(str(c), set()).update(str(o) for o in together if o != c)
        return disjoint

    def text(self, subject: Any, *predicates: Any) -> tuple[str, str]:
        """``(text, language tag)`` of the first of ``predicates`` with a literal in the reader's
        language (or the fallback); ``("", "")`` when none has one."""
        for predicate in predicates:
            found = lookup(((str(o), o.language or "") for o in self.graph.objects(subject, predicate)
                            if isinstance(o, rdflib.Literal)), self.lang)
            if found:
                return found
        return "", ""

    def label(self, iri: Any) -> tuple[str, str]:
        found = self.text(iri, RDFS.label, SKOS.prefLabel)
        return found if found[0] else (curie(str(iri), self.prefixes), "")

    def ref(self, iri: Any) -> tuple[str, str]:
        """A link to a term: within the page for our own terms, else to the IRI (http(s) only)."""
        iri = str(iri)
        if iri.startswith(KJO):
            return self.label(rdflib.URIRef(iri))[0], "#" + iri[len(KJO):]
        return curie(iri, self.prefixes), iri if iri.startswith(SAFE_LINK) else ""

    def local(self, kind: Any) -> list[Any]:
        """kjgraph's own terms of ``kind``, in the order of their labels."""
        return sorted((s for s in set(self.graph.subjects(RDF.type, kind)) if str(s).startswith(KJO)),
                      key=lambda s: self.label(s)[0].casefold())

    def term(self, iri: Any) -> Term:
        shown, shown_lang = self.label(iri)
        comment, comment_lang = self.text(iri, RDFS.comment, SKOS.definition)
        return Term(str(iri), curie(str(iri), self.prefixes), shown, shown_lang, comment, comment_lang)

    def facts(self, t: Term, *rows: tuple[str, Any]) -> Term:
        """``t`` with a fact per heading (a message id) that has values, as sorted links."""
        for heading, values in rows:
            refs = sorted({self.ref(v) for v in values}, key=lambda r: r[0].casefold())
            if refs:
                t.facts.append((gettext(heading, self.lang), refs))
        return t

    def classes(self) -> list[Term]:
        g = self.graph
        return [self.facts(
            self.term(c),
            (N_("Subclass of"), [o for o in g.objects(c, RDFS.subClassOf) if isinstance(o, rdflib.URIRef)]),
            (N_("Subclasses"), g.subjects(RDFS.subClassOf, c)),
            (N_("Properties with this domain"), g.subjects(RDFS.domain, c)),
            (N_("Properties with this range"), g.subjects(RDFS.range, c)),
            (N_("Disjoint with"), [rdflib.URIRef(o) for o in self.disjoint.get(str(c), ())]),
            (N_("Instances"), [s for s in g.subjects(RDF.type, c) if str(s).startswith(KJO)]))
            for c in self.local(OWL.Class)]

    def properties(self, kind: Any) -> list[Term]:
        g = self.graph
        out = []
        for p in self.local(kind):
            t = self.facts(self.term(p),
                           (N_("Sub-property of"), g.objects(p, RDFS.subPropertyOf)),
                           (N_("Sub-properties"), g.subjects(RDFS.subPropertyOf, p)),
                           (N_("Domain"), g.objects(p, RDFS.domain)), (N_("Range"), g.objects(p, RDFS.range)),
                           (N_("Inverse of"), [*g.objects(p, OWL.inverseOf), *g.subjects(OWL.inverseOf, p)]))
            if (p, RDF.type, OWL.FunctionalProperty) in g:
                t.facts.append((gettext("Characteristics", self.lang), [(gettext("functional", self.lang), "")]))
            out.append(t)
        return out

    def schemes(self) -> list[Term]:
        """The concept schemes, each with its concepts (notation and class) as members."""
        schemes = []
        for s in self.local(SKOS.ConceptScheme):
            scheme = self.term(s)
            for c in sorted(self.graph.subjects(SKOS.inScheme, s), key=lambda x: self.label(x)[0].casefold()):
                concept = self.term(c)
                concept.notation = str(next(self.graph.objects(c, SKOS.notation), ""))
                concept.facts = [(gettext("Class", self.lang),
                                  [self.ref(t) for t in self.graph.objects(c, RDF.type)])]
                scheme.members.append(concept)
            schemes.append(scheme)
        return schemes

    def external(self) -> list[str]:
        """The IRIs of the other vocabularies' terms the ontology declares, sorted."""
        return sorted({str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                            OWL.AnnotationProperty)
                       for s in self.graph.subjects(RDF.type, kind)
                       if isinstance(s, rdflib.URIRef) and not str(s).startswith(KJO)})

    def metadata(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """``[(heading message id, [(text, href)])]``: IRI, version, licence, creators, dates, changes."""
        g, onto = self.graph, self.onto
        creators = [str(n) for c in g.objects(onto, DCTERMS.creator) for n in g.objects(c, FOAF.name)]
        creators += [str(c) for c in g.objects(onto, DCTERMS.creator) if isinstance(c, rdflib.URIRef)]
        changes = self.text(onto, SKOS.changeNote)[0]
        return [
            (N_("IRI"), [(ONTOLOGY, ONTOLOGY)]),
            (N_("Version"), [(str(v), "") for v in g.objects(onto, OWL.versionInfo)]
             + [(str(v), str(v)) for v in g.objects(onto, OWL.versionIRI)]),
            (N_("Licence"), [(str(v), str(v) if str(v).startswith(SAFE_LINK) else "")
                             for v in g.objects(onto, DCTERMS.license)]),
            (N_("Creators"), [(c, "") for c in sorted(creators)]),
            (N_("Created"), [(str(v), "") for v in g.objects(onto, DCTERMS.created)]),
            (N_("Modified"), [(str(v), "") for v in g.objects(onto, DCTERMS.modified)]),
            (N_("Changes"), [(changes, "")] if changes else []),
        ]


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
