"""Search that finds what people type: labels in any of kjgraph's languages and scripts, ranked.

A reader types a name as they know it: ``Lee Jae myung``, ``Shinzo Abe`` for *Shinzō Abe*,
``Kim Daejung``, ``이재명``, ``安倍``, a year (``1998``) or a day (``2026-01-13``).
:func:`match_key` folds a text so that such variants meet: Unicode compatibility decomposition
(NFKD, so full-width ``Ａｂｅ`` and half-width katakana match their usual forms), the Latin
diacritics removed (``ō`` → ``o``; Japanese voicing marks are kept, ``ガ`` ≠ ``カ``), case folded,
and hyphens, spaces and punctuation dropped; Hangul and kana are recomposed (NFC).

:class:`SearchIndex` ranks the labels of a graph against a query in tiers (:data:`TIERS`):

1. ``exact`` – the folded label equals the folded query;
2. ``words`` – the same words in another order (``Abe Shinzo``);
3. ``date`` – (years, months, days only) an entity dated in that period;
4. ``prefix`` – the label starts with the query;
5. ``word-prefix`` – a word of the label starts with it (``Abe`` → *Shinzo Abe*); the two
   prefix tiers rank together, people first, then meetings, events, agreements, places …;
6. ``substring`` – the query is inside the label (``재명`` → *이재명*).

Resources are grouped (:data:`CATEGORIES`): the domain's entities (people, events, agreements,
places, topics, bodies) before the details of the model (terms of office, participations,
coverage records), ontology terms, sources and publishers, and source graphs last. Exact matches
come first whatever their group; then groups in that order, each ranked by tier. Ontology and
vocabulary terms are matched only through labels in the reader's language or English, and never
by a substring, so a German label (*Amtsinhaber*) does not make ``Abe`` find the term for an
office holder. :class:`SearchResults` says how many resources matched in all, so a page can say
that the list was cut.

>>> index = SearchIndex([
...     Entry("https://w3id.org/kjgraph/id/person/shinzo-abe", (("Shinzo Abe", "en"), ("安倍晋三", "ja")),
...           category="entity", kind="Person"),
...     Entry("https://w3id.org/kjgraph/ontology#holder", (("holder", "en"), ("Amtsinhaber", "de")),
...           category="vocabulary", kind="ObjectProperty"),
... ])
>>> [(h.label, h.tier) for h in index.search("shinzō abe")]
[('Shinzo Abe', 'exact')]
>>> [h.iri.rsplit("/", 1)[1] for h in index.search("Abe")]
['shinzo-abe']
>>> index.search("安倍").hits[0].tier
'prefix'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kjgraph.iris import BASE
from kjgraph.labels import lookup

#: Match tiers, best first.
TIERS: tuple[str, ...] = ("exact", "words", "date", "prefix", "word-prefix", "substring")
#: Groups of resources, shown in this order.
CATEGORIES: tuple[str, ...] = ("entity", "detail", "vocabulary", "source", "graph")
Category = Literal["entity", "detail", "vocabulary", "source", "graph"]

#: Label properties searched (SPARQL property path).
LABEL_PATH = ("rdfs:label|skos:prefLabel|skos:altLabel|schema:name|dcterms:title|foaf:name|"
              "schema:headline")
#: Classes of the model's helper nodes (they have pages, but a reader looks for what they join).
DETAIL_CLASSES = frozenset({"Participation", "Tenure", "CoverageRecord", "CoverageEntry", "BodyMembership",
                            "SeriesPhase"})
#: Order of kinds within the entities (others follow).
KIND_ORDER: tuple[str, ...] = ("Person", "Country", "Place", "Topic", "Organization", "Office", "EventSeries",
                               "LeadersMeeting", "LeaderCall", "DiplomaticMeeting", "Visit", "Gathering", "Event",
                               "Treaty", "JointDeclaration", "Agreement")

KJO = f"{BASE}ontology#"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"\w+")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def fold(text: str) -> str:
    """``text`` with compatibility forms unified, Latin diacritics removed and case folded.

    >>> fold("Shinzō ÅBE")
    'shinzo abe'
    >>> fold("ｶﾞｲﾑｼｮｳ")  # half-width katakana: the voicing mark is kept
    'ガイムショウ'
    """
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", text.casefold())


def words(text: str) -> list[str]:
    """The words of ``text`` after :func:`fold` (hyphens, spaces and punctuation separate them).

    >>> words("Lee Jae-myung (이재명)")
    ['lee', 'jae', 'myung', '이재명']
    """
    return _WORD.findall(fold(text).replace("_", " "))


def match_key(text: str) -> str:
    """The form labels and queries are compared in: :func:`words` run together.

    >>> match_key("Kim Dae-jung") == match_key("Kim Daejung") == match_key("kim dae jung")
    True
    >>> match_key("Shinzō Abe") == match_key("Shinzo Abe")
    True
    """
    return "".join(words(text))


def _period(text: str) -> tuple[date, date] | None:
    """The days a year, month or day (ISO 8601: ``1998``, ``1998-10``, ``1998-10-08``) covers."""
    import calendar

    found = _PERIOD.match(text.strip())
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Entry:
    """One resource that can be found: its IRI, labels ``(text, BCP 47 tag)`` (the names it is
    shown by), other names it is found by (``skos:altLabel``), group, kind (the local name of its
    most specific class), the local names of all its classes, and the ISO dates it spans (any
    precision)."""

    iri: str
    labels: tuple[tuple[str, str], ...]
    category: Category = "entity"
    kind: str = ""
    first: str | None = None
    last: str | None = None
    also: tuple[tuple[str, str], ...] = ()
    classes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """One result: the label shown to the reader (:func:`kjgraph.labels.lookup`), the label
    that matched, the tier of the match, and the entry."""

    iri: str
    label: str
    matched: tuple[str, str]
    tier: str
    category: Category
    kind: str
    labels: tuple[tuple[str, str], ...]
    first: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the server's ``/search`` answers a list of these)."""
        return {"iri": self.iri, "label": self.label, "match": list(self.matched), "tier": self.tier,
                "category": self.category, "kind": self.kind, "labels": [list(x) for x in self.labels],
                "date": self.first}


