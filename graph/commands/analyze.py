"""`kjgraph analyze`: network analytics (networkx) on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kjgraph.analytics import PROJECTIONS
from kjgraph.options import (
    OutputFile,
    lang_option,
    open_graph,
    reader_options,
)

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


@click.group("analyze")
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
