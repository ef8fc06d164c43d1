"""Views as pyvis networks: vis-network's nodes, edges and options with kjgraph's defaults
(:func:`new_network`, :func:`to_network`); large views aggregated by kind and decade
(:func:`aggregate`) or laid out here along the years (:func:`timeline_layout`).

>>> from kjgraph.query import KnowledgeGraph
>>> from kjgraph.render.extract import whole_view
>>> net = to_network(whole_view(KnowledgeGraph.in_memory()))
>>> net.kjgraph["view"]
'graph'
"""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kjgraph.i18n import gettext
from kjgraph.labels import LANGUAGES, check_language
from kjgraph.namespaces import BASE
from kjgraph.render.model import (
    _OPEN_ENDED,
    DERIVED_RELATIONS,
    GROUPS,
    RELATIONS,
    Edge,
    Node,
    RenderError,
    ViewGraph,
    best_label,
)
from kjgraph.render.neighbourhood import shown_at_first

if TYPE_CHECKING:
    from pyvis.network import Network

@dataclass(frozen=True)
class RenderOptions:
    """How a page is made.

    ``lang``: labels' and interface language (en, ko, ja, de; names fall back to English).
    ``link_base``: base URL of a running linked-data server (``http://127.0.0.1:8000``); details then
    link to ``<link_base>/id/<kind>/<slug>``. ``seed``: layout seed. ``physics_max``: largest view laid
    out by vis-network's physics. ``max_nodes``: largest view drawn entity by entity, above it
    aggregated. ``edge_labels_max``: above this many edges, relation names show in tooltips only.
    """

    lang: str = "en"
    link_base: str | None = None
    seed: int = 1
    physics_max: int = 400
    max_nodes: int = 6000
    edge_labels_max: int = 1500
    physics: bool | None = None  # None: decided by size; True/False forces it (the benchmark's baseline)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", check_language(self.lang))
        if self.link_base is not None and not re.match(r"^https?://[^\s\"'<>]+$", self.link_base):
            raise RenderError(f"--link-base must be an http(s) URL, got {self.link_base!r}")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def new_network(*, directed: bool = True) -> Network:
    """An empty pyvis :class:`~pyvis.network.Network` with kjgraph's defaults (no CDN: kjgraph
    writes it with :func:`write_network`). Its ``kjgraph`` attribute holds what the page needs
    besides vis-network's data: title, legend, language, the view's controls."""
    try:
        from pyvis.network import Network
    except ModuleNotFoundError as exc:
        raise RenderError("rendering needs the pyvis package (pip install pyvis)") from exc
    net = Network(height="100%", width="100%", directed=directed, cdn_resources="remote")
    net.kjgraph = {"view": "graph", "languages": list(LANGUAGES)}
    opts = net.options
    opts.edges.color.inherit = False
    opts.edges.color.color = "#a0aab4"
    opts.edges.color.highlight = "#333333"
    opts.edges.color.hover = "#555555"
    opts.edges.font = {"size": 9, "color": "#555", "strokeWidth": 2, "align": "middle"}
    opts.nodes = {"font": {"size": 14, "face": "Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, sans-serif"},
                  "borderWidth": 1,
                  "scaling": {"min": 10, "max": 40, "label": {"enabled": True, "min": 14, "max": 26,
                                                                "drawThreshold": 4}}}
    opts.interaction.tooltipDelay = 200
    return net


def group_options(groups: dict[str, dict[str, Any]], *, hover: bool = False) -> dict[str, Any]:
    """vis-network's ``groups`` option for node groups ``{group: {"shape", "color", "border"?}}``:
    each group's shape and fill, its border (``#444`` unless given), black when highlighted (and
    when hovered, with ``hover``)."""
    def colours(spec: dict[str, Any]) -> dict[str, Any]:
        marked = {"background": spec["color"], "border": "#000"}
        return {"background": spec["color"], "border": spec.get("border", "#444"), "highlight": marked,
                **({"hover": dict(marked)} if hover else {})}

    return {g: {"shape": spec["shape"], "color": colours(spec)} for g, spec in groups.items()}


def _plain_tip(name: str, *lines: str) -> str:
    """A plain-text tooltip (pyvis' own writer and notebooks show ``title``; kjgraph's page builds
    richer tooltips from the node's fields, as text)."""
    return "\n".join([name, *(line for line in lines if line)])



def to_network(view: ViewGraph, options: RenderOptions | None = None) -> Network:
    """The pyvis network of a view: one node per entity (label in ``options.lang``, the names in
    every language in ``names``), one edge per relation; vis-network's options for groups,
    physics and layout. Views larger than ``options.max_nodes`` are aggregated first."""
    options = options or RenderOptions()
    if len(view.nodes) > options.max_nodes:
        view = aggregate(view)
    physics = options.physics if options.physics is not None else len(view.nodes) <= options.physics_max
    positions = {} if physics else timeline_layout(view, options.seed)
    relations = {k: name for k, (_, name) in RELATIONS.items()} | DERIVED_RELATIONS
    net = new_network(directed=True)
    degree = _degrees(view)
    for iri in sorted(view.nodes):
        item = _node_item(view, iri, degree[iri], options.lang)
        if iri in positions:
            item["x"], item["y"] = positions[iri]
        net.add_node(iri, **item)
    edge_labels = len(view.edges) <= options.edge_labels_max
    for i, e in enumerate(view.edges):
        net.add_edge(e.source, e.target, **_edge_item(f"e{i}", e, relations, options.lang, labelled=edge_labels))
    _set_options(net, view, options.seed, physics=physics)
    net.heading = ""
    net.kjgraph.update(_page_meta(view, options, relations))
    return net


