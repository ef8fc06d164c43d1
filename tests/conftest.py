"""Shared fixtures: a graph built once per session into a temporary store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kjgraph.build import build
from kjgraph.query import KnowledgeGraph
from kjgraph.store import StoreLocation

TESTS = Path(__file__).parent
FIXTURES = TESTS / "data"


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
