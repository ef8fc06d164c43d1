"""HTML pages for people: rendering of the page data of :mod:`kjgraph.server.data`.

Jinja2 with autoescaping on for every template, so labels and literals from the graph
are always escaped; embedded JSON(-LD) goes through :func:`script_json`, which escapes
``<`` so no ``</script>`` can close the element early. Pages are self-contained: CSS
and JavaScript are inlined (no CDN), so they work offline and from a static host.

>>> pick_label([("Nara", "en"), ("나라", "ko")], "ko")
('나라', 'ko')
>>> print(script_json('{"a": "</script>"}'))
{"a": "\\u003c/script\\u003e"}

Links. Only IRIs with the schemes in :data:`SAFE_SCHEMES` (http, https, mailto) become
links; any other (``javascript:``, ``data:``, ``vbscript:``, ``file:``, ``urn:`` …) is shown
as text, so a triple cannot plant script in a page (:func:`safe_href`, :func:`anchor`).

>>> safe_href("javascript:alert(1)") is None, safe_href("https://example.org/a")
(True, 'https://example.org/a')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup as Markup  # re-exported: the server and publish build pages with it
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from kjgraph.iris import BASE
from kjgraph.labels import LANGUAGES as LANGUAGES  # re-exported: the server lists them
from kjgraph.labels import lookup
from kjgraph.query import curie

HERE = Path(__file__).parent
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語", "de": "Deutsch"}
XSD = "http://www.w3.org/2001/XMLSchema#"
#: URI schemes that pages turn into links; IRIs with any other scheme are shown as text.
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")

def html_text(value: object) -> Markup:
    """Text as HTML character data (or an attribute value) that an HTML parser reads back
    exactly: ``& < > " '`` escaped, a carriage return written as ``&#13;`` (a raw CR is read as a
    line feed, HTML §13.2.3.5) and NUL, which HTML cannot carry, as U+FFFD. Markup passes as is.

    >>> print(html_text("a\\r\\nb <c>"))
    a&#13;
    b &lt;c&gt;
    """
    if isinstance(value, Markup):
        return value
    return Markup(str(Markup.escape(value)).replace("\r", "&#13;").replace("\x00", "\ufffd"))


def _environment(lang: str) -> jinja2.Environment:
    """The templates' environment for one language: the interface texts (``{{ _("…") }}``) from
    the catalogues of :mod:`kjgraph.i18n`."""
    from kjgraph.i18n import translations

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        finalize=html_text,  # every {{ value }}: escaped, CR kept as &#13;
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


_ENVS: dict[str, jinja2.Environment] = {}


class Citations:
    """The sources a page cites, numbered in the order they are first cited: statements carry a
    small marker (``[3]``) and the sources are listed once, at the end of the page."""

    def __init__(self, sources: dict[str, str] | None = None) -> None:
        self.numbers: dict[str, int] = {}
        self.sources = sources or {}  # named graph -> source record

    def __call__(self, graphs: list[str]) -> list[tuple[int, str]]:
        """``[(number, graph)]`` for the graphs of one statement; the same source keeps its number."""
        out = []
        for g in graphs:
            key = self.sources.get(g, g)
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
            out.append((self.numbers[key], g))
        return sorted(set(out))

    def listed(self) -> list[tuple[int, str]]:
        """``[(number, source)]`` in number order."""
        return sorted((n, s) for s, n in self.numbers.items())


def static_text(name: str) -> str:
    """A file of ``static/`` (CSS, JS) to inline into a page."""
    return (HERE / "static" / name).read_text(encoding="utf-8")


def script_json(text: str) -> Markup:
    """JSON safe inside a ``<script>`` element."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def pick_label(labels: list[tuple[str, str]], lang: str) -> tuple[str, str] | None:
    """The ``(text, tag)`` label a reader of ``lang`` sees: :func:`kjgraph.labels.lookup`
    (RFC 4647 lookup: ``ko`` before ``ko-Hani``, then English)."""
    return lookup(labels, lang)


def choose_language(param: str | None, accept_language: str | None) -> str:
    """``?lang=`` if it is one of ours, else the best of Accept-Language (RFC 9110 §12.5.4,
    quality values respected), else English."""
    if param and param in LANGUAGES:
        return param
    if accept_language:
        best = parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES)
        if best:
            return best
    return "en"


