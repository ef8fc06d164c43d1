"""Synthetic benchmark data in kjgraph's own ontology and shapes, written as N-Quads, streaming.

**Not facts.** This module makes *made-up* data for benchmarks and tests: how kjgraph's costs
grow from the curated graph to millions of triples. Nothing it writes is ever part of the
curated data or of a published build. Every statement lies in the named graph of a synthetic
source whose title starts with ``SYNTHETIC``, whose URL is under
``https://w3id.org/kjgraph/synthetic/``, whose publisher is the synthetic generator and whose
description says it is not a historical fact; every minted IRI's slug starts with ``synth-``.
Only vocabulary shared with the curated graph is reused so that the query library has work to
do: the ontology, the two countries (``country/kr``, ``country/jp``) and the leader and foreign
minister offices.

The shape mirrors ``kjgraph build``: leaders and ministers with terms of office (OWL-Time
intervals), cities in regions in countries with coordinates, events of every kind with 2–4
participations (role, country, term of office), topics in a SKOS scheme, event series with
phases and reciprocal visits, agreements resulting from meetings, joint bodies with
memberships, sources with one named graph each (``prov:wasDerivedFrom``), labels in English,
Korean, Japanese and German, the superclass types and the derived ``kjo:earliestDate`` /
``kjo:latestDate`` / ``schema:startDate`` / ``schema:location`` / ``schema:attendee``. As in a
build, the default graph holds the union of the named graphs, each triple once.

The output is deterministic for a seed and a size; its size is the number of quads (lines),
at least ``triples`` and a little over (one record is never cut in half). Memory stays
bounded: records are written as they are made; only the terms of office (a small fraction of
the data) and a few small look-up sets are kept.

>>> import io
>>> out = io.BytesIO()
>>> info = generate(out, triples=10_000, seed=1)
>>> info.quads >= 10_000 and out.getvalue().count(b"\\n") == info.quads
True
>>> b"SYNTHETIC" in out.getvalue()
True
"""

from __future__ import annotations

import gzip
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

from kjgraph import records as r
from kjgraph.labels import LANGUAGES
from kjgraph.mapping import expand, link_of

BASE = "https://w3id.org/kjgraph/"
ID = BASE + "id/"
SYNTH = BASE + "synthetic/"
KJO = BASE + "ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
SDO = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

SOURCES_GRAPH = BASE + "graph/sources"
VOCABULARY_GRAPH = BASE + "graph/vocabulary"
ONTOLOGY_GRAPH = BASE + "graph/ontology"
DATASET = SYNTH + "dataset"

#: First and last day of the synthetic timeline (events fall in it; terms of office cover it).
SPAN = (date(1965, 6, 22), date(2026, 12, 31))

# Event kinds with weights; leader-level meetings (DiplomaticMeeting) get the two leaders.
EVENT_KINDS = (("Summit", 24), ("OfficialVisit", 9), ("StateVisit", 3), ("WorkingVisit", 9),
               ("SidelineMeeting", 12), ("BriefTalk", 2), ("LeaderCall", 3), ("MinisterialMeeting", 25),
               ("Incident", 11), ("Ruling", 4), ("Disaster", 3))
LEADER_LEVEL = {"Summit", "OfficialVisit", "StateVisit", "WorkingVisit", "SidelineMeeting", "BriefTalk",
                "LeaderCall"}
#: Kinds without the host/guest roles (held at a gathering, or a call).
NO_HOST = {"SidelineMeeting", "BriefTalk", "LeaderCall"}
AGREEMENT_KINDS = (("Commitment", 40), ("JointDeclaration", 20), ("Arrangement", 25),
                   ("Treaty", 5), ("SharedPosition", 10))
STATUSES = ("agreed", "inForce", "signed", "reaffirmed", "emphasised", "terminated", "suspended")

# Words for the labels, per language: "SYNTHETIC" stays in every label's English form.
WORDS = {
    "person": {"en": "Synthetic Person", "ko": "합성 인물", "ja": "合成人物", "de": "Synthetische Person"},
    "city": {"en": "Synthetic City", "ko": "합성 도시", "ja": "合成都市", "de": "Synthetische Stadt"},
    "region": {"en": "Synthetic Region", "ko": "합성 지역", "ja": "合成地域", "de": "Synthetische Region"},
    "country": {"en": "Synthetic Country", "ko": "합성 국가", "ja": "合成国家", "de": "Synthetisches Land"},
    "topic": {"en": "Synthetic topic", "ko": "합성 주제", "ja": "合成トピック", "de": "Synthetisches Thema"},
    "series": {"en": "Synthetic series", "ko": "합성 시리즈", "ja": "合成シリーズ", "de": "Synthetische Reihe"},
    "body": {"en": "Synthetic joint committee", "ko": "합성 공동위원회", "ja": "合成合同委員会",
             "de": "Synthetischer gemeinsamer Ausschuss"},
    "agreement": {"en": "Synthetic agreement", "ko": "합성 합의", "ja": "合成合意", "de": "Synthetische Vereinbarung"},
    "minister": {"en": "Synthetic minister", "ko": "합성 장관", "ja": "合成大臣", "de": "Synthetischer Minister"},
    "term": {"en": "term", "ko": "임기", "ja": "任期", "de": "Amtszeit"},
}
EVENT_WORDS = {
    "Summit": {"en": "summit", "ko": "정상회담", "ja": "首脳会談", "de": "Gipfeltreffen"},
    "OfficialVisit": {"en": "official visit", "ko": "공식 방문", "ja": "公式訪問", "de": "offizieller Besuch"},
    "StateVisit": {"en": "state visit", "ko": "국빈 방문", "ja": "国賓訪問", "de": "Staatsbesuch"},
    "WorkingVisit": {"en": "working visit", "ko": "실무 방문", "ja": "実務訪問", "de": "Arbeitsbesuch"},
    "SidelineMeeting": {"en": "sideline meeting", "ko": "계기 회담", "ja": "会談", "de": "Treffen am Rande"},
    "BriefTalk": {"en": "brief talk", "ko": "약식 회담", "ja": "立ち話", "de": "kurzes Gespräch"},
    "LeaderCall": {"en": "leaders' call", "ko": "정상 통화", "ja": "首脳電話会談", "de": "Telefonat"},
    "MinisterialMeeting": {"en": "ministerial meeting", "ko": "장관 회담", "ja": "閣僚会談", "de": "Ministertreffen"},
    "Incident": {"en": "incident", "ko": "사건", "ja": "事件", "de": "Zwischenfall"},
    "Ruling": {"en": "ruling", "ko": "판결", "ja": "判決", "de": "Urteil"},
    "Disaster": {"en": "disaster", "ko": "재해", "ja": "災害", "de": "Katastrophe"},
}
ROLE_WORDS = {
    "host": {"en": "host", "ko": "주최", "ja": "主催", "de": "Gastgeber"},
    "guest": {"en": "guest", "ko": "방문", "ja": "訪問側", "de": "Gast"},
    "participantRole": {"en": "participant", "ko": "참석", "ja": "参加", "de": "Teilnehmer"},
}
COUNTRIES = {
    "kr": {"en": "Republic of Korea", "ko": "대한민국", "ja": "大韓民国", "de": "Republik Korea"},
    "jp": {"en": "Japan", "ko": "일본", "ja": "日本国", "de": "Japan"},
}
LEADER_OFFICES = {
    "kr": ("president-kr", {"en": "President of the Republic of Korea", "ko": "대한민국 대통령",
                            "ja": "大韓民国大統領", "de": "Präsident der Republik Korea"}),
    "jp": ("prime-minister-jp", {"en": "Prime Minister of Japan", "ko": "일본 내각총리대신",
                                 "ja": "内閣総理大臣", "de": "Premierminister von Japan"}),
}
FOREIGN_OFFICES = {
    "kr": ("foreign-minister-kr", {"en": "Minister of Foreign Affairs of the Republic of Korea",
                                   "ko": "대한민국 외교부 장관", "ja": "大韓民国外交部長官",
                                   "de": "Außenminister der Republik Korea"}),
    "jp": ("foreign-minister-jp", {"en": "Minister for Foreign Affairs of Japan", "ko": "일본 외무대신",
                                   "ja": "外務大臣", "de": "Außenminister Japans"}),
}


def iri(value: str) -> str:
    return f"<{value}>"


