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
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import pyoxigraph as ox
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kjgraph.errors import DataError, DataProblem, StoreError, ValidationFailed
from kjgraph.formats import rdf_format
from kjgraph.store import StoreLocation

if TYPE_CHECKING:
    from kjgraph.loader import Catalog
    from kjgraph.validate import ValidationReport

# The curated path (YAML, rdflib, pySHACL) is imported when used: the bulk import and the
# command line start without it (~40 MB and a second less).

#: Dump files written with every build: name → pyoxigraph format (the .ttl holds the union of all
#: graphs, without provenance).
DUMPS = {f"kjgraph.{name}": rdf_format(name) for name in ("trig", "nq", "jsonld", "ttl")}


@dataclass
class BuildReport:
    """What a build wrote, and how its records differ from the previous build's.

    ``added`` and ``removed`` list records as ``kind/id`` (``events/1973-08-08-…``),
    sorted; ``previous`` is the previous build's record count, ``None`` when there was
    no earlier build of curated data to compare with.
    """

    path: Path
    quads: int
    graphs: int
    records: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    previous: int | None = None

    #: How many removed records :meth:`summary` names (the rest are counted).
    SHOWN = 20

    def summary(self) -> str:
        """What the build did, for people: counts, and the records added and removed.

        >>> print(BuildReport(Path("b"), 10, 2, 3, 0.5, added=["events/b"], removed=["events/a"],
        ...                   previous=3).summary())
        built 10 quads in 2 graphs from 3 records in 0.5 s → b
        +1 −1 records since the previous build (3 → 3)
        removed: events/a
        """
        lines = [f"built {self.quads} quads in {self.graphs} graphs from {self.records} records "
                 f"in {self.seconds:.1f} s → {self.path}"]
        if self.previous is None:
            return lines[0]
        lines.append(f"+{len(self.added)} −{len(self.removed)} records since the previous build "
                     f"({self.previous} → {self.records})")
        if self.removed:
            shown = ", ".join(self.removed[:self.SHOWN])
            more = len(self.removed) - self.SHOWN
            lines.append(f"removed: {shown}" + (f" … and {more} more" if more > 0 else ""))
        return "\n".join(lines)


def record_ids(catalog: Catalog) -> dict[str, list[str]]:
    """The ids of a catalogue's records by kind, sorted (kept in each build's manifest)."""
    from kjgraph import records as r

    return {kind: sorted(catalog.of_kind(kind)) for kind in r.KINDS}


def _previous_records(location: StoreLocation) -> set[str] | None:
    """``kind/id`` of the records of the current build, ``None`` if unknown (none, or imported)."""
    try:
        manifest = location.manifest() if location.exists() else {}
    except StoreError:
        return None
    ids = manifest.get("record_ids")
    if not isinstance(ids, dict):
        return None
    return {f"{kind}/{rid}" for kind, rids in ids.items() if isinstance(rids, list) for rid in rids}


def dataset_nquads(data: Path | str | None = None) -> bytes:
    """Load, check and convert the data to N-Quads (no validation, no store).

    The result is remembered per process for an unchanged data directory (same files, sizes and
    modification times), so a second in-memory graph of the same data costs no second load.
    Raises :class:`~kjgraph.errors.DataError` for bad data.
    """
    from kjgraph.resources import data_dir

    root = Path(data) if data is not None else data_dir()
    state = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                         for p in root.rglob("*") if p.is_file()))
    return _nquads(root, state)


