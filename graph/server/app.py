"""``kjgraph serve``: the graph as linked data and a SPARQL 1.1 Protocol endpoint.

Stack: Starlette on uvicorn (uvloop + httptools). Starlette is a small, well-kept ASGI
toolkit (routing, requests, CORS middleware) without an ORM or template opinions, and
uvicorn is the reference ASGI server; together they add little per-request overhead,
which matters because the SPARQL work itself happens in killable worker processes
(:mod:`kjgraph.server.workers`) and the web process only routes and moves bytes. The same
request to the SPARQL endpoint again is answered in front of all of it, from the answers as
sent (:class:`kjgraph.server.cache.ResponseCache`); the middleware of its own (limits,
compression, conditional requests, OPTIONS, security headers) is in :mod:`kjgraph.server.httputil`.

IRIs. The public base ``https://w3id.org/kjgraph/`` maps onto the server's root
(``--base-url``). Resource IRIs (``/id/…``, ``/graph/…``) name things, not documents,
so they answer **303 See Other** to a document chosen by ``Accept`` (the "Cool URIs for
the Semantic Web" 303 pattern, which static hosts and w3id.org redirects can reproduce
exactly): ``/doc/<path>.html`` for people, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf`` for
machines. The documents answer directly (200) and name each other as alternates.
``/ontology`` answers 303 to ``/ontology.html`` (kjgraph.docs, in the reader's language) or
``/ontology.ttl``.

HTTP (RFC 9110). Every route answers GET, HEAD and OPTIONS (``Allow`` lists what the route
accepts); content negotiation follows the ``Accept`` header's quality values and wildcards
(Werkzeug's parser; 406 when nothing offered is acceptable); pages, documents, results of
GET queries and dumps carry ``ETag`` and ``Last-Modified`` and answer 304 to
``If-None-Match`` / ``If-Modified-Since``; answers are compressed (zstd, br, gzip) as
``Accept-Encoding`` allows, dumps from files compressed once. Public addresses (the service
description's endpoint, VoID) come from ``--base-url``, never from request headers.

Security. SPARQL text is checked before any worker parses it (:mod:`kjgraph.sparql_text`):
``SERVICE`` and ``LOAD`` are refused unless their host is on ``--allow-service``, and
nesting that could crash the engine is refused with 400. Links to IRIs with schemes other
than http, https and mailto are shown as text. HTML pages carry a Content-Security-Policy
that lets only their own inline scripts run (by hash), every answer
``X-Content-Type-Options: nosniff`` and a same-origin frame policy.

>>> config = ServerConfig(store="/nonexistent")
>>> config.base_url
'http://127.0.0.1:8000/'
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hmac
import json
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from kjgraph.iris import BASE
from kjgraph.query import PREFIXES
from kjgraph.server import httputil, pages, protocol, sparql
from kjgraph.server import void as void_mod
from kjgraph.server.cache import KEEPABLE, ResponseCache, ResultCache
from kjgraph.server.limits import LimitedHttpToolsProtocol
from kjgraph.server.workers import ClientTracking, JobError, QueryTimeout, StoreSpec, WorkerPool

DOC_FORMATS = {"html": "text/html", "ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
EXT_OF = {"turtle": "ttl", "jsonld": "jsonld", "ntriples": "nt", "rdfxml": "rdf"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class ServerConfig:
    """Everything ``kjgraph serve`` can be told (see ``kjgraph serve --help``)."""

    store: str | os.PathLike[str] | None
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None
    workers: int = 2
    time_limit: float = 10.0
    max_waiting: int = 64
    max_query_length: int = 32_768
    max_body: int = 1_048_576
    result_limit: int = 10_000
    update_token: str | None = None
    max_queue_wait: float | None = None  # seconds a job may wait for a worker (default: time_limit)
    reserve_workers: int = 1  # idle workers kept for a client's only query (see workers.py)
    allow_service: tuple[str, ...] = ()  # hosts (HOST or HOST:PORT) SERVICE and LOAD may reach
    result_cache: int = 64 << 20  # bytes of query answers kept in the web process (read-only servers; 0: none)
    dumps: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    spec: StoreSpec | None = None
    follows: bool = False  # a kjgraph store: follow its current build

    def __post_init__(self) -> None:
        if not self.base_url:
            self.base_url = f"http://{self.host}:{self.port}/"
        if not self.base_url.endswith("/"):
            self.base_url += "/"

    def resolve_store(self) -> None:
        """Find the oxigraph directory: a kjgraph store (``current/oxigraph``) or a bare one."""
        from kjgraph.store import StoreLocation

        location = StoreLocation(self.store)
        if location.exists():
            path = location.oxigraph_path()
            self.dumps = self.dumps or location.dumps()
            self.manifest = location.manifest()
        elif location.root.is_dir() and (location.root / "CURRENT").is_file():
            path = location.root  # a bare oxigraph (RocksDB) directory, e.g. test data
        else:
            path = location.oxigraph_path()  # raises a StoreError with advice
        self.spec = StoreSpec(str(path), writable=bool(self.update_token))
        self.follows = location.exists()

    def current_spec(self) -> StoreSpec:
        """The spec of the store's current build (the server follows rebuilds; see workers.py)."""
        from kjgraph.store import StoreLocation

        return StoreSpec(str(StoreLocation(self.store).oxigraph_path()), writable=bool(self.update_token))

    def use_build(self, spec: StoreSpec) -> None:
        """Serve the build of ``spec`` (its dumps and manifest) from now on."""
        build = Path(spec.path).parent
        self.spec = spec
        self.dumps = build / "dumps"
        manifest = build / "manifest.json"
        self.manifest = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}