@dataclass(frozen=True)
class SearchResults:
    """The best ``limit`` hits of a query and how many resources matched in all."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    limit: int = 50

    @property
    def truncated(self) -> bool:
        """Were more resources found than are listed?"""
        return self.total > len(self.hits)

    def __iter__(self) -> Any:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


@dataclass
class _Prepared:
    entry: Entry
    keys: list[tuple[str, list[str], str, str]]  # (key, words, text, tag) per label
    span: tuple[date, date] | None
    kind_rank: int


def _span(first: str | None, last: str | None) -> tuple[date, date] | None:
    start = _period(first[:10]) if first else None
    end = _period(last[:10]) if last else None
    if start is None:
        return None
    return start[0], (end or start)[1]


class SearchIndex:
    """Labels of resources, folded once, ranked against queries (see the module's docstring).

    Build one with :meth:`from_store` (a ``pyoxigraph.Store`` or anything whose ``query``
    method takes SPARQL and ``prefixes``) or from :class:`Entry` values.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._items: list[_Prepared] = []
        for entry in entries:
            keys = []
            for text, tag in (*entry.labels, *entry.also):
                ws = words(text)
                if ws:
                    keys.append(("".join(ws), ws, text, tag))
            kinds = {entry.kind} | entry.classes
            kind_rank = min((i for i, k in enumerate(KIND_ORDER) if k in kinds), default=len(KIND_ORDER))
            self._items.append(_Prepared(entry, keys, _span(entry.first, entry.last), kind_rank))

    def __len__(self) -> int:
        return len(self._items)

    def records(self) -> list[tuple[Entry, list[tuple[str, list[str], str, str]], tuple[date, date] | None, int]]:
        """``(entry, [(key, words, text, tag)], span of days, kind rank)`` per resource: what the
        ranking uses, for a ranking elsewhere (the static site's search page does it in the browser)."""
        return [(i.entry, i.keys, i.span, i.kind_rank) for i in self._items]

    @classmethod
    def from_store(cls, store: Any) -> SearchIndex:
        """The index of every labelled IRI of a store's default graph (the union of the sources)."""
        from kjgraph.query import PREFIXES

        def rows(text: str) -> list[Any]:
            return list(store.query(text, prefixes=PREFIXES))

        labels: dict[str, list[tuple[str, str]]] = {}
        also: dict[str, list[tuple[str, str]]] = {}
        for row in rows(f"SELECT ?x ?p ?l WHERE {{ ?x ?p ?l FILTER(isIRI(?x) && isLiteral(?l)) "
                        f"VALUES ?p {{ {LABEL_PATH.replace('|', ' ')} }} }}"):
            pair = (row[2].value, row[2].language or "")
            alt = row[1].value == SKOS_ALT
            found = (also if alt else labels).setdefault(row[0].value, [])
            if alt:
                labels.setdefault(row[0].value, [])
            if pair not in found:
                found.append(pair)
        types: dict[str, set[str]] = {}
        for row in rows("SELECT ?x ?t WHERE { ?x a ?t FILTER(isIRI(?x) && isIRI(?t)) }"):
            if row[0].value in labels:
                types.setdefault(row[0].value, set()).add(row[1].value)
        specific = {row[0].value: row[1].value for row in rows(
            """SELECT ?x ?t WHERE { ?x a ?t FILTER(isIRI(?x) && STRSTARTS(STR(?t), STR(kjo:)))
               FILTER NOT EXISTS { ?x a ?sub . ?sub rdfs:subClassOf+ ?t FILTER(?sub != ?t) } }""")}
        dates: dict[str, list[str]] = {}
        for row in rows("""SELECT ?x ?d WHERE { ?x kjo:earliestDate|kjo:latestDate|schema:startDate|schema:endDate|
                           kjo:signedOn ?d FILTER(isIRI(?x)) }"""):
            dates.setdefault(row[0].value, []).append(row[1].value)
        entries = []
        for iri, found in labels.items():
            days = sorted(dates.get(iri, []))
            kind = specific.get(iri) or min(types.get(iri, {""}))
            extra = sorted(set(also.get(iri, [])) - set(found))
            entries.append(Entry(iri, tuple(sorted(found)) or tuple(extra), category_of(iri, types.get(iri, set())),
                                 _local(kind), days[0] if days else None, days[-1] if days else None,
                                 tuple(extra), frozenset(_local(t) for t in types.get(iri, ()))))
        return cls(sorted(entries, key=lambda e: e.iri))

    def search(self, query: str, lang: str = "en", limit: int = 50) -> SearchResults:
        """The best ``limit`` matches of ``query`` for a reader of ``lang`` (ranked; see the module)."""
        key = match_key(query)
        qwords = sorted(words(query))
        period = _period(query)
        if not key:
            return SearchResults(query, [], 0, limit)
        ranked: list[tuple[tuple[Any, ...], Hit]] = []
        for item in self._items:
            best = _best_label(item, key, qwords, lang)
            if period is not None and _dated_in(item, period):
                dated = TIERS.index("date")
                if best is None or dated < best[0]:
                    best = (dated, 0, (item.entry.first or "", ""))
            if best is not None:
                ranked.append(_ranked_hit(item, best[0], best[2], lang))
        ranked.sort(key=lambda pair: pair[0])
        return SearchResults(query, [hit for _o, hit in ranked[:max(limit, 0)]], len(ranked), limit)


#: (tier, language preference, (label text, tag)) of a resource's best-matching label.
_Best = tuple[int, int, tuple[str, str]]


def _best_label(item: _Prepared, key: str, qwords: Sequence[str], lang: str) -> _Best | None:
    """The label of ``item`` that matches the folded query ``key`` best: best tier, then the
    reader's language (exact tag, primary language, English, others). Vocabulary terms match
    only through labels in ``lang``, English or no language, and never by a substring."""
    vocabulary = item.entry.category == "vocabulary"
    best: _Best | None = None
    for lkey, lwords, text, tag in item.keys:
        primary = tag.split("-")[0].lower()
        if vocabulary and primary not in (lang, "en", ""):
            continue
        tier = _tier(key, qwords, lkey, lwords)
        if tier is None or (vocabulary and TIERS[tier] == "substring"):
            continue
        preference = 0 if tag.lower() == lang else 1 if primary == lang else 2 if primary == "en" else 3
        if best is None or (tier, preference) < best[:2]:
            best = (tier, preference, (text, tag))
    return best


def _dated_in(item: _Prepared, period: tuple[date, date]) -> bool:
    """Is ``item`` a domain entity whose days overlap ``period`` (first and last day)?"""
    return item.entry.category == "entity" and item.span is not None \
        and item.span[0] <= period[1] and item.span[1] >= period[0]


def _ranked_hit(item: _Prepared, tier: int, matched: tuple[str, str], lang: str) -> tuple[tuple[Any, ...], Hit]:
    """The hit for ``item`` matched at ``tier`` by ``matched`` (text, tag), with its sort key:
    exact matches of entities and terms first, then by group, tier, kind, date and label."""
    entry = item.entry
    shown = lookup(entry.labels, lang)
    label = shown[0] if shown else entry.iri
    hit = Hit(entry.iri, label, matched, TIERS[tier], entry.category, entry.kind, entry.labels, entry.first)
    first_group = 0 if tier == 0 and entry.category in ("entity", "vocabulary") else 1
    order = (first_group, CATEGORIES.index(entry.category), _ORDER[tier], item.kind_rank,
             entry.first or "", len(label), label, entry.iri)
    return order, hit


#: Prefix matches of the whole label and of a word rank together (the kind of entity decides).
_ORDER = (0, 1, 2, 3, 3, 5)


def _tier(key: str, qwords: Sequence[str], lkey: str, lwords: Sequence[str]) -> int | None:
    if lkey == key:
        return 0
    if len(qwords) > 1 and sorted(lwords) == list(qwords):
        return 1
    if lkey.startswith(key):
        return 3
    joined = ""
    for i in range(len(lwords) - 1, 0, -1):  # word boundaries: suffixes of the key
        joined = lwords[i] + joined
        if joined.startswith(key):
            return 4
    if key in lkey:
        return 5
    return None


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] if iri else ""


def category_of(iri: str, types: Iterable[str] = ()) -> Category:
    """The group a resource is ranked in (:data:`CATEGORIES`), from its IRI and classes.

    >>> category_of("https://w3id.org/kjgraph/id/source/kyodo-2026-01-13")
    'source'
    >>> category_of("https://w3id.org/kjgraph/ontology#holder")
    'vocabulary'
    """
    if iri.startswith(f"{BASE}graph/"):
        return "graph"
    if iri.startswith((f"{BASE}id/source/", f"{BASE}id/publisher/")):
        return "source"
    if not iri.startswith(f"{BASE}id/"):
        return "vocabulary"
    if any(_local(t) in DETAIL_CLASSES for t in types if t.startswith(KJO)):
        return "detail"
    return "entity"
