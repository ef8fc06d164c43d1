"""A researcher asks the query library questions: from the CLI and from Python.

Expected answers are facts that stay true as the data grows (the 2026 Nara summit, the 1942
Chōsei disaster in Ube, who led Japan on 2026-01-13) or counts computed independently from
the store's triples (no SPARQL), never frozen counts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from itertools import pairwise

import pandas as pd
import pyoxigraph as ox
import pytest

from kjgraph.library import get_query, library
from kjgraph.query import PREFIXES, KnowledgeGraph, plain
from tests.conftest import run_cli

ID = PREFIXES["kjg"]
KJO = PREFIXES["kjo"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBJECT = ox.NamedNode("http://purl.org/dc/terms/subject")
NARA = f"{ID}event/2026-01-13-nara-summit"
CHOSEI = f"{ID}event/1942-02-03-chosei-coal-mine-disaster"
LEE, TAKAICHI = f"{ID}person/lee-jae-myung", f"{ID}person/sanae-takaichi"

#: Values for required parameters, so that every query can run.
EXAMPLES = {
    "leader-on-date": {"date": "2026-01-13"},
    "events-in-city": {"place": "place/nara"},
    "events-by-topic": {"topic": "topic/history-issues"},
    "sources": {"entity": "event/1942-02-03-chosei-coal-mine-disaster"},
    "labels": {"entity": "place/nara"},
    "neighbourhood": {"entity": "event/2026-01-13-nara-summit"},
    "refers-to": {"target": "event/1942-02-03-chosei-coal-mine-disaster"},
    "find": {"text": "Nara"},
}


# ---------------------------------------------------------------- independent helpers (no SPARQL)

def objects(kg: KnowledgeGraph, s: str | None, p: str, o: str | None = None) -> list[tuple[str, str]]:
    """(subject, object) pairs of the default graph matching a triple pattern."""
    node = lambda v: None if v is None else ox.NamedNode(v)  # noqa: E731
    return [(q.subject.value, q.object.value) for q in
            kg.store.quads_for_pattern(node(s), ox.NamedNode(p), node(o), ox.DefaultGraph())]


def instances(kg: KnowledgeGraph, cls: str) -> set[str]:
    return {s for s, _ in objects(kg, None, RDF_TYPE.value, KJO + cls)}


def first_days(kg: KnowledgeGraph) -> dict[str, date]:
    days: dict[str, date] = {}
    for s, o in objects(kg, None, KJO + "earliestDate"):
        days[s] = max(days.get(s, date.min), date.fromisoformat(o))
    return days


def leader_meetings(kg: KnowledgeGraph, cls: str = "LeadersMeeting") -> dict[str, set[str]]:
    """Leaders' meetings (the counting rule; or another class): event -> its participants in the
    capacity of a leader's term, for the events with a Korean president's and a Japanese prime
    minister's term among them."""
    office = {s: o for s, o in objects(kg, None, KJO + "office")}
    capacity = {s: office.get(o) for s, o in objects(kg, None, KJO + "inCapacityOf")}
    person = dict(objects(kg, None, KJO + "participant"))
    result: dict[str, set[str]] = {}
    for event in instances(kg, cls):
        parts = [o for _, o in objects(kg, event, KJO + "participation")]
        offices = {capacity.get(p) for p in parts}
        if {f"{ID}office/president-kr", f"{ID}office/prime-minister-jp"} <= offices:
            result[event] = {person[p] for p in parts if capacity.get(p) in (
                f"{ID}office/president-kr", f"{ID}office/prime-minister-jp")}
    return result


def values(table, column: str) -> list:
    return [plain(r[column]) for r in table.rows]


# ---------------------------------------------------------------- the library and its documentation

def test_the_library_holds_at_least_25_documented_queries() -> None:
    queries = library()
    assert len(queries) >= 25
    for query in queries.values():
        assert query.title and query.question and query.columns, query.name
        assert query.text.startswith("# title:"), query.name


