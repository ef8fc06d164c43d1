"""A researcher draws the timeline and the topic heat map with `kjgraph plot`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import matplotlib.image as mpimg
import pytest

from kjgraph.i18n import gettext
from kjgraph.query import KnowledgeGraph, plain
from tests.conftest import run_cli


def svg_texts(path: Path) -> str:
    """Every text drawn in an SVG (read by an XML parser, entities resolved), one per line."""
    return "\n".join("".join(e.itertext()) for e in ET.parse(path).iter("{http://www.w3.org/2000/svg}text"))


def test_timeline_as_png_and_svg_with_korean_names(built_store, kg: KnowledgeGraph, tmp_path) -> None:
    base = tmp_path / "timeline"
    result = run_cli("plot", "timeline", "-o", str(base), "--lang", "ko", "--store", str(built_store.root),
                     check=True)
    png, svg = base.with_name("timeline.png"), base.with_name("timeline.svg")
    assert f"wrote {png}" in result.stdout and f"wrote {svg}" in result.stdout
    assert "missing from font" not in result.stderr  # CJK glyphs were found
    image = mpimg.imread(png)
    assert image.shape[0] > 600 and image.shape[1] > 1200
    assert image[..., :3].std() > 0.05  # not a blank canvas
    text = svg.read_text(encoding="utf-8")
    names = {plain(r["name"]) for r in kg.run("leaders", lang="ko").rows}
    assert "이재명" in names and "이재명" in text
    assert gettext("Leaders' meetings", "ko") in svg_texts(svg)


#: Texts every timeline draws, and the counts its legend must show (from the counting rule).
TIMELINE_TEXTS = ["Leaders' meetings", "Stand-alone summits", "Sideline meetings", "Brief talks", "Leaders' calls",
                  "Agreements signed", "Incidents and rulings", "Prime Minister of Japan",
                  "President of the Republic of Korea", "year"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko", "ja", "de"])
def test_timeline_is_drawn_in_the_readers_language(built_store, kg: KnowledgeGraph, tmp_path, lang: str) -> None:
    out = tmp_path / f"timeline-{lang}.svg"
    run_cli("plot", "timeline", "-o", str(out), "--lang", lang, "--store", str(built_store.root), check=True)
    texts = svg_texts(out)
    for message in TIMELINE_TEXTS:
        assert gettext(message, lang) in texts, (lang, message)
        if lang != "en" and gettext(message, lang) != message:
            assert message not in texts.replace(gettext(message, lang), ""), (lang, message)
    counts = {kind: sum(int(plain(r["number"])) for r in kg.run("leader-meetings", kind=kind).rows)
              for kind in ("stand-alone", "sideline", "brief-talk", "call")}
    for message, kind in (("Stand-alone summits", "stand-alone"), ("Sideline meetings", "sideline"),
                          ("Brief talks", "brief-talk"), ("Leaders' calls", "call")):
        assert f"{gettext(message, lang)} ({counts[kind]})" in texts
    names = {plain(r["name"]) for r in kg.run("leaders", lang=lang).rows}
    assert any(name in texts for name in names)


def test_plot_rejects_an_unsupported_language(built_store, tmp_path) -> None:
    result = run_cli("plot", "timeline", "-o", str(tmp_path / "t.svg"), "--lang", "fr", "--store",
                     str(built_store.root))
    assert result.returncode == 2 and "unsupported language 'fr'" in result.stderr
    assert not (tmp_path / "t.svg").exists()


def test_topic_heat_map_in_japanese(built_store, kg: KnowledgeGraph, tmp_path) -> None:
    out = tmp_path / "topics.svg"
    result = run_cli("plot", "topics", "-o", str(out), "--lang", "ja", "--top", "10",
                     "--store", str(built_store.root), check=True)
    assert "missing from font" not in result.stderr
    totals: Counter[str] = Counter()
    labels = {}
    for row in kg.run("topics-by-year", lang="ja").rows:
        totals[plain(row["topic"])] += int(plain(row["events"]))
        labels[plain(row["topic"])] = plain(row["label"])
    top, count = totals.most_common(1)[0]
    texts = svg_texts(out)
    assert f"{labels[top]} ({count})" in texts
    assert gettext("Topics on the agenda: events per topic and year (top {n} topics)", "ja").format(n=10) in texts


def test_plot_reports_an_empty_period(built_store, tmp_path) -> None:
    result = run_cli("plot", "topics", "-o", str(tmp_path / "none.png"), "--from", "1900", "--to", "1901",
                     "--store", str(built_store.root))
    assert result.returncode != 0 and "no events" in result.stderr
