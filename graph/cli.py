"""The ``kjgraph`` command line (also ``python -m kjgraph``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kjgraph import __version__
from kjgraph.errors import DataError, KjgraphError, ValidationFailed
from kjgraph.remote import endpoint_options, open_graph
from kjgraph.store import ENV_VAR, StoreLocation

store_option = click.option(
    "--store", "store", type=click.Path(path_type=Path), default=None, envvar=ENV_VAR,
    help=f"Store directory (default: ${ENV_VAR}, else ~/.local/share/kjgraph).")
data_option = click.option(
    "--data", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
    help="Curated data directory (default: the data shipped with kjgraph).")


def fail(error: KjgraphError) -> None:
    if isinstance(error, DataError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) in the data; nothing was written.", err=True)
    elif isinstance(error, ValidationFailed):
        click.echo(error.report, err=True)
        click.echo("The graph violates the shapes; nothing was written.", err=True)
    else:
        click.echo(f"error: {error}", err=True)
    sys.exit(1)


class Group(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except KjgraphError as error:
            fail(error)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kjgraph")
def main() -> None:
    """kjgraph: the open knowledge graph of Korea–Japan relations since 1965."""


@main.command()
@store_option
@data_option
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not recommended).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def build(store: Path | None, data: Path | None, no_validate: bool, quiet: bool) -> None:
    """Build the graph from the curated data into the store, with dumps (atomic)."""
    from kjgraph.build import build as run_build

    report = run_build(StoreLocation(store), data=data, validate=not no_validate,
                       progress=not quiet)
    click.echo(report.summary())  # with the records added and removed since the previous build


@main.command()
@data_option
def validate(data: Path | None) -> None:
    """Check the curated data and the SHACL shapes; exit non-zero on any violation."""
    from kjgraph.loader import load_catalog
    from kjgraph.quads import build_dataset
    from kjgraph.validate import validate_dataset

    catalog = load_catalog(data)
    report = validate_dataset(build_dataset(catalog))
    click.echo(report.text())
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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
              default="table", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@store_option
@endpoint_options
@click.option("--help", "-h", "show_help", is_flag=True, help="Show this help, or a query's documentation.")
@click.pass_context
def query(ctx: click.Context, name: str | None, expression: str | None, file: Path | None,
          params: tuple[str, ...], fmt: str, out: Path | None, store: Path | None,
          endpoint: str | None, show_help: bool) -> None:
    """Run a library query by NAME, or your own with -e or --file.

    `kjgraph query NAME --help` shows a library query's documentation.
    """
    from kjgraph.library import get_query
    from kjgraph.query import write_result

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
    kg = open_graph(store, endpoint)  # the embedded store, or the SPARQL server at --endpoint
    if name:
        library_query = get_query(name)
        result = kg.execute(library_query.bound_text(values))
    else:
        if values:
            raise click.UsageError("--param applies to library queries only")
        text = expression if expression is not None else file.read_text(encoding="utf-8")
        result = kg.execute(text)
    text = write_result(result, fmt)  # type: ignore[arg-type]
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text.rstrip("\n"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld"]),
              required=True, help="ttl/nt: the union of all graphs; nq/trig/jsonld keep the source graphs.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
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
def stats(store: Path | None, as_json: bool) -> None:
    """Counts by class, triples, sources, and coverage per decade."""
    from kjgraph.query import KnowledgeGraph, render_table
    from kjgraph.stats import decade_table, graph_stats

    numbers = graph_stats(KnowledgeGraph.open(StoreLocation(store)))
    if as_json:
        click.echo(json.dumps(numbers, indent=2, ensure_ascii=False))
        return
    click.echo(f"quads: {numbers['quads']}  distinct triples: {numbers['triples']}  "
               f"named graphs: {numbers['graphs']}  sources: {numbers['sources']}")
    click.echo(render_table(["class", "instances"],
                            [[k, str(v)] for k, v in numbers["classes"].items()]))
    columns, rows = decade_table(numbers)
    click.echo("Coverage per decade:")
    click.echo(render_table(columns, rows))


@main.command()
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("ontology.html"), show_default=True)
def docs(out: Path) -> None:
    """Generate the ontology's HTML documentation (pyLODE)."""
    from kjgraph.docs import write_ontology_docs

    click.echo(f"wrote {write_ontology_docs(out)}")


# ---------------------------------------------------------------- further commands
# Commands defined next to the code they drive (their modules import heavy libraries lazily).
from kjgraph.analytics import analyze  # noqa: E402
from kjgraph.build import load_command  # noqa: E402
from kjgraph.plots import plot  # noqa: E402
from kjgraph.remote import push_command  # noqa: E402
from kjgraph.render import render_command  # noqa: E402
from kjgraph.server.commands import publish, serve  # noqa: E402
from kjgraph.synthetic import synth_command  # noqa: E402

for _command in (serve, publish, render_command, analyze, plot, push_command, load_command, synth_command):
    main.add_command(_command)


if __name__ == "__main__":
    main()
