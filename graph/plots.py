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

from kjgraph.errors import QueryError
from kjgraph.i18n import N_, gettext
from kjgraph.labels import check_language, graph_labels
from kjgraph.query import Graph, plain
from kjgraph.text import display_text

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn, to keep `kjgraph` quick to start
    from matplotlib.figure import Figure

#: Tried in order for every glyph (matplotlib ≥ 3.6 falls back per character).
FONTS = ["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Serif CJK JP"]
#: Leaders' meetings by kind (the counting rule's three kinds), their colours and legend names.
KIND_COLOURS = {"Summit": "#1f4e79", "SidelineMeeting": "#3498db", "BriefTalk": "#a9cce3"}
KIND_NAMES = {"Summit": N_("Stand-alone summits"), "SidelineMeeting": N_("Sideline meetings"),
              "BriefTalk": N_("Brief talks")}
COUNTRY_COLOURS = {"kr": ("#c0392b", "#e6b0aa"), "jp": ("#1e8449", "#a9dfbf")}

_AGREEMENTS = """
SELECT ?a (MIN(?d) AS ?day) WHERE {
  VALUES ?kind { kjo:Treaty kjo:JointDeclaration kjo:Arrangement kjo:Agreement }
  ?a a ?kind .
  FILTER NOT EXISTS { ?a a kjo:Commitment }
  { ?a kjo:signedOn ?d } UNION { ?a kjo:earliestDate ?d }
  FILTER (DATATYPE(?d) = xsd:date)
} GROUP BY ?a
"""
_INCIDENTS = "SELECT ?e (MAX(?d) AS ?day) WHERE { ?e a kjo:Incident ; kjo:earliestDate ?d } GROUP BY ?e"


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
    terms of office, agreements and incidents; every text in ``lang`` (:mod:`kjgraph.i18n`)."""
    from kjgraph.views import leader_contacts

    lang = check_language(lang)

    def _(message: str) -> str:
        return gettext(message, lang)

    plt = _setup()
    meetings = kg.run("meetings", lang=lang).rows
    calls = [day for _e, _kr, _jp, day in leader_contacts(kg, "LeaderCall")]
    terms = kg.run("leaders", lang=lang).rows
    names = graph_labels(kg, {plain(r["leader"]) for r in terms}, lang)
    agreements = [r["day"].value for r in kg.rows(_AGREEMENTS) if r["day"] is not None]
    incidents = [r["day"].value for r in kg.rows(_INCIDENTS) if r["day"] is not None]
    today = date.today()

    years = [int(plain(r["date"])[:4]) for r in meetings]
    term_years = [int(plain(r["start"])[:4]) for r in terms]
    first = start or max(1965, min(years + term_years, default=1965))
    last = end or max(years + [int(d[:4]) for d in agreements + incidents] + [today.year], default=today.year)
    if first > last:
        raise QueryError(f"empty period: {first} is after {last}")

    fig: Figure
    fig, (ax_bars, ax_marks, ax_terms) = plt.subplots(
        3, 1, figsize=(16, 8.5), sharex=True, gridspec_kw={"height_ratios": [5, 1, 3], "hspace": 0.08})

    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for row, year in zip(meetings, years, strict=True):
        kind = plain(row["kind"]).split(", ")[0]
        counts[kind if kind in KIND_COLOURS else "Summit"][year] += 1
    bottom = Counter[int]()
    xs = list(range(first, last + 1))
    for kind, colour in KIND_COLOURS.items():
        heights = [counts[kind][x] for x in xs]
        total = sum(counts[kind].values())
        ax_bars.bar([x + 0.5 for x in xs], heights, bottom=[bottom[x] for x in xs], width=0.8,
                    color=colour, label=f"{_(KIND_NAMES[kind])} ({total})")
        for x, h in zip(xs, heights, strict=True):
            bottom[x] += h
    ax_bars.set_ylabel(_("Leaders' meetings"))
    ax_bars.yaxis.get_major_locator().set_params(integer=True)
    ax_bars.set_title(_("Korea–Japan relations {first}–{last}: leaders' meetings per year, terms of office, "
                        "agreements and incidents").format(first=first, last=last), loc="left", fontsize=13)
    ax_bars.legend(loc="upper left", frameon=False, ncol=3)
    ax_bars.grid(axis="y", alpha=0.3)

    for level, days, marker, size, colour, name in (
            (2, calls, "s", 30, "#f5b041", _("Leaders' calls")),
            (1, agreements, "^", 60, "#7d3c98", _("Agreements signed")),
            (0, incidents, "X", 50, "#d35400", _("Incidents and rulings"))):
        ax_marks.scatter([_year(d) for d in days], [level] * len(days), marker=marker, s=size, color=colour,
                         label=f"{name} ({len(days)})", zorder=3)
    ax_marks.set_yticks([0, 1, 2], [_("incidents"), _("agreements"), _("calls")])
    ax_marks.set_ylim(-0.7, 2.7)
    ax_marks.legend(loc="upper left", frameon=False, ncol=3, fontsize=8, bbox_to_anchor=(0, 1.3))
    ax_marks.grid(axis="x", alpha=0.3)

    rows = {"country/kr": 1, "country/jp": 0}
    for index, row in enumerate(terms):
        country = plain(row["country"]).rsplit("/", 1)[-1]
        level = rows.get(f"country/{country}", 0)
        s = _year(plain(row["start"]))
        e = _year(plain(row["end"])) if row.get("end") is not None else _year(today)
        dark, light = COUNTRY_COLOURS.get(country, ("#555555", "#cccccc"))
        ax_terms.barh(level, e - s, left=s, height=0.9, color=light if index % 2 else dark, alpha=0.85,
                      edgecolor="white", linewidth=0.5)
        # names of very short (mostly acting) terms would overprint their neighbours
        if e >= first and s <= last + 1 and min(e, last + 1) - max(s, first) >= 0.6:
            name = names.get(plain(row["leader"])) or plain(row["name"]) or ""
            acting = " " + _("(acting)") if plain(row["acting"]) in ("true", "1") else ""
            ax_terms.text((max(s, first) + min(e, last + 1)) / 2, level, data_text(name) + acting, rotation=90,
                          ha="center", va="center", fontsize=7, color="black", clip_on=True, **AS_TEXT)
    ax_terms.set_yticks([0, 1], [_("Prime Minister of Japan"), _("President of the Republic of Korea")])
    ax_terms.set_ylim(-0.55, 1.55)
    ax_terms.set_xlim(first, last + 1)
    ax_terms.set_xlabel(_("year"))
    for ax in (ax_bars, ax_marks, ax_terms):
        ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.12, right=0.99, top=0.94, bottom=0.07)
    return fig


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
