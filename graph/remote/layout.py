"""Where kjgraph's graphs live on a SPARQL server (``docs/remote-servers.md`` explains the choice).

* every named graph of the store (one per source, plus the ontology) keeps its IRI;
* the union of all graphs (the embedded store's default graph, each triple once) goes
  into the named graph :data:`UNION_GRAPH` (layout ``union-graph``, the default) and
  queries name it as their default graph, the source graphs as named graphs. This works
  the same on every engine, whatever its own default graph is (Virtuoso's is the union of
  *all* its graphs, system graphs and duplicates included), and never touches other data
  on a shared server;
* or, with layout ``default``, into the server's default graph, and queries send no
  dataset (for engines with a real default graph, and for ``kjgraph serve``).

>>> UNION_GRAPH.startswith(GRAPH_BASE) and CATALOG_GRAPH.startswith(GRAPH_BASE)
True
"""

from __future__ import annotations

from typing import Literal

from kjgraph.iris import BASE

#: The named graph that holds the union of all graphs on a server (layout ``union-graph``).
UNION_GRAPH = f"{BASE}graph/union"
#: kjgraph's graphs on a server all start with this; push only ever replaces or drops these.
GRAPH_BASE = f"{BASE}graph/"
#: Lists the graphs of the last complete push (layout ``union-graph``): ``<catalog> dcterms:hasPart <g>``.
CATALOG_GRAPH = f"{BASE}graph/catalog"
HAS_PART = "http://purl.org/dc/terms/hasPart"
Layout = Literal["union-graph", "default"]
LAYOUTS: tuple[str, ...] = ("union-graph", "default")
