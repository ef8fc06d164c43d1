"""Schemas of the curated data records (one pydantic model per kind of record).

The models check each record on its own: required fields, types, date syntax,
language tags. References between records are checked by :mod:`kjgraph.loader`.

>>> Event.model_validate({"id": "2026-01-13-nara-summit", "kind": "Summit",
...     "labels": {"en": "Nara summit"}, "date": "2026-01-13", "sources": ["seed"]}).date
PartialDate(earliest=datetime.date(2026, 1, 13), latest=datetime.date(2026, 1, 13), precision='day')
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import models_json_schema

from kjgraph.dates import PartialDate
from kjgraph.labels import LANGUAGES

SCRIPT_VARIANTS = ("ko-Hani", "ko-Latn", "ja-Latn", "ja-Hira", "ja-Kana")
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SUGGEST = {"jp": "ja", "kr": "ko", "kor": "ko", "jpn": "ja", "ger": "de", "deu": "de", "eng": "en"}


def _to_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        # An unquoted YAML date arrives as datetime.date; take it only as a whole day.
        value = str(value)
    return PartialDate.parse(value)


#: A date at the precision a source gives: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (quoted in YAML).
Date = Annotated[PartialDate, BeforeValidator(_to_date), WithJsonSchema({
    "type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
    "description": "YYYY, YYYY-MM or YYYY-MM-DD, at the precision the source gives (quote it in YAML)"})]
Slug = Annotated[str, Field(pattern=_SLUG)]
#: A ledger id joins two slugs with ``--`` (``moon-jae-in-2017--shinzo-abe-2012``).
PairSlug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:--?[a-z0-9]+)*$")]


#: Texts by language tag (labels, descriptions); the JSON Schema names the allowed tags.
Texts = Annotated[dict[str, str], Field(json_schema_extra={
    "propertyNames": {"enum": [*LANGUAGES, *SCRIPT_VARIANTS]}})]
#: A record's names by language tag: English required.
Labels = Annotated[dict[str, str], Field(json_schema_extra={
    "propertyNames": {"enum": [*LANGUAGES, *SCRIPT_VARIANTS]}, "required": ["en"]})]
TextLists = Annotated[dict[str, list[str]], Field(json_schema_extra={
    "propertyNames": {"enum": [*LANGUAGES, *SCRIPT_VARIANTS]}})]


def check_language_tag(tag: str) -> str:
    """Accept the project's languages and their script variants; explain anything else."""
    if tag in LANGUAGES or tag in SCRIPT_VARIANTS:
        return tag
    hint = f" (did you mean {_SUGGEST[tag.lower()]!r}?)" if tag.lower() in _SUGGEST else ""
    raise ValueError(
        f"unknown language tag {tag!r}{hint}: expected one of {', '.join(LANGUAGES)} "
        f"or a script variant ({', '.join(SCRIPT_VARIANTS)})"
    )


def _check_texts(value: dict[str, str]) -> dict[str, str]:
    for tag, text in value.items():
        check_language_tag(tag)
        if not str(text).strip():
            raise ValueError(f"empty text for language {tag!r}")
    return value




class Record(BaseModel):
    """Fields every record has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    labels: Labels
    alt_labels: TextLists = {}
    description: Texts = {}
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")] | None = None
    sources: list[Slug] = []

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("an English label ('en') is required")
        return _check_texts(value)

    @field_validator("description")
    @classmethod
    def _descriptions(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_texts(value)

    @field_validator("alt_labels")
    @classmethod
    def _alt_labels(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for tag in value:
            check_language_tag(tag)
        return value


class Evidence(BaseModel):
    """The words of a stored document that support a record: a text anchor.

    ``source`` is a source with a ``file`` in ``data/documents/``; ``quote`` is the exact
    text (usually one sentence), ``start``/``end`` its position in the document in Unicode
    code points (``end`` exclusive). Give the quote, the offsets, or both; the loader checks
    that they agree with the document (:mod:`kjgraph.anchors`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Slug
    quote: str | None = None
    start: Annotated[int, Field(ge=0)] | None = None
    end: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _anchored(self) -> Evidence:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both 'start' and 'end' (code-point offsets), or neither")
        if self.quote is None and self.start is None:
            raise ValueError("evidence needs the 'quote', or its 'start' and 'end' in the document")
        if self.quote is not None and not self.quote.strip():
            raise ValueError("the quote is empty")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"'end' ({self.end}) must be after 'start' ({self.start})")
        return self


class Sourced(Record):
    """A factual record: it must cite at least one source."""

    sources: Annotated[list[Slug], Field(min_length=1)]
    evidence: list[Evidence] = []  # text anchors in the cited sources' stored documents


PublisherType = Literal["official", "news-agency", "newspaper", "broadcaster", "reference", "other"]
"""Who stands behind a source's text (graph/data/README.md): ``other`` marks mirrors, blogs,
aggregators and anything else a fact should not rest on alone."""


