"""The SPARQL query library, shipped as package data (``kjgraph.queries``)."""
