"""What a person's browser does with `kjgraph serve` (headless Chromium): IRIs with
javascript:, data: and vbscript: schemes are never links (resource page, query page, the
embedded rendering), nothing runs from them, and the Content-Security-Policy of every page
lets the page's own scripts and its same-origin rendering frame work (no CSP violation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kjgraph.store import StoreLocation
from tests.http_servers import PERSON, UNSAFE_IRIS, Served, awkward_store, serving

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

SAFE = ("http://", "https://", "mailto:")
LINKS = "els => els.map(e => e.getAttribute('href'))"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    location: StoreLocation = awkward_store(tmp_path_factory.mktemp("browser-store"))
    with serving(location.root, "--workers", "2") as server:
        yield server


def open_page(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    """A page with its console errors (CSP violations are reported there) and dialogs."""
    page = browser.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, errors, dialogs


def assert_no_unsafe_links(hrefs: list[str]) -> None:
    for href in hrefs:
        assert href.startswith(("/", "?", "#", *SAFE)), href


def test_unsafe_iris_are_text_on_the_resource_page(browser: Any, served: Served) -> None:
    page, errors, dialogs = open_page(browser, served.base + "doc/id/person/lee-jae-myung.html")
    assert_no_unsafe_links(page.eval_on_selector_all("a[href]", LINKS))
    shown = page.eval_on_selector_all("span.unlinked", "els => els.map(e => e.textContent)")
    for iri in UNSAFE_IRIS:
        assert iri in shown, iri
    page.eval_on_selector_all("details", "els => els.forEach(d => { d.open = true; })")  # the statements
    for element in page.query_selector_all("span.unlinked"):
        element.click()
    page.wait_for_timeout(300)
    assert not dialogs
    # the same-origin neighbourhood frame loads under the page's frame policy and CSP
    frame_element = page.wait_for_selector("iframe.neighbourhood", timeout=10_000)
    frame_element.scroll_into_view_if_needed()
    frame = frame_element.content_frame()
    frame.wait_for_selector("canvas", timeout=60_000)
    assert_no_unsafe_links(frame.eval_on_selector_all("a[href]", LINKS))
    assert not errors, errors
    page.close()


def test_unsafe_iris_are_text_in_query_results(browser: Any, served: Served) -> None:
    page, errors, dialogs = open_page(browser, served.base + "query")
    page.fill("#query", f"SELECT ?o WHERE {{ <{PERSON}> rdfs:seeAlso ?o }}")
    page.click("#run")
    page.wait_for_selector("#results table", timeout=15_000)
    cells = page.eval_on_selector_all("#results td", "els => els.map(e => e.textContent)")
    assert set(UNSAFE_IRIS) <= set(cells)
    assert_no_unsafe_links(page.eval_on_selector_all("#results a[href]", LINKS))
    for cell in page.query_selector_all("#results td"):
        cell.click()
    page.wait_for_timeout(300)
    assert not dialogs and not errors, (dialogs, errors)
    page.close()


@pytest.mark.parametrize("path", ["", "classes", "timeline", "search?q=lee", "ontology.html",
                                  "render?iri=https%3A%2F%2Fw3id.org%2Fkjgraph%2Fid%2Fperson%2Flee-jae-myung"])
def test_pages_run_under_their_csp(browser: Any, served: Served, path: str) -> None:
    page, errors, _dialogs = open_page(browser, served.base + path)
    page.wait_for_load_state("networkidle")
    assert_no_unsafe_links(page.eval_on_selector_all("a[href]", LINKS))
    assert not errors, errors
    page.close()


def test_a_foreign_page_cannot_frame_the_server(browser: Any, served: Served) -> None:
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if m.type == "error" else None)
    page.set_content(f'<iframe id="f" src="{served.base}doc/id/person/lee-jae-myung.html"></iframe>')
    page.wait_for_timeout(2000)
    frame = page.query_selector("#f").content_frame()
    assert frame is None or frame.url in ("about:blank", "chrome-error://chromewebdata/") or \
        not frame.query_selector("h1"), "another origin could frame the page"
    page.close()
