"""HTTP pieces of ``kjgraph serve`` that are not about SPARQL: IRIs in request paths,
conditional requests, OPTIONS, security headers, the ``Authorization`` header, request
limits (path traversal, body size) and compression.

Each is a small pure function or an ASGI middleware, so it is tested on its own and
applies to every route at once (RFC 9110 semantics; RFC 3986/3987 for paths).

>>> uri_to_iri("/id/place/%EC%84%9C%EC%9A%B8")
'/id/place/서울'
>>> uri_to_iri("/id/person/lee%20jae%20myung%2F%25")
'/id/person/lee%20jae%20myung%2F%25'
>>> iri_to_uri("/id/place/서울 x%2F")
'/id/place/%EC%84%9C%EC%9A%B8%20x%2F'
>>> bearer_token("bearer s3cret"), bearer_token("Basic abc")
('s3cret', None)
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import re
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import unquote

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Match
from starlette_compress import CompressMiddleware, add_compress_type
from werkzeug.http import parse_etags

Scope = dict[str, Any]

# ---------------------------------------------------------------- IRIs in paths (RFC 3987 §3.1, §3.2)

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_URI_SAFE = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2}")


def _iri_char(c: str) -> bool:
    """Is the non-ASCII character ``c`` allowed in an IRI path (ucschar, RFC 3987 §2.2)?"""
    n = ord(c)
    if n < 0xA0 or 0xD800 <= n <= 0xDFFF or n in (0xFFFE, 0xFFFF):
        return False
    if 0xE000 <= n <= 0xF8FF or n >= 0xF0000:
        return False  # private use: only in the query part
    bidi = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E}  # §4.1: never in IRIs
    return n not in bidi and (n & 0xFFFF) < 0xFFFE


def uri_to_iri(path: str) -> str:
    """The IRI form of a URI path: percent-encoded UTF-8 sequences of non-ASCII characters
    allowed in IRIs are decoded; everything else stays exactly as written.

    This is RFC 3987 §3.2 with the conservative choice that no percent-encoded ASCII octet is
    decoded (``%20``, ``%2F``, ``%25`` keep their meaning), so the IRI names exactly the
    resource the URI named. Invalid UTF-8 stays percent-encoded.
    """
    def decode(match: re.Match[str]) -> str:
        run = match.group(0)
        octets = bytes(int(run[i + 1:i + 3], 16) for i in range(0, len(run), 3))
        out: list[str] = []
        i = 0
        while i < len(octets):
            b = octets[i]
            size = 1 if b < 0x80 else 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else \
                4 if 0xF0 <= b <= 0xF4 else 0
            chunk = octets[i:i + max(size, 1)]
            try:
                text = chunk.decode("utf-8") if size > 1 and len(chunk) == size else ""
            except UnicodeDecodeError:
                text = ""
            if text and _iri_char(text):
                out.append(text)
                i += size
            else:
                out.append(run[3 * i:3 * i + 3])
                i += 1
        return "".join(out)

    return _PERCENT_RUN.sub(decode, path)


def iri_to_uri(path: str) -> str:
    """The URI form of an IRI path (RFC 3987 §3.1): characters not allowed in a URI are
    percent-encoded as UTF-8; existing ``%XX`` escapes are kept; a lone ``%`` becomes ``%25``."""
    out: list[str] = []
    i = 0
    while i < len(path):
        match = _URI_SAFE.match(path, i)
        if match:
            out.append(match.group(0))
            i = match.end()
        else:
            out.append("".join(f"%{b:02X}" for b in path[i].encode("utf-8", "surrogatepass")))
            i += 1
    return "".join(out)


# ---------------------------------------------------------------- Authorization (RFC 9110 §11.4, RFC 6750)

def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header; the scheme is case-insensitive
    (RFC 9110 §11.1). ``None`` for another scheme or no header."""
    if not header:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# ---------------------------------------------------------------- conditional requests (RFC 9110 §13)

