"""Serialise the graph: quads formats keep one named graph per source, triple formats the union.

Streaming: pyoxigraph writes straight from the store to the file. Every file is written
atomically (:func:`write_atomically`): readers see the old file or the whole new one,
never a part, and a failure (a full disk, a kill) leaves no temporary file behind that a
later write would not remove.

>>> sorted(FORMATS)
['jsonld', 'nq', 'nt', 'trig', 'ttl']
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

import pyoxigraph as ox

from kjgraph.errors import ExportError
from kjgraph.formats import rdf_format as _engine
from kjgraph.query import PREFIXES
from kjgraph.store import process_alive

ExportFormat = Literal["ttl", "nt", "nq", "trig", "jsonld"]
#: The formats ``kjgraph export`` writes, by name (:data:`kjgraph.formats.FORMATS`).
FORMATS: dict[str, ox.RdfFormat] = {name: _engine(name) for name in ("ttl", "nt", "nq", "trig", "jsonld")}


def export_store(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Write ``store`` to ``path`` in ``fmt``, atomically (see :func:`write_atomically`).

    Quad formats keep the named graphs; triple formats write the default graph (the union
    of all source graphs). Raises :class:`kjgraph.errors.ExportError` naming the file and
    the reason (no space left, no such directory, permission denied); the previous file
    at ``path``, if any, is then unchanged.
    """
    prefixes = dict(PREFIXES) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

    def dump(out: BinaryIO) -> None:
        options: dict[str, object] = {} if fmt.supports_datasets else {"from_graph": ox.DefaultGraph()}
        if prefixes:
            options["prefixes"] = prefixes
        store.dump(out, fmt, **options)  # type: ignore[arg-type]

    write_atomically(path, dump)


def write_atomically(path: Path | str, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(stream)`` on a temporary file next to ``path``, then rename it into place.

    The temporary file (``.<name>.<pid>.<random>.tmp`` in the same directory, so that the
    rename is atomic) is flushed to disk before the rename and removed on any failure,
    interruptions included; ones left by killed processes are removed by the next write
    to the same path. Raises :class:`kjgraph.errors.ExportError` for a file-system error.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomically(target, lambda out: out.write(b"hello"))
    >>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'hello', ['a.txt'])
    """
    path = Path(path)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        tmp = None
    except OSError as exc:
        raise ExportError(path, _reason(exc)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    remove_stale_temporaries(path)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files of :func:`write_atomically` for ``path`` whose process is gone."""
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = candidate.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed
    return True


def _reason(exc: OSError) -> str:
    detail = " ".join(str(exc).split())
    if exc.errno == errno.ENOSPC or "No space left on device" in detail:
        return f"no space left on device ({detail})"
    return exc.strerror or detail if exc.errno else detail
