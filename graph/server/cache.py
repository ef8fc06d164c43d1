"""Query answers kept in the web process, so that a repeated query costs no worker round trip.

A read-only server answers the same query on the same build with the same bytes, so
:class:`ResultCache` keeps recent answers (least recently used first out) within a byte
budget, keyed by everything that decides the bytes: the query text, the protocol's dataset
(default and named graph IRIs) and the negotiated formats. Only answers that can repeat are
kept: a query naming ``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE`` or ``SERVICE`` (a
word anywhere in the text, comments and strings included: erring on the side of not keeping)
is never cached, nor an answer over a twentieth of the budget, nor an error. The server
empties the cache when it moves to a new build and does not use one when updates are
enabled (:mod:`kjgraph.server.app`).

A cached answer skips only the worker: the request is parsed and checked as any other
(:mod:`kjgraph.server.protocol`: SERVICE refused, nesting, limits), and it is answered even
when every worker is busy. In front of the whole application, :class:`ResponseCache` keeps
the same answers as they were sent (headers included) under the raw request, so that the
exact same request again (a client polling, a benchmark) costs only a dictionary look-up:
parsing, routing and middleware are skipped too, which is most of the web process's time
per request (about 120 of 140 µs for a cached ``ASK {}``).

>>> cache = ResultCache(max_bytes=100_000)
>>> key = cache.key("ASK {}", (), (), {"solutions": "json", "graph": None})
>>> cache.put(key, {"body": b'{"boolean":true}', "media_type": "application/sparql-results+json", "count": 1})
True
>>> cache.get(key)["count"], len(cache), cache.size  # body 16, key 6 + 18, overhead 256
(1, 1, 296)
>>> cache.key("SELECT (RAND() AS ?r) {}", (), (), {}) is None
True
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

#: Words that make a query's answer change from one evaluation to the next (or leave the server).
VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE|SERVICE)\b", re.IGNORECASE)


class ResultCache:
    """A least-recently-used map of query answers within ``max_bytes`` of bodies.

    An answer is a dict with ``body`` (bytes; the worker's dict also has ``media_type`` and
    ``count``, :class:`ResponseCache`'s ``status`` and ``headers``), kept as given. An entry
    counts its body, the strings and bytes of its key (a query text, a request body: a key
    can be far larger than its answer) and :data:`ENTRY_OVERHEAD`; entries larger than
    ``max_bytes // 20`` are not kept. ``max_bytes`` 0 keeps nothing.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 20
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[dict[str, Any], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, text: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...],
            formats: Mapping[str, str | None]) -> Hashable | None:
        """The key of a query's answer, or ``None`` when it must not be cached (volatile, or no cache)."""
        if not self.max_bytes or VOLATILE.search(text):
            return None
        return text, default_graphs, named_graphs, tuple(sorted(formats.items()))

    def get(self, key: Hashable | None) -> dict[str, Any] | None:
        if key is None:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable | None, answer: dict[str, Any]) -> bool:
        """Keep ``answer`` under ``key`` (nothing for a ``None`` key or an entry over the entry cap),
        dropping the least recently used answers beyond the budget; whether it was kept."""
        if key is None:
            return False
        size = len(answer["body"]) + _bytes_in(key) + ENTRY_OVERHEAD
        if size > self.max_entry:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old[1]
        self._entries[key] = (answer, size)
        self.size += size
        while self.size > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped
        return True

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0


#: Bytes counted for each entry besides its body and key (the dict, tuples and list that hold it).
ENTRY_OVERHEAD = 256


def _bytes_in(key: object) -> int:
    """Characters and bytes of the strings and bytes in ``key`` (tuples followed)."""
    if isinstance(key, (str, bytes)):
        return len(key)
    if isinstance(key, tuple):
        return sum(_bytes_in(part) for part in key)
    return 0


#: Request headers that never change an answer's bytes (the body is part of the key itself).
_IGNORED_HEADERS = frozenset({b"content-length", b"user-agent", b"connection"})
#: The scope key under which :class:`ResponseCache` hands the endpoint a list to mark an answer keepable.
KEEPABLE = "kjgraph.keepable"


class ResponseCache:
    """ASGI middleware: the SPARQL endpoint's answers as sent, replayed to an identical
    request without routing, the other middleware, parsing or a worker.

    Put outermost. For ``GET`` and ``POST`` to ``path`` (other requests pass untouched),
    the key is the method, the query string, the body and every request header except
    ``Content-Length``, ``User-Agent`` and ``Connection`` (so ``Accept``,
    ``Accept-Encoding``, ``Origin`` and the conditional headers all take part: the replayed
    bytes are those the full stack gave that very request). An answer is kept in
    ``answers`` (a :class:`ResultCache`, within its byte budget; none when its budget is 0)
    only when the endpoint marked it keepable (it appended to the list at
    ``scope[KEEPABLE]``: a query answer that its own :class:`ResultCache` keeps, so never
    a volatile one, an error or a 304), it is a 200 and its body came in one message. The
    checks stay: every one of them (:mod:`kjgraph.server.protocol`: SERVICE, nesting,
    lengths; the body limit) is a function of the key, so the identical request passed
    them before. A POST body whose ``Content-Length`` is missing or over ``max_body`` is
    not read here (the full stack answers it: 413 for the latter).
    """

    def __init__(self, app: Any, path: str, answers: ResultCache, max_body: int):
        self.app = app
        self.path = path
        self.answers = answers
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (not self.answers.max_bytes or scope["type"] != "http" or scope["path"] != self.path
                or scope["method"] not in ("GET", "POST")):
            await self.app(scope, receive, send)
            return
        headers = tuple(h for h in scope["headers"] if h[0].lower() not in _IGNORED_HEADERS)
        body = b""
        if scope["method"] == "POST":
            length = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
            if length is None or not length.isdigit() or int(length) > self.max_body:
                await self.app(scope, receive, send)  # the full stack decides (413 for too long)
                return
            read = await _read_body(receive)
            if read is None:
                return  # the client left before sending its body: nobody would read an answer
            body, receive = read
        key = (scope["method"], scope["query_string"], body, headers)
        entry = self.answers.get(key)
        if entry is not None:
            await send({"type": "http.response.start", "status": entry["status"], "headers": entry["headers"]})
            await send({"type": "http.response.body", "body": entry["body"]})
            return
        await self._answer(key, scope, receive, send)

    async def _answer(self, key: Hashable, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Run the full stack, and keep its answer if the endpoint marked it keepable."""
        keepable: list[bool] = []
        messages: list[dict[str, Any]] = []

        async def record(message: dict[str, Any]) -> None:
            messages.append(message)
            await send(message)

        await self.app({**scope, KEEPABLE: keepable}, receive, record)
        if not keepable or len(messages) != 2 or messages[0].get("status") != 200 \
                or messages[1].get("type") != "http.response.body" or messages[1].get("more_body"):
            return
        self.answers.put(key, {"status": 200, "headers": list(messages[0].get("headers", [])),
                               "body": messages[1].get("body", b"")})


async def _read_body(receive: Any) -> tuple[bytes, Any] | None:
    """The whole body of a request (bounded by its ``Content-Length``, checked by the caller) and
    a ``receive`` that gives it again, then the server's messages; None if the client left."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    given = False

    async def replay() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()
        return message

    return body, replay
