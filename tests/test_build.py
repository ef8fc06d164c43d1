"""A user builds the graph: store and dumps appear; bad data is reported precisely and changes nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import rdflib

from kjgraph.build import DUMPS, build
from kjgraph.errors import DataError
from kjgraph.query import KnowledgeGraph
from kjgraph.store import StoreLocation

from .conftest import FIXTURES, run_cli

BROKEN = FIXTURES / "broken"

# Each broken fixture replaces one file of tests/data/minimal; the expected message is exact.
EXPECTED = {
    "yaml-syntax": "events/2020s.yaml:5: (yaml): YAML syntax error: expected <block end>, "
                   "but found '<block mapping start>'",
    "unknown-reference": "events/2020s.yaml:7: participants.0.person: unknown person "
                         "'lee-jae-myong' (record '2026-01-13-nara-summit'); add it to people "
                         "data or fix the id",
    "duplicate-id": "people.yaml:9: id: duplicate id 'lee-jae-myung': already used at "
                    "people.yaml:1; ids must be unique per kind",
    "end-before-start": "tenures.yaml:10: end: term ends before it starts: 2025-01-01 is "
                        "before 2025-10-21 (record 'sanae-takaichi-prime-minister-jp-2025')",
    "missing-source": "events/2020s.yaml:1: sources: required field is missing "
                      "(record '2026-01-13-nara-summit')",
    "wrong-date-format": "events/2020s.yaml:4: date: expected YYYY, YYYY-MM or YYYY-MM-DD, "
                         "found '13.01.2026' (record '2026-01-13-nara-summit')",
    "wrong-language-tag": "places.yaml:11: labels: unknown language tag 'jp' (did you mean "
                          "'ja'?): expected one of en, ko, ja, de or a script variant "
                          "(ko-Hani, ko-Latn, ja-Latn, ja-Hira, ja-Kana) (record 'nara')",
}


def test_every_broken_fixture_has_an_expected_message() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.slow
def test_build_writes_store_and_every_dump(tmp_path: Path, minimal_data: Path) -> None:
    report = build(tmp_path / "store", data=minimal_data, progress=False)
    location = StoreLocation(tmp_path / "store")
    assert location.exists() and report.quads > 50
    for name in DUMPS:
        dump = location.dumps() / name
        assert dump.stat().st_size > 0, name
    # The TriG dump carries the same quads as the store.
    dataset = rdflib.Dataset()
    dataset.parse(location.dumps() / "kjgraph.trig", format="trig")
    assert sum(1 for _ in dataset.quads((None, None, None, None))) == report.quads


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_data_is_reported_and_leaves_the_previous_build(
        case: str, tmp_path: Path, minimal_data: Path) -> None:
    store = tmp_path / "store"
    build(store, data=minimal_data, progress=False)
    location = StoreLocation(store)
    before = location.build_dir()
    dumps_before = {n: (location.dumps() / n).read_bytes() for n in DUMPS}

    shutil.copytree(BROKEN / case, minimal_data, dirs_exist_ok=True)
    result = run_cli("build", "--quiet", "--store", str(store), "--data", str(minimal_data))

    assert result.returncode == 1
    assert EXPECTED[case] in result.stderr.splitlines()
    assert "nothing was written" in result.stderr
    assert location.build_dir() == before
    assert {n: (location.dumps() / n).read_bytes() for n in DUMPS} == dumps_before
    assert not [p for p in location.builds.iterdir() if p.name.endswith(".partial")]


def test_all_problems_are_reported_at_once(tmp_path: Path, minimal_data: Path) -> None:
    for case in ("unknown-reference", "duplicate-id", "wrong-language-tag"):
        shutil.copytree(BROKEN / case, minimal_data, dirs_exist_ok=True)
    with pytest.raises(DataError) as info:
        build(tmp_path / "store", data=minimal_data, progress=False)
    messages = [str(p) for p in info.value.problems]
    # Schema problems are reported together; reference checks wait for a clean schema.
    assert EXPECTED["duplicate-id"] in messages
    assert EXPECTED["wrong-language-tag"] in messages
    assert not StoreLocation(tmp_path / "store").exists()


@pytest.mark.slow
def test_interrupted_build_leaves_the_previous_build(tmp_path: Path, minimal_data: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    build(store, data=minimal_data, progress=False)
    before = StoreLocation(store).build_dir()

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kjgraph.build.write_dumps", crash)
    with pytest.raises(KeyboardInterrupt):
        build(store, data=minimal_data, progress=False)
    assert StoreLocation(store).build_dir() == before
    assert KnowledgeGraph.open(store).rows("SELECT ?e WHERE { ?e a kjo:Summit }")


@pytest.mark.slow
def test_store_is_chosen_by_environment_variable(tmp_path: Path, minimal_data: Path) -> None:
    env = {**os.environ, "KJGRAPH_STORE": str(tmp_path / "env-store")}
    run_cli("build", "-q", "--data", str(minimal_data), env=env, check=True)
    result = run_cli("stats", "--json", env=env, check=True)
    assert '"Summit": 1' in result.stdout
    assert StoreLocation(tmp_path / "env-store").exists()


def test_missing_store_gives_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("query", "leaders", "--store", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "no graph built in" in result.stderr and "kjgraph build" in result.stderr


@pytest.mark.slow
def test_acting_prime_ministers_keep_acting_in_korean_and_japanese_labels() -> None:
    """Regression (issue 17, item 8): a tenure's label said "acting" in English and German only."""
    from kjgraph.loader import load_catalog
    from kjgraph.namespaces import ID
    from kjgraph.quads import build_dataset

    dataset = build_dataset(load_catalog())
    labels = {o.language: str(o) for o in dataset.objects(ID.tenure("masayoshi-ito-prime-minister-jp-1980"),
                                                          rdflib.RDFS.label)}
    assert labels == {"en": "Masayoshi Ito, acting Prime Minister of Japan (1980-06-12–1980-07-17)",
                      "de": "Masayoshi Itō, kommissarisch Premierminister von Japan (1980-06-12–1980-07-17)",
                      "ko": "이토 마사요시, 일본 내각총리대신 권한대행 (1980-06-12–1980-07-17)",
                      "ja": "伊東正義, 内閣総理大臣臨時代理 (1980-06-12–1980-07-17)"}
    korean_acting = {o.language: str(o) for o in dataset.objects(ID.tenure("choi-kyu-hah-president-kr-1979-acting"),
                                                                 rdflib.RDFS.label)}
    assert korean_acting["ko"].endswith("대한민국 대통령 권한대행 (1979-10-26–1979-12-06)"), korean_acting
    regular = {str(o) for o in dataset.objects(ID.tenure("zenko-suzuki-prime-minister-jp-1980"), rdflib.RDFS.label)}
    assert not any("acting" in label or "臨時代理" in label or "권한대행" in label for label in regular)
