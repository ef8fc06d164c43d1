"""`kjgraph render`: the interactive views (pyvis) on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from kjgraph.options import (
    lang_option,
    open_graph,
    reader_options,
)
from kjgraph.render import SCREENFUL, VIEWS, RenderOptions

# ---------------------------------------------------------------- render

@click.command("render")
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
