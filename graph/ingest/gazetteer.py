"""A gazetteer of the graph's names: every label and alias of its people, places, bodies,
events, agreements, series and topics, in all four languages and their scripts, found in a
text with Aho–Corasick automata (pyahocorasick).

Matching is done on normalised text. Languages written with spaces (de, en) are matched word
by word: words are case-folded, stripped of diacritics, filtered of stop words and reduced
to their Snowball stem on both sides (``wirtschaftlicher Sicherheit`` finds ``Wirtschaftliche
Sicherheit``); German names may also begin a compound (``Betrug`` in ``Betrugsdelikte``).
Korean and Japanese are matched character by character with spaces ignored, Korean only at
the start of a word (particles follow). Romanisation variants are generated from the data:
diacritic-free and long-vowel spellings (Chōsei, Chosei, Chousei), Korean given names
joined (Jaemyung), Korean family names in their usual romanisations (Lee, Yi, Rhee),
Japanese names in family-first order (Takaichi Sanae), Korean and Japanese place names
without their ``시``/``市`` suffix. Every rule and word list is data in ``rules/``.

>>> from kjgraph.loader import load_catalog
>>> gaz = Gazetteer(Knowledge.from_catalog(load_catalog()), "de")
>>> [(m.text, m.ids) for m in gaz.find("Gipfel in Nara, Japan, über Betrugsdelikte")]
[('Nara', ('nara',)), ('Japan', ('jp',)), ('Betrugsdelikte', ('fraud',))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick
import snowballstemmer

from kjgraph.dates import PartialDate
from kjgraph.ingest.rules import LanguageRules, common_rules, load_rules
from kjgraph.ingest.text import fold, words

#: Kinds of entity, most specific first: a tie between two matches of one span goes left.
KINDS = ("person", "place", "body", "event", "agreement", "series", "topic")
_LATIN = re.compile(r"^[\x00-\u024f\u1e00-\u1eff\s\W\d]*$")
_CJK_LANGS = ("ko", "ja")
#: Agreements that are documents with names; the other kinds are statements found by extraction.
NAMED_AGREEMENTS = ("Treaty", "Agreement", "JointDeclaration", "Arrangement")


@dataclass(frozen=True)
class Entity:
    """One linkable record of the graph with what the ingest needs to know about it."""

    id: str
    kind: str
    labels: dict[str, str]
    aliases: tuple[tuple[str, str], ...] = ()  # (language tag, text)
    country: str | None = None  # person: nationality; place: the country it lies in; body: country
    place_kind: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Tenure:
    id: str
    person: str
    office: str
    start: PartialDate
    end: PartialDate | None


@dataclass
class Knowledge:
    """What the ingest knows of the graph: entities, terms of office, places, events, topics."""

    entities: dict[str, Entity]
    tenures: list[Tenure]
    containers: dict[str, list[str]]  # place id → the places it lies in, nearest first
    broader: dict[str, set[str]]  # topic id → all broader topics
    events: dict[str, Any]  # event id → kjgraph.records.Event
    agreements: dict[str, Any]
    bodies: dict[str, Any]
    sources: dict[str, Any]
    catalog: Any = None

    @classmethod
    def from_catalog(cls, catalog: Any) -> Knowledge:
        """Everything from a loaded :class:`kjgraph.loader.Catalog` (the curated data)."""
        entities: dict[str, Entity] = {}

        def add(kind: str, rid: str, record: Any, **extra: Any) -> None:
            aliases = [(tag, text) for tag, texts in record.alt_labels.items() for text in texts]
            for claim in getattr(record, "claims", []):
                aliases += list(getattr(claim, "labels", {}).items())
            entities[f"{kind}:{rid}"] = Entity(rid, kind, dict(record.labels), tuple(aliases), **extra)

        containers = {pid: _chain(catalog, pid) for pid in catalog.places}
        for rid, p in catalog.people.items():
            add("person", rid, p, country=p.country)
        for rid, pl in catalog.places.items():
            country = rid if pl.kind == "Country" else next(
                (c for c in containers[rid] if catalog.places[c].kind == "Country"), None)
            add("place", rid, pl, country=country, place_kind=pl.kind)
        for rid, b in catalog.bodies.items():
            add("body", rid, b, country=b.country)
        for rid, e in catalog.events.items():
            add("event", rid, e)
        for rid, a in catalog.agreements.items():
            if a.kind in NAMED_AGREEMENTS:  # commitments and proposals are statements, not names
                add("agreement", rid, a)
        for rid, s in catalog.series.items():
            add("series", rid, s)
        for rid, t in catalog.topics.items():
            add("topic", rid, t)
        broader: dict[str, set[str]] = {}
        for rid in catalog.topics:
            seen: set[str] = set()
            todo = list(catalog.topics[rid].broader)
            while todo:
                b = todo.pop()
                if b not in seen and b in catalog.topics:
                    seen.add(b)
                    todo.extend(catalog.topics[b].broader)
            broader[rid] = seen
        tenures = [Tenure(t.id, t.person, t.office, t.start, t.end) for t in catalog.tenures.values()]
        return cls(entities, tenures, containers, broader, dict(catalog.events), dict(catalog.agreements),
                   dict(catalog.bodies), dict(catalog.sources), catalog)

    def get(self, kind: str, rid: str) -> Entity | None:
        return self.entities.get(f"{kind}:{rid}")

    def holders(self, offices: Iterable[str], day: PartialDate | None) -> set[str]:
        """People who held one of ``offices`` on ``day`` (all who ever did, without a day)."""
        wanted = set(offices)
        found = set()
        for t in self.tenures:
            if t.office not in wanted:
                continue
            if day is None or (t.start.earliest <= day.latest
                               and (t.end is None or day.earliest <= t.end.latest)):
                found.add(t.person)
        return found

    def tenure_of(self, person: str, day: PartialDate) -> Tenure | None:
        for t in self.tenures:
            if t.person == person and t.start.earliest <= day.earliest and (
                    t.end is None or day.latest <= t.end.latest):
                return t
        return None


def _chain(catalog: Any, pid: str) -> list[str]:
    chain: list[str] = []
    current = catalog.places.get(pid)
    while current is not None and current.in_ and current.in_ not in chain:
        chain.append(current.in_)
        current = catalog.places.get(current.in_)
    return chain


@dataclass(frozen=True)
class Mention:
    """A span of the document that names graph entities (``ids`` of one ``kind``)."""

    start: int
    end: int
    text: str
    kind: str
    ids: tuple[str, ...]
    via: str = "label"  # label | term | title | surname | alias

    @property
    def id(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


class Gazetteer:
    """The names of the graph, ready to be found in texts of one language."""

    def __init__(self, knowledge: Knowledge, lang: str):
        self.knowledge = knowledge
        self.lang = lang
        self.rules: LanguageRules = load_rules(lang)
        self.common = common_rules()
        self.cjk = lang in _CJK_LANGS
        self._stem = (snowballstemmer.stemmer(self.rules.stemmer).stemWord if self.rules.stemmer
                      else (lambda w: w))
        self._stop = {fold(w) for w in self.rules.stopwords}
        self._blocked = {self._key(b) for b in self.rules.blocked}
        self.latin = ahocorasick.Automaton()
        self.native = ahocorasick.Automaton()
        self.names: dict[tuple[str, str], set[tuple[str, str]]] = {}  # (automaton, key) → {(kind, id)}
        for entity in knowledge.entities.values():
            for form, via in self._forms(entity):
                self._add(form, entity, via)
        for topic, forms in self.rules.terms.items():
            concept = knowledge.get("topic", topic)
            if concept is None:
                raise ValueError(f"rules/{lang}.yaml: terms: unknown topic {topic!r}")
            for form in forms:
                self._add(form, concept, "term")
        for automaton in (self.latin, self.native):
            if len(automaton):
                automaton.make_automaton()

    # -- names and their variants ------------------------------------------------------
    def _forms(self, entity: Entity) -> Iterable[tuple[str, str]]:
        texts = [(tag, text) for tag, text in entity.labels.items()] + list(entity.aliases)
        for tag, text in texts:
            for part in _strip_brackets(text):
                yield part, "label" if (tag, text) in entity.labels.items() else "alias"
                for variant in self._variants(entity, tag, part):
                    yield variant, "variant"

    def _variants(self, entity: Entity, tag: str, text: str) -> Iterable[str]:
        """Other spellings of a name ``text`` (label in language ``tag``) that texts use."""
        latin = bool(_LATIN.match(text))
        if latin:
            yield from self._long_vowel_spellings(text)
        if entity.kind == "person" and latin and tag in ("en", "de"):
            yield from self._person_orders(entity, text)
        if entity.kind == "place" and entity.place_kind in ("City", "Region") and not latin:
            for suffix in ("시", "현", "도", "군", "市", "県", "府", "都", "道"):
                if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                    yield text[: -len(suffix)]  # "나라시" → "나라", "奈良県" → "奈良"

    def _long_vowel_spellings(self, text: str) -> Iterable[str]:
        """Each long vowel of a romanised name written each common way ("Ōno" → "Ono", "Ohno")."""
        for vowel, spellings in self.common.long_vowels.items():
            if vowel in text.lower():
                for s in spellings:
                    yield re.sub(vowel, s, text, flags=re.IGNORECASE)

    def _person_orders(self, entity: Entity, text: str) -> Iterable[str]:
        """A romanised person's name in the other order and, for Koreans, with the family name's
        other romanisations and the given name joined, hyphenated or spaced."""
        parts = text.split()
        if len(parts) == 2:
            yield f"{parts[1]} {parts[0]}"  # family-first or given-first order
        if entity.country == "kr" and len(parts) >= 2:
            given = " ".join(parts[1:])
            family = self._korean_family(entity)
            for roman in [parts[0], *self.common.korean_surname_romanisations.get(family or "", [])]:
                for form in {given, given.replace("-", ""), given.replace("-", " ")}:
                    if (roman, form) != (parts[0], given):
                        yield f"{roman} {form}"

    def _korean_family(self, entity: Entity) -> str | None:
        name = entity.labels.get("ko")
        if not name:
            return None
        if " " in name:
            return name.split()[0]
        two = name[:2]
        return two if two in self.common.korean_two_syllable_surnames else name[:1]

    def surnames(self, entity: Entity) -> list[str]:
        """Family names of a person as the document's script writes them."""
        out: list[str] = []
        if self.cjk:
            native = entity.labels.get(self.lang) or ""
            if self.lang == "ko":
                family = self._korean_family(entity) if entity.country == "kr" else (
                    native.split()[0] if " " in native else None)
                if family:
                    out.append(family)
            elif native:  # Japanese: Korean family names are one character; Japanese ones vary
                out.extend([native[:1]] if entity.country == "kr" else
                           [native[:n] for n in range(1, len(native))])
        en = entity.labels.get("en", "").split()
        if len(en) >= 2:
            family = en[0] if entity.country in ("kr", "cn") else en[-1]
            out.append(family)
            if entity.country == "kr":
                out += self.common.korean_surname_romanisations.get(self._korean_family(entity) or "", [])
        return list(dict.fromkeys(out))

    # -- keys --------------------------------------------------------------------------
    def _key(self, text: str) -> str:
        """The normalised form a name is matched by (see the module's docstring)."""
        if self.cjk and not _LATIN.match(text):
            return re.sub(r"\s+", "", fold(text))
        keys = [self._stem(fold(w)) for _s, _e, w in words(text) if fold(w) not in self._stop]
        return " " + " ".join(k for k in keys if k) if keys else ""

    def _add(self, form: str, entity: Entity, via: str) -> None:
        key = self._key(form)
        if not key.strip() or key in self._blocked:
            return
        native = self.cjk and not key.startswith(" ")
        if native and len(key) < 2:
            return
        automaton = self.native if native else self.latin
        name = "native" if native else "latin"
        slot = self.names.setdefault((name, key), set())
        slot.add((entity.kind, entity.id))
        if not automaton.exists(key):
            automaton.add_word(key, (name, key, via))

    # -- finding -------------------------------------------------------------------------
    def latin_index(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """The key string of ``text``'s words and, per key character, the word's span."""
        keys: list[str] = []
        spans: list[tuple[int, int]] = []
        for start, end, word in words(text):
            folded = fold(word)
            if folded in self._stop:
                continue
            if self.cjk and not _LATIN.match(word):
                continue
            k = self._stem(folded)
            if not k:
                continue
            keys.append(" " + k)
            spans.extend([(start, end)] * (len(k) + 1))
        return "".join(keys) + " ", [*spans, (len(text), len(text))]

    def find(self, text: str) -> list[Mention]:
        """The names found in ``text``: longest first, no two overlapping, in text order."""
        found: list[Mention] = []
        if len(self.latin):
            index, spans = self.latin_index(text)
            for end, (_a, key, via) in self.latin.iter(index):
                begin = end - len(key) + 1
                whole = index[end + 1] == " "
                if not whole:
                    last = key.rsplit(" ", 1)[-1]
                    if not (self.rules.compound_prefix and len(last) >= self.rules.compound_prefix):
                        continue
                start, stop = spans[begin + 1][0], spans[end][1]
                found.append(self._mention(text, start, stop, "latin", key, via))
        if len(self.native):
            squeezed, offsets = _squeeze(text)
            for end, (_a, key, via) in self.native.iter(squeezed):
                begin = end - len(key) + 1
                start, stop = offsets[begin], offsets[end] + 1
                if self.rules.word_boundary == "left" and start > 0 and _is_word_char(text[start - 1]):
                    continue
                found.append(self._mention(text, start, stop, "native", key, via))
        return _longest(found)

    def _mention(self, text: str, start: int, end: int, automaton: str, key: str, via: str) -> Mention:
        pairs = self.names[(automaton, key)]
        kind = min((k for k, _i in pairs), key=KINDS.index)
        ids = tuple(sorted(i for k, i in pairs if k == kind))
        return Mention(start, end, text[start:end], kind, ids, via)


def _strip_brackets(text: str) -> list[str]:
    """A label and, if it has a bracketed part, the label without it and the part alone."""
    out = [text]
    inner = re.findall(r"[(（]([^()（）]+)[)）]", text)
    outer = re.sub(r"\s*[(（][^()（）]*[)）]\s*", " ", text).strip()
    if outer and outer != text:
        out.append(outer)
    # A bracketed part is a name of its own (GSOMIA, 한일기본조약), not a note (2026, zu unterzeichnen).
    out += [i.strip() for i in inner if not re.search(r"\d", i) and not re.fullmatch(r"[a-z\s]+", i)]
    return out


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` folded without white space, and each character's offset in ``text``."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        for c in fold(ch) or ch:
            chars.append(c)
            offsets.append(i)
    return "".join(chars), offsets


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _longest(mentions: list[Mention]) -> list[Mention]:
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, KINDS.index(m.kind))):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)
