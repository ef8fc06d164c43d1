"""A pool of worker processes that run SPARQL on the store, each killable.

Why processes: pyoxigraph's ``Store.query`` runs in Rust and cannot be interrupted from
Python, so a runaway query would hold a thread (and its share of the GIL-free CPU)
forever. Each worker is a separate process holding the store open (read-only by
default, so any number of workers share one RocksDB directory); the web process sends a
job over a pipe and waits at most the time limit. A worker that overruns is killed
(SIGKILL) and replaced, and the client gets 503; every other query carries on in the
other workers. Results are serialised inside the worker, so only bytes cross the pipe.

Writable mode (updates enabled): RocksDB allows one writer, so the pool has exactly one
worker, which opens the store read-write; queries and updates are then serialised.

>>> pool = WorkerPool.__new__(WorkerPool)  # see tests/test_serve.py for real use
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import os
import pickle
import signal
import struct
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox


class QueryTimeout(Exception):
    """A job ran longer than the time limit; its worker was killed."""


class JobError(Exception):
    """A job failed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


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


def run_query(store: ox.Store, text: str, *, default_graphs: list[str], named_graphs: list[str],
              formats: dict[str, str | None], limit: int, base_iri: str | None,
              prefixes: dict[str, str]) -> dict[str, Any]:
    """Run a query; answer serialised bytes in the negotiated format, cut at ``limit``."""
    from kjgraph.server import sparql

    kwargs: dict[str, Any] = {"prefixes": prefixes}
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
        variables = [v.value for v in result.variables]
        rows = [tuple(s[i] for i in range(len(variables)))
                for s in itertools.islice(result, limit + 1)]
        truncated = len(rows) > limit
        rows = rows[:limit]
        body = sparql.write_solutions(variables, rows, key, truncated)
        count = len(rows)
    else:
        triples = list(itertools.islice(result, limit + 1))
        truncated = len(triples) > limit
        triples = triples[:limit]
        body = sparql.write_triples(triples, key, prefixes)
        count = len(triples)
    return {"body": body, "media_type": sparql.media_type(kind, key), "truncated": truncated,
            "count": count, "limit": limit}


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
    if kind == "sleep":  # used by the tests to hold a worker busy
        time.sleep(args["seconds"])
        return {"slept": args["seconds"]}
    raise ValueError(f"unknown job {kind!r}")


def worker_main(conn: Connection, spec: StoreSpec) -> None:
    """The loop of one worker process: receive a job, answer ("ok", result) or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store = _open(spec)
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
        conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


# ---------------------------------------------------------------- in the web process

class Worker:
    """One worker process and the parent's end of its pipe."""

    _context = mp.get_context("spawn")  # no fork of a threaded event-loop process

    def __init__(self, spec: StoreSpec):
        parent, child = self._context.Pipe(duplex=True)
        self.conn = parent
        self.process = self._context.Process(target=worker_main, args=(child, spec), daemon=True)
        self.process.start()
        child.close()
        status, pid = pickle.loads(self.conn.recv_bytes())  # wait until the store is open
        if status != "ready":
            raise RuntimeError(f"worker failed to start: {pid}")
        self.jobs = 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """``size`` workers; :meth:`run` waits for an idle one, bounded by ``max_waiting``."""

    def __init__(self, spec: StoreSpec, size: int, time_limit: float, max_waiting: int):
        self.spec = spec
        self.size = 1 if spec.writable else max(1, size)
        self.time_limit = time_limit
        self.max_waiting = max_waiting
        self.waiting = 0
        self.running = 0
        self.killed = 0
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: list[Worker] = []

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, Worker, self.spec)
                                         for _ in range(self.size)))
        for worker in workers:
            self.workers.append(worker)
            self.idle.put_nowait(worker)

    def stop(self) -> None:
        for worker in self.workers:
            worker.kill()
        self.workers.clear()

    def full(self) -> bool:
        """True when another job would exceed the bound on waiting jobs (answer 429)."""
        return self.waiting >= self.max_waiting  # (a job that finds an idle worker never waits)

    async def run(self, job: tuple[str, dict[str, Any]], time_limit: float | None = None) -> Any:
        """Run ``job`` in an idle worker; raise :class:`QueryTimeout` or :class:`JobError`."""
        limit = self.time_limit if time_limit is None else time_limit
        self.waiting += 1
        try:
            worker = await self.idle.get()
        finally:
            self.waiting -= 1
        self.running += 1
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        fd = worker.conn.fileno()

        buffer = bytearray()

        def readable() -> None:
            # The event loop made the fd non-blocking, so read what is there and parse
            # multiprocessing's framing ourselves: a 4-byte length (-1: an 8-byte one follows).
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                return
            except OSError as exc:
                chunk, error = b"", exc
            else:
                error = EOFError("worker closed the pipe")
            if not chunk:
                loop.remove_reader(fd)
                if not future.done():
                    future.set_exception(error)
                return
            buffer.extend(chunk)
            if len(buffer) < 4:
                return
            size, start = struct.unpack("!i", buffer[:4])[0], 4
            if size == -1:
                if len(buffer) < 12:
                    return
                size, start = struct.unpack("!Q", buffer[4:12])[0], 12
            if len(buffer) >= start + size:
                loop.remove_reader(fd)
                if not future.done():
                    future.set_result(bytes(buffer[start:start + size]))

        try:
            os.set_blocking(fd, True)  # a blocking send; the reader below makes it non-blocking
            worker.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            loop.add_reader(fd, readable)
            try:
                raw = await asyncio.wait_for(future, limit)
            except (TimeoutError, asyncio.CancelledError, EOFError, OSError) as exc:
                loop.remove_reader(fd)
                self._replace(worker)
                worker = None  # type: ignore[assignment]
                if isinstance(exc, asyncio.TimeoutError):
                    raise QueryTimeout(f"the query ran longer than the time limit of {limit:g} s "
                                       "and was stopped") from None
                if isinstance(exc, asyncio.CancelledError):
                    raise
                print(f"kjgraph: a worker process failed: {exc!r}", file=sys.stderr)
                raise JobError(500, "the worker process died while running the query") from None
        finally:
            self.running -= 1
            if worker is not None:
                self.idle.put_nowait(worker)
        status, payload = pickle.loads(raw)
        if status == "error":
            raise JobError(*payload)
        return payload

    def _replace(self, worker: Worker) -> None:
        """Kill an overrunning worker and start its replacement in the background."""
        self.killed += 1
        worker.kill()
        if worker in self.workers:
            self.workers.remove(worker)
        loop = asyncio.get_running_loop()

        async def respawn() -> None:
            fresh = await loop.run_in_executor(None, Worker, self.spec)
            self.workers.append(fresh)
            self.idle.put_nowait(fresh)

        task = loop.create_task(respawn())
        self._respawns = getattr(self, "_respawns", set())
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)
