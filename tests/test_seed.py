"""A researcher asks, in SPARQL, for each statement of the seed article, and which source says so."""

from __future__ import annotations

import pytest

from kjgraph.query import KnowledgeGraph

SEED = "https://w3id.org/kjgraph/id/source/seed-2026-01-13-nara-summit-de"
SEED_GRAPH = "https://w3id.org/kjgraph/graph/source/seed-2026-01-13-nara-summit-de"


def ask_in_seed(kg: KnowledgeGraph, pattern: str) -> bool:
    """True when the seed article's own graph states ``pattern`` and names the seed as source."""
    query = f"""ASK {{
        GRAPH <{SEED_GRAPH}> {{ {pattern} }}
        <{SEED_GRAPH}> prov:wasDerivedFrom <{SEED}> .
    }}"""
    return bool(kg.execute(query))


def test_which_source_says_lee_attended_an_event_in_nara_on_2026_01_13(kg: KnowledgeGraph) -> None:
    rows = kg.rows("""
        SELECT DISTINCT ?source ?title WHERE {
          GRAPH ?g { ?event schema:attendee person:lee-jae-myung ;
                            schema:location place:nara ;
                            schema:startDate "2026-01-13"^^xsd:date . }
          ?g prov:wasDerivedFrom ?source . ?source schema:headline ?title .
        }""")
    sources = {r["source"].value for r in rows}
    assert SEED in sources


def test_summit_in_nara_between_lee_and_takaichi(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """
        event:2026-01-13-nara-summit a kjo:Summit ; schema:startDate "2026-01-13"^^xsd:date ;
            kjo:place place:nara ;
            kjo:participation [ kjo:participant person:lee-jae-myung ; kjo:role kjo:guest ] ,
                              [ kjo:participant person:sanae-takaichi ; kjo:role kjo:host ] .""")
    # Nara lies in Japan.
    assert kg.execute("ASK { place:nara schema:containedInPlace+ country:jp }")


def test_joint_press_conference(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """?pc a kjo:PressConference ; kjo:partOf event:2026-01-13-nara-summit ;
                              schema:attendee person:lee-jae-myung , person:sanae-takaichi .""")


def test_first_visit_of_a_korean_president_since_takaichi_took_office(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """event:2026-01-13-nara-summit kjo:firstVisitDuring ?tenure .""")
    rows = kg.rows("""SELECT ?holder WHERE { event:2026-01-13-nara-summit kjo:firstVisitDuring ?t .
                      ?t kjo:holder ?holder ; kjo:office office:prime-minister-jp }""")
    assert [r["holder"].value for r in rows] == ["https://w3id.org/kjgraph/id/person/sanae-takaichi"]


def test_shuttle_diplomacy_and_takaichis_october_2025_visit_to_gyeongju(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """event:2026-01-13-nara-summit kjo:inSeries series:shuttle-diplomacy ;
                              kjo:reciprocates ?earlier .
                              ?earlier kjo:place place:gyeongju ;
                                       schema:startDate "2025-10"^^xsd:gYearMonth ;
                                       schema:attendee person:sanae-takaichi .""")


AREAS = ["economic-security", "science-and-technology", "international-norms",
         "talks-between-authorities", "artificial-intelligence", "intellectual-property"]


@pytest.mark.parametrize("topic", AREAS)
def test_each_agreed_area_of_cooperation(kg: KnowledgeGraph, topic: str) -> None:
    assert ask_in_seed(kg, f"""?c a kjo:Commitment ; kjo:status kjo:agreed ;
                               kjo:agreedAt event:2026-01-13-nara-summit ;
                               dcterms:subject topic:{topic} .""")


@pytest.mark.parametrize("topic", ["low-birth-rate", "ageing", "agriculture",
                                   "disaster-prevention", "suicide-prevention"])
def test_joint_social_problems_committee_and_its_topics(kg: KnowledgeGraph, topic: str) -> None:
    assert ask_in_seed(kg, f"""?body a kjo:JointBody ;
                               dcterms:subject topic:{topic} .
                               event:2026-01-13-nara-summit kjo:refersTo ?body .""")


