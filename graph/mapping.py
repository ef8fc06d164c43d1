"""The data mapping, declared once: per record field, what it references and the RDF it becomes.

Every field of a record (or of a part of one: a participant, a claim, a membership) that
holds the id of another record is a :class:`Link`: the kinds of record the id may name
(:data:`kjgraph.records.KINDS` keys), whether it must be a place of kind Country, and the
RDF predicates it becomes, written as CURIEs as LinkML's ``slot_uri`` is (``schema:location``).
Fields holding two dates of one span are an :class:`Order`. From these tables

- the loader checks every reference and span (:func:`kjgraph.loader.check_references`,
  ``file:line: field: unknown place 'x' …``),
- the quads writer writes the links (:mod:`kjgraph.quads`), and
- the synthetic generator writes the same predicates (:mod:`kjgraph.synthetic`).

The tables hold no RDF library objects, so importing them costs nothing; :func:`expand`
turns a CURIE into its IRI with RDFLib's namespace constants.

>>> link = link_of(r.Event, "place")
>>> link.targets, link.predicates
(('places',), ('kjo:place', 'schema:location'))
>>> [(path, target) for path, _link, target in references(r.Event.model_validate({
...     "id": "e", "kind": "Summit", "labels": {"en": "E"}, "date": "2020",
...     "sources": ["s"], "participants": [{"person": "p"}]}))]
[(('sources', 0), 's'), (('participants', 0, 'person'), 'p')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from kjgraph import records as r

if TYPE_CHECKING:
    from rdflib import URIRef

#: A place in a record: field names (as written in the YAML) and list indices.
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Link:
    """A field holding the id (or, as a list, the ids) of other records.

    ``targets`` are the kinds of record the id may name, tried in order (the first kind
    holding the id gives its IRI). ``country`` is set when the id must be a place of kind
    Country (a body too where ``targets`` includes ``bodies``); it names the field's role
    in the error message ("a party to an agreement must be a country …"). ``predicates``
    go from the record to the target, ``inverse`` from the target back to the record;
    both are CURIEs (:func:`expand`). A link without predicates becomes RDF in a way of its
    own (an n-ary node, a derived statement), written by hand in :mod:`kjgraph.quads`.
    """

    targets: tuple[str, ...]
    predicates: tuple[str, ...] = ()
    inverse: tuple[str, ...] = ()
    country: str | None = None


@dataclass(frozen=True)
class Order:
    """Two date fields of one span: ``last`` may not fall before ``first``."""

    first: str
    last: str
    what: str  # the error's words: "term ends before it starts"


_SOURCES = Link(("sources",), ("dcterms:source",))  # each source's graph cites its own source
_TOPICS = Link(("topics",), ("dcterms:subject", "schema:about"))
_COUNTRY = ("places",)
_ACTOR = ("places", "bodies")  # a country or a body: members, founders and leaders of bodies

#: The links of each model, by field name as written in the data (``in``, not ``in_``).
#: A model's links include those of the classes it derives from (:func:`links_of`).
LINKS: dict[type[BaseModel], dict[str, Link]] = {
    r.Record: {"sources": _SOURCES},
    r.Tenure: {
        "person": Link(("people",), ("kjo:holder", "org:member")),
        "office": Link(("offices",), ("kjo:office",)),
        "sources": _SOURCES,
    },
    r.Place: {"in": Link(("places",), ("schema:containedInPlace",))},
    r.Person: {"country": Link(_COUNTRY, ("schema:nationality",), country="a nationality ('country')")},
    r.Office: {"country": Link(_COUNTRY, ("kjo:officeOf", "org:postIn"), country="an office's country")},
    r.Event: {
        "place": Link(("places",), ("kjo:place", "schema:location")),
        "series": Link(("series",), ("kjo:inSeries",)),
        "reciprocates": Link(("events",), ("kjo:reciprocates",)),
        "first_visit_during": Link(("tenures",), ("kjo:firstVisitDuring",)),
        "topics": _TOPICS,
        "refers_to": Link(("events", "agreements", "bodies"), ("kjo:refersTo",)),
        "countries": Link(_COUNTRY, ("kjo:participatingCountry",), country="a country of a gathering"),
        "venue": Link(("places",), ("kjo:venue",)),
        # One link, four statements: ours, schema.org's pair and SEM's sub-event
        # (docs/decisions/20261201-counting-leader-meetings.md).
        "part_of": Link(("events",), ("kjo:partOf", "schema:superEvent"),
                        ("schema:subEvent", "sem:hasSubEvent")),
    },
    # On the participation node (kjo:Participation); the writer derives the country from the
    # person and the capacity from the dates when they are omitted.
    r.Participant: {
        "person": Link(("people",), ("kjo:participant",)),
        "country": Link(_COUNTRY, ("kjo:onBehalfOf",), country="the country a participant represents"),
        "capacity": Link(("tenures",), ("kjo:inCapacityOf",)),
        "office": Link(("offices",), ("kjo:inOffice",)),
    },
    r.Claim: {"sources": _SOURCES, "place": Link(("places",), ("kjo:place", "schema:location"))},
    r.Agreement: {
        "parties": Link(_COUNTRY, ("kjo:party",), country="a party to an agreement"),
        "signatories": Link(("people",), ("kjo:signatory",)),
        "signed_at": Link(("places",), ("kjo:signedAt", "schema:locationCreated")),
        "agreed_at": Link(("events",), ("kjo:agreedAt",), ("kjo:resultedIn",)),
        "topics": _TOPICS,
    },
    r.Body: {
        "country": Link(_COUNTRY, ("kjo:ofCountry",), country="a government body's country"),
        "led_by": Link(_ACTOR, ("kjo:ledBy",), country="a body's leader"),
        "established_by": Link(_ACTOR, ("kjo:establishedBy",), country="a body's founder"),
        "topics": _TOPICS,
    },
    # On the membership node (org:Membership, kjo:BodyMembership).
    r.Member: {"member": Link(_ACTOR, ("org:member",), country="a body's member")},
    r.BodyClaim: {"sources": _SOURCES, "topics": _TOPICS},
    r.Topic: {"broader": Link(("topics",), ("skos:broader",), ("skos:narrower",))},
    r.Phase: {"sources": _SOURCES},
    r.Coverage: {
        "korea": Link(("tenures",), ("kjo:koreanTenure",)),
        "japan": Link(("tenures",), ("kjo:japaneseTenure",)),
        "chronologies": Link(("sources",), ("kjo:chronology",)),
    },
    r.CoverageEntry: {"record": Link(("events",), ("kjo:recordedAs",)), "sources": _SOURCES},
    # Evidence.source names one of the record's own sources: kjgraph.anchors checks it.
}

#: The spans of each model (checked in this order).
ORDERS: dict[type[BaseModel], tuple[Order, ...]] = {
    r.Person: (Order("born", "died", "death before birth"),),
    r.Tenure: (Order("start", "end", "term ends before it starts"),),
    r.Event: (Order("start", "end", "event ends before it starts"),),
    r.Agreement: (Order("signed", "in_force", "entry into force before signing"),
                  Order("signed", "terminated", "termination before signing")),
    r.Phase: (Order("start", "end", "phase ends before it starts"),),
}


def links_of(model: type[BaseModel]) -> dict[str, Link]:
    """The links of ``model`` and of the classes it derives from, by field name."""
    found: dict[str, Link] = {}
    for cls in reversed(model.__mro__):
        found.update(LINKS.get(cls, {}))
    return found


def link_of(model: type[BaseModel], name: str) -> Link:
    """The link of field ``name`` (as written in the data) of ``model``; KeyError if none."""
    return links_of(model)[name]


def _fields(record: BaseModel) -> Iterator[tuple[str, Any]]:
    """Each field of ``record`` by its name in the data (its alias), with its value."""
    for name, info in type(record).model_fields.items():
        yield info.alias or name, getattr(record, name)


def parts(record: BaseModel, path: Path = ()) -> Iterator[tuple[Path, BaseModel]]:
    """``record`` and every model nested in it (participants, claims …), with their paths."""
    yield path, record
    for name, value in _fields(record):
        if isinstance(value, BaseModel):
            yield from parts(value, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from parts(item, (*path, name, i))


def references(record: BaseModel, *, nested: bool = True) -> Iterator[tuple[Path, Link, str]]:
    """Every id ``record`` holds in a link field, in field order; its parts' too if ``nested``.

    Yields ``(path, link, id)``; ``path`` locates the id in the data (``("participants",
    0, "person")``) for :class:`kjgraph.loader.Located`.
    """
    for path, part in parts(record) if nested else [((), record)]:
        links = links_of(type(part))
        for name, value in _fields(part):
            link = links.get(name)
            if link is None or value is None:
                continue
            if isinstance(value, list):
                for i, target in enumerate(value):
                    yield (*path, name, i), link, target
            else:
                yield (*path, name), link, value


def spans(record: BaseModel) -> Iterator[tuple[Path, Order, Any, Any]]:
    """Every declared span of ``record`` and its parts whose two dates are both given.

    Yields ``(path of the last date, order, first date, last date)``.
    """
    for path, part in parts(record):
        for order in ORDERS.get(type(part), ()):
            first, last = getattr(part, order.first), getattr(part, order.last)
            if first is not None and last is not None:
                yield (*path, order.last), order, first, last


@cache
def expand(curie: str) -> URIRef:
    """The IRI (an ``rdflib.URIRef``) of a CURIE of :data:`LINKS`.

    Raises KeyError for an unknown prefix; a ``kjo:`` term the ontology lacks raises too.

    >>> str(expand("schema:location"))
    'https://schema.org/location'
    """
    from rdflib.namespace import DCTERMS, ORG, SDO, SKOS

    from kjgraph.namespaces import KJO, SEM

    prefix, _, local = curie.partition(":")
    namespaces: dict[str, Any] = {"kjo": KJO, "schema": SDO, "dcterms": DCTERMS, "org": ORG,
                                  "skos": SKOS, "sem": SEM}
    iri: URIRef = namespaces[prefix][local]
    return iri
