"""The ``kjgraph`` command line (also ``python -m kjgraph``).

Every error a person can cause is one line on standard error and a non-zero exit status: usage
errors (exit 2), kjgraph's own errors and files that cannot be read or written (exit 1); an
unexpected failure is one line too, with the way to see the traceback
(``KJGRAPH_DEBUG=1``).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from kjgraph import __version__
from kjgraph.analytics import PROJECTIONS
from kjgraph.errors import DataError, KjgraphError, ValidationFailed
from kjgraph.labels import LANGUAGES
from kjgraph.options import (
    OutputFile,
    connection_settings,
    data_option,
    endpoint_options,
    lang_option,
    open_graph,
    reader_options,
    store_option,
)
from kjgraph.query import FORMATS
from kjgraph.remote import LAYOUTS, UNION_GRAPH, Layout
from kjgraph.render import SCREENFUL, VIEWS, RenderOptions
from kjgraph.server.commands import publish, serve
from kjgraph.store import StoreLocation


def fail(error: KjgraphError) -> None:
    if isinstance(error, DataError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) in the data; nothing was written.", err=True)
    elif isinstance(error, ValidationFailed):
        click.echo(error.report, err=True)
        click.echo("The graph violates the shapes; nothing was written.", err=True)
    else:
        click.echo(f"error: {one_line(str(error))}", err=True)
    sys.exit(1)


def one_line(text: str) -> str:
    """``text`` with its white space runs (line breaks included) collapsed to one space."""
    return " ".join(text.split())


class Group(click.Group):
    """The ``kjgraph`` group: turns every error into one line on standard error."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            command = error.ctx.command_path if isinstance(error, click.UsageError) and error.ctx else "kjgraph"
            hint = f" (see '{command} --help')" if isinstance(error, click.UsageError) else ""
            click.echo(f"error: {one_line(error.format_message())}{hint}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        except KjgraphError as error:
            fail(error)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except OSError as error:
            if error.errno == errno.EPIPE:  # the reader went away (| head): not an error
                sys.exit(0)
            if os.environ.get("KJGRAPH_DEBUG"):
                raise
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"error: {one_line(error.strerror or str(error))}{where}", err=True)
            sys.exit(1)
        except Exception as error:  # a bug: still one line, with the way to see more
            if os.environ.get("KJGRAPH_DEBUG"):
                raise
            click.echo(f"internal error: {type(error).__name__}: {one_line(str(error))[:300]} "
                       "(run again with KJGRAPH_DEBUG=1 for the traceback, and please report it)", err=True)
            sys.exit(70)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kjgraph")
def main() -> None:
    """kjgraph: the open knowledge graph of Korea–Japan relations since 1965."""


def checkout_root(start: Path | None = None) -> Path | None:
    """The kjgraph source tree (a checkout) that ``start`` (default: the working directory) is in.

    A checkout is a directory with a ``pyproject.toml`` naming the project ``kjgraph`` and a
    ``graph/data`` directory; the search goes from ``start`` up to the file system's root.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        project = folder / "pyproject.toml"
        if (folder / "graph" / "data").is_dir() and project.is_file():
            try:
                text = project.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if any(line.replace(" ", "") == 'name="kjgraph"' for line in text.splitlines()):
                return folder
    return None


def data_source(data: Path | None) -> tuple[Path, str]:
    """The data directory a command reads and why: ``--data``, the checkout's, else the shipped one."""
    from kjgraph.resources import data_dir

    if data is not None:
        return data.resolve(), "--data"
    root = checkout_root()
    if root is not None:
        return root / "graph" / "data", f"the checkout at {root}"
    return data_dir(), "the data installed with kjgraph"


def announce_data(data: Path | None) -> Path:
    directory, why = data_source(data)
    click.echo(f"data: {directory} ({why})")
    return directory


@main.command()
@store_option
@data_option
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not recommended).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def build(store: Path | None, data: Path | None, no_validate: bool, quiet: bool) -> None:
    """Build the graph from the curated data into the store, with dumps (atomic)."""
    from kjgraph.build import build as run_build

    report = run_build(StoreLocation(store), data=announce_data(data), validate=not no_validate,
                       progress=not quiet)
    click.echo(report.summary())  # with the records added and removed since the previous build


