"""Regression tests for what made the views hard to read: a person's view titled "its neighbourhood",
the leaders' edge labels lost on thick edges, the labels at the centre of an entity view drawn over
each other (checked in headless Chromium on the drawn label boxes)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kjgraph.query import KnowledgeGraph
from kjgraph.render import entity_network, leaders_network, neighbourhood_view, whole_view, write_network

ID = "https://w3id.org/kjgraph/id/"
LEE = f"{ID}person/lee-jae-myung"


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return KnowledgeGraph.in_memory()


def test_a_persons_view_is_titled_their_neighbourhood_a_places_its(shipped: KnowledgeGraph) -> None:
    whole = whole_view(shipped)
    assert neighbourhood_view(whole, LEE, 1).title == "kjgraph: Lee Jae-myung and their neighbourhood (1 hop)"
    assert neighbourhood_view(whole, LEE, 2, "ko").titles["ko"] == "kjgraph: 이재명의 주변 (2단계)"
    assert neighbourhood_view(whole, f"{ID}place/nara", 1).title == "kjgraph: Nara and its neighbourhood (1 hop)"


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` or ``#rgb``."""
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_leaders_edge_labels_stand_on_an_opaque_box_as_high_as_the_thickest_edge(shipped: KnowledgeGraph) -> None:
    net = leaders_network(shipped)
    font, widest = net.options.edges.font, net.options.edges.scaling["max"]
    background = font["background"]
    assert background.startswith("#") and len(background) == 7  # opaque: the edge does not show through
    light, dark = sorted((_luminance(background), _luminance(font["color"])), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 7  # WCAG AAA contrast between the count and its box
    assert font["size"] >= widest  # the box covers the thickest edge across


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("hops", [1, 2])
def test_no_label_at_the_centre_of_an_entity_view_overlaps_another(shipped: KnowledgeGraph, tmp_path: Path,
                                                                     open_page, hops: int) -> None:
    page = open_page(write_network(entity_network(shipped, LEE, hops=hops), tmp_path / f"lee-{hops}.html"),
                     f"lee-centre-{hops}-hops")
    boxes = page.js("""(focus) => {
        const net = kjgraph.network, near = new Set([focus]);
        kjgraph.edgesView.get().forEach(e => {
            if (e.from === focus) near.add(e.to);
            if (e.to === focus) near.add(e.from); });
        return kjgraph.nodesView.getIds().filter(id => id === focus || near.has(id)).map(id => {
            const s = net.body.nodes[id].labelModule.size;
            return {id: id, left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height}; }); }""",
                    LEE)
    assert len(boxes) > 5 and any(b["id"] == LEE for b in boxes)
    focus = next(b for b in boxes if b["id"] == LEE)
    others = page.js("""(focus) => kjgraph.nodesView.getIds().filter(id => id !== focus).map(id => {
        const s = kjgraph.network.body.nodes[id].labelModule.size;
        return {id: id, left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height}; })""", LEE)

    def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
        return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]

    # the focus' label is clear of every other label; its neighbours' labels are clear of each other
    assert [b["id"] for b in others if overlap(focus, b)] == []
    assert [(a["id"], b["id"]) for a, b in itertools.combinations(boxes, 2) if overlap(a, b)] == []
    assert page.errors == []
