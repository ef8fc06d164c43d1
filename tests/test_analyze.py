"""A researcher measures the graph as networks (networkx) from Python and with `kjgraph analyze`.

Node and edge counts are checked against counts computed independently from the store's
triples (pattern matching, no SPARQL), so they follow the data as it grows.
"""

from __future__ import annotations

import csv
from collections import Counter
from itertools import combinations, pairwise

import networkx as nx
import pytest

from kjgraph.analytics import Period, Projector, centrality, communities, over_time, shortest_path, write_graph
from kjgraph.query import KnowledgeGraph
from tests.conftest import run_cli
from tests.test_queries import CHOSEI, ID, KJO, LEE, NARA, SUBJECT, TAKAICHI, instances, leader_meetings, objects


@pytest.fixture(scope="module")
def projector(kg: KnowledgeGraph) -> Projector:
    return Projector(kg)


def test_leaders_linked_by_the_meetings_they_held(kg: KnowledgeGraph, projector: Projector) -> None:
    g = projector.leaders()
    meetings = leader_meetings(kg)
    assert set(g.nodes) == set().union(*meetings.values())
    pairs = Counter(pair for people in meetings.values() for pair in combinations(sorted(people), 2))
    assert g.number_of_edges() == len(pairs)
    assert {tuple(sorted(e)): d["weight"] for *e, d in g.edges(data=True)} == dict(pairs)
    edge = g[LEE][TAKAICHI]
    assert "2026-01-13" in edge["dates"].split(";") and NARA in edge["events"].split(";")
    assert g.nodes[TAKAICHI]["label"] == "Sanae Takaichi"


def test_events_and_topics_bipartite_and_cooccurrence(kg: KnowledgeGraph, projector: Projector) -> None:
    events = instances(kg, "Event")
    links = {(e, t) for e, t in objects(kg, None, SUBJECT.value) if e in events}
    g = projector.events_topics()
    assert g.number_of_edges() == len(links)
    assert g.number_of_nodes() == len({e for e, _ in links} | {t for _, t in links})
    assert nx.is_bipartite(g) and g.nodes[NARA]["bipartite"] == 0

    by_event: dict[str, set[str]] = {}
    for e, t in links:
        by_event.setdefault(e, set()).add(t)
    pairs = Counter(p for topics in by_event.values() for p in combinations(sorted(topics), 2))
    co = projector.topics()
    assert co.number_of_edges() == len(pairs)
    assert {tuple(sorted(e)): d["weight"] for *e, d in co.edges(data=True)} == dict(pairs)


def test_places_by_the_events_they_hosted(kg: KnowledgeGraph, projector: Projector) -> None:
    events = instances(kg, "Event")
    links = {(e, p) for e, p in objects(kg, None, KJO + "place") if e in events}
    g = projector.places()
    assert g.number_of_edges() == len(links)
    hosted = Counter(p for _, p in links)
    assert {n: d["events"] for n, d in g.nodes(data=True) if d["bipartite"] == 0} == dict(hosted)


def test_full_typed_graph_and_the_path_from_chosei_to_nara(kg: KnowledgeGraph, projector: Projector) -> None:
    g = projector.full()
    assert g.nodes[NARA]["kind"] == "Summit" and g.nodes[CHOSEI]["kind"] == "Disaster"
    assert g.has_edge(NARA, CHOSEI, key="kjo:refersTo")
    assert not any(n.startswith(f"{ID}time/") for n in g)
    path = shortest_path(g, CHOSEI, NARA)
    assert path[0]["node"] == CHOSEI and path[-1]["node"] == NARA
    assert path[0]["label"] == "Chōsei coal-mine disaster"
    und = g.to_undirected(as_view=True)
    assert len(path) - 1 == nx.shortest_path_length(und, CHOSEI, NARA)
    for a, b in pairwise(path):
        assert und.has_edge(a["node"], b["node"]) and a["link_to_next"]


def test_measures_and_periods(kg: KnowledgeGraph, projector: Projector) -> None:
    g = projector.leaders()
    rows = centrality(g)
    assert {r["node"] for r in rows} == set(g.nodes)
    lee = next(r for r in rows if r["node"] == LEE)
    assert lee["degree"] == g.degree(LEE) and lee["weighted_degree"] == g.degree(LEE, weight="weight")
    groups = communities(projector.topics())
    assert {r["node"] for r in groups} == set(projector.topics().nodes)
    recent = projector.leaders(Period.parse("2025-01-01", None))
    assert LEE in recent and all(d >= "2025" for *_, data in recent.edges(data=True)
                                 for d in data["dates"].split(";"))
    decades = over_time(kg, "leaders", "decade", top=3)
    assert any(r["period"] == "2020s" and r["node"] in (LEE, TAKAICHI) for r in decades)
    administrations = over_time(kg, "leaders", "administration", top=1)
    assert any("Lee Jae-myung" in r["period"] for r in administrations)


def test_graphml_and_gexf_round_trip(projector: Projector, tmp_path) -> None:
    g = projector.leaders()
    for suffix in ("graphml", "gexf"):
        path = write_graph(g, tmp_path / f"leaders.{suffix}")
        back = nx.read_graphml(path) if suffix == "graphml" else nx.read_gexf(path)
        assert back.number_of_nodes() == g.number_of_nodes()
        assert back.number_of_edges() == g.number_of_edges()


def test_analyze_from_the_command_line(built_store, projector: Projector, tmp_path) -> None:
    store = ["--store", str(built_store.root)]
    out = run_cli("analyze", "path", "event:1942-02-03-chosei-coal-mine-disaster",
                  "event/2026-01-13-nara-summit", *store, check=True).stdout
    assert "Chōsei coal-mine disaster" in out and "Korea–Japan summit in Nara (2026)" in out

    table = tmp_path / "centrality.csv"
    run_cli("analyze", "centrality", "--graph", "topics", "--csv", str(table), *store, check=True)
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == projector.topics().number_of_nodes()
    assert {"degree_centrality", "betweenness"} <= set(rows[0])

    gexf = tmp_path / "full.gexf"
    printed = run_cli("analyze", "export", "--graph", "full", "-o", str(gexf), *store, check=True).stdout
    g = projector.full()
    assert f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges" in printed
    summary = run_cli("analyze", "summary", "--graph", "leaders", *store, check=True).stdout
    assert str(projector.leaders().number_of_nodes()) in summary
    for command in (["communities", "--graph", "leaders"], ["over-time", "--graph", "topics", "--by", "decade"]):
        assert "row(s)" in run_cli("analyze", *command, *store, check=True).stdout
    bad = run_cli("analyze", "path", "person/nobody-at-all", "event/2026-01-13-nara-summit", *store)
    assert bad.returncode != 0 and "nobody-at-all" in bad.stderr
