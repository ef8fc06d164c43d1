"""The embedded on-disk store: where it lives, how a build replaces it atomically.

A store directory holds complete builds side by side and a ``current`` symbolic
link to the one in use::

    <store>/current -> builds/20261124T233000-1a2b
    <store>/builds/<build>/oxigraph/    the pyoxigraph (RocksDB) store
    <store>/builds/<build>/dumps/       kjgraph.trig, kjgraph.nq, kjgraph.ttl, kjgraph.jsonld
    <store>/builds/<build>/manifest.json

A build writes a new directory and only then swaps the link with one atomic
rename, so a failed or interrupted build leaves the previous store and dumps as
they were; readers that opened the old build keep reading it.

The store is chosen by ``--store``, else ``$KJGRAPH_STORE``, else
``$XDG_DATA_HOME/kjgraph`` (``~/.local/share/kjgraph``).

>>> import tempfile
>>> location = StoreLocation(tempfile.mkdtemp())
>>> location.exists()
False
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kjgraph.errors import ExportError, StoreError

ENV_VAR = "KJGRAPH_STORE"
KEEP_BUILDS = 2


def default_store_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kjgraph"


@dataclass(frozen=True)
class StoreLocation:
    """A store directory and the builds inside it."""

    root: Path

    def __init__(self, root: str | os.PathLike[str] | None = None):
        object.__setattr__(self, "root", Path(root).expanduser() if root else default_store_path())

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    def exists(self) -> bool:
        return (self.current / "oxigraph").is_dir()

    def build_dir(self) -> Path:
        if not self.exists():
            raise StoreError(f"no graph built in {self.root}: run `kjgraph build` first "
                             f"(or choose another store with --store or ${ENV_VAR})")
        return self.current.resolve()

    def oxigraph_path(self) -> Path:
        return self.build_dir() / "oxigraph"

    def dumps(self) -> Path:
        return self.build_dir() / "dumps"

    def manifest(self) -> dict[str, Any]:
        """The current build's ``manifest.json`` (counts, record ids, dumps); ``{}`` if absent.

        Raises :class:`StoreError` when nothing is built or the manifest is unreadable.
        """
        path = self.build_dir() / "manifest.json"
        if not path.is_file():
            return {}
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise StoreError(f"cannot read the build's manifest {path}: {exc}") from exc
        if not isinstance(manifest, dict):
            raise StoreError(f"cannot read the build's manifest {path}: not a JSON object")
        return manifest

    def open(self) -> ox.Store:
        """Open the current build read-only (many readers may share it)."""
        try:
            return ox.Store.read_only(str(self.oxigraph_path()))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.oxigraph_path()}: {exc}") from exc

    @contextmanager
    def new_build(self) -> Iterator[Path]:
        """Yield a fresh build directory; publish it only if the block succeeds.

        On any exception (or interruption) the partial directory is removed and
        ``current`` still points to the previous build. A build killed outright
        (SIGKILL, power loss) cannot clean up after itself: its partial directory is
        removed by the next build (:meth:`remove_leftovers`). The build holds an
        exclusive ``flock`` on ``<partial>/.lock`` while it runs, so that concurrent
        builds never remove each other's work.

        Raises :class:`StoreError` for a failure of the file system (a full disk, a
        read-only store, a missing permission), naming the reason; nothing is published.
        """
        try:
            self.builds.mkdir(parents=True, exist_ok=True)
            self.remove_leftovers()
            name = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
            partial = self.builds / f".{name}.{os.getpid()}.partial"
            partial.mkdir()
        except OSError as exc:
            raise StoreError(_failed(self.root, exc)) from exc
        final = self.builds / name
        link = self.root / f".current-{name}"
        lock = None
        try:
            try:
                lock = _lock(partial / _LOCK, blocking=True)
                yield partial
                partial.rename(final)
                link.symlink_to(Path("builds") / name)
                link.replace(self.current)  # atomic on POSIX
            except OSError as exc:
                raise StoreError(_failed(self.root, exc)) from exc
            except ExportError as exc:  # a dump file of the build
                raise StoreError(_failed(self.root, exc)) from exc
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            if final.exists() and self.current.resolve() != final.resolve():
                shutil.rmtree(final, ignore_errors=True)  # renamed but never published
            with contextlib.suppress(OSError):
                link.unlink()
            raise
        finally:
            if lock is not None:
                os.close(lock)
        with contextlib.suppress(OSError):
            (final / _LOCK).unlink()
        self.prune()

    def remove_leftovers(self) -> list[Path]:
        """Remove what killed builds left behind; return the paths removed.

        A partial build directory is stale when no process holds its lock (its
        builder died), or, for one without a lock file, when the process named in its
        name is gone (or, for partials of older versions without a process id, when it
        is older than an hour). A ``.current-*`` link is stale when its build is not
        being published by a live process. Live builds of concurrent processes are
        left alone.
        """
        removed: list[Path] = []
        if not self.builds.is_dir():
            return removed
        for entry in self.builds.iterdir():
            if entry.name.startswith(".") and entry.name.endswith(".partial") and _stale(entry):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        for link in self.root.glob(".current-*"):
            target = self.builds / link.name.removeprefix(".current-")
            if not (target / _LOCK).exists() or _unlocked(target / _LOCK):
                with contextlib.suppress(OSError):
                    link.unlink()
                    removed.append(link)
        return removed

    def prune(self) -> None:
        """Remove old builds and leftovers, keeping the newest ``KEEP_BUILDS``."""
        if not self.builds.is_dir():
            return
        current = self.current.resolve() if self.current.exists() else None
        finished = sorted(p for p in self.builds.iterdir() if not p.name.startswith("."))
        for old in finished[:-KEEP_BUILDS]:
            if old != current:
                shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- leftovers of killed builds

_LOCK = ".lock"
#: A partial build of an older version (no lock, no process id) is stale after this long.
_LEGACY_SECONDS = 3600


def _lock(path: Path, *, blocking: bool) -> int | None:
    """An open descriptor holding an exclusive ``flock`` on ``path``; ``None`` if held elsewhere."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:
        os.close(fd)
        raise
    return fd


