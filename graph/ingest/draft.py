"""The draft a curator reviews: records in the data format of ``graph/data/``, each anchored.

A draft is one YAML mapping: ``draft`` (where it came from), then records by kind —
``sources``, ``events``, ``agreements``, ``bodies`` — exactly as in the data files, and
``review`` (every link made, unknown mentions, one person's remarks, notes). A record the
graph already holds is given whole with what the document adds (its source, its evidence,
a claim where the document says less or differs); a new record gets a new id. Every drafted
record is checked with the data schema (:mod:`kjgraph.records`) before it is written.
:func:`diff` says what a draft would add to or change in the graph.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML

from kjgraph import __version__
from kjgraph import records as r
from kjgraph.dates import PartialDate
from kjgraph.ingest.extract import EventReport, Extraction, Statement, entity_label
from kjgraph.ingest.gazetteer import Knowledge
from kjgraph.ingest.rules import common_rules
from kjgraph.ingest.text import Sentence
from kjgraph.labels import LANGUAGES

_KIND_WORD = {"Summit": {"en": "Summit", "ko": "정상회담", "ja": "首脳会談", "de": "Gipfeltreffen"},
              "LeaderCall": {"en": "Leaders' call", "ko": "정상 통화", "ja": "首脳電話会談", "de": "Telefonat"}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "x"


def _plain(model: BaseModel) -> dict[str, Any]:
    """A record as the data files write it (dates as ``YYYY[-MM[-DD]]`` strings)."""
    def walk(value: Any) -> Any:
        if isinstance(value, PartialDate):
            return str(value)
        if isinstance(value, BaseModel):
            out = {}
            for name, info in type(value).model_fields.items():
                item = getattr(value, name)
                default = info.get_default(call_default_factory=True)
                if item is None or item == default:
                    continue
                out[info.alias or name] = walk(item)
            return out
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    data: dict[str, Any] = walk(model)
    first = [k for k in ("id", "kind") if k in data]
    last = [k for k in ("sources", "evidence", "claims") if k in data]
    return {k: data[k] for k in first + [k for k in data if k not in first + last] + last}


def _evidence(source: str, sentences: list[Sentence]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for s in sentences:
        if s.start not in seen:
            seen.add(s.start)
            out.append({"source": source, "start": s.start, "end": s.end, "quote": s.text})
    return out


def source_record(x: Extraction, knowledge: Knowledge, meta: dict[str, Any], file: str | None,
                  document: str = "document.txt") -> dict[str, Any]:
    """The document's source record: an existing one with the same file or URL, else a new one."""
    existing = _known_source(knowledge, meta, file)
    if existing is not None:
        return _plain(existing)
    title = meta.get("title") or (x.document.sentences[0].text[:80] if x.document.sentences else "Untitled")
    published = meta.get("published") or (str(x.reference) if x.reference_from == "publication date" else None)
    sid = meta.get("id") or _slug("-".join(filter(None, [meta.get("publisher"), published,
                                                          " ".join(title.split()[:6])])))
    record: dict[str, Any] = {"id": sid, "kind": meta.get("kind") or "NewsArticle", "title": title}
    if "publisher_type" in r.Source.model_fields:
        record["publisher_type"] = meta.get("publisher_type") or "other"
    record.update({key: meta[key] for key in ("url", "publisher") if meta.get(key)})
    if file:
        record["file"] = file
    elif not meta.get("url"):
        record["file"] = Path(document).name  # to be stored in graph/data/documents/ (see the notes)
    if published:
        record["published"] = str(published)
    record["language"] = meta.get("language") or x.document.lang
    return record


def _known_source(knowledge: Knowledge, meta: dict[str, Any], file: str | None) -> Any:
    """The graph's source record with the document's file name, URL or id (``meta``), else None."""
    url, sid = meta.get("url"), meta.get("id")
    return next((source for source in knowledge.sources.values()
                 if (file and source.file == file) or (url and source.url == url) or (sid and source.id == sid)),
                None)


def _add_source(record: dict[str, Any], source: str, sentences: list[Sentence],
                claim: dict[str, Any] | None = None) -> dict[str, Any]:
    """``record`` citing ``source`` with the sentences as evidence (a claim if it differs)."""
    evidence = _evidence(source, sentences)
    for c in record.get("claims", []):
        if source in c.get("sources", []):
            c.setdefault("evidence", [])
            c["evidence"] += [e for e in evidence if e not in c["evidence"]]
            return record
    if claim:
        record.setdefault("claims", []).append({"sources": [source], **claim, "evidence": evidence})
        return record
    if source not in record.get("sources", []):
        record["sources"] = [*record.get("sources", []), source]
    record.setdefault("evidence", [])
    record["evidence"] += [e for e in evidence if e not in record["evidence"]]
    return record


