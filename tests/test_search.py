"""A researcher searches for what they type: names in any language and script, romanised loosely,
years and days; entities first, the list's cut said.

Expectations come from the graph (labels, dates and classes read with SPARQL), not from lists
typed here: "the person labelled X", "every event dated in 1998".
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kjgraph.query import KnowledgeGraph
from kjgraph.search import CATEGORIES, TIERS, Entry, SearchIndex, category_of, fold, match_key, words

ID = "https://w3id.org/kjgraph/id/"


@pytest.fixture(scope="module")
def index(built_store) -> SearchIndex:
    return SearchIndex.from_store(built_store.open())


def _person(kg: KnowledgeGraph, slug: str, lang: str = "en") -> str:
    rows = kg.rows(f'SELECT ?l WHERE {{ <{ID}person/{slug}> rdfs:label ?l FILTER(LANG(?l) = "{lang}") }}')
    return rows[0]["l"].value  # type: ignore[index,union-attr]


# ------------------------------------------------------------------ the examples

@pytest.mark.parametrize(("query", "slug"), [
    ("Lee Jae-myung", "lee-jae-myung"), ("Lee Jae myung", "lee-jae-myung"), ("lee jaemyung", "lee-jae-myung"),
    ("LEE JAE-MYUNG", "lee-jae-myung"), ("이재명", "lee-jae-myung"), ("李在明", "lee-jae-myung"),
    ("Shinzo Abe", "shinzo-abe"), ("Shinzō Abe", "shinzo-abe"), ("shinzo-abe", "shinzo-abe"),
    ("Abe Shinzo", "shinzo-abe"), ("Ａｂｅ Ｓｈｉｎｚｏ", "shinzo-abe"), ("安倍晋三", "shinzo-abe"),
    ("아베 신조", "shinzo-abe"), ("아베신조", "shinzo-abe"),
    ("Kim Daejung", "kim-dae-jung"), ("Kim Dae jung", "kim-dae-jung"), ("kimdaejung", "kim-dae-jung"),
    ("김대중", "kim-dae-jung"), ("金大中", "kim-dae-jung"),
    ("Taro Aso", "taro-aso"), ("Tarō Asō", "taro-aso"), ("Keizo Obuchi", "keizo-obuchi"),
])
def test_a_leader_typed_loosely_comes_first(index: SearchIndex, query: str, slug: str) -> None:
    results = index.search(query)
    assert results.hits, query
    assert results.hits[0].iri == f"{ID}person/{slug}", [h.label for h in results.hits[:5]]
    assert results.hits[0].tier in ("exact", "words")


def test_a_surname_finds_the_person_before_the_meetings_named_after_them(index: SearchIndex, kg) -> None:
    hits = index.search("Abe").hits
    assert hits[0].iri == f"{ID}person/shinzo-abe"
    assert hits[0].tier == "word-prefix"
    # the ontology term for an office holder is labelled "Amtsinhaber" in German: not a hit for "Abe"
    holder = kg.rows('SELECT ?l WHERE { kjo:holder rdfs:label ?l FILTER(LANG(?l) = "de") }')
    assert "abe" in holder[0]["l"].value.lower()  # type: ignore[index,union-attr]
    assert all(h.category != "vocabulary" for h in index.search("Abe", limit=1000).hits)
    # a German reader looking for the word itself finds the term
    assert index.search("Amtsinhaber", lang="de").hits[0].iri.endswith("ontology#holder")
    assert not index.search("Amtsinhaber", lang="en").hits


def test_a_year_finds_that_years_events_first(index: SearchIndex, kg: KnowledgeGraph) -> None:
    dated = {r["x"].value for r in kg.rows(  # type: ignore[union-attr]
        """SELECT DISTINCT ?x WHERE { ?x a kjo:Event ; kjo:earliestDate ?d ; rdfs:label ?l
             FILTER(STRSTARTS(STR(?d), "1998")) }""")}
    assert len(dated) >= 5
    results = index.search("1998", limit=200)
    date_hits = [h for h in results.hits if h.tier == "date"]
    assert dated <= {h.iri for h in date_hits}
    assert results.hits[:len(date_hits)] == date_hits  # the period's entities lead
    assert all(h.category == "entity" for h in date_hits)
    # in date order within a kind; no source graph before an entity
    first_graph = next(i for i, h in enumerate(results.hits) if h.category in ("source", "graph"))
    assert all(h.category not in ("entity",) for h in results.hits[first_graph:])


def test_a_day_finds_the_meetings_of_that_day(index: SearchIndex, kg: KnowledgeGraph) -> None:
    nara = f"{ID}event/2026-01-13-nara-summit"
    assert kg.execute(f"ASK {{ <{nara}> a kjo:Summit }}")
    hits = index.search("2026-01-13").hits
    assert nara in {h.iri for h in hits if h.tier == "date"}
    assert all(h.tier != "date" for h in index.search("2026-02-30"))  # no such day


@pytest.mark.parametrize("lang", ["en", "ko", "ja", "de"])
def test_results_are_labelled_in_the_readers_language(index: SearchIndex, kg: KnowledgeGraph, lang: str) -> None:
    hit = index.search("Lee Jae-myung", lang=lang).hits[0]
    assert hit.label == _person(kg, "lee-jae-myung", lang)
    if lang == "ko":
        assert hit.label == "이재명"  # Hangul, not the ko-Hani 李在明


def test_entities_come_before_sources_and_graphs(index: SearchIndex) -> None:
    for query in ("Lee Jae-myung", "Kim Dae-jung", "Nara", "Dokdo", "summit", "1965"):
        hits = index.search(query, limit=10_000).hits
        ranks = [CATEGORIES.index(h.category) for h in hits if h.tier != "exact" or h.category in
                 ("source", "graph", "detail")]
        assert ranks == sorted(ranks), query
        # exact matches lead (an ontology term named exactly so, e.g. the class Summit), then entities
        assert next(h for h in hits if h.tier != "exact").category == "entity", query


def test_tiers_are_in_order_within_a_group(index: SearchIndex) -> None:
    order = {"exact": 0, "words": 1, "date": 2, "prefix": 3, "word-prefix": 3, "substring": 5}
    for query in ("Seoul", "Kim", "정상", "会談", "treaty"):
        hits = index.search(query, limit=10_000).hits
        for category in CATEGORIES:
            tiers = [order[h.tier] for h in hits if h.category == category and h.tier != "exact"]
            assert tiers == sorted(tiers), (query, category)


def test_the_cut_is_said(index: SearchIndex) -> None:
    results = index.search("summit", limit=10)
    assert len(results.hits) == 10 and results.total > 10 and results.truncated
    everything = index.search("summit", limit=100_000)
    assert everything.total == results.total == len(everything.hits) and not everything.truncated
    assert results.hits == everything.hits[:10]


def test_nothing_and_blank(index: SearchIndex) -> None:
    assert index.search("   ").hits == [] and index.search("—–-").total == 0
    assert index.search("zzqqxx").total == 0


# ------------------------------------------------------------------ folding, property-based

def test_fold_keeps_what_distinguishes_japanese_and_korean() -> None:
    assert fold("ガ") != fold("カ") and fold("ｶﾞ") == "ガ"
    assert fold("パ") != fold("ハ")
    assert fold("이재명") == "이재명" and unicodedata.is_normalized("NFC", fold("이재명"))
    assert match_key("Ōhira Masayoshi") == "ohiramasayoshi"
    assert words("Dokdo/Takeshima") == ["dokdo", "takeshima"]


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_folding_is_idempotent_and_ignores_case_width_and_separators(text: str) -> None:
    assert match_key(match_key(text)) == match_key(text)
    assert match_key(text.upper()) == match_key(text.lower()) or not text.isascii()
    assert match_key(" - ".join(text.split())) == match_key(text)
    assert match_key(unicodedata.normalize("NFKC", text)) == match_key(text)


@given(st.lists(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8),
                min_size=1, max_size=4))
@settings(max_examples=200, deadline=None)
def test_any_label_is_found_by_itself_first(parts: list[str]) -> None:
    label = " ".join(parts)
    if not match_key(label):
        return
    others = [Entry(f"{ID}x/{i}", ((f"{label} {i}", "en"),)) for i in range(3)]
    index = SearchIndex([*others, Entry(f"{ID}x/target", ((label, "en"),))])
    hits = index.search(label).hits
    exact = [h for h in hits if h.tier == "exact"]
    assert f"{ID}x/target" in {h.iri for h in exact} and hits[0].tier == "exact"
    assert {h.iri for h in hits} >= {e.iri for e in others} or len(match_key(label)) == 0


def test_category_of() -> None:
    assert category_of(f"{ID}person/lee-jae-myung") == "entity"
    assert category_of(f"{ID}tenure/x", ["https://w3id.org/kjgraph/ontology#Tenure"]) == "detail"
    assert category_of("https://w3id.org/kjgraph/graph/source/x") == "graph"
    assert category_of(f"{ID}publisher/kyodo") == "source"
    assert set(TIERS) == {"exact", "words", "date", "prefix", "word-prefix", "substring"}
