"""Connection-level limits of ``kjgraph serve``: header size and count, and a deadline for
a request's headers (slow or half-open connections).

uvicorn's httptools protocol keeps whatever header bytes a client sends until the headers
end, and never closes a connection that has not finished a request: 20 connections each
sending 16 MB of unfinished headers took the web process from 64 to 414 MB, and idle
connections stay open for ever. :class:`LimitedHttpToolsProtocol` (given to uvicorn as its
``http`` protocol) answers **431** when a request's headers exceed :data:`MAX_HEADER_BYTES`
or :data:`MAX_HEADERS` fields, and **408** and closes the connection when the headers are
not complete :data:`HEADER_TIMEOUT` seconds after the connection opened or the previous
response ended, or its body :data:`BODY_TIMEOUT` seconds after the headers (Apache's
``RequestReadTimeout``, nginx's ``client_header_timeout`` and ``client_body_timeout``).
Bytes are counted as they arrive, so memory per connection stays bounded by the limit plus
one read.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Bytes of request line plus header fields per request (nginx allows 4 × 8 KiB by default).
MAX_HEADER_BYTES = 64 * 1024
#: Header fields per request (Apache's LimitRequestFields default).
MAX_HEADERS = 100
#: Seconds from connection (or the end of the previous response) to the end of the headers.
HEADER_TIMEOUT = 20.0
#: Seconds from the end of the headers to the end of the body (a Content-Length never sent).
BODY_TIMEOUT = 60.0

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounded headers and a header deadline."""

    max_header_bytes = MAX_HEADER_BYTES
    max_headers = MAX_HEADERS
    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._in_headers = True
        self._header_bytes = 0
        self._header_count = 0
        self._header_deadline: asyncio.TimerHandle | None = None
        self._refusal: tuple[int, str] | None = None

    # -- the deadline
    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_timed_out)

    def _arm_body(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.body_timeout, self._body_timed_out)

    def _body_timed_out(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_started:
            self._refuse(408, "the request's body did not arrive in time")
        else:
            self.transport.close()

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_timed_out(self) -> None:
        self._header_deadline = None
        if self._in_headers and not self.transport.is_closing():
            self._refuse(408, "the request's headers did not arrive in time")

    def _refuse(self, status: int, message: str) -> None:
        body = message.encode("ascii") + b"\n"
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, _REASONS[status], len(body), body))
        self.transport.close()
        self._in_headers = False
        self._disarm()

    # -- uvicorn's protocol hooks
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        super().data_received(data)
        if self._in_headers and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > self.max_header_bytes:
                self._refuse(431, f"the request's headers exceed {self.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        self._header_count = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.max_headers:
            # Raising stops the parser; uvicorn then calls send_400_response, answered below.
            self._refusal = (431, f"the request has more than {self.max_headers} header fields")
            raise ValueError(self._refusal[1])
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._arm_body()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if self._refusal is not None:
            self._refuse(*self._refusal)
        else:
            super().send_400_response(msg)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._in_headers = True  # the next request's headers, on a kept-alive connection
            self._header_bytes = 0
            self._header_count = 0
            self._arm()
