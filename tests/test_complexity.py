"""No function of the server above cyclomatic complexity 20 (radon), so each can be read at once.

``Server.sparql`` (46 before the protocol core, kjgraph.server.protocol) is the one this guards
first. The functions listed in ``KNOWN`` were above the bound when the test was written; each
may only go down (lower the number when it does, and delete the entry at 20 or below).
"""

from __future__ import annotations

from pathlib import Path

import pytest

radon_complexity = pytest.importorskip("radon.complexity", reason="radon is in the test extra")

SERVER = Path(__file__).parent.parent / "graph" / "server"
BOUND = 20
#: "module.function": its complexity when this test was written (an upper bound from now on).
KNOWN = {"data.card": 64, "data.describe": 28, "data.resource_page": 22, "workers.WorkerPool._switch": 21}


def complexities() -> dict[str, int]:
    found = {}
    for path in sorted(SERVER.glob("*.py")):
        for block in radon_complexity.cc_visit(path.read_text(encoding="utf-8")):
            methods = getattr(block, "methods", None)
            for item in ([block] if methods is None else methods):
                owner = f"{item.classname}." if getattr(item, "classname", None) else ""
                found[f"{path.stem}.{owner}{item.name}"] = item.complexity
    return found


def test_no_server_function_above_the_bound() -> None:
    found = complexities()
    assert found["app.Server.sparql"] <= BOUND
    assert found["protocol.parse_request"] <= BOUND
    over = {name: value for name, value in found.items() if value > KNOWN.get(name, BOUND)}
    assert not over, f"cyclomatic complexity above {BOUND} (radon): {over}"
