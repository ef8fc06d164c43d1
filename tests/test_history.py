"""A researcher relies on the curated history 1965–2026: leaders and terms, meetings, sources."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from kjgraph.query import KnowledgeGraph

from .conftest import run_cli

TODAY = dt.date.today()


def terms(kg: KnowledgeGraph, office: str) -> list[dict]:
    rows = kg.rows(f"""
        SELECT ?tenure ?holder ?acting ?start ?end WHERE {{
          ?tenure kjo:office office:{office} ; kjo:holder ?holder ; kjo:acting ?acting ;
                  kjo:earliestDate ?start .
          OPTIONAL {{ ?tenure schema:endDate ?end }}
        }} ORDER BY ?start""")
    return [{"tenure": r["tenure"].value, "holder": r["holder"].value,
             "acting": r["acting"].value == "true",
             "start": dt.date.fromisoformat(r["start"].value),
             "end": dt.date.fromisoformat(r["end"].value) if r["end"] else TODAY} for r in rows]


def test_leaders_query_returns_one_row_per_term(built_store) -> None:
    result = run_cli("query", "leaders", "--format", "json", "--store", str(built_store.root),
                     check=True)
    data = json.loads(result.stdout)
    assert data["head"]["vars"][:6] == ["leader", "name", "country", "office", "start", "end"]
    rows = data["results"]["bindings"]
    kg = KnowledgeGraph.open(built_store)
    tenures = kg.rows("SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t kjo:office/a kjo:LeaderOffice }")[0]["n"].value
    assert len(rows) == int(tenures)
    abe = [r for r in rows if r["leader"]["value"].endswith("/shinzo-abe")]
    assert len(abe) == 2  # two separate terms, two tenures


# Presidents of the Republic of Korea and Prime Ministers of Japan in office at any time since
# 1 January 1965 (public record; acting holders excluded), as chronologies list them.
EXPECTED_LEADERS = {"president-kr": 12, "prime-minister-jp": 28}


@pytest.mark.parametrize(("office", "count"), EXPECTED_LEADERS.items())
def test_number_of_leaders_per_country(kg: KnowledgeGraph, office: str, count: int) -> None:
    full = {t["holder"] for t in terms(kg, office) if not t["acting"] and t["end"] >= dt.date(1965, 1, 1)}
    assert len(full) == count


@pytest.mark.parametrize("office", EXPECTED_LEADERS)
def test_terms_do_not_overlap_within_one_office(kg: KnowledgeGraph, office: str) -> None:
    for acting in (False, True):
        same = [t for t in terms(kg, office) if t["acting"] is acting]
        for earlier, later in itertools.pairwise(same):
            # A term may end on the day the next begins, never after.
            assert later["start"] >= earlier["end"], (earlier["tenure"], later["tenure"])


@pytest.mark.parametrize("office", EXPECTED_LEADERS)
def test_no_gaps_since_1965_except_where_an_interim_is_recorded(kg: KnowledgeGraph, office: str) -> None:
    covered_until = dt.date(1965, 1, 1)
    for term in terms(kg, office):  # acting terms count as the recorded interim
        if term["end"] < covered_until:
            continue
        # Korean terms end on the 24th and the next begins on the 25th: one day is no gap.
        assert (term["start"] - covered_until).days <= 1, f"gap before {term['tenure']}"
        covered_until = max(covered_until, term["end"])
    assert covered_until == TODAY  # someone is in office today


def test_leaders_terms_are_known_to_the_day(kg: KnowledgeGraph) -> None:
    rows = kg.rows("""SELECT ?t ?start WHERE { ?t kjo:office/a kjo:LeaderOffice ; schema:startDate ?start .
                      FILTER(DATATYPE(?start) != xsd:date) }""")
    assert rows == []


@pytest.mark.parametrize(("day", "country", "leader"), [
    ("1965-06-22", "kr", "park-chung-hee"), ("1965-06-22", "jp", "eisaku-sato"),
    ("1998-10-08", "kr", "kim-dae-jung"), ("1998-10-08", "jp", "keizo-obuchi"),
    ("2015-12-28", "jp", "shinzo-abe"), ("2026-01-13", "jp", "sanae-takaichi"),
    ("2026-01-13", "kr", "lee-jae-myung"),
])
def test_who_led_each_country_on_a_given_date(kg: KnowledgeGraph, day: str, country: str,
                                               leader: str) -> None:
    rows = kg.rows(f"""
        SELECT DISTINCT ?leader WHERE {{
          ?t kjo:office ?office ; kjo:holder ?leader ; kjo:acting false ; kjo:earliestDate ?s .
          ?office a kjo:LeaderOffice ; kjo:officeOf country:{country} .
          OPTIONAL {{ ?t kjo:latestDate ?e }}
          FILTER(?s <= "{day}"^^xsd:date && (!BOUND(?e) || ?e >= "{day}"^^xsd:date))
        }}""")
    assert [r["leader"].value.rsplit("/", 1)[-1] for r in rows] == [leader]


# One event per decade, as its cited source states it: (event, date, place, participants).
SAMPLES = [
    ("1965-06-22-tokyo-treaty-signing", "1965-06-22", "tokyo", {"lee-tong-won", "etsusaburo-shiina"}),
    ("1973-08-08-kim-dae-jung-abduction", "1973-08-08", "tokyo", {"kim-dae-jung"}),
    ("1984-09-06-chun-doo-hwan-state-visit", "1984-09-06", "tokyo", {"chun-doo-hwan", "yasuhiro-nakasone"}),
    ("1998-10-08-tokyo-summit", "1998-10-08", "tokyo", {"kim-dae-jung", "keizo-obuchi"}),
    ("2004-07-21-jeju-summit", "2004-07-21", "jeju", {"roh-moo-hyun", "junichiro-koizumi"}),
    ("2011-12-18-kyoto-summit", "2011-12-18", "kyoto", {"lee-myung-bak", "yoshihiko-noda"}),
    ("2023-03-16-tokyo-summit", "2023-03-16", "tokyo", {"yoon-suk-yeol", "fumio-kishida"}),
    ("2026-01-13-nara-summit", "2026-01-13", "nara", {"lee-jae-myung", "sanae-takaichi"}),
]


@pytest.mark.parametrize(("event", "day", "place", "people"), SAMPLES)
def test_sample_events_per_decade_as_their_sources_state_them(
        kg: KnowledgeGraph, event: str, day: str, place: str, people: set[str]) -> None:
    rows = kg.rows(f"""
        SELECT ?g ?place (GROUP_CONCAT(DISTINCT STR(?who); separator=" ") AS ?attendees) WHERE {{
          GRAPH ?g {{ event:{event} schema:startDate ?d ; schema:location ?place .
                     OPTIONAL {{ event:{event} schema:attendee ?who }} }}
          ?g prov:wasDerivedFrom ?source . ?source schema:url ?url .
          FILTER(STR(?d) = "{day}")
        }} GROUP BY ?g ?place""")
    assert rows, f"no source graph states {event} on {day}"
    stated = set().union(*({a.rsplit("/", 1)[-1] for a in r["attendees"].value.split()} for r in rows))
    assert people <= stated
    assert {r["place"].value.rsplit("/", 1)[-1] for r in rows} == {place}


def test_every_leader_level_meeting_has_date_place_participants_and_a_source(kg: KnowledgeGraph) -> None:
    rows = kg.rows("""
        SELECT ?e WHERE { ?e a kjo:DiplomaticMeeting .
          FILTER NOT EXISTS { ?e schema:startDate ?d ; schema:location ?p ; schema:attendee ?a ;
                                 dcterms:source ?s } }""")
    assert rows == []


def test_the_1998_state_visit_and_its_summit_count_once(kg: KnowledgeGraph) -> None:
    """Regression (issue 13): counterpart-pairs counted the 1998 state visit and its summit twice."""
    visit, summit = "event:1998-10-07-kim-dae-jung-state-visit", "event:1998-10-08-tokyo-summit"
    assert kg.execute(f"ASK {{ {summit} kjo:partOf {visit} . {visit} schema:subEvent {summit} }}")
    rows = kg.rows("""
        SELECT ?e WHERE {
          ?e kjo:participation ?a , ?b .
          ?a kjo:participant person:kim-dae-jung ; kjo:inCapacityOf/kjo:office office:president-kr .
          ?b kjo:participant person:keizo-obuchi ; kjo:inCapacityOf/kjo:office office:prime-minister-jp .
          ?e a kjo:LeadersMeeting }""")
    meetings = {r["e"].value for r in rows}
    assert visit.replace("event:", "https://w3id.org/kjgraph/id/event/") not in meetings
    pair = [r for r in kg.run("counterpart-pairs").rows
            if r["kr_leader"].value.endswith("/kim-dae-jung") and r["jp_leader"].value.endswith("/keizo-obuchi")]
    assert [int(r["meetings"].value) for r in pair] == [len(meetings)]


def test_shuttle_diplomacy_phases_are_recorded(kg: KnowledgeGraph) -> None:
    rows = kg.rows("""SELECT ?status ?start WHERE { series:shuttle-diplomacy kjo:phase ?p .
                      ?p kjo:status ?status ; kjo:earliestDate ?start } ORDER BY ?start""")
    statuses = [r["status"].value.rsplit("#", 1)[-1] for r in rows]
    assert statuses[0] == "active" and "suspended" in statuses and statuses[-1] == "active"


def test_stats_show_coverage_per_decade(built_store) -> None:
    result = run_cli("stats", "--store", str(built_store.root), check=True)
    assert "Coverage per decade" in result.stdout and "Coverage per pair of administrations" in result.stdout
    for decade in ("1960s", "1970s", "1980s", "1990s", "2000s", "2010s", "2020s"):
        assert decade in result.stdout


def test_wikidata_links_use_exact_match_not_same_as(kg: KnowledgeGraph) -> None:
    assert not kg.execute("ASK { ?s owl:sameAs ?o }")
    rows = kg.rows("SELECT ?o WHERE { ?s skos:exactMatch ?o }")
    assert all(r["o"].value.startswith("http://www.wikidata.org/entity/Q") for r in rows)
