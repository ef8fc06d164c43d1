"""Uploading a built store to a SPARQL server, idempotently.

Each graph is replaced (Graph Store Protocol ``PUT``, or SPARQL Update ``CLEAR`` +
``INSERT DATA`` where a server has no Graph Store endpoint), large graphs in batches after
the first; a rerun after an interruption completes the upload. Blank nodes only keep their
identity within one request, so every triple with a blank node travels in a graph's first
batch. The catalogue of graphs is written last (it lists complete pushes only), then the
graphs an earlier push left and the store no longer has are dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kjgraph.errors import RemoteError
from kjgraph.remote.layout import GRAPH_BASE, HAS_PART, Layout
from kjgraph.store import StoreLocation

if TYPE_CHECKING:
    from kjgraph.remote.graph import RemoteGraph

@dataclass
class PushReport:
    """What a push did: graphs and triples sent, requests made, stale graphs dropped."""

    graphs: int = 0
    triples: int = 0
    requests: int = 0
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class StaleGraphsKept(RemoteError):
    """A push uploaded everything, but stale graphs it meant to drop are still on the server.

    ``report`` is what the push did (``dropped`` lists only the graphs really gone; one the
    server no longer had counts), ``failed`` each graph kept with its error.
    """

    def __init__(self, report: PushReport, failed: list[tuple[str, RemoteError]]):
        self.report = report
        self.failed = failed
        first = failed[0][1]
        super().__init__(first.endpoint, (
            f"pushed {report.graphs} graphs, but could not drop {len(failed)} stale graph(s) "
            f"({', '.join(g for g, _ in failed)}): {first.problem}; they are still on the server "
            "(push again, or pass --keep-stale)"), status=first.status, transient=False)


#: A graph of the store and where it goes on the server (``None``: the server's default graph).
Target = tuple[ox.NamedNode | ox.DefaultGraph, str | None]


def push(remote: RemoteGraph, source: StoreLocation | ox.Store, *, batch_size: int = 5000,
         layout: Layout = "union-graph", prune: bool = True,
         on_batch: Callable[[int], None] | None = None) -> PushReport:
    """Upload ``source`` to ``remote`` (see :meth:`kjgraph.remote.RemoteGraph.push`).

    Raises :class:`RemoteError` before sending anything if the server cannot take it
    (no endpoint to write to, a graph named by a blank node or outside :data:`GRAPH_BASE`),
    and :class:`StaleGraphsKept` when everything was uploaded but stale graphs remain.
    """
    if not (remote.store_endpoint or remote.update_endpoint):
        raise RemoteError(remote.endpoint, "pushing needs --store-endpoint (Graph Store Protocol) "
                                           "or --update-endpoint (SPARQL Update)")
    if batch_size < 1:
        raise RemoteError(remote.endpoint, f"batch size must be at least 1, got {batch_size}")
    store = source if isinstance(source, ox.Store) else source.open()
    started = time.perf_counter()
    targets = _targets(remote, store, layout)
    report = _upload(remote, store, targets, batch_size, on_batch)
    previous = remote.named_graphs() if prune else []
    keep = [graph.value for graph, _ in targets if isinstance(graph, ox.NamedNode)]
    if layout == "union-graph":  # written last: it lists complete pushes only
        catalogue = "".join(f"<{remote.catalog_graph}> <{HAS_PART}> <{g}> .\n" for g in keep)
        send_batch(remote, remote.catalog_graph, catalogue, replace=True)
        report.requests += 1
    failed = _prune(remote, report, previous, keep, layout) if prune else []
    report.seconds = time.perf_counter() - started
    if failed:
        raise StaleGraphsKept(report, failed)
    return report


def _targets(remote: RemoteGraph, store: ox.Store, layout: Layout) -> list[Target]:
    """Every graph of ``store`` with its IRI on the server, the union last; refuses what cannot go."""
    names = list(store.named_graphs())
    graphs = sorted((g for g in names if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    if len(graphs) != len(names):  # the server could not name it: it would be lost
        raise RemoteError(remote.endpoint, "cannot push a graph named by a blank node; name every graph by an IRI")
    targets: list[Target] = [(g, g.value) for g in graphs]
    targets.append((ox.DefaultGraph(), remote.union_graph if layout == "union-graph" else None))
    for _, target in targets:
        if target is not None and not target.startswith(GRAPH_BASE):
            raise RemoteError(remote.endpoint, f"refusing to push graph {target}: not under {GRAPH_BASE}")
    return targets


def _upload(remote: RemoteGraph, store: ox.Store, targets: list[Target], batch_size: int,
            on_batch: Callable[[int], None] | None) -> PushReport:
    """Send each target graph in batches, the first replacing what the server had."""
    report = PushReport()
    for graph, target in targets:
        for index, batch in enumerate(batches(store, graph, batch_size)):
            send_batch(remote, target, batch, replace=index == 0)
            report.triples += batch.count("\n")
            report.requests += 1
            if on_batch:
                on_batch(report.requests)
        report.graphs += 1
    return report


def _prune(remote: RemoteGraph, report: PushReport, previous: list[str], keep: list[str],
           layout: Layout) -> list[tuple[str, RemoteError]]:
    """Drop the graphs of an earlier push the store no longer has; the ones that could not be dropped."""
    stale = [g for g in previous if g not in set(keep)]
    if layout == "default":  # left by an earlier push in the other layout
        stale += [remote.union_graph, remote.catalog_graph]
    failed: list[tuple[str, RemoteError]] = []
    for name in stale:
        try:
            drop(remote, name)
        except RemoteError as exc:
            failed.append((name, exc))
        else:
            report.dropped.append(name)
    return failed


def send_batch(remote: RemoteGraph, graph: str | None, ntriples: str, *, replace: bool) -> None:
    """Replace (first batch) or extend a graph; ``None`` is the server's default graph."""
    if remote.store_endpoint:
        params = {"graph": graph} if graph else {"default": ""}
        remote.transport.http("PUT" if replace else "POST", remote.store_endpoint, params=params,
                              data=ntriples.encode(), headers={"Content-Type": "application/n-triples"})
        return
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    data = f"GRAPH <{graph}> {{\n{ntriples}}}" if graph else ntriples
    clear = f"CLEAR SILENT {target} ;\n" if replace else ""
    remote.update(f"{clear}INSERT DATA {{\n{data}}}")