def weak_etag(body: bytes) -> str:
    """A weak entity tag for a representation's bytes (weak: the same for every content coding)."""
    return 'W/"' + base64.urlsafe_b64encode(hashlib.sha256(body).digest()[:12]).decode() + '"'


def http_date(timestamp: float) -> str:
    """An IMF-fixdate (RFC 9110 §5.6.7), e.g. ``Sun, 06 Nov 1994 08:49:37 GMT``."""
    return email.utils.formatdate(timestamp, usegmt=True)


def not_modified(request_headers: Headers, etag: str | None, last_modified: str | None) -> bool:
    """Do the request's preconditions say the client's copy is current (answer 304)?

    If-None-Match is evaluated with the weak comparison (§13.1.2); If-Modified-Since only when
    there is no If-None-Match (§13.2.2), and an unparsable date is ignored.
    """
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        if not etag:
            return False
        tags = parse_etags(if_none_match)
        return tags.star_tag or tags.contains_weak(etag.removeprefix("W/").strip('"'))
    since = request_headers.get("if-modified-since")
    if since and last_modified:
        try:
            client = email.utils.parsedate_to_datetime(since)
            ours = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if client.tzinfo is None or ours.tzinfo is None:
            return False
        return ours <= client
    return False


_304_HEADERS = {"etag", "last-modified", "vary", "cache-control", "content-location", "expires", "date"}


class ConditionalMiddleware:
    """ETag and Last-Modified on every successful GET/HEAD, and 304 Not Modified for clients
    whose copy is current.

    A one-message body (pages, documents, query results) gets a weak ETag computed from its
    bytes unless the route set one (files carry their own); ``last_modified()`` gives the
    time the data last changed. Works below the compression middleware, so tags and dates
    describe the identity representation.
    """

    def __init__(self, app: Any, last_modified: Callable[[], float]):
        self.app = app
        self.last_modified = last_modified

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        start: dict[str, Any] | None = None
        done = False

        async def wrapped(message: dict[str, Any]) -> None:
            nonlocal start, done
            if done:
                return
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    done = message["status"] == 304
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            headers = MutableHeaders(raw=start["headers"])
            if "last-modified" not in headers:
                headers["Last-Modified"] = http_date(self.last_modified())
            body = message.get("body", b"")
            if "etag" not in headers and not message.get("more_body") \
                    and headers.get("content-length", str(len(body))) == str(len(body)):
                headers["ETag"] = weak_etag(body)  # (a HEAD answered without its body gets none)
            if not_modified(request_headers, headers.get("etag"), headers.get("last-modified")):
                kept = [(k, v) for k, v in start["headers"] if k.decode("latin-1").lower() in _304_HEADERS]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                done = True
                start = None
                return
            await send(start)
            start = None
            await send(message)

        await self.app(scope, receive, wrapped)


# ---------------------------------------------------------------- OPTIONS (RFC 9110 §9.3.7)

class OptionsMiddleware:
    """Answer OPTIONS (other than CORS preflights, which the CORS middleware answers first)
    with 204 and an ``Allow`` header listing the methods the matched route accepts;
    ``OPTIONS *`` lists the server's methods. Unknown paths get 404."""

    def __init__(self, app: Any, routes: Iterable[BaseRoute]):
        self.app = app
        self.routes = list(routes)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "*" or scope.get("raw_path") == b"*":
            methods = {"GET", "HEAD", "POST", "OPTIONS"}
        else:
            methods = set()
            for route in self.routes:
                match, _child = route.matches({**scope, "method": "GET"})
                if match != Match.NONE:
                    methods = set(getattr(route, "methods", None) or {"GET", "HEAD"}) | {"OPTIONS"}
                    break
        if not methods:
            await self.app(scope, receive, send)  # the router's 404
            return
        order = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        allow = ", ".join(m for m in order if m in methods)
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"allow", allow.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


# ---------------------------------------------------------------- security headers

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)


