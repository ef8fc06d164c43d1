"""A user installs kjgraph: the wheel carries ontology, data and queries; names stay in step."""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import pkgutil
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import rdflib

import kjgraph
from kjgraph.namespaces import KJO
from kjgraph.resources import data_dir, ontology_dir, queries_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_ontology_data_and_queries(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("kjgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("kjgraph/ontology/kjgraph.ttl", "kjgraph/ontology/shapes.ttl",
                     "kjgraph/queries/leaders.rq", "kjgraph/data/sources.yaml",
                     "kjgraph/data/events/2020s.yaml",
                     "kjgraph/data/documents/2026-01-13-nara-summit.de.txt", "kjgraph/py.typed"):
        assert required in names, required
    assert any(n.startswith("kjgraph-") and n.endswith("entry_points.txt") for n in names)


def test_installed_package_finds_its_files() -> None:
    assert (ontology_dir() / "kjgraph.ttl").is_file()
    assert (data_dir() / "sources.yaml").is_file()
    assert any(queries_dir().glob("*.rq"))


def test_kjo_namespace_matches_the_ontology() -> None:
    graph = rdflib.Graph().parse(ontology_dir() / "kjgraph.ttl")
    ns = str(KJO._NS)
    in_ontology = {str(s)[len(ns):] for s in graph.subjects() if str(s).startswith(ns)}
    in_code = set(KJO.__annotations__)
    assert in_ontology == in_code


def test_every_class_and_property_has_labels_in_four_languages_and_a_comment() -> None:
    graph = rdflib.Graph().parse(ontology_dir() / "kjgraph.ttl")
    ns = str(KJO._NS)
    kinds = (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
    terms = {s for k in kinds for s in graph.subjects(rdflib.RDF.type, k) if str(s).startswith(ns)}
    assert len(terms) > 60
    for term in terms:
        langs = {lit.language for lit in graph.objects(term, rdflib.RDFS.label)}
        assert {"en", "ko", "ja", "de"} <= langs, term
        assert any(c.language == "en" for c in graph.objects(term, rdflib.RDFS.comment)), term


def test_ontology_header_metadata() -> None:
    graph = rdflib.Graph().parse(ontology_dir() / "kjgraph.ttl")
    onto = rdflib.URIRef("https://w3id.org/kjgraph/ontology")
    for prop in (rdflib.OWL.versionIRI, rdflib.OWL.versionInfo, rdflib.DCTERMS.license,
                 rdflib.DCTERMS.creator):
        assert graph.value(onto, prop) is not None, prop


def test_no_http_schema_org_anywhere() -> None:
    pattern = re.compile(r"http://schema\.org")
    files = [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("queries/*.rq"), *ROOT.glob("graph/**/*.py")]
    offenders = [str(f) for f in files if pattern.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_version_is_single_sourced() -> None:
    from importlib.metadata import version

    assert kjgraph.__version__ == version("kjgraph")


# Every module of the package, sub-packages (server, ingest, i18n) included.
MODULES = sorted(m.name for m in pkgutil.walk_packages(kjgraph.__path__, "kjgraph.")
                 if m.name != "kjgraph.__main__")


def _doctest_param(name: str) -> Any:
    """Examples that build the whole graph or read all the data (seconds each) are slow."""
    spec = importlib.util.find_spec(name)
    text = Path(spec.origin).read_text(encoding="utf-8") if spec and spec.origin else ""
    heavy = any(call in text for call in (">>> kg = KnowledgeGraph.in_memory()", "KnowledgeGraph.in_memory())",
                                          "load_catalog()", ">>> build(", "dataset_nquads("))
    return pytest.param(name, marks=pytest.mark.slow) if heavy else name


@pytest.mark.parametrize("name", [_doctest_param(name) for name in MODULES])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_module_is_collected_for_its_doctests() -> None:
    assert {"kjgraph.server", "kjgraph.server.app", "kjgraph.ingest.extract", "kjgraph.cli"} <= set(MODULES)


#: The command line: the only modules that may import click (options and commands).
CLI_MODULES = {"cli.py", "options.py", "server/commands.py",
               *(f"commands/{name}.py" for name in ("analyze", "data", "plot", "push", "render"))}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_library_module_imports_click() -> None:
    package = ROOT / "graph"
    modules = sorted(p for p in package.rglob("*.py") if "data" not in p.relative_to(package).parts)
    assert len(modules) > 50
    offenders = [str(p.relative_to(package)) for p in modules
                 if "click" in _imports(p) and str(p.relative_to(package)) not in CLI_MODULES]
    assert offenders == []
    assert all("click" in _imports(package / name) for name in CLI_MODULES)  # the check sees imports


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_dependencies_are_the_ones_the_package_imports() -> None:
    """Every library kjgraph imports is declared, and every declared dependency is imported
    (scipy was declared and never used; markupsafe used and never declared)."""
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _requirement_names(project["dependencies"])
    optional = _requirement_names([r for extra in project["optional-dependencies"].values() for r in extra])
    distributions = packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "graph").rglob("*.py"):
        for name in _imports(path) - set(sys.stdlib_module_names) - {"kjgraph"}:
            imported.update(d.lower().replace("_", "-") for d in distributions.get(name, [name]))
    imported.discard("pydantic-core")  # pydantic's own half, pinned exactly by it (the loader names ErrorDetails)
    assert imported - declared - optional == set()  # imported, not declared
    assert imported - declared <= {"owlready2"}  # kjgraph.reasoning: the OWL test's reasoners, in the test extra
    assert declared - imported == set()  # declared, never imported


def test_every_sub_package_is_in_the_wheel() -> None:
    """setuptools lists the packages by hand (package-dir maps kjgraph to graph/): a new
    sub-package missing from the list works in a checkout and is absent from an install
    (kjgraph.commands was)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    source = ROOT / "graph"
    found = {".".join(("kjgraph", *p.parent.relative_to(source).parts))
             for p in source.rglob("__init__.py") if "data" not in p.relative_to(source).parts}
    assert found <= listed, sorted(found - listed)
