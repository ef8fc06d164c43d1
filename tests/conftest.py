"""Shared fixtures: a graph built once per session into a temporary store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kjgraph.build import build
from kjgraph.query import KnowledgeGraph
from kjgraph.store import StoreLocation

TESTS = Path(__file__).parent
FIXTURES = TESTS / "data"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; .ci/setup installs it
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (Playwright allows one sync driver per process)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium (.ci/setup does)"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    """The shipped data, built once into a temporary store."""
    location = StoreLocation(tmp_path_factory.mktemp("store"))
    build(location, progress=False)
    return location


#: Fixtures that build a store first: the shipped graph (~40 s on 2 cores), a fixture's (seconds).
BUILDING_FIXTURES = {"built_store", "ledger_store", "crafted_store"}
#: Fixtures that start a server process (kjgraph serve, Oxigraph, Virtuoso …).
SERVING_FIXTURES = {"server", "served_store"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks by what a test needs, so the fast run (``-m "not slow and not browser and not
    server"``, under a minute) leaves out every test that waits for a build or a server."""
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        if needs & BUILDING_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if needs & SERVING_FIXTURES:
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def kg(built_store: StoreLocation) -> KnowledgeGraph:
    return KnowledgeGraph.open(built_store)


@pytest.fixture
def minimal_data(tmp_path: Path) -> Path:
    """A writable copy of the small valid fixture data set."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def run_cli(*args: str, env: dict[str, str] | None = None,
            check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the installed `kjgraph` command line as a user would."""
    result = subprocess.run([sys.executable, "-m", "kjgraph", *args], capture_output=True,
                            text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"kjgraph {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


# ---------------------------------------------------------------- pages in the browser (renderings)

@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $KJGRAPH_SCREENSHOTS if set (kept), else pytest's temporary directory."""
    if os.environ.get("KJGRAPH_SCREENSHOTS"):
        path = Path(os.environ["KJGRAPH_SCREENSHOTS"])
        path.mkdir(parents=True, exist_ok=True)
    else:
        path = tmp_path_factory.mktemp("render-shots")
    print(f"\nscreenshots of the rendered views: {path}")
    return path


@dataclass
class Page:
    page: Any
    errors: list[str]
    requests: list[str]

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def counts(self) -> tuple[int, int]:
        return tuple(self.js("[kjgraph.nodesView.length, kjgraph.edgesView.length]"))


@pytest.fixture
def open_page(browser: Any, shots: Path) -> Iterator[Any]:
    pages: list[Any] = []

    def opener(html: Path, shot: str | None = None) -> Page:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        pages.append(page)
        result = Page(page, [], [])
        page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: result.errors.append(str(e)))
        page.on("request", lambda r: result.requests.append(r.url))
        page.goto(html.resolve().as_uri())
        # A selector, not wait_for_function: the page's CSP forbids the eval the latter needs.
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        if shot:
            page.screenshot(path=str(shots / f"{shot}.png"))
        return result

    yield opener
    for page in pages:
        page.close()


def render(tmp: Path, store: StoreLocation, *args: str) -> Path:
    out = tmp / f"{'-'.join(a.strip('-').replace('/', '_').replace(':', '_') for a in args)[:60] or 'all'}.html"
    run_cli("render", *args, "--store", str(store.root), "-o", str(out), check=True)
    return out


def assert_offline_and_clean(page: Page) -> None:
    assert page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests), page.requests
