"""``kjgraph publish --out DIR``: the served pages, documents, dumps and metadata as a static site.

The site mirrors the server's layout, so the same redirect rules serve both:
``doc/<path>.html|.ttl|.jsonld|.nt|.rdf`` for every resource, ``index.html``,
``classes.html`` and ``class/<n>.html``, ``search.html`` (searches an embedded label index
in the browser), ``query.html`` (runs against ``--endpoint`` if given), ``timeline.html``,
``ontology.html``/``ontology.ttl``, ``.well-known/void`` (Turtle) and ``dumps/`` (with
``.gz`` copies). Links are relative: the site opens from disk and under any URL path.
``.htaccess`` (Apache) and ``nginx.conf`` hold the 303 content-negotiation rules a
w3id.org-style redirect (``https://w3id.org/kjgraph/id/…`` → this site) needs, choosing as
``kjgraph serve`` does (:mod:`kjgraph.server.redirects`).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from kjgraph.errors import KjgraphError
from kjgraph.namespaces import BASE
from kjgraph.server import data, pages, redirects, void
from kjgraph.server.app import query_page_context, write_ontology_html
from kjgraph.store import StoreLocation

EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}


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


def _prefix(rel: str) -> str:
    """The relative path from the page ``rel`` (``doc/id/person/x.html``) back to the site root."""
    return "../" * rel.count("/") or "./"


def publish_site(location: StoreLocation, out: Path, *, endpoint: str | None = None,
                 base_url: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Write the static site for the store at ``location`` into ``out``; return counts.

    Every link is relative, so the site works from disk (``file://``) and under any URL path;
    ``base_url`` (the site's public address) makes the VoID description's URLs absolute and
    sets the ``.htaccess`` RewriteBase; without it the VoID's URLs are relative to its file.
    Pages are in ``lang``. ``.htaccess`` (Apache) and ``nginx.conf`` (an nginx ``server``
    block) carry the server's content negotiation (:mod:`kjgraph.server.redirects`).
    """
    from urllib.parse import urlsplit

    from kjgraph.labels import check_language

    lang = check_language(lang)
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise PublishError(f"--base-url must be an http(s) URL, got {base_url!r}")
        base_url = base_url if base_url.endswith("/") else base_url + "/"
    out = Path(out)
    store = location.open()
    files = 0

    def site_at(rel: str) -> pages.Site:
        return pages.Site(_prefix(rel), static=True, endpoint=endpoint)

    def write(rel: str, content: str | bytes) -> None:
        nonlocal files
        _write(out / rel, content)
        files += 1

    summary = data.summary(store)
    class_ids = {cls: n for n, (cls, _count) in enumerate(summary["classes"])}

    def class_href_from(rel: str) -> Any:
        return lambda cls: f"{_prefix(rel)}class/{class_ids[cls]}.html"

    from kjgraph.server.app import _Formats

    resources = [iri for iri in data.all_resources(store) if _safe_rest(iri[len(BASE):])]
    for iri in resources:
        rest = iri[len(BASE):]
        rel = f"doc/{rest}.html"
        site = site_at(rel)
        r = data.resource_page(store, iri, 1, page_size=10_000)  # one page per resource on a static host
        name = quote(rest.rsplit("/", 1)[-1])
        formats = {fname: f"{name}.{ext}" for fname, ext in
                   (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))}
        # No embedded neighbourhood drawing on the static site: each would carry vis-network
        # (~0.5 MB) into every one of thousands of pages; `kjgraph render` makes them on demand.
        write(rel, pages.render(
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
    home = data.home(store)
    root = site_at("index.html")
    write("index.html", pages.render(
        "home.html", root, lang, s=summary, h=home, build=manifest.get("built"), labels_map=summary["graph_labels"],
        void_href="void.ttl", sparql_href=endpoint, dumps=[(n, "dumps/" + n) for n in dump_names],
        class_href=class_href_from("index.html")))
    write("classes.html", pages.render("classes.html", root, lang, classes=pages.class_list(summary, lang),
                                       labels_map=summary["graph_labels"], class_href=class_href_from("classes.html")))
    for cls, n in class_ids.items():
        c = data.instances(store, cls, 1, page_size=100_000)
        write(f"class/{n}.html", pages.render("class.html", site_at(f"class/{n}.html"), lang, c=c,
                                              labels_map=c["labels"], page_href=lambda _n: ""))
    write("search.html", pages.render("search.html", root, lang, q="", results=[], static=True,
                                      index_json=json.dumps(search_index(store, root, lang), ensure_ascii=False),
                                      search_js=Markup(pages.static_text("search.js"))))
    write("query.html", pages.render("query.html", root, lang, **query_page_context(endpoint or "", lang)))
    for which in ("timeline", "topics"):
        write(f"plots/{which}.svg", data.plot_svg(store, which, lang))
    write("views/timeline.html", data.view_page(store, "timeline", lang))
    write("views/leaders.html", data.view_page(store, "leaders", lang))
    write("leaders.html", pages.render("leaders.html", root, lang, view_src="views/leaders.html"))
    write("timeline.html", pages.render("timeline.html", root, lang, view_src="views/timeline.html",
                                        timeline_src="plots/timeline.svg", topics_src="plots/topics.svg"))
    write_ontology_html(out / "ontology.html", root, "ontology.ttl", lang)
    files += 1
    from kjgraph.resources import ontology_dir

    write("ontology.ttl", (ontology_dir() / "kjgraph.ttl").read_bytes())
    write("shapes.ttl", (ontology_dir() / "shapes.ttl").read_bytes())

    def describe_site(server: str) -> bytes:
        return void.serialize(void.void_description(summary, server=server, dumps=dump_names, manifest=manifest,
                                                    ontology_meta=summary["ontology_meta"], endpoint=endpoint),
                              "turtle")

    # VoID: absolute URLs under --base-url, else relative to the file that holds them
    write(".well-known/void", describe_site(base_url or "../"))
    write("void.ttl", describe_site(base_url or "./"))
    base_path = urlsplit(base_url).path if base_url else None
    write(".htaccess", redirects.htaccess(base_path=base_path))
    write("nginx.conf", "# An nginx server block for this site (the map blocks belong in http { }); "
          "see docs/static-site.md\n" + redirects.nginx_conf(root=str(out.resolve()), location=base_path or "/"))
    return {"files": files, "resources": len(resources)}


class PublishError(KjgraphError):
    """The static site cannot be written as asked (a bad option)."""


def search_index(store: Any, site: pages.Site, lang: str) -> dict[str, Any]:
    """The static search page's index: every labelled resource with its folded names
    (:mod:`kjgraph.search`), group, kind and dates, for the page's script to rank as the server
    does. ``{"entries": [[href, label shown, category, kind rank, first date, last date, [[key, words,
    text, tag], …]], …], "order": [...]}``."""
    from kjgraph.search import CATEGORIES, SearchIndex

    entries = []
    for entry, keys, span, kind_rank in SearchIndex.from_store(store).records():
        href = site.link(entry.iri)
        if href is None:
            continue
        shown = pages.pick_label(list(entry.labels), lang)
        entries.append([href, shown[0] if shown else entry.iri, CATEGORIES.index(entry.category), kind_rank,
                        span[0].isoformat() if span else None, span[1].isoformat() if span else None, entry.first,
                        [[key, " ".join(ws), text, tag] for key, ws, text, tag in keys]])
    return {"entries": entries, "lang": lang}