@lru_cache(maxsize=2)
def _nquads(root: Path, state: tuple[tuple[str, int, int], ...]) -> bytes:
    from kjgraph.loader import load_catalog
    from kjgraph.quads import build_dataset

    return build_dataset(load_catalog(root)).serialize(format="nquads", encoding="utf-8")


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A progress display of the build's steps (nothing when disabled), always stopped."""
    if not enabled:
        yield None
        return
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=False)
    bar.start()
    try:
        yield bar
    finally:
        bar.stop()


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
    from kjgraph.loader import load_catalog
    from kjgraph.quads import build_dataset
    from kjgraph.validate import validate_dataset

    location = store if isinstance(store, StoreLocation) else StoreLocation(store)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    with _progress(progress) as bar:
        with _step(bar, steps, "load and check data"):
            catalog = load_catalog(data)
        with _step(bar, steps, "make quads"):
            dataset = build_dataset(catalog)
        if validate:
            with _step(bar, steps, "validate (SHACL)"):
                report = validate_dataset(dataset)
            if not report.conforms:
                raise ValidationFailed(report.text(), len(report.violations))
        previous = _previous_records(location)
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
            ids = record_ids(catalog)
            manifest = {"quads": quads, "graphs": graphs, "records": catalog.count(),
                        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "dumps": sorted(DUMPS), "record_ids": ids}
            (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
            published = location.builds / build_dir.name.split(".")[1]
    now = {f"{kind}/{rid}" for kind, rids in ids.items() for rid in rids}
    return BuildReport(published, quads, graphs, catalog.count(), time.perf_counter() - started, steps,
                       added=sorted(now - previous) if previous is not None else [],
                       removed=sorted(previous - now) if previous is not None else [],
                       previous=len(previous) if previous is not None else None)


def ensure_built(store: StoreLocation | str | Path | None = None) -> StoreLocation:
    """The store, built from the shipped data first if it holds no graph yet.

    >>> import tempfile
    >>> ensure_built(tempfile.mkdtemp()).exists()
    True
    """
    location = store if isinstance(store, StoreLocation) else StoreLocation(store)
    if not location.exists():
        build(location, progress=False)
    return location


def write_dumps(store: ox.Store, directory: Path) -> None:
    from kjgraph.export import export_store

    directory.mkdir(parents=True, exist_ok=True)
    for name, fmt in DUMPS.items():
        export_store(store, directory / name, fmt)


# ---------------------------------------------------------------- bulk import of RDF
#: Formats ``import_rdf`` reads (by file name; ``.gz`` may follow).
IMPORT_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}

_UNION_GAPS = """SELECT (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"""


