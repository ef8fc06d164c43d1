"""A historian reads `kjgraph serve` in Chromium: resource pages lead with the facts, the home page
with the domain, the interface speaks the reader's language, search finds what people type and the
query page runs the library's examples. Expectations come from the graph (SPARQL) and the
catalogues, never frozen. Screenshots land next to the renderings' (tests/conftest.py `shots`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from kjgraph.i18n import gettext
from kjgraph.query import KnowledgeGraph, plain
from kjgraph.store import StoreLocation
from tests.servers import KjgraphServer, running

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

ID = "https://w3id.org/kjgraph/id/"
NARA = f"{ID}event/2026-01-13-nara-summit"
LEE = f"{ID}person/lee-jae-myung"


@pytest.fixture(scope="module")
def server(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(KjgraphServer(workdir=tmp_path_factory.mktemp("serve"), store=built_store.root)) as s:
        yield s.base + "/"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    p = browser.new_page(viewport={"width": 1280, "height": 900})
    p.errors = []  # type: ignore[attr-defined]
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    p.close()


def top_of(page: Any, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().top + window.scrollY")


def test_the_nara_summit_page_leads_with_date_place_and_attendees(server: str, page: Any, kg: KnowledgeGraph,
                                                                  shots: Path) -> None:
    page.goto(server + "id/event/2026-01-13-nara-summit")
    shot = shots / "page-nara-summit.png"
    page.screenshot(path=str(shot))
    card = page.locator("dl.card")
    date = plain(kg.rows(f"SELECT ?d WHERE {{ <{NARA}> schema:startDate ?d }}")[0]["d"])
    place = kg.labels([f"{ID}place/nara"], "en")[f"{ID}place/nara"]
    attendees = [kg.labels([p], "en")[p] for p in (plain(r["p"]) for r in kg.rows(
        f"SELECT ?p WHERE {{ <{NARA}> kjo:participation/kjo:participant ?p }}"))]
    assert len(attendees) >= 2
    for text in (date, place, *attendees):
        element = card.get_by_text(text, exact=True).first
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, (text, box)
    # every fact of the card carries a source marker, and each source is listed once, numbered
    markers = page.eval_on_selector_all("dl.card sup.cite a", "els => els.map(e => e.getAttribute('href'))")
    listed = page.eval_on_selector_all("ol.sources li", "els => els.map(e => e.id)")
    assert markers and set(markers) <= {f"#{i}" for i in listed}
    assert len(listed) == len(set(listed))
    sources = page.eval_on_selector_all("ol.sources li > :first-child", "els => els.map(e => e.href || e.title)")
    assert len(sources) == len(listed) == len(set(sources))  # each source once
    # the page is much shorter than a dump of statements; the statements are one click away
    assert page.evaluate("document.body.scrollHeight") < 9000
    assert page.locator("details.statements").count() == 1
    assert page.errors == []


def test_the_json_ld_describes_the_whole_resource(server: str, page: Any, kg: KnowledgeGraph) -> None:
    page.goto(server + "doc/id/event/2026-01-13-nara-summit.html")
    blob = page.eval_on_selector('script[type="application/ld+json"]', "e => e.textContent")
    parsed = list(ox.parse(blob.encode(), format=ox.RdfFormat.JSON_LD))
    total = int(plain(kg.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{NARA}> ?p ?o }}")[0]["n"]))
    assert total > 100 and len(parsed) == total


def test_a_korean_reader_gets_the_interface_and_names_in_korean(server: str, browser: Any, kg: KnowledgeGraph,
                                                                shots: Path) -> None:
    korean = kg.labels([LEE], "ko")[LEE]
    assert korean == "이재명"
    for url, headers in ((server + "id/person/lee-jae-myung?lang=ko", {}),
                         (server + "id/person/lee-jae-myung", {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})):
        context = browser.new_context(extra_http_headers=headers, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        assert page.inner_text("h1") == korean
        assert page.evaluate("document.documentElement.lang") == "ko"
        text = page.inner_text("body")
        for message in ("Offices and terms", "Meetings and calls with counterparts", "Sources", "Browse",
                        "Timeline"):
            assert gettext(message, "ko") in text, message
        assert "李在明" not in page.inner_text("h1")
        if not headers:
            page.screenshot(path=str(shots / "page-lee-jae-myung-ko.png"))
        context.close()
    # English stays the default; German by Accept-Language
    english = requests.get(server + "doc/id/person/lee-jae-myung.html", timeout=30).text
    assert re.search(r"<h1[^>]*>Lee Jae-myung</h1>", english) and gettext("Offices and terms", "en") in english
    german = requests.get(server + "doc/id/person/lee-jae-myung.html", headers={"Accept-Language": "de"},
                          timeout=30).text
    assert gettext("Offices and terms", "de") in german


def test_the_home_page_leads_with_the_domain(server: str, page: Any, kg: KnowledgeGraph, shots: Path) -> None:
    page.goto(server)
    page.screenshot(path=str(shots / "page-home.png"))
    headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
    assert headings[:5] == [gettext(h, "en") for h in ("Events by kind", "Leaders", "Agreements", "Topics",
                                                        "Places")]
    summits = int(plain(kg.rows("SELECT (COUNT(?e) AS ?n) WHERE { ?e a kjo:Summit }")[0]["n"]))
    events = page.inner_text("section:has(h2) ul.counts")
    assert re.search(rf"summit\s+{summits}\b", events)
    assert "prov:" not in page.inner_text("main") and "Entity" not in events
    leaders = {plain(r["p"]) for r in kg.rows("SELECT DISTINCT ?p WHERE { ?t kjo:holder ?p ; kjo:office ?o . "
                                              "?o a kjo:LeaderOffice }")}
    linked = set(page.eval_on_selector_all("table.leaders a", "els => els.map(e => e.href)"))
    assert len(linked) == len(leaders)


def test_browse_shows_every_class_by_its_label(server: str, page: Any) -> None:
    page.goto(server + "classes?lang=ja")
    names = page.eval_on_selector_all("table.classes td:first-child a", "els => els.map(e => e.textContent)")
    assert len(names) > 40
    assert not [n for n in names if re.match(r"^(https?:|[a-z]+:)", n)]  # never an IRI or a CURIE as a name
    assert gettext("The record", "ja") == page.inner_text("h2 >> nth=0")
    assert "首脳会談" in names


def test_search_finds_what_people_type(server: str, page: Any, kg: KnowledgeGraph) -> None:
    for query, first in (("Lee Jae myung", LEE), ("Shinzō Abe", f"{ID}person/shinzo-abe"),
                         ("Kim Daejung", f"{ID}person/kim-dae-jung"), ("이재명", LEE)):
        page.goto(server + f"search?q={query}")
        assert page.locator("ol.results li a").first.get_attribute("href").endswith(first.removeprefix(ID)), query
    page.goto(server + "search?q=1998&limit=10")
    summary = page.inner_text("#summary")
    assert "10" in summary and gettext("Show more", "en") in summary  # the cut is said
    events_1998 = {plain(r["e"]) for r in kg.rows('SELECT DISTINCT ?e WHERE { ?e a kjo:LeadersMeeting ; '
                                                  'kjo:earliestDate ?d FILTER(STRSTARTS(STR(?d), "1998")) }')}
    hrefs = page.eval_on_selector_all("ol.results li a", "els => els.map(e => e.href)")
    assert events_1998 and all(any(h.endswith(e.removeprefix(ID)) for h in hrefs) for e in events_1998)
    as_json = requests.get(server + "search", params={"q": "Abe"}, headers={"Accept": "application/json"},
                           timeout=30)
    hits = as_json.json()
    assert hits[0]["iri"] == f"{ID}person/shinzo-abe" and int(as_json.headers["x-result-total"]) >= len(hits)
    assert not any(h["iri"].endswith("ontology#holder") for h in hits)


def test_the_query_page_fills_example_values_and_clears_old_results(server: str, page: Any) -> None:
    page.goto(server + "query")
    page.select_option("#examples", "leader-on-date")
    text = page.input_value("#query")
    assert re.search(r'VALUES \(\?date[^)]*\) \{ \("\d{4}-\d{2}-\d{2}"\^\^', text), text
    assert "date = " in page.inner_text("#example-note")
    page.click("#run")
    page.wait_for_selector("#results table")
    rows = page.locator("#results table tr").count() - 1
    assert rows >= 2  # both countries' leaders on that day
    page.fill("#query", "SELECT * WHERE { this is not SPARQL }")
    page.click("#run")
    page.wait_for_selector("#error:not(:empty)")  # (a selector: the page's CSP forbids the eval of wait_for_function)
    assert page.locator("#results table").count() == 0 and page.inner_text("#results") == ""
    assert page.errors == []


def test_views_are_reachable_from_the_pages(server: str, page: Any) -> None:
    page.goto(server + "timeline")
    frame = page.frame_locator("iframe.view")
    frame.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    page.goto(server + "leaders?lang=de")
    frame = page.frame_locator("iframe.view")
    frame.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    assert gettext("Leaders' meetings", "de") in frame.locator("#kj-legend").inner_text()
    assert json.loads(json.dumps(page.errors)) == []
