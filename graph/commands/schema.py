"""`kjgraph data-schema`: the JSON Schema of the curated data files, for editors and checkers."""

from __future__ import annotations

from pathlib import Path

import click


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
