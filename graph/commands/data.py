"""`kjgraph load`, `kjgraph synth` and `kjgraph ingest`: data in from outside the curated YAML;
`kjgraph data-schema`: the JSON Schema of the curated data files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kjgraph.labels import LANGUAGES
from kjgraph.options import (
    store_option,
)
from kjgraph.store import StoreLocation

# ---------------------------------------------------------------- load, synth, ingest

@click.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@click.option("--derive-union", is_flag=True,
              help="The file has no default-graph union: add it while loading (slower).")
@click.option("--check", is_flag=True,
              help="Check the union rule (SPARQL, whole graph) and SHACL on a sample of events; "
                   "publish nothing on a violation.")
@click.option("--dumps", is_flag=True, help="Also write the dump files (trig, nq, jsonld, ttl).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def load_command(file: Path, store: Path | None, derive_union: bool, check: bool, dumps: bool,
                 quiet: bool) -> None:
    """Build a store from a large N-Quads or TriG file (.gz too) by bulk loading (atomic).

    For data too big for the curated YAML path: one named graph per source, the default
    graph holding their union. Replaces the store's current graph.
    """
    from kjgraph.build import import_rdf

    report = import_rdf(file, StoreLocation(store), derive_union=derive_union, check=check,
                        dumps=dumps, progress=not quiet)
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.steps.items())
    click.echo(f"loaded {report.quads} quads in {report.graphs} graphs in {report.seconds:.1f} s "
               f"({timings}) → {report.path}")

@click.command("synth")
@click.option("--triples", "-n", "size", default="100k", show_default=True,
              help="How many quads to write, e.g. 10k, 1M, 10M (at least 10k).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed and size, same file.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="N-Quads file to write (.nq, or .nq.gz compressed).")
def synth_command(size: str, seed: int, out: Path) -> None:
    """Write SYNTHETIC benchmark data (not facts) in kjgraph's ontology as N-Quads.

    Load it into a store of its own with `kjgraph load FILE --store DIR`, never into the
    store of the curated graph.
    """
    from kjgraph.synthetic import generate_file, parse_size

    try:
        triples = parse_size(size)
        info = generate_file(out, triples, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--triples") from None
    click.echo(f"wrote {info.quads} quads of SYNTHETIC data ({info.events} events, {info.people} people, "
               f"{info.sources} sources; seed {seed}) → {out}")

@click.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), help="The document's language.")
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
    from ruamel.yaml.error import YAMLError

    from kjgraph.ingest import IngestError, ingest_text
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


# ---------------------------------------------------------------- data-schema

@click.command("data-schema")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the schema to this file (default: print it).")
def data_schema_command(out: Path | None) -> None:
    """Print (or write) the JSON Schema of a curated data file, generated from the record models.

    The data folder ships it as kjgraph-data.schema.json: point an editor's YAML support at it
    (`# yaml-language-server: $schema=../kjgraph-data.schema.json`) to complete and check
    records while typing. References between records are checked by `kjgraph validate`.
    """
    from kjgraph.records import json_schema_text

    text = json_schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")