@main.command()
@data_option
def validate(data: Path | None) -> None:
    """Check the curated data and the SHACL shapes; exit non-zero on any violation."""
    from kjgraph.loader import load_catalog
    from kjgraph.quads import build_dataset
    from kjgraph.validate import validate_dataset, warnings_text

    catalog = load_catalog(announce_data(data))
    dataset = build_dataset(catalog)
    report = validate_dataset(dataset)
    click.echo(report.text())
    click.echo(warnings_text(catalog, dataset))
    if not report.conforms:
        sys.exit(1)
    click.echo(f"{catalog.count()} records checked.")


@main.command("queries")
def list_queries() -> None:
    """List the SPARQL query library."""
    from kjgraph.library import library
    from kjgraph.query import render_table

    rows = [[q.name, q.title, ", ".join(p.name for p in q.parameters)] for q in library().values()]
    click.echo(render_table(["name", "title", "parameters"], rows))


@main.command(add_help_option=False)
@click.argument("name", required=False)
@click.option("-e", "--expression", help="A SPARQL query given inline.")
@click.option("-f", "--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A SPARQL query file.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of a library query, bound as a typed RDF term.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="SELECT: table, csv, tsv, json or xml (W3C SPARQL results formats); ASK: table, json "
                   "or xml; CONSTRUCT and DESCRIBE: ttl, nt, jsonld, rdfxml or table. "
                   "Default: table, or ttl for a graph.")
@click.option("--out", "-o", type=OutputFile(), help="Write to a file.")
@store_option
@endpoint_options
@click.option("--help", "-h", "show_help", is_flag=True, help="Show this help, or a query's documentation.")
@click.pass_context
def query(ctx: click.Context, name: str | None, expression: str | None, file: Path | None,
          params: tuple[str, ...], fmt: str | None, out: Path | None, store: Path | None,
          endpoint: str | None, show_help: bool) -> None:
    """Run a library query by NAME, or your own with -e or --file.

    `kjgraph query NAME --help` shows a library query's documentation.
    """
    from kjgraph.errors import QueryError
    from kjgraph.library import get_query
    from kjgraph.query import FITTING, check_format, query_form, write_result

    if show_help:
        click.echo(get_query(name).help() if name else ctx.get_help())
        return
    if sum(x is not None for x in (name, expression, file)) != 1:
        raise click.UsageError("give exactly one of NAME, -e SPARQL or --file FILE")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param expects NAME=VALUE, got {item!r}")
        values[key.strip()] = value
    if name:
        text = get_query(name).text
    else:
        if values:
            raise click.UsageError("--param applies to library queries only")
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise QueryError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        else:
            text = expression or ""
    form = query_form(text)
    if form == "UPDATE":
        raise QueryError("kjgraph query runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE), not SPARQL Update")
    fmt = fmt or FITTING[form][0]
    check_format(form, fmt)  # before the query runs
    kg = open_graph(store, endpoint)  # the embedded store, or the SPARQL server at --endpoint
    result = kg.run(name, **values) if name else kg.execute(text)
    output = write_result(result, fmt)  # type: ignore[arg-type]
    if out:
        out.write_text(output, encoding="utf-8", newline="")
    else:
        click.echo(output.rstrip("\n"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld"]),
              required=True, help="ttl/nt: the union of all graphs; nq/trig/jsonld keep the source graphs.")
@click.option("-o", "--out", type=OutputFile(), required=True)
@store_option
def export(fmt: str, out: Path, store: Path | None) -> None:
    """Export the built graph to a file."""
    from kjgraph.export import FORMATS, export_store

    oxi = StoreLocation(store).open()
    export_store(oxi, out, FORMATS[fmt])
    click.echo(f"wrote {out} ({out.stat().st_size} bytes)")


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="The README's coverage tables, as Markdown.")
def stats(store: Path | None, as_json: bool, as_markdown: bool) -> None:
    """Counts by class, events of every kind, coverage per decade and per pair of administrations."""
    from kjgraph.query import KnowledgeGraph, render_table
    from kjgraph.stats import decade_table, event_table, graph_stats, markdown, pair_table

    if as_json and as_markdown:
        raise click.UsageError("give --json or --markdown, not both")
    numbers = graph_stats(KnowledgeGraph.open(StoreLocation(store)))
    if as_json:
        click.echo(json.dumps(numbers, indent=2, ensure_ascii=False))
        return
    if as_markdown:
        click.echo(markdown(numbers), nl=False)
        return
    click.echo(f"quads: {numbers['quads']}  distinct triples: {numbers['triples']}  "
               f"named graphs: {numbers['graphs']}  sources: {numbers['sources']}")
    click.echo(render_table(["class", "instances"],
                            [[k, str(v)] for k, v in numbers["classes"].items()]))
    click.echo("Coverage per decade:")
    click.echo(render_table(*decade_table(numbers)))
    click.echo("Events of every kind per decade:")
    click.echo(render_table(*event_table(numbers)))
    click.echo("Coverage per pair of administrations (coverage ledger):")
    click.echo(render_table(*pair_table(numbers)))


