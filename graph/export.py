"""Serialise the graph: quads formats keep one named graph per source, triple formats the union.

Streaming: pyoxigraph writes straight from the store to the file.

>>> sorted(FORMATS)
['jsonld', 'nq', 'nt', 'trig', 'ttl']
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from kjgraph.query import PREFIXES

ExportFormat = Literal["ttl", "nt", "nq", "trig", "jsonld"]
FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export_store(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Write ``store`` to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    prefixes = {k: v for k, v in PREFIXES.items()} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    with tmp.open("wb") as out:
        if fmt.supports_datasets:
            store.dump(out, fmt, prefixes=prefixes) if prefixes else store.dump(out, fmt)
        else:
            # The default graph is the union of all source graphs.
            if prefixes:
                store.dump(out, fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes)
            else:
                store.dump(out, fmt, from_graph=ox.DefaultGraph())
    tmp.replace(path)
