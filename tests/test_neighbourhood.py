"""The same rows on every engine, `neighbourhood` included (issue 14, kind 10).

On the embedded store the library's single SPARQL text is right and fast; on remote servers
kjgraph computes the rows hop by hop with simple queries (``kjgraph.query.neighbourhood``). Here
both run on the embedded store and must agree row for row; tests/test_remote_query.py compares
the remote results (Oxigraph server, Virtuoso, `kjgraph serve`) with the embedded ones.
"""

from __future__ import annotations

import pytest

from kjgraph.errors import QueryError
from kjgraph.library import get_query
from kjgraph.query import KnowledgeGraph, Table, neighbourhood


def rows(table: Table) -> list[tuple[str, str | None, str]]:
    return [(r["node"].value, r["label"].value if r["label"] else None, r["distance"].value)  # type: ignore[union-attr]
            for r in table.rows]


@pytest.mark.parametrize("entity", ["event/2026-01-13-nara-summit", "person/lee-jae-myung", "place/ube"])
@pytest.mark.parametrize("hops", ["1", "2", "3"])
def test_hop_by_hop_gives_the_rows_of_the_single_query(kg: KnowledgeGraph, entity: str, hops: str) -> None:
    for lang in ("en", "ko"):
        params = {"entity": entity, "hops": hops, "lang": lang}
        expected = kg.run("neighbourhood", **params)
        got = neighbourhood(kg, get_query("neighbourhood").bindings(params), chunk=7 if hops == "1" else 200)
        assert got.columns == expected.columns
        assert rows(got) == rows(expected)  # same order too (distance, then IRI)
        assert expected.rows


def test_hops_outside_one_to_three_are_refused(kg: KnowledgeGraph) -> None:
    for hops in ("0", "4"):
        with pytest.raises(QueryError, match="'hops': expected 1, 2 or 3"):
            kg.run("neighbourhood", entity="place/nara", hops=hops)
