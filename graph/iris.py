"""kjgraph's base IRI, as a plain string (no RDFLib: the query path imports it).

:mod:`kjgraph.namespaces` builds the RDFLib namespaces on it; modules that only need the
text of an IRI (queries, the server, the remote client) import it from here.

>>> BASE + "id/place/nara"
'https://w3id.org/kjgraph/id/place/nara'
"""

BASE = "https://w3id.org/kjgraph/"