def test_date_subselects_join_each_union_branch_with_its_literal() -> None:
    """Regression (issue 19): ``{ ?e time:hasTime ?i } UNION { ?e time:hasTime/time:hasBeginning ?i }``
    followed by ``?i ?precision ?shown`` made Oxigraph join the union with every instant's literals
    (1–6 s per query on the shipped graph, minutes at 1M quads); each branch binds its literal itself."""
    slow = re.compile(r"\{\s*\?\w+\s+time:hasTime\s+\?\w+\s*\}\s*UNION")
    dated = [name for name, query in library().items() if "time:hasBeginning" in query.text]
    assert len(dated) >= 8
    assert [name for name, query in library().items() if slow.search(query.text)] == []


@pytest.mark.parametrize("name", sorted(library()))
def test_every_query_runs_and_returns_its_documented_columns(kg: KnowledgeGraph, name: str) -> None:
    query = get_query(name)
    table = kg.run(name, **EXAMPLES.get(name, {}))
    assert table.columns == query.columns
    for param in query.parameters:
        assert param.required == (param.name in EXAMPLES.get(name, {})), \
            f"{name}: give an example value for each required parameter, and only those"


def test_cli_lists_the_library_and_shows_a_querys_documentation(built_store) -> None:
    listing = run_cli("queries", check=True).stdout
    for name in library():
        assert name in listing
    doc = run_cli("query", "meetings", "--help", check=True).stdout
    query = get_query("meetings")
    assert query.title in doc
    for param in query.parameters:
        assert f"{param.name} ({param.type}" in doc
    assert "event, date, kind, city, country, participants" in doc


# ---------------------------------------------------------------- answers

def test_who_led_each_country_on_the_day_of_the_nara_summit(kg: KnowledgeGraph) -> None:
    table = kg.run("leader-on-date", date="2026-01-13")
    leaders = {plain(r["country"]).rsplit("/", 1)[1]: plain(r["leader"]) for r in table.rows}
    assert leaders == {"jp": TAKAICHI, "kr": LEE}
    japanese = kg.run("leader-on-date", date="2026-01-13", country="country/jp", lang="ja")
    assert values(japanese, "name") == ["高市早苗"]


def test_terms_of_office_of_all_leaders(kg: KnowledgeGraph) -> None:
    table = kg.run("leaders")
    assert table.columns[:6] == ["leader", "name", "country", "office", "start", "end"]
    expected = {s for s, o in objects(kg, None, KJO + "office")
                if o in (f"{ID}office/president-kr", f"{ID}office/prime-minister-jp")}
    assert len(table.rows) == len(expected)
    takaichi = [r for r in table.rows if plain(r["leader"]) == TAKAICHI]
    assert [plain(r["start"]) for r in takaichi] == ["2025-10-21"]
    assert all(r["end"] is None for r in takaichi)  # still in office
    assert len(kg.run("office-holders").rows) == len(instances(kg, "Tenure"))


