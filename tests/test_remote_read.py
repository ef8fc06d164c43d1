"""A research group reads its graph from a SPARQL server: render, analyze and plot with --endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kjgraph.store import StoreLocation

from .conftest import run_cli
from .servers import KjgraphServer, Server, running


@pytest.fixture(scope="module")
def endpoint(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kjgraph serve` on the built store: a real SPARQL 1.1 endpoint whose default graph is the union."""
    server: Server = KjgraphServer(tmp_path_factory.mktemp("endpoint"), store=built_store.root)
    with running(server) as live:
        yield live.query_url


def both(built_store: StoreLocation, endpoint: str, *args: str) -> tuple[str, str]:
    local = run_cli(*args, "--store", str(built_store.root), check=True).stdout
    remote = run_cli(*args, "--endpoint", endpoint, check=True).stdout
    return local, remote


def test_render_reads_from_an_endpoint(built_store: StoreLocation, endpoint: str, tmp_path: Path) -> None:
    local, remote = both(built_store, endpoint, "render", "meetings", "-o", str(tmp_path / "m.html"))
    # "wrote FILE: N nodes, M edges" — the same view from either source.
    assert local.split(":", 1)[1] == remote.split(":", 1)[1]
    assert "nodes" in remote


def test_analyze_reads_from_an_endpoint(built_store: StoreLocation, endpoint: str) -> None:
    local, remote = both(built_store, endpoint, "analyze", "centrality", "--graph", "leaders", "--top", "5")
    assert local == remote
    assert len(remote.splitlines()) >= 5  # a header and the five most central leaders


def test_plot_reads_from_an_endpoint(built_store: StoreLocation, endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "timeline.png"
    run_cli("plot", "timeline", "-o", str(out), "--endpoint", endpoint, check=True)
    assert out.stat().st_size > 20_000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
