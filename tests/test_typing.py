"""kjgraph type-checks cleanly: mypy in strict mode (configured in pyproject.toml) reports no error.

mypy cannot follow setuptools' package-dir mapping (``kjgraph`` lives in ``graph/``), so the
test points it at a symlink ``kjgraph -> graph`` kept in mypy's cache directory, where the
cache of the previous run makes the check fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_reports_no_error_in_kjgraph() -> None:
    source = ROOT / ".mypy_cache" / "src"
    source.mkdir(parents=True, exist_ok=True)
    link = source / "kjgraph"
    if not link.is_symlink():
        link.symlink_to(ROOT / "graph", target_is_directory=True)
    env = {**os.environ, "MYPYPATH": str(source)}
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(ROOT / ".mypy_cache"), "-p", "kjgraph"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
