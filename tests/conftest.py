"""Shared fixtures: a graph built once per session into a temporary store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
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
