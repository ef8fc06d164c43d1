"""A researcher counts leaders' meetings: the counting rule, checked against the coverage ledger.

Expected counts come from the ledger files (``coverage/*.yaml``, read here with PyYAML, not
with kjgraph's loader) and the event files, never from numbers written into a test. The rules
run twice: on ``tests/data/ledger`` (a complete ledger: every count must equal the ledger's),
and on the shipped data, whatever its ledger holds (the graph's counts are the ledger's plus
the records not in the ledger yet, which the completeness warnings list).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kjgraph import loader
from kjgraph.build import build
from kjgraph.errors import DataError
from kjgraph.loader import load_catalog
from kjgraph.query import PREFIXES, KnowledgeGraph, plain
from kjgraph.resources import data_dir
from kjgraph.store import StoreLocation
from tests.conftest import FIXTURES, run_cli

ID, KJO = PREFIXES["kjg"], PREFIXES["kjo"]
LEDGER_DATA = FIXTURES / "ledger"
MEETING_KINDS = ("Summit", "SidelineMeeting", "BriefTalk")
#: the leader-meetings query's kind filter, by event kind
KIND_KEYS = {"Summit": "stand-alone", "SidelineMeeting": "sideline", "BriefTalk": "brief-talk",
             "LeaderCall": "call"}

Pair = tuple[str, str]  # (Korean tenure id, Japanese tenure id)


# ---------------------------------------------------------------- the ledger, read independently

def read(folder: Path, name: str) -> list[dict]:
    """Every record of ``<name>.yaml`` and ``<name>/*.yaml`` under ``folder`` (PyYAML)."""
    paths = [folder / f"{name}.yaml", *sorted((folder / name).glob("*.yaml"))]
    return [r for p in paths if p.is_file() for r in (yaml.safe_load(p.read_text("utf-8")) or [])]


def ledger_records(folder: Path) -> dict[Pair, dict[str, set[str]]]:
    """Per pair of administrations, the recorded events of each kind the ledger lists."""
    found: dict[Pair, dict[str, set[str]]] = {}
    for record in read(folder, "coverage"):
        kinds = found.setdefault((record["korea"], record["japan"]), defaultdict(set))
        for entry in record.get("entries") or []:
            if entry.get("record"):
                kinds[entry["kind"]].add(entry["record"])
    return found


def event_days(folder: Path) -> dict[str, dt.date]:
    """The earliest possible day of every event of the data files (``kjo:earliestDate``: a date
    known to the month starts on its first day, one known to the year on 1 January)."""
    days = {}
    for event in read(folder, "events"):
        value = str(event.get("date") or event.get("start"))
        days[event["id"]] = dt.date.fromisoformat((value + "-01-01")[:10] if len(value) == 4 else
                                                  (value + "-01")[:10])
    return days


def event_dates(folder: Path) -> dict[str, str]:
    """The date (or start) of every event as the data gives it, at its precision."""
    return {e["id"]: str(e.get("date") or e.get("start")) for e in read(folder, "events")}


def event_years(folder: Path) -> dict[str, int]:
    """The year of every event of the data files, whatever the precision of its date."""
    return {e["id"]: int(str(e.get("date") or e.get("start"))[:4]) for e in read(folder, "events")}


def holders(folder: Path) -> dict[str, str]:
    return {t["id"]: t["person"] for t in read(folder, "tenures")}


# ---------------------------------------------------------------- what the graph holds (triples)

def triples(kg: KnowledgeGraph, s: str | None, p: str, o: str | None = None) -> list[tuple[str, str]]:
    node = lambda v: None if v is None else ox.NamedNode(v)  # noqa: E731
    return [(q.subject.value, q.object.value) for q in
            kg.store.quads_for_pattern(node(s), ox.NamedNode(p), node(o), ox.DefaultGraph())]


def graph_contacts(kg: KnowledgeGraph) -> dict[str, tuple[str, Pair]]:
    """Leaders' meetings and calls in the graph: event id -> (kind, pair of tenure ids)."""
    office = dict(triples(kg, None, KJO + "office"))
    capacity = dict(triples(kg, None, KJO + "inCapacityOf"))
    found = {}
    for kind in (*MEETING_KINDS, "LeaderCall"):
        for event, _ in triples(kg, None, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KJO + kind):
            terms = {office.get(capacity.get(p, "")): capacity.get(p)
                     for _, p in triples(kg, event, KJO + "participation")}
            kr, jp = terms.get(f"{ID}office/president-kr"), terms.get(f"{ID}office/prime-minister-jp")
            if kr and jp:
                found[event.rsplit("/", 1)[1]] = (kind, (kr.rsplit("/", 1)[1], jp.rsplit("/", 1)[1]))
    return found


def expected_by_pair(kg: KnowledgeGraph, folder: Path) -> tuple[dict[Pair, Counter[str]], set[str]]:
    """Per pair of administrations, the count of each kind: the ledger's records plus those not
    in the ledger yet; and the ids of the latter."""
    expected: dict[Pair, Counter[str]] = defaultdict(Counter)
    ledgered = set()
    for pair, kinds in ledger_records(folder).items():
        for kind, records in kinds.items():
            expected[pair][kind] += len(records)
            ledgered |= records
    contacts = graph_contacts(kg)
    missing = set(contacts) - ledgered
    for event in missing:
        kind, pair = contacts[event]
        expected[pair][kind] += 1
    return expected, missing


def leader_meetings_by_pair(kg: KnowledgeGraph, by: str) -> dict[str, dict[tuple[str, str], int]]:
    """The leader-meetings query's number per pair, for each kind key."""
    result = {}
    for key in ("all", *KIND_KEYS.values()):
        table = kg.run("leader-meetings", kind=key, by=by)
        column = ("kr_term", "jp_term") if by == "administrations" else ("kr_leader", "jp_leader")
        result[key] = {(plain(r[column[0]]).rsplit("/", 1)[1], plain(r[column[1]]).rsplit("/", 1)[1]):
                       int(plain(r["number"])) for r in table.rows}
    return result


def check_counting_rule(kg: KnowledgeGraph, folder: Path) -> set[str]:
    """Assert every counting query against the ledger; return the records not in the ledger."""
    expected, missing = expected_by_pair(kg, folder)
    tenure_holder = holders(folder)

    by_terms = leader_meetings_by_pair(kg, "administrations")
    for kind, key in KIND_KEYS.items():
        assert by_terms[key] == {p: c[kind] for p, c in expected.items() if c[kind]}, kind
    assert by_terms["all"] == {p: n for p, c in expected.items()
                               if (n := sum(c[k] for k in MEETING_KINDS))}

    # per pair of persons: the same counts, summed over their terms (Abe has two)
    persons: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (kr, jp), counts in expected.items():
        persons[(tenure_holder[kr], tenure_holder[jp])].update(counts)
    by_leaders = leader_meetings_by_pair(kg, "leaders")
    assert by_leaders["all"] == {p: n for p, c in persons.items() if (n := sum(c[k] for k in MEETING_KINDS))}
    pairs = kg.run("counterpart-pairs")
    counted = {(plain(r["kr_leader"]).rsplit("/", 1)[1], plain(r["jp_leader"]).rsplit("/", 1)[1]):
               (int(plain(r["meetings"])), int(plain(r["calls"]))) for r in pairs.rows}
    assert counted == {p: (sum(c[k] for k in MEETING_KINDS), c["LeaderCall"])
                       for p, c in persons.items() if sum(c.values())}

    # per year and decade: each meeting once, in the year of its day; calls apart
    contacts = graph_contacts(kg)
    days = event_days(folder)
    years = event_years(folder)  # a meeting known to the month (1984-09) counts in its year
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    for event, (kind, _pair) in contacts.items():
        per_year[years[event]][kind] += 1
    table = kg.run("meetings-per-year")
    assert {int(plain(r["year"])): (int(plain(r["meetings"])), int(plain(r["summits"])),
                                    int(plain(r["sideline"])), int(plain(r["brief_talks"])),
                                    int(plain(r["calls"]))) for r in table.rows} == {
        year: (sum(c[k] for k in MEETING_KINDS), c["Summit"], c["SidelineMeeting"], c["BriefTalk"],
               c["LeaderCall"]) for year, c in per_year.items()}
    decades: Counter[int] = Counter()
    for year, c in per_year.items():
        decades[year // 10 * 10] += sum(c[k] for k in MEETING_KINDS)
    table = kg.run("meetings-per-decade")
    assert {int(plain(r["decade"])): int(plain(r["meetings"])) for r in table.rows if int(plain(r["meetings"]))} \
        == {d: n for d, n in decades.items() if n}

    # the list of meetings: each meeting once, never a visit, gathering or call
    meetings = {e for e, (kind, _) in contacts.items() if kind in MEETING_KINDS}
    listed = [plain(r["event"]).rsplit("/", 1)[1] for r in kg.run("meetings").rows]
    assert sorted(listed) == sorted(meetings)
    # gaps between consecutive meetings (calls do not end a gap)
    # (a meeting known to the month is placed on its earliest day and shown as the month)
    ordered = sorted({days[e] for e in meetings})
    shown = {days[e]: raw for e, raw in event_dates(folder).items() if e in meetings}
    gaps = kg.run("summit-gaps", min_days="365")
    assert sorted((str(plain(r["previous_date"])), str(plain(r["next_date"]))) for r in gaps.rows) == \
        sorted((shown[a], shown[b]) for a, b in pairwise(ordered) if (b - a).days >= 365)
    return missing


# ---------------------------------------------------------------- the complete fixture

@pytest.fixture(scope="module")
def ledger_store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    location = StoreLocation(tmp_path_factory.mktemp("ledger-store"))
    build(location, data=LEDGER_DATA, progress=False)
    return location


@pytest.fixture(scope="module")
def ledger_kg(ledger_store: StoreLocation) -> KnowledgeGraph:
    return KnowledgeGraph.open(ledger_store)


@pytest.mark.slow
def test_every_count_equals_the_complete_ledgers(ledger_kg: KnowledgeGraph) -> None:
    missing = check_counting_rule(ledger_kg, LEDGER_DATA)
    assert missing == set()  # the fixture's ledger is complete
    assert load_catalog(LEDGER_DATA).warnings == []


def test_visits_and_gatherings_are_containers_never_counted(ledger_kg: KnowledgeGraph) -> None:
    events = {e["id"]: e for e in read(LEDGER_DATA, "events")}
    rows = {plain(r["event"]).rsplit("/", 1)[1]: r for r in ledger_kg.run("meetings").rows}
    containers = {e["part_of"] for e in events.values() if e.get("part_of")}
    assert containers and not containers & set(rows)
    for event, row in rows.items():  # each meeting names the visit or gathering it was held at
        occasion = plain(row["occasion"])
        assert (occasion.rsplit("/", 1)[1] if occasion else None) == events[event].get("part_of")
    # the part-of link, as schema.org and SEM clients read it
    for event in events.values():
        if event.get("part_of"):
            part, whole = f"{ID}event/{event['id']}", f"{ID}event/{event['part_of']}"
            for s, p, o in ((part, KJO + "partOf", whole), (part, "https://schema.org/superEvent", whole),
                            (whole, "https://schema.org/subEvent", part),
                            (whole, "http://semanticweb.cs.vu.nl/2009/11/sem/hasSubEvent", part)):
                assert (s, o) in triples(ledger_kg, s, p), (s, p, o)


@pytest.mark.slow
def test_shuttle_chains_count_a_return_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEDGER_DATA, data)
    events = data / "events" / "2000s.yaml"
    text = events.read_text("utf-8")
    # the 2004 Seoul summit returns the 2001 state visit; a 2006 working visit to Tokyo returns
    # the 2004 summit, and so (as curators sometimes write) does the summit held during it
    text = text.replace('  date: "2004-02-02"\n', '  date: "2004-02-02"\n  reciprocates: 2001-03-10-state-visit\n')
    text = text.replace('  date: "2006-06-06"\n', '  date: "2006-06-06"\n  reciprocates: 2004-02-02-seoul-summit\n'
                        '  part_of: 2006-06-05-working-visit\n')
    text += """- id: 2006-06-05-working-visit
  kind: WorkingVisit
  labels: {en: Working visit of President B to Japan}
  start: "2006-06-05"
  end: "2006-06-07"
  place: tokyo
  reciprocates: 2004-02-02-seoul-summit
  participants:
    - {person: president-b, role: guest}
    - {person: prime-minister-y, role: host}
  sources: [chronology-kr]
"""
    events.write_text(text, "utf-8")
    location = StoreLocation(tmp_path / "store")
    build(location, data=data, progress=False)
    kg = KnowledgeGraph.open(location)
    rows = kg.run("shuttle-chains").rows
    # one row per return: the summit held during the returning visit is not a second return
    assert sorted((plain(r["visit"]).rsplit("/", 1)[1], plain(r["returns"]).rsplit("/", 1)[1])
                  for r in rows) == [("2004-02-02-seoul-summit", "2001-03-10-state-visit"),
                                     ("2006-06-05-working-visit", "2004-02-02-seoul-summit")]
    check_counting_rule(kg, data)  # the counts are unchanged by the container


@pytest.mark.slow
def test_kind_and_by_parameters_are_checked(ledger_store: StoreLocation) -> None:
    for param, message in (("kind=visit", "'kind': expected one of all, stand-alone, sideline, "
                                          "brief-talk, call, found 'visit'"),
                           ("by=person", "'by': expected one of leaders, administrations, found 'person'")):
        result = run_cli("query", "leader-meetings", "--param", param, "--store", str(ledger_store.root))
        assert result.returncode == 1
        assert result.stderr.strip() == f"error: parameter {message}"


# ---------------------------------------------------------------- the shipped data, any ledger

def test_the_shipped_counts_are_the_ledgers_plus_what_it_lacks(kg: KnowledgeGraph) -> None:
    missing = check_counting_rule(kg, data_dir())
    # what the ledger lacks is exactly what the completeness warnings name
    catalog = load_catalog()
    warned = {w.message.rsplit("(record '", 1)[1].rstrip("')") for w in catalog.warnings
              if "is in no coverage ledger entry" in w.message}
    assert warned == missing


# ---------------------------------------------------------------- the build's ledger checks

def ledger_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(LEDGER_DATA, data)
    return data


LEDGER_FILE = "coverage/2000-2009.yaml"
# a change to the fixture's ledger → the exact problem the loader reports
BROKEN_LEDGER = {
    "wrong-kind": (
        ("kind: Summit, record: 2001-03-10-tokyo-summit", "kind: BriefTalk, record: 2001-03-10-tokyo-summit"),
        "coverage/2000-2009.yaml:6: entries.0.kind: the entry says BriefTalk, but "
        "'2001-03-10-tokyo-summit' is a Summit (record 'president-a-2000--prime-minister-x-2000')"),
    "wrong-date": (
        ('date: "2002-05-20"', 'date: "2002-05-21"'),
        "coverage/2000-2009.yaml:8: entries.2.date: the entry's date 2002-05-21 is not the date of "
        "'2002-05-20-beijing-sideline-meeting' (2002-05-20) (record "
        "'president-a-2000--prime-minister-x-2000')"),
    "wrong-pair": (
        ("kind: Summit, record: 2004-02-02-seoul-summit", "kind: Summit, record: 2006-06-06-tokyo-summit"),
        "coverage/2000-2009.yaml:15: entries.1.date: the entry's date 2004-02-02 is not the date of "
        "'2006-06-06-tokyo-summit' (2006-06-06) (record 'president-a-2000--prime-minister-y-2003')"),
    "unknown-record": (
        ("record: 2005-01-05-call", "record: 2005-01-05-phone-call"),
        "coverage/2000-2009.yaml:21: entries.0.record: unknown event '2005-01-05-phone-call' (record "
        "'president-b-2005--prime-minister-y-2003'); add it to events data or fix the id"),
    "not-a-korean-tenure": (
        ("korea: president-b-2005", "korea: prime-minister-x-2000"),
        "coverage/2000-2009.yaml:17: korea: 'korea' is a tenure of the leader of the Republic of "
        "Korea, found 'prime-minister-x-2000' (office 'prime-minister-jp') (record "
        "'president-b-2005--prime-minister-y-2003')"),
    "out-of-order": (
        ('{date: "2006-11-18", kind: BriefTalk', '{date: "2006-01-18", kind: BriefTalk'),
        "coverage/2000-2009.yaml:23: entries.2.date: entries go in date order: 2006-01-18 follows "
        "2006-06-06 (record 'president-b-2005--prime-minister-y-2003')"),
    "left-out-without-sources": (
        (', sources: [report]}', '}'),
        "coverage/2000-2009.yaml:23: entries.2: a 'left_out' entry needs the 'sources' that list "
        "the meeting (record 'president-b-2005--prime-minister-y-2003')"),
    "record-and-left-out": (
        ("record: 2005-01-05-call}", "record: 2005-01-05-call, left_out: x, sources: [report]}"),
        "coverage/2000-2009.yaml:21: entries.0: an entry gives either 'record' (the event id) or "
        "'left_out' (the reason no record is made), exactly one of them (record "
        "'president-b-2005--prime-minister-y-2003')"),
    "twice": (
        ('{date: "2007-03-03", kind: Summit, record: 2007-03-03-tokyo-summit}',
         '{date: "2007-03-03", kind: Summit, record: 2007-03-03-tokyo-summit}\n'
         '    - {date: "2007-03-03", kind: Summit, record: 2007-03-03-tokyo-summit}'),
        "coverage/2000-2009.yaml:25: entries.4.record: '2007-03-03-tokyo-summit' is already in the "
        "ledger ('president-b-2005--prime-minister-y-2003', entry 3); each record appears in "
        "exactly one entry (record 'president-b-2005--prime-minister-y-2003')"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_LEDGER))
def test_a_broken_ledger_is_reported_precisely(tmp_path: Path, case: str) -> None:
    data = ledger_copy(tmp_path)
    (old, new), message = BROKEN_LEDGER[case]
    path = data / LEDGER_FILE
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    assert message in [str(p) for p in caught.value.problems], caught.value


def test_completeness_is_an_error_unless_switched_to_warnings(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = ledger_copy(tmp_path)
    path = data / LEDGER_FILE
    text = path.read_text("utf-8")
    # a meeting left out of the ledger, and a pair of administrations without a record
    text = text.replace('    - {date: "2004-02-02", kind: Summit, record: 2004-02-02-seoul-summit}\n', "")
    path.write_text(text[:text.index("- id: acting-president-d-2004")], "utf-8")
    expected = [
        "events/2000s.yaml:67: kind: the leaders' Summit is in no coverage ledger entry; add "
        "'{date: \"2004-02-02\", kind: Summit, record: 2004-02-02-seoul-summit}' to the ledger "
        "record of its pair of administrations (graph/data/coverage/) (record '2004-02-02-seoul-summit')",
        "tenures.yaml:5: id: no coverage ledger record for the pair 'acting-president-d-2004' × "
        "'prime-minister-y-2003' (in office together 2004-06-01–2004-07-01); add one to "
        "graph/data/coverage/ with the chronologies consulted, 'entries: []' if they met neither in "
        "person nor by call (record 'acting-president-d-2004')",
    ]
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    assert [str(p) for p in caught.value.problems] == expected
    monkeypatch.setattr(loader, "COMPLETENESS_IS_ERROR", False)
    assert [str(w) for w in load_catalog(data).warnings] == expected


def test_a_visit_without_its_meetings_is_flagged(tmp_path: Path) -> None:
    data = ledger_copy(tmp_path)
    events = data / "events" / "2000s.yaml"
    text = events.read_text("utf-8").replace("  part_of: 2001-03-10-state-visit\n", "")
    events.write_text(text, "utf-8")
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    assert [str(p) for p in caught.value.problems] == [
        "events/2000s.yaml:3: kind: the StateVisit has no meeting record: a visit is a container, "
        "never counted itself; give each leaders' meeting held during it its own record (Summit, "
        "BriefTalk …) with 'part_of: 2001-03-10-state-visit' and the day it was held (record "
        "'2001-03-10-state-visit')"]


# ---------------------------------------------------------------- kjgraph stats

def test_stats_show_coverage_per_pair_as_the_ledger_says(ledger_store: StoreLocation) -> None:
    import json

    numbers = json.loads(run_cli("stats", "--json", "--store", str(ledger_store.root), check=True).stdout)
    tenures = {t["id"]: t for t in read(LEDGER_DATA, "tenures")}
    ledger = {(r["korea"], r["japan"]): r for r in read(LEDGER_DATA, "coverage")}
    rows = {(p["korea"].rsplit("/", 1)[1], p["japan"].rsplit("/", 1)[1]): p for p in numbers["pairs"]}
    # every pair of the fixture's terms that overlapped is a row; every ledger record is one of them
    overlapping = {(k, j) for k, kt in tenures.items() if kt["office"] == "president-kr"
                   for j, jt in tenures.items() if jt["office"] == "prime-minister-jp"
                   if max(kt["start"], jt["start"]) <= min(kt.get("end", "9999"), jt.get("end", "9999"))}
    assert set(rows) == overlapping and set(ledger) <= overlapping
    recorded = ledger_records(LEDGER_DATA)
    for pair, record in ledger.items():
        entries = record.get("entries") or []
        row = rows[pair]
        assert row["ledger"].endswith("/" + record["id"])
        assert (row["chronologies"], row["entries"], row["recorded"], row["left_out"]) == (
            len(record["chronologies"]), len(entries), sum(1 for e in entries if e.get("record")),
            sum(1 for e in entries if e.get("left_out")))
        kinds = recorded[pair]
        assert (row["meetings"], row["calls"], row["not_in_ledger"]) == (
            sum(len(kinds[k]) for k in MEETING_KINDS), len(kinds["LeaderCall"]), 0)
    markdown = run_cli("stats", "--markdown", "--store", str(ledger_store.root), check=True).stdout
    assert "| President B | Prime Minister Y | 2005-01-01 – " in markdown
    assert ("| Acting President D (acting) | Prime Minister Y | 2004-06-01 – 2004-07-01 | yes "
            "| 1 | 0 | 0 | 0 | 0 | 0 | 0 |") in markdown


def test_stats_count_every_kind_of_event(built_store: StoreLocation) -> None:
    """Regression (issue 14 item 11): ministerial meetings were missing from the statistics."""
    import json

    numbers = json.loads(run_cli("stats", "--json", "--store", str(built_store.root), check=True).stdout)
    kinds = Counter(e["kind"] for e in read(data_dir(), "events"))
    assert {k: sum(v.values()) for k, v in numbers["events"].items()} == dict(kinds)
    assert "MinisterialMeeting" in numbers["events"]
    assert sum(d.get("events", 0) for d in numbers["decades"].values()) == sum(kinds.values())