class Source(BaseModel):
    """A source: a news article, statement, treaty text or web page that states facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    kind: Literal["NewsArticle", "EncyclopediaArticle", "OfficialStatement", "TreatyText", "WebPage"]
    publisher_type: PublisherType
    title: str
    url: str | None = None
    file: str | None = None
    publisher: str | None = None
    published: Date | None = None
    language: str
    description: Texts = {}

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        # A source may be in any language (BCP 47); labels are limited to the project's four.
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise ValueError(f"expected a BCP 47 language tag such as en, ko, ja or de, found {value!r}")
        return value

    @model_validator(mode="after")
    def _located(self) -> Source:
        if not self.url and not self.file:
            raise ValueError("a source needs a 'url' or a 'file' (a document shipped in data/documents/)")
        if self.url and not re.match(r"^https?://\S+$", self.url):
            raise ValueError(f"url must be an http(s) address, found {self.url!r}")
        return self


class Place(Sourced):
    """A country, region, city or site; cities and sites have WGS84 coordinates."""

    kind: Literal["Country", "Region", "City", "Site"]
    in_: Slug | None = Field(None, alias="in")
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    long: Annotated[float, Field(ge=-180, le=180)] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Person(Sourced):
    """A person, with the country of their nationality."""

    country: Slug | None = None
    born: Date | None = None
    died: Date | None = None


class Office(Record):
    """An office (a post) of a country's government; vocabulary, needing no source."""

    country: Slug
    leader: bool = False  # head of state or government of Korea or Japan


class Tenure(BaseModel):
    """A term of office: a person holding an office from ``start`` to ``end``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    person: Slug
    office: Slug
    start: Date
    end: Date | None = None
    acting: bool = False
    sources: Annotated[list[Slug], Field(min_length=1)]


class Participant(BaseModel):
    """A person taking part in an event, in a role, for a country, in an office."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: Slug
    role: Literal["host", "guest", "participant", "signatory"] = "participant"
    country: Slug | None = None
    capacity: Slug | None = None  # a tenure id; derived from the dates when omitted
    office: Slug | None = None  # the office held, where no tenure record exists for it


EventKind = Literal[
    "Summit", "StateVisit", "OfficialVisit", "WorkingVisit", "SidelineMeeting", "BriefTalk",
    "LeaderCall", "Gathering", "PressConference", "AgreementSigning", "Incident", "Ruling",
    "Disaster", "Anniversary", "MinisterialMeeting",
]

#: Kinds of a leaders' meeting: each such event with a President of the ROK and a Prime
#: Minister of Japan among its participants counts once (docs/decisions, counting rule).
MEETING_KINDS = ("Summit", "SidelineMeeting", "BriefTalk")
#: Kinds the coverage ledger accounts for: the meetings and the leaders' calls.
LEDGER_KINDS = (*MEETING_KINDS, "LeaderCall")
#: Containers: a visit holds its meetings as sub-events and is never counted itself.
VISIT_KINDS = ("StateVisit", "OfficialVisit", "WorkingVisit")


class Claim(BaseModel):
    """What one further source says about a record, where it says less or differs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: Annotated[list[Slug], Field(min_length=1)]
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    place: Slug | None = None
    participants: list[Participant] = []
    evidence: list[Evidence] = []


class Event(Sourced):
    """An event: a meeting, call, visit, gathering, incident … (graph/data/README.md)."""

    kind: EventKind
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    place: Slug | None = None
    participants: list[Participant] = []
    part_of: Slug | None = None
    series: Slug | None = None
    reciprocates: Slug | None = None
    first_visit_during: Slug | None = None
    topics: list[Slug] = []
    refers_to: list[Slug] = []
    claims: list[Claim] = []
    venue: Slug | None = None  # a place of kind Site, ``in:`` the event's place
    duration_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = None
    medium: Literal["telephone", "video"] | None = None  # LeaderCall only; telephone if omitted
    countries: list[Slug] = []  # Gathering only: the countries of its format (kr, jp, cn)

    @model_validator(mode="after")
    def _dated(self) -> Event:
        if self.date and (self.start or self.end):
            raise ValueError("give either 'date' or 'start'/'end', not both")
        if not (self.date or self.start):
            raise ValueError("an event needs a 'date' (or 'start' and 'end')")
        if self.medium is not None and self.kind != "LeaderCall":
            raise ValueError(f"'medium' applies to a LeaderCall only, not to a {self.kind}")
        if self.countries and self.kind != "Gathering":
            raise ValueError(f"'countries' applies to a Gathering only, not to a {self.kind}")
        if len(set(self.countries)) != len(self.countries):
            raise ValueError("'countries' lists a country twice")
        return self

    @property
    def first_day(self) -> PartialDate:
        return self.date or self.start  # type: ignore[return-value]

    @property
    def last_day(self) -> PartialDate:
        return self.date or self.end or self.start  # type: ignore[return-value]


class Agreement(Sourced):
    """A treaty, agreement, declaration, arrangement, commitment, proposal or shared position."""

    kind: Literal["Treaty", "Agreement", "JointDeclaration", "Arrangement", "Commitment",
                  "Proposal", "SharedPosition"]
    parties: list[Slug] = []
    signatories: list[Slug] = []
    signed: Date | None = None
    signed_at: Slug | None = None
    in_force: Date | None = None
    terminated: Date | None = None
    status: Literal["in-force", "terminated", "suspended", "signed", "planned", "agreed",
                    "proposed", "reaffirmed", "emphasised"] | None = None
    agreed_at: Slug | None = None
    topics: list[Slug] = []


class Member(BaseModel):
    """A country's or body's membership of a body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member: Slug
    since: Date | None = None
    until: Date | None = None
    status: Literal["active", "planned", "ended"] = "active"


