"""The network as it stood in a period: which nodes and edges a range of years shows
(:func:`visible_in_period`, the rule in :mod:`kjgraph.render`'s docstring, which the page's
script applies too) and the view of a period (:func:`period_view`)."""

from __future__ import annotations

from kjgraph.render.model import Edge, RenderError, ViewGraph


def period_view(view: ViewGraph, start: int | None, end: int | None) -> ViewGraph:
    """The network as it stood from year ``start`` to ``end`` (inclusive; None = open)."""
    extent = view.year_extent() or (0, 0)
    lo, hi = start if start is not None else extent[0], end if end is not None else extent[1]
    if lo > hi:
        raise RenderError(f"--from {lo} is after --to {hi}")
    nodes, edges = visible_in_period(view, lo, hi)
    sub = view.subgraph(nodes, f"kjgraph: {lo}–{hi}")
    sub.edges = edges
    sub.initial_years = (lo, hi)
    return sub


def _overlaps(start: int, end: int | None, lo: int, hi: int) -> bool:
    return start <= hi and (end is None or end >= lo)


def _anchor(view: ViewGraph, e: Edge, v: str, shown: set[str], lo: int, hi: int) -> tuple[bool, bool]:
    """Whether the edge ``e`` to ``v`` anchors an undated node in time (it is dated, or ``v`` is),
    and whether it shows the node in ``lo``–``hi`` (the edge's years overlap and ``v`` is undated
    or shown; or, undated, ``v`` is shown)."""
    if e.start is not None:
        return True, _overlaps(e.start, e.end, lo, hi) and (view.nodes[v].start is None or v in shown)
    if view.nodes[v].start is not None:
        return True, v in shown
    return False, False


def visible_in_period(view: ViewGraph, lo: int, hi: int) -> tuple[set[str], list[Edge]]:
    """Nodes and edges shown for the years ``lo``–``hi`` (the rule in the module docstring).

    >>> from kjgraph.render.model import Node
    >>> a = Node("a", "meeting", "Summit", {"en": "A"}, 1990, 1990)
    >>> p = Node("p", "leader", "Person", {"en": "P"})
    >>> t = Node("t", "topic", "Topic", {"en": "T"})
    >>> v = ViewGraph("t", {"a": a, "p": p, "t": t}, [Edge("p", "a", "host")])
    >>> sorted(visible_in_period(v, 2000, 2010)[0]), sorted(visible_in_period(v, 1980, 1990)[0])
    (['t'], ['a', 'p', 't'])
    """
    nodes = view.nodes
    shown = {k for k, n in nodes.items() if n.start is not None and _overlaps(n.start, n.end, lo, hi)}
    anchored: set[str] = set()
    has_anchor: set[str] = set()
    for e in view.edges:
        for u, v in ((e.source, e.target), (e.target, e.source)):
            if nodes[u].start is not None:
                continue
            anchor, shown_by_it = _anchor(view, e, v, shown, lo, hi)
            if anchor:
                has_anchor.add(u)
            if shown_by_it:
                anchored.add(u)
    shown |= anchored | {k for k, n in nodes.items() if n.start is None and k not in has_anchor}
    edges = [e for e in view.edges if e.source in shown and e.target in shown
             and (e.start is None or _overlaps(e.start, e.end, lo, hi))]
    return shown, edges