def _labels(words: dict[str, str], parts: list[dict[str, str]], tail: dict[str, str]) -> dict[str, str]:
    """``Word: part, part (tail)`` per language; the colon goes without parts, the
    parentheses without a tail (an undated document outside any known event)."""
    out = {}
    for lang in LANGUAGES:
        body = ", ".join(p.get(lang) or p["en"] for p in parts) if parts else ""
        label = words.get(lang, words["en"]) + (f": {body}" if body else "")
        after = tail.get(lang) or tail.get("en") or ""
        out[lang] = f"{label} ({after})" if after else label
    return out


def _participant_rows(participants: list[tuple[str, str, str | None]]) -> list[dict[str, str]]:
    """(person, role, country) as the data files write participants (no country when unknown)."""
    return [{"person": p, "role": role, **({"country": c} if c else {})} for p, role, c in participants]


def _event_record(x: Extraction, k: Knowledge, e: EventReport, source: str) -> dict[str, Any] | None:
    """The record of an event the document reports: the graph's, citing ``source``, else a new
    one; None for an undated new event or a named one the graph does not hold."""
    if e.existing:
        return _known_event_record(k, e, source, main=e is x.main)
    if e.date is None or e.kind == "named":
        return None
    return _new_event_record(k, e, e.date, source)


def _known_event_record(k: Knowledge, e: EventReport, source: str, *, main: bool) -> dict[str, Any]:
    """The graph's record of ``e`` citing ``source``: a claim where the document gives another
    date or place; for the ``main`` event, also the links the document adds (series, first
    visit, reciprocated visit, topics, events referred to)."""
    assert e.existing is not None
    existing = k.events[e.existing]
    record = _plain(existing)
    claim: dict[str, Any] = {}
    if e.date is not None and e.date not in (existing.date, existing.start):
        claim["date"] = str(e.date)
    if e.place is not None and e.place != existing.place:
        claim["place"] = e.place
    if claim and e.participants:
        claim["participants"] = _participant_rows(e.participants)
    if main:
        for field, value in (("series", e.series), ("first_visit_during", e.first_visit_during),
                             ("reciprocates", e.reciprocates)):
            if value and not record.get(field):
                record[field] = value
        record["topics"] = list(dict.fromkeys([*record.get("topics", []), *e.topics]))
        record["refers_to"] = list(dict.fromkeys([*record.get("refers_to", []), *e.refers_to]))
    return _add_source(record, source, e.evidence, claim or None)


def _new_event_record(k: Knowledge, e: EventReport, date: PartialDate, source: str) -> dict[str, Any]:
    """A new event record for ``e`` on ``date``, labelled by its kind, place and date, with id
    ``<date>-<place>-<kind>``."""
    kind = e.kind if e.kind in r.Event.model_fields["kind"].annotation.__args__ else "Summit"  # type: ignore[union-attr]
    place = k.get("place", e.place) if e.place else None
    words = _KIND_WORD.get(kind, {"en": kind})
    labels = {lang: f"{words.get(lang, words['en'])} – {entity_label(place, lang)} ({date})" if place
              else f"{words.get(lang, words['en'])} ({date})" for lang in LANGUAGES}
    record: dict[str, Any] = {"id": f"{date}-{e.place or 'event'}-{_slug(kind)}", "kind": kind, "labels": labels,
                              "date": str(date)}
    optional = {"place": e.place, "participants": _participant_rows(e.participants), "part_of": e.part_of,
                "series": e.series, "first_visit_during": e.first_visit_during, "reciprocates": e.reciprocates,
                "topics": e.topics, "refers_to": e.refers_to}
    record.update({key: value for key, value in optional.items() if value})
    record["sources"] = [source]
    record["evidence"] = _evidence(source, e.evidence)
    return record


def _match_statement(k: Knowledge, st: Statement, event_id: str | None) -> str | None:
    for rid, a in k.agreements.items():
        if (event_id and a.agreed_at == event_id and a.kind == st.kind and (a.status or "") == st.status
                and set(a.topics) == set(st.topics)):
            return rid
    return None


