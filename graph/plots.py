"""Plots of the record (matplotlib): a timeline of the relationship and a topic heat map.

``timeline``
    Leader-level meetings per year (stacked by kind), the terms of office of both countries'
    leaders as shaded bands with their names, and markers for agreements and incidents.
``topics``
    Topics on the agendas of events over time: a heat map of events per topic and year.

Labels can be in English, Korean, Japanese or German (``lang``), picked by
:func:`kjgraph.labels.lookup` (RFC 4647: ``ko`` before ``ko-Hani``); CJK text is drawn with the
Noto CJK fonts (Debian package fonts-noto-cjk) when they are installed. Text from the graph is
drawn as text, never as markup: matplotlib's mathtext is off for it (a ``$`` is a dollar sign),
and hidden characters are shown as escapes (:func:`kjgraph.text.display_text`).

>>> from kjgraph.query import KnowledgeGraph
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "timeline"
>>> [p.suffix for p in write_plot(timeline_figure(KnowledgeGraph.in_memory()), out)]
['.png', '.svg']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjgraph.diplomacy import MARKS, MEETING_MARKS, agreements, incidents, leader_contacts
from kjgraph.errors import QueryError
from kjgraph.i18n import gettext
from kjgraph.labels import check_language, graph_labels
from kjgraph.query import Graph, plain
from kjgraph.text import display_text

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn, to keep `kjgraph` quick to start
    from matplotlib.figure import Figure

#: Tried in order for every glyph (matplotlib ≥ 3.6 falls back per character).
FONTS = ["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Serif CJK JP"]
#: Leaders' meetings by kind (the counting rule's three kinds), their colours and legend names: the
#: marks of the timeline network (:data:`kjgraph.diplomacy.MARKS`), but brief talks a lighter blue,
#: which parts them from sideline meetings where the bars are stacked.
KIND_COLOURS = {kind: MARKS[mark]["color"] for kind, mark in MEETING_MARKS.items()} | {"BriefTalk": "#a9cce3"}
KIND_NAMES = {kind: MARKS[mark]["name"] for kind, mark in MEETING_MARKS.items()}
COUNTRY_COLOURS = {country: (MARKS[f"{country}-term"]["border"], MARKS[f"{country}-term"]["color"])
                   for country in ("kr", "jp")}


def _setup() -> Any:
    # No backend is forced: without a display matplotlib picks Agg itself, and in Jupyter
    # the inline backend shows the figures.
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    plt.rcParams["font.family"] = [f for f in FONTS if f in installed] or ["sans-serif"]
    plt.rcParams["svg.fonttype"] = "none"  # keep text as text in SVG (searchable, small)
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _year(day: str | date) -> float:
    """A day as a fractional year, for the time axis."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def data_text(text: str) -> str:
    """Text from the graph as matplotlib should draw it: one line, hidden characters escaped.
    Draw it with ``parse_math=False`` (:data:`AS_TEXT`), so that ``$`` stays a dollar sign."""
    return display_text(text)


#: Keyword arguments for every matplotlib text that holds data: no mathtext.
AS_TEXT: dict[str, Any] = {"parse_math": False}


