"""kjgraph: the open knowledge graph of Korea–Japan relations since 1965.

The package builds an RDF graph from curated, sourced YAML data, stores it in an
embedded on-disk Oxigraph store and answers SPARQL over it.

>>> import kjgraph
>>> kjgraph.KJO.Summit
rdflib.term.URIRef('https://w3id.org/kjgraph/ontology#Summit')
"""

from importlib.metadata import PackageNotFoundError, version

from kjgraph.errors import DataError, DataProblem, KjgraphError, QueryError, StoreError
from kjgraph.namespaces import ID, KJO

try:
    __version__ = version("kjgraph")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

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
