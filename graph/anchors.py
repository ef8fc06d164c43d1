"""Text anchors: the words of a stored document that support a curated record.

A record may carry ``evidence`` (:class:`kjgraph.records.Evidence`): the quote — usually
one sentence — and/or its offsets in a document shipped in ``data/documents/``. The loader
checks every anchor against its document (:func:`check_evidence`); the build writes each as
a W3C Web Annotation (https://www.w3.org/TR/annotation-model/) in the named graph of the
anchor's source (:func:`write_anchors`)::

    <annotation> a oa:Annotation ; oa:motivatedBy oa:describing ;
        oa:hasBody <the record> ; oa:hasTarget <segment> .
    <segment> a oa:SpecificResource ; oa:hasSource <the source record> ;
        oa:hasSelector <quote selector> , <position selector> .
    <quote selector> a oa:TextQuoteSelector ; oa:exact "…" ; oa:prefix "…" ; oa:suffix "…" .
    <position selector> a oa:TextPositionSelector ; oa:start 1234 ; oa:end 1456 .

Positions count Unicode code points of the document's text (:func:`document_text`, the
same text the source carries as ``schema:text``), from 0, ``end`` exclusive, as the Web
Annotation model says (§4.2.4); Python's ``str`` indexes count code points too.
docs/decisions/20261201-text-anchors.md records the choice.

>>> anchor = resolve(Evidence(source="s", quote="zwei"), "eins zwei drei", source="s")
>>> anchor.start, anchor.end, anchor.prefix, anchor.suffix
(5, 9, 'eins ', ' drei')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef

from kjgraph.errors import DataProblem
from kjgraph.namespaces import ID, OA, source_graph
from kjgraph.records import Evidence

if TYPE_CHECKING:
    from kjgraph.loader import Catalog

#: Code points of context kept before and after a quote (oa:prefix / oa:suffix).
CONTEXT = 32

#: "Evidence:" in the label of an annotation, per language of the project.
_EVIDENCE_WORD = {"en": "Evidence", "ko": "근거", "ja": "根拠", "de": "Beleg"}


class AnchorError(ValueError):
    """An anchor that does not fit its document; ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Anchor:
    """A resolved text anchor: the segment ``[start, end)`` of a source's document."""

    source: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    @property
    def slug(self) -> str:
        """The segment's slug, ``<source>--<start>-<end>``."""
        return f"{self.source}--{self.start}-{self.end}"


