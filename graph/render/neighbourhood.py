"""An entity's neighbourhood, drawn so that it is readable at first: the focus marked, hubs
collapsed until clicked, sources hidden until shown, at most a screenful of nodes shown
(:func:`neighbourhood_view`, :func:`shown_at_first`; the page's script applies the same rules).

>>> from kjgraph.query import KnowledgeGraph
>>> from kjgraph.render.extract import whole_view
>>> view = neighbourhood_view(whole_view(KnowledgeGraph.in_memory()), "나라시")
>>> view.focus
'https://w3id.org/kjgraph/id/place/nara'
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from kjgraph.i18n import gettext, ngettext
from kjgraph.labels import LANGUAGES, check_language
from kjgraph.render.model import GROUPS, Edge, Node, RenderError, ViewGraph, best_label
from kjgraph.text import display_text

#: The most nodes an entity view shows before the reader expands anything (a screenful).
SCREENFUL = 60
#: Entities with more relations than this (in the whole graph, sources left out) are hubs.
HUB_DEGREE = 20


def resolve_entity(view: ViewGraph, text: str) -> str:
    """The IRI of the node named by ``text``: an IRI, ``kind:slug``, a label in any language
    (exact, case-insensitive) or a slug (:func:`kjgraph.entities.match_entity`, the resolver
    ``kjgraph analyze`` uses too). Raises :class:`RenderError` when missing or ambiguous.

    >>> view = ViewGraph("t", {"https://w3id.org/kjgraph/id/place/nara":
    ...     Node("https://w3id.org/kjgraph/id/place/nara", "place", "City", {"en": "Nara", "ko": "나라"})}, [])
    >>> resolve_entity(view, "나라")
    'https://w3id.org/kjgraph/id/place/nara'
    """
    from kjgraph.entities import EntityError, match_entity

    try:
        return match_entity(text, {iri: list(n.labels.values()) for iri, n in view.nodes.items()},
                            demote={iri for iri, n in view.nodes.items() if n.group == "source"},
                            english={iri: n.labels.get("en", "") for iri, n in view.nodes.items()})
    except EntityError as exc:
        raise RenderError(str(exc)) from None


def _titles(message: Callable[[str], str], labels: dict[str, str], **values: Any) -> dict[str, str]:
    """A title per language: ``message(lang)`` (a translated text), with the entity's name in that
    language and ``values`` filled in."""
    return {lang: "kjgraph: " + message(lang).format(name=display_text(best_label(labels, lang)), **values)
            for lang in LANGUAGES}


def _adjacency(view: ViewGraph) -> dict[str, set[str]]:
    """Undirected neighbours, with sources left out (they join everything they cite) unless the
    source is the view's focus."""
    def walkable(k: str) -> bool:
        return view.nodes[k].group != "source" or k == view.focus

    adj: dict[str, set[str]] = defaultdict(set)
    for e in view.edges:
        if e.source in view.nodes and e.target in view.nodes and walkable(e.source) and walkable(e.target):
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
    return adj


def reach(view: ViewGraph, expanded: Iterable[str] = (), *,
          adjacency: dict[str, set[str]] | None = None) -> dict[str, int]:
    """The nodes an entity view shows, with their distance from the focus: a breadth-first walk
    from the focus up to ``hops`` relations that does not go on through a hub unless the hub is in
    ``expanded`` (the hub itself is shown); sources are never walked through. A view without a
    focus shows every node (distance 0). The page's script applies the same rule."""
    if view.focus is None or view.focus not in view.nodes:
        return dict.fromkeys(view.nodes, 0)
    adj = adjacency if adjacency is not None else _adjacency(view)
    open_hubs = set(expanded)
    hops = view.hops if view.hops is not None else 1
    depth = {view.focus: 0}
    queue = deque([view.focus])
    while queue:
        u = queue.popleft()
        if (u != view.focus and u in view.hubs and u not in open_hubs) or depth[u] >= hops:
            continue
        for v in sorted(adj.get(u, ())):
            if v not in depth:
                depth[v] = depth[u] + 1
                queue.append(v)
    return depth


def shown_at_first(view: ViewGraph, expanded: Iterable[str] = (), *, groups: Iterable[str] | None = None) -> set[str]:
    """The nodes the page shows: those :func:`reach` finds, the sources they cite, less the node
    groups hidden (``groups``: the groups shown; default all but ``view.hidden_groups``)."""
    shown = set(reach(view, expanded))
    if view.focus is not None:
        shown |= {s for k in list(shown) for s in view.nodes[k].sources if s in view.nodes}
        shown |= {e.target for e in view.edges if e.source in shown and e.target in view.nodes
                  and view.nodes[e.target].group == "source"}
    visible_groups = set(groups) if groups is not None else set(GROUPS) - view.hidden_groups
    return {k for k in shown if view.nodes[k].group in visible_groups or k == view.focus}


