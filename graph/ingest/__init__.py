"""``kjgraph ingest``: from a news report or statement to draft records, each anchored in its sentence.

>>> from kjgraph.loader import load_catalog
>>> draft = ingest_text("Am 13. Januar 2026 trafen sich Präsident Lee Jae-myung und "
...     "Premierministerin Sanae Takaichi zum Gipfeltreffen in Nara.", lang="de",
...     catalog=load_catalog())
>>> draft["events"][0]["id"]
'2026-01-13-nara-summit'
"""

from __future__ import annotations

from typing import Any

from kjgraph.errors import KjgraphError

__all__ = ["IngestError", "ingest_text"]


class IngestError(KjgraphError):
    """The document or the draft cannot be ingested (unreadable, unknown language, bad options)."""


_GAZETTEERS: dict[tuple[int, str], tuple[Any, Any]] = {}


def _gazetteer(catalog: Any, lang: str) -> Any:
    """One gazetteer per catalog and language (building one takes about a second)."""
    from kjgraph.ingest.gazetteer import Gazetteer, Knowledge

    key = (id(catalog), lang)
    if key not in _GAZETTEERS or _GAZETTEERS[key][0] is not catalog:
        if len(_GAZETTEERS) >= 8:
            _GAZETTEERS.clear()
        _GAZETTEERS[key] = (catalog, Gazetteer(Knowledge.from_catalog(catalog), lang))
    return _GAZETTEERS[key][1]


def ingest_text(raw: str, *, lang: str | None = None, catalog: Any, meta: dict[str, Any] | None = None,
                file: str | None = None, document: str = "document") -> dict[str, Any]:
    """Draft records (plain data, :mod:`kjgraph.ingest.draft`) from a document's text.

    ``raw`` may start with a YAML front-matter block; ``meta`` (title, publisher, published,
    url, kind, publisher_type, id) overrides it. ``file`` is the document's name in
    ``data/documents/`` if it is stored there. Raises :class:`IngestError`.
    """
    from kjgraph.ingest.draft import build_draft
    from kjgraph.ingest.extract import extract, reference_day
    from kjgraph.ingest.rules import LANGUAGES
    from kjgraph.ingest.text import Document, DocumentError

    try:
        probe = Document.parse(raw, lang=lang or "en", name=document)
    except DocumentError as exc:  # malformed front matter: the error the contract names
        raise IngestError(str(exc)) from None
    merged = {**probe.meta, **{k: v for k, v in (meta or {}).items() if v}}
    language = lang or merged.get("language")
    if language not in LANGUAGES:
        raise IngestError(f"{document}: give the document's language with --lang ({', '.join(LANGUAGES)}) "
                          f"or 'language:' in its front matter; found {language!r}")
    doc = Document.parse(raw, lang=language, name=document) if language != probe.lang else probe
    try:
        published = reference_day(merged.get("published"))
    except ValueError:
        raise IngestError(f"{document}: published: expected YYYY-MM-DD (or YYYY-MM, YYYY), "
                          f"found {merged.get('published')!r}") from None
    gazetteer = _gazetteer(catalog, language)
    extraction = extract(doc, gazetteer, published=published)
    return build_draft(extraction, gazetteer.knowledge, meta=merged, file=file, document=document)