class Server:
    """The routes and their state (the worker pool, caches)."""

    def __init__(self, config: ServerConfig):
        if config.spec is None:
            config.resolve_store()
        self.config = config
        self.pool = WorkerPool(config.spec, config.workers, config.time_limit, config.max_waiting,  # type: ignore[arg-type]
                               queue_wait=config.max_queue_wait, reserve=config.reserve_workers,
                               follow=config.current_spec if config.follows else None,
                               on_switch=self.build_switched)
        self.site = pages.Site("/" + config.base_url.split("://", 1)[-1].partition("/")[2])  # type: ignore[union-attr]
        self.cache = Path(tempfile.mkdtemp(prefix="kjgraph-serve-"))
        # answers of repeated queries, without a worker (see cache.py); none when updates are enabled
        self.results = ResultCache(0 if config.update_token else config.result_cache)
        # the same answers as sent, by raw request (cache.ResponseCache, in front of everything)
        self.responses = ResultCache(self.results.max_bytes)
        self._summary: tuple[float, dict[str, Any]] | None = None
        self._home: dict[str, Any] | None = None
        self._plots: dict[tuple[str, str], bytes] = {}
        self._ontology_lock = asyncio.Lock()
        self._ontology_csp: str | None = None
        self._gzip_locks: dict[str, asyncio.Lock] = {}
        self._started = time.time()
        self._updated = 0.0

    def build_switched(self, spec: StoreSpec) -> None:
        """The workers moved to a new build: serve its dumps and manifest, drop derived caches."""
        self.config.use_build(spec)
        self.results.clear()
        self.responses.clear()
        self._summary = None
        self._home = None
        self._plots.clear()
        for cached in self.cache.glob("*.gz"):
            cached.unlink(missing_ok=True)

    # ------------------------------------------------------------ helpers
    async def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        if self.pool.full():
            raise Busy()
        return await self.pool.run(("call", {"function": function, "args": args, "kwargs": kwargs}))

    async def summary(self) -> dict[str, Any]:
        if self._summary is None or time.monotonic() - self._summary[0] > 60:
            self._summary = (time.monotonic(), await self.call("summary"))
        return self._summary[1]

    def public(self, path: str) -> str:
        """The public IRI of a server path (``id/person/x`` → ``https://w3id.org/kjgraph/id/person/x``)."""
        return BASE + path

    def lang(self, request: Request) -> str:
        return pages.choose_language(request.query_params.get("lang"),
                                     request.headers.get("accept-language"))

    def last_modified(self) -> float:
        """When what the server answers last changed: its start, the build it serves, an update."""
        built = self.config.manifest.get("built")
        stamp = self._started
        if isinstance(built, str):
            with contextlib.suppress(ValueError):
                stamp = max(stamp, datetime.fromisoformat(built.replace("Z", "+00:00")).timestamp())
        return max(stamp, self._updated)

    def html(self, request: Request, template: str, status: int = 200, *, connect_anywhere: bool = False,
             **context: Any) -> HTMLResponse:
        text = pages.render(template, self.site, self.lang(request), **context)
        return HTMLResponse(text, status_code=status, headers={
            "Vary": "Accept, Accept-Language",
            "Content-Security-Policy": httputil.content_security_policy(text, connect_anywhere=connect_anywhere)})

    def error(self, request: Request, status: int, message: str, headers: dict[str, str] | None = None,
              title: str = "") -> Response:
        wants_html = request.scope["path"] != self.site.root + "sparql" and _prefers_html(request.headers.get("accept"))
        if wants_html:
            response: Response = self.html(request, "error.html", status=status, code=status,
                                           title=title, message=message)
        else:
            response = PlainTextResponse(message + "\n", status_code=status)
        response.headers.update(headers or {})
        return response

    def dump_names(self) -> list[str]:
        if not self.config.dumps or not self.config.dumps.is_dir():
            return []
        names = sorted(p.name for p in self.config.dumps.iterdir() if p.is_file() and not p.name.endswith(".gz"))
        return names + [n + ".gz" for n in names]

    def endpoint(self) -> str:
        """The endpoint's public URL: from ``--base-url`` (or the bound address), never from the request."""
        return self.config.base_url + "sparql"  # type: ignore[operator]

    def raw_rest(self, request: Request, prefix: str = "") -> str | None:
        """The request's path after the site root (and ``prefix``) exactly as the client sent it
        (percent-encodings kept), or None if it does not start there."""
        raw = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
        path = raw.decode("latin-1").partition("?")[0]
        start = self.site.root + prefix
        return path[len(start):] if path.startswith(start) else None

    def candidates(self, rest: str) -> list[str]:
        """The IRIs the path ``rest`` (``id/…``, ``graph/…``) may name: its IRI form (RFC 3987
        §3.2: only non-ASCII characters decoded), then the path exactly as sent; raises
        :class:`BadRequest` when neither is an IRI."""
        candidates = list(dict.fromkeys([self.public(httputil.uri_to_iri(rest)), self.public(rest)]))
        valid = [iri for iri in candidates if _absolute_iri(iri)]
        if not valid:
            raise BadRequest(f"{self.public(rest)!r} is not a valid IRI")
        return valid

    async def find(self, rest: str) -> str | None:
        """The first of :meth:`candidates` that is in the graph, or None."""
        for iri in self.candidates(rest):
            if await self.call("exists", iri):
                return iri
        return None

    # ------------------------------------------------------------ SPARQL endpoint
    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol endpoint: the request read by :func:`protocol.parse_request`
        (client errors: 400, 405, 413, 415), then the service description, an update or a query.

        A full queue answers 429 (:class:`Busy`) before any work; an update needs the
        operator's token (403 otherwise).
        """
        config = self.config
        try:
            operation = protocol.parse_request(
                request.method, _query_string(request), content_type=request.headers.get("content-type"),
                body=await request.body() if request.method == "POST" else b"",
                accept=request.headers.get("accept"), max_query_length=config.max_query_length,
                allow_service=config.allow_service)
        except protocol.ProtocolError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)
        if operation.kind == "description":
            return await self.service_description(request)
        key = self.results.key(operation.text, operation.default_graphs, operation.named_graphs, operation.formats) \
            if operation.kind == "query" else None
        cached = self.results.get(key)
        keepable: list[bool] | None = request.scope.get(KEEPABLE)  # see cache.ResponseCache
        if cached is not None:
            if keepable is not None:
                keepable.append(True)
            return _results_response(cached)
        if self.pool.full():
            raise Busy()
        if operation.kind == "update":
            return await self.sparql_update(request, operation)
        return await self.sparql_query(operation, key, keepable)

    async def sparql_update(self, request: Request, operation: protocol.Operation) -> Response:
        """Run an update for a client with the operator's token: 204, or 403 without the token,
        400 for query dataset parameters (``default-graph-uri``/``named-graph-uri``)."""
        token = self.config.update_token
        if not token:
            return PlainTextResponse("SPARQL Update is disabled: this endpoint is read-only\n", status_code=403)
        given = httputil.bearer_token(request.headers.get("authorization")) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return PlainTextResponse("SPARQL Update needs the operator's token "
                                     "(Authorization: Bearer TOKEN)\n", status_code=403,
                                     headers={"WWW-Authenticate": 'Bearer realm="kjgraph"'})
        if operation.default_graphs or operation.named_graphs:
            return _bad("an update takes using-graph-uri/using-named-graph-uri, "
                        "not default-graph-uri/named-graph-uri")
        await self.pool.run(("update", {"text": operation.text, "using": list(operation.using_graphs),
                                        "using_named": list(operation.using_named_graphs),
                                        "base_iri": self.endpoint(), "prefixes": PREFIXES}))
        self._summary = None
        self._updated = time.time()
        return Response(status_code=204)

    async def sparql_query(self, operation: protocol.Operation, key: Any = None,
                           keepable: list[bool] | None = None) -> Response:
        """Run a query in a worker: 200 with the serialised result (``X-Result-Count``: its rows
        or triples), or 400 for a result over ``--result-limit``. The answer is kept in the
        result cache under ``key`` (see :meth:`ResultCache.key`; ``None``: not kept); if it was,
        ``True`` is appended to ``keepable`` (:class:`ResponseCache` may keep the response)."""
        limit = self.config.result_limit
        result = await self.pool.run(("query", {
            "text": operation.text, "default_graphs": list(operation.default_graphs),
            "named_graphs": list(operation.named_graphs), "formats": operation.formats,
            "limit": limit, "base_iri": self.endpoint(), "prefixes": PREFIXES}))
        if result["truncated"]:
            return _bad(f"the result has more than {limit:,} rows (or triples), the limit of this "
                        f"server (--result-limit {limit}); ask for fewer with LIMIT (at most "
                        f"{limit}) and page with OFFSET, or count with COUNT", 400)
        if self.results.put(key, result) and keepable is not None:
            keepable.append(True)
        return _results_response(result)

    async def service_description(self, request: Request) -> Response:
        if _prefers_html(request.headers.get("accept")):
            return RedirectResponse(self.site.page("query"), status_code=303, headers={"Vary": "Accept"})
        fmt = sparql.negotiate(request.headers.get("accept"), "graph")
        if fmt is None:
            return self.not_acceptable(request, sparql.GRAPH_TYPES.values())
        try:
            summary = await self.summary()
        except (JobError, QueryTimeout):
            summary = None
        graph = void_mod.service_description(self.endpoint(), bool(self.config.update_token), summary)
        return Response(void_mod.serialize(graph, fmt), media_type=sparql.GRAPH_TYPES[fmt],
                        headers={"Vary": "Accept"})

    def not_acceptable(self, request: Request, offered: Any) -> Response:
        return self.error(request, 406, "none of the media types in Accept is available here; this resource "
                          "is available as " + ", ".join(offered), title="Not acceptable")

    # ------------------------------------------------------------ linked data
    async def resource(self, request: Request) -> Response:
        """``/id/…`` and ``/graph/…``: 303 to the document for the negotiated format."""
        rest = self.raw_rest(request)
        if rest is None:
            return self.error(request, 404, "not found", title="Not found")
        iri = await self.find(rest)
        if iri is None:
            return self.error(request, 404, f"{self.public(httputil.uri_to_iri(rest))} is not in the graph",
                              title="Not found")
        accept = request.headers.get("accept")
        if _prefers_html(accept):
            ext = "html"
        else:
            fmt = sparql.negotiate(accept, "graph")
            if fmt is None:
                return self.not_acceptable(request, ["text/html", *sparql.GRAPH_TYPES.values()])
            ext = EXT_OF[fmt]
        target = f"{self.site.root}doc/{httputil.iri_to_uri(rest)}.{ext}"
        query = request.scope.get("query_string", b"").decode("latin-1")
        if query:
            target += "?" + httputil.iri_to_uri(query)
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})

    async def document(self, request: Request) -> Response:
        rest = self.raw_rest(request, "doc/") or ""
        stem, _dot, ext = rest.rpartition(".")
        if ext not in DOC_FORMATS or not stem.startswith(("id/", "graph/")):
            return self.error(request, 404, "no such document", title="Not found")
        key, page = (DOC_FORMATS[ext], 1) if ext != "html" else ("html", _page(request))
        found = await self.call("document", self.candidates(stem), key, page)  # one worker round trip
        if found is None:
            return self.error(request, 404, f"{self.public(httputil.uri_to_iri(stem))} is not in the graph",
                              title="Not found")
        iri, r = found
        if ext != "html":
            return Response(r, media_type=sparql.GRAPH_TYPES[key],
                            headers={"Link": f'<{httputil.iri_to_uri(iri)}>; rel="describes"'})
        last = max(1, (max(r["out_total"], r["in_total"]) - 1) // r["page_size"] + 1)
        if page > last:
            return self.error(request, 404, f"page {page} is beyond the last page ({last}) of {iri}",
                              title="Not found")
        uri_stem = httputil.iri_to_uri(stem)
        formats = {name: f"{self.site.root}doc/{uri_stem}.{ext}" for name, ext in
                   (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))}
        formats_keys = {"turtle": formats["Turtle"], "jsonld": formats["JSON-LD"]}
        return self.html(request, "resource.html", r=r, labels_map=r["related_labels"],
                         formats=_Formats(formats, formats_keys), lang_query=f"&page={page}" if page > 1 else "",
                         neighbourhood=self.neighbourhood_frame(iri, self.lang(request)))

    def neighbourhood_frame(self, iri: str, lang: str) -> Any:
        """An iframe with the interactive neighbourhood rendering of ``iri`` (see :meth:`render`)."""
        src = f"{self.site.root}render?iri={quote(iri, safe='')}&lang={quote(lang)}"
        return pages.Markup('<iframe class="neighbourhood" loading="lazy" title="Neighbourhood" '
                            f'src="{pages.Markup.escape(src)}"></iframe>')

    async def render(self, request: Request) -> Response:
        """The neighbourhood of one resource drawn by kjgraph.render (a self-contained page)."""
        iri = request.query_params.get("iri", "")
        if not _absolute_iri(iri) or not await self.call("exists", iri):
            return self.error(request, 404, "no such resource", title="Not found")
        link_base = (self.config.base_url or "").rstrip("/") or None
        if self.pool.full():
            raise Busy()
        # A worker's first drawing extracts the whole network (seconds on the full graph): allow
        # more than a query's time limit, as for the plots.
        html = await self.pool.run(("call", {"function": "neighbourhood_page",
                                             "args": (iri, self.lang(request), link_base)}),
                                   time_limit=max(120.0, self.config.time_limit))
        return HTMLResponse(html, headers={"Content-Security-Policy": httputil.content_security_policy(html)})

    async def ontology(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if _prefers_html(accept):
            target = "ontology.html"
        elif sparql.best_type(accept, ["text/turtle"]):
            target = "ontology.ttl"
        else:
            return self.not_acceptable(request, ["text/html", "text/turtle"])
        return RedirectResponse(self.site.root + target, status_code=303, headers={"Vary": "Accept"})

    async def ontology_file(self, request: Request) -> Response:
        from kjgraph.resources import ontology_dir

        name = request.scope["path"].rsplit("/", 1)[-1]
        if name in ("ontology.ttl", "shapes.ttl"):
            source = "kjgraph.ttl" if name == "ontology.ttl" else "shapes.ttl"
            return FileResponse(ontology_dir() / source, media_type="text/turtle")
        lang = self.lang(request)
        html = self.cache / f"ontology.{lang}.html"
        async with self._ontology_lock:  # generated once per language, then cached
            if not html.is_file():
                links = {code: f"{self.site.root}ontology.html?lang={code}" for code in pages.LANGUAGES}
                await asyncio.get_running_loop().run_in_executor(
                    None, write_ontology_html, html, self.site, self.site.root + "ontology.ttl", lang, links)
            if self._ontology_csp is None:
                self._ontology_csp = httputil.content_security_policy(html.read_text(encoding="utf-8"))
        return FileResponse(html, media_type="text/html", headers={
            "Content-Security-Policy": self._ontology_csp, "Vary": "Accept-Language", "Content-Language": lang})

    async def shapes(self, request: Request) -> Response:
        return RedirectResponse(self.site.root + "shapes.ttl", status_code=303)

    # ------------------------------------------------------------ pages
    async def home(self, request: Request) -> Response:
        summary = await self.summary()
        if self._home is None:
            self._home = await self.call("home")
        return self.html(request, "home.html", s=summary, h=self._home, build=self.config.manifest.get("built"),
                         labels_map=summary["graph_labels"], void_href=self.site.root + ".well-known/void",
                         sparql_href=self.site.root + "sparql",
                         dumps=[(n, self.site.root + "dumps/" + n) for n in self.dump_names()],
                         class_href=self.class_href)

    def class_href(self, cls: str) -> str:
        return f"{self.site.root}class?iri={quote(cls, safe='')}"

    async def classes(self, request: Request) -> Response:
        summary = await self.summary()
        return self.html(request, "classes.html", classes=pages.class_list(summary, self.lang(request)),
                         labels_map=summary["graph_labels"], class_href=self.class_href)

    async def class_page(self, request: Request) -> Response:
        cls = request.query_params.get("iri", "")
        if not _absolute_iri(cls):
            return self.error(request, 400, "iri= must be a class IRI", title="Bad request")
        page = _page(request)
        c = await self.call("instances", cls, page)
        if not c["total"]:
            return self.error(request, 404, f"no instances of {cls}", title="Not found")
        last = max(1, (c["total"] - 1) // c["page_size"] + 1)
        if page > last:
            return self.error(request, 404, f"page {page} is beyond the last page ({last}) of {cls}",
                              title="Not found")
        return self.html(request, "class.html", c=c, labels_map=c["labels"],
                         page_href=lambda n: f"{self.class_href(cls)}&page={n}")

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        if len(q) > 200:
            return self.error(request, 413, "the search text is limited to 200 characters")
        accept = request.headers.get("accept")
        as_json = sparql.best_type(accept, ["text/html", "application/json"]) == "application/json" \
            and not _prefers_html(accept)
        limit_text = request.query_params.get("limit", "50").strip()
        limit = min(int(limit_text), 1000) if limit_text.isascii() and limit_text.isdigit() and int(limit_text) else 50
        lang = self.lang(request)
        found = await self.call("search_results", q, lang, limit) if q else {"hits": [], "total": 0, "limit": limit}
        if as_json:
            return Response(json.dumps(found["hits"], ensure_ascii=False), media_type="application/json",
                            headers={"Vary": "Accept", "X-Result-Total": str(found["total"])})
        more = f"{self.site.page('search')}?q={quote(q)}&lang={quote(lang)}&limit={min(limit * 4, 1000)}"
        return self.html(request, "search.html", q=q, results=found, static=False, more_href=more,
                         labels_map=found.get("labels", {}),
                         lang_query=f"&q={quote(q)}" if q else "")

    async def query_page(self, request: Request) -> Response:
        return self.html(request, "query.html", connect_anywhere=True,
                         **query_page_context(self.site.root + "sparql", self.lang(request)))

    async def timeline(self, request: Request) -> Response:
        lang = quote(self.lang(request))
        return self.html(request, "timeline.html", view_src=f"{self.site.root}views/timeline?lang={lang}",
                         timeline_src=f"{self.site.root}plots/timeline.svg?lang={lang}",
                         topics_src=f"{self.site.root}plots/topics.svg?lang={lang}")

    async def leaders(self, request: Request) -> Response:
        return self.html(request, "leaders.html",
                         view_src=f"{self.site.root}views/leaders?lang={quote(self.lang(request))}")

    async def view(self, request: Request) -> Response:
        """A view of kjgraph.views (the diplomacy timeline, the leaders' network): a self-contained
        page drawn by a worker, cached per language."""
        which = request.path_params["which"]
        if which not in ("timeline", "leaders"):
            return self.error(request, 404, "no such view", title="Not found")
        key = (f"view:{which}", self.lang(request))
        if key not in self._plots:
            if self.pool.full():
                raise Busy()
            link_base = (self.config.base_url or "").rstrip("/") or None
            self._plots[key] = (await self.pool.run(
                ("call", {"function": "view_page", "args": (which, key[1], link_base)}),
                time_limit=max(120.0, self.config.time_limit))).encode("utf-8")
        html = self._plots[key].decode("utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": httputil.content_security_policy(html)})

    async def plot(self, request: Request) -> Response:
        """The plots of kjgraph.plots as SVG, drawn once per language by a worker and cached."""
        which = request.path_params["which"]
        if which not in ("timeline", "topics"):
            return self.error(request, 404, "no such plot", title="Not found")
        key = (which, self.lang(request))
        if key not in self._plots:
            # Drawing takes a few seconds: allow more than a query's time limit.
            self._plots[key] = await self.pool.run(
                ("call", {"function": "plot_svg", "args": key}), time_limit=120)
        return Response(self._plots[key], media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=3600"})

    async def void(self, request: Request) -> Response:
        fmt = sparql.negotiate(request.headers.get("accept"), "graph")
        if fmt is None:
            return self.not_acceptable(request, sparql.GRAPH_TYPES.values())
        summary = await self.summary()
        graph = void_mod.void_description(summary, server=self.config.base_url or "/",
                                          dumps=self.dump_names(), manifest=self.config.manifest,
                                          ontology_meta=summary["ontology_meta"])
        return Response(void_mod.serialize(graph, fmt), media_type=sparql.GRAPH_TYPES[fmt],
                        headers={"Vary": "Accept"})

    async def dataset(self, request: Request) -> Response:
        return RedirectResponse(self.site.root + ".well-known/void", status_code=303)

    async def dumps(self, request: Request) -> Response:
        """A dump file; ``NAME.gz`` compressed; ``NAME`` itself gzip-encoded for clients that
        accept it (Content-Encoding, from the same compressed file)."""
        name = request.path_params.get("name", "")
        names = self.dump_names()
        if not name:
            return PlainTextResponse("\n".join(names) + "\n")
        if name not in names or self.config.dumps is None:
            return self.error(request, 404, f"no dump named {name!r}", title="Not found")
        if name.endswith(".gz"):
            target = await self.gzipped(name[:-3])
            return FileResponse(target, media_type="application/gzip", filename=name)
        media = next((m for ext, m in void_mod.DUMP_TYPES.items() if name.endswith(ext)),
                     "application/octet-stream")
        encodings = parse_accept_header(request.headers.get("accept-encoding") or "identity", Accept)
        if encodings["gzip"] > 0 or (encodings["*"] > 0 and "gzip" not in encodings.values()):
            target = await self.gzipped(name)
            response = FileResponse(target, media_type=media, filename=name,
                                    headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
            return response
        return FileResponse(self.config.dumps / name, media_type=media, filename=name,
                            headers={"Vary": "Accept-Encoding"})

    async def gzipped(self, name: str) -> Path:
        """The gzip file of dump ``name``: shipped by the build, else compressed once into the cache.

        Concurrent first requests wait for one compression (a lock per name), which writes a
        temporary file of its own and renames it into place, so no request ever reads a
        partial file.
        """
        assert self.config.dumps is not None
        shipped = self.config.dumps / (name + ".gz")
        source = self.config.dumps / name
        if shipped.is_file() and shipped.stat().st_mtime >= source.stat().st_mtime:
            return shipped
        target = self.cache / (name + ".gz")
        lock = self._gzip_locks.setdefault(name, asyncio.Lock())
        async with lock:
            if not target.is_file():
                await asyncio.get_running_loop().run_in_executor(None, _gzip, source, target)
        return target


class _Formats(dict[str, str]):
    """Format links of a page: iterate (name, href); ``.turtle``/``.jsonld`` for <link rel=alternate>."""

    def __init__(self, named: dict[str, str], keys: dict[str, str]):
        super().__init__(named)
        self.turtle = keys["turtle"]
        self.jsonld = keys["jsonld"]


class Busy(Exception):
    """Too many queries waiting: answer 429."""


class BadRequest(Exception):
    """Something in the request cannot be understood: answer 400 with the message."""


def _gzip(source: Path, target: Path) -> None:
    """Compress ``source`` into ``target`` atomically: a temporary file of this call's own in
    the same directory, renamed into place when complete."""
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename=source.name,
                                                      mtime=int(source.stat().st_mtime)) as dst, \
                source.open("rb") as src:
            shutil.copyfileobj(src, dst, 1 << 20)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _query_string(request: Request) -> str:
    """The query string as text: UTF-8 where it is, Latin-1 for stray bytes (never an error)."""
    raw: bytes = request.scope.get("query_string", b"")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _page(request: Request) -> int:
    """The ``page`` parameter: a whole number from 1 to 1,000,000 (else :class:`BadRequest`)."""
    text = request.query_params.get("page", "1").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise BadRequest(f"page must be a whole number from 1 to 1000000, got {text[:40]!r}")
    return int(text)


def _results_response(result: dict[str, Any]) -> Response:
    """200 with a query's serialised result (``body``, ``media_type``; ``count`` as ``X-Result-Count``)."""
    headers = {"Vary": "Accept", "X-Result-Count": str(result["count"])}
    media_type = result["media_type"]
    if not media_type.startswith("application/") or media_type.endswith(("json", "xml")):
        media_type += "; charset=utf-8"
    return Response(result["body"], headers=headers, media_type=media_type)


def _bad(message: str, status: int = 400) -> Response:
    return PlainTextResponse(message + "\n", status_code=status)


_absolute_iri = protocol.absolute_iri


def _prefers_html(accept: str | None) -> bool:
    """Is HTML the client's first choice (a browser) rather than an RDF format?

    RDF formats win ties (``*/*``, ``text/*``), so only a client that ranks HTML higher gets it.

    >>> _prefers_html("text/html,application/xhtml+xml,*/*;q=0.8"), _prefers_html("*/*")
    (True, False)
    """
    offers = [*sparql.GRAPH_TYPES.values(), *_HTML_TYPES]
    return sparql.best_type(accept, offers) in _HTML_TYPES


def write_ontology_html(out: Path, site: pages.Site, ttl_href: str, lang: str = "en",
                        language_links: dict[str, str] | None = None) -> None:
    """The ontology's documentation in ``lang`` (:mod:`kjgraph.docs`, as ``kjgraph docs``)."""
    from kjgraph.docs import write_ontology_docs

    write_ontology_docs(out, lang, language_links=language_links)


def query_page_context(endpoint: str, lang: str = "en") -> dict[str, Any]:
    """The query page's library examples, each with an example value bound for every required
    parameter (:func:`pages.example_query`), and its interface texts in ``lang``."""
    from kjgraph.library import library

    examples = [pages.example_query(q) for q in library().values()]
    return {"endpoint": endpoint, "examples": examples, "examples_json": json.dumps(examples),
            "messages_json": json.dumps(pages.query_messages(lang), ensure_ascii=False),
            "query_js": pages.Markup(pages.static_text("query.js"))}


def create_app(config: ServerConfig) -> Starlette:
    """The ASGI application; the worker pool starts with it and stops with it."""
    server = Server(config)

    async def busy(request: Request, exc: Exception) -> Response:
        return server.error(request, 429, "too many queries at once; retry shortly",
                            headers={"Retry-After": "1"}, title="Too many requests")

    async def timeout(request: Request, exc: Exception) -> Response:
        return server.error(request, 503, str(exc), title="Query stopped")

    async def job_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, JobError)
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return server.error(request, exc.status, exc.message, headers=headers, title="Error")

    async def not_found(request: Request, exc: Exception) -> Response:
        return server.error(request, 404, f"nothing at {request.scope['path']}", title="Not found")

    async def bad_request(request: Request, exc: Exception) -> Response:
        return server.error(request, 400, str(exc), title="Bad request")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.stop()
            shutil.rmtree(server.cache, ignore_errors=True)

    root = server.site.root
    read = ["GET", "HEAD", "OPTIONS"]
    routes = [
        Route(root, server.home, methods=read),
        Route(root + "sparql", server.sparql, methods=["GET", "HEAD", "POST", "OPTIONS"]),
        Route(root + "render", server.render, methods=read),
        Route(root + "plots/{which}.svg", server.plot, methods=read),
        Route(root + "id/{rest:path}", server.resource, methods=read),
        Route(root + "graph/{rest:path}", server.resource, methods=read),
        Route(root + "doc/{rest:path}", server.document, methods=read),
        Route(root + "ontology", server.ontology, methods=read),
        Route(root + "ontology.html", server.ontology_file, methods=read),
        Route(root + "ontology.ttl", server.ontology_file, methods=read),
        Route(root + "shapes", server.shapes, methods=read),
        Route(root + "shapes.ttl", server.ontology_file, methods=read),
        Route(root + "search", server.search, methods=read),
        Route(root + "classes", server.classes, methods=read),
        Route(root + "class", server.class_page, methods=read),
        Route(root + "query", server.query_page, methods=read),
        Route(root + "timeline", server.timeline, methods=read),
        Route(root + "leaders", server.leaders, methods=read),
        Route(root + "views/{which}", server.view, methods=read),
        Route(root + ".well-known/void", server.void, methods=read),
        Route(root + "dataset", server.dataset, methods=read),
        Route(root + "dumps/", server.dumps, methods=read),
        Route(root + "dumps/{name}", server.dumps, methods=read),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan,
        exception_handlers={Busy: busy, QueryTimeout: timeout, JobError: job_error, BadRequest: bad_request,
                            404: not_found},
        middleware=[
            # outermost: an identical request again is answered from here (cache.py)
            Middleware(ResponseCache, path=root + "sparql", answers=server.responses, max_body=config.max_body),
            Middleware(ClientTracking),  # the pool sees the client and its disconnection
            Middleware(httputil.SecurityHeadersMiddleware),
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                       allow_headers=["*"], max_age=600,
                       expose_headers=["X-Result-Count", "Retry-After", "Link", "ETag", "Last-Modified",
                                       "Content-Encoding", "Vary"]),
            Middleware(httputil.CompressionMiddleware, skip=root + "dumps/"),
            Middleware(httputil.OptionsMiddleware, routes=routes),
            Middleware(httputil.ConditionalMiddleware, last_modified=server.last_modified),
            Middleware(httputil.LimitsMiddleware, max_body=config.max_body),
        ],
    )
    app.state.server = server
    return app


def serve(config: ServerConfig) -> None:
    """Run the server until interrupted (what ``kjgraph serve`` does)."""
    import uvicorn

    config.resolve_store()
    app = create_app(config)
    # timeout_graceful_shutdown: on SIGTERM, requests still running after 3 s are cancelled
    # (their workers killed), so the server always stops within seconds.
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning",
                access_log=False, timeout_keep_alive=30, server_header=False,
                timeout_graceful_shutdown=3,
                http=LimitedHttpToolsProtocol)  # header size/count limits and deadline (server/limits.py)
