"""``kjgraph ingest``: from a news report or statement to draft records, each anchored in its sentence.

>>> from kjgraph.loader import load_catalog
>>> draft = ingest_text("Am 13. Januar 2026 trafen sich Präsident Lee Jae-myung und "
...     "Premierministerin Sanae Takaichi zum Gipfeltreffen in Nara.", lang="de",
...     catalog=load_catalog())
>>> draft["events"][0]["id"]
'2026-01-13-nara-summit'
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from ruamel.yaml.error import YAMLError

from kjgraph.errors import KjgraphError

__all__ = ["IngestError", "ingest_command", "ingest_text"]


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
    from kjgraph.ingest.text import Document

    probe = Document.parse(raw, lang=lang or "en", name=document)
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


@click.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["de", "en", "ko", "ja"]), help="The document's language.")
@click.option("--title", help="The document's title (headline).")
@click.option("--publisher", help="Who published it.")
@click.option("--published", "--date", "published", help="Publication date, YYYY-MM-DD: relative dates count from it.")
@click.option("--url", help="Where it was published.")
@click.option("--kind", type=click.Choice(["NewsArticle", "OfficialStatement", "WebPage", "TreatyText",
                                           "EncyclopediaArticle"]), help="Kind of source (default NewsArticle).")
@click.option("--publisher-type", type=click.Choice(["official", "news-agency", "newspaper", "broadcaster",
                                                     "reference", "other"]), help="Who stands behind the text.")
@click.option("--source-id", help="Id for the source record (default: made from publisher, date and title).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Show what the draft (FILE itself if it is a draft) would add to or change in the graph.")
@click.option("--data", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Curated data directory (default: the data shipped with kjgraph).")
def ingest_command(file: Path, lang: str | None, title: str | None, publisher: str | None,
                   published: str | None, url: str | None, kind: str | None, publisher_type: str | None,
                   source_id: str | None, out: Path | None, show_diff: bool, data: Path | None) -> None:
    """Draft records from a news report or statement FILE, each anchored in its sentence.

    Writes a draft YAML (never the data itself) in the format of graph/data/: the source, the
    events it reports, the statements with their evidence, links to the graph's entities and the
    mentions it does not know. With --diff, prints what the draft would change in the graph;
    FILE may then be a draft written before (and edited by a curator).
    """
    from kjgraph.ingest import draft as drafts
    from kjgraph.ingest.gazetteer import Knowledge
    from kjgraph.loader import load_catalog

    catalog = load_catalog(data)
    try:
        raw = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if file.suffix in (".yaml", ".yml") and raw.lstrip().startswith(("#", "draft:")):
        try:
            draft = drafts.load(raw)
        except (ValueError, YAMLError) as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise IngestError(f"{file}: not a readable draft: {problem}") from None
        if not show_diff:
            raise IngestError(f"{file} is a draft already; use --diff to see what it would change")
    else:
        documents = catalog.root / "documents"
        stored = file.name if (documents / file.name).is_file() and \
            (documents / file.name).resolve() == file.resolve() else None
        meta = {"title": title, "publisher": publisher, "published": published, "url": url, "kind": kind,
                "publisher_type": publisher_type, "id": source_id}
        draft = ingest_text(raw, lang=lang, catalog=catalog, meta=meta, file=stored, document=str(file))
        text = drafts.dump(draft)
        if out is not None:
            out.write_text(text, encoding="utf-8")
            click.echo(f"wrote {out}: {len(draft['events'])} event(s), {len(draft['agreements'])} statement(s), "
                       f"{len(draft['review']['unknown_mentions'])} unknown mention(s)", err=True)
        elif not show_diff:
            sys.stdout.write(text)
    if show_diff:
        for line in drafts.diff(draft, Knowledge.from_catalog(catalog)):
            click.echo(line)
