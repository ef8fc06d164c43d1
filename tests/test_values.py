"""Values, not strings, in Python: `Table.to_dataframe()` maps RDF datatypes to pandas dtypes.

One test per datatype (values written as SPARQL literals in a VALUES block on an empty store, so
the expectation is the literal itself), the mixed-column fallback, and the examples of issue 14
on the built graph.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyoxigraph as ox
import pytest

from kjgraph.query import IRI, BlankNodeId, KnowledgeGraph, Table

EMPTY = KnowledgeGraph(ox.Store())


def column(*values: str) -> pd.Series:
    """The DataFrame column of ?x for SPARQL terms (``UNDEF`` for unbound)."""
    table = EMPTY.table(f"SELECT ?x WHERE {{ VALUES ?x {{ {' '.join(values)} }} }}")
    return table.to_dataframe()["x"]


@pytest.mark.slow
def test_integers_and_derived_types_are_nullable_int64() -> None:
    x = column("1", '"-5"^^xsd:long', '"7"^^xsd:nonNegativeInteger', '"3"^^xsd:unsignedByte', "UNDEF")
    assert str(x.dtype) == "Int64"
    assert x.iloc[:4].tolist() == [1, -5, 7, 3] and x.isna().tolist() == [False] * 4 + [True]
    assert x.sum() == 6


def test_decimals_doubles_and_floats_are_float64() -> None:
    x = column("1.5", '"2.5E0"^^xsd:double', '"-0.25"^^xsd:float', '"INF"^^xsd:double', "UNDEF")
    assert str(x.dtype) == "float64"
    assert x.iloc[:4].tolist() == [1.5, 2.5, -0.25, float("inf")] and pd.isna(x.iloc[4])


def test_integers_mixed_with_decimals_are_promoted_to_float64() -> None:
    x = column("1940", "1950.0")  # Virtuoso's FLOOR gives an integer where Oxigraph gives a decimal
    assert str(x.dtype) == "float64" and x.tolist() == [1940.0, 1950.0]


def test_booleans_are_nullable_booleans() -> None:
    x = column("true", "false", '"1"^^xsd:boolean', "UNDEF")
    assert str(x.dtype) == "boolean"
    assert x.iloc[:3].tolist() == [True, False, True] and x.isna().iloc[3]
    assert not x.iloc[1]  # "false" is falsy


def test_dates_are_datetime64_days() -> None:
    x = column('"2026-01-13"^^xsd:date', '"1965-06-22"^^xsd:date', "UNDEF")
    assert str(x.dtype) == "datetime64[s]"
    assert x.iloc[0] == pd.Timestamp("2026-01-13") and x.iloc[1] == pd.Timestamp("1965-06-22")
    assert pd.isna(x.iloc[2]) and x.sort_values().iloc[0].year == 1965  # sorts as dates


def test_date_times_keep_their_time_and_zone() -> None:
    naive = column('"2026-01-13T10:30:00"^^xsd:dateTime')
    assert str(naive.dtype).startswith("datetime64") and naive.iloc[0] == pd.Timestamp("2026-01-13 10:30")
    zoned = column('"2026-01-13T10:30:00+09:00"^^xsd:dateTime', '"2026-01-13T00:00:00Z"^^xsd:dateTime')
    assert str(zoned.dtype).endswith("UTC]") and zoned.iloc[0] == pd.Timestamp("2026-01-13 01:30", tz="UTC")


def test_a_month_stays_a_month() -> None:
    x = column('"1965-06"^^xsd:gYearMonth', '"2025-10"^^xsd:gYearMonth', "UNDEF")
    assert str(x.dtype) == "period[M]"
    assert [str(v) for v in x.iloc[:2]] == ["1965-06", "2025-10"] and pd.isna(x.iloc[2])
    assert x.iloc[0].start_time.day == 1 and x.iloc[0].end_time.day == 30  # the whole month, no made-up day


def test_a_year_stays_a_year() -> None:
    x = column('"1965"^^xsd:gYear', '"1910"^^xsd:gYear')
    assert str(x.dtype).startswith("period[Y")
    assert [str(v) for v in x] == ["1965", "1910"]


def test_plain_typed_and_language_tagged_strings_are_str() -> None:
    x = column('"Nara"', '"奈良"@ja', '"이재명"^^xsd:string', '"Lee Jae-myung"@en', "UNDEF")
    assert pd.api.types.is_string_dtype(x.dtype)
    assert x.iloc[:4].tolist() == ["Nara", "奈良", "이재명", "Lee Jae-myung"] and pd.isna(x.iloc[4])
    assert all(type(v) is str for v in x.iloc[:4])


def test_iris_are_iris_and_blank_nodes_blank_node_ids() -> None:
    x = column("<https://w3id.org/kjgraph/id/place/nara>", '"https://w3id.org/kjgraph/id/place/nara"', "UNDEF")
    assert x.dtype == object and type(x.iloc[0]) is IRI and type(x.iloc[1]) is str  # an IRI is not a string
    assert x.iloc[0] == "https://w3id.org/kjgraph/id/place/nara" and x.iloc[2] is None
    assert (x == "https://w3id.org/kjgraph/id/place/nara").sum() == 2  # selecting by IRI text works
    table = EMPTY.table("SELECT ?b WHERE { BIND (BNODE() AS ?b) }")
    assert isinstance(table.to_dataframe()["b"].iloc[0], BlankNodeId)


def test_other_datatypes_and_ill_typed_literals_keep_their_lexical_form() -> None:
    x = column('"P1Y"^^xsd:duration', '"x"^^<urn:my-type>')
    assert x.tolist() == ["P1Y", "x"]
    mixed = Table(["x"], [{"x": ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))},
                          {"x": ox.Literal("one", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}])
    assert mixed.to_dataframe()["x"].tolist() == [1, "one"]  # the ill-typed one is text, the column object


def test_mixed_columns_hold_python_values() -> None:
    x = column('"2026-01-13"^^xsd:date', '"1965-06"^^xsd:gYearMonth', '"1965"^^xsd:gYear', "3", '"t"',
               "<urn:x>", "UNDEF")
    assert x.dtype == object
    assert x.tolist()[:6] == [dt.date(2026, 1, 13), pd.Period("1965-06", "M"), pd.Period("1965", "Y"), 3, "t",
                              IRI("urn:x")]
    assert [type(v) for v in x.iloc[:6]] == [dt.date, pd.Period, pd.Period, int, str, IRI]
    assert x.iloc[6] is None


def test_an_empty_result_has_its_columns() -> None:
    frame = EMPTY.table("SELECT ?a ?b WHERE { FILTER (false) }").to_dataframe()
    assert list(frame.columns) == ["a", "b"] and len(frame) == 0


# ------------------------------------------------------------------ the examples of issue 14


def test_meetings_per_decade_sum_is_the_number_of_meetings(kg: KnowledgeGraph) -> None:
    """Regression: `.sum()` of the meetings column was the string '21115715', not 50."""
    table = kg.run("meetings-per-decade")
    frame = table.to_dataframe()
    expected = sum(int(row["meetings"].value) for row in table.rows)  # type: ignore[union-attr]
    total = frame["meetings"].sum()
    assert str(frame["meetings"].dtype) == "Int64"
    assert int(total) == expected == len(kg.run("meetings").rows) and not isinstance(total, str)
    assert frame["meetings"].sort_values().tolist() == sorted(int(r["meetings"].value) for r in table.rows)  # type: ignore[union-attr]


def test_acting_is_a_boolean(kg: KnowledgeGraph) -> None:
    """Regression: `acting` was the string "false", which is truthy."""
    table = kg.run("leaders")
    frame = table.to_dataframe()
    assert str(frame["acting"].dtype) == "boolean"
    expected = [row["acting"].value == "true" for row in table.rows]  # type: ignore[union-attr]
    assert frame["acting"].tolist() == expected
    assert True in expected and False in expected  # both kinds of term in the data
    assert frame.loc[~frame["acting"], "leader"].size == expected.count(False)


@pytest.mark.parametrize("name", ["leaders", "meetings", "summit-gaps", "topics-by-year", "agreements"])
def test_library_columns_are_typed(kg: KnowledgeGraph, name: str) -> None:
    """No column of a library query is left as strings where its terms are numbers, dates or booleans."""
    table = kg.run(name)
    frame = table.to_dataframe()
    for column_name in table.columns:
        datatypes = {t.datatype.value.rsplit("#", 1)[-1] for r in table.rows
                     if isinstance(t := r[column_name], ox.Literal) and not t.language}
        dtype = str(frame[column_name].dtype)
        if datatypes == {"date"}:
            assert dtype == "datetime64[s]", column_name
        elif datatypes and datatypes <= {"integer"}:
            assert dtype == "Int64", column_name
        elif datatypes == {"boolean"}:
            assert dtype == "boolean", column_name
