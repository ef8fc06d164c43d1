"""`kjgraph plot`: static plots (matplotlib) on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kjgraph.options import (
    OutputFile,
    lang_option,
    open_graph,
    reader_options,
)

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


@click.group("plot")
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
