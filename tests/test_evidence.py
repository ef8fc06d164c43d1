"""A researcher asks which sentence of which source states a fact; a curator anchors records in text.

Evidence (``evidence:`` on a record) is checked by the loader against the stored document and
built into W3C Web Annotation text anchors (docs/decisions/20261201-text-anchors.md).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kjgraph.anchors import AnchorError, document_text, resolve
from kjgraph.errors import DataError
from kjgraph.loader import load_catalog
from kjgraph.query import KnowledgeGraph
from kjgraph.records import Evidence, Source
from kjgraph.resources import data_dir
from kjgraph.server.data import describe

from .strategies import awkward_text

SEED = "seed-2026-01-13-nara-summit-de"
SEED_IRI = f"https://w3id.org/kjgraph/id/source/{SEED}"
SEED_TEXT = document_text(data_dir() / "documents" / "2026-01-13-nara-summit.de.txt")


def test_which_sentence_of_which_source_says_japan_joins_the_body_led_by_the_knpa(kg: KnowledgeGraph) -> None:
    rows = kg.rows("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT DISTINCT ?source ?title ?sentence ?start ?end WHERE {
          ?body kjo:ledBy organization:korean-national-police-agency ;
                org:hasMembership [ org:member country:jp ; kjo:status kjo:planned ] .
          GRAPH ?g {
            ?annotation a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?segment .
            ?segment oa:hasSource ?source ;
                     oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?sentence ] ,
                                    [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] .
          }
          ?g prov:wasDerivedFrom ?source .
          ?source schema:headline ?title .
        }""")
    assert [r["source"].value for r in rows] == [SEED_IRI]
    sentence, start, end = rows[0]["sentence"].value, int(rows[0]["start"].value), int(rows[0]["end"].value)
    # The answer is the sentence of the stored document at the anchor's code points ...
    assert SEED_TEXT[start:end] == sentence
    # ... and it names Japan, joining, and the body led by the police agency.
    assert sentence.startswith("Japan wird sich dem vom koreanischen Polizeipräsidium geleiteten")
    assert "anschließen" in sentence


def _seed_citers() -> list[tuple[str, str, str, list[Evidence]]]:
    """Every record and claim of the shipped data that cites the seed: (kind, id, where, evidence)."""
    catalog = load_catalog()
    found = []
    for kind in ("places", "people", "events", "agreements", "bodies"):
        for rid, record in catalog.of_kind(kind).items():
            if SEED in record.sources:
                found.append((kind, rid, "record", list(record.evidence)))
            for i, claim in enumerate(getattr(record, "claims", [])):
                if SEED in claim.sources:
                    found.append((kind, rid, f"claims.{i}", list(claim.evidence)))
    return found


@pytest.mark.slow
def test_every_record_citing_the_seed_is_anchored_in_its_sentences() -> None:
    citers = _seed_citers()
    assert len(citers) >= 30
    for kind, rid, where, evidence in citers:
        seed_anchors = [e for e in evidence if e.source == SEED]
        assert seed_anchors, f"{kind} {rid} ({where}) cites the seed without evidence"
        for e in seed_anchors:  # the loader checked position and quote; each is a whole sentence
            assert e.start is not None and e.end is not None and e.quote == SEED_TEXT[e.start:e.end]
            assert e.start == 0 or (SEED_TEXT[e.start - 1] in " \n" and SEED_TEXT[e.start - 2] == ".")
            assert e.quote.endswith(".") and SEED_TEXT[e.end:e.end + 1] in ("", " ", "\n"), (rid, e.quote)


def test_every_seed_statement_of_the_built_graph_has_its_sentence(kg: KnowledgeGraph) -> None:
    # The statements that came out of the Nara summit according to the seed, and their sentences.
    rows = kg.rows(f"""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?statement (COUNT(?annotation) AS ?n) WHERE {{
          GRAPH <https://w3id.org/kjgraph/graph/source/{SEED}> {{
            ?statement kjo:agreedAt event:2026-01-13-nara-summit .
            OPTIONAL {{ ?annotation oa:hasBody ?statement ; oa:hasTarget/oa:hasSource <{SEED_IRI}> }}
          }}
        }} GROUP BY ?statement""")
    assert len(rows) >= 20
    assert [r["statement"].value for r in rows if int(r["n"].value) == 0] == []


def test_the_nara_summit_page_data_carries_the_sentences(built_store) -> None:  # type: ignore[no-untyped-def]
    store = built_store.open()
    page = describe(store, "https://w3id.org/kjgraph/id/event/2026-01-13-nara-summit")
    quotes = {e["quote"] for e in page["evidence"] if e["source"] == SEED_IRI}
    # Its own sentences and those of every statement agreed at it, each a sentence of the text.
    assert any(q.startswith("Am 13. Januar 2026 trafen sich") for q in quotes)
    assert any(q.startswith("Japan wird sich dem") for q in quotes)
    for e in page["evidence"]:
        assert SEED_TEXT[e["start"]:e["end"]] == e["quote"]
    abouts = {e["about"] for e in page["evidence"]}
    assert "https://w3id.org/kjgraph/id/agreement/nara-2026-crime-cooperation-agreement" in abouts
    assert all(page["related_labels"].get(a) for a in abouts)


# ---------------------------------------------------------------- the loader's checks

