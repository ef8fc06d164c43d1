"""Load the curated YAML data and check it: schema, references, dates.

Every problem in every file is collected and reported at once as
``file:line: field: message`` (:class:`kjgraph.errors.DataError`); nothing is
returned unless the whole data set is sound.

>>> catalog = load_catalog()
>>> catalog.events["2026-01-13-nara-summit"].place
'nara'
"""

from __future__ import annotations

import datetime as dt
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
from kjgraph.mapping import Path as FieldPath
from kjgraph.mapping import references, spans
from kjgraph.resources import data_dir


@dataclass(frozen=True)
class Located:
    """Where a record or one of its fields stands in its file."""

    file: str
    node: CommentedMap

    def line(self, *path: str | int) -> int:
        """1-based line of the field at ``path`` (the record's own line if absent)."""
        node: Any = self.node
        line: int = node.lc.line
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
    coverage: dict[str, r.Coverage] = field(default_factory=dict)
    where: dict[tuple[str, str], Located] = field(default_factory=dict)
    root: Path = field(default_factory=Path)
    #: Problems that do not stop a build (filled by :func:`check_references`): the
    #: completeness checks while :data:`COMPLETENESS_IS_ERROR` is False.
    warnings: list[DataProblem] = field(default_factory=list)

    def of_kind(self, kind: str) -> dict[str, Any]:
        records: dict[str, Any] = getattr(self, kind)  # one of the dict fields above, by name
        return records

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
    if not problems:
        from kjgraph.anchors import check_evidence  # the text anchors (evidence) in documents/

        problems.extend(check_evidence(catalog))
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


class _StrictComposer(Composer):
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

#: Whether the completeness checks of the coverage ledger are errors (the default since the
#: ledger covers every pair of administrations, issue 13) or warnings (``Catalog.warnings``,
#: printed by ``kjgraph validate``): every overlapping pair of administrations has a ledger
#: record; every leaders' meeting or call record is in a ledger entry; a leader-level visit has
#: a meeting as a sub-event.
COMPLETENESS_IS_ERROR = True

#: The first day whose pairs of administrations the ledger must cover.
LEDGER_SINCE = dt.date(1965, 1, 1)

_SINGULAR = {"people": "person", "bodies": "body", "series": "series", "places": "place",
             "events": "event", "agreements": "agreement", "sources": "source", "topics": "topic",
             "tenures": "tenure", "offices": "office", "coverage": "coverage record"}


def leader_tenures(catalog: Catalog, event: r.Event) -> dict[str, r.Tenure]:
    """The leaders' tenures among an event's participants, by country (``kr``, ``jp``).

    A participant's tenure is the one given as ``capacity``, else the one covering the
    event's first day; it counts when its office is a leader's office (offices.yaml
    ``leader: true``), acting terms included.
    """
    found: dict[str, r.Tenure] = {}
    for part in event.participants:
        tenure = (catalog.tenures.get(part.capacity) if part.capacity
                  else tenure_covering(catalog, part.person, event.first_day))
        office = catalog.offices.get(tenure.office) if tenure else None
        if tenure is not None and office is not None and office.leader:
            found.setdefault(office.country, tenure)
    return found


def is_leader_level(catalog: Catalog, event: r.Event) -> bool:
    """True when a President of the ROK and a Prime Minister of Japan both take part."""
    leaders = leader_tenures(catalog, event)
    return "kr" in leaders and "jp" in leaders


@dataclass
class _Checks:
    """The problems found by :func:`check_references`, each at its record's field."""

    catalog: Catalog
    problems: list[DataProblem] = field(default_factory=list)
    warnings: list[DataProblem] = field(default_factory=list)

    @property
    def completeness(self) -> list[DataProblem]:
        """Where the completeness checks of the ledger go (:data:`COMPLETENESS_IS_ERROR`)."""
        return self.problems if COMPLETENESS_IS_ERROR else self.warnings

    def report(self, kind: str, rid: str, path: FieldPath, message: str,
               to: list[DataProblem] | None = None) -> None:
        """Add ``message`` at ``path`` of record ``rid`` of ``kind`` (to ``problems`` by default)."""
        loc = self.catalog.where[(kind, rid)]
        field_name = ".".join(map(str, path)) or "(record)"
        (self.problems if to is None else to).append(
            DataProblem(loc.file, loc.line(*path), field_name, f"{message} (record {rid!r})"))

    def links(self, kind: str, rid: str, record: BaseModel) -> None:
        """Check the references and spans :mod:`kjgraph.mapping` declares for ``record``."""
        for path, link, target in references(record):
            if not any(target in self.catalog.of_kind(k) for k in link.targets):
                kinds = " or ".join(_SINGULAR.get(k, k) for k in link.targets)
                loc = self.catalog.where[(kind, rid)]
                self.problems.append(DataProblem(
                    loc.file, loc.line(*path), ".".join(map(str, path)),
                    f"unknown {kinds} {target!r} (record {rid!r}); "
                    f"add it to {'/'.join(link.targets)} data or fix the id"))
                continue
            place = self.catalog.places.get(target) if link.country else None
            if place is not None and place.kind != "Country":
                self.report(kind, rid, path, f"{link.country} must be a country, found the "
                                             f"{place.kind.lower()} {target!r}; give the id of a "
                                             f"place of kind Country")
        for path, order, first, last in spans(record):
            if last.latest < first.earliest:
                self.report(kind, rid, path, f"{order.what}: {last} is before {first}")


