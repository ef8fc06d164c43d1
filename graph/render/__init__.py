"""Interactive, offline HTML renderings of the graph: pyvis networks written as self-contained pages.

Every view is a :class:`pyvis.network.Network` (vis-network's data and options), so it can be
adjusted with pyvis' own API (``net.toggle_physics(False)``, ``net.barnes_hut(...)``,
``net.add_node(...)``, ``net.set_edge_smooth(...)``) before it is written; :func:`write_network`
writes it as one page that makes no request at all (vis-network's JavaScript and CSS are read
from the installed pyvis package and inlined into kjgraph's template, a Content-Security-Policy
forbids any request; pyvis' own ``write_html`` loads vis-network and Bootstrap from CDNs).

Views of the whole graph go through a :class:`ViewGraph` (entities as nodes, relations as edges;
the helper nodes of the RDF model — participations, tenures, time entities — become edges or
attributes):

* :func:`whole_view` – everything; :func:`period_view` – the network between two years;
* :func:`neighbourhood_view` / :func:`entity_network` – an entity (IRI, ``kind:slug`` or a label in
  any language) and what lies within N hops, drawn so that it is readable: the focus marked,
  *hubs* (countries, sources and entities with more than ``hub_degree`` relations) collapsed —
  drawn, but not expanded — until clicked, sources hidden until the legend shows them, and more
  entities collapsed until at most ``max_shown`` nodes (a screenful, :data:`SCREENFUL`) are shown
  at first (:func:`shown_at_first`; the page applies the same rule);
* :func:`topic_view` – a topic, its narrower topics and what is about them;
* :func:`meetings_view` – leaders linked by every diplomatic meeting they held.

Views that answer questions about the relationship (:mod:`kjgraph.views`, also importable from
here): :func:`timeline_network` – sixty years of diplomacy on a time axis (both countries'
administrations as lanes, every leaders' meeting and call marked by kind, agreements, incidents,
shuttle diplomacy's phases and the years without a meeting, zoom by period);
:func:`leaders_network` – the leaders linked by the meetings they held, counted by the counting
rule, with a year slider.

Every text drawn is in the reader's language (en, ko, ja, de; :mod:`kjgraph.i18n` for the
interface, :func:`kjgraph.labels.lookup` for names) and the page switches language without a
round trip. Data travels as a JSON blob whose ``<``, ``>`` and ``&`` are escaped, and the page builds
every label, tooltip and detail with ``textContent``, so markup in the data is shown as text.

Year filter semantics (the same in Python and in the page's script): a dated node (events;
agreements and bodies from their start, open-ended unless terminated) is shown when its years
overlap the chosen period; a node without dates of its own (people, places, topics, sources) is
shown when a dated neighbour (or a dated edge, such as a meeting) is shown; a node with no dated
neighbour at all (timeless vocabulary) is always shown. An edge is shown when both ends are, and,
if dated, when it overlaps the period.

Large graphs stay usable: up to ``physics_max`` nodes vis-network's physics lays the graph out
(seeded, a bounded number of iterations, then frozen); above it positions are precomputed here
(x is the year, y the kind of entity) and physics is off; above ``max_nodes`` entities are
aggregated by kind and decade.

>>> from kjgraph.query import KnowledgeGraph
>>> view = whole_view(KnowledgeGraph.in_memory())
>>> any(n.kind == "Summit" for n in view.nodes.values())
True
>>> net = to_network(view)             # a pyvis Network: adjust it with pyvis' API …
>>> net.toggle_physics(False)
>>> import tempfile, pathlib
>>> page = pathlib.Path(tempfile.mkdtemp()) / "graph.html"
>>> write_network(net, page).stat().st_size > 400_000   # … and write it: vis-network is inlined
True
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjgraph.labels import check_language
from kjgraph.query import Graph
from kjgraph.render.extract import kind_labels, whole_view
from kjgraph.render.model import (
    DERIVED_RELATIONS,
    GROUPS,
    ID_BASE,
    KJO,
    RELATIONS,
    Edge,
    Node,
    RenderError,
    ViewGraph,
)
from kjgraph.render.neighbourhood import (
    HUB_DEGREE,
    SCREENFUL,
    neighbourhood_view,
    reach,
    resolve_entity,
    shown_at_first,
)
from kjgraph.render.network import RenderOptions, aggregate, group_options, new_network, timeline_layout, to_network
from kjgraph.render.page import network_data, network_html, page_messages, safe_json, write_network
from kjgraph.render.period import period_view, visible_in_period
from kjgraph.render.selections import meetings_view, topic_view

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = [
    "DERIVED_RELATIONS", "GROUPS", "HUB_DEGREE", "ID_BASE", "KJO", "RELATIONS", "SCREENFUL", "VIEWS", "Edge", "Node",
    "RenderError", "RenderOptions", "ViewGraph", "aggregate", "entity_network", "group_options", "kind_labels",
    "leaders_network", "make_network", "make_view", "meetings_view", "neighbourhood_view", "network_data",
    "network_html", "new_network", "page_data", "page_messages", "period_view", "reach", "render_html",
    "resolve_entity", "safe_json", "shown_at_first", "timeline_layout", "timeline_network", "to_network",
    "topic_view", "visible_in_period", "whole_view", "write_html", "write_network",
]


def page_data(view: ViewGraph, options: RenderOptions) -> dict[str, Any]:
    """The JSON the page of a view is built from (:func:`network_data` of :func:`to_network`)."""
    return network_data(to_network(view, options))


def render_html(view: ViewGraph, options: RenderOptions | None = None) -> str:
    """The self-contained page of a view (no request leaves the page)."""
    options = options or RenderOptions()
    return network_html(to_network(view, options), options.lang)


def write_html(view: ViewGraph, out: Path | str, options: RenderOptions | None = None) -> Path:
    """Write the page of ``view`` to ``out`` and return its path."""
    options = options or RenderOptions()
    return write_network(to_network(view, options), out, options.lang)


def entity_network(kg: Graph, entity: str, hops: int = 2, lang: str = "en", *,
                   max_shown: int | None = SCREENFUL, hub_degree: int = HUB_DEGREE,
                   options: RenderOptions | None = None) -> Network:
    """The neighbourhood of ``entity`` as a pyvis network, readable at first (see
    :func:`neighbourhood_view`): at most ``max_shown`` nodes shown until the reader expands a hub.

    >>> from kjgraph.query import KnowledgeGraph
    >>> net = entity_network(KnowledgeGraph.in_memory(), "나라시", hops=1)
    >>> net.kjgraph["focus"]
    'https://w3id.org/kjgraph/id/place/nara'
    """
    options = options or RenderOptions(lang=lang)
    view = neighbourhood_view(whole_view(kg), entity, hops, lang, max_shown=max_shown, hub_degree=hub_degree)
    return to_network(view, replace(options, lang=check_language(lang)))


def __getattr__(name: str) -> Any:
    """``kjgraph.render.timeline_network`` and ``leaders_network`` live in :mod:`kjgraph.views`."""
    if name in ("timeline_network", "leaders_network"):
        from kjgraph import views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


VIEWS = ("all", "entity", "period", "topic", "meetings", "timeline", "leaders")


def make_view(kg: Graph, view: str, target: str | None = None, *, hops: int = 1,
              start: int | None = None, end: int | None = None, sources: bool = True,
              lang: str = "en", max_shown: int | None = SCREENFUL) -> ViewGraph:
    """The view of the graph named ``view`` (all, entity, period, topic or meetings); ``target``
    names the entity or topic."""
    if view not in VIEWS[:5]:
        raise RenderError(f"unknown view {view!r}; choose one of {', '.join(VIEWS[:5])}")
    if view in ("entity", "topic") and not target:
        raise RenderError(f"the {view} view needs the {view} to show (an IRI, kind:slug or a label)")
    whole = whole_view(kg, sources=sources)
    if view == "all":
        result = whole
    elif view == "entity":
        result = neighbourhood_view(whole, target or "", hops, lang, max_shown=max_shown)
    elif view == "topic":
        result = topic_view(whole, target or "", lang)
    elif view == "meetings":
        result = meetings_view(kg, whole)
    else:
        result = period_view(whole, start, end)
    if view != "period" and (start is not None or end is not None):
        extent = result.year_extent()
        if extent:
            result.initial_years = (start if start is not None else extent[0], end if end is not None else extent[1])
    if not result.nodes:
        raise RenderError(f"the {view} view is empty")
    return result


def make_network(kg: Graph, view: str, target: str | None = None, *, hops: int = 1,
                 start: int | None = None, end: int | None = None, sources: bool = True,
                 options: RenderOptions | None = None, max_shown: int | None = SCREENFUL) -> Network:
    """Any view (:data:`VIEWS`) as a pyvis network, as ``kjgraph render`` draws it."""
    from kjgraph import views

    options = options or RenderOptions()
    if view == "timeline":
        return views.timeline_network(kg, lang=options.lang, start=start, end=end)
    if view == "leaders":
        return views.leaders_network(kg, lang=options.lang, start=start, end=end)
    return to_network(make_view(kg, view, target, hops=hops, start=start, end=end, sources=sources,
                                lang=options.lang, max_shown=max_shown), options)
