"""HTTP to SPARQL servers: one wall-clock deadline per request, bounded retries, whole answers only.

``requests`` (urllib3, http.client) only time out single socket operations, so a server
that trickles its answer one byte at a time never trips them: :class:`Deadline` bounds the
exchange as a whole. A transient failure is retried with back-off (tenacity), each retry
announced on the ``kjgraph.remote`` logger; an answer a server marks as partial is refused
(:func:`incomplete_answer`). The HTTP stack (requests, urllib3, tenacity) is imported when
first used, so that commands that never talk to a server start fast.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import socket
import threading
import time
from functools import cache
from typing import TYPE_CHECKING, Any

from kjgraph.errors import RemoteError
from kjgraph.query import query_form
from kjgraph.remote.auth import Auth, TokenAuth, requests_auth

if TYPE_CHECKING:
    import requests
    from tenacity import RetryCallState, Retrying

log = logging.getLogger("kjgraph.remote")
_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("kjgraph_deadline", default=None)


class Deadline:
    """A wall-clock limit on one HTTP exchange: connecting, sending, the headers and the body.

    ``requests`` (urllib3, http.client) only time out single socket operations, so a
    server that sends one byte every few seconds never trips them. While a deadline is
    current (a context manager), every connection that sends a request registers with it,
    and a timer shuts those sockets down when the time is up: the blocked read returns at
    once and the request fails, with :attr:`expired` telling why. A second timer logs a
    line when the answer is slow in coming (``notice`` seconds), so that a long wait is
    never silent. (A TLS handshake is only bounded per read: its socket is not reachable
    before it completes.)
    """

    def __init__(self, seconds: float, *, url: str, notice: float = 10.0):
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._notice = threading.Timer(notice, self._remind) if notice < seconds else None
        if self._notice:
            self._notice.daemon = True
        self._token: contextvars.Token[Deadline | None] | None = None

    def remaining(self) -> float:
        return max(0.001, self.end - time.monotonic())

    def watch(self, connection: Any) -> None:
        """Shut ``connection`` down when the deadline passes (at once if it has)."""
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            shutdown(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            shutdown(connection)

    def _remind(self) -> None:
        log.warning("%s: no answer after %.0f s; waiting up to %g s (--timeout)",
                    self.url, self.seconds - (self.end - time.monotonic()), self.seconds)

    def __enter__(self) -> Deadline:
        self._token = _DEADLINE.set(self)
        self._timer.start()
        if self._notice:
            self._notice.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        if self._notice:
            self._notice.cancel()
        if self._token is not None:
            _DEADLINE.reset(self._token)


def shutdown(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain call, also for TLS sockets


class _Watched:
    """Mix-in for urllib3 connections: register with the current deadline on each request."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        deadline = _DEADLINE.get()
        if deadline is not None and deadline.expired:
            shutdown(self)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _DEADLINE.get()
        if deadline is not None:
            deadline.watch(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


@cache
def _adapter_class() -> type[requests.adapters.HTTPAdapter]:
    """requests' adapter whose connections honour :class:`Deadline` (defined on first use).

    The classes derive from urllib3's and requests', which a command that never talks to a
    remote server does not import (start-up time).
    """
    import requests.adapters
    import urllib3
    import urllib3.connection

    class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
        pass

    class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
        pass

    class _HTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    class DeadlineAdapter(requests.adapters.HTTPAdapter):
        """requests' adapter with connections that honour :class:`Deadline`."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(*args, **kwargs)
            manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
            return manager

    return DeadlineAdapter


def session() -> requests.Session:
    import requests

    session = requests.Session()
    adapter = _adapter_class()()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Transport:
    """The HTTP side of a :class:`~kjgraph.remote.RemoteGraph`: a session, credentials, a deadline
    of ``timeout`` seconds per attempt and ``retries`` retries with back-off from ``backoff`` s.

    ``requests`` counts the HTTP requests sent, retries included.
    """

    def __init__(self, *, auth: Auth | None = None, timeout: float = 60.0, retries: int = 3,
                 backoff: float = 0.5):
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._session = session()
        self._auth = requests_auth(auth)  # one object, so that a digest nonce is reused
        self.requests = 0

    def retrying(self) -> Retrying:
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

        return Retrying(stop=stop_after_attempt(self.retries + 1),
                        wait=wait_exponential(multiplier=self.backoff, max=max(self.backoff, 10.0)),
                        retry=retry_if_exception(_transient), reraise=True, before_sleep=self.on_retry)

    def on_retry(self, state: RetryCallState) -> None:
        """Say on stderr (the ``kjgraph.remote`` logger) what failed and when the next try is."""
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s; retrying in %.1f s (attempt %d of %d)", exc, wait, state.attempt_number + 1,
                    self.retries + 1)

    def sparql(self, url: str, text: str, *, accept: str) -> bytes:
        """POST a query or update to ``url`` (SPARQL 1.1 Protocol, URL-encoded form); the body.

        An update goes as ``update=``, anything else as ``query=``. The request has the
        deadline and retries of :meth:`_http`.
        """
        try:
            update = query_form(text) == "UPDATE"
        except RemoteError:
            update = False  # not SPARQL at all: let the server say what is wrong
        response = self.http("POST", url, data={"update" if update else "query": text},
                              headers={"Accept": accept,
                                       "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
        return response.content

    def http(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP request with auth, a deadline and retries; the response (status < 400).

        ``timeout`` is a deadline for each attempt as a whole (connecting, sending, the
        headers and the whole body), not per socket read: a server that trickles its answer
        is cut off when the time is up (:class:`Deadline`). A transient failure (unreachable,
        out of time, HTTP 408/425/429/502/503/504) is retried ``retries`` times with back-off,
        each retry announced on the ``kjgraph.remote`` logger (stderr by default).

        Raises :class:`RemoteError` naming ``url``.
        """
        import requests

        headers = kwargs.pop("headers", {})
        if isinstance(self.auth, TokenAuth):
            headers[self.auth.header] = self.auth.value

        def attempt() -> requests.Response:
            self.requests += 1
            with Deadline(self.timeout, url=url) as deadline:
                try:
                    left = deadline.remaining()
                    response = self._session.request(method, url, headers=headers, timeout=(left, left),
                                                     auth=self._auth, **kwargs)
                    response.content  # noqa: B018 -- read the whole body within the deadline
                except requests.RequestException as exc:
                    if deadline.expired or isinstance(exc, requests.Timeout):
                        raise RemoteError(url, f"did not answer in time (a deadline of {self.timeout:g} s "
                                               "for the whole request, --timeout)", transient=True) from exc
                    raise _remote_error(url, exc) from exc
            if response.status_code >= 400:
                raise RemoteError(url, f"{method} refused with HTTP {response.status_code} "
                                       f"{response.reason}: {snippet(response.text)}",
                                  status=response.status_code)
            incomplete = incomplete_answer(response.status_code, response.headers)
            if incomplete:
                raise RemoteError(url, f"answered with incomplete results ({incomplete}); a partial answer is "
                                       "never read as a whole one (raise the server's time limit, or ask less)",
                                  status=response.status_code, transient=True)
            return response

        return self.retrying()(attempt)


def incomplete_answer(status: int, headers: Any) -> str | None:
    """Why a successful HTTP answer is only part of the result, or ``None`` when it is whole.

    Servers that cut a query short and send what they have so far say so beside a success
    status: HTTP 206 Partial Content (RFC 9110 §15.3.7; Virtuoso's "anytime" answers to
    clients that allow them), or Virtuoso's ``X-SQL-State`` header (``S1TAT``: "Returning
    incomplete results, query interrupted by result timeout") with its ``X-SQL-Message``.
    ``headers`` is a case-insensitive mapping (``requests``' response headers).

    >>> incomplete_answer(200, {})
    >>> incomplete_answer(206, {})
    'HTTP 206 Partial Content'
    >>> incomplete_answer(200, {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"})
    'X-SQL-State S1TAT: RC...: Returning incomplete results'
    """
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "")
        return f"X-SQL-State {state}" + (f": {snippet(message, 160)}" if message else "")
    if status == 206:
        return "HTTP 206 Partial Content"
    return None


def snippet(body: bytes | str, limit: int = 300) -> str:
    """``body`` on one line, cut after ``limit`` characters (for error messages)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, RemoteError) and exc.transient


def _remote_error(url: str, exc: Exception) -> RemoteError:
    """A RemoteError naming the endpoint for what ``requests`` raised (no answer came)."""
    import requests

    if isinstance(exc, (requests.Timeout, socket.timeout, TimeoutError)):
        return RemoteError(url, f"did not answer in time ({exc})", transient=True)
    if isinstance(exc, (requests.ConnectionError, ConnectionError)):
        return RemoteError(url, f"is unreachable ({getattr(exc, 'reason', exc)})", transient=True)
    return RemoteError(url, f"failed: {type(exc).__name__}: {exc}")
