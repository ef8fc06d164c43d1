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
import re
from dataclasses import dataclass, field

from kjgraph.dates import PartialDate
from kjgraph.ingest.gazetteer import Entity, Gazetteer, Knowledge, Mention
from kjgraph.ingest.rules import LanguageRules, Trigger, common_rules, compiled
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
        main.topics = list(dict.fromkeys(m.ids[0] for m in mentions if m.kind == "topic" and m.id))
        for st in statements:
            main.topics += [t for t in st.topics if t not in main.topics]
        main.refers_to = list(dict.fromkeys(
            [e.existing for e in events if e.existing and e.existing != main.existing and e.part_of is None]
            + [m.ids[0] for m in mentions if m.kind == "body" and m.id]))
    unknown = _unknown(doc, mentions, gazetteer)
    return Extraction(doc, reference, reference_from, mentions, dates, main, events, statements, unknown,
                      remarks, notes)


# ---------------------------------------------------------------------------------- names

def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(start < m.end and m.start < end for m in mentions)


def _titled_people(text: str, mentions: list[Mention], gaz: Gazetteer,
                   reference: PartialDate | None) -> list[Mention]:
    """People named by a title and their family name, resolved by the office held on the day."""
    rules, k = gaz.rules, gaz.knowledge
    people = [e for e in k.entities.values() if e.kind == "person"]
    added: list[Mention] = []
    for title, offices in rules.titles.items():
        holders = k.holders(offices, reference) or set()
        if rules.title_position == "before":
            pattern = re.compile(rf"\b{re.escape(title)}\s+([^\W\d_][\w-]*)")
            for m in pattern.finditer(text):
                word_start, word_end, word = m.start(1), m.end(1), m.group(1)
                found = [p for p in people if p.id in holders and any(
                    fold(word) == fold(s) or (fold(word).startswith(fold(s)) and len(s) >= 5)
                    for s in gaz.surnames(p))]
                if len(found) == 1 and not _overlaps(m.start(), word_end, mentions + added):
                    added.append(Mention(word_start, word_end, word, "person", (found[0].id,), "title"))
        else:
            for m in re.finditer(re.escape(title), text):
                candidates: dict[str, tuple[int, int, str]] = {}
                for p in people:
                    if p.id not in holders:
                        continue
                    for surname in sorted(gaz.surnames(p), key=len, reverse=True):
                        end = m.start()
                        end -= 1 if end > 0 and text[end - 1] == " " else 0
                        start = end - len(surname)
                        if start >= 0 and text[start:end] == surname and (
                                start == 0 or not text[start - 1].isalnum() or gaz.lang == "ja"):
                            candidates[p.id] = (start, end, surname)
                            break
                if len(candidates) == 1:  # one holder of the office by that name on the day
                    (pid, (start, end, surname)), = candidates.items()
                    if not _overlaps(start, end, mentions + added):
                        added.append(Mention(start, end, surname, "person", (pid,), "title"))
    return sorted(mentions + added, key=lambda m: m.start)


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
    """Countries named together in one phrase: the topic of their format."""
    common = common_rules()
    countries = [(i, m) for i, m in enumerate(mentions) if m.kind == "place" and m.id
                 and (e := gaz.knowledge.get("place", m.ids[0])) is not None and e.place_kind == "Country"]
    added: list[Mention] = []
    consumed: set[int] = set()
    for rule in common.country_sets:
        wanted = set(rule.countries)
        for a, (i, first) in enumerate(countries):
            group = [(j, m) for j, m in countries[a:] if m.start - first.start <= common.country_set_window]
            ids = {m.ids[0] for _j, m in group}
            if wanted <= ids and i not in consumed:
                chosen = [(j, m) for j, m in group if m.ids[0] in wanted]
                start, end = chosen[0][1].start, max(m.end for _j, m in chosen)
                if not any(m.kind == "topic" and m.start <= start and end <= m.end for m in mentions):
                    added.append(Mention(start, end, "", "topic", (rule.topic,), "country-set"))
                    consumed |= {j for j, _m in chosen}
    return sorted(mentions + added, key=lambda m: (m.start, m.end)), {id(mentions[j]) for j in consumed}


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
    k, rules = gaz.knowledge, gaz.rules
    main: EventReport | None = None
    others: list[EventReport] = []
    for s in doc.sentences:
        for cue in rules.events:
            if not cue.main or not compiled(cue.pattern).search(s.text):
                continue
            sentence_dates = [d for d in dates if s.start <= d.start < s.end]
            people = _in(mentions, s, "person")
            place = (_first_place(k, _in(mentions, s, "place"), doc.text, rules)
                     or _first_place(k, _in(mentions, s, "place")))
            main = EventReport(cue.kind, s, sentence_dates[0].date if sentence_dates else reference, place)
            for m in people:
                if m.ids[0] not in [p for p, _r, _c in main.participants]:
                    role, country = _role(k, m.ids[0], place)
                    main.participants.append((m.ids[0], role, country))
            main.existing = _link_event(k, main, MEETING_KINDS if cue.kind != "LeaderCall" else ("LeaderCall",))
            main.evidence.append(s)
            break
        if main is not None:
            break
    if main is None:
        return None, []
    main_country = _place_country(k, main.place)
    for s in doc.sentences:
        if rules.first_visit and compiled(rules.first_visit).search(s.text) and main.date is not None:
            for m in _in(mentions, s, "person"):
                tenure = k.tenure_of(m.ids[0], main.date)
                if tenure is not None and _role(k, m.ids[0], main.place)[0] == "host":
                    main.first_visit_during = tenure.id
                    main.evidence.append(s)
                    break
        for m in _in(mentions, s, "topic"):
            if m.ids[0] in (k.catalog.series if k.catalog is not None else {}) and main.series is None:
                main.series = m.ids[0]
                if s not in main.evidence:
                    main.evidence.append(s)
        for cue in rules.events:
            if cue.main:
                continue
            for hit in compiled(cue.pattern).finditer(s.text):
                at = s.start + hit.start()
                if cue.part_of_main:
                    report = EventReport(cue.kind, s, main.date, main.place, list(main.participants),
                                         part_of=main.existing)
                    report.existing = next((rid for rid, e in k.events.items() if e.part_of == main.existing
                                            and e.kind == cue.kind and main.existing), None)
                    report.evidence.append(s)
                    others.append(report)
                    continue
                # A described event: the words from the cue to the next cue (or, where the language
                # puts them first, from the cue before to this one).
                hits = [s.start + h.start() for h in compiled(cue.pattern).finditer(s.text)]
                if rules.event_span == "forward":
                    lo_, hi_ = at, min([h for h in hits if h > at], default=s.end)
                else:
                    lo_, hi_ = max([h for h in hits if h < at], default=s.start), at
                span = [m for m in mentions if lo_ <= m.start < hi_ and m.id]
                span_dates = [d for d in dates if lo_ <= d.start < hi_]
                place = _first_place(k, [m for m in span if m.kind == "place"], doc.text, rules)
                date = span_dates[0].date if span_dates else None
                same_place = place is None or place == main.place or place in k.containers.get(main.place or "", [])
                if same_place and (date is None or date == main.date):
                    continue  # the main event itself
                report = EventReport(cue.kind, s, date, place)
                for m in span:
                    if m.kind == "person":
                        role, country = _role(k, m.ids[0], place)
                        report.participants.append((m.ids[0], role, country))
                report.existing = _link_event(k, report, MEETING_KINDS)
                report.evidence.append(s)
                others.append(report)
                if (report.existing and rules.reciprocal and compiled(rules.reciprocal).search(s.text)
                        and place is not None and _place_country(k, place) != main_country):
                    main.reciprocates = report.existing
                    if s not in main.evidence:
                        main.evidence.append(s)
        for m in _in(mentions, s, "event"):  # events the text names
            if any(e.existing == m.ids[0] for e in others) or m.ids[0] == main.existing:
                continue
            after = [x for x in mentions if m.end <= x.start < s.end and x.kind == "place" and x.id]
            near_dates = [d for d in dates if s.start <= d.start < s.end and d.start >= m.start]
            report = EventReport("named", s, near_dates[0].date if near_dates else None,
                                 _first_place(k, after), existing=m.ids[0])
            report.evidence.append(s)
            others.append(report)
    return main, others