@main.command()
@click.option("-o", "--out", type=OutputFile(), default=Path("ontology.html"), show_default=True)
@lang_option("Language of the page: its title, labels and headings.")
def docs(out: Path, lang: str) -> None:
    """Generate the ontology's documentation: one readable HTML page."""
    from kjgraph.docs import write_ontology_docs

    click.echo(f"wrote {write_ontology_docs(out, lang)}")


# ---------------------------------------------------------------- analyze

def _emit(rows: list[dict[str, Any]], csv_path: Path | None, columns: list[str] | None = None) -> None:
    import csv

    from kjgraph.query import curie, render_table

    columns = columns or (list(rows[0]) if rows else [])
    if csv_path:
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        click.echo(f"wrote {csv_path} ({len(rows)} rows)")
    else:
        click.echo(render_table(columns, ([curie(str(r[c])) if c == "node" else str(r[c]) for c in columns]
                                          for r in rows)).rstrip("\n"))


_graph = click.option("--graph", "-g", "projection", type=click.Choice(PROJECTIONS), default="leaders",
                      show_default=True, help="Which projection of the RDF graph.")
_analyze_lang = lang_option("Language of the labels.")
_csv = click.option("--csv", "csv_path", type=OutputFile(), help="Write the table as CSV to this file.")
_period = [click.option("--from", "start", help="Only events on or after this day (YYYY-MM-DD)."),
           click.option("--to", "end", help="Only events on or before this day (YYYY-MM-DD).")]


def _with_period(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_period):
        f = option(f)
    return f


@main.group("analyze")
def analyze() -> None:
    """Network analytics (networkx): centrality, communities, paths, change over time.

    Projections (--graph): leaders (linked by the meetings they held), events-topics (bipartite),
    topics (co-occurrence on events), places (places and the events they hosted), full (every
    link between kjgraph instances).
    """


@analyze.command("summary")
@_graph
@_with_period
@reader_options
def summary_command(projection: str, start: str | None, end: str | None, store: Path | None) -> None:
    """Nodes, edges, density and connected components of a projection."""
    import networkx as nx

    from kjgraph.analytics import Period, project

    g = project(open_graph(store), projection, Period.parse(start, end))
    und = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
    row = {"projection": projection, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
           "density": round(nx.density(und), 4) if len(und) > 1 else 0.0,
           "components": nx.number_connected_components(und) if len(und) else 0}
    _emit([row], None)


@analyze.command("centrality")
@_graph
@_with_period
@click.option("--top", type=int, default=20, show_default=True, help="How many rows to print (0: all).")
@_analyze_lang
@_csv
@reader_options
def centrality_command(projection: str, start: str | None, end: str | None, top: int, lang: str,
                       csv_path: Path | None, store: Path | None) -> None:
    """Degree and betweenness centrality of the nodes of a projection."""
    from kjgraph.analytics import Period, centrality, project

    rows = centrality(project(open_graph(store), projection, Period.parse(start, end), lang))
    _emit(rows if csv_path or top == 0 else rows[:top], csv_path)