class BodyClaim(BaseModel):
    """What one further source says about a body, where it says less."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: Annotated[list[Slug], Field(min_length=1)]
    labels: Texts = {}
    topics: list[Slug] = []
    evidence: list[Evidence] = []


class Body(Sourced):
    """A joint body (committee, council) or a government body."""

    kind: Literal["JointBody", "GovernmentBody"]
    claims: list[BodyClaim] = []
    country: Slug | None = None
    established: Date | None = None
    established_by: list[Slug] = []
    led_by: Slug | None = None
    members: list[Member] = []
    topics: list[Slug] = []


class Topic(Record):
    """A topic of the SKOS concept scheme, under its ``broader`` topics."""

    broader: list[Slug] = []


class Phase(BaseModel):
    """A period in which an event series was active or suspended."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal["active", "suspended"]
    start: Date
    end: Date | None = None
    description: Texts = {}
    sources: Annotated[list[Slug], Field(min_length=1)]


class Series(Record):
    """An event series such as shuttle diplomacy, with its phases."""

    phases: list[Phase] = []


class CoverageEntry(BaseModel):
    """One leaders' meeting or call a chronology lists: the record holding it, or why none does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Date
    kind: Literal["Summit", "SidelineMeeting", "BriefTalk", "LeaderCall"]
    record: Slug | None = None
    left_out: str | None = None
    sources: list[Slug] = []
    note: str | None = None

    @model_validator(mode="after")
    def _accounted(self) -> CoverageEntry:
        if (self.record is None) == (self.left_out is None):
            raise ValueError("an entry gives either 'record' (the event id) or 'left_out' (the "
                             "reason no record is made), exactly one of them")
        if self.left_out is not None:
            if not self.left_out.strip():
                raise ValueError("'left_out' needs the reason, in words")
            if not self.sources:
                raise ValueError("a 'left_out' entry needs the 'sources' that list the meeting")
        return self


class Coverage(BaseModel):
    """The coverage ledger of one pair of administrations (a KR and a JP leader's tenure)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: PairSlug
    korea: Slug  # a tenure of the President of the Republic of Korea
    japan: Slug  # a tenure of the Prime Minister of Japan
    chronologies: Annotated[list[Slug], Field(min_length=1)]
    entries: list[CoverageEntry] = []
    notes: str | None = None


#: Record kinds by the name of their file (``<kind>.yaml``) or folder (``<kind>/*.yaml``).
KINDS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "places": Place,
    "people": Person,
    "offices": Office,
    "tenures": Tenure,
    "events": Event,
    "agreements": Agreement,
    "bodies": Body,
    "topics": Topic,
    "series": Series,
    "coverage": Coverage,
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a curated data file, generated from the models above.

    A data file is a non-empty list of records of one kind; ``$defs`` holds one array
    definition per kind, named after its file (``events-file``), and the schema accepts any
    of them. The shipped copy, ``graph/data/kjgraph-data.schema.json`` (written by
    ``kjgraph data-schema``), lets editors complete and check the YAML as curators type; a
    test keeps it equal to this. References between records and the rules spanning several
    fields (``date`` or ``start``, the checks of the coverage ledger) are the loader's.

    >>> schema = json_schema()
    >>> schema["$defs"]["events-file"]["items"]
    {'$ref': '#/$defs/Event'}
    """
    _, top = models_json_schema([(model, "validation") for model in KINDS.values()],
                                ref_template="#/$defs/{model}")
    # models_json_schema also lists the dataclass under Date, which WithJsonSchema replaced.
    defs: dict[str, Any] = {name: d for name, d in top["$defs"].items() if name != "PartialDate"}
    for kind, model in KINDS.items():
        defs[f"{kind}-file"] = {
            "description": f"{kind}.yaml or {kind}/*.yaml: a list of {model.__name__} records",
            "type": "array", "minItems": 1, "items": {"$ref": f"#/$defs/{model.__name__}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kjgraph curated data file",
        "description": ("One YAML file of graph/data (graph/data/README.md). Generated from "
                        "kjgraph.records by `kjgraph data-schema`; do not edit."),
        "anyOf": [{"$ref": f"#/$defs/{kind}-file"} for kind in KINDS],
        "$defs": dict(sorted(defs.items())),
    }


#: The shipped JSON Schema's file name in the data folder (:func:`json_schema`).
SCHEMA_FILE = "kjgraph-data.schema.json"


def json_schema_text() -> str:
    """:func:`json_schema` as the shipped file holds it: indented JSON, UTF-8, a final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