def _degrees(view: ViewGraph) -> dict[str, int]:
    """The number of edges at each node of the view."""
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    return degree


def _node_item(view: ViewGraph, iri: str, degree: int, lang: str) -> dict[str, Any]:
    """The pyvis fields of a node: its label in ``lang`` and names in every language, group, kind,
    size (``value``), years and what its details show."""
    n = view.nodes[iri]
    names = {code: best_label(n.labels, code) for code in LANGUAGES}
    kind = view.kind_labels.get(n.kind, {}).get(lang) or n.kind
    item: dict[str, Any] = {"label": _shorten(names[lang], 40) or " ", "shape": GROUPS[n.group]["shape"],
                            "group": n.group, "names": names, "labels": n.labels, "kind": n.kind,
                            "value": n.count or degree + 1, "start": n.start, "end": n.end,
                            "title": _plain_tip(names[lang], kind, n.dates)}
    for key, value in (("dates", n.dates), ("place", n.place), ("sources", n.sources), ("count", n.count),
                       ("members", n.members)):
        if value:
            item[key] = value
    if iri == view.focus:
        item.update(_focus_style(), value=max(item["value"], 10))
    if iri in view.hubs:
        item["hub"] = True
    return item


def _focus_style() -> dict[str, Any]:
    """How the focus of an entity view is drawn: larger, with a thick border, its label in bold."""
    return {"focus": True, "borderWidth": 4, "size": 30, "font": {"size": 18, "bold": True},
            "color": {"border": "#000"}}


def _edge_item(edge_id: str, e: Edge, relations: dict[str, str], lang: str, *, labelled: bool) -> dict[str, Any]:
    """The pyvis fields of an edge: its relation's name in ``lang`` (with the count of an
    aggregated edge, which also sets its width) as label (when ``labelled``) and tooltip."""
    item: dict[str, Any] = {"id": edge_id, "rel": e.relation}
    if e.labels:
        item["names"] = {code: best_label(e.labels, code) for code in LANGUAGES}
    extra: tuple[tuple[str, Any], ...] = (("labels", e.labels), ("start", e.start), ("end", e.end),
                                          ("dates", e.dates), ("sources", e.sources), ("count", e.count))
    for key, value in extra:
        if value:
            item[key] = value
    name = item["names"][lang] if e.labels else gettext(relations.get(e.relation, e.relation), lang)
    if e.count:
        name += f" ({e.count})"
        item["width"] = min(1 + math.log(e.count), 8)
    if labelled:
        item["label"] = _shorten(name, 30)
    item["title"] = name
    return item


#: The rest length of an entity view's edges (canvas units): about the width of a 40-character label.
ENTITY_SPRING_LENGTH = 260
#: The largest label of an entity view (px): labels grow with their node's relations up to this size.
ENTITY_LABEL_MAX = 18


def _set_options(net: Network, view: ViewGraph, seed: int, *, physics: bool) -> None:
    """vis-network's options for the view: groups, arrows, layout, interaction for its size, and
    the physics that lays it out (seeded, bounded, then frozen)."""
    opts = net.options
    opts.groups = group_options(GROUPS)
    opts.edges.arrows = {"to": {"enabled": True, "scaleFactor": 0.4}}
    opts.edges.smooth.enabled = physics
    opts.layout = {"randomSeed": seed, "improvedLayout": len(view.nodes) <= 100}
    big = len(view.nodes) > 1000
    opts.interaction.hover = not big
    opts.interaction.hideEdgesOnDrag = big
    opts.interaction.hideEdgesOnZoom = big
    if view.focus is not None:
        # an entity view is a star around its focus, with long labels (meetings' names): springs
        # as long as a label is wide and full overlap avoidance keep the labels at the centre apart
        net.barnes_hut(gravity=-9000, central_gravity=0.2, spring_length=ENTITY_SPRING_LENGTH, spring_strength=0.04,
                       damping=0.3, overlap=1)
        opts.nodes["scaling"]["label"]["max"] = ENTITY_LABEL_MAX  # the busiest neighbours' labels grow less
    else:
        net.barnes_hut(gravity=-4000, central_gravity=0.3, spring_length=110, spring_strength=0.04, damping=0.3,
                       overlap=0.2)
    opts.physics.enabled = physics
    opts.physics.minVelocity = 1.5
    opts.physics.stabilization.iterations = 300 if len(view.nodes) < 150 else 150