def test_leader_level_meetings_and_their_filters(kg: KnowledgeGraph) -> None:
    expected = leader_meetings(kg)
    table = kg.run("meetings")
    assert set(values(table, "event")) == set(expected)
    dates = values(table, "date")
    assert dates == sorted(dates)

    nara = kg.run("meetings", city="place/nara")
    row = next(r for r in nara.rows if plain(r["event"]) == NARA)
    assert plain(row["date"]) == "2026-01-13" and plain(row["kind"]) == "Summit"
    assert plain(row["country"]) == f"{ID}country/jp"
    assert {"Lee Jae-myung", "Sanae Takaichi"} <= set(plain(row["participants"]).split(", "))

    lee = kg.run("meetings", leader="person/lee-jae-myung")
    assert set(values(lee, "event")) == {e for e, people in expected.items() if LEE in people}
    period = kg.run("meetings", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert all(d.startswith("2025-") for d in values(period, "date"))
    days = first_days(kg)
    assert len(period.rows) == sum(1 for e in expected if date(2025, 1, 1) <= days[e] <= date(2025, 12, 31))


def test_counterpart_pairs_and_meetings_per_year_and_decade_add_up(kg: KnowledgeGraph) -> None:
    expected = leader_meetings(kg)
    pairs = kg.run("counterpart-pairs")
    # a pair that only spoke by telephone has a row with 0 meetings (the query counts calls apart)
    counted = {(plain(r["kr_leader"]), plain(r["jp_leader"])): int(plain(r["meetings"])) for r in pairs.rows
               if int(plain(r["meetings"]))}
    assert counted[(LEE, TAKAICHI)] >= 2  # Gyeongju (October 2025) and Nara (January 2026)
    truth: Counter[tuple[str, str]] = Counter()
    for people in expected.values():
        kr = [p for p in people if (p, f"{ID}country/kr") in objects(kg, p, "https://schema.org/nationality")]
        jp = [p for p in people if p not in kr]
        truth.update((k, j) for k in kr for j in jp)
    assert counted == dict(truth)

    days = first_days(kg)
    per_year = kg.run("meetings-per-year")
    # a year with calls only has a row with 0 meetings (the query counts calls apart)
    assert {int(plain(r["year"])): int(plain(r["meetings"])) for r in per_year.rows
            if int(plain(r["meetings"]))} == dict(Counter(days[e].year for e in expected))
    per_decade = kg.run("meetings-per-decade")
    assert sum(int(plain(r["meetings"])) for r in per_decade.rows) == len(expected)
    for r in [*per_year.rows, *per_decade.rows]:
        parts = sum(int(plain(r[c])) for c in ("summits", "sideline", "brief_talks"))
        assert parts == int(plain(r["meetings"]))
    calls = leader_meetings(kg, "LeaderCall")
    assert sum(int(plain(r["calls"])) for r in per_decade.rows) == len(calls)
    assert sum(int(plain(r["calls"])) for r in pairs.rows) == len(calls)


def test_shuttle_chains_and_gaps(kg: KnowledgeGraph) -> None:
    days = first_days(kg)
    chains = kg.run("shuttle-chains")
    returning = {s for s, _ in objects(kg, None, KJO + "reciprocates")}
    container = dict(objects(kg, None, KJO + "partOf"))
    # one row per return; a meeting held during a visit that itself returns is no second one
    assert len(chains.rows) == len({s for s in returning if container.get(s) not in returning})
    nara = next(r for r in chains.rows if plain(r["visit"]) == NARA)
    assert plain(nara["city"]) == "Nara" and plain(nara["returns_city"]) == "Gyeongju"
    assert int(plain(nara["gap_days"])) == (days[NARA] - days[plain(nara["returns"])]).days

    meetings = sorted(days[e] for e in leader_meetings(kg))
    gaps = kg.run("summit-gaps", min_days="365")
    expected = [(a, b) for a, b in pairwise(meetings) if (b - a).days >= 365]
    found = [(days[plain(r["previous"])], days[plain(r["next"])]) for r in gaps.rows]
    assert sorted(set(found)) == sorted(set(expected))
    for row, (previous, following) in zip(gaps.rows, found, strict=True):
        assert int(plain(row["gap_days"])) == (following - previous).days
        # each date as precise as the sources give it ("1984-09" for a meeting known to the month)
        for shown, day in ((plain(row["previous_date"]), previous), (plain(row["next_date"]), following)):
            assert len(shown) in (4, 7, 10) and day.isoformat().startswith(shown), (shown, day)
    phases = kg.run("series-phases")
    assert len(phases.rows) == len(objects(kg, f"{ID}series/shuttle-diplomacy", KJO + "phase"))
    assert set(values(phases, "status")) <= {"active", "suspended", "ended"}


def test_events_in_a_city_and_by_topic(kg: KnowledgeGraph) -> None:
    nara = kg.run("events-in-city", place="place/nara")
    assert NARA in values(nara, "event")
    ube = kg.run("events-in-city", place="place/ube")
    assert CHOSEI in values(ube, "event")
    chosei = next(r for r in ube.rows if plain(r["event"]) == CHOSEI)
    assert plain(chosei["kind"]) == "Disaster" and plain(chosei["date"]) == "1942-02-03"
    history = kg.run("events-by-topic", topic="topic/history-issues")
    assert {NARA, CHOSEI} <= set(values(history, "event"))
    assert NARA in values(kg.run("refers-to", target="event/1942-02-03-chosei-coal-mine-disaster"), "event")


def test_topics_over_time_count_the_events_of_each_year(kg: KnowledgeGraph) -> None:
    days = first_days(kg)
    events = instances(kg, "Event")
    truth = Counter((days[e].year, t) for e, t in objects(kg, None, SUBJECT.value) if e in events and e in days)
    table = kg.run("topics-by-year")
    assert {(int(plain(r["year"])), plain(r["topic"])): int(plain(r["events"])) for r in table.rows} == dict(truth)
    nara_topics = {t for _, t in objects(kg, NARA, SUBJECT.value)}
    assert nara_topics <= {plain(r["topic"]) for r in table.rows if plain(r["year"]) == "2026"}
    totals = {plain(r["topic"]): int(plain(r["events"])) for r in kg.run("topics").rows}
    assert totals == {t: n for t, n in Counter(t for e, t in objects(kg, None, SUBJECT.value) if e in events).items()
                      if t in totals} and sum(totals.values()) == sum(
        1 for e, _ in objects(kg, None, SUBJECT.value) if e in events)


def test_outcomes_of_the_nara_summit_cover_every_agreed_area(kg: KnowledgeGraph) -> None:
    outcomes = kg.run("summit-outcomes")  # the default is the Nara summit
    expected = ({s for s, _ in objects(kg, None, KJO + "agreedAt", NARA)}
                | {o for _, o in objects(kg, NARA, KJO + "resultedIn")})
    assert set(values(outcomes, "outcome")) == expected and expected
    areas = {a for r in outcomes.rows for a in (plain(r["areas"]) or "").split(", ") if a}
    labels = {t: o for t, o in objects(kg, None, "http://www.w3.org/2000/01/rdf-schema#label")}
    topics = {t for o in expected for _, t in objects(kg, o, SUBJECT.value)}
    english = {q.object.value for t in topics for q in kg.store.quads_for_pattern(
        ox.NamedNode(t), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, ox.DefaultGraph())
        if q.object.language == "en"}
    assert labels and areas == english


def test_agreements_by_topic_and_status(kg: KnowledgeGraph) -> None:
    kinds = ("Agreement", "Proposal", "SharedPosition")
    every = set().union(*(instances(kg, k) for k in kinds))
    table = kg.run("agreements")
    assert set(values(table, "agreement")) == every
    by_status = kg.run("agreements-by-status")
    assert sum(int(plain(r["agreements"])) for r in by_status.rows) == len(every)
    fisheries = kg.run("agreements", topic="topic/fisheries")
    for agreement in values(fisheries, "agreement"):
        assert kg.execute(f"ASK {{ <{agreement}> dcterms:subject/skos:broader* topic:fisheries }}")
    proposed = kg.run("agreements", status=f"{KJO}proposed")
    assert set(values(proposed, "agreement")) == {s for s, _ in objects(kg, None, KJO + "status", KJO + "proposed")}


def test_committees_their_members_and_topics(kg: KnowledgeGraph) -> None:
    bodies = instances(kg, "JointBody") | instances(kg, "GovernmentBody")
    assert set(values(kg.run("committees"), "body")) == bodies
    members = kg.run("committee-members")
    assert len(members.rows) == len(objects(kg, None, "http://www.w3.org/ns/org#hasMembership"))
    member = dict(objects(kg, None, "http://www.w3.org/ns/org#member"))
    pairs = {(body, member[m]) for body, m in objects(kg, None, "http://www.w3.org/ns/org#hasMembership")}
    assert {(plain(r["body"]), plain(r["member"])) for r in members.rows} == pairs
    assert all(plain(r["member_label"]) for r in members.rows)


def test_sources_show_which_source_says_what(kg: KnowledgeGraph) -> None:
    table = kg.run("sources", entity="event/1942-02-03-chosei-coal-mine-disaster", property=f"{KJO}place")
    places = Counter(plain(r["value"]) for r in table.rows)
    assert places[f"{ID}place/ube"] >= 1
    assert all(r["source"] is not None and plain(r["url"]) for r in table.rows)
    assert {plain(r["property"]) for r in table.rows} == {f"{KJO}place"}


def test_labels_in_every_language_and_find(kg: KnowledgeGraph) -> None:
    table = kg.run("labels", entity="place/nara")
    langs = {plain(r["lang"]) for r in table.rows}
    assert {"en", "ko", "ja"} <= langs
    found = kg.run("find", text="奈良")
    assert f"{ID}place/nara" in values(found, "entity")


def test_everything_within_n_hops(kg: KnowledgeGraph) -> None:
    one = kg.run("neighbourhood", entity="event/2026-01-13-nara-summit")
    near = {plain(r["node"]): int(plain(r["distance"])) for r in one.rows}
    assert {LEE, TAKAICHI, f"{ID}place/nara", CHOSEI} <= set(near)
    assert set(near.values()) == {1}
    two = kg.run("neighbourhood", entity="event/2026-01-13-nara-summit", hops="2")
    far = {plain(r["node"]): int(plain(r["distance"])) for r in two.rows}
    assert set(near) <= set(far) and set(far.values()) == {1, 2}
    assert far[f"{ID}place/ube"] == 2  # Nara summit -> Chōsei disaster -> Ube


def test_incidents_and_disputes_by_decade(kg: KnowledgeGraph) -> None:
    events = instances(kg, "Incident") | instances(kg, "Disaster")
    days = first_days(kg)
    table = kg.run("incidents-by-decade")
    assert {int(float(plain(r["decade"]))): int(plain(r["total"])) for r in table.rows} == \
        dict(Counter(days[e].year // 10 * 10 for e in events))
    assert set(values(kg.run("incidents"), "event")) == events


def test_participants_of_the_nara_summit(kg: KnowledgeGraph) -> None:
    table = kg.run("event-participants")
    roles = {plain(r["person"]): plain(r["role"]) for r in table.rows}
    assert roles[TAKAICHI] == "host" and roles[LEE] == "guest"


def test_places_by_the_events_they_hosted(kg: KnowledgeGraph) -> None:
    table = kg.run("places-hosting")
    counts = {plain(r["place"]): int(plain(r["events"])) for r in table.rows}
    events = instances(kg, "Event")
    assert counts == dict(Counter(p for e, p in objects(kg, None, KJO + "place") if e in events))


# ---------------------------------------------------------------- parameters, formats, Python API

def test_a_hostile_string_parameter_is_just_a_value(kg: KnowledgeGraph, built_store) -> None:
    hostile = '" } DROP ALL #'
    before = len(kg.store)
    text = get_query("find").bound_text({"text": hostile})
    assert '"\\" } DROP ALL #"' in text  # escaped inside one literal
    assert kg.run("find", text=hostile).rows == []
    result = run_cli("query", "find", "--param", f"text={hostile}", "--format", "json",
                     "--store", str(built_store.root), check=True)
    assert json.loads(result.stdout)["results"]["bindings"] == []
    with pytest.raises(SyntaxError):  # the update the value spells would be refused anyway
        kg.store.query(f'SELECT * WHERE {{ ?s ?p "{hostile}" }}')
    assert len(KnowledgeGraph.open(built_store).store) == before


def test_bad_parameters_are_named(built_store) -> None:
    result = run_cli("query", "leader-on-date", "--param", "date=2026-13-45", "--store", str(built_store.root))
    assert result.returncode != 0 and "date" in result.stderr
    result = run_cli("query", "meetings", "--param", "nope=1", "--store", str(built_store.root))
    assert result.returncode != 0 and "nope" in result.stderr


def test_json_output_is_sparql_results_json(built_store, tmp_path) -> None:
    out = tmp_path / "meetings.json"
    run_cli("query", "meetings", "--param", "city=place/nara", "--format", "json", "--out", str(out),
            "--store", str(built_store.root), check=True)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["head"]["vars"] == get_query("meetings").columns
    assert doc["results"]["bindings"]
    for binding in doc["results"]["bindings"]:
        assert set(binding) <= set(doc["head"]["vars"])
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
            assert not ("datatype" in term and "xml:lang" in term)
    nara = next(b for b in doc["results"]["bindings"] if b["event"]["value"] == NARA)
    assert nara["event"]["type"] == "uri"
    assert nara["date"] == {"type": "literal", "value": "2026-01-13",
                            "datatype": "http://www.w3.org/2001/XMLSchema#date"}


@pytest.mark.parametrize("fmt,marker", [("csv", ","), ("tsv", "\t"), ("table", "row(s)")])
def test_other_output_formats(built_store, fmt: str, marker: str) -> None:
    result = run_cli("query", "leader-on-date", "-p", "date=2026-01-13", "--format", fmt,
                     "--store", str(built_store.root), check=True)
    assert marker in result.stdout and "takaichi" in result.stdout.lower()


def test_python_api_returns_rows_and_dataframes(kg: KnowledgeGraph) -> None:
    frame = kg.run("meetings", leader="person/sanae-takaichi").to_dataframe()
    assert list(frame.columns) == get_query("meetings").columns
    assert pd.Timestamp("2026-01-13") in set(frame["date"])  # values, not strings (tests/test_values.py)


# ---------------------------------------------------------------- precision kept (issue 13 item 6)

TIME = "http://www.w3.org/2006/time#"


def shown_dates(kg: KnowledgeGraph) -> dict[str, str]:
    """Each event's date as precise as its sources give it, from the OWL-Time triples (no SPARQL):
    the instant's literal (the interval's beginning); where sources differ the latest first day,
    then the most precise."""
    values: dict[str, list[str]] = {}
    beginning = dict(objects(kg, None, TIME + "hasBeginning"))
    literal = {}
    for prop in ("inXSDDate", "inXSDgYearMonth", "inXSDgYear"):
        literal.update(dict(objects(kg, None, TIME + prop)))
    for event, node in objects(kg, None, TIME + "hasTime"):
        text = literal.get(beginning.get(node, node))
        if text:
            values.setdefault(event, []).append(text)

    def key(text: str) -> tuple[str, int]:
        return ((text + "-01-01")[:10] if len(text) == 4 else (text + "-01")[:10], len(text))
    return {event: max(texts, key=key) for event, texts in values.items()}


DATED = {  # query (with parameters) -> its event and date columns
    "events-in-city": ({"place": "country/kr"}, "event", "date"),
    "events-by-topic": ({"topic": "topic/diplomatic-relations"}, "event", "date"),
    "incidents": ({}, "event", "date"),
    "refers-to": ({"target": "event/1942-02-03-chosei-coal-mine-disaster"}, "event", "date"),
    "meetings": ({}, "event", "date"),
    "shuttle-chains": ({}, "visit", "date"),
    "summit-gaps": ({"min_days": "30"}, "previous", "previous_date"),
    "agreements": ({}, "agreed_at", None),
}


@pytest.mark.parametrize("name", sorted(DATED))
def test_dates_keep_their_precision_in_every_query(kg: KnowledgeGraph, name: str) -> None:
    params, event_column, date_column = DATED[name]
    expected = shown_dates(kg)
    datatypes = {10: "http://www.w3.org/2001/XMLSchema#date", 7: "http://www.w3.org/2001/XMLSchema#gYearMonth",
                 4: "http://www.w3.org/2001/XMLSchema#gYear"}
    table = kg.run(name, **params)
    checked = 0
    for row in table.rows:
        if name == "agreements":  # unsigned: the date of the event where it was agreed
            if row["agreed_at"] is None or kg.execute(f"ASK {{ <{row['agreement'].value}> kjo:signedOn ?d }}"):
                continue
            term, event = row["date"], row["agreed_at"].value
        else:
            term, event = row[date_column], row[event_column].value
        assert term.value == expected[event], (name, event)
        assert term.datatype.value == datatypes[len(term.value)], (name, event)
        checked += 1
    assert checked, f"{name}: no dated row to check"


def test_apec_gyeongju_2025_stays_a_month(kg: KnowledgeGraph) -> None:
    """Regression (issue 13 item 6): events-in-city showed APEC Gyeongju 2025 as 2025-10-01."""
    rows = kg.run("events-in-city", place="place/gyeongju").rows
    apec = next(r for r in rows if r["event"].value.endswith("/2025-10-apec-gyeongju"))
    assert apec["date"].value == "2025-10"
    assert apec["date"].datatype.value == "http://www.w3.org/2001/XMLSchema#gYearMonth"
    dates = [r["date"].value for r in rows]
    assert dates == sorted(dates)  # a month sorts before the days of that month