def _statement_record(x: Extraction, k: Knowledge, st: Statement, source: str, taken: set[str]) -> dict[str, Any]:
    event_id = x.main.existing if x.main else None
    existing = _match_statement(k, st, event_id)
    if existing:
        return _add_source(_plain(k.agreements[existing]), source, [st.sentence])
    words = common_rules().status_words.get("joins" if st.join else st.status, {"en": st.status})
    topic_parts = [k.get("topic", t).labels for t in st.topics if k.get("topic", t)]  # type: ignore[union-attr]
    if st.join:
        member, body = k.get("place", st.join[0]), k.get("body", st.join[1])
        topic_parts = [{lang: f"{entity_label(member, lang)} → {entity_label(body, lang)}" for lang in LANGUAGES}]
    event = k.get("event", event_id) if event_id else None
    tail = {lang: entity_label(event, lang) for lang in LANGUAGES} if event else {"en": str(x.reference or "")}
    # The id starts with the event, else the document's reference date, else (an undated
    # document outside any known event) the id of the document's source: always a slug.
    prefix = event_id or (str(x.reference) if x.reference is not None else source)
    base = f"{prefix}-{st.status}-{st.topics[0] if st.topics else 'statement'}"
    rid, n = base, 2
    while rid in taken or rid in k.agreements:
        rid, n = f"{base}-{n}", n + 1
    taken.add(rid)
    record: dict[str, Any] = {"id": rid, "kind": st.kind, "labels": _labels(words, topic_parts, tail)}
    if st.parties:
        record["parties"] = st.parties
    record["status"] = st.status
    if event_id:
        record["agreed_at"] = event_id
    if st.topics:
        record["topics"] = st.topics
    record["sources"] = [source]
    record["evidence"] = _evidence(source, [st.sentence])
    return record


def build_draft(x: Extraction, k: Knowledge, *, meta: dict[str, Any], file: str | None,
                document: str) -> dict[str, Any]:
    """The draft of ``x`` as plain data (see the module's docstring)."""
    source = source_record(x, k, meta, file, document)
    sid = source["id"]
    agreements, bodies = _statement_records(x, k, sid)
    _bodies_named(x, k, sid, bodies)
    review = {
        "links": [{"text": m.text or x.document.text[m.start:m.end], "start": m.start, "end": m.end,
                   "kind": m.kind, "id": m.ids[0] if m.id else list(m.ids), "via": m.via}
                  for m in x.mentions],
        "unknown_mentions": x.unknown,
        "remarks": x.remarks,
        "notes": list(x.notes),
    }
    draft: dict[str, Any] = {
        "draft": {"document": document, "language": x.document.lang,
                  "reference_date": str(x.reference) if x.reference else None,
                  "reference_from": x.reference_from, "generated_by": f"kjgraph ingest {__version__}"},
        "sources": [source], "events": _event_records(x, k, sid), "agreements": agreements,
        "bodies": list(bodies.values()), "review": review,
    }
    notes: list[str] = review["notes"]  # type: ignore[assignment]
    for kind in ("sources", "events", "agreements", "bodies"):
        for drafted in draft[kind]:
            problem = check_record(kind, drafted)
            if problem:
                notes.append(f"{kind} {drafted.get('id')}: {problem}")
    if file is None:
        notes.append("Store the document (the text after any front matter) in graph/data/documents/ "
                               "and give its file name as the source's 'file': evidence offsets count in it.")
    return draft


def _event_records(x: Extraction, k: Knowledge, source: str) -> list[dict[str, Any]]:
    """The records of the main event and the others, each id once (the first one drafted wins)."""
    events: list[dict[str, Any]] = []
    for e in ([x.main] if x.main else []) + x.events:
        rec = _event_record(x, k, e, source)
        if rec is not None and all(d["id"] != rec["id"] for d in events):
            events.append(rec)
    return events


