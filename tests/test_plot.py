"""A researcher draws the timeline and the topic heat map with `kjgraph plot`."""

from __future__ import annotations

from collections import Counter

import matplotlib.image as mpimg

from kjgraph.query import KnowledgeGraph, plain
from tests.conftest import run_cli


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
    assert "leader-level meetings" in text


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
    assert f"{labels[top]} ({count})" in out.read_text(encoding="utf-8")


def test_plot_reports_an_empty_period(built_store, tmp_path) -> None:
    result = run_cli("plot", "topics", "-o", str(tmp_path / "none.png"), "--from", "1900", "--to", "1901",
                     "--store", str(built_store.root))
    assert result.returncode != 0 and "no events" in result.stderr