def content_security_policy(html: str, *, connect_anywhere: bool = False) -> str:
    """A Content-Security-Policy for one HTML page: its own inline scripts (by SHA-256 hash,
    CSP Level 2) and nothing else may run; styles inline or from the site; no plug-ins; no
    framing except by the site itself (the resource page embeds its own ``/render``).
    ``connect_anywhere`` lets the query page send queries to any http(s) endpoint.
    """
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(m.group(2).encode()).digest()).decode() + "'"
                     for m in _SCRIPT.finditer(html) if "src=" not in m.group(1).lower()})
    script = " ".join(hashes) if hashes else "'none'"
    connect = "'self' http: https:" if connect_anywhere else "'self'"
    return (f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'self'")


DEFAULT_CSP = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


_SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"SAMEORIGIN"),
                     (b"referrer-policy", b"same-origin"))


class SecurityHeadersMiddleware:
    """Headers every answer carries: ``X-Content-Type-Options: nosniff`` (no content
    sniffing of RDF or results as HTML), ``X-Frame-Options: SAMEORIGIN`` and, on HTML, a
    Content-Security-Policy (a strict default when the route did not compute one)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                # on the raw (name, value) pairs: the header parsing of MutableHeaders costs more than this
                raw = message["headers"] = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw.extend(pair for pair in _SECURITY_HEADERS if pair[0] not in present)
                if b"content-security-policy" not in present and any(
                        name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in raw):
                    raw.append((b"content-security-policy", DEFAULT_CSP.encode()))
            await send(message)

        await self.app(scope, receive, wrapped)


# ---------------------------------------------------------------- limits and compression

class LimitsMiddleware:
    """Refuses before routing: path traversal (404), oversize bodies (413)."""

    def __init__(self, app: Any, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        decoded = unquote(unquote(raw.decode("latin-1")))
        if any(seg in ("..", ".") for seg in decoded.replace("\\", "/").split("/")) or "\x00" in decoded:
            await PlainTextResponse("not found", status_code=404)(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            await PlainTextResponse(f"request body of {int(length)} bytes exceeds the limit of "
                                    f"{self.max_body} bytes", status_code=413)(scope, receive, send)
            return
        # Read the whole (bounded) body first, so a chunked upload cannot exceed the limit.
        chunks: list[bytes] = []
        size = 0
        more = scope["method"] in ("POST", "PUT", "PATCH")
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                await PlainTextResponse(f"request body exceeds the limit of {self.max_body} bytes",
                                        status_code=413)(scope, receive, send)
                return
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            message: dict[str, Any] = await receive()
            return message

        await self.app(scope, replay, send)


for _media in ("text/turtle", "application/n-triples", "application/n-quads", "application/trig",
               "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
               "text/tab-separated-values"):
    add_compress_type(_media)


class CompressionMiddleware:
    """Compression negotiated by Accept-Encoding (zstd, br, gzip; ``starlette-compress``, which
    adds ``Vary: Accept-Encoding``), except under ``skip`` (dumps come compressed from files)."""

    def __init__(self, app: Any, skip: str):
        self.app = app
        self.compress = CompressMiddleware(app, minimum_size=1024)
        self.skip = skip

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return

        async def vary(message: MutableMapping[str, Any]) -> None:
            # Every answer of these routes may be compressed (a small or HEAD one is not): say so always.
            if message["type"] == "http.response.start":
                _vary_accept_encoding(message)
            await send(message)

        await self.compress(scope, receive, vary)


def _vary_accept_encoding(start: MutableMapping[str, Any]) -> None:
    """Add ``Accept-Encoding`` to the ``Vary`` header of a response start message (in place,
    on the raw pairs: the only header touched, so no MutableHeaders is built)."""
    raw = start["headers"] = list(start.get("headers", []))
    for index, (name, value) in enumerate(raw):
        if name.lower() == b"vary":
            if b"accept-encoding" not in {v.strip().lower() for v in value.split(b",")}:
                raw[index] = (name, value + b", Accept-Encoding")
            return
    raw.append((b"vary", b"Accept-Encoding"))
