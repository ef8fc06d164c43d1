"""Curators validate what they edit: inside a kjgraph checkout, `validate` and `build` read the
checkout's graph/data, not the copy installed with the package, and always say which data they read.

The scenario of issue 14: kjgraph installed (here: the test environment's install, whose data is
another directory), a checkout-like tree elsewhere with the data being edited, a broken edit. Run
from inside that tree, `kjgraph validate` must report the problem (it used to say "Conforms").
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kjgraph.cli import checkout_root, data_source
from kjgraph.resources import data_dir
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def kjgraph(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kjgraph", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout-like tree: pyproject.toml naming kjgraph, and graph/data (the small fixture data)."""
    tree = tmp_path / "kjgraph-src"
    (tree / "graph").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    shutil.copytree(FIXTURES / "minimal", tree / "graph" / "data")
    return tree


def break_data(tree: Path) -> None:
    """A leader's term known only to the month: passes the data checks, violates the shapes."""
    tenures = tree / "graph" / "data" / "tenures.yaml"
    text = tenures.read_text(encoding="utf-8")
    assert 'start: "2025-10-21"' in text
    tenures.write_text(text.replace('start: "2025-10-21"', 'start: "2025-10"'), encoding="utf-8")


@pytest.mark.slow
def test_validate_reads_the_checkout_it_runs_in(checkout: Path) -> None:
    assert (checkout / "graph" / "data").resolve() != data_dir().resolve()  # not the installed data
    result = kjgraph(checkout / "graph" / "data" / "events", "validate")  # from a folder deep inside
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == f"data: {checkout / 'graph' / 'data'} (the checkout at {checkout})"
    assert "Conforms" in result.stdout
    break_data(checkout)
    result = kjgraph(checkout, "validate")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"data: {checkout / 'graph' / 'data'}")
    assert "a leader's term of office needs exact start and end days" in result.stdout


@pytest.mark.slow
def test_build_reads_the_checkout_and_writes_nothing_from_broken_data(checkout: Path, tmp_path: Path) -> None:
    break_data(checkout)
    store = tmp_path / "store"
    result = kjgraph(checkout, "build", "--store", str(store), "-q")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"data: {checkout / 'graph' / 'data'} (the checkout at {checkout})"
    assert "nothing was written" in result.stderr and not (store / "current").exists()


@pytest.mark.slow
def test_data_overrides_the_checkout(checkout: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    shutil.copytree(FIXTURES / "minimal", other)
    break_data(checkout)
    result = kjgraph(checkout, "validate", "--data", str(other))
    assert result.returncode == 0 and result.stdout.splitlines()[0] == f"data: {other} (--data)"


def test_outside_a_checkout_the_installed_data_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "not-a-checkout"
    (elsewhere / "graph" / "data").mkdir(parents=True)
    (elsewhere / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    monkeypatch.chdir(elsewhere / "graph")
    assert checkout_root() is None
    assert data_source(None) == (data_dir(), "the data installed with kjgraph")
    monkeypatch.chdir(ROOT / "tests")
    assert checkout_root() == ROOT and data_source(None)[0] == ROOT / "graph" / "data"
