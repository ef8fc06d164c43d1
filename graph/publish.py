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
from urllib.parse import quote, urlsplit

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
    Raises :class:`PublishError` for a ``base_url`` that is not an http(s) URL.
    """
    from kjgraph.labels import check_language

    site = _SiteWriter(location, Path(out), endpoint=endpoint, base_url=_site_base_url(base_url),
                       lang=check_language(lang))
    resources = site.write_resources()
    dump_names = site.copy_dumps()
    site.write_pages(dump_names)
    site.write_views()
    site.write_ontology()
    site.write_metadata(dump_names)
    return {"files": site.files, "resources": resources}


def _site_base_url(base_url: str | None) -> str | None:
    """``base_url`` ending in ``/``; raises :class:`PublishError` unless it is an http(s) URL."""
    if base_url is None:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"--base-url must be an http(s) URL, got {base_url!r}")
    return base_url if base_url.endswith("/") else base_url + "/"


class _SiteWriter:
    """Writes the files of one static site into ``out``, counting them; each ``write_…`` method
    writes one part of the site."""

    def __init__(self, location: StoreLocation, out: Path, *, endpoint: str | None, base_url: str | None,
                 lang: str) -> None:
        self.location, self.out, self.endpoint, self.base_url, self.lang = location, out, endpoint, base_url, lang
        self.store = location.open()
        self.files = 0
        self.summary = data.summary(self.store)
        self.class_ids = {cls: n for n, (cls, _count) in enumerate(self.summary["classes"])}
        self.root = self.site_at("index.html")

    def site_at(self, rel: str) -> pages.Site:
        """The page context of the file ``rel`` (its links lead back to the root)."""
        return pages.Site(_prefix(rel), static=True, endpoint=self.endpoint)

    def write(self, rel: str, content: str | bytes) -> None:
        _write(self.out / rel, content)
        self.files += 1

    def class_href_from(self, rel: str) -> Any:
        return lambda cls: f"{_prefix(rel)}class/{self.class_ids[cls]}.html"

    def write_resources(self) -> int:
        """A page and the RDF documents of every resource under the base; returns how many."""
        from kjgraph.server.app import _Formats

        resources = [iri for iri in data.all_resources(self.store) if _safe_rest(iri[len(BASE):])]
        for iri in resources:
            rest = iri[len(BASE):]
            rel = f"doc/{rest}.html"
            r = data.resource_page(self.store, iri, 1, page_size=10_000)  # one page per resource on a static host
            name = quote(rest.rsplit("/", 1)[-1])
            formats = {fname: f"{name}.{ext}" for fname, ext in
                       (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))}
            # No embedded neighbourhood drawing on the static site: each would carry vis-network
            # (~0.5 MB) into every one of thousands of pages; `kjgraph render` makes them on demand.
            self.write(rel, pages.render(
                "resource.html", self.site_at(rel), self.lang, r=r, labels_map=r["related_labels"],
                formats=_Formats(formats, {"turtle": formats["Turtle"], "jsonld": formats["JSON-LD"]}),
                neighbourhood=None))
            for ext, key in EXTENSIONS.items():
                self.write(f"doc/{rest}.{ext}", data.resource_rdf(self.store, iri, key))
        return len(resources)

    def copy_dumps(self) -> list[str]:
        """The store's dumps under ``dumps/``, each with a ``.gz`` copy; returns the file names."""
        dump_names: list[str] = []
        if not (self.location.exists() and self.location.dumps().is_dir()):
            return dump_names
        for dump in sorted(p for p in self.location.dumps().iterdir() if p.is_file() and not p.name.endswith(".gz")):
            target = self.out / "dumps" / dump.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, target)
            _gzip_file(dump, target.with_name(dump.name + ".gz"))
            dump_names += [dump.name, dump.name + ".gz"]
            self.files += 2
        return dump_names

    def write_pages(self, dump_names: list[str]) -> None:
        """The home page, the class list and one page per class, the search and query pages."""
        summary, root, lang = self.summary, self.root, self.lang
        self.write("index.html", pages.render(
            "home.html", root, lang, s=summary, h=data.home(self.store), build=self.location.manifest().get("built"),
            labels_map=summary["graph_labels"], void_href="void.ttl", sparql_href=self.endpoint,
            dumps=[(n, "dumps/" + n) for n in dump_names], class_href=self.class_href_from("index.html")))
        self.write("classes.html", pages.render(
            "classes.html", root, lang, classes=pages.class_list(summary, lang), labels_map=summary["graph_labels"],
            class_href=self.class_href_from("classes.html")))
        for cls, n in self.class_ids.items():
            c = data.instances(self.store, cls, 1, page_size=100_000)
            self.write(f"class/{n}.html", pages.render("class.html", self.site_at(f"class/{n}.html"), lang, c=c,
                                                       labels_map=c["labels"], page_href=lambda _n: ""))
        self.write("search.html", pages.render(
            "search.html", root, lang, q="", results=[], static=True,
            index_json=json.dumps(search_index(self.store, root, lang), ensure_ascii=False),
            search_js=Markup(pages.static_text("search.js"))))
        self.write("query.html", pages.render("query.html", root, lang,
                                              **query_page_context(self.endpoint or "", lang)))

    def write_views(self) -> None:
        """The plots, the timeline and leaders' network, and the pages that hold them."""
        root, lang = self.root, self.lang
        for which in ("timeline", "topics"):
            self.write(f"plots/{which}.svg", data.plot_svg(self.store, which, lang))
        self.write("views/timeline.html", data.view_page(self.store, "timeline", lang))
        self.write("views/leaders.html", data.view_page(self.store, "leaders", lang))
        self.write("leaders.html", pages.render("leaders.html", root, lang, view_src="views/leaders.html"))
        self.write("timeline.html", pages.render("timeline.html", root, lang, view_src="views/timeline.html",
                                                 timeline_src="plots/timeline.svg", topics_src="plots/topics.svg"))

    def write_ontology(self) -> None:
        """The ontology's documentation page, the ontology and the shapes."""
        from kjgraph.resources import ontology_dir

        write_ontology_html(self.out / "ontology.html", self.root, "ontology.ttl", self.lang)
        self.files += 1
        self.write("ontology.ttl", (ontology_dir() / "kjgraph.ttl").read_bytes())
        self.write("shapes.ttl", (ontology_dir() / "shapes.ttl").read_bytes())

    def write_metadata(self, dump_names: list[str]) -> None:
        """The VoID description (absolute URLs under ``base_url``, else relative to the file that
        holds them) and the redirect rules for Apache and nginx."""
        manifest = self.location.manifest()

        def describe_site(server: str) -> bytes:
            return void.serialize(void.void_description(
                self.summary, server=server, dumps=dump_names, manifest=manifest,
                ontology_meta=self.summary["ontology_meta"], endpoint=self.endpoint), "turtle")

        self.write(".well-known/void", describe_site(self.base_url or "../"))
        self.write("void.ttl", describe_site(self.base_url or "./"))
        base_path = urlsplit(self.base_url).path if self.base_url else None
        self.write(".htaccess", redirects.htaccess(base_path=base_path))
        self.write("nginx.conf", "# An nginx server block for this site (the map blocks belong in http { }); "
                   "see docs/static-site.md\n"
                   + redirects.nginx_conf(root=str(self.out.resolve()), location=base_path or "/"))


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
