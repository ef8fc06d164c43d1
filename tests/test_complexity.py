"""No function of kjgraph above cyclomatic complexity 20 (radon), so each can be read at once.

``Server.sparql`` (46 before the protocol core, kjgraph.server.protocol) and the loader's
reference checks (31) were the first this guarded. A function listed in ``KNOWN`` was above
the bound when the test was written; it may only go down (lower the number when it does,
and delete the entry at 20 or below).
"""

from __future__ import annotations

from pathlib import Path

import pytest

radon_complexity = pytest.importorskip("radon.complexity", reason="radon is in the test extra")

PACKAGE = Path(__file__).parent.parent / "graph"
BOUND = 20
#: "module.function": its complexity when this test was written (an upper bound from now on).
KNOWN: dict[str, int] = {}


def complexities() -> dict[str, int]:
    """Every function and method of ``graph/`` by dotted name (``server.app.Server.sparql``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for block in radon_complexity.cc_visit(path.read_text(encoding="utf-8")):
            methods = getattr(block, "methods", None)
            for item in ([block] if methods is None else methods):
                owner = f"{item.classname}." if getattr(item, "classname", None) else ""
                found[f"{module}.{owner}{item.name}"] = item.complexity
    return found


def test_no_function_above_the_bound() -> None:
    found = complexities()
    assert found["server.app.Server.sparql"] <= BOUND
    assert found["server.protocol.parse_request"] <= BOUND
    over = {name: value for name, value in found.items() if value > KNOWN.get(name, BOUND)}
    assert not over, f"cyclomatic complexity above {BOUND} (radon): {over}"


def test_known_exceptions_still_exist() -> None:
    """An entry of KNOWN that is gone or back under the bound must be deleted (no stale licences)."""
    found = complexities()
    stale = {name for name, _ in KNOWN.items() if found.get(name, 0) <= BOUND}
    assert not stale, f"delete from KNOWN: {sorted(stale)}"