@analyze.command("communities")
@_graph
@_with_period
@_analyze_lang
@_csv
@reader_options
def communities_command(projection: str, start: str | None, end: str | None, lang: str,
                        csv_path: Path | None, store: Path | None) -> None:
    """Communities (greedy modularity) of a projection, one row per node."""
    from kjgraph.analytics import Period, communities, project

    _emit(communities(project(open_graph(store), projection, Period.parse(start, end), lang)), csv_path)


@analyze.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--via-sources", is_flag=True, help="Also follow links through source records.")
@_analyze_lang
@_csv
@reader_options
def path_command(source: str, target: str, via_sources: bool, lang: str, csv_path: Path | None,
                 store: Path | None) -> None:
    """How is SOURCE connected to TARGET? The shortest chain of links, with labels.

    SOURCE and TARGET are IRIs, relative ones (event/2026-01-13-nara-summit), CURIEs
    (event:1942-02-03-chosei-coal-mine-disaster) or labels in any language (이재명, "Sanae Takaichi"),
    as for `kjgraph render entity`.
    """
    from kjgraph.analytics import project, shortest_path
    from kjgraph.entities import resolve_entity

    kg = open_graph(store)
    g = project(kg, "full", lang=lang)
    ends = [resolve_entity(kg, text, within=set(g.nodes)) for text in (source, target)]
    rows = shortest_path(g, ends[0], ends[1], avoid_kinds=() if via_sources else ("Source", "Publisher"))
    _emit(rows, csv_path)


@analyze.command("over-time")
@_graph
@click.option("--by", type=click.Choice(["decade", "administration"]), default="decade", show_default=True)
@click.option("--top", type=int, default=5, show_default=True, help="Most central nodes per period.")
@_analyze_lang
@_csv
@reader_options
def over_time_command(projection: str, by: str, top: int, lang: str, csv_path: Path | None,
                      store: Path | None) -> None:
    """The most central nodes of a projection in each decade or Korean administration."""
    from kjgraph.analytics import over_time

    rows = over_time(open_graph(store), projection, by, top, lang)
    _emit(rows, csv_path, ["period", "nodes", "edges", "rank", "node", "label", "degree", "betweenness"]
          if not csv_path else None)


@analyze.command("export")
@_graph
@_with_period
@click.option("-o", "--out", type=OutputFile(), required=True, help="File name ending in .graphml or .gexf.")
@_analyze_lang
@reader_options
def export_command(projection: str, start: str | None, end: str | None, out: Path, lang: str,
                   store: Path | None) -> None:
    """Write a projection as GraphML or GEXF (for Gephi, Cytoscape, yEd)."""
    from kjgraph.analytics import Period, project, write_graph

    g = project(open_graph(store), projection, Period.parse(start, end), lang)
    write_graph(g, out)
    click.echo(f"wrote {out} ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")

# ---------------------------------------------------------------- plot

_plot_out = click.option("-o", "--out", type=OutputFile(), required=True,
                    help="FILE.png, FILE.svg or FILE.pdf; without a suffix both FILE.png and FILE.svg.")
_plot_lang = lang_option("Language of names and labels.")
_years = [click.option("--from", "start", type=int, help="First year."),
          click.option("--to", "end", type=int, help="Last year.")]


def _plot_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([_plot_out, _plot_lang, *_years]):
        f = option(f)
    return reader_options(f)


@main.group("plot")
def plot() -> None:
    """Plots of the record as PNG and SVG (matplotlib)."""


@plot.command("timeline")
@_plot_options
def timeline_command(out: Path, lang: str, start: int | None, end: int | None, store: Path | None) -> None:
    """Leader-level meetings per year, terms of office, agreements and incidents."""
    from kjgraph.plots import timeline_figure, write_plot

    kg = open_graph(store)
    for path in write_plot(timeline_figure(kg, lang, start, end), out):
        click.echo(f"wrote {path}")


@plot.command("topics")
@_plot_options
@click.option("--top", type=int, default=25, show_default=True, help="How many topics (the most frequent).")
def topics_command(out: Path, lang: str, start: int | None, end: int | None, store: Path | None,
                   top: int) -> None:
    """Topics on agendas over time, as a heat map of events per topic and year."""
    from kjgraph.plots import topics_figure, write_plot

    kg = open_graph(store)
    for path in write_plot(topics_figure(kg, lang, top, start, end), out):
        click.echo(f"wrote {path}")

