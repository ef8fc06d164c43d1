"""Fuzz every route of `kjgraph serve`: methods x paths x query strings x headers x bodies.

    .venv/bin/python -m tests.fuzz.fuzz_http --store STORE --requests 10000 [--seed 1] [--workers 8]

Starts `kjgraph serve` on a free 127.0.0.1 port (or uses --base-url of a running one), sends
--requests requests over raw sockets (so malformed request lines, paths, percent-encodings and
headers reach the server as written) and checks each answer: a well-formed HTTP/1.1 status
line, a status below 500, a Content-Length that matches the body, and no traceback or
"internal error" in the body. Prints a summary line and the first failures (with the request,
so each is reproducible); exits 1 if any. The generator is seeded: the same seed sends the
same requests.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

METHODS = ["GET", "GET", "GET", "HEAD", "POST", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT",
           "PROPFIND", "get", "G\x01T", "X" * 40]
ROUTES = ["/", "/sparql", "/render", "/plots/timeline.svg", "/plots/nothing.svg", "/id/person/lee-jae-myung",
          "/id/person/lee%20jae%20myung", "/id/", "/id", "/graph/source/seed", "/doc/id/person/lee-jae-myung.html",
          "/doc/id/person/lee-jae-myung.ttl", "/doc/id/person/lee-jae-myung.rdf", "/doc/id/x.exe", "/doc/",
          "/ontology", "/ontology.html", "/ontology.ttl", "/shapes", "/shapes.ttl", "/search", "/classes", "/class",
          "/query", "/timeline", "/.well-known/void", "/dataset", "/dumps/", "/dumps/kjgraph.nq",
          "/dumps/kjgraph.nq.gz", "/dumps/nothing", "/favicon.ico", "/robots.txt"]
PATH_NOISE = ["%", "%2", "%zz", "%00", "%FF", "%C0%AF", "%2F", "%25", "%20", "..", "%2e%2e", "//", "\\", ";x=1",
              "#frag", "?", "&", "<script>", '"', "'", "{", "}", "|", "^", "`", "\x7f", "é", "서울", "\t",
              "%EC%84%9C", "%E2%80%AE", "~", "*", "@", ":", "a" * 300, "%" * 30]
PARAMS = ["query", "update", "format", "output", "default-graph-uri", "named-graph-uri", "using-graph-uri", "iri",
          "page", "lang", "q", "x"]
QUERIES = ["ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "SELECT * WHERE { ?s ?p ?o }",
           "CONSTRUCT WHERE { ?s ?p ?o }",
           "DESCRIBE <https://w3id.org/kjgraph/id/person/lee-jae-myung>", "SELECT ?x WHERE { ?x", "ASK { " + "{" * 400,
           "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", "INSERT DATA { <a:b> <a:c> 'd' }",
           "LOAD <http://127.0.0.1:1/x>", "SELECT * WHERE { ?s ?p ?o FILTER(<http://fn/x>(?o)) } LIMIT 1",
           "SELECT (1/0 AS ?x) {}", "SELECT * WHERE { BIND(<bad iri> AS ?x) }", "PREFIX : <x> SELECT * {}", "\x00",
           "SELECT * WHERE { ?s ?p 'text\x01' }", "ASK { FILTER(" + "!" * 2000 + "true) }", "BASE <::> SELECT * {}",
           "SELECT ?s WHERE { ?s ?p ?o } ORDER BY RAND() LIMIT 1 OFFSET 99999999999999999999"]
VALUES = ["", "1", "0", "-1", "99999999999999999999", "abc", "json", "xml", "csv", "tsv", "turtle", "jsonld", "ko",
          "xx", "https://w3id.org/kjgraph/id/person/lee-jae-myung", "https://w3id.org/kjgraph/graph/source/seed",
          "https://w3id.org/kjgraph/ontology#Person", "javascript:alert(1)", "not an iri", "<>", "\x00", "é" * 300,
          "a" * 5000, "%", "http://[::1", "https://example.org/x y"]
HEADERS = {
    "Accept": ["*/*", "text/html", "text/turtle", "application/sparql-results+json;q=0, */*", "application/*",
               "text/*", "image/png", "", ";;;", "*/*;q=abc", "text/html;q=-1", "a/b/c", "*/x", "\x7f",
               "text/csv;q=0.5, application/sparql-results+xml;level=1;q=1", ",,,", "application/rdf+xml"],
    "Accept-Encoding": ["gzip", "br", "zstd", "identity", "gzip;q=0", "*", "x", "", "gzip, br;q=0.5, *;q=0"],
    "Accept-Language": ["ko", "ja;q=0.5, de", "*", "", "xx-YY", "ko-Hani", ";q=", "ko;q=abc"],
    "Content-Type": ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
                     "application/sparql-query; charset=latin-1", "multipart/form-data; boundary=x", "text/plain",
                     "", ";", "application/x-www-form-urlencoded; charset=utf-8; charset=utf-16"],
    "Authorization": ["Bearer x", "bearer x", "Basic eDp5", "Bearer", "", "Bearer " + "x" * 1000],
    "If-None-Match": ["*", '"x"', 'W/"x"', "garbage", '"', ""],
    "If-Modified-Since": ["Sat, 01 Jan 2000 00:00:00 GMT", "garbage", "", "Mon, 99 Foo 9999 99:99:99 GMT"],
    "Origin": ["http://elsewhere.example", "null", "", "\x01"],
    "Access-Control-Request-Method": ["POST", "GET", "DELETE", "X"],
    "Access-Control-Request-Headers": ["x-requested-with", "content-type, authorization", "", "*"],
    "Range": ["bytes=0-10", "bytes=-5", "bytes=99999999-", "bytes=abc", "lines=1-2"],
    "Host": ["127.0.0.1", "evil.example", "", "[", "a b", "x" * 300],
    "Content-Length": ["0", "5", "-1", "abc", "99999999999"],
    "Transfer-Encoding": ["chunked", "gzip", "identity"],
    "Expect": ["100-continue", "x"],
    "Connection": ["close", "keep-alive", "upgrade"],
    "Upgrade": ["websocket", "h2c"],
    "X-Forwarded-Host": ["evil.example"],
    "X-Forwarded-Proto": ["https", "gopher"],
}


@dataclass
class Outcome:
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[tuple[str, bytes]] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def noisy_path(rng: random.Random) -> str:
    path = rng.choice(ROUTES)
    for _ in range(rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 3])):
        position = rng.randrange(len(path) + 1)
        path = path[:position] + rng.choice(PATH_NOISE) + path[position:]
    return path


def query_string(rng: random.Random) -> str:
    pairs = []
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
        name = rng.choice(PARAMS)
        value = rng.choice(QUERIES) if name in ("query", "update") else rng.choice(VALUES)
        encode = rng.random()
        if encode < 0.8:
            pairs.append(f"{quote(name)}={quote(value, safe='')}")
        elif encode < 0.9:
            pairs.append(f"{name}={value.replace(' ', '+')}")  # raw, possibly invalid
        else:
            pairs.append(rng.choice(["&&", "=", "==", "%", "a=%zz", "query", "query=&query=ASK%7B%7D"]))
    return "&".join(pairs)


def body_for(rng: random.Random, content_type: str) -> bytes:
    kind = rng.random()
    if kind < 0.15:
        return b""
    if kind < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))  # binary, invalid UTF-8
    if "form" in content_type:
        return query_string(rng).encode("utf-8", "surrogateescape")
    return rng.choice(QUERIES).encode()


def clean_request(rng: random.Random) -> bytes:
    """A well-formed request to a real route with sensible parameters (reaches the handlers)."""
    path = rng.choice([r for r in ROUTES if r not in ("/favicon.ico", "/robots.txt")])
    params = {"/sparql": [("query", rng.choice(QUERIES))], "/render": [("iri", rng.choice(VALUES[14:18]))],
              "/class": [("iri", rng.choice(VALUES[14:18])), ("page", rng.choice(VALUES[:6]))],
              "/search": [("q", rng.choice(VALUES))]}.get(path, [])
    if rng.random() < 0.3:
        params.append((rng.choice(["lang", "page", "format", "output"]), rng.choice(VALUES[:14])))
    target = path + ("?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params) if params else "")
    method = rng.choice(["GET", "GET", "HEAD", "POST"]) if path == "/sparql" else rng.choice(["GET", "GET", "HEAD"])
    headers = {"Host": "127.0.0.1", "Accept": rng.choice(HEADERS["Accept"][:8]),
               "Accept-Encoding": rng.choice(HEADERS["Accept-Encoding"][:5]), "Connection": "close"}
    body = b""
    if method == "POST":
        body = rng.choice(QUERIES).encode()
        headers.update({"Content-Type": "application/sparql-query", "Content-Length": str(len(body))})
        target = path
    lines = [f"{method} {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def make_request(rng: random.Random) -> bytes:
    if rng.random() < 0.4:
        return clean_request(rng)
    method = rng.choice(METHODS)
    target = noisy_path(rng)
    query = query_string(rng)
    if query:
        target += "?" + query
    if rng.random() < 0.02:
        target = rng.choice(["*", "http://127.0.0.1/sparql", "", "sparql", "/" + "a" * 9000])
    headers: dict[str, str] = {"Host": "127.0.0.1"}
    for name in rng.sample(sorted(HEADERS), rng.randrange(0, 6)):
        headers[name] = rng.choice(HEADERS[name])
    body = b""
    if method in ("POST", "PUT", "PATCH") or rng.random() < 0.05:
        body = body_for(rng, headers.get("Content-Type", ""))
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            headers["Content-Length"] = str(len(body))
    if headers.get("Transfer-Encoding") == "chunked":
        body = (f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n") if body else b"0\r\n\r\n"
    headers["Connection"] = "close"
    version = rng.choice(["HTTP/1.1"] * 20 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.x", ""])
    lines = [f"{method} {target} {version}".rstrip()] + [f"{k}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body


def read_answer(sock: socket.socket) -> bytes:
    answer = b""
    while True:
        try:
            chunk = sock.recv(1 << 16)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        answer += chunk
    return answer


def check(request: bytes, answer: bytes) -> str | None:
    """None if the answer is acceptable, else what is wrong with it."""
    if not answer:
        return None  # the server closed a request it could not parse: acceptable, no 5xx
    while answer.startswith(b"HTTP/1.1 1"):  # interim answers (100 Continue): check the final one
        answer = answer.partition(b"\r\n\r\n")[2]
        if not answer:
            return None
    head, sep, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1.") or not status_line[1].isdigit():
        return f"malformed status line {head[:80]!r}"
    status = int(status_line[1])
    if status >= 500:
        return f"status {status}"
    if not sep:
        return "no end of headers"
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    method = request.split(b" ", 1)[0]
    if b"content-length" in headers and method != b"HEAD" and status not in (204, 304) and \
            b"transfer-encoding" not in headers and int(headers[b"content-length"]) != len(body):
        return f"Content-Length {headers[b'content-length']!r} but {len(body)} bytes"
    if b"Traceback" in body or b"internal error" in body:
        return "a traceback or internal error in the body"
    return None


def run(port: int, count: int, seed: int, workers: int, timeout: float = 60) -> Outcome:
    outcome = Outcome()
    rng = random.Random(seed)
    requests_ = [make_request(rng) for _ in range(count)]
    position = 0
    position_lock = threading.Lock()

    def worker() -> None:
        nonlocal position
        while True:
            with position_lock:
                if position >= len(requests_):
                    return
                request = requests_[position]
                position += 1
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
                    with contextlib.suppress(OSError):  # the server may answer before reading it all
                        sock.sendall(request)
                    answer = read_answer(sock)
            except OSError as exc:
                answer = f"HTTP/1.1 599 client-side {exc}\r\n\r\n".encode()
            problem = check(request, answer)
            while answer.startswith(b"HTTP/1.1 1"):
                answer = answer.partition(b"\r\n\r\n")[2]
            fields = answer.split(b" ", 2)
            status = int(fields[1]) if answer.startswith(b"HTTP/1.") and len(fields) > 1 and fields[1].isdigit() else 0
            with outcome.lock:
                outcome.sent += 1
                outcome.statuses[status] += 1
                if problem:
                    outcome.failures.append((problem, request[:600]))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


@contextmanager
def server(store: str, *args: str) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "kjgraph", "serve", "--store", store, "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)  # the workers start with the application
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store to serve (a fresh server is started)")
    parser.add_argument("--port", type=int, help="port of a running server on 127.0.0.1 instead")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    started = time.monotonic()
    if args.port:
        outcome = run(args.port, args.requests, args.seed, args.workers)
    else:
        with server(args.store, "--workers", "2", "--time-limit", "5") as port:
            outcome = run(port, args.requests, args.seed, args.workers)
    elapsed = time.monotonic() - started
    print(f"{outcome.sent} requests in {elapsed:.0f} s (seed {args.seed}): statuses "
          + ", ".join(f"{s}: {n}" for s, n in sorted(outcome.statuses.items()))
          + f"; {len(outcome.failures)} failures")
    for problem, request in outcome.failures[:20]:
        print(f"  {problem}: {request!r}")
    sys.exit(1 if outcome.failures else 0)


if __name__ == "__main__":
    main()