def lit(text: str, lang: str | None = None) -> str:
    """An N-Triples literal, escaped (``"`` and ``\\`` and line breaks)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def k(term: str) -> str:
    """``kjo:`` term as an N-Triples IRI."""
    return f"<{KJO}{term}>"


def ident(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


@dataclass
class SynthInfo:
    """What :func:`generate` wrote."""

    quads: int
    events: int
    people: int
    sources: int
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Term:
    """A term of office, kept in memory to give participants a capacity."""

    iri: str
    person: str
    person_no: int
    country: str
    start: date
    end: date


def _superclasses() -> dict[str, list[str]]:
    """Each kjo: class name → the N-Triples IRIs of it and every class above it (from the ontology)."""
    from kjgraph.quads import load_ontology, superclasses

    out: dict[str, list[str]] = {}
    for cls, supers in superclasses(load_ontology()).items():
        if str(cls).startswith(KJO):
            out[str(cls)[len(KJO):]] = sorted(iri(str(c)) for c in {cls} | supers)
    return out


def _ontology_lines() -> list[str]:
    """The ontology as N-Triples statements (without the final ' .')."""
    import pyoxigraph as ox

    from kjgraph.resources import ontology_dir

    blank: dict[str, str] = {}  # the parser's blank node ids are random: number them in order

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return blank.setdefault(t.value, f"_:ontology{len(blank)}")
        return str(t)

    return [f"{term(t.subject)} {term(t.predicate)} {term(t.object)}"
            for t in ox.parse(path=str(ontology_dir() / "kjgraph.ttl"), format=ox.RdfFormat.TURTLE)]


@cache
def _predicates(model: type[BaseModel], name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The N-Triples IRIs of a field's predicates and inverse predicates (:mod:`kjgraph.mapping`)."""
    link = link_of(model, name)
    return (tuple(iri(str(expand(p))) for p in link.predicates),
            tuple(iri(str(expand(p))) for p in link.inverse))


