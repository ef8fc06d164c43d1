"""A curator edits the data: every reference field is declared once (kjgraph.mapping).

The loader's reference checks, the quads writer and the synthetic generator read the same
table; these tests keep the table complete (every id-holding field of every model is in it)
and true (every predicate it names is a real term, and the build writes it).
"""

from __future__ import annotations

import io
import shutil
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel
from rdflib import URIRef

from kjgraph import records as r
from kjgraph.errors import DataError
from kjgraph.loader import load_catalog
from kjgraph.mapping import LINKS, ORDERS, expand, links_of, parts
from kjgraph.quads import build_dataset, load_ontology
from kjgraph.synthetic import generate

from .conftest import FIXTURES

#: Slug fields that name no other record: a record's own id; Evidence.source, which names one of
#: the record's own sources and is checked by kjgraph.anchors.
NOT_REFERENCES = {"id", "Evidence.source"}


def _models() -> set[type[BaseModel]]:
    """Every model a data file may hold, nested ones included."""
    found: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = list(r.KINDS.values())
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for info in model.model_fields.values():
            for arg in _flatten(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    return found


def _flatten(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    return [annotation] if not args else [a for arg in args for a in _flatten(arg)]


def _holds_slugs(model: type[BaseModel], name: str) -> bool:
    """True when the field is a slug or a list of slugs (its schema has the slug pattern)."""
    schema = model.model_json_schema()["properties"][name]
    return r"^[a-z0-9]+(?:-[a-z0-9]+)*$" in str(schema) and "$ref" not in str(schema)


@pytest.mark.parametrize("model", sorted(_models(), key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_id_field_is_a_declared_link(model: type[BaseModel]) -> None:
    links = links_of(model)
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in NOT_REFERENCES or f"{model.__name__}.{key}" in NOT_REFERENCES:
            continue
        assert (key in links) == _holds_slugs(model, key), f"{model.__name__}.{key}"


def test_links_and_orders_name_real_fields_and_kinds() -> None:
    for model, links in LINKS.items():
        fields = {info.alias or name for name, info in model.model_fields.items()}
        for name, link in links.items():
            assert name in fields, f"{model.__name__}.{name}"
            assert set(link.targets) <= set(r.KINDS), f"{model.__name__}.{name}"
            assert link.country is None or "places" in link.targets
    for model, orders in ORDERS.items():
        for order in orders:
            assert {order.first, order.last} <= set(model.model_fields)


def test_every_predicate_is_a_term_of_its_vocabulary() -> None:
    """kjo: terms are in the ontology (KJO refuses others); the rest resolve with RDFLib's constants."""
    ontology = load_ontology()
    curies = {p for links in LINKS.values() for link in links.values() for p in (*link.predicates, *link.inverse)}
    for curie in sorted(curies):
        iri = expand(curie)
        assert isinstance(iri, URIRef)
        if curie.startswith("kjo:"):
            assert (iri, None, None) in ontology, curie
    with pytest.raises(AttributeError):
        expand("kjo:noSuchTerm")


def test_the_build_writes_every_link_of_the_shipped_data() -> None:
    """Each predicate the mapping declares for a field the shipped data fills is in the build."""
    catalog = load_catalog()
    used = {curie for kind in r.KINDS for record in catalog.of_kind(kind).values()
            for _path, part in parts(record) for name, link in links_of(type(part)).items()
            if getattr(part, "in_" if name == "in" else name, None) for curie in (*link.predicates, *link.inverse)}
    predicates = set(build_dataset(catalog).predicates())
    assert {c for c in used if expand(c) not in predicates} == set()


def test_the_synthetic_data_uses_the_mapping_predicates() -> None:
    out = io.BytesIO()
    generate(out, 10_000, seed=2)
    text = out.getvalue().decode()
    for model, name in ((r.Event, "place"), (r.Agreement, "agreed_at"), (r.Participant, "capacity"),
                        (r.Topic, "broader"), (r.Tenure, "person")):
        for curie in (*links_of(model)[name].predicates, *links_of(model)[name].inverse):
            assert f"<{expand(curie)}>" in text, curie


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    return data


def test_a_claims_participant_with_an_unknown_capacity_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Regression: the participants of a claim had only their person checked; a bad capacity, office or
    country was written into the graph as a dangling IRI. Now every participant field is checked."""
    data = _data(tmp_path)
    events = data / "events/2020s.yaml"
    events.write_text(events.read_text("utf-8") + (
        "  claims:\n"
        "    - sources: [seed]\n"
        "      participants:\n"
        "        - {person: lee-jae-myung, capacity: no-such-tenure, office: no-such-office, country: nara}\n"),
        "utf-8")
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    assert [str(p) for p in caught.value.problems] == [
        "events/2020s.yaml:14: claims.0.participants.0.capacity: unknown tenure 'no-such-tenure' (record "
        "'2026-01-13-nara-summit'); add it to tenures data or fix the id",
        "events/2020s.yaml:14: claims.0.participants.0.country: the country a participant represents must be "
        "a country, found the city 'nara'; give the id of a place of kind Country (record '2026-01-13-nara-summit')",
        "events/2020s.yaml:14: claims.0.participants.0.office: unknown office 'no-such-office' (record "
        "'2026-01-13-nara-summit'); add it to offices data or fix the id",
    ]