def _unlocked(path: Path) -> bool:
    """True when no process holds the lock at ``path`` (its owner is gone)."""
    try:
        fd = _lock(path, blocking=False)
    except OSError:
        return False
    if fd is None:
        return False
    os.close(fd)
    return True


def _stale(partial: Path) -> bool:
    """Is this partial build directory a leftover of a dead process?"""
    if (partial / _LOCK).exists():
        return _unlocked(partial / _LOCK)
    parts = partial.name.split(".")  # "", name, pid, "partial" (or "", name, "partial": older)
    if len(parts) == 4 and parts[2].isdigit():
        return not process_alive(int(parts[2]))
    try:
        return time.time() - partial.stat().st_mtime > _LEGACY_SECONDS
    except OSError:
        return False


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (a lock's owner: another user's process counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _failed(root: Path, exc: OSError | ExportError) -> str:
    """One line for a file-system failure of a build: the reason first, then the detail."""
    detail = str(exc)
    if isinstance(exc, ExportError):
        exc = exc.__cause__ if isinstance(exc.__cause__, OSError) else OSError(detail)
    if exc.errno == errno.ENOSPC or "No space left on device" in detail:
        reason = "no space left on device"
    elif exc.errno in (errno.EDQUOT,) or "quota exceeded" in detail.lower():
        reason = "disk quota exceeded"
    elif exc.errno == errno.EROFS or "Read-only file system" in detail:
        reason = "read-only file system"
    elif exc.errno == errno.EACCES or "Permission denied" in detail:
        reason = "permission denied"
    else:
        reason = exc.strerror or "file system error"
    return (f"the build in {root} failed: {reason} ({' '.join(detail.split())}); nothing was "
            "published and the previous build is unchanged")
