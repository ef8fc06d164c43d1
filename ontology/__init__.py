"""The kjgraph ontology and SHACL shapes, shipped as package data (``kjgraph.ontology``)."""
