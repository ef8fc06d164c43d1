"""kjgraph on an existing SPARQL server, through the standard protocols only.

:class:`RemoteGraph` has the ``execute/rows/table/run`` surface of
:class:`kjgraph.query.KnowledgeGraph` and speaks the SPARQL 1.1 Protocol;
:meth:`RemoteGraph.push` uploads a built store with the SPARQL 1.1 Graph Store HTTP
Protocol, or with SPARQL Update where a server has no Graph Store endpoint. Every request
has one wall-clock deadline per attempt and bounded retries (SPARQLWrapper's urllib
transport only times out single socket reads, so it is not used).

One module per job:

* :mod:`~kjgraph.remote.graph` — :class:`RemoteGraph` and :func:`open_graph`;
* :mod:`~kjgraph.remote.layout` — where kjgraph's graphs live on a server;
* :mod:`~kjgraph.remote.push` — uploading a built store, idempotently;
* :mod:`~kjgraph.remote.results` — query text other engines need, their answers normalised;
* :mod:`~kjgraph.remote.transport` — HTTP with a deadline, retries and whole answers only;
* :mod:`~kjgraph.remote.auth` — basic, digest and token credentials.

>>> with_prefixes("SELECT ?e WHERE { ?e a kjo:Summit }").splitlines()[0]
'PREFIX kjo: <https://w3id.org/kjgraph/ontology#>'
"""

from kjgraph.remote.auth import Auth, BasicAuth, DigestAuth, TokenAuth, auth_from
from kjgraph.remote.graph import RemoteGraph, open_graph
from kjgraph.remote.layout import CATALOG_GRAPH, GRAPH_BASE, LAYOUTS, UNION_GRAPH, Layout
from kjgraph.remote.push import PushReport, StaleGraphsKept
from kjgraph.remote.results import (
    normalise_solutions,
    normalise_term,
    parse_results,
    with_dataset,
    with_prefixes,
    without_undef,
)
from kjgraph.remote.transport import incomplete_answer

__all__ = [
    "CATALOG_GRAPH", "GRAPH_BASE", "LAYOUTS", "UNION_GRAPH", "Auth", "BasicAuth", "DigestAuth", "Layout",
    "PushReport", "RemoteGraph", "StaleGraphsKept", "TokenAuth", "auth_from", "incomplete_answer",
    "normalise_solutions", "normalise_term", "open_graph", "parse_results", "with_dataset", "with_prefixes",
    "without_undef",
]
