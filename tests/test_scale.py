"""A user makes synthetic data, loads it in bulk, and runs the scale benchmark at a tiny size."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kjgraph.build import check_store, import_rdf
from kjgraph.errors import DataError
from kjgraph.query import KnowledgeGraph
from kjgraph.store import StoreLocation
from kjgraph.validate import validate_graph

ROOT = Path(__file__).resolve().parents[1]
KJGRAPH = [sys.executable, "-m", "kjgraph"]


@pytest.fixture(scope="module")
def synth_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "synth-10k.nq"
    done = subprocess.run([*KJGRAPH, "synth", "--triples", "10k", "--seed", "7", "-o", str(out)],
                          capture_output=True, text=True, check=True)
    assert "SYNTHETIC" in done.stdout
    return out


def _store_of(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.mark.slow
def test_synth_is_deterministic_sized_and_marked(synth_file: Path, tmp_path: Path) -> None:
    lines = synth_file.read_bytes().count(b"\n")
    assert 10_000 <= lines < 11_000
    again = tmp_path / "again.nq.gz"
    subprocess.run([*KJGRAPH, "synth", "-n", "10k", "--seed", "7", "-o", str(again)], check=True,
                   capture_output=True)
    assert gzip.decompress(again.read_bytes()) == synth_file.read_bytes()
    other = tmp_path / "other.nq"
    subprocess.run([*KJGRAPH, "synth", "-n", "10k", "--seed", "8", "-o", str(other)], check=True,
                   capture_output=True)
    assert other.read_bytes() != synth_file.read_bytes()
    # Every source says it is synthetic; every minted instance is a synth- slug.
    store = _store_of(synth_file)
    titles = [r["t"].value for r in store.query(
        "SELECT ?t WHERE { ?s a <https://w3id.org/kjgraph/ontology#Source> ; "
        "<https://schema.org/headline> ?t }")]
    assert titles and all(t.startswith("SYNTHETIC ") for t in titles)
    events = [r["e"].value for r in store.query(
        "SELECT ?e WHERE { ?e a <https://w3id.org/kjgraph/ontology#Event> }")]
    assert events and all("/event/synth-" in e for e in events)


@pytest.mark.slow
def test_synth_data_conforms_to_the_shapes(synth_file: Path) -> None:
    store = _store_of(synth_file)
    data = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                         format="nt")
    report = validate_graph(data)
    assert report.conforms, report.text()
    # events have 2–4 participations, each in the capacity of a term of office
    counts = [int(r["n"].value) for r in store.query(
        "SELECT ?e (COUNT(?p) AS ?n) WHERE { ?e <https://w3id.org/kjgraph/ontology#participation> ?p } GROUP BY ?e")]
    assert counts and min(counts) >= 2 and max(counts) <= 4


@pytest.mark.slow
def test_load_builds_a_store_with_the_union_and_checks_it(synth_file: Path, tmp_path: Path) -> None:
    done = subprocess.run([*KJGRAPH, "load", str(synth_file), "--store", str(tmp_path / "s"), "--check", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout
    location = StoreLocation(tmp_path / "s")
    assert location.manifest()["quads"] == synth_file.read_bytes().count(b"\n")
    kg = KnowledgeGraph.open(location)
    leaders = kg.run("leaders", country="country/kr")
    assert leaders.rows and all(r["leader"].value.startswith("https://w3id.org/kjgraph/id/person/synth-")
                                for r in leaders.rows)
    assert check_store(location.open(), sample=20).conforms


@pytest.mark.slow
def test_load_derives_the_union_when_the_file_lacks_it(synth_file: Path, tmp_path: Path) -> None:
    named_only = tmp_path / "named.nq"
    quads = [q for q in ox.parse(path=str(synth_file), format=ox.RdfFormat.N_QUADS)
             if not isinstance(q.graph_name, ox.DefaultGraph)]
    named_only.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    report = import_rdf(named_only, tmp_path / "plain", progress=False)
    assert check_store(StoreLocation(tmp_path / "plain").open(), sample=5).union_gaps > 0
    report = import_rdf(named_only, tmp_path / "derived", derive_union=True, progress=False)
    assert "bulk load, deriving the default-graph union" in report.steps
    assert check_store(StoreLocation(tmp_path / "derived").open(), sample=5).union_gaps == 0


@pytest.mark.slow
def test_load_rejects_bad_input_and_keeps_the_previous_graph(synth_file: Path, tmp_path: Path) -> None:
    location = StoreLocation(tmp_path / "s")
    import_rdf(synth_file, location, progress=False)
    before = location.build_dir()
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://b> "ok" <http://g> .\n<http://a> <http://b> oops .\n')
    with pytest.raises(DataError) as error:
        import_rdf(bad, location, progress=False)
    assert f"{bad}:2: syntax:" in str(error.value)
    assert location.build_dir() == before
    wrong = tmp_path / "data.csv"
    wrong.write_text("a,b\n")
    done = subprocess.run([*KJGRAPH, "load", str(wrong), "--store", str(location.root)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "expected N-Quads or TriG" in done.stderr
    assert location.build_dir() == before


@pytest.mark.slow
def test_scale_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "10k", "--reps", "1",
         "--build-reps", "1", "--rdflib-max", "10k", "--skip", "serve,render,analytics",
         "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| 10k" in done.stdout and "Build:" in done.stdout and "Query library" in done.stdout
    result = json.loads(out.read_text())["results"][0]
    for step in ("gen", "raw", "load", "check"):
        assert "error" not in result[step], (step, result[step])
    assert result["check"]["conforms"]
    assert all("error" not in v for v in result["export"].values())
    queries = result["queries"]["queries"]
    assert queries and all("median" in q for q in queries.values()), queries
    assert any("median" in q for q in result["rdflib"]["queries"].values())
