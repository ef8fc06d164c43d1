"""Where the files shipped inside the package are: data, ontology, queries.

>>> (ontology_dir() / "kjgraph.ttl").is_file()
True
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _dir(package: str) -> Path:
    return Path(str(files(package)))


def data_dir() -> Path:
    """The curated YAML data (``graph/data`` in the source tree)."""
    return _dir("kjgraph") / "data"


def ontology_dir() -> Path:
    """The ontology and SHACL shapes (``ontology/`` in the source tree)."""
    return _dir("kjgraph.ontology")


def queries_dir() -> Path:
    """The SPARQL query library (``queries/`` in the source tree)."""
    return _dir("kjgraph.queries")
