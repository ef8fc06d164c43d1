"""Real SPARQL servers on 127.0.0.1 for the remote-backend tests.

Each server runs as a subprocess on free ports with its database in a temporary
directory, and can be killed and restarted on the same database (the mid-push restart
test). :func:`running` makes sure a server is always stopped.

* Oxigraph server (PyPI ``oxigraph``): ``oxigraph serve``; query ``/query``, update
  ``/update``, Graph Store ``/store``; no authentication.
* OpenLink Virtuoso 7 (Debian ``virtuoso-opensource``): ``virtuoso-t +foreground`` with
  our own ``virtuoso.ini``; query ``/sparql`` (anonymous, read-only), update
  ``/sparql-auth`` and Graph Store ``/sparql-graph-crud-auth`` with digest auth as ``dba``.
* ``kjgraph serve`` on a built store (read-only).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler
from typing import ClassVar

import pytest
import requests

from kjgraph.remote import Auth, DigestAuth, Layout, RemoteGraph


def free_port() -> int:
    """A free port below the kernel's ephemeral range: a port the kernel hands out (bind to 0) can
    be taken by an outgoing connection before the server binds it, which a busy machine (thousands
    of connections in TIME-WAIT) makes likely."""
    low = 32768
    with contextlib.suppress(OSError, ValueError):
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(200):
        port = random.randint(max(1024, low - 12000), low - 1)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    """The child processes of ``pid`` (of all its threads), from Linux's /proc."""
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return []
    for task in tasks:
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return children


def worker_pids(pid: int) -> list[int]:
    """The live query workers of the `kjgraph serve` process ``pid``."""
    workers = []
    for child in child_pids(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if (b"worker_main" in cmdline or b"spawn_main" in cmdline) and state != "Z":
            workers.append(child)
    return sorted(workers)


def missing(program: str, package: str) -> None:
    """Skip when a server program is not installed; in CI (.ci/setup installs it) fail instead."""
    message = f"{program} is not installed ({package}); .ci/setup installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Server:
    """One server process; subclasses say how to start it and where its endpoints are."""

    workdir: Path
    name: str = "server"
    port: int = field(default_factory=free_port)
    layout: Layout = "union-graph"
    auth: Auth | None = None
    startup_seconds: float = 30.0
    process: subprocess.Popen[bytes] | None = None

    query_path: ClassVar[str] = "/query"
    update_path: ClassVar[str | None] = None
    store_path: ClassVar[str | None] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + self.query_path

    @property
    def update_url(self) -> str | None:
        return self.base + self.update_path if self.update_path else None

    @property
    def store_url(self) -> str | None:
        return self.base + self.store_path if self.store_path else None

    def command(self) -> list[str]:
        raise NotImplementedError

    def graph(self, **options: object) -> RemoteGraph:
        """A RemoteGraph on this server's endpoints."""
        options.setdefault("layout", self.layout)
        return RemoteGraph(self.query_url, update_endpoint=self.update_url, store_endpoint=self.store_url,
                           auth=self.auth, **options)  # type: ignore[arg-type]

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.workdir, start_new_session=True)
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                response = requests.get(self.query_url, params={"query": "ASK {}"}, timeout=2,
                                        headers={"Accept": "application/sparql-results+json"})
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"{self.name} did not answer within {self.startup_seconds} s:\n{self.log()}")

    def log(self) -> str:
        path = self.workdir / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill(self) -> None:
        """Kill the process at once (no clean shutdown), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class OxigraphServer(Server):
    name: str = "Oxigraph server"
    query_path = "/query"
    update_path = "/update"
    store_path = "/store"

    def command(self) -> list[str]:
        program = Path(sys.executable).with_name("oxigraph")
        if not program.exists():
            program = Path(shutil.which("oxigraph") or "oxigraph")
        return [str(program), "serve", "--location", str(self.workdir / "db"),
                "--bind", f"127.0.0.1:{self.port}"]

    @staticmethod
    def available() -> bool:
        return Path(sys.executable).with_name("oxigraph").exists() or shutil.which("oxigraph") is not None


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
; "host:port" binds that interface only
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledGzipContent = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {max_execution_seconds}
; 0: no refusal on the optimiser's (often wild) cost estimate
MaxQueryCostEstimationTime = 0
"""


@dataclass
class VirtuosoServer(Server):
    name: str = "Virtuoso"
    isql_port: int = field(default_factory=free_port)
    auth: Auth | None = field(default_factory=lambda: DigestAuth("dba", "dba"))
    #: [SPARQL] MaxQueryExecutionTime: the cap of Virtuoso's "anytime" answers, in seconds
    max_execution_seconds: int = 60
    query_path = "/sparql"
    update_path = "/sparql-auth"
    store_path = "/sparql-graph-crud-auth"

    def command(self) -> list[str]:
        ini = self.workdir / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.workdir, isql_port=self.isql_port, http_port=self.port,
                                       max_execution_seconds=self.max_execution_seconds))
        return ["virtuoso-t", "+foreground", "+configfile", str(ini)]

    @staticmethod
    def available() -> bool:
        return shutil.which("virtuoso-t") is not None


@dataclass
class KjgraphServer(Server):
    """``kjgraph serve`` on a built store: query only, its default graph is the union."""

    name: str = "kjgraph serve"
    store: Path | None = None
    layout: Layout = "default"
    query_path = "/sparql"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "kjgraph", "serve", "--store", str(self.store), "--port", str(self.port),
                "--workers", "1", "--result-limit", "100000"]


@contextmanager
def handled_by(handler: Callable[..., BaseRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering with ``handler`` (``http.server``), in a thread;
    its base URL (``http://127.0.0.1:PORT``). For servers that misbehave on purpose."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def running(server: Server) -> Iterator[Server]:
    """Start a server and always stop it, whatever happens in between."""
    try:
        server.start()
        yield server
    finally:
        server.stop()
