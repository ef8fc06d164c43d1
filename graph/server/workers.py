"""A pool of worker processes that run SPARQL on the store: killable, replaced, fair.

Why processes: pyoxigraph's ``Store.query`` runs in Rust and cannot be interrupted from
Python, so a runaway query would hold a thread forever. Each worker is a separate process
holding the store open (read-only by default, so any number of workers share one RocksDB
directory); the web process sends a job over a socket and waits at most the time limit.
Results are serialised inside the worker, so only bytes cross the socket.

What the pool guarantees (tests/test_serve_availability.py shows each on a real server):

* **Any death, at any moment, is noticed and repaired.** The web process watches every
  worker's socket all the time, idle or busy: end-of-file means the worker is gone (SIGKILL,
  SIGSEGV in the engine, the OOM killer). A death costs at most the one job that worker was
  running (answered 503 with ``Retry-After``); a job that had not reached the worker yet is
  given to another. A supervisor task keeps ``size`` workers alive, retrying a failed start
  with back-off (0.5 s doubling to 10 s), so the pool never shrinks for good.
* **The server follows the store's builds.** With ``follow`` (a kjgraph store), the
  supervisor checks the store's ``current`` build every ``poll_interval`` seconds and before
  every re-spawn. On a new build it starts a full set of workers on it and, only once all of
  them have opened it, switches atomically: every job from then on runs on the new build,
  idle workers of the old build are retired at once, busy ones when their job ends. A build
  that cannot be opened (a failed or pruned build) leaves the pool on the build it has. So
  ``kjgraph build`` pruning the build the server opened cannot hurt it.
* **Bounded time.** A job runs at most the time limit (the worker is killed, 503); it waits
  for a worker at most ``queue_wait`` seconds (503 with ``Retry-After``); at most
  ``max_waiting`` jobs wait (the caller answers 429 when :meth:`WorkerPool.full`).
* **Abandoned work is cancelled.** :meth:`WorkerPool.run` watches the ASGI connection of the
  request it serves (see :class:`ClientTracking`): when the client disconnects, a waiting job
  leaves the queue and a running one has its worker killed and replaced (the only way to stop
  a pyoxigraph query).
* **Fairness per client address.** A free worker goes to the waiting client with the fewest
  jobs running, and among those to the one served least recently (not first come, first
  served). While more than one address has been seen in the last ``FAIRNESS_WINDOW``
  seconds, the last ``reserve`` idle worker(s) are kept for a client's *only* job: a client
  with another job running or waiting must wait until more workers are idle. So one client
  runs at most ``size - reserve`` jobs at once, clients that send several queries at once
  never take the last ``reserve`` workers, and a client sending one query at a time finds
  a worker free (or the next one to free up). A lone client (one person on a local server)
  may use every worker.

Writable mode (updates enabled): RocksDB allows one writer, so the pool has exactly one
worker, which opens the store read-write; queries and updates are then serialised.

Why not a process-pool library such as Pebble (issue 17 item 5): Pebble's ``ProcessPool``
does kill a task on timeout, cancel a running task and restart dead workers, but (5.x) a
worker that dies while no task is running marks the whole pool broken ("All workers expired"),
a failing initializer is re-spawned every 0.1 s with no back-off, all workers share one
channel guarded by a lock that a killed worker can hold, its initializer arguments are fixed
per pool (switching builds means a second pool and retiring the first by hand), and it has no
notion of a bounded wait, of waiters' clients or of cancelling on disconnect. Those are most
of what this module does, so it keeps its own small supervisor on the event loop (no threads).

>>> WorkerPool(StoreSpec("/nonexistent"), size=2, time_limit=10, max_waiting=4).size
2
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import itertools
import math
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

FAIRNESS_WINDOW = 30.0  # seconds during which a client address counts as active


class JobError(Exception):
    """A job failed; ``status`` is the HTTP status to answer with, ``retry_after`` seconds or None."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class QueryTimeout(JobError):
    """A job ran longer than the time limit; its worker was killed (503)."""

    def __init__(self, message: str):
        super().__init__(503, message)


class QueueTimeout(JobError):
    """A job waited longer than the bound on waiting for a worker (503 with Retry-After)."""