def check_references(catalog: Catalog) -> list[DataProblem]:
    """Check every reference between records, the order of related dates and the ledger.

    The references and date spans are those :mod:`kjgraph.mapping` declares; the checks
    particular to a kind (venues, containers, capacities, the coverage ledger) follow.
    Returns the errors. Problems that do not stop a build (the completeness of the coverage
    ledger while :data:`COMPLETENESS_IS_ERROR` is False, and data matters for the curators)
    are stored in ``catalog.warnings``.
    """
    checks = _Checks(catalog)
    for kind in r.KINDS:
        if kind != "coverage":  # the ledger is checked once everything it reads resolves
            for rid, record in catalog.of_kind(kind).items():
                checks.links(kind, rid, record)
    for rid, place in catalog.places.items():
        if place.kind in ("City", "Site") and (place.lat is None or place.long is None):
            checks.report("places", rid, ("lat",), f"a {place.kind.lower()} needs WGS84 'lat' and 'long'")
    for rid, event in catalog.events.items():
        _check_event(checks, rid, event)
    if not checks.problems:  # the ledger checks read events and tenures whose references resolve
        for rid, ledger in catalog.coverage.items():
            checks.links("coverage", rid, ledger)
        _check_ledger(checks)
        _check_visits(checks)
    catalog.warnings = sorted(checks.warnings)
    return checks.problems


def _check_event(checks: _Checks, rid: str, event: r.Event) -> None:
    """What an event's references must satisfy beyond resolving: venue, container, capacities."""
    catalog = checks.catalog
    if event.venue in catalog.places:
        _check_venue(checks, rid, event, catalog.places[event.venue or ""])
    if event.part_of in catalog.events:
        _check_container(checks, rid, event)
    for i, part in enumerate(event.participants):
        tenure = catalog.tenures.get(part.capacity or "")
        if tenure is None:
            continue
        if tenure.person != part.person:
            checks.report("events", rid, ("participants", i, "capacity"),
                          f"tenure {tenure.id!r} belongs to {tenure.person!r}, not {part.person!r}")
        elif not _within(event.first_day, tenure):
            checks.report("events", rid, ("participants", i, "capacity"),
                          f"event date {event.first_day} is outside tenure {tenure.id!r} "
                          f"({tenure.start}–{tenure.end or 'today'})")
    if event.kind not in r.MEETING_KINDS:
        return
    for i, part in enumerate(event.participants):
        person = catalog.people.get(part.person)
        nation = part.country or (person.country if person else None)
        if nation and nation not in ("kr", "jp"):
            checks.report("events", rid, ("participants", i, "person"),
                          f"a {event.kind} is a bilateral meeting of Korea and Japan, but "
                          f"{part.person!r} takes part for {nation!r}; a meeting of three or more "
                          f"countries is a Gathering (with 'countries'), and a bilateral held at it "
                          f"its own record 'part_of' it", to=checks.warnings)


def _check_venue(checks: _Checks, rid: str, event: r.Event, venue: r.Place) -> None:
    """A venue is a Site within the event's place."""
    if venue.kind != "Site":
        checks.report("events", rid, ("venue",), f"a venue is a place of kind Site, found the "
                                                 f"{venue.kind.lower()} {venue.id!r}; use 'place' for it")
    elif event.place is None:
        checks.report("events", rid, ("venue",), "an event with a 'venue' needs its 'place' (the city "
                                                 "the venue is in)")
    elif event.place not in _containers(checks.catalog, venue.id):
        checks.report("events", rid, ("venue",), f"the venue {venue.id!r} is not in the event's place "
                                                 f"{event.place!r}; give the site 'in: {event.place}' "
                                                 f"or correct the place")