def _rdf_input(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of ``path`` and whether it is gzip-compressed."""
    suffixes = path.suffixes
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    ext = suffixes[-2] if gz and len(suffixes) > 1 else (suffixes[-1] if suffixes else "")
    if ext not in IMPORT_FORMATS:
        raise DataError([DataProblem(str(path), 0, "format", (
            "cannot import this file: expected N-Quads or TriG with one named graph per source "
            f"(.nq, .trig, optionally .gz), got {''.join(suffixes) or 'no extension'}"))])
    return IMPORT_FORMATS[ext], gz


def _load(oxi: ox.Store, path: Path, fmt: ox.RdfFormat, gz: bool) -> None:
    """Bulk-load a file into the store, streaming (the file is never held in memory)."""
    import gzip

    try:
        if gz:
            with gzip.open(path, "rb") as stream:
                oxi.bulk_load(cast(IO[bytes], stream), format=fmt)
        else:
            oxi.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DataError([DataProblem(str(path), int(line.group(1)) if line else 0, "syntax",
                                     str(exc))]) from None


def _load_with_union(oxi: ox.Store, path: Path, fmt: ox.RdfFormat, gz: bool) -> None:
    """Load the file and add each named-graph triple to the default graph, in one streaming pass.

    One pass, so that a blank node is the same node in its graph and in the union; the store
    keeps a set of quads, so a triple stated by several graphs lands in the union once.
    """
    import gzip

    def with_union(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        for q in quads:
            yield q
            if not isinstance(q.graph_name, ox.DefaultGraph):
                yield ox.Quad(q.subject, q.predicate, q.object, default)

    default = ox.DefaultGraph()
    try:
        with gzip.open(path, "rb") if gz else path.open("rb") as stream:
            oxi.bulk_extend(with_union(ox.parse(cast(IO[bytes], stream), format=fmt)))
    except SyntaxError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DataError([DataProblem(str(path), int(line.group(1)) if line else 0, "syntax",
                                     str(exc))]) from None


@dataclass
class CheckReport:
    """Checks of an imported graph: SPARQL over all of it, SHACL on a bounded sample."""

    union_gaps: int
    sample_size: int
    shacl: ValidationReport
    seconds: float

    @property
    def conforms(self) -> bool:
        return self.union_gaps == 0 and self.shacl.conforms

    def text(self) -> str:
        lines = [f"default graph = union of the named graphs: "
                 f"{'yes' if self.union_gaps == 0 else f'no, {self.union_gaps} triple(s) missing'}",
                 f"SHACL on a sample of {self.sample_size} events and the nodes next to them "
                 f"(not the whole graph): {self.shacl.text()}"]
        return "\n".join(lines)


def _select(oxi: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = oxi.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def check_store(oxi: ox.Store, *, sample: int = 100, seed: int = 0) -> CheckReport:
    """Check an imported store: the union rule over the whole store (SPARQL), the SHACL shapes
    on a bounded sample of ``sample`` events and the nodes one link from them (with what
    those point to, and the ontology).

    pySHACL holds its data graph in memory, so SHACL on millions of triples is out of reach;
    the sample bounds its cost whatever the size.
    """
    import random

    from rdflib import Graph

    from kjgraph.namespaces import ONTOLOGY_GRAPH
    from kjgraph.validate import ValidationReport, validate_graph
    from kjgraph.validate import _short as short_name

    started = time.perf_counter()
    gaps = int(next(iter(_select(oxi, _UNION_GAPS)))["n"].value)
    events = [s["e"] for s in _select(oxi, "SELECT ?e WHERE { ?e a <https://w3id.org/kjgraph/ontology#Event> }")]
    random.Random(seed).shuffle(events)
    picked = events[:sample]
    default = ox.DefaultGraph()
    seen: set[object] = set()
    frontier: list[object] = list(picked)
    triples: list[ox.Quad] = []
    for _hop in range(2):
        following: list[object] = []
        for node in frontier:
            if node in seen or not isinstance(node, ox.NamedNode | ox.BlankNode):
                continue
            seen.add(node)
            for q in oxi.quads_for_pattern(node, None, None, default):
                triples.append(q)
                following.append(q.object)
        frontier = following
    # The nodes one link further are described in full too, so that the checks on the inner
    # nodes (sh:class, SPARQL constraints) see what they point to; only findings about the
    # inner nodes count, as the outer ones lack their own neighbours.
    for node in {q.object for q in triples} - seen:
        if isinstance(node, ox.NamedNode | ox.BlankNode):
            triples.extend(oxi.quads_for_pattern(node, None, None, default))
    triples.extend(oxi.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH))))
    data = Graph().parse(data=ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in triples),
                                           format=ox.RdfFormat.N_TRIPLES), format="nt")
    full = validate_graph(data)
    inner = {short_name(str(n.value)) for n in seen if isinstance(n, ox.NamedNode)}
    findings = [f for f in full.findings if f.focus.split(" (", 1)[0] in inner]
    report = ValidationReport(not any(f.severity == "Violation" for f in findings), findings)
    return CheckReport(gaps, len(picked), report, time.perf_counter() - started)


def import_rdf(path: Path | str, store: StoreLocation | str | Path | None = None, *,
               derive_union: bool = False, check: bool = False, dumps: bool = False,
               progress: bool = True) -> BuildReport:
    """Build a new store from a large RDF file (N-Quads or TriG, optionally gzipped), atomically.

    The path for big data: no YAML, no rdflib, no pySHACL over the whole graph. The file is
    bulk-loaded by Oxigraph, streaming. It must follow kjgraph's conventions (one named graph
    per source); its default graph should already hold the union of the named graphs (as
    ``kjgraph export --format nq`` and ``kjgraph synth`` write it): else ``derive_union``
    adds it while loading (through Python, so slower than the plain bulk load). ``check``
    runs :func:`check_store` (timed apart); a failed check publishes nothing. ``dumps`` writes
    the dump files (timed as "write dumps").

    Raises :class:`kjgraph.errors.DataError` (unreadable file) or :class:`ValidationFailed`.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError([DataProblem(str(path), 0, "file", "no such file")])
    fmt, gz = _rdf_input(path)
    location = store if isinstance(store, StoreLocation) else StoreLocation(store)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    with _progress(progress) as bar, location.new_build() as build_dir:
        oxi = ox.Store(str(build_dir / "oxigraph"))
        if derive_union:
            with _step(bar, steps, "bulk load, deriving the default-graph union"):
                _load_with_union(oxi, path, fmt, gz)
        else:
            with _step(bar, steps, "bulk load"):
                _load(oxi, path, fmt, gz)
        if check:
            with _step(bar, steps, "check (SPARQL + SHACL sample)"):
                checked = check_store(oxi)
            if not checked.conforms:
                raise ValidationFailed(checked.text(), len(checked.shacl.violations) + checked.union_gaps)
        if dumps:
            with _step(bar, steps, "write dumps"):
                write_dumps(oxi, build_dir / "dumps")
        with _step(bar, steps, "count"):
            quads = len(oxi)
            graphs = sum(1 for _ in oxi.named_graphs())
        oxi.flush()
        del oxi
        manifest = {"quads": quads, "graphs": graphs, "records": 0,
                    "imported": str(path.resolve()),
                    "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "dumps": sorted(DUMPS) if dumps else []}
        (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        published = location.builds / build_dir.name.split(".")[1]
    return BuildReport(published, quads, graphs, 0, time.perf_counter() - started, steps)