def safe_href(url: str | None) -> str | None:
    """``url`` if a browser may follow it from a page: a relative reference (a site path ``/…`` or
    a static site's ``../doc/…``, which has no scheme) or an absolute IRI whose scheme is in
    :data:`SAFE_SCHEMES`; otherwise None (show it as text).

    Control characters and spaces make any URL unsafe (browsers drop tabs and newlines, so
    ``java\\tscript:`` would run as ``javascript:``).
    """
    if not url or any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    if url.startswith("//"):
        return None
    match = _SCHEME.match(url)
    if match is None:  # a relative reference (``/…``, ``../doc/…``, ``#x``): no scheme, nothing to run
        return url
    return url if match.group(1).lower() in SAFE_SCHEMES else None


def anchor(url: str | None, text: str, **attributes: str) -> Markup:
    """``<a href=url>text</a>`` when :func:`safe_href` allows ``url``, else ``<span class="unlinked">``;
    text and attributes are escaped.

    >>> print(anchor("javascript:alert(1)", "<b>x</b>"))
    <span class="unlinked" title="javascript:alert(1)">&lt;b&gt;x&lt;/b&gt;</span>
    """
    href = safe_href(url)
    extra = "".join(f' {name.rstrip("_")}="{html_text(value)}"' for name, value in attributes.items())
    if href is None:
        title = "" if "title" in attributes else f' title="{html_text(url or "")}"'
        return Markup(f'<span class="unlinked"{title}{extra}>{html_text(text)}</span>')
    return Markup(f'<a href="{html_text(href)}"{extra}>{html_text(text)}</a>')


class Site:
    """How pages link: to the live server's paths, or to a static site's files."""

    def __init__(self, root: str = "/", static: bool = False, endpoint: str | None = None):
        self.root = root if root.endswith("/") else root + "/"
        self.static = static
        self.endpoint = endpoint

    def link(self, iri: str) -> str | None:
        """Where a person follows ``iri``: our page for the graph's IRIs, else the IRI itself
        when its scheme is safe (:func:`safe_href`), else None (shown as text).

        On the server the path keeps the IRI's percent-encodings (``%2F`` stays ``%2F``); on a
        static site it names the file, whose name is the IRI's path (so ``%`` is escaped).
        """
        if not iri.startswith(BASE):
            return safe_href(iri)
        from kjgraph.server.httputil import iri_to_uri

        rest = iri[len(BASE):]
        if rest.startswith("ontology") or rest.startswith("shapes"):
            path, _sep, fragment = rest.partition("#")
            target = f"{path}.html" if self.static else path
            return self.root + iri_to_uri(target + (f"#{fragment}" if fragment else ""))
        if self.static:
            return self.root + "doc/" + quote(rest) + ".html"
        return self.root + iri_to_uri(rest)

    def page(self, name: str) -> str:
        """A site page such as ``search`` or ``classes``."""
        if not name:
            return self.root + ("index.html" if self.static else "")
        return self.root + name + (".html" if self.static and "." not in name else "")


def render(template: str, site: Site, lang: str, **context: Any) -> str:
    """A page: ``template`` in ``lang`` (interface texts and labels), linking as ``site`` does."""
    from kjgraph.labels import check_language

    lang = check_language(lang)
    env = _ENVS.get(lang)
    if env is None:
        env = _ENVS[lang] = _environment(lang)

    def label(iri: str, labels: dict[str, list[tuple[str, str]]] | None = None) -> str:
        found = pick_label((labels or context.get("labels_map", {})).get(iri, []), lang)
        return found[0] if found else curie(iri)

    helpers: dict[str, Callable[..., Any] | Any] = {
        "site": site, "lang": lang, "languages": LANGUAGES, "language_names": LANGUAGE_NAMES,
        "link": site.link, "anchor": lambda iri, text, **a: anchor(site.link(iri), text, **a),
        "curie": curie, "label": label, "pick_label": pick_label,
        "script_json": script_json, "css": Markup(static_text("style.css")),
        "literal_kind": literal_kind, "XSD": XSD, "BASE": BASE, "KJO": BASE + "ontology#", "readable": readable,
        "cite": Citations(context.get("r", {}).get("sources") if isinstance(context.get("r"), dict) else None),
    }
    return env.get_template(template).render(**helpers, **context)


