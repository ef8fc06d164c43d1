"""A researcher learns from the notebooks: each runs top to bottom on a fresh kernel."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kjgraph.store import StoreLocation

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 180  # seconds per cell


@pytest.fixture(scope="module")
def notebook_store(built_store: StoreLocation, tmp_path_factory: pytest.TempPathFactory):
    """Point the notebooks' kernels at the session's built store."""
    saved = {k: os.environ.get(k) for k in ("KJGRAPH_STORE",)}
    os.environ["KJGRAPH_STORE"] = str(built_store.root)
    yield built_store
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_there_are_six_notebooks() -> None:
    assert len(NOTEBOOKS) == 6, [n.name for n in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_and_no_absolute_paths(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"stale output in {path.name}"
        assert not re.search(r"(/work/|/home/|/root/|/tmp/|C:\\\\)", cell.source), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, notebook_store: StoreLocation, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
