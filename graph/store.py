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

from kjgraph.errors import StoreError

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
        path = self.build_dir() / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

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
        ``current`` still points to the previous build.
        """
        self.builds.mkdir(parents=True, exist_ok=True)
        name = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        partial = self.builds / f".{name}.partial"
        partial.mkdir()
        try:
            yield partial
            final = self.builds / name
            partial.rename(final)
            link = self.root / f".current-{name}"
            link.symlink_to(Path("builds") / name)
            link.replace(self.current)  # atomic on POSIX
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        self.prune()

    def prune(self) -> None:
        """Remove old builds and leftovers, keeping the newest ``KEEP_BUILDS``."""
        if not self.builds.is_dir():
            return
        current = self.current.resolve() if self.current.exists() else None
        finished = sorted(p for p in self.builds.iterdir() if not p.name.startswith("."))
        for old in finished[:-KEEP_BUILDS]:
            if old != current:
                shutil.rmtree(old, ignore_errors=True)
