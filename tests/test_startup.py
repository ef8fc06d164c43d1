"""Start-up: a query from the command line imports neither RDFLib nor the remote or analysis stacks.

The checks name the modules a fresh interpreter imports (``python -X importtime``), which is
deterministic, rather than timing them; ``benchmarks/bench_startup.py`` prints the times.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from kjgraph.store import StoreLocation

#: Top-level packages a query needs none of (issue 19.4): each costs 10–80 ms to import.
HEAVY = ("rdflib", "requests", "urllib3", "tenacity", "rich", "networkx", "pandas", "matplotlib", "pyshacl",
         "starlette", "uvicorn", "jinja2", "ruamel", "pydantic", "numpy", "SPARQLWrapper", "pyvis")


def imported(*args: str) -> set[str]:
    """The modules a fresh ``python -X importtime ARGS`` imports (it must exit 0)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    assert names, "no import-time report"
    return names


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_import_kjgraph_loads_no_rdflib() -> None:
    modules = imported("-c", "import kjgraph")
    assert heavy(modules) == []
    assert "kjgraph.namespaces" not in modules


def test_import_cli_loads_no_heavy_library() -> None:
    modules = imported("-c", "import kjgraph.cli")
    assert heavy(modules) == []
    # the commands defined in their own modules are imported when looked up, not before
    for module in ("kjgraph.render", "kjgraph.analytics", "kjgraph.plots", "kjgraph.server.commands",
                   "kjgraph.synthetic", "kjgraph.ingest", "kjgraph.build"):
        assert module not in modules


def test_lazy_attributes_still_there() -> None:
    """``kjgraph.KJO``, ``kjgraph.ID`` and ``kjgraph.__version__`` load on first use (PEP 562)."""
    import kjgraph
    from kjgraph.namespaces import ID, KJO

    assert kjgraph.KJO is KJO and kjgraph.ID is ID
    assert kjgraph.__version__ and "KJO" in dir(kjgraph)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kjgraph.nothing  # noqa: B018


def test_every_command_listed() -> None:
    """The lazily imported commands are listed, looked up and shown in --help like the others."""
    from kjgraph.cli import LAZY_COMMANDS, main

    assert set(LAZY_COMMANDS) <= set(main.commands)
    assert main.commands.get("serve") is main.commands["serve"]
    assert "plot" in main.commands and "nothing" not in main.commands
    assert len(main.commands) == len(list(main.commands))


@pytest.mark.slow
def test_query_command_loads_no_heavy_library(built_store: StoreLocation) -> None:
    """`kjgraph query leaders --format csv` runs on pyoxigraph, click and the standard library."""
    modules = imported("-m", "kjgraph", "query", "leaders", "--format", "csv", "--store", str(built_store.root))
    assert heavy(modules) == []
    assert "pyoxigraph" in modules


@pytest.mark.slow
def test_version_option() -> None:
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-m", "kjgraph", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == f"kjgraph, version {version('kjgraph')}"
