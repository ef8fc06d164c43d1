"""Labels in the reader's language by BCP 47 (RFC 4647 lookup): one function, every place.

With Korean asked for, a person with a Korean label (``ko``) and a Hanja one (``ko-Hani``) is
shown by the Korean one: 이재명, not 李在明. Each place that picks a label is tested: the server's
pages (a real ``kjgraph serve``), renderings (data and the drawn page in Chromium), plots, the
command line (analyze, query) and the Python API. Expectations come from the store: the label
tagged exactly ``ko``, and the ``ko-Hani`` one that must not be shown.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
import requests

from kjgraph.analytics import Projector
from kjgraph.labels import graph_labels, lookup
from kjgraph.query import KnowledgeGraph
from kjgraph.render import RenderOptions, make_view, page_data
from kjgraph.store import StoreLocation
from tests.conftest import run_cli
from tests.servers import KjgraphServer, Server, running

LEE = "https://w3id.org/kjgraph/id/person/lee-jae-myung"
MOON = "https://w3id.org/kjgraph/id/person/moon-jae-in"


@pytest.fixture(scope="module")
def korean(kg: KnowledgeGraph) -> dict[str, tuple[str, str]]:
    """Leaders with both a ``ko`` and a ``ko-Hani`` label: IRI → (Korean, Hanja)."""
    rows = kg.rows("""SELECT ?p ?ko ?hani WHERE { ?t kjo:holder ?p . ?p rdfs:label ?ko , ?hani
                      FILTER (LANG(?ko) = "ko" && LCASE(LANG(?hani)) = "ko-hani") }""")
    found = {r["p"].value: (r["ko"].value, r["hani"].value) for r in rows}  # type: ignore[union-attr]
    assert {LEE, MOON} <= set(found), "the data should hold Hangul and Hanja names of both presidents"
    return found


def test_lookup_prefers_the_exact_tag_to_a_script_variant() -> None:
    labels = [("李在明", "ko-Hani"), ("이재명", "ko"), ("Lee Jae-myung", "en")]
    assert lookup(labels, "ko") == ("이재명", "ko")
    assert lookup(labels, "ko-Hani") == ("李在明", "ko-Hani")
    assert lookup(labels, "ko-KR") == ("이재명", "ko")  # truncation, RFC 4647 §3.4
    assert lookup([("李在明", "ko-Hani"), ("Lee", "en")], "ko") == ("Lee", "en")  # never the variant
    assert lookup([("Nara", "ja-Latn"), ("奈良", "ja")], "ja") == ("奈良", "ja")


def test_python_api(kg: KnowledgeGraph, korean: dict[str, tuple[str, str]]) -> None:
    assert kg.labels(list(korean), "ko") == {iri: ko for iri, (ko, _) in korean.items()}
    assert graph_labels(kg, [LEE], "ko-Hani") == {LEE: korean[LEE][1]}
    assert kg.run("leaders", lang="ko").to_dataframe().set_index("leader").loc[LEE, "name"] == korean[LEE][0]


def test_analytics_labels(kg: KnowledgeGraph, korean: dict[str, tuple[str, str]]) -> None:
    labels = Projector(kg, "ko").labels
    assert all(labels[iri] == ko for iri, (ko, _) in korean.items())


def test_cli_analyze_and_query(built_store: StoreLocation, korean: dict[str, tuple[str, str]]) -> None:
    out = run_cli("analyze", "centrality", "--graph", "leaders", "--top", "0", "--lang", "ko",
                  "--store", str(built_store.root), check=True).stdout
    assert korean[LEE][0] in out and korean[LEE][1] not in out
    out = run_cli("query", "leaders", "--param", "lang=ko", "--store", str(built_store.root), check=True).stdout
    assert korean[MOON][0] in out and korean[MOON][1] not in out


def test_plot_labels(kg: KnowledgeGraph, korean: dict[str, tuple[str, str]]) -> None:
    import matplotlib.pyplot as plt

    from kjgraph.plots import timeline_figure

    fig = timeline_figure(kg, "ko", 2016, 2026)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    shown = {"".join(t.itertext()) for t in ET.fromstring(buffer.getvalue()).iter("{http://www.w3.org/2000/svg}text")}
    for iri in (LEE, MOON):
        assert any(s.startswith(korean[iri][0]) for s in shown)
        assert not any(korean[iri][1] in s for s in shown)


def test_rendering_data(kg: KnowledgeGraph, korean: dict[str, tuple[str, str]]) -> None:
    view = make_view(kg, "entity", "이재명", lang="ko")
    data = page_data(view, RenderOptions(lang="ko"))
    node = next(n for n in data["nodes"] if n["id"] == LEE)
    assert node["names"]["ko"] == korean[LEE][0] and node["names"]["en"] == kg.labels([LEE], "en")[LEE]
    assert korean[LEE][0] in view.title


@pytest.mark.browser
@pytest.mark.slow
def test_rendering_drawn_in_the_browser(browser: object, built_store: StoreLocation, tmp_path: Path,
                                        korean: dict[str, tuple[str, str]]) -> None:
    out = tmp_path / "lee.html"
    run_cli("render", "entity", "person/lee-jae-myung", "--lang", "ko", "--store", str(built_store.root),
            "-o", str(out), check=True)
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(out.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        drawn = page.evaluate(f"window.kjgraph.nodes.get({LEE!r}).label")
        assert drawn == korean[LEE][0]
    finally:
        page.close()


@pytest.fixture(scope="module")
def server(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(KjgraphServer(tmp_path_factory.mktemp("kjserve-labels"), store=built_store.root)) as started:
        yield started


@pytest.mark.server
def test_server_pages(server: Server, korean: dict[str, tuple[str, str]]) -> None:
    """Regression: with ?lang=ko people's pages showed 李在明, 文在寅 (ko-Hani matched ko)."""
    for iri in (LEE, MOON):
        path = iri.removeprefix("https://w3id.org/kjgraph/")
        response = requests.get(f"{server.base}/{path}", params={"lang": "ko"}, headers={"Accept": "text/html"},
                                timeout=30)
        assert response.status_code == 200
        page = html5lib.parse(response.text, namespaceHTMLElements=False)
        assert page.find(".//h1").text == korean[iri][0]
        assert page.find(".//title").text.startswith(korean[iri][0])
    response = requests.get(f"{server.base}/search", params={"q": "Lee Jae-myung", "lang": "ko"}, timeout=30)
    assert response.status_code == 200 and korean[LEE][0] in response.text