class WorkerLost(JobError):
    """The worker running a job died (a crash, a kill from outside); it is being replaced."""


class ClientGone(JobError):
    """The client disconnected; its job was cancelled (499, which nobody receives)."""


@dataclass(frozen=True)
class StoreSpec:
    """Which store the workers open and how: an oxigraph directory, read-only or writable."""

    path: str
    writable: bool = False


# ---------------------------------------------------------------- inside a worker

def _open(spec: StoreSpec) -> ox.Store:
    return ox.Store(spec.path) if spec.writable else ox.Store.read_only(spec.path)


def _to_graph(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(iri)


#: The smallest byte cap of a SELECT result serialised at once by pyoxigraph (else ``512 × limit``).
MIN_NATIVE_BYTES = 1 << 20


def run_query(store: ox.Store, text: str, *, default_graphs: list[str], named_graphs: list[str],
              formats: dict[str, str | None], limit: int, base_iri: str | None,
              prefixes: dict[str, str]) -> dict[str, Any]:
    """Run a query; ``{"body": bytes, "media_type", "truncated": bool, "count": rows or triples, "limit"}``.

    ``formats`` maps the result kinds (``solutions``, ``graph``) to the negotiated format key
    (``None``: nothing acceptable, :class:`JobError` 406). A SELECT result is serialised by
    pyoxigraph into a buffer capped at ``max(1 MiB, 512 bytes × limit)``; one that passes the
    cap is evaluated again and read row by row, stopping after ``limit + 1`` rows, so memory
    stays bounded by the limit. ``truncated`` says the result has more than ``limit`` rows or
    triples (the server refuses it; the body is then not to be used). Raises
    :class:`JobError` 400 for a syntax error or an invalid graph IRI.
    """
    from kjgraph.server import sparql

    kwargs: dict[str, Any] = {"prefixes": used_prefixes(text, prefixes)}
    if base_iri:
        kwargs["base_iri"] = base_iri
    if default_graphs:
        kwargs["default_graph"] = [_to_graph(g) for g in default_graphs]
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(text, **kwargs)
    except SyntaxError as exc:
        raise JobError(400, f"SPARQL syntax error: {exc}") from None
    except ValueError as exc:  # e.g. an invalid graph IRI
        raise JobError(400, str(exc)) from None
    kind = "graph" if isinstance(result, ox.QueryTriples) else "solutions"
    key = formats[kind]
    if key is None:
        raise JobError(406, "none of the accepted media types fits this query's results; use "
                       + ", ".join((sparql.SOLUTION_TYPES if kind == "solutions"
                                    else sparql.GRAPH_TYPES).values()))
    truncated = False
    if isinstance(result, ox.QueryBoolean):
        body = sparql.write_boolean(bool(result), key)
        count = 1
    elif isinstance(result, ox.QuerySolutions):
        native = key in sparql.RESULTS_FORMATS
        if native:
            try:  # pyoxigraph's serialiser, up to a byte cap
                body, count = sparql.serialize_solutions(result, key, max_bytes=max(MIN_NATIVE_BYTES, limit * 512))
                truncated = count > limit
            except sparql.TooLarge:  # a large result: again, row by row, stopping after limit + 1 rows
                native = False
                result = store.query(text, **kwargs)
        if not native:
            assert isinstance(result, ox.QuerySolutions)  # (a SELECT evaluated again is one still)
            body, count, truncated = _rows_written(result, key, limit)
    else:
        triples = list(itertools.islice(result, limit + 1))
        truncated = len(triples) > limit
        triples = triples[:limit]
        body = sparql.write_triples(triples, key, prefixes)
        count = len(triples)
    return {"body": body, "media_type": sparql.media_type(kind, key), "truncated": truncated,
            "count": count, "limit": limit}


def used_prefixes(text: str, prefixes: dict[str, str]) -> dict[str, str]:
    """The ``prefixes`` a query may use: those whose ``name:`` occurs in ``text`` (all of them
    if the text has a ``\\u`` or ``\\U`` escape, which could spell a colon).

    pyoxigraph reads every prefix given on each query (31 kjgraph prefixes cost about 15 µs,
    as much as evaluating ``ASK {}``); a prefix used in the query always occurs with its
    colon, so leaving out the others changes nothing.

    >>> used_prefixes("SELECT * { ?s a kjo:Person }", {"kjo": "https://w3id.org/kjgraph/ontology#", "owl": "o"})
    {'kjo': 'https://w3id.org/kjgraph/ontology#'}
    """
    if "\\u" in text or "\\U" in text:
        return prefixes
    return {name: iri for name, iri in prefixes.items() if name + ":" in text}


def _rows_written(result: ox.QuerySolutions, key: str, limit: int) -> tuple[bytes, int, bool]:
    """``(body, rows, truncated)``: at most ``limit + 1`` rows read and written in Python
    (:func:`kjgraph.server.sparql.write_solutions`); no body when there are more than ``limit``."""
    from kjgraph.server import sparql

    variables = [v.value for v in result.variables]
    rows = [tuple(s[i] for i in range(len(variables))) for s in itertools.islice(result, limit + 1)]
    if len(rows) > limit:
        return b"", limit, True
    return sparql.write_solutions(variables, rows, key), len(rows), False


def run_update(store: ox.Store, text: str, *, using: list[str], using_named: list[str],
               base_iri: str | None, prefixes: dict[str, str]) -> dict[str, Any]:
    from kjgraph.server.sparql import DatasetConflict, add_using

    try:
        text = add_using(text, using, using_named)
    except DatasetConflict as exc:
        raise JobError(400, str(exc)) from None
    try:
        store.update(text, base_iri=base_iri, prefixes=prefixes)
    except SyntaxError as exc:
        raise JobError(400, f"SPARQL syntax error: {exc}") from None
    store.flush()
    return {"body": b"", "media_type": "text/plain"}


def _execute(store: ox.Store, job: tuple[str, dict[str, Any]]) -> Any:
    kind, args = job
    if kind == "query":
        try:
            return run_query(store, **args)
        except RuntimeError as exc:  # e.g. an unknown custom function: the query's own fault
            raise JobError(400, f"the query cannot be evaluated: {exc}") from None
        except OSError as exc:  # pyoxigraph reports SERVICE failures as OSError
            if "SERVICE" in args["text"].upper():
                raise JobError(502, f"a SERVICE endpoint could not be queried: {exc}") from None
            raise
    if kind == "update":
        return run_update(store, **args)
    if kind == "call":  # a page-data function of kjgraph.server.data
        from kjgraph.server import data

        function = getattr(data, args["function"])
        return function(store, *args.get("args", ()), **args.get("kwargs", {}))
    if kind == "sleep":  # holds a worker busy (tests, benchmarks)
        time.sleep(args["seconds"])
        return {"slept": args["seconds"]}
    raise ValueError(f"unknown job {kind!r}")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when the server dies (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: a worker ends at its next job instead
        pass
    if os.getppid() != parent:  # the server died before the request took effect
        os._exit(1)


def worker_main(argv: list[str]) -> None:
    """One worker process: ``FD PATH ro|rw PARENT_PID``; receive jobs, answer on the socket.

    Messages are pickled tuples framed as :mod:`multiprocessing.connection` frames:
    first ``("ready", pid)`` or ``("failed", reason)``, then one ``("ok", result)`` or
    ``("error", (status, message))`` per job. End-of-file on the socket ends the worker.
    """
    fd, path, mode, parent = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent(int(parent))
    conn = Connection(int(fd))
    try:
        store = _open(StoreSpec(path, writable=mode == "rw"))
    except BaseException as exc:
        conn.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
        sys.exit(1)
    conn.send_bytes(pickle.dumps(("ready", os.getpid())))
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", _execute(store, job))
        except JobError as exc:
            answer = ("error", (exc.status, exc.message))
        except Exception as exc:
            traceback.print_exc()  # to the server's log, not to the client
            answer = ("error", (500, f"internal error: {type(exc).__name__}: {exc}"))
        try:
            conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the server killed the job's request, or is gone
            return


# ---------------------------------------------------------------- in the web process

def _log(message: str) -> None:
    print(f"kjgraph serve: {message}", file=sys.stderr, flush=True)


def _status(code: int | None) -> str:
    """``exited with 1`` or ``killed by SIGSEGV`` for a Popen return code."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with {code}"


def _frame(payload: bytes) -> bytes:
    """``payload`` framed as :meth:`multiprocessing.connection.Connection.send_bytes` does."""
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!iQ", -1, len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


class Worker:
    """One worker process, seen from the web process.

    ``state``: ``starting`` → ``ready`` (store open) → ``idle`` ⇄ ``busy`` → ``dead`` (or
    ``retired``). The socket is
    watched by the event loop for the worker's whole life; each complete frame resolves
    ``ready`` (the first) or ``job``; end-of-file calls ``on_eof``.
    """

    def __init__(self, spec: StoreSpec, on_eof: Callable[[Worker], None]):
        self.spec = spec
        self.state = "starting"
        self.client: str | None = None  # whose job it is running
        self.loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[bytes] = self.loop.create_future()
        self.job: asyncio.Future[bytes] | None = None
        self._buffer = bytearray()
        self._on_eof = on_eof
        parent, child = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "import sys; from kjgraph.server.workers import worker_main; "
                 "worker_main(sys.argv[1:])", str(child.fileno()), spec.path,
                 "rw" if spec.writable else "ro", str(os.getpid())],
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL)
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        self.fd = parent.detach()
        os.set_blocking(self.fd, False)
        self.loop.add_reader(self.fd, self._readable)

    @property
    def pid(self) -> int:
        return self.process.pid

    def _readable(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._on_eof(self)
            return
        self._buffer.extend(chunk)
        while len(self._buffer) >= 4:
            size, start = struct.unpack("!i", self._buffer[:4])[0], 4
            if size == -1:
                if len(self._buffer) < 12:
                    return
                size, start = struct.unpack("!Q", self._buffer[4:12])[0], 12
            if len(self._buffer) < start + size:
                return
            message = bytes(self._buffer[start:start + size])
            del self._buffer[:start + size]
            target = self.ready if not self.ready.done() else self.job
            if target is not None and not target.done():
                target.set_result(message)

    async def send(self, payload: bytes) -> None:
        """Write one framed message, waiting for room in the socket buffer if need be."""
        data = memoryview(_frame(payload))
        while data:
            try:
                data = data[os.write(self.fd, data):]
            except BlockingIOError:
                writable = self.loop.create_future()
                self.loop.add_writer(self.fd, writable.set_result, None)
                try:
                    await writable
                finally:
                    self.loop.remove_writer(self.fd)

    def close(self) -> None:
        """Stop watching and close the socket (an idle worker then ends by itself)."""
        if self.fd >= 0:
            self.loop.remove_reader(self.fd)
            os.close(self.fd)
            self.fd = -1

    def reap(self, then: Callable[[int | None], None] | None = None, grace: float = 2.0) -> None:
        """Collect the process's exit status without blocking; SIGKILL it after ``grace`` s."""
        deadline = time.monotonic() + grace

        def check() -> None:
            code = self.process.poll()
            if code is None and time.monotonic() < deadline:
                self.loop.call_later(0.02, check)
                return
            if code is None:
                self.process.kill()
                code = self.process.wait()
            if then is not None:
                then(code)

        check()


_request: contextvars.ContextVar[tuple[str, Callable[[], Awaitable[dict[str, Any]]]] | None] = \
    contextvars.ContextVar("kjgraph_request", default=None)


class ClientTracking:
    """ASGI middleware: tells :meth:`WorkerPool.run` which client a request is from and
    lets it notice the client's disconnection. Put it outermost, so that its ``receive``
    is the server's own (after the body is read, the next message is ``http.disconnect``).
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("", 0)
        token = _request.set((str(client[0]), receive))
        try:
            await self.app(scope, receive, send)
        finally:
            _request.reset(token)


async def _disconnected(receive: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Return when the ASGI server reports the client gone (messages before are unread body)."""
    while (await receive())["type"] != "http.disconnect":
        pass


@dataclass(eq=False)
class _Ticket:
    """A job waiting for a worker; ``future`` receives the worker."""

    client: str
    future: asyncio.Future[Worker]
    since: float = field(default_factory=time.monotonic)


class WorkerPool:
    """``size`` workers on ``spec``; :meth:`run` runs one job in one of them.

    ``time_limit`` (s) bounds a job's run, ``queue_wait`` (s, default the time limit) its
    wait for a worker, ``max_waiting`` the number of waiting jobs (see :meth:`full`).
    ``reserve`` idle workers are kept for clients with no job running (see the module
    docstring). ``follow``, if given, returns the spec of the store's current build (it may
    raise OSError or kjgraph's StoreError while there is none); ``on_switch`` is called with
    the new spec after each switch.
    """

    def __init__(self, spec: StoreSpec, size: int, time_limit: float, max_waiting: int, *,
                 queue_wait: float | None = None, reserve: int = 1,
                 follow: Callable[[], StoreSpec] | None = None,
                 on_switch: Callable[[StoreSpec], None] | None = None,
                 start_timeout: float = 60.0, poll_interval: float = 1.0):
        self.spec = spec
        self.size = 1 if spec.writable else max(1, size)
        self.time_limit = time_limit
        self.queue_wait = time_limit if queue_wait is None else queue_wait
        self.max_waiting = max_waiting
        self.reserve = max(0, reserve)
        self.follow = follow
        self.on_switch = on_switch
        self.start_timeout = start_timeout
        self.poll_interval = poll_interval
        self.workers: list[Worker] = []  # alive: idle, busy, and busy ones of an older build
        self.idle: list[Worker] = []
        self.killed = 0  # workers stopped by the pool: time limit, client gone
        self.died = 0  # workers that died on their own or were killed from outside
        self._queues: dict[str, collections.deque[_Ticket]] = {}  # order = round-robin order
        self._running: collections.Counter[str] = collections.Counter()
        self._seen: dict[str, float] = {}  # client address -> last request (monotonic)
        self._served: dict[str, float] = {}  # client address -> last time it was given a worker
        self._pruned = time.monotonic()
        self._wake: asyncio.Event | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._closing = False
        self._tried: StoreSpec | None = None  # the last build the pool tried to switch to

    # ------------------------------------------------------------ state
    @property
    def waiting(self) -> int:
        """Jobs waiting for a worker."""
        return sum(len(q) for q in self._queues.values())

    @property
    def running(self) -> int:
        """Jobs running (or about to)."""
        return sum(1 for w in self.workers if w.state == "busy")

    def full(self) -> bool:
        """True when another job would exceed the bound on waiting jobs (answer 429)."""
        return self.waiting >= self.max_waiting

    # ------------------------------------------------------------ life cycle
    async def start(self) -> None:
        """Start the workers and the supervisor; raise RuntimeError if no worker can start."""
        self._wake = asyncio.Event()
        started = await asyncio.gather(*(self._spawn(self.spec) for _ in range(self.size)),
                                       return_exceptions=True)
        failures = [r for r in started if isinstance(r, BaseException)]
        for worker in started:
            if isinstance(worker, Worker):
                self._adopt(worker)
        if not self.workers:
            raise RuntimeError(f"no worker could open the store {self.spec.path}: {failures[0]}")
        for failure in failures:
            _log(f"a worker could not start ({failure}); retrying")
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def stop(self, grace: float = 2.0) -> None:
        """Stop everything: waiting jobs get 503, workers get ``grace`` s to end, then SIGKILL."""
        self._closing = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        for queue in self._queues.values():
            for ticket in queue:
                if not ticket.future.done():
                    ticket.future.set_exception(JobError(503, "the server is stopping", retry_after=5))
        self._queues.clear()
        workers = list(self.workers)
        for worker in workers:
            if worker.state == "busy":
                worker.process.kill()
            self._retire(worker, grace=grace)
        deadline = time.monotonic() + grace + 1
        while any(w.process.returncode is None for w in workers) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    # ------------------------------------------------------------ running a job
    async def run(self, job: tuple[str, dict[str, Any]], time_limit: float | None = None, *,
                  client: str | None = None,
                  receive: Callable[[], Awaitable[dict[str, Any]]] | None = None) -> Any:
        """Run ``job`` in a worker and return its result.

        ``client`` (an address, for fairness) and ``receive`` (the ASGI receive of the
        request, to notice a disconnection) default to those of the request being served
        (:class:`ClientTracking`). Raises :class:`QueryTimeout`, :class:`QueueTimeout`,
        :class:`WorkerLost`, :class:`ClientGone` or a :class:`JobError` from the worker.
        """
        limit = self.time_limit if time_limit is None else time_limit
        context = _request.get()
        if client is None:
            client = context[0] if context else ""
        if receive is None and context is not None:
            receive = context[1]
        self._note(client)
        watch = asyncio.ensure_future(_disconnected(receive)) if receive is not None else None
        try:
            deadline = time.monotonic() + self.queue_wait
            while True:
                worker = await self._acquire(client, watch, deadline)
                try:
                    raw = await self._execute(worker, job, limit, watch)
                except _NotStarted:
                    continue  # the worker died before it got the job: give it to another
                break
        finally:
            if watch is not None:
                watch.cancel()
        status, payload = pickle.loads(raw)
        if status == "error":
            raise JobError(*payload)
        return payload

    async def _acquire(self, client: str, watch: asyncio.Future[None] | None, deadline: float) -> Worker:
        ticket = _Ticket(client, asyncio.get_running_loop().create_future())
        self._queues.setdefault(client, collections.deque()).append(ticket)
        self._dispatch()
        try:
            if not ticket.future.done():
                waits: list[asyncio.Future[Any]] = [ticket.future] + ([watch] if watch else [])
                await asyncio.wait(waits, timeout=max(0.0, deadline - time.monotonic()),
                                   return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            self._abandon(ticket)
            raise
        if watch is not None and watch.done():
            self._abandon(ticket)
            raise ClientGone(499, "the client disconnected")
        if not ticket.future.done():
            self._abandon(ticket)
            retry = min(60, max(1, math.ceil(self.queue_wait)))
            raise QueueTimeout(503, f"no worker became free within {self.queue_wait:g} s; the "
                               "server is busy, retry shortly", retry_after=retry)
        return ticket.future.result()

    async def _execute(self, worker: Worker, job: tuple[str, dict[str, Any]], limit: float,
                       watch: asyncio.Future[None] | None) -> bytes:
        if worker.state != "busy":  # died between being chosen and now
            raise _NotStarted
        worker.job = asyncio.get_running_loop().create_future()
        try:
            await worker.send(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            self._lost(worker)
            raise _NotStarted from None
        except BaseException:  # cancelled while the socket was full
            self._kill(worker, "its request was cancelled")
            raise
        waits: list[asyncio.Future[Any]] = [worker.job] + ([watch] if watch else [])
        try:
            await asyncio.wait(waits, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled: the server is stopping
            self._kill(worker, "its request was cancelled")
            raise
        if worker.job.done():
            raw = worker.job.result()  # raises WorkerLost if it died
            self._release(worker)
            return raw
        if watch is not None and watch.done():
            self._kill(worker, "its client disconnected")
            raise ClientGone(499, "the client disconnected")
        self._kill(worker, f"the time limit of {limit:g} s")
        raise QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped")

    # ------------------------------------------------------------ scheduling
    def _note(self, client: str) -> None:
        """Remember that ``client`` sent a job; forget clients idle for the fairness window."""
        now = time.monotonic()
        self._seen[client] = now
        if now - self._pruned > FAIRNESS_WINDOW:
            self._pruned = now
            for other, last in list(self._seen.items()):
                if last < now - FAIRNESS_WINDOW and not self._running[other] and other not in self._queues:
                    del self._seen[other]
                    self._served.pop(other, None)

    def _contended(self, client: str) -> bool:
        """Has another client address been seen (within the fairness window, give or take one)?"""
        return len(self._seen) > (client in self._seen)

    def _dispatch(self) -> None:
        """Give idle workers to waiting jobs: fewest running, least recently served first,
        keeping the last ``reserve`` idle workers for a client's only job."""
        while self.idle and self._queues:
            candidates = []
            for client, queue in list(self._queues.items()):
                while queue and queue[0].future.done():
                    queue.popleft()  # its request gave up
                if not queue:
                    del self._queues[client]
                    continue
                if (len(self.idle) <= self.reserve and self._running[client] + len(queue) > 1
                        and self._contended(client)):
                    continue
                candidates.append(client)
            if not candidates:
                return
            chosen = min(candidates, key=lambda c: (self._running[c], self._served.get(c, 0.0)))
            queue = self._queues[chosen]
            ticket = queue.popleft()
            if not queue:
                del self._queues[chosen]
            worker = self.idle.pop()
            worker.state = "busy"
            worker.client = chosen
            self._running[chosen] += 1
            self._served[chosen] = time.monotonic()
            ticket.future.set_result(worker)

    def _abandon(self, ticket: _Ticket) -> None:
        """A waiting job gave up: leave the queue, or hand back the worker it was just given."""
        if ticket.future.done() and not ticket.future.cancelled() and ticket.future.exception() is None:
            self._release(ticket.future.result())
            return
        ticket.future.cancel()
        queue = self._queues.get(ticket.client)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._queues[ticket.client]

    def _unassign(self, worker: Worker) -> None:
        if worker.client is not None:
            self._running[worker.client] -= 1
            if self._running[worker.client] <= 0:
                del self._running[worker.client]
            worker.client = None

    def _release(self, worker: Worker) -> None:
        """A job ended normally: the worker goes back to work, or retires if its build is old."""
        self._unassign(worker)
        worker.job = None
        if worker.state != "busy":
            return
        if self._closing or worker.spec != self.spec:
            self._retire(worker)
        else:
            self._add(worker)

    def _add(self, worker: Worker) -> None:
        worker.state = "idle"
        if worker not in self.workers:
            self.workers.append(worker)
        self.idle.append(worker)
        self._dispatch()

    # ------------------------------------------------------------ deaths and kills
    def _forget(self, worker: Worker, state: str, error: bool = True) -> None:
        """Take a worker out of the pool; with ``error``, its pending job fails with WorkerLost."""
        worker.state = state
        worker.close()
        if worker in self.idle:
            self.idle.remove(worker)
        if worker in self.workers:
            self.workers.remove(worker)
        self._unassign(worker)
        for future in (worker.ready, worker.job):
            if future is None or future.done():
                continue
            if not error:
                future.cancel()
            else:
                future.set_exception(WorkerLost(
                    503, "the worker process running this request stopped; it is being replaced, "
                    "retry shortly", retry_after=1))
        if self._wake is not None:
            self._wake.set()

    def _lost(self, worker: Worker) -> None:
        """End-of-file on a worker's socket: it died (or is dying) on its own or from outside."""
        if worker.state in ("dead", "retired"):
            return
        was = worker.state
        self._forget(worker, "dead")
        if was == "starting":
            return  # _spawn reports it
        self.died += 1

        def report(code: int | None) -> None:
            _log(f"worker {worker.pid} {_status(code)} while {was}"
                 + ("" if self._closing else "; a replacement is starting"))

        worker.reap(report, grace=1.0)

    def _kill(self, worker: Worker, why: str) -> None:
        """Stop a worker whose job must end now (SIGKILL; pyoxigraph cannot be interrupted)."""
        if worker.state in ("dead", "retired"):
            return
        self.killed += 1
        worker.process.kill()
        self._forget(worker, "dead", error=False)
        worker.reap()
        _log(f"stopped worker {worker.pid}: {why}")

    def _retire(self, worker: Worker, grace: float = 5.0) -> None:
        """Let a worker go: closing its socket ends it; SIGKILL if it lingers."""
        if worker.state in ("dead", "retired"):
            return
        self._forget(worker, "retired", error=worker.state == "busy")
        worker.reap(grace=grace)

    # ------------------------------------------------------------ supervision
    async def _spawn(self, spec: StoreSpec) -> Worker:
        """Start one worker on ``spec`` and wait until it has opened the store."""
        worker = Worker(spec, self._lost)
        try:
            status, detail = pickle.loads(await asyncio.wait_for(asyncio.shield(worker.ready),
                                                                 self.start_timeout))
        except BaseException as exc:
            worker.process.kill()
            self._forget(worker, "dead", error=False)
            code = worker.process.wait()  # at once: it was just killed
            if isinstance(exc, asyncio.CancelledError):
                raise
            if isinstance(exc, TimeoutError):
                raise RuntimeError(f"a worker did not open {spec.path} within {self.start_timeout:g} s") from None
            raise RuntimeError(f"a worker could not open {spec.path}: it {_status(code)}") from None
        if status != "ready":
            self._forget(worker, "dead", error=False)
            worker.reap()
            raise RuntimeError(f"a worker could not open {spec.path}: {detail}")
        if worker.state == "starting":
            worker.state = "ready"
        return worker

    def _target(self) -> StoreSpec:
        if self.follow is None:
            return self.spec
        try:
            return self.follow()
        except Exception:  # no current build at the moment: stay
            return self.spec

    async def _supervise(self) -> None:
        assert self._wake is not None
        delay = 0.0
        while not self._closing:
            if delay:
                await asyncio.sleep(delay)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
            self._wake.clear()
            try:
                ok = await self._maintain()
            except Exception as exc:  # the supervisor must never stop
                _log(f"the worker supervisor failed ({type(exc).__name__}: {exc}); retrying")
                ok = False
            delay = 0.0 if ok else min(max(0.5, 2 * delay), 10.0)
            if not ok:
                _log(f"workers: {len(self.idle)} idle, {self.running} busy of {self.size}; "
                     f"next attempt in {delay:g} s")

    async def _maintain(self) -> bool:
        """One round: switch to a new build if there is one, then top up to ``size`` workers."""
        target = self._target()
        ok = True
        if target != self.spec:
            ok = await self._switch(target)
        missing = self.size - sum(1 for w in self.workers if w.spec == self.spec)
        if missing <= 0:
            return ok
        started = await asyncio.gather(*(self._spawn(self.spec) for _ in range(missing)),
                                       return_exceptions=True)
        for result in started:
            if isinstance(result, Worker):
                self._adopt(result)
            else:
                ok = False
                _log(f"{result}")
        return ok

    def _adopt(self, worker: Worker) -> None:
        """A freshly started worker joins the pool (unless it died meanwhile or is not needed)."""
        if worker.state != "ready":
            return
        if self._closing or worker.spec != self.spec:
            self._retire(worker)
        else:
            self._add(worker)

    async def _switch(self, target: StoreSpec) -> bool:
        """Start ``size`` workers on ``target``; only if all open it, make it the pool's build."""
        if target != self._tried:
            _log(f"the store's current build is now {target.path}; starting {self.size} workers on it")
            self._tried = target
        started = await asyncio.gather(*(self._spawn(target) for _ in range(self.size)),
                                       return_exceptions=True)
        failures = [r for r in started if not isinstance(r, Worker)]
        fresh = [r for r in started if isinstance(r, Worker)]
        if failures or self._closing:
            for worker in fresh:
                self._retire(worker)
            if failures:
                _log(f"staying on {self.spec.path}: {failures[0]}")
            return not failures
        self._move_to(target, fresh)
        return True

    def _move_to(self, target: StoreSpec, fresh: list[Worker]) -> None:
        """Make ``target`` the pool's build with the ``fresh`` workers started on it: idle
        workers of the previous build retire now, busy ones when their job ends."""
        previous, self.spec = self.spec, target
        old = [w for w in self.workers if w.spec != target]
        for worker in old:
            if worker.state == "idle":
                self._retire(worker)
        busy = sum(1 for w in old if w.state == "busy")
        for worker in fresh:
            self._adopt(worker)
        _log(f"switched from {previous.path} to {target.path} ({self.size} workers)"
             + (f"; {busy} busy worker(s) of the previous build retire when done" if busy else ""))
        if self.on_switch is not None:
            try:
                self.on_switch(target)
            except Exception as exc:
                _log(f"after the switch: {type(exc).__name__}: {exc}")


class _NotStarted(Exception):
    """The worker chosen for a job died before the job reached it."""