def timeline_figure(kg: Graph, lang: str = "en", start: int | None = None,
                    end: int | None = None) -> Figure:
    """The timeline of leaders' meetings (per year, by kind: the counting rule), leaders' calls,
    terms of office, agreements and incidents; every text in ``lang`` (:mod:`kjgraph.i18n`).
    ``start``/``end``: the years shown (default: from the first meeting or term, at the earliest
    1965, to this year). Raises :class:`~kjgraph.errors.QueryError` when ``start`` is after ``end``."""
    lang = check_language(lang)
    plt = _setup()
    meetings = kg.run("meetings", lang=lang).rows
    terms = kg.run("leaders", lang=lang).rows
    signed = [day for _iri, day in agreements(kg, whole_days=True)]
    happened = [day for _iri, day in incidents(kg, latest=True)]
    years = [int(plain(r["date"])[:4]) for r in meetings]
    first = start or max(1965, min(years + [int(plain(r["start"])[:4]) for r in terms], default=1965))
    last = end or max(years + [int(d[:4]) for d in signed + happened] + [date.today().year],
                      default=date.today().year)
    if first > last:
        raise QueryError(f"empty period: {first} is after {last}")

    fig: Figure
    fig, (ax_bars, ax_marks, ax_terms) = plt.subplots(
        3, 1, figsize=(16, 8.5), sharex=True, gridspec_kw={"height_ratios": [5, 1, 3], "hspace": 0.08})
    _draw_meetings(ax_bars, meetings, years, range(first, last + 1), lang)
    ax_bars.set_title(gettext("Korea–Japan relations {first}–{last}: leaders' meetings per year, terms of office, "
                              "agreements and incidents", lang).format(first=first, last=last), loc="left",
                      fontsize=13)
    calls = [day for _e, _kr, _jp, day in leader_contacts(kg, "LeaderCall")]
    _draw_marks(ax_marks, calls, signed, happened, lang)
    names = graph_labels(kg, {plain(r["leader"]) for r in terms}, lang)
    _draw_terms(ax_terms, terms, names, first, last, lang)
    for ax in (ax_bars, ax_marks, ax_terms):
        ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.12, right=0.99, top=0.94, bottom=0.07)
    return fig


def _draw_meetings(ax: Any, meetings: list[dict[str, Any]], years: list[int], xs: range, lang: str) -> None:
    """Leaders' meetings per year in ``xs``, stacked by kind, with the totals in the legend
    (``years``: the year of each meeting row)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for row, year in zip(meetings, years, strict=True):
        kind = plain(row["kind"]).split(", ")[0]
        counts[kind if kind in KIND_COLOURS else "Summit"][year] += 1
    bottom = Counter[int]()
    for kind, colour in KIND_COLOURS.items():
        heights = [counts[kind][x] for x in xs]
        total = sum(counts[kind].values())
        ax.bar([x + 0.5 for x in xs], heights, bottom=[bottom[x] for x in xs], width=0.8,
               color=colour, label=f"{gettext(KIND_NAMES[kind], lang)} ({total})")
        for x, h in zip(xs, heights, strict=True):
            bottom[x] += h
    ax.set_ylabel(gettext("Leaders' meetings", lang))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", frameon=False, ncol=3)
    ax.grid(axis="y", alpha=0.3)


def _draw_marks(ax: Any, calls: list[str], signed: list[str], happened: list[str], lang: str) -> None:
    """A row of markers each for the leaders' calls, the agreements signed and the incidents (days)."""
    for level, days, marker, size, mark in ((2, calls, "s", 30, "call"), (1, signed, "^", 60, "agreement"),
                                            (0, happened, "X", 50, "incident")):
        ax.scatter([_year(d) for d in days], [level] * len(days), marker=marker, s=size, color=MARKS[mark]["color"],
                   label=f"{gettext(MARKS[mark]['name'], lang)} ({len(days)})", zorder=3)
    ax.set_yticks([0, 1, 2], [gettext("incidents", lang), gettext("agreements", lang), gettext("calls", lang)])
    ax.set_ylim(-0.7, 2.7)
    ax.legend(loc="upper left", frameon=False, ncol=3, fontsize=8, bbox_to_anchor=(0, 1.3))
    ax.grid(axis="x", alpha=0.3)


