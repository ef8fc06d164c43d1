"""`kjgraph push`: copy the built graph to another SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kjgraph.options import (
    connection_settings,
    endpoint_options,
    store_option,
)
from kjgraph.remote import LAYOUTS, UNION_GRAPH, Layout
from kjgraph.store import StoreLocation

# ---------------------------------------------------------------- push

@click.command("push")
@endpoint_options
@click.option("--update-endpoint", metavar="URL", help="SPARQL 1.1 Update endpoint.")
@click.option("--store-endpoint", metavar="URL", help="SPARQL 1.1 Graph Store Protocol endpoint (preferred).")
@click.option("--graph", "union_graph", default=UNION_GRAPH, show_default=True, metavar="IRI",
              help="Named graph for the union of all graphs (layout union-graph).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="union-graph", show_default=True,
              help="union-graph: the union in its own named graph, named by every query; "
                   "default: the union in the server's default graph.")
@click.option("--batch-size", type=click.IntRange(1), default=5000, show_default=True,
              help="Triples per request.")
@click.option("--keep-stale", is_flag=True, help="Keep kjgraph graphs the store no longer has.")
@store_option
def push_command(endpoint: str | None, update_endpoint: str | None, store_endpoint: str | None,
                 union_graph: str, layout: Layout, batch_size: int, keep_stale: bool, store: Path | None) -> None:
    """Upload the built graph to a SPARQL server (idempotent; a rerun completes a broken push).

    Every named graph keeps its IRI; the union goes into --graph (or the server's default
    graph with --layout default). Needs --store-endpoint or --update-endpoint.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kjgraph.remote import RemoteGraph

    if not endpoint:
        raise click.UsageError("push needs --endpoint QUERY_URL")
    source = StoreLocation(store)
    source.build_dir()  # a clear error before any request when nothing is built
    settings = connection_settings()
    del settings["endpoint"]  # the command's own, given above
    graph = RemoteGraph(endpoint, update_endpoint=update_endpoint, store_endpoint=store_endpoint,
                        union_graph=union_graph, layout=layout, **settings)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("pushing", total=None)
        report = graph.push(source, batch_size=batch_size, layout=layout, prune=not keep_stale,
                            on_batch=lambda n: progress.update(task, completed=n))
    click.echo(f"pushed {report.triples} triples in {report.graphs} graphs with {report.requests} requests "
               f"in {report.seconds:.1f} s to {store_endpoint or update_endpoint}")
    if report.dropped:
        click.echo(f"dropped {len(report.dropped)} stale graph(s): {', '.join(report.dropped)}")
