"""`kjgraph serve` subprocesses for the HTTP tests, on a store with awkward content.

The store is the small fixture data set plus statements that break naive servers: IRIs with
percent-encoded octets (``%20``, ``%2F``, ``%25``) and non-ASCII characters, objects with
``javascript:``/``data:``/``vbscript:`` IRIs, and literals with a carriage return, leading
and trailing spaces and a character XML 1.0 forbids.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from kjgraph.build import build
from kjgraph.namespaces import BASE
from kjgraph.store import StoreLocation
from tests.servers import free_port

FIXTURES = Path(__file__).parent / "data"
PERSON = BASE + "id/person/lee-jae-myung"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
SEED = BASE + "graph/source/seed"
#: Resources whose IRIs hold percent-encoded octets or non-ASCII characters (path after BASE).
ODD_PATHS = ["id/person/lee%20jae%20myung", "id/thing/a%2Fb", "id/thing/100%25", "id/place/서울"]
#: Objects of rdfs:seeAlso on PERSON that must never become links.
UNSAFE_IRIS = ["javascript:alert(document.domain)", "JavaScript:alert(2)",
               "data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==", "vbscript:msgbox(4)"]
#: Literals of PERSON (language "x-test") that break XML writers.
AWKWARD = {"cr": "line one\rline two", "spaces": "  padded  ", "control": "bell\x07 and \x01"}


def awkward_store(root: Path) -> StoreLocation:
    """The fixture data built into ``root``, plus the awkward statements (in the default graph
    and in the seed source graph, as the build states everything)."""
    location = StoreLocation(root)
    build(location, data=FIXTURES / "minimal", progress=False)
    store = ox.Store(str(location.oxigraph_path()))
    quads = []
    for path in ODD_PATHS:
        node = ox.NamedNode(BASE + path)
        quads.append(ox.Quad(node, ox.NamedNode(LABEL), ox.Literal(f"odd {path}", language="en")))
        quads.append(ox.Quad(node, ox.NamedNode(SEE_ALSO), ox.NamedNode(PERSON)))
    for iri in UNSAFE_IRIS:
        quads.append(ox.Quad(ox.NamedNode(PERSON), ox.NamedNode(SEE_ALSO), ox.NamedNode(iri)))
    for key, text in AWKWARD.items():
        quads.append(ox.Quad(ox.NamedNode(PERSON), ox.NamedNode(BASE + f"ontology#test-{key}"), ox.Literal(text)))
    for quad in quads:
        store.add(quad)
        store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(SEED)))
    store.flush()
    del store
    return location


@dataclass
class Served:
    base: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        return int(self.base.rstrip("/").rsplit(":", 1)[1])


@contextmanager
def serving(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`python -m kjgraph serve` on a free port of 127.0.0.1 until the block ends."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", str(store), "--port", str(port),
                                *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"kjgraph serve exited:\n{process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if requests.get(base + "sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("kjgraph serve did not become ready within 60 s")
            time.sleep(0.2)
        yield Served(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_kib(pid: int) -> int:
    """Resident memory of a process (Linux /proc), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def raw_request(port: int, data: bytes, timeout: float = 30) -> bytes:
    """Send raw bytes on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer
