"""A reader opens the notebooks as the README says: JupyterLab from .venv, on a machine where they may
be root. The README's command is run as written (plus a port and a token for the test) and the
notebooks are served."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.server, pytest.mark.slow]


def readme_command() -> list[str]:
    """The command the README gives for opening the notebooks, with the option it names for root."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in re.findall(r"```sh\n(.*?)```", section, re.S)[0].splitlines() if "jupyter" in line)
    command, _, comment = line.partition("#")
    words = shlex.split(command)
    assert words[0] == ".venv/bin/jupyter" and "--allow-root" in comment and "--no-browser" in comment
    words[0] = str(Path(sys.executable).parent / "jupyter")
    return [*words, "--allow-root", "--no-browser"]


def test_the_readme_command_serves_the_notebooks(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    process = subprocess.Popen([*readme_command(), "--ip", "127.0.0.1", f"--port={port}",
                                f"--IdentityProvider.token={token}"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        for _ in range(240):
            try:
                if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.5)
        listing = requests.get(f"{base}/api/contents", headers=headers, timeout=10).json()
        names = sorted(item["name"] for item in listing["content"])
        assert names == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        notebook = requests.get(f"{base}/api/contents/01-quick-start.ipynb", headers=headers, timeout=10).json()
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        kernels = requests.get(f"{base}/api/kernelspecs", headers=headers, timeout=10).json()
        assert "python3" in kernels["kernelspecs"]
        page = requests.get(f"{base}/lab", headers=headers, timeout=10)
        assert page.status_code == 200 and "JupyterLab" in page.text
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