# ---------------------------------------------------------------- render

@main.command("render")
@click.argument("view", type=click.Choice(VIEWS), default="all")
@click.argument("target", required=False)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("kjgraph.html"),
              show_default=True, help="The HTML file to write.")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="entity view: how many relations away from the entity.")
@click.option("--max-shown", type=click.IntRange(min=0), default=SCREENFUL, show_default=True,
              help="entity view: at most this many nodes shown before the reader expands a hub (0: all).")
@click.option("--from", "start", type=int,
              help="First year (period view; the timeline's zoom; else the year slider's start).")
@click.option("--to", "end", type=int, help="Last year (as --from).")
@lang_option("Language of names, legend and interface (the page can switch).")
@click.option("--link-base", metavar="URL", default=None,
              help="Base URL of a running kjgraph server; details link to URL/id/<kind>/<slug>.")
@click.option("--seed", type=int, default=1, show_default=True, help="Layout seed (same seed, same layout).")
@click.option("--max-nodes", type=click.IntRange(min=10), default=RenderOptions.max_nodes, show_default=True,
              help="Above this many nodes, aggregate entities by kind and decade.")
@click.option("--physics-max", type=click.IntRange(min=0), default=RenderOptions.physics_max, show_default=True,
              help="Up to this many nodes the browser lays the graph out (physics); above, precomputed.")
@click.option("--no-sources", is_flag=True, help="Leave the source nodes out (tooltips still cite them).")
@reader_options
def render_command(view: str, target: str | None, out: Path, hops: int, max_shown: int, start: int | None,
                   end: int | None, lang: str, link_base: str | None, seed: int, max_nodes: int,
                   physics_max: int, no_sources: bool, store: Path | None) -> None:
    """Write an interactive, offline HTML rendering of the graph.

    VIEW is all (default), entity TARGET (an IRI, kind:slug or a label in en/ko/ja/de; --hops),
    period (--from/--to years), topic TARGET, meetings (every diplomatic meeting between leaders),
    timeline (sixty years of diplomacy on a time axis) or leaders (the leaders' network, counted by
    the counting rule, with a year slider).
    """
    from kjgraph.render import make_network, write_network

    if view in ("timeline", "leaders") and target:
        raise click.UsageError(f"the {view} view takes no TARGET")
    options = RenderOptions(lang=lang, link_base=link_base, seed=seed, max_nodes=max_nodes,
                            physics_max=physics_max)
    kg = open_graph(store)
    net = make_network(kg, view, target, hops=hops, start=start, end=end, sources=not no_sources,
                       options=options, max_shown=max_shown or None)
    write_network(net, out, lang)
    data = net.kjgraph
    note = " (aggregated by kind and decade)" if data.get("aggregated") else ""
    first = data.get("shownAtFirst")
    shown = (f", {first} shown at first (click a hub to expand it)"
             if first is not None and first < len(net.nodes) else "")
    click.echo(f"wrote {out}: {len(net.nodes)} nodes, {len(net.edges)} edges{note}{shown}")

# ---------------------------------------------------------------- push

@main.command("push")
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

# ---------------------------------------------------------------- load, synth, ingest

@main.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@click.option("--derive-union", is_flag=True,
              help="The file has no default-graph union: add it while loading (slower).")
@click.option("--check", is_flag=True,
              help="Check the union rule (SPARQL, whole graph) and SHACL on a sample of events; "
                   "publish nothing on a violation.")
@click.option("--dumps", is_flag=True, help="Also write the dump files (trig, nq, jsonld, ttl).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def load_command(file: Path, store: Path | None, derive_union: bool, check: bool, dumps: bool,
                 quiet: bool) -> None:
    """Build a store from a large N-Quads or TriG file (.gz too) by bulk loading (atomic).

    For data too big for the curated YAML path: one named graph per source, the default
    graph holding their union. Replaces the store's current graph.
    """
    from kjgraph.build import import_rdf

    report = import_rdf(file, StoreLocation(store), derive_union=derive_union, check=check,
                        dumps=dumps, progress=not quiet)
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.steps.items())
    click.echo(f"loaded {report.quads} quads in {report.graphs} graphs in {report.seconds:.1f} s "
               f"({timings}) → {report.path}")

