"""From a document to what it reports: the event, the statements, the entities, the unknown.

The steps, each driven by the language's rules (``rules/<lang>.yaml``):

1. **Names** — the gazetteer's mentions; people named by title and family name ("Präsident
   Lee", "이 대통령", "高市首相"), resolved among those who held the title's office on the
   reference day; family names alone once the person is named; countries named together
   ("Korea, China und Japan") as the topic of their format (``common.yaml``).
2. **Dates** — :mod:`kjgraph.ingest.when`, relative to the publication date (else the first
   full date of the text).
3. **Events** — the first sentence with a meeting cue reports the main event: its date, its
   first city, the people it names (host: the one whose country holds the place). Other
   events are those the text names (gazetteer) or describes with a cue, a place and a date;
   each is linked to the record of the graph with that date, place and people.
4. **Statements** — per sentence, each trigger (what was agreed, proposed, emphasised,
   reaffirmed, to be signed; who will join what) governs a scope of the sentence; the topics
   in the scope form statements — one per topic after a distributive cue ("Zusammenarbeit
   in …"), separate ones across separators ("…, sowie die …"), with the topics of the
   statement before after an anaphoric cue ("entsprechende"), plus the topic of a framing
   phrase ("Im Kampf gegen …"). Parties: the countries named as subjects, "both sides", else
   the meeting's two countries (a passive proposal has none). Each statement keeps its
   sentence and offsets.
5. **Unknown mentions** — names by pattern (titles, places, acronyms) that link to nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from kjgraph.dates import PartialDate
from kjgraph.ingest.gazetteer import Entity, Gazetteer, Knowledge, Mention
from kjgraph.ingest.rules import CommonRules, LanguageRules, Trigger, common_rules, compiled
from kjgraph.ingest.text import Document, Sentence, fold, words
from kjgraph.ingest.when import FoundDate, find_dates

MEETING_KINDS = ("Summit", "SidelineMeeting", "BriefTalk", "StateVisit", "OfficialVisit", "WorkingVisit")


@dataclass
class Statement:
    kind: str
    status: str
    topics: list[str]
    parties: list[str]
    sentence: Sentence
    trigger: str
    join: tuple[str, str] | None = None  # (member, body) of "X will join Y"


@dataclass
class EventReport:
    """An event the document reports or names, as far as the text says."""

    kind: str
    sentence: Sentence
    date: PartialDate | None = None
    place: str | None = None
    participants: list[tuple[str, str, str | None]] = field(default_factory=list)  # (person, role, country)
    existing: str | None = None
    part_of: str | None = None
    series: str | None = None
    first_visit_during: str | None = None
    reciprocates: str | None = None
    topics: list[str] = field(default_factory=list)
    refers_to: list[str] = field(default_factory=list)
    evidence: list[Sentence] = field(default_factory=list)


@dataclass
class Extraction:
    document: Document
    reference: PartialDate | None
    reference_from: str
    mentions: list[Mention]
    dates: list[FoundDate]
    main: EventReport | None
    events: list[EventReport]
    statements: list[Statement]
    unknown: list[dict[str, object]]
    remarks: list[dict[str, object]]
    notes: list[str]


def extract(doc: Document, gazetteer: Gazetteer, *, published: PartialDate | None = None) -> Extraction:
    """Everything the document reports that the ingest can draft (see the module's docstring)."""
    notes: list[str] = []
    # -- dates: the reference day ----------------------------------------------------------
    reference, reference_from = published, "publication date"
    if reference is None:
        first = next((d for d in find_dates(doc.text, doc.lang, None) if d.date.precision == "day"), None)
        if first is not None:
            reference, reference_from = first.date, f"first full date of the text ({first.text!r})"
            notes.append(f"No publication date given: relative dates are resolved from the {reference_from}.")
        else:
            reference_from = "none"
            notes.append("No publication date and no full date in the text: relative dates are left out.")
    ref_day = reference.latest if reference is not None else None
    dates = find_dates(doc.text, doc.lang, ref_day)
    # -- names -------------------------------------------------------------------------------
    mentions = gazetteer.find(doc.text)
    mentions = _titled_people(doc.text, mentions, gazetteer, reference)
    mentions = _surnames(doc.text, mentions, gazetteer)
    mentions, consumed = _country_sets(mentions, gazetteer)
    # -- events ----------------------------------------------------------------------------
    main, events = _events(doc, mentions, dates, gazetteer, reference)
    # -- statements ------------------------------------------------------------------------
    statements, remarks = _statements(doc, mentions, consumed, gazetteer, main)
    if main is not None:
        _link_main(main, mentions, events, statements)
    unknown = _unknown(doc, mentions, gazetteer)
    return Extraction(doc, reference, reference_from, mentions, dates, main, events, statements, unknown,
                      remarks, notes)


def _link_main(main: EventReport, mentions: list[Mention], events: list[EventReport],
               statements: list[Statement]) -> None:
    """The main event's topics (those named, then those of the statements) and the records it
    refers to (the other events of the graph the text reports, not parts of one, and the bodies named)."""
    main.topics = list(dict.fromkeys(m.ids[0] for m in mentions if m.kind == "topic" and m.id))
    for st in statements:
        main.topics += [t for t in st.topics if t not in main.topics]
    main.refers_to = list(dict.fromkeys(
        [e.existing for e in events if e.existing and e.existing != main.existing and e.part_of is None]
        + [m.ids[0] for m in mentions if m.kind == "body" and m.id]))


# ---------------------------------------------------------------------------------- names

def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(start < m.end and m.start < end for m in mentions)


def _titled_people(text: str, mentions: list[Mention], gaz: Gazetteer,
                   reference: PartialDate | None) -> list[Mention]:
    """People named by a title and their family name, resolved by the office held on the day."""
    rules, k = gaz.rules, gaz.knowledge
    people = [e for e in k.entities.values() if e.kind == "person"]
    find = _title_then_name if rules.title_position == "before" else _name_then_title
    added: list[Mention] = []
    for title, offices in rules.titles.items():
        holders = k.holders(offices, reference) or set()
        find(text, title, [p for p in people if p.id in holders], gaz, mentions, added)
    return sorted(mentions + added, key=lambda m: m.start)


def _title_then_name(text: str, title: str, holders: list[Entity], gaz: Gazetteer, mentions: list[Mention],
                     added: list[Mention]) -> None:
    """A title before the name ("Präsident Lee"): the word after ``title`` is the family name of
    exactly one of ``holders`` (or starts with it, for names of five letters or more:
    "Takaichis"). Appends the mentions to ``added``."""
    pattern = re.compile(rf"\b{re.escape(title)}\s+([^\W\d_][\w-]*)")
    for m in pattern.finditer(text):
        word_start, word_end, word = m.start(1), m.end(1), m.group(1)
        found = [p for p in holders if any(_names_surname(word, s) for s in gaz.surnames(p))]
        if len(found) == 1 and not _overlaps(m.start(), word_end, mentions + added):
            added.append(Mention(word_start, word_end, word, "person", (found[0].id,), "title"))


def _names_surname(word: str, surname: str) -> bool:
    w, s = fold(word), fold(surname)
    return w == s or (w.startswith(s) and len(surname) >= 5)


def _name_then_title(text: str, title: str, holders: list[Entity], gaz: Gazetteer, mentions: list[Mention],
                     added: list[Mention]) -> None:
    """A title after the name ("이 대통령", "高市首相"): the family name of exactly one of
    ``holders`` stands just before ``title`` (a space between allowed). Appends the mentions
    to ``added``."""
    for m in re.finditer(re.escape(title), text):
        candidates: dict[str, tuple[int, int, str]] = {}
        for p in holders:
            span = _surname_before(text, m.start(), gaz.surnames(p), any_boundary=gaz.lang == "ja")
            if span is not None:
                candidates[p.id] = span
        if len(candidates) == 1:  # one holder of the office by that name on the day
            (pid, (start, end, surname)), = candidates.items()
            if not _overlaps(start, end, mentions + added):
                added.append(Mention(start, end, surname, "person", (pid,), "title"))


def _surname_before(text: str, at: int, surnames: list[str], *, any_boundary: bool) -> tuple[int, int, str] | None:
    """(start, end, surname) of the longest of ``surnames`` that ends at ``at`` (or one space
    before it) and starts a word; ``any_boundary``: it may follow any character (Japanese
    writes no spaces)."""
    end = at - 1 if at > 0 and text[at - 1] == " " else at
    for surname in sorted(surnames, key=len, reverse=True):
        start = end - len(surname)
        if start >= 0 and text[start:end] == surname and (
                start == 0 or not text[start - 1].isalnum() or any_boundary):
            return start, end, surname
    return None


def _surnames(text: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """Family names alone of the people the document has named."""
    named = {m.ids[0] for m in mentions if m.kind == "person" and m.id}
    added: list[Mention] = []
    for pid in sorted(named):
        entity = gaz.knowledge.get("person", pid)
        assert entity is not None
        for surname in gaz.surnames(entity):
            if gaz.cjk and not surname.isascii():
                if len(surname) < 2:
                    continue
                for m in re.finditer(re.escape(surname), text):
                    if not _overlaps(m.start(), m.end(), mentions + added):
                        added.append(Mention(m.start(), m.end(), surname, "person", (pid,), "surname"))
                continue
            for start, end, word in words(text):
                w, s = fold(word), fold(surname)
                if (w == s or (w.startswith(s) and len(s) >= 5 and gaz.rules.compound_prefix)) and \
                        not _overlaps(start, end, mentions + added) and word[:1].isupper():
                    added.append(Mention(start, end, word, "person", (pid,), "surname"))
    return sorted(mentions + added, key=lambda m: m.start)


def _country_sets(mentions: list[Mention], gaz: Gazetteer) -> tuple[list[Mention], set[int]]:
    """Countries named together in one phrase: the topic of their format.

    Returns the mentions with the topics added (sorted by offsets) and the ``id()`` of the
    country mentions that named a set (they are not parties of a statement).
    """
    common = common_rules()
    countries = [(i, m) for i, m in enumerate(mentions)
                 if m.kind == "place" and m.id and _is_country(gaz.knowledge, m.ids[0])]
    added: list[Mention] = []
    consumed: set[int] = set()
    for rule in common.country_sets:
        for a, (i, _first) in enumerate(countries):
            if i in consumed:
                continue
            chosen = _country_set(countries[a:], set(rule.countries), common.country_set_window)
            if chosen is None:
                continue
            start, end = chosen[0][1].start, max(m.end for _j, m in chosen)
            if not any(m.kind == "topic" and m.start <= start and end <= m.end for m in mentions):
                added.append(Mention(start, end, "", "topic", (rule.topic,), "country-set"))
                consumed |= {j for j, _m in chosen}
    return sorted(mentions + added, key=lambda m: (m.start, m.end)), {id(mentions[j]) for j in consumed}


def _country_set(countries: list[tuple[int, Mention]], wanted: set[str],
                 window: int) -> list[tuple[int, Mention]] | None:
    """The mentions of ``wanted`` (country ids) among the ``countries`` (index, mention) that
    start within ``window`` characters of the first; None unless every wanted country is there."""
    first = countries[0][1]
    group = [(j, m) for j, m in countries if m.start - first.start <= window]
    if not wanted <= {m.ids[0] for _j, m in group}:
        return None
    return [(j, m) for j, m in group if m.ids[0] in wanted]


# ---------------------------------------------------------------------------------- events

def _in(mentions: list[Mention], s: Sentence, kind: str | None = None) -> list[Mention]:
    return [m for m in mentions if s.start <= m.start < s.end and (kind is None or m.kind == kind) and m.id]


def _place_country(k: Knowledge, place: str | None) -> str | None:
    entity = k.get("place", place) if place else None
    return entity.country if entity else None


def _role(k: Knowledge, person: str, place: str | None) -> tuple[str, str | None]:
    entity = k.get("person", person)
    country = entity.country if entity else None
    host = _place_country(k, place)
    if host is None or country is None:
        return "participant", country
    return ("host" if country == host else "guest"), country


def _first_place(k: Knowledge, mentions: list[Mention], text: str | None = None,
                 rules: LanguageRules | None = None) -> str | None:
    """The most precise place among ``mentions``; with ``text``, only places in a locative
    phrase (``rules.locative_before``/``locative_after``: "in Nara", "나라에서")."""
    if text is not None and rules is not None and (rules.locative_before or rules.locative_after):
        mentions = [m for m in mentions
                    if any(compiled(p + r"\Z").search(text[max(0, m.start - 20):m.start])
                           for p in rules.locative_before)
                    or any(compiled(r"\A" + p).search(text[m.end:m.end + 10]) for p in rules.locative_after)]
    for kinds in (("Site", "City"), ("Region",), ("Country",)):
        for m in mentions:
            e = k.get("place", m.ids[0])
            if e is not None and e.place_kind in kinds:
                return e.id
    return None


def _link_event(k: Knowledge, report: EventReport, kinds: tuple[str, ...]) -> str | None:
    """The record of the graph this report describes: same kind family, date, place, people."""
    people = {p for p, _r, _c in report.participants}
    best: tuple[int, str] | None = None
    for rid, e in k.events.items():
        if kinds and e.kind not in kinds:
            continue
        first, last = e.first_day, e.last_day
        if report.date is not None and (last.latest < report.date.earliest or first.earliest > report.date.latest):
            continue
        if report.place is not None and e.place != report.place and report.place not in k.containers.get(
                e.place or "", []):
            continue
        attendees = {p.person for p in e.participants}
        if not people <= attendees:
            continue
        score = (report.date is not None) + (report.place is not None) + len(people)
        if best is None or score > best[0]:
            best = (score, rid)
    return best[1] if best else None


def _events(doc: Document, mentions: list[Mention], dates: list[FoundDate], gaz: Gazetteer,
            reference: PartialDate | None) -> tuple[EventReport | None, list[EventReport]]:
    """The main event (None if no sentence has a meeting cue) and the other events, in text order."""
    k, rules = gaz.knowledge, gaz.rules
    main = _main_event(doc, mentions, dates, gaz, reference)
    if main is None:
        return None, []
    others: list[EventReport] = []
    for s in doc.sentences:
        _note_first_visit(k, rules, mentions, s, main)
        _note_series(k, mentions, s, main)
        others += _cued_events(doc, mentions, dates, gaz, s, main)
        others += _named_events(k, mentions, dates, s, main, others)
    return main, others


def _main_event(doc: Document, mentions: list[Mention], dates: list[FoundDate], gaz: Gazetteer,
                reference: PartialDate | None) -> EventReport | None:
    """The event of the first sentence with a main-event cue: its first date (else the
    reference day), its place, the people it names and the record of the graph it is."""
    k, rules = gaz.knowledge, gaz.rules
    for s in doc.sentences:
        cue = next((c for c in rules.events if c.main and compiled(c.pattern).search(s.text)), None)
        if cue is None:
            continue
        sentence_dates = [d for d in dates if s.start <= d.start < s.end]
        place = (_first_place(k, _in(mentions, s, "place"), doc.text, rules)
                 or _first_place(k, _in(mentions, s, "place")))
        main = EventReport(cue.kind, s, sentence_dates[0].date if sentence_dates else reference, place)
        people = dict.fromkeys(m.ids[0] for m in _in(mentions, s, "person"))  # each person once
        main.participants = _participants(k, list(people), place)
        main.existing = _link_event(k, main, MEETING_KINDS if cue.kind != "LeaderCall" else ("LeaderCall",))
        main.evidence.append(s)
        return main
    return None


def _participants(k: Knowledge, people: list[str], place: str | None) -> list[tuple[str, str, str | None]]:
    """(person, role, country) of each of ``people`` at an event held at ``place``."""
    return [(person, *_role(k, person, place)) for person in people]


def _cite(report: EventReport, s: Sentence) -> None:
    if s not in report.evidence:
        report.evidence.append(s)


def _note_first_visit(k: Knowledge, rules: LanguageRules, mentions: list[Mention], s: Sentence,
                      main: EventReport) -> None:
    """A sentence saying this is the host's first visit: the main event's ``first_visit_during``
    is the host's term of office on the day."""
    if not (rules.first_visit and compiled(rules.first_visit).search(s.text) and main.date is not None):
        return
    for m in _in(mentions, s, "person"):
        tenure = k.tenure_of(m.ids[0], main.date)
        if tenure is not None and _role(k, m.ids[0], main.place)[0] == "host":
            main.first_visit_during = tenure.id
            main.evidence.append(s)
            return


def _note_series(k: Knowledge, mentions: list[Mention], s: Sentence, main: EventReport) -> None:
    """The first topic named in the text that is a series of meetings ("shuttle diplomacy")."""
    series = k.catalog.series if k.catalog is not None else {}
    for m in _in(mentions, s, "topic"):
        if m.ids[0] in series and main.series is None:
            main.series = m.ids[0]
            _cite(main, s)


def _cued_events(doc: Document, mentions: list[Mention], dates: list[FoundDate], gaz: Gazetteer, s: Sentence,
                 main: EventReport) -> list[EventReport]:
    """The events a sentence describes with a (non-main) cue: parts of the main event ("a press
    conference followed") and other meetings with their own place or date."""
    k, rules = gaz.knowledge, gaz.rules
    found: list[EventReport] = []
    for cue in rules.events:
        if cue.main:
            continue
        hits = [s.start + h.start() for h in compiled(cue.pattern).finditer(s.text)]
        for at in hits:
            if cue.part_of_main:
                found.append(_part_of_main(k, cue.kind, s, main))
                continue
            report = _described_event(doc, mentions, dates, gaz, s, main, cue.kind, at, hits)
            if report is None:
                continue
            found.append(report)
            if _reciprocated(k, rules, s, main, report):
                main.reciprocates = report.existing
                _cite(main, s)
    return found


def _part_of_main(k: Knowledge, kind: str, s: Sentence, main: EventReport) -> EventReport:
    """An event of ``kind`` within the main event (same day, place and people), linked to the
    graph's sub-event of that kind."""
    report = EventReport(kind, s, main.date, main.place, list(main.participants), part_of=main.existing)
    report.existing = next((rid for rid, e in k.events.items() if e.part_of == main.existing
                            and e.kind == kind and main.existing), None)
    report.evidence.append(s)
    return report


def _described_event(doc: Document, mentions: list[Mention], dates: list[FoundDate], gaz: Gazetteer,
                     s: Sentence, main: EventReport, kind: str, at: int, hits: list[int]) -> EventReport | None:
    """The event a cue at offset ``at`` describes, from the words from the cue to the next cue
    (or, where the language puts them first, from the cue before to this one) among ``hits``;
    None when it is the main event itself (its place, or no place, and its date, or none)."""
    k, rules = gaz.knowledge, gaz.rules
    if rules.event_span == "forward":
        lo, hi = at, min([h for h in hits if h > at], default=s.end)
    else:
        lo, hi = max([h for h in hits if h < at], default=s.start), at
    span = [m for m in mentions if lo <= m.start < hi and m.id]
    span_dates = [d for d in dates if lo <= d.start < hi]
    place = _first_place(k, [m for m in span if m.kind == "place"], doc.text, rules)
    date = span_dates[0].date if span_dates else None
    if _is_main(k, main, place, date):
        return None
    report = EventReport(kind, s, date, place)
    report.participants = _participants(k, [m.ids[0] for m in span if m.kind == "person"], place)
    report.existing = _link_event(k, report, MEETING_KINDS)
    report.evidence.append(s)
    return report


def _is_main(k: Knowledge, main: EventReport, place: str | None, date: PartialDate | None) -> bool:
    """Is an event at ``place`` on ``date`` (either unknown) the main event: its place (or a
    place within it) and its day?"""
    same_place = place is None or place == main.place or place in k.containers.get(main.place or "", [])
    return same_place and (date is None or date == main.date)


def _reciprocated(k: Knowledge, rules: LanguageRules, s: Sentence, main: EventReport, report: EventReport) -> bool:
    """Does the sentence say the main event returns ``report``'s visit (held in another country)?"""
    return bool(report.existing and rules.reciprocal and compiled(rules.reciprocal).search(s.text)
                and report.place is not None
                and _place_country(k, report.place) != _place_country(k, main.place))


def _named_events(k: Knowledge, mentions: list[Mention], dates: list[FoundDate], s: Sentence, main: EventReport,
                  known: list[EventReport]) -> list[EventReport]:
    """The events of the graph a sentence names (gazetteer), other than the main event and
    ``known`` ones: the date after the name, the first place after it."""
    found: list[EventReport] = []
    for m in _in(mentions, s, "event"):
        if any(e.existing == m.ids[0] for e in known + found) or m.ids[0] == main.existing:
            continue
        after = [x for x in mentions if m.end <= x.start < s.end and x.kind == "place" and x.id]
        near_dates = [d for d in dates if s.start <= d.start < s.end and d.start >= m.start]
        report = EventReport("named", s, near_dates[0].date if near_dates else None,
                             _first_place(k, after), existing=m.ids[0])
        report.evidence.append(s)
        found.append(report)
    return found


# ------------------------------------------------------------------------------ statements

def _topics_of_event(k: Knowledge, event_id: str) -> list[str]:
    """The topic named after an event (they share a label in some language)."""
    event = k.get("event", event_id)
    if event is None:
        return []
    names = set(event.labels.values())
    return [e.id for e in k.entities.values() if e.kind == "topic" and names & set(e.labels.values())]


@dataclass
class _Framing:
    """A framing phrase of a sentence ("Im Kampf gegen …"): the topics it names, its span
    (offsets in the sentence: from the frame to the first trigger after it) and whether its
    topics join every statement of the sentence (and of the paragraph's next ones)."""

    topics: list[str] = field(default_factory=list)
    add: bool = False
    span: tuple[int, int] = (0, 0)


_Hit = tuple[int, int, Trigger]  # a trigger found in a sentence: (start, end) in the sentence, its rule


def _statements(doc: Document, mentions: list[Mention], consumed: set[int], gaz: Gazetteer,
                main: EventReport | None) -> tuple[list[Statement], list[dict[str, object]]]:
    """The statements of every sentence, and the remarks (sentences of one speaker without a trigger)."""
    k, rules = gaz.knowledge, gaz.rules
    both = sorted({c for _p, _r, c in (main.participants if main else []) if c},
                  key=lambda c: (c != "kr", c != "jp", c))  # Korea, Japan, then the others
    statements: list[Statement] = []
    remarks: list[dict[str, object]] = []
    carried: tuple[int, list[str]] | None = None  # (paragraph, topics) of a framing phrase
    for s in doc.sentences:
        if carried is not None and carried[0] != s.paragraph:
            carried = None
        triggers = _triggers(rules, s.text)
        framing = _framing(k, rules, mentions, s, triggers)
        if framing.add and framing.topics:
            carried = (s.paragraph, framing.topics)
        if not triggers:
            remark = _remark(rules, mentions, s)
            if remark is not None:
                remarks.append(remark)
            continue
        statements += _sentence_statements(k, rules, mentions, consumed, s, triggers, framing,
                                           carried[1] if carried else [], both)
    return statements, remarks


def _triggers(rules: LanguageRules, text: str) -> list[_Hit]:
    """The triggers of a sentence in text order; of overlapping ones the earlier (then longer) wins."""
    hits = [(h.start(), h.end(), rule) for rule in rules.triggers for h in compiled(rule.pattern).finditer(text)]
    triggers: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
        if all(hit[0] >= t[1] or hit[1] <= t[0] for t in triggers):
            triggers.append(hit)
    triggers.sort(key=lambda h: h[0])
    return triggers


def _framing(k: Knowledge, rules: LanguageRules, mentions: list[Mention], s: Sentence,
             triggers: list[_Hit]) -> _Framing:
    """The sentence's first framing phrase (``rules.frames``) with the topics named from its
    end to the first trigger after it (a named event stands for the topic named after it)."""
    for frame in rules.frames:
        f = compiled(frame.pattern).search(s.text)
        if not f:
            continue
        stop = triggers[0][0] if triggers and triggers[0][0] > f.end() else len(s.text)
        topics: list[str] = []
        for m in mentions:
            if s.start + f.end() <= m.start < s.start + stop and m.id:
                if m.kind == "topic":
                    topics.append(m.ids[0])
                elif m.kind == "event":
                    topics += _topics_of_event(k, m.ids[0])
        return _Framing(topics, frame.add, (f.start(), stop))
    return _Framing()


def _remark(rules: LanguageRules, mentions: list[Mention], s: Sentence) -> dict[str, object] | None:
    """A sentence without a trigger that reports what someone said (``rules.remarks``):
    the first person it names as the speaker."""
    if not any(compiled(p).search(s.text) for p in rules.remarks):
        return None
    speaker = next((m.ids[0] for m in _in(mentions, s, "person")), None)
    return {"speaker": speaker, "start": s.start, "end": s.end, "sentence": s.text}


def _scope_bounds(rules: LanguageRules, text: str, triggers: list[_Hit]) -> list[int]:
    """Offsets cutting a sentence into one scope per trigger: at the last clause break
    (``rules.clause_breaks``) between a trigger and the next, else at the earlier one's end."""
    bounds = [0]
    for (_start, lo, _rule), (hi, _end, _next) in itertools.pairwise(triggers):
        cut = lo
        for pattern in rules.clause_breaks:
            for b in compiled(pattern).finditer(text, lo):
                if b.start() < hi:
                    cut = max(cut, b.start())
        bounds.append(cut)
    bounds.append(len(text))
    return bounds


def _sentence_statements(k: Knowledge, rules: LanguageRules, mentions: list[Mention], consumed: set[int],
                         s: Sentence, triggers: list[_Hit], framing: _Framing, carried: list[str],
                         both: list[str]) -> list[Statement]:
    """The statements of a sentence with triggers: per trigger, its scope's parties and topic groups."""
    common = common_rules()
    text = s.text
    bounds = _scope_bounds(rules, text, triggers)
    previous: list[str] = []  # the topics of the group before (for an anaphoric cue)
    out: list[Statement] = []
    for i, (t_start, t_end, rule) in enumerate(triggers):
        lo, hi = bounds[i], bounds[i + 1]
        in_scope = [m for m in mentions if s.start + lo <= m.start < s.start + hi and m.id
                    and not (s.start + framing.span[0] <= m.start < s.start + framing.span[1])]
        parties = _parties(k, rules, common, rule, in_scope, consumed, text[lo:hi], both)
        join = _join(k, rule, in_scope, consumed, s.start + t_start)
        if join is not None:
            parties = [join[0]]
        topic_mentions = [m for m in in_scope if m.kind == "topic"]
        groups_topics, previous = _topic_lists(rules, s, lo, text[lo:hi], topic_mentions, framing, carried,
                                               previous)
        for topics in groups_topics:
            out.append(Statement(rule.kind, rule.status, topics, parties, s, text[t_start:t_end], join))
    return out


def _join(k: Knowledge, rule: Trigger, in_scope: list[Mention], consumed: set[int],
          trigger_at: int) -> tuple[str, str] | None:
    """(member, body) of "X will join Y": the first body in the scope and the first country
    named before the trigger (at document offset ``trigger_at``); None for other triggers."""
    if not rule.join:
        return None
    body = next((m.ids[0] for m in in_scope if m.kind == "body"), None)
    subject = [m.ids[0] for m in in_scope if m.kind == "place" and m.start < trigger_at
               and id(m) not in consumed and _is_country(k, m.ids[0])]
    return (subject[0], body) if body and subject else None


def _topic_lists(rules: LanguageRules, s: Sentence, lo: int, scope_text: str, topic_mentions: list[Mention],
                 framing: _Framing, carried: list[str], previous: list[str]) -> tuple[list[list[str]], list[str]]:
    """The topic list of each statement of a scope (starting at ``lo`` in the sentence), and the
    topics of its last group (the ``previous`` of the next scope).

    Without topics in the scope: the framing phrase's topics, else those ``carried`` from the
    paragraph's framing phrase (one statement, maybe without topics). Otherwise one statement
    per group (:func:`_groups`), one per topic after a distributive cue; an anaphoric cue
    before a group adds the ``previous`` group's topics; a framing phrase that adds its
    topics puts them first.
    """
    groups = _groups(rules, s.text, s.start, lo, topic_mentions)
    if not groups:
        topics = framing.topics or carried
        return ([list(topics)] if topics else [[]]), previous
    distributive = any(compiled(p).search(scope_text) for p in rules.distributive)
    out: list[list[str]] = []
    for g_start, g_mentions in groups:
        before = s.text[g_start:g_mentions[0].start - s.start]
        topics = [m.ids[0] for m in g_mentions]
        anaphoric = any(compiled(p).search(before) for p in rules.anaphora)
        for chunk in [[t] for t in topics] if distributive and len(topics) > 1 else [topics]:
            if anaphoric:
                chunk = chunk + [t for t in previous if t not in chunk]
            if framing.add:
                chunk = [t for t in framing.topics if t not in chunk] + chunk
            out.append(list(dict.fromkeys(chunk)))
        previous = topics
    return out, previous


def _is_country(k: Knowledge, place: str) -> bool:
    e = k.get("place", place)
    return e is not None and e.place_kind == "Country"


def _parties(k: Knowledge, rules: LanguageRules, common: CommonRules, rule: Trigger, in_scope: list[Mention],
             consumed: set[int], scope_text: str, both: list[str]) -> list[str]:
    """The parties of a statement: both sides after a "both sides" cue, else the countries
    named in the scope (not as part of a set), else by the trigger's passive policy."""
    named = [m.ids[0] for m in in_scope if m.kind == "place" and id(m) not in consumed and _is_country(k, m.ids[0])
             and m.via != "country-set"]
    named = list(dict.fromkeys(named))
    if any(compiled(p).search(scope_text) for p in rules.both_parties):
        return both
    if named:
        return named
    policy = common.passive_parties.get(rule.kind, "both")
    return both if policy == "both" else []


def _groups(rules: LanguageRules, text: str, offset: int, lo: int,
            topic_mentions: list[Mention]) -> list[tuple[int, list[Mention]]]:
    """Topics split where a separator stands between two of them: [(group's text start, mentions)]."""
    groups: list[tuple[int, list[Mention]]] = []
    start = lo
    for m in topic_mentions:
        if groups:
            between = text[groups[-1][1][-1].end - offset:m.start - offset]
            if any(compiled(p).search(between) for p in rules.separators):
                start = groups[-1][1][-1].end - offset
                groups.append((start, [m]))
                continue
            groups[-1][1].append(m)
        else:
            groups.append((start, [m]))
    return groups


# ---------------------------------------------------------------------------------- unknown

def _unknown(doc: Document, mentions: list[Mention], gaz: Gazetteer) -> list[dict[str, object]]:
    rules = gaz.rules
    skip = {fold(n) for n in rules.not_names}
    seen: set[tuple[int, int]] = set()
    out: list[dict[str, object]] = []
    for rule in rules.unknown:
        for m in re.finditer(rule.pattern, doc.text):
            start, end = m.span("name")
            name = m.group("name")
            if (start, end) in seen or fold(name) in skip or _overlaps(start, end, mentions):
                continue
            seen.add((start, end))
            out.append({"text": name, "start": start, "end": end, "hint": rule.hint,
                        "sentence": doc.sentence_at(start).index})
    return sorted(out, key=lambda u: u["start"])  # type: ignore[arg-type,return-value]


def entity_label(entity: Entity | None, lang: str) -> str:
    if entity is None:
        return "?"
    return entity.labels.get(lang) or entity.labels.get("en") or entity.id


def reference_day(value: str | None) -> PartialDate | None:
    """A publication date given as YYYY, YYYY-MM or YYYY-MM-DD (or a datetime's date part)."""
    if not value:
        return None
    text = str(value)[:10]
    try:
        return PartialDate.parse(text)
    except ValueError:
        return PartialDate.parse(dt.date.fromisoformat(text).isoformat())
