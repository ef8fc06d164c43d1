"""One table of formats (kjgraph.formats): names, aliases and media types that never collide, and
every RDF format written by the engine read back by an independent parser (rdflib)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kjgraph.formats import FORMATS, Kind, by_media_type, by_name, of_kind

TRIPLE = ox.Quad(ox.NamedNode("https://w3id.org/kjgraph/id/place/nara"),
                 ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("奈良", language="ja"),
                 ox.NamedNode("https://w3id.org/kjgraph/graph/source/x"))


@pytest.mark.parametrize("kind", ["results", "rdf"])
def test_names_aliases_and_media_types_are_unambiguous_within_a_kind(kind: Kind) -> None:
    names = [n for f in of_kind(kind) for n in (f.name, *f.aliases)]
    assert len(names) == len(set(names))
    media = [m for f in of_kind(kind) for m in (f.media_type, *f.media_types)]
    assert len(media) == len(set(media))
    for f in of_kind(kind):
        assert by_name(f.name.upper(), kind) is f
        assert all(by_name(alias, kind) is f for alias in f.aliases)
        assert by_media_type(f"{f.media_type}; charset=utf-8", kind) is f


@pytest.mark.parametrize("name", [f.name for f in of_kind("rdf")])
def test_every_rdf_format_round_trips_through_rdflib(name: str) -> None:
    fmt = FORMATS[name]
    assert isinstance(fmt.engine, ox.RdfFormat)
    quads = [TRIPLE] if fmt.datasets else [ox.Quad(TRIPLE.subject, TRIPLE.predicate, TRIPLE.object)]
    data = ox.serialize(quads, format=fmt.engine)
    if fmt.datasets:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=fmt.rdflib)
        triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    else:
        triples = set(rdflib.Graph().parse(data=data, format=fmt.rdflib))
    assert triples == {(rdflib.URIRef(TRIPLE.subject.value), rdflib.RDFS.label, rdflib.Literal("奈良", lang="ja"))}


def test_unknown_names_are_key_errors() -> None:
    with pytest.raises(KeyError):
        by_name("yaml")
    with pytest.raises(KeyError):
        by_media_type("image/png")
    with pytest.raises(KeyError):
        by_name("csv", "rdf")