def drop(remote: RemoteGraph, graph: str) -> None:
    """Delete a graph from the server; one already gone (HTTP 404) counts as dropped.

    Raises :class:`RemoteError` for any other failure, a graph still there included.
    """
    if remote.store_endpoint:
        try:
            remote.transport.http("DELETE", remote.store_endpoint, params={"graph": graph})
        except RemoteError as exc:
            if exc.status != 404:
                raise
        return
    # SILENT lets a graph already gone count as dropped, as 404 above; but it hides every
    # other failure too, so the server is asked afterwards whether the graph is gone.
    remote.update(f"DROP SILENT GRAPH <{graph}>")
    if remote.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
        raise RemoteError(remote.update_endpoint or remote.endpoint,
                          f"DROP SILENT GRAPH <{graph}> succeeded, but the graph is still there")


def batches(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, size: int) -> Iterator[str]:
    """A graph's triples as N-Triples documents of at most ``size`` triples.

    Triples with a blank node all go into the first batch (a blank node label only
    names the same node within one request); an empty graph yields one empty batch,
    so that replacing it still clears the target.
    """
    quads = list(store.quads_for_pattern(None, None, None, graph))
    quads.sort(key=lambda q: not (isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)))
    lines = [f"{q.triple} .\n" for q in quads]
    first = max(size, sum(1 for q in quads if isinstance(q.subject, ox.BlankNode)
                          or isinstance(q.object, ox.BlankNode)))
    yield "".join(lines[:first])
    for start in range(first, len(lines), size):
        yield "".join(lines[start:start + size])