def neighbourhood_view(view: ViewGraph, entity: str, hops: int = 1, lang: str = "en", *,
                       max_shown: int | None = SCREENFUL, hub_degree: int = HUB_DEGREE) -> ViewGraph:
    """``entity`` and every entity within ``hops`` relations, walking through anything but
    sources (which would join everything they cite); the sources cited are added as leaves.

    The view is readable at first (see the module's docstring): countries and entities with more
    than ``hub_degree`` relations in the whole view are hubs, collapsed until clicked; sources are
    hidden until shown; while more than ``max_shown`` nodes would be shown, the entity with most
    relations through which the walk goes on is collapsed too, and an entity whose own relations
    are more than ``max_shown`` has its neighbours grouped by kind (one expandable node per
    kind). ``max_shown=None`` shows everything at first (no hubs). Raises :class:`RenderError`
    for a negative ``hops`` and for an entity that is missing or ambiguous.
    """
    import networkx as nx

    if hops < 0:
        raise RenderError(f"hops must be 0 or more, got {hops}")
    iri = resolve_entity(view, entity)
    walk = view.subgraph((k for k, n in view.nodes.items() if n.group != "source" or k == iri), "")
    whole = walk.to_networkx().to_undirected(as_view=True)
    near = set(nx.ego_graph(whole, iri, radius=hops))
    near |= {s for k in near for s in view.nodes[k].sources if s in view.nodes}
    titles = _neighbourhood_titles(view.nodes[iri], hops)
    result = view.subgraph(near, titles.get(check_language(lang), titles["en"]))
    result.titles = titles
    result.focus, result.hops = iri, hops
    if max_shown is None:
        return result
    result.hidden_groups = {"source"}
    degree = {k: d for k, d in whole.degree()}
    result.hubs = {k for k, n in result.nodes.items() if k != iri and n.group != "source"
                   and (n.group == "country" or degree.get(k, 0) > hub_degree)}
    _collapse_to_screenful(result, degree, max_shown, lang)
    return result


#: The groups whose nodes are people: their view's title says "their neighbourhood", not "its".
PEOPLE = frozenset({"leader", "person"})


def _neighbourhood_titles(focus: Node, hops: int) -> dict[str, str]:
    """The title of an entity's neighbourhood in every language, a person's ("… and their
    neighbourhood") told apart from a thing's ("… and its neighbourhood")."""
    if focus.group in PEOPLE:
        return _titles(lambda code: ngettext("{name} and their neighbourhood ({hops} hop)",
                                             "{name} and their neighbourhood ({hops} hops)", hops, code),
                       focus.labels, hops=hops)
    return _titles(lambda code: ngettext("{name} and its neighbourhood ({hops} hop)",
                                         "{name} and its neighbourhood ({hops} hops)", hops, code),
                   focus.labels, hops=hops)


def _collapse_to_screenful(view: ViewGraph, degree: dict[str, int], max_shown: int, lang: str) -> None:
    """Collapse more of an entity view (its ``focus`` and ``hops`` set) until at most ``max_shown``
    nodes are shown at first: the focus' neighbours grouped by kind when they alone are too many,
    then, one at a time, the entity with most relations through which the walk goes on
    (``degree``: relations in the whole graph, to break ties)."""
    focus, hops = view.focus, view.hops if view.hops is not None else 1
    adjacency = _adjacency(view)
    if len(adjacency.get(focus or "", ())) + 1 > max_shown:
        _group_neighbours(view, lang)
        adjacency = _adjacency(view)
    while len(shown_at_first(view)) > max_shown:
        depth = reach(view, adjacency=adjacency)
        through = [k for k, d in depth.items() if k != focus and k not in view.hubs and d < hops
                   and any(depth.get(v) == d + 1 for v in adjacency.get(k, ()))]
        if not through:
            break
        view.hubs.add(max(through, key=lambda k: (len(adjacency.get(k, ())), degree.get(k, 0), k)))


def _group_neighbours(view: ViewGraph, lang: str) -> None:
    """Replace the focus' direct relations by one node per kind of neighbour (a hub that expands
    to them): ``Meetings (45)`` → each meeting. The relations keep their names and sources."""
    focus = view.focus
    assert focus is not None
    members: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if a == focus and b in view.nodes and view.nodes[b].group != "source":
                group = members[view.nodes[b].group]
                if b not in group:
                    group.append(b)
    grouped = {g for g, ms in members.items() if len(ms) > 3}
    moved: list[Edge] = []
    kept: list[Edge] = []
    for e in view.edges:
        other = e.target if e.source == focus else e.source if e.target == focus else None
        if other is not None and view.nodes[other].group in grouped:
            group_id = f"group:{view.nodes[other].group}"
            moved.append(replace(e, source=group_id if e.source == focus else e.source,
                                 target=group_id if e.target == focus else e.target))
        else:
            kept.append(e)
    for g in sorted(grouped):
        group_id = f"group:{g}"
        count = len(members[g])
        labels = {lang_: f"{gettext(GROUPS[g]['name'], lang_)} ({count})" for lang_ in LANGUAGES}
        view.nodes[group_id] = Node(group_id, g, "group", labels, count=count,
                                    members=[best_label(view.nodes[m].labels, lang) for m in members[g][:8]])
        kept.append(Edge(focus, group_id, "grouped", count=count))
        view.hubs.add(group_id)
    view.edges = kept + moved

