"""People browsing `kjgraph serve` in headless Chromium: pages work, links resolve, nothing
is loaded from anywhere but 127.0.0.1, and the query page runs a query."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests

from tests.test_serve import served_store, server  # noqa: F401 - module fixtures reused


def visit(browser, url: str, action=None) -> tuple[object, list[str], list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    hosts: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.append(urlparse(r.url).hostname or r.url))
    page.goto(url)
    if action:
        action(page)
    return page, errors, hosts


@pytest.mark.slow
@pytest.mark.parametrize("path", ["", "doc/id/person/lee-jae-myung.html", "search?q=lee", "classes"])
def test_pages_render_without_errors_and_links_resolve(browser, server: str, path: str) -> None:  # noqa: F811
    page, errors, hosts = visit(browser, server + path)
    assert not errors, errors
    assert set(hosts) == {"127.0.0.1"}, hosts
    links = {a for a in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
             if a.startswith(server)}
    assert links
    for link in sorted(links)[:40]:
        assert requests.get(link, timeout=10).status_code == 200, link
    page.close()


@pytest.mark.slow
def test_query_page_runs_a_library_query(browser, server: str) -> None:  # noqa: F811
    def run(page) -> None:
        page.select_option("#examples", "leaders")
        assert "kjo:Tenure" in page.input_value("#query")
        page.click("#run")
        page.wait_for_selector("#results table", timeout=10_000)

    page, errors, hosts = visit(browser, server + "query", run)
    assert not errors, errors
    assert set(hosts) == {"127.0.0.1"}
    assert "Lee Jae-myung" in page.inner_text("#results")
    assert "row(s)" in page.inner_text("#status")
    page.close()