def _containers(catalog: Catalog, place_id: str) -> list[str]:
    """The places that contain ``place_id``, nearest first (``in:`` followed upwards)."""
    chain: list[str] = []
    current = catalog.places.get(place_id)
    while current is not None and current.in_ and current.in_ not in chain:
        chain.append(current.in_)
        current = catalog.places.get(current.in_)
    return chain


def _check_container(checks: _Checks, rid: str, event: r.Event) -> None:
    """``part_of``: no cycles, no meeting inside a meeting, dates inside the container's."""
    catalog, report = checks.catalog, checks.report
    container = catalog.events[event.part_of or ""]
    seen = {rid}
    step: r.Event | None = container
    while step is not None:
        if step.id in seen:
            report("events", rid, ("part_of",), f"'part_of' makes a cycle through {step.id!r}; "
                                                f"an event cannot contain itself")
            return
        seen.add(step.id)
        step = catalog.events.get(step.part_of) if step.part_of else None
    countable = (*r.MEETING_KINDS, "LeaderCall")
    if event.kind in countable and container.kind in countable:
        report("events", rid, ("part_of",),
               f"a {event.kind} cannot be part of the {container.kind} {container.id!r}: both "
               f"would count as leaders' contacts; a meeting is part of a visit or a Gathering")
    if event.kind in r.VISIT_KINDS and container.kind in countable:
        report("events", rid, ("part_of",),
               f"a visit contains its meetings, not the other way round: make "
               f"{container.id!r} 'part_of: {rid}'")
    if (event.first_day.latest < container.first_day.earliest
            or event.last_day.earliest > container.last_day.latest):
        span = (f"{container.first_day}" if container.first_day == container.last_day
                else f"{container.first_day}–{container.last_day}")
        report("events", rid, ("part_of",),
               f"the event ({event.first_day}) lies outside the dates of {container.id!r} "
               f"({span}) it is part of")


def _overlap(a: r.Tenure, b: r.Tenure) -> tuple[dt.date, dt.date] | None:
    """The days two tenures share, if any (a running term runs until today)."""
    today = dt.date.today()
    start = max(a.start.earliest, b.start.earliest)
    end = min(a.end.latest if a.end else today, b.end.latest if b.end else today)
    return (start, end) if start <= end else None


def _leader_country(catalog: Catalog) -> dict[str, str]:
    """The country (``kr``, ``jp``) of each leader's office, by office id."""
    return {o.id: o.country for o in catalog.offices.values() if o.leader}


def _check_ledger(checks: _Checks) -> None:
    """The coverage ledger: every entry resolves; every record and pair is accounted for.

    Runs once every reference resolves (the ledger's own were checked by
    :meth:`_Checks.links`): an unknown tenure or event is skipped here.
    """
    catalog = checks.catalog
    pairs: dict[tuple[str, str], str] = {}
    entered: dict[str, tuple[str, int]] = {}
    for rid, ledger in catalog.coverage.items():
        sides = _ledger_sides(checks, rid, ledger)
        if len(sides) == 2:
            _check_pair(checks, rid, sides["korea"], sides["japan"], pairs)
        previous = None
        for i, entry in enumerate(ledger.entries):
            if previous is not None and entry.date.earliest < previous.earliest:
                checks.report("coverage", rid, ("entries", i, "date"), f"entries go in date order: "
                                                                       f"{entry.date} follows {previous}")
            previous = entry.date
            if entry.record in catalog.events:
                _check_entry(checks, rid, i, entry, sides, entered)
    _check_ledger_complete(checks, entered, pairs)


def _ledger_sides(checks: _Checks, rid: str, ledger: r.Coverage) -> dict[str, r.Tenure]:
    """The ledger's ``korea`` and ``japan`` tenures that are tenures of each country's leader."""
    leader_country = _leader_country(checks.catalog)
    sides = {}
    for side, code in (("korea", "kr"), ("japan", "jp")):
        target = getattr(ledger, side)
        tenure = checks.catalog.tenures.get(target)
        if tenure is None:
            continue
        if leader_country.get(tenure.office) != code:
            checks.report("coverage", rid, (side,),
                          f"{side!r} is a tenure of the leader of "
                          f"{'the Republic of Korea' if code == 'kr' else 'Japan'}"
                          f", found {target!r} (office {tenure.office!r})")
            continue
        sides[side] = tenure
    return sides


def _check_pair(checks: _Checks, rid: str, korea: r.Tenure, japan: r.Tenure,
                pairs: dict[tuple[str, str], str]) -> None:
    """The two tenures overlap, and no other ledger record covers the pair (``pairs`` grows)."""
    if _overlap(korea, japan) is None:
        checks.report("coverage", rid, ("japan",), f"the tenures {korea.id!r} and {japan.id!r} "
                                                   f"do not overlap in time")
    key = (korea.id, japan.id)
    if key in pairs:
        first = checks.catalog.where[("coverage", pairs[key])]
        checks.report("coverage", rid, ("korea",), f"the pair of administrations is already "
                                                   f"covered by {pairs[key]!r} at "
                                                   f"{first.file}:{first.line('id')}")
    pairs.setdefault(key, rid)


def _check_entry(checks: _Checks, rid: str, i: int, entry: r.CoverageEntry,
                 sides: dict[str, r.Tenure], entered: dict[str, tuple[str, int]]) -> None:
    """A ledger entry's ``record``: its kind and date, the pair's leaders, entered once."""
    path: FieldPath = ("entries", i)
    record = entry.record or ""
    event = checks.catalog.events[record]
    if event.kind != entry.kind:
        checks.report("coverage", rid, (*path, "kind"), f"the entry says {entry.kind}, but "
                                                        f"{event.id!r} is a {event.kind}")
    if not (event.first_day.earliest <= entry.date.earliest
            and entry.date.latest <= event.last_day.latest):
        checks.report("coverage", rid, (*path, "date"), f"the entry's date {entry.date} is not "
                                                        f"the date of {event.id!r} "
                                                        f"({event.first_day})")
    if len(sides) == 2:
        persons = {p.person for p in event.participants}
        for side, tenure in sides.items():
            if tenure.person not in persons:
                checks.report("coverage", rid, (*path, "record"),
                              f"{event.id!r} does not have {tenure.person!r} (the {side} side "
                              f"of this pair) among its participants")
            elif not _within(event.first_day, tenure):
                checks.report("coverage", rid, (*path, "record"),
                              f"{event.id!r} ({event.first_day}) lies outside the tenure "
                              f"{tenure.id!r}; it belongs to another pair's ledger record")
    if record in entered:
        other, j = entered[record]
        checks.report("coverage", rid, (*path, "record"),
                      f"{record!r} is already in the ledger ({other!r}, entry {j}); "
                      f"each record appears in exactly one entry")
    entered.setdefault(record, (rid, i))


def _check_ledger_complete(checks: _Checks, entered: dict[str, tuple[str, int]],
                           pairs: dict[tuple[str, str], str]) -> None:
    """Every leaders' meeting and call is in the ledger, and every pair of administrations
    that overlapped since :data:`LEDGER_SINCE` has a ledger record."""
    catalog = checks.catalog
    for rid, event in catalog.events.items():
        if event.kind in r.LEDGER_KINDS and rid not in entered and is_leader_level(catalog, event):
            checks.report("events", rid, ("kind",),
                          f"the leaders' {event.kind} is in no coverage ledger entry; add "
                          f"'{{date: \"{event.first_day}\", kind: {event.kind}, record: {rid}}}' to the "
                          f"ledger record of its pair of administrations (graph/data/coverage/)",
                          to=checks.completeness)
    leader_country = _leader_country(catalog)
    korean = [t for t in catalog.tenures.values() if leader_country.get(t.office) == "kr"]
    japanese = [t for t in catalog.tenures.values() if leader_country.get(t.office) == "jp"]
    for kr in sorted(korean, key=lambda t: t.start.earliest):
        for jp in sorted(japanese, key=lambda t: t.start.earliest):
            shared = _overlap(kr, jp)
            if shared is None or shared[1] < LEDGER_SINCE or (kr.id, jp.id) in pairs:
                continue
            checks.report("tenures", kr.id, ("id",),
                          f"no coverage ledger record for the pair {kr.id!r} × {jp.id!r} (in office "
                          f"together {shared[0]}–{shared[1]}); add one to graph/data/coverage/ with the "
                          f"chronologies consulted, 'entries: []' if they met neither in person nor by "
                          f"call", to=checks.completeness)


def _check_visits(checks: _Checks) -> None:
    """A leader-level visit has each of its leaders' meetings as a sub-event."""
    catalog = checks.catalog
    contains = {e.part_of for e in catalog.events.values()
                if e.part_of and e.kind in r.MEETING_KINDS}
    for rid, event in catalog.events.items():
        if event.kind in r.VISIT_KINDS and rid not in contains and is_leader_level(catalog, event):
            checks.report("events", rid, ("kind",),
                          f"the {event.kind} has no meeting record: a visit is a container, never counted "
                          f"itself; give each leaders' meeting held during it its own record (Summit, "
                          f"BriefTalk …) with 'part_of: {rid}' and the day it was held",
                          to=checks.completeness)


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