def document_text(path: Path) -> str:
    """The text of a stored document, as anchors count it and ``schema:text`` carries it.

    UTF-8, newlines normalised to ``\\n`` (universal newlines), a byte-order mark dropped,
    trailing white space removed; leading white space is kept so offsets stay stable.
    Raises ``OSError``/``UnicodeDecodeError`` as :meth:`Path.read_text` does.
    """
    return _read(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _read(path: str, _mtime: int) -> str:
    return Path(path).read_text(encoding="utf-8").removeprefix("\ufeff").rstrip()


def _where(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _show(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def resolve(evidence: Evidence, text: str, *, source: str) -> Anchor:
    """Check ``evidence`` against the document ``text`` and return the anchor it names.

    With a quote and offsets, the quote must stand at the offsets; with a quote only, it must
    occur exactly once; with offsets only, they must lie inside the text. Raises
    :class:`AnchorError` saying what was expected, what was found and how to fix it.
    """
    quote, start, end = evidence.quote, evidence.start, evidence.end
    if start is not None and end is not None:
        if end > len(text):
            raise AnchorError("end", f"offset {end} is past the end of the document "
                                     f"({len(text)} code points)")
        found = text[start:end]
        if quote is not None and found != quote:
            places = _where(text, quote)
            hint = (f"; the quote occurs at {', '.join(f'{p}–{p + len(quote)}' for p in places)}"
                    if places else "; the quote does not occur in the document at all")
            raise AnchorError("quote", f"the quote is not at {start}–{end} of the document "
                                       f"(found {_show(found)} there){hint}")
    else:
        assert quote is not None  # Evidence requires a quote or offsets
        places = _where(text, quote)
        if not places:
            raise AnchorError("quote", f"the quote {_show(quote)} does not occur in the document; "
                                       f"copy it exactly (the sentence as written, code point for "
                                       f"code point)")
        if len(places) > 1:
            raise AnchorError("quote", f"the quote occurs {len(places)} times in the document (at "
                                       f"{', '.join(map(str, places))}); give 'start' and 'end'")
        start, end = places[0], places[0] + len(quote)
        found = quote
    return Anchor(source=source, start=start, end=end, exact=found,
                  prefix=text[max(0, start - CONTEXT):start], suffix=text[end:end + CONTEXT])


def iter_evidence(catalog: Catalog) -> Iterator[tuple[str, str, tuple[str | int, ...], Evidence, list[str]]]:
    """Every anchor of the catalog: ``(kind, record id, path, evidence, sources allowed)``.

    ``path`` locates the anchor in its record (``("evidence", 0)`` or
    ``("claims", 1, "evidence", 0)``); ``sources allowed`` are those the record (or the
    claim) cites, the only ones its evidence may quote.
    """
    for kind in ("places", "people", "events", "agreements", "bodies"):
        for rid, record in catalog.of_kind(kind).items():
            for i, evidence in enumerate(getattr(record, "evidence", [])):
                yield kind, rid, ("evidence", i), evidence, list(record.sources)
            for c, claim in enumerate(getattr(record, "claims", [])):
                for i, evidence in enumerate(claim.evidence):
                    yield kind, rid, ("claims", c, "evidence", i), evidence, list(claim.sources)


def anchor_of(catalog: Catalog, evidence: Evidence) -> Anchor:
    """The anchor of ``evidence`` in its source's stored document (checked, as the loader does).

    Raises :class:`AnchorError` when the source has no stored document or the anchor does
    not fit it.
    """
    source = catalog.sources.get(evidence.source)
    if source is None:
        raise AnchorError("source", f"unknown source {evidence.source!r}")
    if not source.file:
        raise AnchorError("source", f"source {source.id!r} has no stored document ('file'); "
                                    f"evidence quotes a document in data/documents/")
    path = catalog.root / "documents" / source.file
    try:
        text = document_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError("source", f"cannot read documents/{source.file} of source "
                                    f"{source.id!r}: {exc}") from None
    return resolve(evidence, text, source=source.id)


def check_evidence(catalog: Catalog) -> list[DataProblem]:
    """Check every anchor of the catalog against its document; one problem per bad anchor.

    Each problem reads ``file:line: evidence.N.field: message (record 'id')``.
    """
    problems: list[DataProblem] = []
    for kind, rid, path, evidence, allowed in iter_evidence(catalog):
        where = catalog.where[(kind, rid)]
        try:
            if evidence.source not in allowed:
                raise AnchorError("source", f"the record does not cite {evidence.source!r}; evidence "
                                            f"quotes one of its own sources ({', '.join(allowed)})")
            anchor_of(catalog, evidence)
        except AnchorError as error:
            step: tuple[str | int, ...] = (*path, error.field)
            problems.append(DataProblem(where.file, where.line(*step), ".".join(map(str, step)),
                                        f"{error} (record {rid!r})"))
    return problems


def _minted(kind: str, slug: str) -> URIRef:
    # Slugs of anchors are long (record, source, offsets); a short hash keeps IRIs readable.
    if len(slug) > 120:
        slug = slug[:100] + "-" + hashlib.sha1(slug.encode()).hexdigest()[:12]
    return ID(kind, slug)


def write_anchors(ds: Dataset, catalog: Catalog, iri: Callable[[str, str], URIRef],
                  label: Callable[[str, str, str], str]) -> int:
    """Add every anchor of the catalog to ``ds`` as Web Annotations; return how many.

    ``iri(kind, id)`` gives a record's IRI and ``label(kind, id, lang)`` its label. Each
    annotation, with its target and selectors, goes into the named graph of the anchor's
    source. Every node has a minted IRI (``id/annotation/…``, ``id/segment/…``,
    ``id/selector/…``), so several records can share one segment.
    """
    count = 0
    for kind, rid, _path, evidence, _allowed in iter_evidence(catalog):
        anchor = anchor_of(catalog, evidence)
        g = ds.graph(source_graph(anchor.source))
        body = iri(kind, rid)
        annotation = _minted("annotation", f"{rid}--{anchor.slug}")
        segment = _minted("segment", anchor.slug)
        quote = _minted("selector", f"{anchor.slug}--quote")
        position = _minted("selector", f"{anchor.slug}--position")
        g.add((annotation, RDF.type, OA.Annotation))
        g.add((annotation, OA.motivatedBy, OA.describing))
        g.add((annotation, OA.hasBody, body))
        g.add((annotation, OA.hasTarget, segment))
        for lang, word in _EVIDENCE_WORD.items():
            g.add((annotation, RDFS.label, Literal(f"{word}: {label(kind, rid, lang)}", lang=lang)))
        g.add((segment, RDF.type, OA.SpecificResource))
        g.add((segment, OA.hasSource, ID.source(anchor.source)))
        g.add((segment, OA.hasSelector, quote))
        g.add((segment, OA.hasSelector, position))
        g.add((segment, RDFS.label, Literal(f"{anchor.source} [{anchor.start}–{anchor.end}]")))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(anchor.exact)))
        if anchor.prefix:
            g.add((quote, OA.prefix, Literal(anchor.prefix)))
        if anchor.suffix:
            g.add((quote, OA.suffix, Literal(anchor.suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(anchor.start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(anchor.end, datatype=XSD.nonNegativeInteger)))
        count += 1
    return count
