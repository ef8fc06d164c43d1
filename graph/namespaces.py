"""Namespaces of kjgraph and of the vocabularies it uses.

External vocabularies come from RDFLib's constants; ``KJO`` lists the terms of
``ontology/kjgraph.ttl`` (a test fails when the two drift apart).

>>> from kjgraph.namespaces import KJO, ID
>>> ID.event("2026-01-13-nara-summit")
rdflib.term.URIRef('https://w3id.org/kjgraph/id/event/2026-01-13-nara-summit')
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kjgraph.iris import BASE as BASE  # re-exported: the base IRI lives in kjgraph.iris

# RDFLib's WGS constant uses https://, but the W3C Basic Geo vocabulary is http://.
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")


class OA(DefinedNamespace):
    """W3C Web Annotation Vocabulary, ``http://www.w3.org/ns/oa#`` (the terms kjgraph uses).

    RDFLib has no constant for it; ``_fail`` catches a misspelt term.
    """

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    describing: URIRef
    end: URIRef
    exact: URIRef
    hasBody: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    hasTarget: URIRef
    motivatedBy: URIRef
    prefix: URIRef
    start: URIRef
    suffix: URIRef

ONTOLOGY_IRI = URIRef(BASE + "ontology")
SHAPES = Namespace(BASE + "shapes#")


class KJO(DefinedNamespace):
    """The kjgraph ontology, ``https://w3id.org/kjgraph/ontology#`` (prefix ``kjo:``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    Agreement: URIRef
    AgreementSigning: URIRef
    Anniversary: URIRef
    Arrangement: URIRef
    BodyMembership: URIRef
    BriefTalk: URIRef
    City: URIRef
    Commitment: URIRef
    Country: URIRef
    CoverageEntry: URIRef
    CoverageRecord: URIRef
    DiplomaticMeeting: URIRef
    Disaster: URIRef
    Event: URIRef
    EventSeries: URIRef
    Gathering: URIRef
    GovernmentBody: URIRef
    Incident: URIRef
    JointBody: URIRef
    JointDeclaration: URIRef
    LeaderCall: URIRef
    LeaderOffice: URIRef
    LeadersMeeting: URIRef
    Medium: URIRef
    MinisterialMeeting: URIRef
    Office: URIRef
    OfficialVisit: URIRef
    Outcome: URIRef
    Organization: URIRef
    Participation: URIRef
    Person: URIRef
    Place: URIRef
    PressConference: URIRef
    Proposal: URIRef
    Publisher: URIRef
    PublisherType: URIRef
    Region: URIRef
    Role: URIRef
    Ruling: URIRef
    SeriesPhase: URIRef
    SharedPosition: URIRef
    SidelineMeeting: URIRef
    Site: URIRef
    Source: URIRef
    SourceGraph: URIRef
    StateVisit: URIRef
    Status: URIRef
    Summit: URIRef
    Tenure: URIRef
    Topic: URIRef
    Treaty: URIRef
    Visit: URIRef
    WorkingVisit: URIRef
    acting: URIRef
    active: URIRef
    agreed: URIRef
    agreedAt: URIRef
    broadcaster: URIRef
    chronology: URIRef
    durationMinutes: URIRef
    earliestDate: URIRef
    emphasised: URIRef
    ended: URIRef
    enteredIntoForce: URIRef
    entry: URIRef
    entryKind: URIRef
    establishedBy: URIRef
    establishedOn: URIRef
    firstVisitDuring: URIRef
    guest: URIRef
    holder: URIRef
    host: URIRef
    inCapacityOf: URIRef
    inForce: URIRef
    inOffice: URIRef
    inSeries: URIRef
    japaneseTenure: URIRef
    koreanTenure: URIRef
    latestDate: URIRef
    ledBy: URIRef
    leftOutReason: URIRef
    media: URIRef
    medium: URIRef
    newsAgency: URIRef
    newspaper: URIRef
    ofCountry: URIRef
    office: URIRef
    officeOf: URIRef
    officialPublisher: URIRef
    onBehalfOf: URIRef
    otherPublisher: URIRef
    partOf: URIRef
    participant: URIRef
    participantRole: URIRef
    participatingCountry: URIRef
    participation: URIRef
    party: URIRef
    phase: URIRef
    place: URIRef
    planned: URIRef
    proposed: URIRef
    publisherType: URIRef
    publisherTypes: URIRef
    reaffirmed: URIRef
    reciprocates: URIRef
    recordedAs: URIRef
    referenceWork: URIRef
    refersTo: URIRef
    resultedIn: URIRef
    role: URIRef
    roles: URIRef
    signatory: URIRef
    signatoryRole: URIRef
    signed: URIRef
    signedAt: URIRef
    signedOn: URIRef
    status: URIRef
    statuses: URIRef
    suspended: URIRef
    telephone: URIRef
    terminated: URIRef
    terminatedOn: URIRef
    venue: URIRef
    video: URIRef

class _Instances:
    """Instance IRIs: ``https://w3id.org/kjgraph/id/<kind>/<slug>``."""

    def __call__(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{BASE}id/{kind}/{slug}")

    def __getattr__(self, kind: str) -> Callable[[str], URIRef]:
        if kind.startswith("_"):
            raise AttributeError(kind)
        return lambda slug: self(kind, slug)


ID = _Instances()


def source_graph(source_id: str) -> URIRef:
    """The named graph holding every statement of one source."""
    return URIRef(f"{BASE}graph/source/{source_id}")


ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
VOCABULARY_GRAPH = URIRef(BASE + "graph/vocabulary")
SOURCES_GRAPH = URIRef(BASE + "graph/sources")
COVERAGE_GRAPH = URIRef(BASE + "graph/coverage")