# ------------------------------------------------------------------------------ statements

def _topics_of_event(k: Knowledge, event_id: str) -> list[str]:
    """The topic named after an event (they share a label in some language)."""
    event = k.get("event", event_id)
    if event is None:
        return []
    names = set(event.labels.values())
    return [e.id for e in k.entities.values() if e.kind == "topic" and names & set(e.labels.values())]


def _statements(doc: Document, mentions: list[Mention], consumed: set[int], gaz: Gazetteer,
                main: EventReport | None) -> tuple[list[Statement], list[dict[str, object]]]:
    k, rules = gaz.knowledge, gaz.rules
    common = common_rules()
    both = sorted({c for _p, _r, c in (main.participants if main else []) if c},
                  key=lambda c: (c != "kr", c != "jp", c))  # Korea, Japan, then the others
    statements: list[Statement] = []
    remarks: list[dict[str, object]] = []
    carried: tuple[int, list[str]] | None = None  # (paragraph, topics) of a framing phrase
    for s in doc.sentences:
        if carried is not None and carried[0] != s.paragraph:
            carried = None
        text = s.text
        hits: list[tuple[int, int, Trigger]] = []
        for rule in rules.triggers:
            for h in compiled(rule.pattern).finditer(text):
                hits.append((h.start(), h.end(), rule))
        triggers: list[tuple[int, int, Trigger]] = []
        for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
            if all(hit[0] >= t[1] or hit[1] <= t[0] for t in triggers):
                triggers.append(hit)
        triggers.sort(key=lambda h: h[0])
        frame_topics: list[str] = []
        frame_add = False
        frame_span = (0, 0)
        for frame in rules.frames:
            f = compiled(frame.pattern).search(text)
            if f:
                stop = triggers[0][0] if triggers and triggers[0][0] > f.end() else len(text)
                frame_span = (f.start(), stop)
                for m in mentions:
                    if s.start + f.end() <= m.start < s.start + stop and m.id:
                        if m.kind == "topic":
                            frame_topics.append(m.ids[0])
                        elif m.kind == "event":
                            frame_topics += _topics_of_event(k, m.ids[0])
                frame_add = frame.add
                break
        if frame_add and frame_topics:
            carried = (s.paragraph, frame_topics)
        if not triggers:
            if any(compiled(p).search(text) for p in rules.remarks):
                speaker = next((m.ids[0] for m in _in(mentions, s, "person")), None)
                remarks.append({"speaker": speaker, "start": s.start, "end": s.end, "sentence": text})
            continue
        # Scopes: a sentence with several triggers is cut at the last clause break before each.
        bounds = [0]
        for i in range(1, len(triggers)):
            lo, hi = triggers[i - 1][1], triggers[i][0]
            cut = lo
            for pattern in rules.clause_breaks:
                for b in compiled(pattern).finditer(text, lo):
                    if b.start() < hi:
                        cut = max(cut, b.start())
            bounds.append(cut)
        bounds.append(len(text))
        previous: list[str] = []
        for i, (t_start, t_end, rule) in enumerate(triggers):
            lo, hi = bounds[i], bounds[i + 1]
            in_scope = [m for m in mentions if s.start + lo <= m.start < s.start + hi and m.id
                        and not (s.start + frame_span[0] <= m.start < s.start + frame_span[1])]
            topic_mentions = [m for m in in_scope if m.kind == "topic"]
            scope_text = text[lo:hi]
            parties = _parties(k, rules, common, rule, in_scope, consumed, scope_text, both)
            join = None
            if rule.join:
                body = next((m.ids[0] for m in in_scope if m.kind == "body"), None)
                subject = [m.ids[0] for m in in_scope if m.kind == "place" and m.start < s.start + t_start
                           and id(m) not in consumed and _is_country(k, m.ids[0])]
                if body and subject:
                    join = (subject[0], body)
                    parties = subject[:1]
            groups = _groups(rules, text, s.start, lo, topic_mentions)
            if not groups:
                topics = frame_topics or (carried[1] if carried else [])
                groups_topics = [list(topics)] if topics else [[]]
            else:
                groups_topics = []
                for g_start, g_mentions in groups:
                    before = text[g_start:g_mentions[0].start - s.start]
                    topics = [m.ids[0] for m in g_mentions]
                    distributive = any(compiled(p).search(scope_text) for p in rules.distributive) and len(topics) > 1
                    anaphoric = any(compiled(p).search(before) for p in rules.anaphora)
                    chunks = [[t] for t in topics] if distributive else [topics]
                    for chunk in chunks:
                        if anaphoric:
                            chunk = chunk + [t for t in previous if t not in chunk]
                        if frame_add:
                            chunk = [t for t in frame_topics if t not in chunk] + chunk
                        groups_topics.append(list(dict.fromkeys(chunk)))
                    previous = topics
            for topics in groups_topics:
                statements.append(Statement(rule.kind, rule.status, topics, parties, s,
                                            text[t_start:t_end], join))
    return statements, remarks


