"""The ``kjgraph`` command line (also ``python -m kjgraph``).

Every error a person can cause is one line on standard error and a non-zero exit status: usage
errors (exit 2), kjgraph's own errors and files that cannot be read or written (exit 1); an
unexpected failure is one line too, with the way to see the traceback
(``KJGRAPH_DEBUG=1``).
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import sys
from collections.abc import ItemsView, Iterator, KeysView, Sequence, ValuesView
from pathlib import Path
from typing import Any

import click

from kjgraph.errors import DataError, KjgraphError, ValidationFailed
from kjgraph.options import (
    OutputFile,
    data_option,
    endpoint_options,
    lang_option,
    open_graph,
    store_option,
)
from kjgraph.query import FORMATS
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
@click.version_option(package_name="kjgraph", prog_name="kjgraph")  # read from the metadata when asked
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


# ---------------------------------------------------------------- further commands
# Commands defined in kjgraph.commands (the server's in kjgraph.server.commands). Their modules
# import heavy libraries (rdflib, networkx, matplotlib, requests, starlette), so each is imported
# when the command is looked up (run, or listed by --help), never for another command:
# `kjgraph query` starts in a few tens of milliseconds (tests/test_startup.py checks which
# modules it imports).
LAZY_COMMANDS: dict[str, str] = {
    "analyze": "kjgraph.commands.analyze:analyze",
    "data-schema": "kjgraph.commands.data:data_schema_command",
    "ingest": "kjgraph.commands.data:ingest_command",
    "load": "kjgraph.commands.data:load_command",
    "plot": "kjgraph.commands.plot:plot",
    "publish": "kjgraph.server.commands:publish",
    "push": "kjgraph.commands.push:push_command",
    "render": "kjgraph.commands.render:render_command",
    "serve": "kjgraph.server.commands:serve",
    "synth": "kjgraph.commands.data:synth_command",
}


class LazyCommands(dict[str, click.Command]):
    """A group's ``commands`` mapping that imports a command of :data:`LAZY_COMMANDS` on first use.

    Looking one name up (``get``, ``[]``, ``in``) imports that command's module only; listing
    the mapping (iteration, ``keys``, ``items``, ``values``, ``len``) imports them all, so any
    code reading ``main.commands`` sees every command, as with a plain dict.
    """

    def __init__(self, lazy: dict[str, str]) -> None:
        super().__init__()
        self._lazy = dict(lazy)

    def _load(self, name: str) -> None:
        target = self._lazy.pop(name, None)
        if target is not None:
            module, _, attribute = target.partition(":")
            super().__setitem__(name, getattr(importlib.import_module(module), attribute))

    def _load_all(self) -> None:
        for name in list(self._lazy):
            self._load(name)

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        return super().get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._lazy or super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return super().__iter__()

    def __len__(self) -> int:
        return super().__len__() + len(self._lazy)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self._load_all()
        return super().keys()

    def values(self) -> ValuesView[click.Command]:  # type: ignore[override]
        self._load_all()
        return super().values()

    def items(self) -> ItemsView[str, click.Command]:  # type: ignore[override]
        self._load_all()
        return super().items()


_commands = LazyCommands(LAZY_COMMANDS)
_commands.update(main.commands)  # the commands defined above
main.commands = _commands


if __name__ == "__main__":
    main()
