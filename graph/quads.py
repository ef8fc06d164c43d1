"""Turn the checked catalog of records into RDF quads, one named graph per source.

Each record's statements go into the named graph of every source it cites
(``https://w3id.org/kjgraph/graph/source/<id>``); vocabulary (offices, topics,
series) goes into ``graph/vocabulary``, source descriptions into
``graph/sources``, the ontology into ``graph/ontology``. The flat schema.org
shortcuts (``schema:startDate``, ``schema:location``, ``schema:attendee``) and
the superclass types are derived here, never typed by hand. The default graph
holds the union of all named graphs, each triple once.

>>> from kjgraph.loader import load_catalog
>>> ds = build_dataset(load_catalog())
>>> ID.event("2026-01-13-nara-summit") in set(ds.subjects())
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from pydantic import BaseModel
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SDO, SKOS, TIME

from kjgraph import records as r
from kjgraph.anchors import document_text, write_anchors
from kjgraph.dates import PartialDate
from kjgraph.labels import LANGUAGES
from kjgraph.loader import Catalog, tenure_covering
from kjgraph.mapping import Link, expand, link_of, references
from kjgraph.namespaces import (
    BASE,
    COVERAGE_GRAPH,
    GEO,
    ID,
    KJO,
    OA,
    ONTOLOGY_GRAPH,
    SOURCES_GRAPH,
    VOCABULARY_GRAPH,
    WIKIDATA,
    source_graph,
)
from kjgraph.resources import ontology_dir

TOPIC_SCHEME = ID.scheme("topics")
_SOURCE_TYPES = {
    "NewsArticle": SDO.NewsArticle,
    "EncyclopediaArticle": SDO.Article,
    "OfficialStatement": SDO.Article,
    "TreatyText": SDO.Legislation,
    "WebPage": SDO.WebPage,
}
_PUBLISHER_TYPES = {"official": KJO.officialPublisher, "news-agency": KJO.newsAgency,
                    "newspaper": KJO.newspaper, "broadcaster": KJO.broadcaster,
                    "reference": KJO.referenceWork, "other": KJO.otherPublisher}
_MEDIA = {"telephone": KJO.telephone, "video": KJO.video}
_ROLES = {"host": KJO.host, "guest": KJO.guest, "participant": KJO.participantRole,
          "signatory": KJO.signatoryRole}


_ROLE_NAMES = {
    "host": {"en": "host", "ko": "주최", "ja": "主催", "de": "Gastgeber"},
    "guest": {"en": "guest", "ko": "방문", "ja": "訪問側", "de": "Gast"},
    "participant": {"en": "participant", "ko": "참석", "ja": "参加", "de": "Teilnehmer"},
    "signatory": {"en": "signatory", "ko": "서명", "ja": "署名", "de": "Unterzeichner"},
}


def localized(record: r.Record | None, lang: str) -> str:
    """The record's label in ``lang``, falling back to English."""
    if record is None:
        return "?"
    return record.labels.get(lang, record.labels["en"])


def camel(slug: str) -> str:
    """``in-force`` → ``inForce`` (status slugs to ontology individuals)."""
    head, *rest = slug.split("-")
    return head + "".join(p.title() for p in rest)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


@cache
def load_ontology() -> Graph:
    """The ontology graph, parsed once per process."""
    return Graph().parse(ontology_dir() / "kjgraph.ttl", format="turtle")


def superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Each class with every class above it (reflexive, transitive)."""
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDF.type, OWL.Class)):
        if isinstance(cls, URIRef):
            closure[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                            if isinstance(c, URIRef)}
    return closure


#: An acting holder's office, in each language of the offices' names: "acting" before the office
#: in English and German, after it in Korean and Japanese (the words of the interface's "(acting)",
#: graph/i18n/*.po).
ACTING_OFFICE = {"en": "acting {office}", "de": "kommissarisch {office}", "ko": "{office} 권한대행",
                 "ja": "{office}臨時代理"}


class _Writer:
    """Adds the statements of one record to the graphs of its sources."""

    def __init__(self, dataset: Dataset, catalog: Catalog):
        self.ds = dataset
        self.catalog = catalog
        self.supers = superclasses(load_ontology())

    # -- helpers ------------------------------------------------------------------
    def iri(self, kind: str, slug: str) -> URIRef:
        """The IRI of record ``slug`` of ``kind`` (a :data:`kjgraph.records.KINDS` key)."""
        if kind == "places":
            place = self.catalog.places.get(slug)
            return ID.country(slug) if place and place.kind == "Country" else ID.place(slug)
        if kind == "bodies":
            return ID.organization(slug)
        singular = {"people": "person", "series": "series", "agreements": "agreement",
                    "events": "event", "tenures": "tenure", "offices": "office",
                    "topics": "topic", "sources": "source"}[kind]
        return ID(singular, slug)

    def target(self, link: Link, slug: str) -> URIRef:
        """The IRI of the record ``slug`` a link names: of the first of its kinds holding it
        (a body before a place of the same id)."""
        if "bodies" in link.targets and slug in self.catalog.bodies:
            return ID.organization(slug)
        kind = next((k for k in link.targets if slug in self.catalog.of_kind(k)), link.targets[0])
        return self.iri(kind, slug)

    def put(self, graphs: list[Graph], subject: URIRef, link: Link, target: URIRef) -> None:
        """The statements of one link (:mod:`kjgraph.mapping`) from ``subject`` to ``target``."""
        for g in graphs:
            for p in link.predicates:
                g.add((subject, expand(p), target))
            for p in link.inverse:
                g.add((target, expand(p), subject))

    def links(self, graphs: list[Graph], subject: URIRef, record: BaseModel, *,
              skip: tuple[str, ...] = ("sources",)) -> None:
        """The statements of the links of ``record``'s own fields (not its parts').

        ``sources`` is skipped by default: :meth:`cite` states each source in its own graph.
        """
        for path, link, target in references(record, nested=False):
            if path[0] not in skip:
                self.put(graphs, subject, link, self.target(link, target))

    def graphs(self, sources: Iterable[str]) -> list[Graph]:
        return [self.ds.graph(source_graph(s)) for s in sources]

    def typed(self, graphs: list[Graph], subject: URIRef, cls: URIRef) -> None:
        for g in graphs:
            for c in {cls} | self.supers.get(cls, set()):
                g.add((subject, RDF.type, c))

    def labels(self, graphs: list[Graph], subject: URIRef, record: r.Record, *,
               name: bool = False, pref: bool = False) -> None:
        for g in graphs:
            for lang, text in record.labels.items():
                lit = Literal(text, lang=lang)
                g.add((subject, RDFS.label, lit))
                if name:
                    g.add((subject, SDO.name, lit))
                if pref:
                    g.add((subject, SKOS.prefLabel, lit))
            for lang, texts in record.alt_labels.items():
                for text in texts:
                    g.add((subject, SKOS.altLabel, Literal(text, lang=lang)))
            for lang, text in record.description.items():
                g.add((subject, SDO.description, Literal(text, lang=lang)))
            if record.wikidata:
                g.add((subject, SKOS.exactMatch, WIKIDATA[record.wikidata]))

    def cite(self, graphs: list[Graph], subject: URIRef, sources: Iterable[str]) -> None:
        for g, source in zip(graphs, sources, strict=True):
            g.add((subject, DCTERMS.source, ID.source(source)))

    def when(self, graphs: list[Graph], subject: URIRef, start: PartialDate | None,
             end: PartialDate | None = None, *, flat: bool = True,
             open_ended: bool = False) -> URIRef | None:
        """OWL-Time instant or interval, the derived bounds, and schema:startDate/endDate.

        With ``open_ended`` the time is always an interval, whose end may be unknown
        (a term of office still running); it is returned.
        """
        if start is None:
            return None
        is_interval = open_ended or (end is not None and end != start)
        node = (URIRef(f"{BASE}id/time/{start}--{end or 'open'}") if is_interval
                else URIRef(f"{BASE}id/time/{start}"))
        for g in graphs:
            if is_interval:
                g.add((node, RDF.type, TIME.ProperInterval))
                g.add((node, TIME.hasBeginning, self.instant(g, start)))
                if end is not None:
                    g.add((node, TIME.hasEnd, self.instant(g, end)))
            else:
                self.instant(g, start)
            g.add((subject, TIME.hasTime, node))
            g.add((subject, KJO.earliestDate, Literal(start.earliest, datatype=XSD.date)))
            last = (end or start).latest if (end is not None or not open_ended) else None
            if last is not None:
                g.add((subject, KJO.latestDate, Literal(last, datatype=XSD.date)))
            if flat:
                g.add((subject, SDO.startDate, start.literal()))
                if end is not None and end != start:
                    g.add((subject, SDO.endDate, end.literal()))
        return node

    def instant(self, g: Graph, day: PartialDate) -> URIRef:
        node = URIRef(f"{BASE}id/time/{day}")
        g.add((node, RDF.type, TIME.Instant))
        prop = {"day": TIME.inXSDDate, "month": TIME.inXSDgYearMonth,
                "year": TIME.inXSDgYear}[day.precision]
        g.add((node, prop, day.literal()))
        return node

    # -- records ------------------------------------------------------------------
    def source(self, source: r.Source) -> None:
        g = self.ds.graph(SOURCES_GRAPH)
        s = ID.source(source.id)
        for cls in (KJO.Source, _SOURCE_TYPES[source.kind]):
            self.typed([g], s, cls)
        g.add((s, RDFS.label, Literal(source.title)))
        g.add((s, SDO.headline, Literal(source.title)))
        g.add((s, DCTERMS.title, Literal(source.title)))
        g.add((s, SDO.inLanguage, Literal(source.language)))
        g.add((s, KJO.publisherType, _PUBLISHER_TYPES[source.publisher_type]))
        if source.url:
            g.add((s, SDO.url, URIRef(source.url)))
        if source.file:
            document = self.catalog.root / "documents" / source.file
            g.add((s, SDO.url, URIRef(f"{BASE}document/{source.file}")))
            if document.is_file():
                text = document_text(document)  # the text that evidence offsets count in
                g.add((s, SDO.text, Literal(text, lang=source.language)))
        if source.publisher:
            publisher = ID.publisher(slugify(source.publisher))
            self.typed([g], publisher, KJO.Publisher)
            g.add((publisher, RDFS.label, Literal(source.publisher)))
            g.add((s, SDO.publisher, publisher))
        if source.published:
            g.add((s, SDO.datePublished, source.published.literal()))
        for lang, text in source.description.items():
            g.add((s, SDO.description, Literal(text, lang=lang)))
        named = source_graph(source.id)
        self.typed([g], named, KJO.SourceGraph)
        g.add((named, PROV.wasDerivedFrom, s))
        g.add((named, RDFS.label, Literal(f"Statements of source {source.id}", lang="en")))

    def place(self, place: r.Place) -> None:
        s = self.iri("places", place.id)
        gs = self.graphs(place.sources)
        self.typed(gs, s, getattr(KJO, place.kind))
        self.labels(gs, s, place, name=True)
        self.cite(gs, s, place.sources)
        self.links(gs, s, place)
        for g in gs:
            if place.lat is not None and place.long is not None:
                g.add((s, GEO.lat, Literal(Decimal(str(place.lat)))))
                g.add((s, GEO.long, Literal(Decimal(str(place.long)))))

    def person(self, person: r.Person) -> None:
        s = ID.person(person.id)
        gs = self.graphs(person.sources)
        self.typed(gs, s, KJO.Person)
        self.labels(gs, s, person, name=True)
        self.cite(gs, s, person.sources)
        self.links(gs, s, person)
        for g in gs:
            if person.born:
                g.add((s, SDO.birthDate, person.born.literal()))
            if person.died:
                g.add((s, SDO.deathDate, person.died.literal()))

    def office(self, office: r.Office) -> None:
        g = self.ds.graph(VOCABULARY_GRAPH)
        s = ID.office(office.id)
        self.typed([g], s, KJO.LeaderOffice if office.leader else KJO.Office)
        self.labels([g], s, office)
        self.links([g], s, office)

    def tenure(self, tenure: r.Tenure) -> None:
        s = ID.tenure(tenure.id)
        gs = self.graphs(tenure.sources)
        person = self.catalog.people[tenure.person]
        office = self.catalog.offices[tenure.office]
        self.typed(gs, s, KJO.Tenure)
        self.cite(gs, s, tenure.sources)
        interval = self.when(gs, s, tenure.start, tenure.end, open_ended=True)
        span = f"{tenure.start}–{tenure.end or ''}"
        self.links(gs, s, tenure)
        for g in gs:
            g.add((s, ORG.organization, self.iri("places", office.country)))
            g.add((s, KJO.acting, Literal(tenure.acting)))
            g.add((ID.person(tenure.person), ORG.holds, ID.office(tenure.office)))
            if interval is not None:
                g.add((s, ORG.memberDuring, interval))
            for lang, name in person.labels.items():
                office_lang = lang if lang in office.labels else "en"
                office_name = office.labels[office_lang]
                if tenure.acting:  # in the language of the office's name, the word where that language puts it
                    office_name = ACTING_OFFICE.get(office_lang, "{office}").format(office=office_name)
                g.add((s, RDFS.label, Literal(f"{name}, {office_name} ({span})", lang=lang)))

    def event(self, event: r.Event) -> None:
        s = ID.event(event.id)
        gs = self.graphs(event.sources)
        self._event_core(gs, s, event, event.sources, event.date or event.start, event.end,
                         event.participants)
        self.links(gs, s, event)  # place, venue, part_of, series, topics …
        for g in gs:
            if event.duration_minutes is not None:
                g.add((s, KJO.durationMinutes, Literal(event.duration_minutes, datatype=XSD.integer)))
            if event.kind == "LeaderCall":
                g.add((s, KJO.medium, _MEDIA[event.medium or "telephone"]))
        for claim in event.claims:
            claim_graphs = self.graphs(claim.sources)
            self._event_core(claim_graphs, s, event, claim.sources, claim.date or claim.start,
                             claim.end, claim.participants)
            self.links(claim_graphs, s, claim)  # its place

    def _event_core(self, gs: list[Graph], s: URIRef, event: r.Event, sources: list[str],
                    start: PartialDate | None, end: PartialDate | None,
                    participants: list[r.Participant]) -> None:
        self.typed(gs, s, getattr(KJO, event.kind))
        self.labels(gs, s, event)
        self.cite(gs, s, sources)
        self.when(gs, s, start, end)
        for part in participants:
            self.participation(gs, s, event, part, start)

    def participation(self, gs: list[Graph], event_iri: URIRef, event: r.Event,
                      part: r.Participant, day: PartialDate | None) -> None:
        node = ID.participation(f"{event.id}--{part.person}")
        person = self.catalog.people[part.person]
        country = part.country or person.country
        tenure = (self.catalog.tenures.get(part.capacity) if part.capacity
                  else tenure_covering(self.catalog, part.person, day) if day else None)
        for g in gs:
            for c in {KJO.Participation} | self.supers.get(KJO.Participation, set()):
                g.add((node, RDF.type, c))
            g.add((event_iri, KJO.participation, node))
            g.add((node, KJO.role, _ROLES[part.role]))
            g.add((event_iri, SDO.attendee, ID.person(part.person)))
            for lang in LANGUAGES:
                label = f"{localized(person, lang)} – {localized(event, lang)} ({_ROLE_NAMES[part.role][lang]})"
                g.add((node, RDFS.label, Literal(label, lang=lang)))
        # The person and office as given; the country and the capacity derived where omitted.
        self.links(gs, node, part, skip=("country", "capacity"))
        if country:
            self.put(gs, node, link_of(r.Participant, "country"), self.iri("places", country))
        if tenure:
            self.put(gs, node, link_of(r.Participant, "capacity"), ID.tenure(tenure.id))

    def agreement(self, agreement: r.Agreement) -> None:
        s = ID.agreement(agreement.id)
        gs = self.graphs(agreement.sources)
        self.typed(gs, s, getattr(KJO, agreement.kind))
        self.labels(gs, s, agreement)
        self.cite(gs, s, agreement.sources)
        self.links(gs, s, agreement)  # parties, signatories, signed_at, agreed_at, topics
        day = agreement.signed
        if day is None and agreement.agreed_at:
            day = self.catalog.events[agreement.agreed_at].first_day
        for g in gs:
            if agreement.signed:
                g.add((s, KJO.signedOn, agreement.signed.literal()))
                g.add((s, SDO.dateCreated, agreement.signed.literal()))
            if agreement.in_force:
                g.add((s, KJO.enteredIntoForce, agreement.in_force.literal()))
            if agreement.terminated:
                g.add((s, KJO.terminatedOn, agreement.terminated.literal()))
            if agreement.status:
                g.add((s, KJO.status, KJO[camel(agreement.status)]))
            if day:
                g.add((s, KJO.earliestDate, Literal(day.earliest, datatype=XSD.date)))
                g.add((s, KJO.latestDate, Literal(day.latest, datatype=XSD.date)))

    def body(self, body: r.Body) -> None:
        s = ID.organization(body.id)
        gs = self.graphs(body.sources)
        self.typed(gs, s, getattr(KJO, body.kind))
        self.labels(gs, s, body, name=True)
        self.cite(gs, s, body.sources)
        self.links(gs, s, body)  # country, founders, leader, topics
        if body.established:
            self.when(gs, s, body.established, flat=False)
        for g in gs:
            if body.established:
                g.add((s, KJO.establishedOn, body.established.literal()))
                g.add((s, SDO.foundingDate, body.established.literal()))
            for member in body.members:
                m = ID.membership(f"{body.id}--{member.member}")
                for c in {KJO.BodyMembership} | self.supers.get(KJO.BodyMembership, set()):
                    g.add((m, RDF.type, c))
                self.links([g], m, member)
                g.add((m, ORG.organization, s))
                g.add((m, KJO.status, KJO[camel(member.status)]))
                g.add((s, ORG.hasMembership, m))
                g.add((m, DCTERMS.source, ID.source(body.sources[0])))
                member_record = (self.catalog.places.get(member.member)
                                 or self.catalog.bodies.get(member.member))
                for lang in LANGUAGES:
                    g.add((m, RDFS.label, Literal(
                        f"{localized(member_record, lang)} – {localized(body, lang)}", lang=lang)))
        for claim in body.claims:
            claim_graphs = self.graphs(claim.sources)
            self.typed(claim_graphs, s, getattr(KJO, body.kind))
            self.labels(claim_graphs, s, body, name=True)
            for g in claim_graphs:
                for lang, text in claim.labels.items():
                    g.add((s, SKOS.altLabel, Literal(text, lang=lang)))
            self.cite(claim_graphs, s, claim.sources)
            self.links(claim_graphs, s, claim)  # its topics
        for member in body.members:
            if member.since:
                m = ID.membership(f"{body.id}--{member.member}")
                self.when(gs, m, member.since, member.until, flat=False)

    def topic(self, topic: r.Topic) -> None:
        g = self.ds.graph(VOCABULARY_GRAPH)
        s = ID.topic(topic.id)
        self.typed([g], s, KJO.Topic)
        self.labels([g], s, topic, pref=True)
        g.add((s, SKOS.inScheme, TOPIC_SCHEME))
        for lang, text in topic.description.items():
            g.add((s, SKOS.definition, Literal(text, lang=lang)))
        self.links([g], s, topic)  # broader, and narrower back
        if not topic.broader:
            g.add((s, SKOS.topConceptOf, TOPIC_SCHEME))
            g.add((TOPIC_SCHEME, SKOS.hasTopConcept, s))

    def series(self, series: r.Series) -> None:
        g = self.ds.graph(VOCABULARY_GRAPH)
        s = ID.series(series.id)
        self.typed([g], s, KJO.EventSeries)
        self.labels([g], s, series)
        for phase in series.phases:
            p = ID.phase(f"{series.id}-{phase.start}")
            gs = self.graphs(phase.sources)
            self.typed(gs, p, KJO.SeriesPhase)
            self.cite(gs, p, phase.sources)
            self.when(gs, p, phase.start, phase.end, open_ended=True)
            for pg in gs:
                pg.add((s, KJO.phase, p))
                pg.add((p, KJO.status, KJO[phase.status]))
                span = f"{phase.start}–{phase.end or ''}"
                pg.add((p, RDFS.label, Literal(f"{series.labels['en']}: {phase.status} {span}",
                                               lang="en")))
                for lang, text in phase.description.items():
                    pg.add((p, SDO.description, Literal(text, lang=lang)))


    def coverage(self, ledger: r.Coverage) -> None:
        """The ledger of one pair of administrations, in the coverage graph."""
        g = self.ds.graph(COVERAGE_GRAPH)
        s = ID.coverage(ledger.id)
        self.typed([g], s, KJO.CoverageRecord)
        korea, japan = self.catalog.tenures[ledger.korea], self.catalog.tenures[ledger.japan]
        kr_person, jp_person = self.catalog.people[korea.person], self.catalog.people[japan.person]
        for lang in LANGUAGES:
            g.add((s, RDFS.label, Literal(
                f"{localized(kr_person, lang)} × {localized(jp_person, lang)} "
                f"({korea.start.earliest.year}, {japan.start.earliest.year})", lang=lang)))
        self.links([g], s, ledger)  # the two tenures, the chronologies
        if ledger.notes:
            g.add((s, RDFS.comment, Literal(ledger.notes, lang="en")))
        for i, entry in enumerate(ledger.entries, start=1):
            e = ID.coverage(f"{ledger.id}--{i}")
            self.typed([g], e, KJO.CoverageEntry)
            g.add((s, KJO.entry, e))
            g.add((e, RDFS.label, Literal(f"{entry.kind} {entry.date}", lang="en")))
            g.add((e, KJO.entryKind, Literal(entry.kind)))
            g.add((e, SDO.startDate, entry.date.literal()))
            g.add((e, KJO.earliestDate, Literal(entry.date.earliest, datatype=XSD.date)))
            g.add((e, KJO.latestDate, Literal(entry.date.latest, datatype=XSD.date)))
            self.links([g], e, entry, skip=())  # the record, the sources listing it
            if entry.left_out:
                g.add((e, KJO.leftOutReason, Literal(entry.left_out)))
            if entry.note:
                g.add((e, RDFS.comment, Literal(entry.note, lang="en")))


def build_dataset(catalog: Catalog) -> Dataset:
    """All quads of the graph: the ontology, the vocabulary, the sources and their facts."""
    ds = Dataset()
    for prefix, ns in (("kjo", KJO._NS), ("schema", SDO), ("skos", SKOS), ("prov", PROV),
                       ("org", ORG), ("time", TIME), ("dcterms", DCTERMS), ("geo", GEO),
                       ("oa", OA._NS)):
        ds.bind(prefix, ns)
    ontology = ds.graph(ONTOLOGY_GRAPH)
    for triple in load_ontology():
        ontology.add(triple)
    writer = _Writer(ds, catalog)
    vocabulary = ds.graph(VOCABULARY_GRAPH)
    vocabulary.add((TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme))
    vocabulary.add((TOPIC_SCHEME, RDFS.label, Literal("kjgraph topics", lang="en")))
    for kind, method in (("sources", writer.source), ("places", writer.place),
                         ("people", writer.person), ("offices", writer.office),
                         ("tenures", writer.tenure), ("topics", writer.topic),
                         ("series", writer.series), ("events", writer.event),
                         ("agreements", writer.agreement), ("bodies", writer.body),
                         ("coverage", writer.coverage)):
        for record in catalog.of_kind(kind).values():
            method(record)
    # Evidence: each record's sentence in a stored document, as W3C Web Annotations.
    write_anchors(ds, catalog, writer.iri, lambda kind, rid, lang: localized(catalog.of_kind(kind)[rid], lang))
    # The default graph holds the union of all named graphs, once: generic SPARQL clients
    # and every engine see each fact once, while GRAPH ?g still tells who says so.
    union = ds.graph(DATASET_DEFAULT_GRAPH_ID)
    for s, p, o, g in list(ds.quads((None, None, None, None))):
        if g is not None and g != DATASET_DEFAULT_GRAPH_ID:
            union.add((s, p, o))
    return ds