def readable(iri: str) -> str:
    """A name for a term without a label: its local name in words, never a raw IRI
    (``https://schema.org/GovernmentOrganization`` → ``Government Organization``)."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:] if words else curie(iri)


def class_list(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The classes of the browse page: ``{iri, count, group, label}``, grouped (the domain first:
    :func:`kjgraph.server.data.class_group`) and ordered by their label in ``lang`` — a label
    of the ontology, else the class's name in words, never a raw IRI."""
    from kjgraph.search import fold
    from kjgraph.server.data import class_group

    out = []
    for cls, count in summary["classes"]:
        found = pick_label(summary["graph_labels"].get(cls, []), lang)
        out.append({"iri": cls, "count": count, "group": class_group(cls),
                    "label": found[0] if found else readable(cls)})
    return sorted(out, key=lambda c: (fold(c["label"]), c["iri"]))


def literal_kind(datatype: str) -> str:
    """A short datatype name to show next to a literal (dates, numbers)."""
    if datatype.startswith(XSD):
        name = datatype[len(XSD):]
        return "" if name == "string" else name
    return "" if datatype.endswith("langString") else curie(datatype)


def ontology_page(site: Site, lang: str, ttl_href: str) -> str:
    """A plain HTML page of the ontology's terms, one ``id=LocalName`` anchor each (used when
    pyLODE cannot run, and by the static site)."""
    from rdflib import OWL, RDF, RDFS, Graph

    from kjgraph.resources import ontology_dir

    g = Graph().parse(ontology_dir() / "kjgraph.ttl")
    ns = BASE + "ontology#"
    kinds = (("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
             ("Datatype properties", OWL.DatatypeProperty), ("Individuals", OWL.NamedIndividual))
    groups = []
    for title, cls in kinds:
        terms = []
        for s in sorted({s for s in g.subjects(RDF.type, cls) if str(s).startswith(ns)}, key=str):
            terms.append({
                "iri": str(s), "name": str(s)[len(ns):],
                "labels": sorted((str(o), getattr(o, "language", None) or "") for o in g.objects(s, RDFS.label)),
                "comments": [str(o) for o in g.objects(s, RDFS.comment)],
                "links": [(curie(str(p)), str(o)) for p in (RDFS.subClassOf, RDFS.subPropertyOf,
                                                             RDFS.domain, RDFS.range)
                          for o in g.objects(s, p) if not isinstance(o, type(None)) and "://" in str(o)],
            })
        if terms:
            groups.append((title, terms))
    return render("ontology.html", site, lang, groups=groups, ttl_href=ttl_href)


def example_value(param: Any) -> str | None:
    """An example value for a library query's parameter: the one its documentation gives
    (``e.g. place/nara``), else its first choice, else by type (a date: today)."""
    from datetime import date

    match = re.search(r"e\.g\.\s+([^\s,;]+)", param.doc)
    if match:
        return match.group(1)
    if param.choices:
        return str(param.choices[0])
    return {"date": date.today().isoformat(), "string": "Nara", "integer": "1", "lang": "en"}.get(param.type)


def example_query(query: Any) -> dict[str, Any]:
    """A library query for the query page: its text with every required parameter bound to an
    example value (a ``VALUES`` line the reader edits), and which values were filled in."""
    filled = {p.name: value for p in query.parameters if p.required and (value := example_value(p)) is not None}
    text = query.bound_text(filled) if filled else query.text
    return {"name": query.name, "title": query.title, "text": text,
            "filled": [f"{name} = {value}" for name, value in filled.items()]}


def query_messages(lang: str) -> dict[str, str]:
    """The query page script's texts in ``lang``."""
    from kjgraph.i18n import N_, gettext

    ids = [N_("running…"), N_("{n} row(s)"), N_("yes"), N_("no"), N_("No SPARQL endpoint configured."),
           N_("Example values filled in (edit them in the VALUES line): {values}")]
    return {m: gettext(m, lang) for m in ids}