class _Writer:
    """Writes each statement to its named graphs and, once, to the default graph."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.buffer: list[str] = []
        self.quads = 0
        self.shared: set[str] = set()  # default-graph keys of nodes many records state (time instants)

    def add(self, s: str, p: str, o: str, graphs: Iterable[str], *, default: bool = True) -> None:
        triple = f"{s} {p} {o}"
        for g in graphs:
            self.buffer.append(f"{triple} <{g}> .\n")
        if default:
            self.buffer.append(f"{triple} .\n")
        if len(self.buffer) > 20_000:
            self.flush()

    def add_shared(self, key: str, s: str, p: str, o: str, graphs: Iterable[str]) -> None:
        """A statement about a node shared by many records: in each graph, in the default graph once."""
        first = key not in self.shared
        if first:
            self.shared.add(key)
        self.add(s, p, o, graphs, default=first)

    def flush(self) -> None:
        if self.buffer:
            self.quads += len(self.buffer)
            self.out.write("".join(self.buffer).encode("utf-8"))
            self.buffer.clear()

    @property
    def count(self) -> int:
        return self.quads + len(self.buffer)


class _Generator:
    def __init__(self, out: BinaryIO, triples: int, seed: int):
        self.w = _Writer(out)
        self.rng = random.Random(seed)
        self.seed = seed
        self.target = triples
        self.sup = _superclasses()
        self.sources = 0
        self.counts: dict[str, int] = {}
        # Scale: ~170 quads per event with its source; the rest is the fixed frame.
        self.events_planned = max(20, (triples - 4_000) // 170)
        ev = self.events_planned
        self.ministries = 1 + ev // 20_000          # synthetic minister offices per country
        self.terms_per_office = max(3, ev // (20 * (2 + 2 * (1 + self.ministries))))
        self.cities_per_country = max(4, min(2_000, ev // 100))
        self.topics = max(12, min(400, ev // 200))
        self.bodies = max(1, min(200, ev // 2_000))
        self.third_countries = 3

    # -- helpers ----------------------------------------------------------------------
    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def types(self, s: str, cls: str, graphs: list[str]) -> None:
        for c in self.sup[cls]:
            self.w.add(s, RDF_TYPE, c, graphs)

    def link(self, s: str, model: type[BaseModel], name: str, target: str, graphs: list[str]) -> None:
        """The statements of field ``name`` of ``model`` from ``s`` to ``target``, with the
        predicates the curated graph uses for it (:mod:`kjgraph.mapping`)."""
        forward, back = _predicates(model, name)
        for p in forward:
            self.w.add(s, p, target, graphs)
        for p in back:
            self.w.add(target, p, s, graphs)

    def labels(self, s: str, texts: dict[str, str], graphs: list[str], *, name: bool = False,
               pref: bool = False) -> None:
        for lang in LANGUAGES:
            value = lit(texts[lang], lang)
            self.w.add(s, LABEL, value, graphs)
            if name:
                self.w.add(s, iri(SDO + "name"), value, graphs)
            if pref:
                self.w.add(s, iri(SKOS + "prefLabel"), value, graphs)

    def source(self, title: str, day: date, lang: str = "en") -> tuple[str, str]:
        """A synthetic source and its named graph; returns (source IRI, graph IRI)."""
        self.sources += 1
        slug = f"synth-s{self.sources:08d}"
        s = ident("source", slug)
        graph = f"{BASE}graph/source/{slug}"
        g = [SOURCES_GRAPH]
        self.types(s, "Source", g)
        self.w.add(s, RDF_TYPE, iri(SDO + "NewsArticle"), g)
        text = lit(f"SYNTHETIC {title}")
        for p in ("rdfs", "headline", "title"):
            pred = {"rdfs": LABEL, "headline": iri(SDO + "headline"), "title": iri(DCT + "title")}[p]
            self.w.add(s, pred, text, g)
        self.w.add(s, iri(SDO + "inLanguage"), lit(lang), g)
        self.w.add(s, k("publisherType"), k("newspaper"), g)
        self.w.add(s, iri(SDO + "url"), iri(f"{SYNTH}source/{slug}"), g)
        self.w.add(s, iri(SDO + "publisher"), ident("publisher", "synth-kjgraph-generator"), g)
        self.w.add(s, iri(SDO + "datePublished"), typed(day.isoformat(), "date"), g)
        self.w.add(s, iri(SDO + "isPartOf"), iri(DATASET), g)
        self.types(iri(graph), "SourceGraph", g)
        self.w.add(iri(graph), iri(PROV + "wasDerivedFrom"), s, g)
        self.w.add(iri(graph), LABEL, lit(f"Statements of synthetic source {slug}", "en"), g)
        self.count("sources")
        return s, graph

    def day_node(self, day: date, graphs: list[str]) -> str:
        node = f"<{ID}time/{day.isoformat()}>"
        self.w.add_shared(node + "t", node, RDF_TYPE, iri(TIME + "Instant"), graphs)
        self.w.add_shared(node + "d", node, iri(TIME + "inXSDDate"), typed(day.isoformat(), "date"), graphs)
        return node

    def when(self, s: str, start: date, end: date | None, graphs: list[str], *,
             interval: bool = False) -> str:
        if interval:
            node = f"<{ID}time/{start.isoformat()}--{end.isoformat() if end else 'open'}>"
            self.w.add_shared(node + "t", node, RDF_TYPE, iri(TIME + "ProperInterval"), graphs)
            self.w.add_shared(node + "b", node, iri(TIME + "hasBeginning"), self.day_node(start, graphs), graphs)
            if end:
                self.w.add_shared(node + "e", node, iri(TIME + "hasEnd"), self.day_node(end, graphs), graphs)
        else:
            node = self.day_node(start, graphs)
        self.w.add(s, iri(TIME + "hasTime"), node, graphs)
        self.w.add(s, k("earliestDate"), typed(start.isoformat(), "date"), graphs)
        if end or not interval:
            self.w.add(s, k("latestDate"), typed((end or start).isoformat(), "date"), graphs)
        self.w.add(s, iri(SDO + "startDate"), typed(start.isoformat(), "date"), graphs)
        if end and end != start:
            self.w.add(s, iri(SDO + "endDate"), typed(end.isoformat(), "date"), graphs)
        return node

    def pick(self, weighted: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]

    # -- the frame: ontology, vocabulary, places, people and terms ------------------------
    def frame(self) -> None:
        w = self.w
        for line in _ontology_lines():
            w.buffer.append(f"{line} <{ONTOLOGY_GRAPH}> .\n")
            w.buffer.append(f"{line} .\n")
        g = [SOURCES_GRAPH]
        w.add(iri(DATASET), RDF_TYPE, iri(SDO + "Dataset"), g)
        w.add(iri(DATASET), LABEL, lit(f"SYNTHETIC kjgraph benchmark data (seed {self.seed}) – not facts", "en"), g)
        w.add(iri(DATASET), iri(SDO + "description"), lit(
            "Made-up data generated by kjgraph.synthetic for benchmarks and tests. "
            "Nothing in it is a historical fact.", "en"), g)
        publisher = ident("publisher", "synth-kjgraph-generator")
        self.types(publisher, "Publisher", g)
        w.add(publisher, LABEL, lit("kjgraph synthetic data generator (SYNTHETIC)"), g)
        self.vocabulary()
        self.places()
        self.terms()

    def vocabulary(self) -> None:
        g = [VOCABULARY_GRAPH]
        scheme = ident("scheme", "topics")
        self.w.add(scheme, RDF_TYPE, iri(SKOS + "ConceptScheme"), g)
        self.w.add(scheme, LABEL, lit("kjgraph topics", "en"), g)
        self.offices: dict[str, list[str]] = {"kr": [], "jp": []}
        for country in ("kr", "jp"):
            specs = [(True, *LEADER_OFFICES[country]), (False, *FOREIGN_OFFICES[country])]
            for m in range(self.ministries):
                specs.append((False, f"synth-minister-{m + 1}-{country}",
                              {lang: f"{WORDS['minister'][lang]} {m + 1} ({COUNTRIES[country][lang]})"
                               for lang in LANGUAGES}))
            for leader, slug, names in specs:
                s = ident("office", slug)
                self.types(s, "LeaderOffice" if leader else "Office", g)
                self.labels(s, names, g)
                self.link(s, r.Office, "country", ident("country", country), g)
                self.offices[country].append(slug)
        self.topic_iris: list[str] = []
        for t in range(self.topics):
            s = ident("topic", f"synth-topic-{t + 1:04d}")
            self.types(s, "Topic", g)
            self.labels(s, {lang: f"{WORDS['topic'][lang]} {t + 1}" for lang in LANGUAGES}, g, pref=True)
            self.w.add(s, iri(SKOS + "inScheme"), scheme, g)
            if t < 4:
                self.w.add(s, iri(SKOS + "topConceptOf"), scheme, g)
                self.w.add(scheme, iri(SKOS + "hasTopConcept"), s, g)
            else:
                broader = self.topic_iris[self.rng.randrange(min(t, 4 + t // 4))]
                self.link(s, r.Topic, "broader", broader, g)
            self.topic_iris.append(s)
        self.series = [ident("series", f"synth-series-{n}") for n in (1, 2)]
        for n, s in enumerate(self.series, 1):
            self.types(s, "EventSeries", g)
            self.labels(s, {lang: f"{WORDS['series'][lang]} {n}" for lang in LANGUAGES}, g)
        self.count("topics", self.topics)

    def places(self) -> None:
        rng = self.rng
        self.cities: dict[str, list[tuple[str, str]]] = {}
        countries = [("kr", ident("country", "kr"), COUNTRIES["kr"]),
                     ("jp", ident("country", "jp"), COUNTRIES["jp"])]
        for n in range(self.third_countries):
            countries.append((f"synth-c{n + 1}", ident("country", f"synth-country-{n + 1}"),
                              {lang: f"{WORDS['country'][lang]} {n + 1}" for lang in LANGUAGES}))
        source, graph = self.source("gazetteer of places", SPAN[0])
        for code, country, names in countries:
            gs = [graph]
            self.types(country, "Country", gs)
            self.labels(country, names, gs, name=True)
            self.link(country, r.Record, "sources", source, gs)
            region = ident("place", f"synth-region-{code}")
            self.types(region, "Region", gs)
            self.labels(region, {lang: f"{WORDS['region'][lang]} {code}" for lang in LANGUAGES}, gs, name=True)
            self.link(region, r.Record, "sources", source, gs)
            self.link(region, r.Place, "in", country, gs)
            cities = []
            many = self.cities_per_country if code in ("kr", "jp") else 2
            for c in range(many):
                city = ident("place", f"synth-city-{code}-{c + 1:04d}")
                name = {lang: f"{WORDS['city'][lang]} {code.upper()}-{c + 1}" for lang in LANGUAGES}
                self.types(city, "City", gs)
                self.labels(city, name, gs, name=True)
                self.link(city, r.Record, "sources", source, gs)
                self.link(city, r.Place, "in", region, gs)
                self.w.add(city, iri(GEO + "lat"), typed(f"{rng.uniform(-60, 60):.4f}", "decimal"), gs)
                self.w.add(city, iri(GEO + "long"), typed(f"{rng.uniform(-170, 170):.4f}", "decimal"), gs)
                cities.append((city, name["en"]))
            self.cities[code] = cities
        self.count("places", sum(len(c) for c in self.cities.values()) + 2 * len(countries))

    def terms(self) -> None:
        """Consecutive terms of office covering the timeline, one person each."""
        self.terms_by_office: dict[str, list[_Term]] = {}
        person_no = 0
        first, last = SPAN[0] - timedelta(days=400), SPAN[1] + timedelta(days=60)
        days = (last - first).days
        for country, slugs in self.offices.items():
            for slug in slugs:
                n = self.terms_per_office
                cuts = sorted(self.rng.sample(range(1, days), n - 1))
                bounds = [0, *cuts, days]
                terms = []
                for t in range(n):
                    person_no += 1
                    start = first + timedelta(days=bounds[t])
                    end = first + timedelta(days=bounds[t + 1] - 1) if t < n - 1 else None
                    terms.append(self.term(person_no, country, slug, start, end))
                self.terms_by_office[slug] = terms
        self.count("people", person_no)

    def term(self, no: int, country: str, office: str, start: date, end: date | None) -> _Term:
        person = ident("person", f"synth-p{no:07d}")
        tenure = ident("tenure", f"synth-t{no:07d}")
        names = {lang: f"{WORDS['person'][lang]} {no}" for lang in LANGUAGES}
        source, graph = self.source(f"biography of Synthetic Person {no}", start)
        gs = [graph]
        self.types(person, "Person", gs)
        self.labels(person, names, gs, name=True)
        self.link(person, r.Record, "sources", source, gs)
        self.link(person, r.Person, "country", ident("country", country), gs)
        born = start - timedelta(days=self.rng.randrange(40 * 365, 70 * 365))
        self.w.add(person, iri(SDO + "birthDate"), typed(born.isoformat(), "date"), gs)
        self.types(tenure, "Tenure", gs)
        self.link(tenure, r.Record, "sources", source, gs)
        interval = self.when(tenure, start, end, gs, interval=True)
        self.link(tenure, r.Tenure, "person", person, gs)
        self.link(tenure, r.Tenure, "office", ident("office", office), gs)
        self.w.add(tenure, iri(ORG + "organization"), ident("country", country), gs)
        self.w.add(tenure, k("acting"), typed("false", "boolean"), gs)
        self.w.add(person, iri(ORG + "holds"), ident("office", office), gs)
        self.w.add(tenure, iri(ORG + "memberDuring"), interval, gs)
        span = f"{start.isoformat()}–{end.isoformat() if end else ''}"
        self.labels(tenure, {lang: f"{names[lang]}, {WORDS['term'][lang]} {office} ({span})"
                             for lang in LANGUAGES}, gs)
        self.count("terms")
        return _Term(tenure, person, no, country, start, end or date.max)

    def holder(self, office: str, day: date) -> _Term:
        terms = self.terms_by_office[office]
        lo, hi = 0, len(terms) - 1
        while lo < hi:  # the last term starting on or before the day
            mid = (lo + hi + 1) // 2
            if terms[mid].start <= day:
                lo = mid
            else:
                hi = mid - 1
        return terms[lo]

    # -- bodies, series phases ------------------------------------------------------------
    def bodies_and_phases(self) -> None:
        for b in range(self.bodies):
            s = ident("organization", f"synth-body-{b + 1:04d}")
            founded = SPAN[0] + timedelta(days=self.rng.randrange((SPAN[1] - SPAN[0]).days))
            source, graph = self.source(f"charter of synthetic joint committee {b + 1}", founded)
            gs = [graph]
            self.types(s, "JointBody", gs)
            self.labels(s, {lang: f"{WORDS['body'][lang]} {b + 1}" for lang in LANGUAGES}, gs, name=True)
            self.link(s, r.Record, "sources", source, gs)
            for topic in self.rng.sample(self.topic_iris, 2):
                self.link(s, r.Body, "topics", topic, gs)
            self.when(s, founded, None, gs)
            self.w.add(s, k("establishedOn"), typed(founded.isoformat(), "date"), gs)
            self.w.add(s, iri(SDO + "foundingDate"), typed(founded.isoformat(), "date"), gs)
            for country in ("kr", "jp"):
                self.link(s, r.Body, "established_by", ident("country", country), gs)
                m = ident("membership", f"synth-body-{b + 1:04d}--{country}")
                self.types(m, "BodyMembership", gs)
                self.link(m, r.Member, "member", ident("country", country), gs)
                self.w.add(m, iri(ORG + "organization"), s, gs)
                self.w.add(m, k("status"), k("active"), gs)
                self.w.add(s, iri(ORG + "hasMembership"), m, gs)
                self.link(m, r.Record, "sources", source, gs)
                self.labels(m, {lang: f"{COUNTRIES[country][lang]} – {WORDS['body'][lang]} {b + 1}"
                                for lang in LANGUAGES}, gs)
            self.count("bodies")
        for n, series in enumerate(self.series, 1):
            source, graph = self.source(f"chronicle of synthetic series {n}", SPAN[0])
            gs = [graph]
            days = (SPAN[1] - SPAN[0]).days
            cuts = sorted(self.rng.sample(range(1, days), 4))
            bounds = [0, *cuts, days]
            for p in range(5):
                start = SPAN[0] + timedelta(days=bounds[p])
                end = SPAN[0] + timedelta(days=bounds[p + 1] - 1) if p < 4 else None
                phase = ident("phase", f"synth-series-{n}-{start.isoformat()}")
                status = "active" if p % 2 == 0 else "suspended"
                self.types(phase, "SeriesPhase", gs)
                self.link(phase, r.Record, "sources", source, gs)
                self.when(phase, start, end, gs, interval=True)
                self.w.add(series, k("phase"), phase, gs)
                self.w.add(phase, k("status"), k(status), gs)
                self.w.add(phase, LABEL, lit(f"{WORDS['series']['en']} {n}: {status} {start}–{end or ''}",
                                             "en"), gs)

    # -- events ---------------------------------------------------------------------------
    def events(self) -> int:
        rng = self.rng
        span = (SPAN[1] - SPAN[0]).days
        recent: list[str] = []
        last_in_series: dict[str, tuple[str, str]] = {}
        n = 0
        while self.w.count < self.target:
            n += 1
            offset = min(span, n * span // self.events_planned)
            day = SPAN[0] + timedelta(days=max(0, offset - rng.randrange(0, 3)))
            self.event(n, day, recent, last_in_series)
        return n

    def event(self, n: int, day: date, recent: list[str], last_in_series: dict[str, tuple[str, str]]) -> None:
        rng = self.rng
        kind = self.pick(EVENT_KINDS)
        slug = f"synth-e{n:08d}"
        s = ident("event", slug)
        host = "kr" if rng.random() < 0.5 else "jp"
        guest = "jp" if host == "kr" else "kr"
        # A sideline meeting or brief talk takes place in a third country.
        country = (f"synth-c{rng.randrange(self.third_countries) + 1}"
                   if kind in ("SidelineMeeting", "BriefTalk") else host)
        city, city_name = rng.choice(self.cities[country])
        title = {lang: f"{EVENT_WORDS[kind][lang]} {n} – {city_name} ({day.isoformat()})" for lang in LANGUAGES}
        title["en"] = f"SYNTHETIC {title['en']}"
        source, graphs = self.event_core(s, n, day, kind, title, city)
        people = self.event_people(kind, host, guest, day)
        for term, role in people:
            self.participation(s, slug, term, role, title, graphs)
        self.event_links(s, kind, host, recent, last_in_series, graphs)
        if kind in LEADER_LEVEL and kind != "LeaderCall" and rng.random() < 0.3:
            self.agreement(n, s, day, people, graphs, source)
        recent.append(s)
        if len(recent) > 500:
            del recent[:100]
        self.count("events")

    def event_core(self, s: str, n: int, day: date, kind: str, title: dict[str, str],
                   city: str) -> tuple[str, list[str]]:
        """An event's sources, types, labels, time, place and topics; returns (source, graphs).

        One event in eight has a second source restating its core (types, labels, time, place).
        """
        rng, w = self.rng, self.w
        source, graph = self.source(f"report on event {n}", day, rng.choice(LANGUAGES))
        graphs = [graph]
        if rng.random() < 0.12:  # a second source restates the core of the event
            second, second_graph = self.source(f"second report on event {n}", day + timedelta(days=1))
        else:
            second, second_graph = None, ""
        core = [graph, second_graph] if second else graphs
        self.types(s, kind, core)
        self.labels(s, title, core)
        self.link(s, r.Record, "sources", source, graphs)
        if second:
            self.link(s, r.Record, "sources", second, [second_graph])
        self.when(s, day, None, core)
        if kind == "LeaderCall":  # a call has no place; its medium
            w.add(s, k("medium"), k("video" if rng.random() < 0.2 else "telephone"), core)
        else:
            self.link(s, r.Event, "place", city, core)
        if kind == "BriefTalk" and rng.random() < 0.5:
            w.add(s, k("durationMinutes"), f'"{rng.randrange(5, 40)}"^^<{XSD}integer>', graphs)
        w.add(s, iri(SDO + "description"), lit(f"Made-up {EVENT_WORDS[kind]['en']} for benchmarks.", "en"), graphs)
        for topic in rng.sample(self.topic_iris, rng.randint(1, 3)):
            self.link(s, r.Event, "topics", topic, graphs)
        return source, graphs

    def event_people(self, kind: str, host: str, guest: str, day: date) -> list[tuple[_Term, str]]:
        """Participants (term of office, role): the two leaders at leader level, ministers
        otherwise; 2–4 in all."""
        rng = self.rng
        if kind in LEADER_LEVEL:
            sideline = kind in NO_HOST
            people = [(self.holder(LEADER_OFFICES[host][0], day), "participantRole" if sideline else "host"),
                      (self.holder(LEADER_OFFICES[guest][0], day), "participantRole" if sideline else "guest")]
            extra_offices = [FOREIGN_OFFICES[host][0], FOREIGN_OFFICES[guest][0]]
        else:
            office = rng.choice(self.offices[host][1:])
            twin = office[:-2] + guest
            people = [(self.holder(office, day), "host"), (self.holder(twin, day), "guest")]
            extra_offices = [o for o in self.offices[host][1:] + self.offices[guest][1:] if o not in (office, twin)]
        extra = rng.randint(0, 2)
        for office in rng.sample(extra_offices, min(extra, len(extra_offices))):
            people.append((self.holder(office, day), "participantRole"))
        return people

    def event_links(self, s: str, kind: str, host: str, recent: list[str],
                    last_in_series: dict[str, tuple[str, str]], graphs: list[str]) -> None:
        """A visit or meeting in a series, reciprocating the series' last one by the other
        side; an incident or ruling referring to a recent event."""
        rng = self.rng
        if kind in LEADER_LEVEL and kind not in NO_HOST and rng.random() < 0.5:
            series = self.series[0] if rng.random() < 0.7 else self.series[1]
            self.link(s, r.Event, "series", series, graphs)
            previous = last_in_series.get(series)
            if previous and previous[1] != host:
                self.link(s, r.Event, "reciprocates", previous[0], graphs)
            last_in_series[series] = (s, host)
        if kind in ("Incident", "Ruling") and recent:
            self.link(s, r.Event, "refers_to", rng.choice(recent), graphs)

    def participation(self, event: str, slug: str, term: _Term, role: str, title: dict[str, str],
                      graphs: list[str]) -> None:
        w = self.w
        node = ident("participation", f"{slug}--synth-p{term.person_no:07d}")
        self.types(node, "Participation", graphs)
        w.add(event, k("participation"), node, graphs)
        self.link(node, r.Participant, "person", term.person, graphs)
        w.add(node, k("role"), k(role), graphs)
        w.add(event, iri(SDO + "attendee"), term.person, graphs)
        for lang in LANGUAGES:
            label = f"{WORDS['person'][lang]} {term.person_no} – {title[lang]} ({ROLE_WORDS[role][lang]})"
            w.add(node, LABEL, lit(label, lang), graphs)
        self.link(node, r.Participant, "country", ident("country", term.country), graphs)
        self.link(node, r.Participant, "capacity", term.iri, graphs)

    def agreement(self, n: int, event: str, day: date, people: list[tuple[_Term, str]],
                  graphs: list[str], source: str) -> None:
        rng, w = self.rng, self.w
        kind = self.pick(AGREEMENT_KINDS)
        s = ident("agreement", f"synth-a{n:08d}")
        self.types(s, kind, graphs)
        self.labels(s, {lang: f"{WORDS['agreement'][lang]} {n} ({day.year})" for lang in LANGUAGES}, graphs)
        self.link(s, r.Record, "sources", source, graphs)
        for topic in rng.sample(self.topic_iris, 2):
            self.link(s, r.Agreement, "topics", topic, graphs)
        for country in ("kr", "jp"):
            self.link(s, r.Agreement, "parties", ident("country", country), graphs)
        w.add(s, k("status"), k(rng.choice(STATUSES)), graphs)
        self.link(s, r.Agreement, "agreed_at", event, graphs)
        if kind == "Treaty":
            w.add(s, k("signedOn"), typed(day.isoformat(), "date"), graphs)
            w.add(s, iri(SDO + "dateCreated"), typed(day.isoformat(), "date"), graphs)
            for term, _role in people[:2]:
                self.link(s, r.Agreement, "signatories", term.person, graphs)
        w.add(s, k("earliestDate"), typed(day.isoformat(), "date"), graphs)
        w.add(s, k("latestDate"), typed(day.isoformat(), "date"), graphs)
        self.count("agreements")

    def run(self) -> SynthInfo:
        self.frame()
        self.bodies_and_phases()
        events = self.events()
        self.w.flush()
        return SynthInfo(self.w.quads, events, self.counts.get("people", 0), self.sources, self.seed,
                         dict(self.counts))


def generate(out: BinaryIO, triples: int, seed: int = 0) -> SynthInfo:
    """Write about ``triples`` quads (at least that many) of synthetic data to a binary stream."""
    if triples < 10_000:
        raise ValueError(f"--triples must be at least 10000 (the ontology and vocabulary alone "
                         f"take ~3000), got {triples}")
    return _Generator(out, triples, seed).run()


def generate_file(path: str | os.PathLike[str], triples: int, seed: int = 0) -> SynthInfo:
    """Write synthetic N-Quads to ``path`` (gzip-compressed if it ends in ``.gz``), atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix == ".gz":
            with gzip.open(tmp, "wb", compresslevel=3) as out:
                info = generate(out, triples, seed)  # type: ignore[arg-type]
        else:
            with tmp.open("wb", buffering=1 << 20) as out:
                info = generate(out, triples, seed)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return info


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500.

    >>> [parse_size(x) for x in ("10k", "1M", "10M", "2500")]
    [10000, 1000000, 10000000, 2500]
    """
    text = text.strip().replace("_", "")
    factor = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    try:
        return int(float(number) * factor)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (examples: 10k, 1M, 250000)") from None


def format_size(n: int) -> str:
    """A size as ``--sizes`` takes it.

    >>> format_size(1_000_000), format_size(100_000), format_size(12345)
    ('1M', '100k', '12345')
    """
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)
