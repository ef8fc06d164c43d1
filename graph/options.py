"""Command-line options shared by kjgraph's commands, checked before any work starts.

* :class:`OutputFile` – a file to write: its directory must exist and be writable, and it must
  not be a directory, so ``-o /nonexistent/x.ttl`` is a one-line error before the work, not a
  traceback after it;
* :func:`lang_option` – ``--lang``, one of the languages kjgraph speaks
  (:func:`kjgraph.labels.check_language`), so ``--lang fr`` is an error everywhere;
* :data:`store_option`, :data:`data_option` – ``--store`` and ``--data``, defined once for every
  command;
* :func:`endpoint_options`, :func:`reader_options` and :func:`open_graph` – ``--endpoint`` and its
  connection settings, turned into the explicit arguments of :func:`kjgraph.remote.open_graph`;
* :func:`check_port_free` – a listening port that is free, checked before a server announces
  itself.

Only the command line imports this module (and click): the library takes explicit arguments.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kjgraph.errors import KjgraphError
from kjgraph.labels import LANGUAGES, UnsupportedLanguage, check_language
from kjgraph.store import ENV_VAR

if TYPE_CHECKING:
    from kjgraph.query import Graph



def store_option_noting(note: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--store`` (passed as ``store``), its help ending with ``note``."""
    return click.option("--store", "store", type=click.Path(path_type=Path), default=None, envvar=ENV_VAR,
                        help=f"Store directory (default: ${ENV_VAR}, else ~/.local/share/kjgraph){note}.")


store_option = store_option_noting()
data_option = click.option(
    "--data", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
    help="Curated data directory (default: graph/data of the kjgraph checkout the command runs in, "
         "else the data shipped with kjgraph).")


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


# ------------------------------------------------------------------ --endpoint

_SETTINGS = "kjgraph.remote"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_SETTINGS, {})[param.name] = value
    return value


def endpoint_options(command: Callable[..., Any], *, expose_endpoint: bool = True) -> Callable[..., Any]:
    """Add ``--endpoint URL`` (passed to the command as ``endpoint`` unless ``expose_endpoint``
    is false) and the connection settings (kept aside for :func:`open_graph`) to a click command."""
    endpoint = (click.option("--endpoint", envvar="KJGRAPH_ENDPOINT", default=None, metavar="URL",
                             help="Query this SPARQL server instead of the embedded store ($KJGRAPH_ENDPOINT).")
                if expose_endpoint else
                click.option("--endpoint", envvar="KJGRAPH_ENDPOINT", default=None, metavar="URL",
                             expose_value=False, callback=_remember,
                             help="Read from this SPARQL server instead of the embedded store ($KJGRAPH_ENDPOINT)."))
    options = [
        endpoint,
        click.option("--user", envvar="KJGRAPH_USER", expose_value=False, callback=_remember,
                     help="User name for HTTP authentication ($KJGRAPH_USER)."),
        click.option("--password", envvar="KJGRAPH_PASSWORD", expose_value=False, callback=_remember,
                     help="Password for HTTP authentication ($KJGRAPH_PASSWORD)."),
        click.option("--auth", "auth_kind", type=click.Choice(["basic", "digest"]), default="basic",
                     show_default=True, expose_value=False, callback=_remember,
                     help="HTTP authentication scheme for --user/--password."),
        click.option("--token", envvar="KJGRAPH_TOKEN", expose_value=False, callback=_remember,
                     help="Send 'Authorization: Bearer TOKEN' ($KJGRAPH_TOKEN)."),
        click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True,
                     expose_value=False, callback=_remember,
                     help="Deadline in seconds for each request as a whole (connecting, sending, the "
                          "whole answer); a request out of time is retried (--retries)."),
        click.option("--retries", type=click.IntRange(0, 20), default=3, show_default=True,
                     expose_value=False, callback=_remember,
                     help="Retries of a request that failed for a passing reason (with back-off)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def reader_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store``, ``--endpoint`` and its connection settings for commands that read the graph
    (render, analyze, plot): :func:`open_graph` picks them up, the command's signature keeps
    ``store`` only."""
    return store_option(endpoint_options(command, expose_endpoint=False))


def connection_settings() -> dict[str, Any]:
    """The ``--endpoint`` settings of the running command, as keyword arguments of
    :func:`kjgraph.remote.open_graph` (empty outside a command)."""
    ctx = click.get_current_context(silent=True)
    settings: dict[str, Any] = ctx.meta.get(_SETTINGS, {}) if ctx is not None else {}
    from kjgraph.remote import auth_from

    return {"endpoint": settings.get("endpoint"),
            "auth": auth_from(settings.get("user"), settings.get("password"), settings.get("auth_kind") or "basic",
                              settings.get("token")),
            "timeout": settings.get("timeout") or 60.0,
            "retries": settings.get("retries") if settings.get("retries") is not None else 3}


def open_graph(store: Path | None, endpoint: str | None = None) -> Graph:
    """The graph a command reads: the server at ``endpoint`` (or ``--endpoint``), else the store."""
    from kjgraph.remote import open_graph as open_

    settings = connection_settings()
    remembered = settings.pop("endpoint")
    return open_(store, endpoint or remembered, **settings)


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
