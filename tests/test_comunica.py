"""A capped result is never silently partial: Comunica (@comunica/query-sparql, pinned in
tests/js/package-lock.json and installed by .ci/setup with `npm ci`) queries `kjgraph serve`.

Comunica pushes a whole query to a single SPARQL source, and fetches triple patterns when it
federates. With the server's --result-limit below the store's size, Comunica's COUNT over the
endpoint still equals the store's count, and a fetch over the cap is an error in Comunica —
never a count of the first rows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kjgraph.build import build
from kjgraph.store import StoreLocation
from tests.http_servers import FIXTURES, Served, serving

pytestmark = [pytest.mark.server, pytest.mark.slow]

JS = Path(__file__).parent / "js"
CAP = 100
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def comunica(query: str, *endpoints: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        message = "Comunica is not installed (apt-get install nodejs npm; cd tests/js && npm ci); .ci/setup does"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run([node, str(JS / "comunica.js"), query, *endpoints], capture_output=True, text=True,
                          timeout=300, cwd=JS)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    location = StoreLocation(tmp_path_factory.mktemp("comunica-store"))
    build(location, data=FIXTURES / "minimal", progress=False)
    return location


@pytest.fixture(scope="module")
def triples(store: StoreLocation) -> int:
    s = ox.Store.read_only(str(store.oxigraph_path()))
    count = int(next(iter(s.query(COUNT_ALL)))["n"].value)
    del s
    assert count > CAP  # a server that cut results at the cap would be caught
    return count


@pytest.fixture(scope="module")
def capped(store: StoreLocation) -> Iterator[Served]:
    with serving(store.root, "--result-limit", str(CAP), "--workers", "2") as served:
        yield served


def rows(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_comunica_counts_every_triple_through_a_capped_endpoint(capped: Served, triples: int) -> None:
    answer = rows(comunica(COUNT_ALL, capped.base + "sparql"))
    assert answer == [{"n": str(triples)}]


def test_a_fetch_over_the_cap_is_an_error_in_comunica(capped: Served) -> None:
    result = comunica("SELECT * WHERE { ?s ?p ?o }", capped.base + "sparql")
    assert result.returncode == 1 and "400" in result.stderr
    assert result.stdout == ""  # not one row: no partial result


def test_a_federated_count_over_the_cap_is_an_error_not_a_partial_count(capped: Served) -> None:
    # Two addresses of the same endpoint: Comunica federates and fetches the triple pattern itself.
    other = capped.base.replace("127.0.0.1", "localhost")
    result = comunica(COUNT_ALL, capped.base + "sparql", other + "sparql")
    assert result.returncode == 1 and "400" in result.stderr, result.stdout


def test_a_federated_count_under_the_cap_is_exact(store: StoreLocation, triples: int) -> None:
    with serving(store.root, "--result-limit", str(triples), "--workers", "2") as served:
        other = served.base.replace("127.0.0.1", "localhost")
        answer = rows(comunica(COUNT_ALL, served.base + "sparql", other + "sparql"))
    assert answer == [{"n": str(2 * triples)}]  # each source's triples, counted once per source