def _page_meta(view: ViewGraph, options: RenderOptions, relations: dict[str, str]) -> dict[str, Any]:
    """What the page needs besides vis-network's data: titles, legend, relations' names, the
    sources cited, the years, the focus and what an entity view shows at first."""
    cited = {s for n in view.nodes.values() for s in n.sources} | {s for e in view.edges for s in e.sources}
    meta = {
        "view": "entity" if view.focus else "graph", "titles": view.titles or dict.fromkeys(LANGUAGES, view.title),
        "lang": options.lang, "linkBase": options.link_base,
        "idBase": BASE, "seed": options.seed, "aggregated": view.aggregated, "years": view.year_extent(),
        "initialYears": view.initial_years,
        "groups": {k: g for k, g in GROUPS.items() if any(n.group == k for n in view.nodes.values())},
        "relations": relations, "kinds": view.kind_labels, "focus": view.focus, "hops": view.hops,
        "hiddenGroups": sorted(view.hidden_groups),
        "sources": {k: v for k, v in view.source_info.items() if k in cited},
    }
    if view.focus is not None:
        meta["shownAtFirst"] = len(shown_at_first(view))
    return meta


def aggregate(view: ViewGraph) -> ViewGraph:
    """One node per kind of entity and decade (undated: per kind), one edge per pair of groups."""
    cluster_of: dict[str, str] = {}
    clusters: dict[str, Node] = {}
    for iri, n in view.nodes.items():
        decade = (n.start // 10) * 10 if n.start is not None else None
        key = f"cluster:{n.group}:{decade if decade is not None else 'undated'}"
        cluster_of[iri] = key
        c = clusters.get(key)
        if c is None:
            name = GROUPS[n.group]["name"]
            labels = {lang: f"{gettext(name, lang)} {decade}s" if decade is not None else gettext(name, lang)
                      for lang in LANGUAGES}
            end = None if n.group in _OPEN_ENDED or decade is None else decade + 9
            c = clusters[key] = Node(key, n.group, "cluster", labels, decade, end,
                                     f"{decade}–{decade + 9}" if decade is not None else "")
        c.count += 1
        if len(c.members) < 8:
            c.members.append(best_label(n.labels, "en"))
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for e in view.edges:
        a, b = cluster_of[e.source], cluster_of[e.target]
        if a != b:
            weights[(a, b)] += 1
    for c in clusters.values():
        for lang in LANGUAGES:
            c.labels[lang] += f" ({c.count})"
    edges = [Edge(a, b, "aggregate", count=w) for (a, b), w in sorted(weights.items())]
    titles = {lang: gettext("{title} (aggregated: {n} entities)", lang).format(title=view.title_in(lang),
                                                                                 n=len(view.nodes))
              for lang in LANGUAGES}
    return ViewGraph(titles["en"], clusters, edges, view.source_info, view.initial_years, aggregated=True,
                     kind_labels=view.kind_labels, titles=titles)



def timeline_layout(view: ViewGraph, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Deterministic positions for large views: x by year, y by kind; undated nodes are moved to
    the mean of their neighbours (a few rounds of Laplacian smoothing), so hubs sit among what
    they join. Linear in the size of the graph.

    >>> v = ViewGraph("t", {"a": Node("a", "meeting", "Summit", {}, 1965, 1965),
    ...                     "b": Node("b", "meeting", "Summit", {}, 2025, 2025),
    ...                     "p": Node("p", "leader", "Person", {})}, [Edge("p", "a", "x"), Edge("p", "b", "x")])
    >>> pos = timeline_layout(v)
    >>> pos["a"][0] < pos["p"][0] < pos["b"][0]
    True
    """
    rng = random.Random(seed)
    order = list(GROUPS)
    extent = view.year_extent() or (0, 1)
    span = max(extent[1] - extent[0], 1)
    width = max(1500.0, 40.0 * math.sqrt(len(view.nodes)) * 4)
    band = width / (len(order) * 1.5)
    pos: dict[str, list[float]] = {}
    for iri in sorted(view.nodes):
        n = view.nodes[iri]
        y = order.index(n.group) * band + rng.uniform(0, band * 0.9)
        if n.start is not None:
            x = (n.start - extent[0]) / span * width + rng.uniform(-0.4, 0.4) * width / span
        else:
            x = rng.uniform(0, width)
        pos[iri] = [x, y]
    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    floating = sorted(k for k, n in view.nodes.items() if n.start is None and neighbours[k])
    for _ in range(15):
        for k in floating:
            near = neighbours[k]
            mx = sum(pos[v][0] for v in near) / len(near)
            my = sum(pos[v][1] for v in near) / len(near)
            pos[k] = [0.5 * pos[k][0] + 0.5 * mx, 0.5 * pos[k][1] + 0.5 * my]
    for k in floating:  # spread nodes that smoothing put on the same spot
        pos[k][0] += rng.uniform(-band, band) * 0.3
        pos[k][1] += rng.uniform(-band, band) * 0.3
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}

