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
when every worker is busy.

>>> cache = ResultCache(max_bytes=1000)
>>> key = cache.key("ASK {}", (), (), {"solutions": "json", "graph": None})
>>> cache.put(key, {"body": b'{"boolean":true}', "media_type": "application/sparql-results+json", "count": 1})
>>> cache.get(key)["count"], len(cache), cache.size
(1, 1, 16)
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

    An answer is the worker's dict (``body``: bytes, ``media_type``, ``count``); entries
    larger than ``max_bytes // 20`` are not kept. ``max_bytes`` 0 keeps nothing.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 20
        self.size = 0
        self._entries: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()

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
        answer = self._entries.get(key)
        if answer is not None:
            self._entries.move_to_end(key)
        return answer

    def put(self, key: Hashable | None, answer: dict[str, Any]) -> None:
        """Keep ``answer`` under ``key`` (nothing for a ``None`` key or a body over the entry cap),
        dropping the least recently used answers beyond the budget."""
        size = len(answer["body"])
        if key is None or size > self.max_entry:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old["body"])
        self._entries[key] = {"body": answer["body"], "media_type": answer["media_type"], "count": answer["count"]}
        self.size += size
        while self.size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.size -= len(dropped["body"])

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0