def _is_country(k: Knowledge, place: str) -> bool:
    e = k.get("place", place)
    return e is not None and e.place_kind == "Country"


def _parties(k: Knowledge, rules: object, common: object, rule: object, in_scope: list[Mention],
             consumed: set[int], scope_text: str, both: list[str]) -> list[str]:
    named = [m.ids[0] for m in in_scope if m.kind == "place" and id(m) not in consumed and _is_country(k, m.ids[0])
             and m.via != "country-set"]
    named = list(dict.fromkeys(named))
    if any(compiled(p).search(scope_text) for p in rules.both_parties):  # type: ignore[attr-defined]
        return both
    if named:
        return named
    policy = common.passive_parties.get(rule.kind, "both")  # type: ignore[attr-defined]
    return both if policy == "both" else []


def _groups(rules: object, text: str, offset: int, lo: int,
            topic_mentions: list[Mention]) -> list[tuple[int, list[Mention]]]:
    """Topics split where a separator stands between two of them: [(group's text start, mentions)]."""
    groups: list[tuple[int, list[Mention]]] = []
    start = lo
    for m in topic_mentions:
        if groups:
            between = text[groups[-1][1][-1].end - offset:m.start - offset]
            if any(compiled(p).search(between) for p in rules.separators):  # type: ignore[attr-defined]
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