@main.command("synth")
@click.option("--triples", "-n", "size", default="100k", show_default=True,
              help="How many quads to write, e.g. 10k, 1M, 10M (at least 10k).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed and size, same file.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="N-Quads file to write (.nq, or .nq.gz compressed).")
def synth_command(size: str, seed: int, out: Path) -> None:
    """Write SYNTHETIC benchmark data (not facts) in kjgraph's ontology as N-Quads.

    Load it into a store of its own with `kjgraph load FILE --store DIR`, never into the
    store of the curated graph.
    """
    from kjgraph.synthetic import generate_file, parse_size

    try:
        triples = parse_size(size)
        info = generate_file(out, triples, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--triples") from None
    click.echo(f"wrote {info.quads} quads of SYNTHETIC data ({info.events} events, {info.people} people, "
               f"{info.sources} sources; seed {seed}) → {out}")

@main.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), help="The document's language.")
@click.option("--title", help="The document's title (headline).")
@click.option("--publisher", help="Who published it.")
@click.option("--published", "--date", "published", help="Publication date, YYYY-MM-DD: relative dates count from it.")
@click.option("--url", help="Where it was published.")
@click.option("--kind", type=click.Choice(["NewsArticle", "OfficialStatement", "WebPage", "TreatyText",
                                           "EncyclopediaArticle"]), help="Kind of source (default NewsArticle).")
@click.option("--publisher-type", type=click.Choice(["official", "news-agency", "newspaper", "broadcaster",
                                                     "reference", "other"]), help="Who stands behind the text.")
@click.option("--source-id", help="Id for the source record (default: made from publisher, date and title).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Show what the draft (FILE itself if it is a draft) would add to or change in the graph.")
@click.option("--data", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Curated data directory (default: the data shipped with kjgraph).")
def ingest_command(file: Path, lang: str | None, title: str | None, publisher: str | None,
                   published: str | None, url: str | None, kind: str | None, publisher_type: str | None,
                   source_id: str | None, out: Path | None, show_diff: bool, data: Path | None) -> None:
    """Draft records from a news report or statement FILE, each anchored in its sentence.

    Writes a draft YAML (never the data itself) in the format of graph/data/: the source, the
    events it reports, the statements with their evidence, links to the graph's entities and the
    mentions it does not know. With --diff, prints what the draft would change in the graph;
    FILE may then be a draft written before (and edited by a curator).
    """
    from ruamel.yaml.error import YAMLError

    from kjgraph.ingest import IngestError, ingest_text
    from kjgraph.ingest import draft as drafts
    from kjgraph.ingest.gazetteer import Knowledge
    from kjgraph.loader import load_catalog

    catalog = load_catalog(data)
    try:
        raw = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if file.suffix in (".yaml", ".yml") and raw.lstrip().startswith(("#", "draft:")):
        try:
            draft = drafts.load(raw)
        except (ValueError, YAMLError) as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise IngestError(f"{file}: not a readable draft: {problem}") from None
        if not show_diff:
            raise IngestError(f"{file} is a draft already; use --diff to see what it would change")
    else:
        documents = catalog.root / "documents"
        stored = file.name if (documents / file.name).is_file() and \
            (documents / file.name).resolve() == file.resolve() else None
        meta = {"title": title, "publisher": publisher, "published": published, "url": url, "kind": kind,
                "publisher_type": publisher_type, "id": source_id}
        draft = ingest_text(raw, lang=lang, catalog=catalog, meta=meta, file=stored, document=str(file))
        text = drafts.dump(draft)
        if out is not None:
            out.write_text(text, encoding="utf-8")
            click.echo(f"wrote {out}: {len(draft['events'])} event(s), {len(draft['agreements'])} statement(s), "
                       f"{len(draft['review']['unknown_mentions'])} unknown mention(s)", err=True)
        elif not show_diff:
            sys.stdout.write(text)
    if show_diff:
        for line in drafts.diff(draft, Knowledge.from_catalog(catalog)):
            click.echo(line)


main.add_command(serve)
main.add_command(publish)


if __name__ == "__main__":
    main()