def _draw_terms(ax: Any, terms: list[dict[str, Any]], names: dict[str, str], first: int, last: int,
                lang: str) -> None:
    """The terms of office as bands, Korean presidents above Japanese prime ministers, named where
    the band is wide enough; the x axis from ``first`` to the end of ``last``."""
    today = date.today()
    for index, row in enumerate(terms):
        country = plain(row["country"]).rsplit("/", 1)[-1]
        level = 1 if country == "kr" else 0
        s = _year(plain(row["start"]))
        e = _year(plain(row["end"])) if row.get("end") is not None else _year(today)
        dark, light = COUNTRY_COLOURS.get(country, ("#555555", "#cccccc"))
        ax.barh(level, e - s, left=s, height=0.9, color=light if index % 2 else dark, alpha=0.85,
                edgecolor="white", linewidth=0.5)
        # names of very short (mostly acting) terms would overprint their neighbours
        if e >= first and s <= last + 1 and min(e, last + 1) - max(s, first) >= 0.6:
            name = names.get(plain(row["leader"])) or plain(row["name"]) or ""
            acting = " " + gettext("(acting)", lang) if plain(row["acting"]) in ("true", "1") else ""
            ax.text((max(s, first) + min(e, last + 1)) / 2, level, data_text(name) + acting, rotation=90,
                    ha="center", va="center", fontsize=7, color="black", clip_on=True, **AS_TEXT)
    ax.set_yticks([0, 1], [gettext("Prime Minister of Japan", lang),
                           gettext("President of the Republic of Korea", lang)])
    ax.set_ylim(-0.55, 1.55)
    ax.set_xlim(first, last + 1)
    ax.set_xlabel(gettext("year", lang))


def topics_figure(kg: Graph, lang: str = "en", top: int = 25, start: int | None = None,
                  end: int | None = None) -> Figure:
    """A heat map: the ``top`` topics (by events) against years, events per cell."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    lang = check_language(lang)
    plt = _setup()
    params = {"lang": lang} | ({"from": str(start)} if start else {}) | ({"to": str(end)} if end else {})
    rows = kg.run("topics-by-year", **params).rows
    if not rows:
        raise QueryError("no events with topics in the period")
    totals: Counter[str] = Counter()
    cells: dict[tuple[str, int], int] = {}
    labels: dict[str, str] = {}
    for row in rows:
        topic, year, n = plain(row["topic"]), int(plain(row["year"])), int(plain(row["events"]))
        totals[topic] += n
        cells[(topic, year)] = n
        labels[topic] = plain(row["label"]) or topic
    labels.update(graph_labels(kg, labels, lang))
    chosen = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], labels[kv[0]]))[:top]]
    years = list(range(start or min(y for _, y in cells), (end or max(y for _, y in cells)) + 1))
    grid = np.array([[cells.get((t, y), 0) for y in years] for t in chosen], dtype=float)
    fig: Figure
    fig, ax = plt.subplots(figsize=(max(10, 0.13 * len(years) + 4), max(4, 0.3 * len(chosen) + 1.5)))
    masked = np.ma.masked_equal(grid, 0)
    image = ax.imshow(masked, aspect="auto", cmap="viridis_r", interpolation="nearest",
                      extent=(years[0] - 0.5, years[-1] + 0.5, len(chosen) - 0.5, -0.5))
    ax.set_facecolor("#f4f4f4")
    ax.set_yticks(range(len(chosen)), [f"{data_text(labels[t])} ({totals[t]})" for t in chosen], fontsize=9,
                  **AS_TEXT)
    step = 1 if len(years) <= 20 else 5
    ax.set_xticks([y for y in years if y % step == 0])
    ax.set_xlabel(gettext("year", lang))
    ax.set_title(gettext("Topics on the agenda: events per topic and year (top {n} topics)", lang).format(
        n=len(chosen)), loc="left")
    bar = fig.colorbar(image, ax=ax, pad=0.01)
    bar.set_label(gettext("events", lang))
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    fig.tight_layout()
    return fig


def write_plot(fig: Figure, out: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Save ``fig``: to ``out`` itself if it names a .png/.svg/.pdf file, else to out.png and out.svg."""
    import matplotlib.pyplot as plt

    if out.suffix.lower() in (".png", ".svg", ".pdf"):
        paths = [out]
    else:
        paths = [out.with_name(f"{out.name}.{fmt}") for fmt in formats]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150 if path.suffix == ".png" else None)
    plt.close(fig)
    return paths