def test_joint_response_to_fraud_and_transnational_crime(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """?c a kjo:Commitment ; kjo:agreedAt event:2026-01-13-nara-summit ;
                              dcterms:subject topic:fraud , topic:transnational-crime .""")


def test_japan_joins_the_body_led_by_koreas_national_police_agency(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """?body a kjo:JointBody ;
                                  kjo:ledBy organization:korean-national-police-agency ;
                                  org:hasMembership [ org:member country:jp ; kjo:status kjo:planned ] .
                              organization:korean-national-police-agency kjo:ofCountry country:kr .""")


def test_agreement_to_be_signed(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """?a a kjo:Agreement ; kjo:status kjo:planned ;
                              kjo:agreedAt event:2026-01-13-nara-summit ;
                              kjo:party country:kr , country:jp .""")


@pytest.mark.parametrize("topic", ["youth-exchange", "entry-simplification", "study-trips",
                                   "qualification-recognition"])
def test_each_proposal_on_people_to_people_exchange(kg: KnowledgeGraph, topic: str) -> None:
    assert ask_in_seed(kg, f"""?p a kjo:Proposal ; kjo:status kjo:proposed ;
                               kjo:agreedAt event:2026-01-13-nara-summit ;
                               dcterms:subject topic:{topic} .""")
    assert kg.execute(f"ASK {{ topic:{topic} skos:broader topic:people-to-people-exchange }}")


@pytest.mark.parametrize("topic", ["kr-jp-us-trilateral", "kr-cn-jp-trilateral"])
def test_trilateral_cooperation_positions(kg: KnowledgeGraph, topic: str) -> None:
    assert ask_in_seed(kg, f"""?p a kjo:SharedPosition ; kjo:status kjo:emphasised ;
                               kjo:agreedAt event:2026-01-13-nara-summit ;
                               dcterms:subject topic:{topic} .""")


def test_denuclearisation_peace_and_north_korea_policy(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """?c kjo:status kjo:reaffirmed ; kjo:agreedAt event:2026-01-13-nara-summit ;
                              dcterms:subject topic:denuclearisation , topic:peninsula-peace .""")
    assert ask_in_seed(kg, """?c kjo:status kjo:agreed ; kjo:agreedAt event:2026-01-13-nara-summit ;
                              dcterms:subject topic:north-korea .""")


def test_chosei_disaster_dna_tests_and_working_level_talks(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """event:1942-02-03-chosei-coal-mine-disaster a kjo:Disaster ;
                              schema:startDate "1942"^^xsd:gYear ; kjo:place place:ube .""")
    assert ask_in_seed(kg, """?c kjo:agreedAt event:2026-01-13-nara-summit ;
                              dcterms:subject topic:remains-identification .""")
    assert ask_in_seed(kg, """?c kjo:agreedAt event:2026-01-13-nara-summit ;
                              dcterms:subject topic:chosei-coal-mine-disaster , topic:talks-between-authorities .""")
    assert kg.execute("ASK { place:ube schema:containedInPlace+ country:jp }")


def test_sixty_years_since_1965_and_the_next_sixty(kg: KnowledgeGraph) -> None:
    assert ask_in_seed(kg, """event:2026-01-13-nara-summit dcterms:subject topic:normalisation ;
                              schema:description ?d . FILTER(CONTAINS(?d, "60"))""")


def test_every_seed_entity_has_labels_in_four_languages(kg: KnowledgeGraph) -> None:
    rows = kg.rows(f"""
        SELECT DISTINCT ?s (GROUP_CONCAT(DISTINCT LANG(?l); separator=" ") AS ?langs) WHERE {{
          GRAPH <{SEED_GRAPH}> {{ ?s dcterms:source <{SEED}> }}
          ?s rdfs:label ?l .
        }} GROUP BY ?s""")
    assert len(rows) >= 30
    for row in rows:
        langs = set(row["langs"].value.split())
        assert {"en", "ko", "ja", "de"} <= langs, (row["s"].value, langs)


def test_the_seed_text_itself_is_in_the_graph(kg: KnowledgeGraph) -> None:
    rows = kg.rows(f"SELECT ?text WHERE {{ <{SEED}> schema:text ?text }}")
    assert "Nara" in rows[0]["text"].value and rows[0]["text"].language == "de"