def _with_document(data: Path, evidence_yaml: str, *, cite: bool = True, file: bool = True) -> Path:
    (data / "documents").mkdir(exist_ok=True)
    (data / "documents" / "report.txt").write_text(
        "Lee met Takaichi in Nara. They agreed to cooperate. They agreed to cooperate.\n", encoding="utf-8")
    publisher = "  publisher_type: newspaper\n" if "publisher_type" in Source.model_fields else ""
    with (data / "sources.yaml").open("a", encoding="utf-8") as out:
        out.write("- id: report\n  kind: NewsArticle\n  title: A report\n  language: en\n" + publisher
                  + ("  file: report.txt\n" if file else "  url: https://example.org/report\n"))
    events = data / "events" / "2020s.yaml"
    text = events.read_text(encoding="utf-8").replace(
        "  sources: [seed]", f"  sources: [seed{', report' if cite else ''}]\n  evidence:\n" + evidence_yaml, 1)
    events.write_text(text, encoding="utf-8")
    return events


def _problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_catalog(data)
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_good_evidence_loads(minimal_data: Path) -> None:
    _with_document(minimal_data, "    - {source: report, quote: Lee met Takaichi in Nara., start: 0, end: 25}\n"
                                 "    - {source: report, start: 26, end: 51}\n")
    event = load_catalog(minimal_data).events["2026-01-13-nara-summit"]
    assert [e.start for e in event.evidence] == [0, 26]


@pytest.mark.parametrize(("evidence", "field", "message"), [
    ("{source: report, quote: Lee met Takaichi in Nara., start: 1, end: 26}", "evidence.0.quote",
     "the quote is not at 1–26 of the document (found 'ee met Takaichi in Nara. ' there); the quote occurs at 0–25"),
    ("{source: report, quote: Lee met Kishida in Nara.}", "evidence.0.quote",
     "the quote 'Lee met Kishida in Nara.' does not occur in the document; copy it exactly"),
    ("{source: report, quote: They agreed to cooperate.}", "evidence.0.quote",
     "the quote occurs 2 times in the document (at 26, 52); give 'start' and 'end'"),
    ("{source: report, start: 70, end: 90}", "evidence.0.end",
     "offset 90 is past the end of the document (77 code points)"),
    ("{source: report, quote: Lee, start: 5}", "evidence.0",
     "give both 'start' and 'end' (code-point offsets), or neither"),
    ("{source: nowhere, quote: Lee}", "evidence.0.source",
     "the record does not cite 'nowhere'; evidence quotes one of its own sources (seed, report)"),
])
def test_bad_evidence_is_reported_at_its_line(minimal_data: Path, evidence: str, field: str, message: str) -> None:
    events = _with_document(minimal_data, f"    - {evidence}\n")
    problems = _problems(minimal_data)
    line = _line_of(events, evidence)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"events/2020s.yaml:{line}: {field}: {message}"), problems[0]


def test_evidence_in_a_source_without_a_stored_document(minimal_data: Path) -> None:
    events = _with_document(minimal_data, "    - {source: report, quote: Lee}\n", file=False)
    [problem] = _problems(minimal_data)
    assert problem == (f"events/2020s.yaml:{_line_of(events, 'quote: Lee')}: evidence.0.source: source 'report' "
                       f"has no stored document ('file'); evidence quotes a document in data/documents/ "
                       f"(record '2026-01-13-nara-summit')")


@pytest.mark.slow
def test_bad_evidence_fails_the_validate_command(minimal_data: Path) -> None:
    from .conftest import run_cli

    events = _with_document(minimal_data, "    - {source: report, quote: Lee met Kishida.}\n")
    result = run_cli("validate", "--data", str(minimal_data))
    assert result.returncode == 1
    assert f"events/2020s.yaml:{_line_of(events, 'Kishida')}: evidence.0.quote: the quote" in result.stderr


# ---------------------------------------------------------------- code points, everywhere the same

@settings(max_examples=60, deadline=None)
@given(before=awkward_text(), quote=awkward_text().filter(str.strip), after=awkward_text())
def test_positions_count_code_points_as_sparql_does(before: str, quote: str, after: str) -> None:
    """Python and the SPARQL engine (XPath fn:substring) agree on every anchor's characters."""
    text = before + quote + after
    anchor = resolve(Evidence(source="s", quote=quote, start=len(before), end=len(before) + len(quote)),
                     text, source="s")
    assert (anchor.prefix + anchor.exact + anchor.suffix) in text
    store = ox.Store()
    node = ox.NamedNode("https://example.org/doc")
    store.add(ox.Quad(node, ox.NamedNode("https://schema.org/text"), ox.Literal(text)))
    [row] = store.query(f"""SELECT (SUBSTR(?t, {anchor.start} + 1, {anchor.end - anchor.start}) AS ?q)
                            WHERE {{ <https://example.org/doc> <https://schema.org/text> ?t }}""")
    assert row["q"].value == quote


@given(text=awkward_text(), start=st.integers(0, 30), length=st.integers(1, 30))
def test_offsets_only_anchor_names_the_text_at_the_offsets(text: str, start: int, length: int) -> None:
    evidence = Evidence(source="s", start=start, end=start + length)
    if start + length > len(text):
        with pytest.raises(AnchorError, match="past the end of the document"):
            resolve(evidence, text, source="s")
    else:
        assert resolve(evidence, text, source="s").exact == text[start:start + length]
