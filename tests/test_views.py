"""Views that answer questions, drawn by `kjgraph render` and from Python, checked in headless Chromium:
the diplomacy timeline, the leaders' network and a leader's neighbourhood that fits on a screen.

The numbers a page must draw are computed here with SPARQL written for the test (the counting
rule of docs/decisions/20261201-counting-leader-meetings.md, spelled out again) and with the
library queries, never frozen. Screenshots land where tests/test_render.py puts them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kjgraph.i18n import gettext
from kjgraph.query import KnowledgeGraph, plain
from kjgraph.render import SCREENFUL, entity_network, leaders_network, timeline_network, write_network
from kjgraph.store import StoreLocation
from tests.conftest import Page, assert_offline_and_clean, render, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ID = "https://w3id.org/kjgraph/id/"
LEE = f"{ID}person/lee-jae-myung"
#: A leaders' meeting, per the counting rule: one event of the class, with a President of the ROK and a Prime
#: Minister of Japan among its participants in the capacity of those terms.
RULE = """SELECT DISTINCT ?e ?kr ?jp ?day WHERE {{
  ?e a {cls} ; kjo:participation ?a , ?b ; kjo:earliestDate ?day .
  ?a kjo:participant ?kr ; kjo:inCapacityOf ?ta . ?ta kjo:office office:president-kr .
  ?b kjo:participant ?jp ; kjo:inCapacityOf ?tb . ?tb kjo:office office:prime-minister-jp .
}}"""


def contacts(kg: KnowledgeGraph, cls: str) -> dict[str, tuple[str, str, str]]:
    """event → (kr, jp, the latest of its earliest dates) for the events of ``cls`` the rule counts."""
    found: dict[str, tuple[str, str, str]] = {}
    for r in kg.rows(RULE.format(cls=cls)):
        e, day = plain(r["e"]), plain(r["day"])
        if e not in found or day > found[e][2]:
            found[e] = (plain(r["kr"]), plain(r["jp"]), day)
    return found


def legend_counts(page: Page) -> dict[str, int]:
    return {k: int(v) for k, v in page.js(
        "Object.fromEntries([...document.querySelectorAll('#kj-legend li')].map("
        "li => [li.dataset.group || li.dataset.edgeKind, li.dataset.count]))").items()}


def dom_x(page: Page, ids: list[str]) -> dict[str, float]:
    return page.js("""(ids) => { const pos = kjgraph.network.getPositions(ids); const out = {};
                        for (const id of ids) out[id] = kjgraph.network.canvasToDOM(pos[id]).x; return out; }""", ids)


# ------------------------------------------------------------------ the diplomacy timeline

@pytest.fixture(scope="module")
def timeline_page(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("timeline"), built_store, "timeline")


def test_timeline_marks_every_meeting_call_agreement_and_incident(timeline_page: Path, open_page,
                                                                  kg: KnowledgeGraph) -> None:
    page = open_page(timeline_page, "timeline")
    assert_offline_and_clean(page)
    groups = Counter(page.js("kjgraph.data.nodes.map(n => n.group)"))
    expected = {
        "summit": len(contacts(kg, "kjo:Summit")), "sideline": len(contacts(kg, "kjo:SidelineMeeting")),
        "brief-talk": len(contacts(kg, "kjo:BriefTalk")), "call": len(contacts(kg, "kjo:LeaderCall")),
        "kr-term": len(kg.rows("SELECT ?t WHERE { ?t kjo:office office:president-kr ; schema:startDate ?s }")),
        "jp-term": len(kg.rows("SELECT ?t WHERE { ?t kjo:office office:prime-minister-jp ; schema:startDate ?s }")),
        "incident": len(kg.rows("SELECT DISTINCT ?e WHERE { ?e a kjo:Incident ; kjo:earliestDate ?d }")),
        "shuttle-active": len(kg.rows("SELECT ?p WHERE { ?p a kjo:SeriesPhase ; kjo:status kjo:active }")),
        "shuttle-suspended": len(kg.rows("SELECT ?p WHERE { ?p a kjo:SeriesPhase ; kjo:status kjo:suspended }")),
        "gap": len(kg.run("summit-gaps").rows),
    }
    assert expected["summit"] > 0 and expected["call"] > 0 and expected["brief-talk"] > 0
    assert {g: groups[g] for g in expected} == expected
    # the library's counts agree: stand-alone + sideline + brief talks = every leaders' meeting, calls apart
    library = {kind: sum(int(plain(r["number"])) for r in kg.run("leader-meetings", kind=kind).rows)
               for kind in ("all", "stand-alone", "sideline", "brief-talk", "call")}
    assert library["all"] == expected["summit"] + expected["sideline"] + expected["brief-talk"]
    assert (library["stand-alone"], library["sideline"], library["brief-talk"], library["call"]) == \
        (expected["summit"], expected["sideline"], expected["brief-talk"], expected["call"])
    # the legend says the same numbers, and everything is drawn
    assert {g: c for g, c in legend_counts(page).items() if g in expected} == expected
    assert page.js("kjgraph.nodesView.length") == len(page.js("kjgraph.data.nodes"))
    # a meeting is placed on its day: x grows with the date
    meetings = page.js("kjgraph.data.nodes.filter(n => n.lane === 'meeting').map(n => [n.at, n.id])")
    xs = dom_x(page, [m[1] for m in sorted(meetings)])
    ordered = [xs[m[1]] for m in sorted(meetings)]
    assert ordered == sorted(ordered)


def test_timeline_zooms_to_a_period(timeline_page: Path, open_page, kg: KnowledgeGraph, shots: Path) -> None:
    page = open_page(timeline_page)
    width = page.js("document.getElementById('kj-network').clientWidth")
    # the presets: every decade and administration; choose Moon Jae-in's as a reader would
    moon = kg.rows("""SELECT ?s ?e WHERE { ?t kjo:holder person:moon-jae-in ; kjo:office office:president-kr ;
                      schema:startDate ?s ; schema:endDate ?e }""")[0]
    label = page.js("[...document.querySelectorAll('#kj-periods option')].map(o => o.textContent)"
                    ".find(t => t.startsWith('Moon Jae-in'))")
    page.page.select_option("#kj-periods", label=label)
    lo, hi = page.js("kjgraph.zoomed")
    assert int(lo) == int(plain(moon["s"])[:4]) and int(hi) == int(plain(moon["e"])[:4])
    inside = {e: day for e, (_kr, _jp, day) in contacts(kg, "kjo:LeadersMeeting").items()
              if plain(moon["s"]) <= day <= plain(moon["e"])}
    outside = {e for e, (_kr, _jp, day) in contacts(kg, "kjo:LeadersMeeting").items()
               if day < str(int(plain(moon["s"])[:4]) - 1) or day > str(int(plain(moon["e"])[:4]) + 2)}
    xs = dom_x(page, [*inside, *outside])
    assert inside and all(0 <= xs[e] <= width for e in inside)
    assert all(xs[e] < 0 or xs[e] > width for e in outside)
    # marks keep their size when the axis stretches (a period's marks are not magnified)
    assert 0.3 < page.js("kjgraph.network.getScale()") < 2
    page.page.screenshot(path=str(shots / "timeline-moon-jae-in.png"))
    # any years, typed
    page.page.fill("#kj-zoom-from", "1998")
    page.page.fill("#kj-zoom-to", "1998")
    page.page.click("#kj-zoom-go")
    assert page.js("kjgraph.zoomed") == [1998, 1999]
    assert page.errors == []


def test_timeline_in_korean(built_store: StoreLocation, tmp_path: Path, open_page, shots: Path) -> None:
    page = open_page(render(tmp_path, built_store, "timeline", "--lang", "ko"), "timeline-ko")
    legend = page.page.inner_text("#kj-legend")
    for message in ("Stand-alone summits", "Leaders' calls", "Presidents of the Republic of Korea"):
        assert gettext(message, "ko") in legend and message not in legend
    title = gettext("Korea–Japan diplomacy {first}–{last}: administrations, leaders' meetings and calls, agreements, "
                    "incidents", "ko")
    assert page.page.inner_text("#kj-title").startswith("kjgraph: " + title.split("{first}")[0])
    assert "이재명" in page.js("kjgraph.nodes.get().map(n => n.title.textContent).join(' ')")
    page.js("kjgraph.setLanguage('de')")
    assert gettext("Stand-alone summits", "de") in page.page.inner_text("#kj-legend")
    assert page.js("document.documentElement.lang") == "de"


# ------------------------------------------------------------------ the leaders' network

@pytest.fixture(scope="module")
def leaders_page(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("leaders"), built_store, "leaders")


def test_leaders_network_counts_meetings_by_the_rule(leaders_page: Path, open_page, kg: KnowledgeGraph) -> None:
    page = open_page(leaders_page, "leaders")
    assert_offline_and_clean(page)
    pairs = Counter((kr, jp) for kr, jp, _day in contacts(kg, "kjo:LeadersMeeting").values())
    library = {(plain(r["kr_leader"]), plain(r["jp_leader"])): int(plain(r["number"]))
               for r in kg.run("leader-meetings").rows}
    assert dict(pairs) == library  # the rule written here and the library agree
    drawn = {(e["from"], e["to"]): int(e["label"]) for e in page.js("kjgraph.edgesView.get()")}
    assert drawn == library
    assert legend_counts(page)["meetings"] == sum(library.values())
    # every leader of both offices is a node
    leaders = {plain(r["p"]) for r in kg.rows("""SELECT DISTINCT ?p WHERE { ?t kjo:holder ?p ;
        kjo:office ?o VALUES ?o { office:president-kr office:prime-minister-jp } }""")}
    assert set(page.js("kjgraph.nodes.getIds()")) == leaders
    # calls: hidden at first, counted apart
    calls = Counter((kr, jp) for kr, jp, _day in contacts(kg, "kjo:LeaderCall").values())
    assert not any(e.get("dashes") for e in page.js("kjgraph.edgesView.get()"))
    page.page.click("#kj-legend input[data-edge-kind=calls]")
    dashed = {(e["from"], e["to"]): int(e["label"]) for e in page.js("kjgraph.edgesView.get()") if e.get("dashes")}
    assert dashed == dict(calls)


def test_leaders_network_year_slider(leaders_page: Path, open_page, kg: KnowledgeGraph, shots: Path) -> None:
    page = open_page(leaders_page)
    meetings = contacts(kg, "kjo:LeadersMeeting")
    for lo, hi in ((2008, 2012), (1998, 1998), (2025, 2026)):
        # as a reader does: move both sliders, then the page reads them (Playwright cannot drag a range input)
        page.js("""([lo, hi]) => { document.getElementById("kj-from").value = lo;
                     const to = document.getElementById("kj-to"); to.value = hi;
                     to.dispatchEvent(new Event("input")); }""", [lo, hi])
        expected = Counter((kr, jp) for kr, jp, day in meetings.values() if lo <= int(day[:4]) <= hi)
        drawn = {(e["from"], e["to"]): int(e["label"]) for e in page.js("kjgraph.edgesView.get()")}
        assert drawn == dict(expected), (lo, hi)
        assert page.page.inner_text("#kj-period") == f"{lo} – {hi}"
        if (lo, hi) == (2008, 2012):
            page.page.screenshot(path=str(shots / "leaders-2008-2012.png"))
    assert page.errors == []


# ------------------------------------------------------------------ a leader's neighbourhood on one screen

def test_entity_view_of_a_leader_fits_on_a_screen(built_store: StoreLocation, tmp_path: Path, open_page,
                                                  kg: KnowledgeGraph) -> None:
    out = tmp_path / "lee.html"
    result = run_cli("render", "entity", "이재명", "--hops", "2", "--store", str(built_store.root), "-o", str(out),
                     check=True)
    page = open_page(out, "entity-lee-jae-myung-2-hops")
    assert_offline_and_clean(page)
    total = len(page.js("kjgraph.data.nodes"))
    shown = page.js("kjgraph.nodesView.getIds()")
    assert total > 200 and len(shown) <= SCREENFUL
    assert f"{len(shown)} shown at first" in result.stdout
    # the focus is marked, sources are off, the country is a collapsed hub
    focus = page.js("(id) => kjgraph.nodes.get(id)", LEE)
    assert focus["focus"] is True and focus["borderWidth"] >= 3 and LEE in shown
    assert page.js("document.querySelector('#kj-legend input[data-group=source]').checked") is False
    assert not any(i.startswith(f"{ID}source/") for i in shown)
    kr = f"{ID}country/kr"
    assert page.js("(id) => kjgraph.isCollapsed(id)", kr)
    assert page.js("(id) => kjgraph.nodes.get(id).label", kr).endswith(")")  # "Republic of Korea (+N)"
    # every node shown lies inside the drawing: a screenful
    box = page.js("(() => { const r = document.getElementById('kj-network').getBoundingClientRect();"
                  " return [r.width, r.height]; })()")
    xy = page.js("""(ids) => { const p = kjgraph.network.getPositions(ids);
                               return ids.map(id => kjgraph.network.canvasToDOM(p[id])); }""", shown)
    assert all(-5 <= q["x"] <= box[0] + 5 and -5 <= q["y"] <= box[1] + 5 for q in xy)
    # a click on the hub expands it; a second click folds it again
    x, y = page.js("""(id) => { const d = kjgraph.network.canvasToDOM(kjgraph.network.getPositions([id])[id]);
                                const r = document.getElementById('kj-network').getBoundingClientRect();
                                return [d.x + r.left, d.y + r.top]; }""", kr)
    page.page.mouse.click(x, y)
    opened = page.js("kjgraph.nodesView.length")
    assert opened > len(shown) and not page.js("(id) => kjgraph.isCollapsed(id)", kr)
    assert gettext("Hide its neighbours", "en") in page.page.inner_text("#kj-details")
    page.page.click("#kj-expand")
    assert page.js("kjgraph.nodesView.length") == len(shown)
    # sources one click away
    page.page.click("#kj-legend input[data-group=source]")
    assert any(i.startswith(f"{ID}source/") for i in page.js("kjgraph.nodesView.getIds()"))
    assert page.errors == []


def test_entity_view_without_a_limit_shows_everything(built_store: StoreLocation, tmp_path: Path,
                                                      open_page) -> None:
    out = tmp_path / "lee-all.html"
    run_cli("render", "entity", LEE, "--hops", "1", "--max-shown", "0", "--store", str(built_store.root),
            "-o", str(out), check=True)
    page = open_page(out)
    assert page.js("kjgraph.nodesView.length") == len(page.js("kjgraph.data.nodes"))


# ------------------------------------------------------------------ from Python: pyvis networks

def test_views_are_pyvis_networks_adjusted_with_pyvis(kg: KnowledgeGraph, tmp_path: Path, open_page) -> None:
    from pyvis.network import Network

    for make in (lambda: timeline_network(kg, lang="ja"), lambda: leaders_network(kg),
                 lambda: entity_network(kg, "이재명", hops=2)):
        net = make()
        assert isinstance(net, Network)
    # a reader adjusts a view with pyvis' own API, then writes it offline
    net = leaders_network(kg, lang="ko")
    net.add_node("note", label="메모 <b>not bold</b>", shape="box", color="#ffff00", x=0, y=-300)
    net.add_edge("note", LEE)
    net.toggle_physics(False)
    net.set_edge_smooth("curvedCW")
    page = open_page(write_network(net, tmp_path / "leaders-adjusted.html"), "leaders-adjusted-with-pyvis")
    assert_offline_and_clean(page)
    assert page.js("kjgraph.nodes.get('note').label") == "메모 <b>not bold</b>"  # text, not markup
    assert page.js("document.querySelectorAll('b').length") == 0
    assert page.js("kjgraph.data.options.edges.smooth.type") == "curvedCW"
    assert page.js("kjgraph.data.meta.physics") is False
    assert "이재명" in page.js("kjgraph.nodes.getIds().map(id => kjgraph.nodes.get(id).label)")


def test_a_network_made_with_pyvis_alone(tmp_path: Path, open_page) -> None:
    from pyvis.network import Network

    net: Any = Network(directed=True)
    net.add_node(1, label="Seoul", title="<script>window.__pwned=1</script>")
    net.add_node(2, label="Tokyo")
    net.add_edge(1, 2, title="KTX?")
    page = open_page(write_network(net, tmp_path / "plain.html", lang="de"))
    assert_offline_and_clean(page)
    assert page.js("kjgraph.nodesView.length") == 2 and page.js("window.__pwned") is None
    assert page.page.inner_text("#kj-side h2") == gettext("Legend", "de")


def test_render_rejects_an_unsupported_language(built_store: StoreLocation, tmp_path: Path) -> None:
    for view in ("timeline", "leaders", "all"):
        result = run_cli("render", view, "--lang", "fr", "--store", str(built_store.root), "-o",
                         str(tmp_path / "x.html"))
        assert result.returncode == 2 and "unsupported language 'fr'" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("render", "timeline", "person:lee-jae-myung", "--store", str(built_store.root), "-o",
                     str(tmp_path / "x.html"))
    assert result.returncode == 2 and "takes no TARGET" in result.stderr
    assert not (tmp_path / "x.html").exists()