def _statement_records(x: Extraction, k: Knowledge,
                       source: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The agreement records of the statements (each id once) and, by id, the records of the
    bodies a statement says a country will join (the member added as planned)."""
    taken: set[str] = set()
    agreements: list[dict[str, Any]] = []
    bodies: dict[str, dict[str, Any]] = {}
    for st in x.statements:
        rec = _statement_record(x, k, st, source, taken)
        if all(a["id"] != rec["id"] for a in agreements):
            agreements.append(rec)
        if st.join:
            member, body = st.join
            brec = bodies.get(body) or _plain(k.bodies[body])
            if not any(m.get("member") == member for m in brec.get("members", [])):
                brec.setdefault("members", []).append({"member": member, "status": "planned"})
            bodies[body] = _add_source(brec, source, [st.sentence])
    return agreements, bodies


def _bodies_named(x: Extraction, k: Knowledge, source: str, bodies: dict[str, dict[str, Any]]) -> None:
    """Adds to ``bodies`` each body named in a statement's sentence, with a claim of the topics
    the source gives it (the topics of that sentence's statements)."""
    for m in x.mentions:
        if m.kind != "body" or not m.id or m.ids[0] in bodies:
            continue
        sentence = x.document.sentence_at(m.start)
        topics = sorted({t for st in x.statements if st.sentence.start == sentence.start for t in st.topics})
        if topics:
            brec = _plain(k.bodies[m.ids[0]])
            bodies[m.ids[0]] = _add_source(brec, source, [sentence], {"topics": topics})


def check_record(kind: str, record: dict[str, Any]) -> str | None:
    """The first schema problem of a drafted record, or None."""
    try:
        r.KINDS[kind].model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(map(str, err['loc']))}: {err['msg']}"
    return None


def dump(draft: dict[str, Any]) -> str:
    """The draft as YAML text, with a header for the curator."""
    yaml = YAML()
    yaml.width = 110
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_args: True  # shared lists written out, no &anchors
    out = io.StringIO()
    out.write("# Draft records from `kjgraph ingest` — review them, move the accepted ones into the files of\n"
              "# graph/data/ (sources.yaml or sources/, events/<decade>.yaml, agreements.yaml, bodies.yaml),\n"
              "# then run `kjgraph validate`. Every statement carries its sentence (evidence); `review` lists\n"
              "# the links made, mentions the graph does not know, and notes. `kjgraph ingest DRAFT --diff`\n"
              "# shows what the draft would change in the graph.\n")
    yaml.dump(draft, out)
    return out.getvalue()


def load(text: str) -> dict[str, Any]:
    data = YAML(typ="safe").load(text)
    if not isinstance(data, dict) or "draft" not in data:
        raise ValueError("not a kjgraph ingest draft (no 'draft' block)")
    return data


def diff(draft: dict[str, Any], k: Knowledge) -> list[str]:
    """What ``draft`` would add to or change in the graph, one line per record or field.

    ``+ kind id`` a new record; ``~ kind id: field: old → new`` a changed field;
    ``= kind id`` unchanged; ``! kind id: problem`` a record the data schema rejects.
    """
    existing = {"sources": k.sources, "events": k.events, "agreements": k.agreements, "bodies": k.bodies}
    lines: list[str] = []
    for kind in ("sources", "events", "agreements", "bodies"):
        records = draft.get(kind) or []
        if not isinstance(records, list):
            lines.append(f"! {kind}: expected a list of records, found {type(records).__name__}")
            continue
        for rec in records:
            lines += _diff_record(kind, rec, existing[kind])
    return lines


def _diff_record(kind: str, rec: Any, existing: dict[str, Any]) -> list[str]:
    """The :func:`diff` lines of one drafted record of ``kind`` against the graph's records by id."""
    if not isinstance(rec, dict):
        return [f"! {kind} {_short(rec)}: expected a record (a mapping with an 'id')"]
    rid = rec.get("id")
    problem = check_record(kind, rec)
    if problem:
        return [f"! {kind} {rid}: {problem}"]
    old = existing.get(rid) if isinstance(rid, str) else None  # the schema wants str ids
    if old is None:
        return [f"+ {kind} {rid}"]
    new = _plain(r.KINDS[kind].model_validate(rec))
    before = _plain(old)
    changed = [f for f in sorted(set(new) | set(before)) if new.get(f) != before.get(f)]
    if not changed:
        return [f"= {kind} {rid}"]
    return [f"~ {kind} {rid}: {f}: {_change(before.get(f), new.get(f))}" for f in changed]


def _change(old: Any, new: Any) -> str:
    """A field's change: the items a list adds and removes (or "reordered"), else ``old → new``."""
    if isinstance(old, list) and isinstance(new, list):
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        parts = ([f"adds {_short(added)}"] if added else []) + ([f"removes {_short(removed)}"] if removed else [])
        return "; ".join(parts) or "reordered"
    return f"{_short(old)} → {_short(new)}"


def _short(value: Any, limit: int = 100) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
