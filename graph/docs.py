"""Ontology documentation in HTML, generated from ``ontology/kjgraph.ttl`` with pyLODE."""

from __future__ import annotations

import logging
from pathlib import Path

from kjgraph.resources import ontology_dir


def write_ontology_docs(out: Path) -> Path:
    """Write the HTML documentation of the ontology to ``out`` and return the path."""
    from pylode import OntPub

    # pyLODE configures the root logger to DEBUG on import; keep the command quiet.
    logging.getLogger().setLevel(logging.WARNING)
    html = OntPub(ontology=str(ontology_dir() / "kjgraph.ttl")).make_html()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
