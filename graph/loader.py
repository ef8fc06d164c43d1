"""Load the curated YAML data and check it: schema, references, dates.

Every problem in every file is collected and reported at once as
``file:line: field: message`` (:class:`kjgraph.errors.DataError`); nothing is
returned unless the whole data set is sound.

>>> catalog = load_catalog()
>>> catalog.events["2026-01-13-nara-summit"].place
'nara'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from kjgraph import records as r
from kjgraph.errors import DataError, DataProblem
from kjgraph.resources import data_dir


@dataclass(frozen=True)
class Located:
    """Where a record or one of its fields stands in its file."""

    file: str
    node: CommentedMap

    def line(self, *path: str | int) -> int:
        """1-based line of the field at ``path`` (the record's own line if absent)."""
        node: Any = self.node
        line = node.lc.line
        for step in path:
            try:
                if isinstance(node, CommentedMap) and step in node:
                    line = node.lc.key(step)[0]
                    node = node[step]
                elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                    line = node.lc.item(step)[0]
                    node = node[step]
                else:
                    break
            except (AttributeError, KeyError, TypeError):
                break
        return line + 1


@dataclass
class Catalog:
    """All records of the curated data, by kind and id, with where each was read."""

    sources: dict[str, r.Source] = field(default_factory=dict)
    places: dict[str, r.Place] = field(default_factory=dict)
    people: dict[str, r.Person] = field(default_factory=dict)
    offices: dict[str, r.Office] = field(default_factory=dict)
    tenures: dict[str, r.Tenure] = field(default_factory=dict)
    events: dict[str, r.Event] = field(default_factory=dict)
    agreements: dict[str, r.Agreement] = field(default_factory=dict)
    bodies: dict[str, r.Body] = field(default_factory=dict)
    topics: dict[str, r.Topic] = field(default_factory=dict)
    series: dict[str, r.Series] = field(default_factory=dict)
    where: dict[tuple[str, str], Located] = field(default_factory=dict)
    root: Path = field(default_factory=Path)

    def of_kind(self, kind: str) -> dict[str, Any]:
        return getattr(self, kind)

    def tenures_of(self, person: str) -> list[r.Tenure]:
        return [t for t in self.tenures.values() if t.person == person]

    def count(self) -> int:
        return sum(len(self.of_kind(k)) for k in r.KINDS)


def data_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield ``(kind, path)`` for ``<kind>.yaml`` and ``<kind>/*.yaml`` under ``root``."""
    for kind in r.KINDS:
        single = root / f"{kind}.yaml"
        if single.is_file():
            yield kind, single
        folder = root / kind
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                yield kind, path


def load_catalog(root: Path | str | None = None) -> Catalog:
    """Read, check and return every record under ``root`` (default: the shipped data).

    Raises :class:`DataError` listing all problems found, each at ``file:line``: YAML
    syntax, text that is not UTF-8 or holds characters YAML forbids, YAML aliases, anchors
    and explicit tags (curated data needs none, and an alias bomb would exhaust memory),
    nesting deeper than :data:`MAX_DEPTH`, a file without records, schema and reference
    errors.
    """
    root = Path(root) if root is not None else data_dir()
    catalog = Catalog(root=root)
    problems: list[DataProblem] = []
    for kind, path in data_files(root):
        rel = path.relative_to(root).as_posix()
        document = read_yaml(path, rel, problems)
        if document is None:
            continue
        if not isinstance(document, CommentedSeq):
            problems.append(DataProblem(rel, 1, "(file)", "expected a YAML list of records"))
            continue
        if not document:
            problems.append(DataProblem(rel, 1, "(file)", _NO_RECORDS))
            continue
        for index, node in enumerate(document):
            if not isinstance(node, CommentedMap):
                problems.append(DataProblem(rel, document.lc.item(index)[0] + 1, "(record)",
                                            "expected a mapping with an 'id'"))
                continue
            where = Located(rel, node)
            _read_record(catalog, kind, node, where, problems)
    if not problems:
        problems.extend(check_references(catalog))
        problems.extend(check_documents(catalog))
    if problems:
        raise DataError(problems)
    return catalog


def check_documents(catalog: Catalog) -> list[DataProblem]:
    """Check the documents that sources ship (``file:``): each must be a file directly in
    ``documents/`` of the data (no path outside it is ever read) and UTF-8 text."""
    problems: list[DataProblem] = []
    folder = catalog.root / "documents"
    for rid, source in catalog.sources.items():
        name = getattr(source, "file", None)
        if not name:
            continue
        where = catalog.where[("sources", rid)]
        line = where.line("file")
        path = folder / name
        if Path(name).name != name or name in (".", ".."):
            problems.append(DataProblem(where.file, line, "file", (
                f"expected the name of a file in documents/, found the path {name!r} (record {rid!r})")))
        elif not path.is_file():
            problems.append(DataProblem(where.file, line, "file", (
                f"no document documents/{name}: add the file or fix the name (record {rid!r})")))
        else:
            document: list[DataProblem] = []
            _read_text(path, f"documents/{name}", document)
            problems.extend(document)
    return problems


def _read_text(path: Path, rel: str, problems: list[DataProblem]) -> str | None:
    """The UTF-8 text of ``path``; ``None`` with a problem at the bad byte's line otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(DataProblem(rel, 1, "(file)", f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        problems.append(DataProblem(rel, line, "(file)", (
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column} cannot be decoded "
            f"({exc.reason}); save the file as UTF-8")))
        return None


# ---------------------------------------------------------------- reading one YAML file

#: Deepest nesting of YAML collections a data file may hold (the records need about 5).
MAX_DEPTH = 24

_NO_RECORDS = ("no records: the file is empty, holds only comments or an empty list; add its "
               "records back, or delete the file if its records are meant to go")


class _Refused(ComposerError):
    """A YAML feature curated data does not use (alias, anchor, tag) or nesting too deep."""


class _StrictComposer(Composer):  # type: ignore[misc]
    """ruamel's composer, refusing aliases, anchors, explicit tags and deep nesting.

    Checked on each node's first event, before anything is built: an alias bomb costs
    nothing, and a 5,000-deep sequence stops at :data:`MAX_DEPTH` instead of exhausting
    Python's stack.
    """

    _kj_depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(None, None, f"YAML alias *{event.anchor} is not allowed in data files: "
                                       "write the value out in full", event.start_mark)
        if event.anchor is not None:
            raise _Refused(None, None, f"YAML anchor &{event.anchor} is not allowed in data files: "
                                       "remove it (aliases and anchors are refused)", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, ScalarEvent) and tag == "!"):
            tag = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(None, None, f"explicit YAML tag {tag} is not allowed in data files: "
                                       "write a plain value (quote it to keep it text)", event.start_mark)
        self._kj_depth += 1
        try:
            if self._kj_depth > MAX_DEPTH:
                raise _Refused(None, None, f"nesting deeper than {MAX_DEPTH} levels: records are "
                                           "shallow; check the indentation", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._kj_depth -= 1


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _StrictComposer
    return yaml


def read_yaml(path: Path, rel: str, problems: list[DataProblem]) -> Any:
    """The YAML document in ``path`` (round-trip nodes with line numbers), or ``None``.

    Every problem is appended to ``problems`` located at ``rel:line`` (``rel`` names the
    file in messages) and ``None`` is returned; an empty file (or one of only comments)
    is a problem too, since it would silently drop every record it held.
    """
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    try:
        document = _yaml().load(text)
    except _Refused as exc:
        problems.append(DataProblem(rel, _mark_line(exc), "(yaml)", str(exc.problem)))
        return None
    except MarkedYAMLError as exc:
        problem = str(exc.problem or exc)
        if problem.startswith("but ") and exc.context:  # "expected a single document…, but found another"
            problem = f"{exc.context}, {problem}"
        problems.append(DataProblem(rel, _mark_line(exc), "(yaml)", f"YAML syntax error: {problem}"))
        return None
    except ReaderError as exc:
        line, column = _position(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else 0
        problems.append(DataProblem(rel, line, "(yaml)", (
            f"character U+{char:04X} ({_char_name(char)}) at column {column} is not allowed in YAML; "
            "remove it")))
        return None
    except (YAMLError, RecursionError, MemoryError) as exc:  # a safety net: never a traceback
        problems.append(DataProblem(rel, _mark_line(exc), "(yaml)",
                                    f"cannot read the YAML: {type(exc).__name__}: {exc}"))
        return None
    if document is None:
        problems.append(DataProblem(rel, 1, "(file)", _NO_RECORDS))
    return document


def _mark_line(exc: BaseException) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def _position(text: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (columns count characters).

    >>> _position(b"a: 1\\nb: caf\\xe9\\n", 11)
    (2, 7)
    """
    newline: Any = b"\n" if isinstance(text, bytes) else "\n"
    line_start = text.rfind(newline, 0, offset) + 1
    prefix = text[line_start:offset]
    width = len(prefix.decode("utf-8", "replace")) if isinstance(prefix, bytes) else len(prefix)
    return text.count(newline, 0, offset) + 1, width + 1


def _char_name(code: int) -> str:
    names = {0: "NUL", 0x7F: "DEL", 0xFFFE: "a noncharacter", 0xFFFF: "a noncharacter"}
    if code in names:
        return names[code]
    return "a control character" if code < 0x20 or 0x80 <= code < 0xA0 else unicodedata.name(chr(code), "unnamed")


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _read_record(catalog: Catalog, kind: str, node: CommentedMap, where: Located,
                 problems: list[DataProblem]) -> None:
    model: type[BaseModel] = r.KINDS[kind]
    try:
        record: Any = model.model_validate(_plain(node))
    except ValidationError as exc:
        for error in exc.errors():
            path = _data_path(node, error["loc"])
            field_name = ".".join(str(p) for p in path) or "(record)"
            message = _explain(error, node.get("id"))
            problems.append(DataProblem(where.file, where.line(*path), field_name, message))
        return
    records = catalog.of_kind(kind)
    if record.id in records:
        first = catalog.where[(kind, record.id)]
        problems.append(DataProblem(where.file, where.line("id"), "id",
                                    f"duplicate id {record.id!r}: already used at "
                                    f"{first.file}:{first.line('id')}; ids must be unique per kind"))
        return
    records[record.id] = record
    catalog.where[(kind, record.id)] = where


def _data_path(node: Any, loc: tuple[Any, ...]) -> list[str | int]:
    """Keep the steps of a pydantic error location that name fields or items of the data.

    Pydantic adds tags for union members and validators (``str``, ``function-after[...]``);
    a missing field is kept as the last step.
    """
    path: list[str | int] = []
    for step in loc:
        in_map = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if in_map or in_list:
            node = node[step]
            path.append(step)
        elif isinstance(step, str) and step.isidentifier() and isinstance(node, dict):
            path.append(step)  # a missing or misspelt field
            break
    return path


def _explain(error: ErrorDetails, record_id: Any) -> str:
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    found = error.get("input")
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = "unknown field; check its spelling against graph/data/README.md"
    elif kind == "string_pattern_mismatch":
        message = f"expected a lowercase hyphenated slug, found {found!r}"
    elif kind == "literal_error":
        message = f"{message}, found {found!r}"
    elif kind == "too_short" and isinstance(found, list):
        message = "at least one entry is required (every fact needs a source)"
    if record_id:
        message += f" (record {record_id!r})"
    return message


# ---------------------------------------------------------------- cross-record checks

_SINGULAR = {"people": "person", "bodies": "body", "series": "series", "places": "place",
             "events": "event", "agreements": "agreement", "sources": "source", "topics": "topic",
             "tenures": "tenure", "offices": "office"}
_PLACE = ("places",)
_COUNTRY = ("places",)


def check_references(catalog: Catalog) -> list[DataProblem]:
    """Check every reference between records and the order of related dates."""
    problems: list[DataProblem] = []

    def where(kind: str, rid: str) -> Located:
        return catalog.where[(kind, rid)]

    def ref(kind: str, rid: str, path: tuple[str | int, ...], target: str | None,
            expected: tuple[str, ...]) -> None:
        if target is None:
            return
        if any(target in catalog.of_kind(k) for k in expected):
            return
        loc = where(kind, rid)
        kinds = " or ".join(_SINGULAR.get(k, k) for k in expected)
        problems.append(DataProblem(loc.file, loc.line(*path), ".".join(map(str, path)),
                                    f"unknown {kinds} {target!r} (record {rid!r}); "
                                    f"add it to {'/'.join(expected)} data or fix the id"))

    def order(kind: str, rid: str, path: str, first: Any, second: Any, what: str) -> None:
        if first is not None and second is not None and second.latest < first.earliest:
            loc = where(kind, rid)
            problems.append(DataProblem(loc.file, loc.line(path), path,
                                        f"{what}: {second} is before {first} (record {rid!r})"))

    for kind in r.KINDS:
        for rid, record in catalog.of_kind(kind).items():
            for i, source in enumerate(getattr(record, "sources", []) or []):
                ref(kind, rid, ("sources", i), source, ("sources",))
    for rid, place in catalog.places.items():
        ref("places", rid, ("in",), place.in_, _PLACE)
        if place.kind in ("City", "Site") and (place.lat is None or place.long is None):
            loc = where("places", rid)
            problems.append(DataProblem(loc.file, loc.line(), "lat",
                                        f"a {place.kind.lower()} needs WGS84 'lat' and 'long' "
                                        f"(record {rid!r})"))
    for rid, person in catalog.people.items():
        ref("people", rid, ("country",), person.country, _COUNTRY)
        order("people", rid, "died", person.born, person.died, "death before birth")
    for rid, office in catalog.offices.items():
        ref("offices", rid, ("country",), office.country, _COUNTRY)
    for rid, tenure in catalog.tenures.items():
        ref("tenures", rid, ("person",), tenure.person, ("people",))
        ref("tenures", rid, ("office",), tenure.office, ("offices",))
        order("tenures", rid, "end", tenure.start, tenure.end, "term ends before it starts")
    for rid, event in catalog.events.items():
        ref("events", rid, ("place",), event.place, _PLACE)
        ref("events", rid, ("part_of",), event.part_of, ("events",))
        ref("events", rid, ("series",), event.series, ("series",))
        ref("events", rid, ("reciprocates",), event.reciprocates, ("events",))
        ref("events", rid, ("first_visit_during",), event.first_visit_during, ("tenures",))
        for i, topic in enumerate(event.topics):
            ref("events", rid, ("topics", i), topic, ("topics",))
        for i, target in enumerate(event.refers_to):
            ref("events", rid, ("refers_to", i), target, ("events", "agreements", "bodies"))
        order("events", rid, "end", event.start, event.end, "event ends before it starts")
        for i, part in enumerate(event.participants):
            path = ("participants", i)
            ref("events", rid, (*path, "person"), part.person, ("people",))
            ref("events", rid, (*path, "country"), part.country, _COUNTRY)
            ref("events", rid, (*path, "capacity"), part.capacity, ("tenures",))
            ref("events", rid, (*path, "office"), part.office, ("offices",))
            tenure = catalog.tenures.get(part.capacity or "")
            if tenure is not None:
                loc = where("events", rid)
                if tenure.person != part.person:
                    problems.append(DataProblem(loc.file, loc.line(*path, "capacity"),
                                                f"participants.{i}.capacity",
                                                f"tenure {tenure.id!r} belongs to {tenure.person!r}, "
                                                f"not {part.person!r} (record {rid!r})"))
                elif not _within(event.first_day, tenure):
                    problems.append(DataProblem(loc.file, loc.line(*path, "capacity"),
                                                f"participants.{i}.capacity",
                                                f"event date {event.first_day} is outside tenure "
                                                f"{tenure.id!r} ({tenure.start}–{tenure.end or 'today'})"
                                                f" (record {rid!r})"))
        for i, claim in enumerate(event.claims):
            ref("events", rid, ("claims", i, "place"), claim.place, _PLACE)
            for j, source in enumerate(claim.sources):
                ref("events", rid, ("claims", i, "sources", j), source, ("sources",))
            for j, part in enumerate(claim.participants):
                ref("events", rid, ("claims", i, "participants", j, "person"), part.person,
                    ("people",))
    for rid, agreement in catalog.agreements.items():
        for i, party in enumerate(agreement.parties):
            ref("agreements", rid, ("parties", i), party, _COUNTRY)
        for i, person in enumerate(agreement.signatories):
            ref("agreements", rid, ("signatories", i), person, ("people",))
        ref("agreements", rid, ("signed_at",), agreement.signed_at, _PLACE)
        ref("agreements", rid, ("agreed_at",), agreement.agreed_at, ("events",))
        for i, topic in enumerate(agreement.topics):
            ref("agreements", rid, ("topics", i), topic, ("topics",))
        order("agreements", rid, "in_force", agreement.signed, agreement.in_force,
              "entry into force before signing")
        order("agreements", rid, "terminated", agreement.signed, agreement.terminated,
              "termination before signing")
    for rid, body in catalog.bodies.items():
        ref("bodies", rid, ("country",), body.country, _COUNTRY)
        ref("bodies", rid, ("led_by",), body.led_by, ("places", "bodies"))
        for i, founder in enumerate(body.established_by):
            ref("bodies", rid, ("established_by", i), founder, ("places", "bodies"))
        for i, member in enumerate(body.members):
            ref("bodies", rid, ("members", i, "member"), member.member, ("places", "bodies"))
        for i, topic in enumerate(body.topics):
            ref("bodies", rid, ("topics", i), topic, ("topics",))
        for i, claim in enumerate(body.claims):
            for j, source in enumerate(claim.sources):
                ref("bodies", rid, ("claims", i, "sources", j), source, ("sources",))
            for j, topic in enumerate(claim.topics):
                ref("bodies", rid, ("claims", i, "topics", j), topic, ("topics",))
    for rid, topic in catalog.topics.items():
        for i, broader in enumerate(topic.broader):
            ref("topics", rid, ("broader", i), broader, ("topics",))
    for rid, series in catalog.series.items():
        for i, phase in enumerate(series.phases):
            order("series", rid, f"phases.{i}.end", phase.start, phase.end,
                  "phase ends before it starts")
            for j, source in enumerate(phase.sources):
                ref("series", rid, ("phases", i, "sources", j), source, ("sources",))
    return problems


def _within(day: Any, tenure: r.Tenure) -> bool:
    """True when the day may fall within the tenure (partial dates count if they overlap)."""
    end = tenure.end.latest if tenure.end else None
    return day.latest >= tenure.start.earliest and (end is None or day.earliest <= end)


def tenure_covering(catalog: Catalog, person: str, day: Any) -> r.Tenure | None:
    """The tenure of ``person`` that covers the whole of ``day``, if any."""
    for tenure in catalog.tenures_of(person):
        end = tenure.end.latest if tenure.end else None
        if day.earliest >= tenure.start.earliest and (end is None or day.latest <= end):
            return tenure
    return None
