"""The ``kjgraph serve`` and ``kjgraph publish`` commands (registered in :mod:`kjgraph.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from kjgraph.options import lang_option, store_option, store_option_noting


@click.command()
@store_option_noting("; a bare Oxigraph directory works too")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--base-url", default=None,
              help="The server's public root, onto which https://w3id.org/kjgraph/ maps "
                   "(default http://HOST:PORT/).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (1 when updates are enabled).")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a query may run before it is stopped (503).")
@click.option("--max-waiting", default=64, show_default=True, type=click.IntRange(0),
              help="Queries that may wait for a worker; more get 429 with Retry-After.")
@click.option("--max-queue-wait", default=None, type=click.FloatRange(0),
              help="Seconds a query may wait for a worker before it gets 503 with Retry-After "
                   "(default: the time limit).")
@click.option("--reserve-workers", default=1, show_default=True, type=click.IntRange(0),
              help="While more than one client (IP address) is active, idle workers kept for a "
                   "client's only query: a client with another query running or waiting waits until "
                   "more workers are idle, so it runs at most WORKERS minus this many at once (0: none kept).")
@click.option("--result-limit", default=10_000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) per result; a query with more gets 400 naming the limit "
                   "(never a partial result).")
@click.option("--max-query-length", default=32_768, show_default=True, type=click.IntRange(1),
              help="Characters per query or update (413 beyond).")
@click.option("--max-body", default=1_048_576, show_default=True, type=click.IntRange(1),
              help="Bytes per request body (413 beyond).")
@click.option("--update-token", envvar="KJGRAPH_UPDATE_TOKEN", default=None,
              help="Enable SPARQL Update for requests with 'Authorization: Bearer TOKEN' "
                   "(opens the store writable; default: read-only). Also $KJGRAPH_UPDATE_TOKEN.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST[:PORT]",
              help="A host that SPARQL SERVICE (and LOAD, with the update token) may reach; repeat for "
                   "more, '*' for any. Default: none, federated queries are refused (they let a client "
                   "make the server fetch from any address).")
@click.option("--result-cache", default=64, show_default=True, type=click.IntRange(0), metavar="MB",
              help="Megabytes of query answers kept to answer a repeated query without a worker "
                   "(read-only servers; emptied when the server moves to a new build; 0: none).")
def serve(store: Path | None, host: str, port: int, base_url: str | None, workers: int,
          time_limit: float, max_waiting: int, max_queue_wait: float | None, reserve_workers: int,
          result_limit: int, max_query_length: int, max_body: int, update_token: str | None,
          allow_service: tuple[str, ...], result_cache: int) -> None:
    """Serve the graph: SPARQL endpoint, resolvable IRIs, HTML pages, VoID, dumps.

    The server follows the store's builds: after `kjgraph build` it moves its workers to
    the new build (and says so on stderr); a worker that dies is replaced; a query whose
    client disconnects is stopped. SIGTERM or Ctrl-C stops it within seconds.
    """
    from kjgraph.server.app import ServerConfig
    from kjgraph.server.app import serve as run

    config = ServerConfig(store=store, host=host, port=port, base_url=base_url, workers=workers,
                          time_limit=time_limit, max_waiting=max_waiting, max_queue_wait=max_queue_wait,
                          reserve_workers=reserve_workers, result_limit=result_limit,
                          max_query_length=max_query_length, max_body=max_body,
                          update_token=update_token or None, allow_service=allow_service,
                          result_cache=result_cache << 20)
    config.resolve_store()
    from kjgraph.options import check_port_free

    check_port_free(host, port)  # a busy port is one line, before the server announces itself
    click.echo(f"kjgraph serving {config.spec.path} at {config.base_url} "  # type: ignore[union-attr]
               f"(SPARQL: {config.base_url}sparql; {'updates with token' if update_token else 'read-only'})",
               err=True)
    run(config)


@click.command()
@store_option
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory to write the static site to.")
@click.option("--endpoint", default=None,
              help="A SPARQL endpoint URL for the site's query page (default: none).")
@click.option("--base-url", default=None, metavar="URL",
              help="The site's public address (absolute VoID URLs, the .htaccess RewriteBase); links stay "
                   "relative, so the site works anywhere without it.")
@lang_option("Language of the pages.")
def publish(store: Path | None, out: Path, endpoint: str | None, base_url: str | None, lang: str) -> None:
    """Write the HTML pages, documents, dumps and metadata as a static site."""
    from kjgraph.publish import publish_site
    from kjgraph.store import StoreLocation

    report = publish_site(StoreLocation(store), out, endpoint=endpoint, base_url=base_url, lang=lang)
    click.echo(f"wrote {report['files']} files for {report['resources']} resources to {out}")
