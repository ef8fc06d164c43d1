"""``kjgraph publish --out DIR``: the served pages, documents, dumps and metadata as a static site.

The site mirrors the server's layout, so the same redirect rules serve both:
``doc/<path>.html|.ttl|.jsonld|.nt|.rdf`` for every resource, ``index.html``,
``classes.html`` and ``class/<n>.html``, ``search.html`` (searches an embedded label index
in the browser), ``query.html`` (runs against ``--endpoint`` if given), ``timeline.html``,
``ontology.html``/``ontology.ttl``, ``.well-known/void`` (Turtle) and ``dumps/`` (with
``.gz`` copies). ``.htaccess`` holds the 303 content-negotiation rules a w3id.org-style
redirect (``https://w3id.org/kjgraph/id/…`` → this site) needs.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kjgraph.namespaces import BASE
from kjgraph.server import data, pages, void
from kjgraph.server.app import query_page_context, write_ontology_html
from kjgraph.store import StoreLocation

EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}

HTACCESS = """# Content negotiation for kjgraph's IRIs (Apache mod_rewrite; w3id.org uses the same rules).
# Resource IRIs answer 303 See Other with the document for the requested format.
Options -MultiViews
RewriteEngine on
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^((id|graph)/.+)$ doc/$1.ttl [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^((id|graph)/.+)$ doc/$1.jsonld [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^((id|graph)/.+)$ doc/$1.nt [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml
RewriteRule ^((id|graph)/.+)$ doc/$1.rdf [R=303,L]
RewriteRule ^((id|graph)/.+)$ doc/$1.html [R=303,L]

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^ontology$ ontology.ttl [R=303,L]
RewriteRule ^ontology$ ontology.html [R=303,L]
RewriteRule ^shapes$ shapes.ttl [R=303,L]
RewriteRule ^dataset$ .well-known/void [R=303,L]
<Files "void">
  ForceType text/turtle
</Files>
"""


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


def _safe_rest(rest: str) -> bool:
    """Can the IRI path ``rest`` (after the base) name a file inside the site? No empty, ``.``
    or ``..`` segment, no NUL or backslash (nothing may be written outside ``out``)."""
    segments = rest.split("/")
    return bool(rest) and "\x00" not in rest and "\\" not in rest and \
        all(seg not in ("", ".", "..") for seg in segments)


def _gzip_file(source: Path, target: Path) -> None:
    """``target`` = gzip of ``source``, written to a temporary file and renamed into place."""
    tmp = target.with_name(target.name + ".part")
    with source.open("rb") as src, tmp.open("wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", filename=source.name, mtime=int(source.stat().st_mtime)) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    tmp.replace(target)


def publish_site(location: StoreLocation, out: Path, *, endpoint: str | None = None,
                 root: str = "/", lang: str = "en") -> dict[str, Any]:
    """Write the static site for the store at ``location`` into ``out``; return counts."""
    out = Path(out)
    store = location.open()
    site = pages.Site(root, static=True, endpoint=endpoint)
    files = 0

    def write(rel: str, content: str | bytes) -> None:
        nonlocal files
        _write(out / rel, content)
        files += 1

    summary = data.summary(store)
    class_ids = {cls: n for n, (cls, _count) in enumerate(summary["classes"])}

    def class_href(cls: str) -> str:
        return f"{site.root}class/{class_ids[cls]}.html"

    resources = [iri for iri in data.all_resources(store) if _safe_rest(iri[len(BASE):])]
    for iri in resources:
        rest = iri[len(BASE):]
        r = data.describe(store, iri, 1, page_size=10_000)  # one page per resource on a static host
        formats = {name: f"{site.root}doc/{quote(rest)}.{ext}" for name, ext in
                   (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))}
        from kjgraph.server.app import _Formats

        # No embedded neighbourhood drawing on the static site: each would carry vis-network
        # (~0.5 MB) into every one of thousands of pages; `kjgraph render` makes them on demand.
        write(f"doc/{rest}.html", pages.render(
            "resource.html", site, lang, r=r, labels_map=r["related_labels"],
            formats=_Formats(formats, {"turtle": formats["Turtle"], "jsonld": formats["JSON-LD"]}),
            neighbourhood=None))
        for ext, key in EXTENSIONS.items():
            write(f"doc/{rest}.{ext}", data.resource_rdf(store, iri, key))

    # dumps
    dump_names: list[str] = []
    if location.exists() and location.dumps().is_dir():
        for dump in sorted(p for p in location.dumps().iterdir() if p.is_file() and not p.name.endswith(".gz")):
            target = out / "dumps" / dump.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, target)
            _gzip_file(dump, target.with_name(dump.name + ".gz"))
            dump_names += [dump.name, dump.name + ".gz"]
            files += 2
    manifest = location.manifest()
    write("index.html", pages.render(
        "home.html", site, lang, s=summary, build=manifest.get("built"), labels_map=summary["graph_labels"],
        void_href=site.root + ".well-known/void", sparql_href=endpoint,
        dumps=[(n, site.root + "dumps/" + n) for n in dump_names], class_href=class_href))
    write("classes.html", pages.render("classes.html", site, lang, classes=summary["classes"],
                                       labels_map=summary["graph_labels"], class_href=class_href))
    for cls, n in class_ids.items():
        c = data.instances(store, cls, 1, page_size=100_000)
        write(f"class/{n}.html", pages.render("class.html", site, lang, c=c, labels_map=c["labels"],
                                              page_href=lambda _n: ""))
    index = [[href, label, language] for iri, label, language in data.label_index(store)
             if (href := site.link(iri)) is not None]
    write("search.html", pages.render("search.html", site, lang, q="", results=[], static=True,
                                      index_json=json.dumps(index, ensure_ascii=False),
                                      search_js=pages.Markup(pages.static_text("search.js"))))
    write("query.html", pages.render("query.html", site, lang, **query_page_context(endpoint or "")))
    for which in ("timeline", "topics"):
        write(f"plots/{which}.svg", data.plot_svg(store, which, lang))
    write("timeline.html", pages.render("timeline.html", site, lang,
                                        timeline_src=site.root + "plots/timeline.svg",
                                        topics_src=site.root + "plots/topics.svg"))
    write_ontology_html(out / "ontology.html", site, site.root + "ontology.ttl")
    files += 1
    from kjgraph.resources import ontology_dir

    write("ontology.ttl", (ontology_dir() / "kjgraph.ttl").read_bytes())
    write("shapes.ttl", (ontology_dir() / "shapes.ttl").read_bytes())
    description = void.void_description(summary, server=endpoint.rsplit("/sparql", 1)[0] if endpoint
                                        else site.root, dumps=dump_names, manifest=manifest,
                                        ontology_meta=summary["ontology_meta"])
    turtle = void.serialize(description, "turtle")
    write(".well-known/void", turtle)
    write("void.ttl", turtle)
    write(".htaccess", HTACCESS)
    return {"files": files, "resources": len(resources)}
