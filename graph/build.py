"""Build the graph: load and check the data, make the quads, validate, write the store and dumps.

The whole build is atomic (:meth:`kjgraph.store.StoreLocation.new_build`): on a
data error, a SHACL violation or an interruption, nothing is published and the
previous store and dumps stay as they were.

>>> import tempfile
>>> report = build(tempfile.mkdtemp(), progress=False)
>>> report.quads > 1000
True
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from kjgraph.errors import ValidationFailed
from kjgraph.loader import load_catalog
from kjgraph.quads import build_dataset
from kjgraph.store import StoreLocation
from kjgraph.validate import validate_dataset
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

#: Dump files written with every build: name → pyoxigraph format.
DUMPS = {
    "kjgraph.trig": ox.RdfFormat.TRIG,
    "kjgraph.nq": ox.RdfFormat.N_QUADS,
    "kjgraph.jsonld": ox.RdfFormat.JSON_LD,
    "kjgraph.ttl": ox.RdfFormat.TURTLE,  # the union of all graphs, without provenance
}


@dataclass
class BuildReport:
    path: Path
    quads: int
    graphs: int
    records: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)


def dataset_nquads(data: Path | str | None = None) -> bytes:
    """Load, check and convert the data to N-Quads (no validation, no store)."""
    return build_dataset(load_catalog(data)).serialize(format="nquads", encoding="utf-8")


@contextmanager
def _step(progress: Progress | None, steps: dict[str, float], name: str) -> Iterator[None]:
    task = progress.add_task(name, total=None) if progress else None
    start = time.perf_counter()
    yield
    steps[name] = time.perf_counter() - start
    if progress and task is not None:
        progress.update(task, total=1, completed=1)


def build(store: StoreLocation | str | Path | None = None, *, data: Path | str | None = None,
          validate: bool = True, progress: bool = True) -> BuildReport:
    """Build the graph into ``store`` (default store if None); return what was written.

    Raises :class:`kjgraph.errors.DataError` or :class:`ValidationFailed`; nothing is
    written then.
    """
    location = store if isinstance(store, StoreLocation) else StoreLocation(store)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                   transient=False) if progress else None
    if bar:
        bar.start()
    try:
        with _step(bar, steps, "load and check data"):
            catalog = load_catalog(data)
        with _step(bar, steps, "make quads"):
            dataset = build_dataset(catalog)
        if validate:
            with _step(bar, steps, "validate (SHACL)"):
                report = validate_dataset(dataset)
            if not report.conforms:
                raise ValidationFailed(report.text(), len(report.violations))
        with location.new_build() as build_dir:
            with _step(bar, steps, "write store"):
                nquads = dataset.serialize(format="nquads", encoding="utf-8")
                del dataset
                oxi = ox.Store(str(build_dir / "oxigraph"))
                oxi.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
                del nquads
            with _step(bar, steps, "write dumps"):
                write_dumps(oxi, build_dir / "dumps")
            quads = len(oxi)
            graphs = sum(1 for _ in oxi.named_graphs())
            oxi.flush()
            del oxi
            manifest = {"quads": quads, "graphs": graphs, "records": catalog.count(),
                        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "dumps": sorted(DUMPS)}
            (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
            published = location.builds / build_dir.name.removeprefix(".").removesuffix(".partial")
    finally:
        if bar:
            bar.stop()
    return BuildReport(published, quads, graphs, catalog.count(),
                       time.perf_counter() - started, steps)


def write_dumps(store: ox.Store, directory: Path) -> None:
    from kjgraph.export import export_store

    directory.mkdir(parents=True, exist_ok=True)
    for name, fmt in DUMPS.items():
        export_store(store, directory / name, fmt)
