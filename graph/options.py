"""Command-line options shared by kjgraph's commands, checked before any work starts.

* :class:`OutputFile` – a file to write: its directory must exist and be writable, and it must
  not be a directory, so ``-o /nonexistent/x.ttl`` is a one-line error before the work, not a
  traceback after it;
* :func:`lang_option` – ``--lang``, one of the languages kjgraph speaks
  (:func:`kjgraph.labels.check_language`), so ``--lang fr`` is an error everywhere;
* :func:`check_port_free` – a listening port that is free, checked before a server announces
  itself.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kjgraph.errors import KjgraphError
from kjgraph.labels import LANGUAGES, UnsupportedLanguage, check_language


class OutputFile(click.Path):
    """A path to write a file to (``path_type=Path``); checked, never created, at parse time."""

    name = "file"

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = super().convert(value, param, ctx)
        path = converted if isinstance(converted, Path) else Path(os.fsdecode(converted))
        problem = output_problem(path)
        if problem:
            self.fail(problem, param, ctx)
        return path


def output_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written (a phrase), or None if it can.

    >>> output_problem(Path("/nonexistent/x.ttl"))
    'cannot write /nonexistent/x.ttl: the directory /nonexistent does not exist'
    """
    parent = path.parent if str(path.parent) else Path()
    if path.is_dir():
        return f"cannot write {path}: it is a directory"
    if not parent.exists():
        return f"cannot write {path}: the directory {parent} does not exist"
    if not parent.is_dir():
        return f"cannot write {path}: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write {path}: permission denied"
    return None


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_language(value)
    except UnsupportedLanguage as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def lang_option(help: str = "Language of names and labels.") -> Callable[[Any], Any]:
    """``--lang`` (default en), checked: one of :data:`kjgraph.labels.LANGUAGES`."""
    return click.option("--lang", default="en", show_default=True, callback=_check_lang, metavar="LANG",
                        help=f"{help} One of {', '.join(LANGUAGES)}.")


class PortBusy(KjgraphError):
    """The port a server should listen on is taken (or the address is not this machine's)."""


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`PortBusy` with a one-line message when ``host:port`` cannot be bound.

    The check binds and releases the port; another program may still take it in between, which
    the server then reports itself.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortBusy(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            reason = ("the port is in use (is another kjgraph serve running? choose one with --port)"
                      if exc.errno == errno.EADDRINUSE else exc.strerror)
            raise PortBusy(f"cannot listen on {host}:{port}: {reason}") from None
