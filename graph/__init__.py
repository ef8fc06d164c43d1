"""kjgraph: the open knowledge graph of Korea–Japan relations since 1965.

The package builds an RDF graph from curated, sourced YAML data, stores it in an
embedded on-disk Oxigraph store and answers SPARQL over it.

Importing ``kjgraph`` is cheap: the error classes are loaded at once, while the
namespaces (which need RDFLib) and ``__version__`` (which reads the installed
metadata) are loaded on first use (PEP 562), so that a command that only runs a
query never pays for RDFLib.

>>> import kjgraph
>>> kjgraph.KJO.Summit
rdflib.term.URIRef('https://w3id.org/kjgraph/ontology#Summit')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kjgraph.errors import DataError, DataProblem, KjgraphError, QueryError, StoreError

if TYPE_CHECKING:
    from kjgraph.namespaces import ID, KJO

__all__ = [
    "ID",
    "KJO",
    "DataError",
    "DataProblem",
    "KjgraphError",
    "QueryError",
    "StoreError",
    "__version__",
]


def _version() -> str:
    """The installed distribution's version, or ``0+unknown`` in a source tree without installation."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kjgraph")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """The attributes loaded on first use: ``ID`` and ``KJO`` (RDFLib), ``__version__``.

    Each is computed once and then kept in the module's namespace. Any other name raises
    :class:`AttributeError`, as for a plain module.
    """
    if name in ("ID", "KJO"):
        from kjgraph import namespaces

        value: Any = getattr(namespaces, name)
    elif name == "__version__":
        value = _version()
    else:
        raise AttributeError(f"module 'kjgraph' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
