"""Content negotiation for static hosts: the server's 303 choices as ordered regular expressions.

``kjgraph serve`` answers a resource IRI (``/id/…``, ``/graph/…``) with *303 See Other* to the
document for the client's ``Accept`` header (RFC 9110 §12.5.1, Werkzeug's parser): HTML when
the client ranks HTML above every RDF format (RDF wins ties), else the best RDF format, else
406. Apache's mod_rewrite and nginx cannot parse quality values, but both match PCRE regular
expressions, lookaheads included. :func:`rules` turns the server's choice into an ordered list
of ``(pattern, outcome)``: the first pattern that matches the header (case-insensitively) gives
the outcome. The order is the server's: higher quality first; at equal quality, a media type
the client named before a ``type/*`` range before ``*/*``; at equal quality and specificity,
the server's order of offers. A media type the client names with ``q=0`` is excluded, and a
wildcard never applies to a type the client names itself.

Quality values are compared to one decimal place (``0.95`` counts as ``0.9``; the HTTP
standard allows three): the static rules agree with the server for every header whose
q-values have one decimal — what browsers, curl, rdflib and SPARQLWrapper send — and the tests
compare the two on generated headers. :func:`htaccess` and :func:`nginx_conf` write the rules
for Apache and nginx.

>>> decide("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
'html'
>>> decide("text/turtle;q=0.5, application/ld+json"), decide("image/png"), decide(None)
('jsonld', None, 'ttl')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: What a static site offers for a resource IRI, in the server's order, and the file each names.
STAGE1 = [("text/turtle", "rdf"), ("application/n-triples", "rdf"), ("application/ld+json", "rdf"),
          ("application/rdf+xml", "rdf"), ("text/html", "html"), ("application/xhtml+xml", "html")]
STAGE2 = [("text/turtle", "ttl"), ("application/n-triples", "nt"), ("application/ld+json", "jsonld"),
          ("application/rdf+xml", "rdf"), ("application/x-turtle", "ttl"), ("application/turtle", "ttl"),
          ("text/plain", "nt"), ("application/json", "jsonld"), ("application/xml", "rdf"), ("text/xml", "rdf")]
ONTOLOGY_STAGE2 = [("text/turtle", "ttl")]
LEVELS = ["1", "9", "8", "7", "6", "5", "4", "3", "2", "1x", "0x"]  # q=1, 0.9 … 0.1, 0.01–0.09

_START = r"(?:^|,)\s*"


def _q(level: str) -> str:
    """A regular expression for a q-value at one of :data:`LEVELS` (to one decimal place)."""
    if level == "1":
        return r"1(?:\.0{0,3})?"
    if level == "1x":
        return r"0\.1\d{0,2}"
    if level == "0x":
        return r"0\.0(?:[1-9]\d?|0[1-9])"
    return rf"0\.{level}\d{{0,2}}"


def _range(media: str) -> str:
    return re.escape(media).replace("/", r"\s*/\s*") if media != "*/*" else r"\*\s*/\s*\*"


#: A well-formed q-value (RFC 9110 §12.4.2); an entry with another is ignored, as the server does.
_VALID_Q = r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)"
_OTHER = r"(?:\s*;(?!\s*q\s*=)[^,;]*)*"  # media-type parameters other than q


_SOME = r"(?:\s*;(?!\s*q\s*=)[^,;]*)"  # one media-type parameter other than q


def _element(media: str, q: str | None, params: str = "any") -> str:
    """One entry of the header naming ``media``; ``q``: a pattern its q-value must match (None: no
    q-value or any well-formed one). Parameters other than q make an entry for a media type match
    nothing (the server compares parameters), but not one for a wildcard (the server ignores them,
    though it ranks a wildcard with parameters as more specific): ``params`` is ``any``, ``some``
    (at least one) or ``none``."""
    value = rf"(?:\s*;\s*q\s*=\s*{_VALID_Q})?" if q is None else (
        rf"(?:\s*;\s*q\s*=\s*{q})?" if q == _q("1") else rf"\s*;\s*q\s*=\s*{q}")
    if "*" not in media or params == "none":
        return rf"{_START}{_range(media)}{value}\s*(?:,|$)"
    if params == "some":  # a parameter before or after the q-value
        return (rf"{_START}{_range(media)}(?:{_SOME}+{_OTHER}{value}{_OTHER}|{_OTHER}{value}{_SOME}+)"
                rf"\s*(?:,|$)")
    return rf"{_START}{_range(media)}{_OTHER}{value}{_OTHER}\s*(?:,|$)"


def _at(media: str, level: str, params: str = "any") -> str:
    """A lookahead: the client names ``media`` with q at ``level``."""
    return rf"(?=.*{_element(media, _q(level), params)})"


def _named(media: str) -> str:
    """A negative lookahead: the client does not name ``media`` (with or without a q-value)."""
    return rf"(?!.*{_element(media, None)})"


def rules(offers: Sequence[tuple[str, str]], *, empty: str | None) -> list[tuple[str, str]]:
    """``(pattern, outcome)`` in the order to try them (see the module's docstring); ``empty`` is
    the outcome for a missing or blank header (the server treats it as ``*/*``)."""
    out: list[tuple[str, str]] = []
    if empty is not None:
        out.append((r"^\s*$", empty))
    for level in LEVELS:
        for media, outcome in offers:  # named by the client
            out.append((f"^{_at(media, level)}", outcome))
        for params in ("some", "none"):  # type/* (with parameters it is the more specific)
            for media, outcome in offers:
                major = media.split("/")[0] + "/*"
                out.append((f"^{_named(media)}{_at(major, level, params)}", outcome))
        for params in ("some", "none"):  # */*
            for media, outcome in offers:
                major = media.split("/")[0] + "/*"
                out.append((f"^{_named(media)}{_named(major)}{_at('*/*', level, params)}", outcome))
    return out


def first(patterns: Sequence[tuple[str, str]], header: str | None) -> str | None:
    """The outcome of the first pattern matching ``header`` (as the web servers apply them)."""
    text = header or ""
    for pattern, outcome in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return outcome
    return None


RESOURCE_STAGE1 = rules(STAGE1, empty="rdf")
RESOURCE_STAGE2 = rules(STAGE2, empty="ttl")
ONTOLOGY_RULES = rules(ONTOLOGY_STAGE2, empty="ttl")


def decide(header: str | None, *, ontology: bool = False) -> str | None:
    """The document the static rules choose: ``html``, ``ttl``, ``nt``, ``jsonld``, ``rdf``, or
    None (406) — the same as :func:`server_choice` for headers with one-decimal q-values."""
    if first(RESOURCE_STAGE1, header) == "html":
        return "html"
    return first(ONTOLOGY_RULES if ontology else RESOURCE_STAGE2, header)


def server_choice(header: str | None, *, ontology: bool = False) -> str | None:
    """What ``kjgraph serve`` chooses for ``header`` (its own functions), in the same terms."""
    from kjgraph.server import sparql
    from kjgraph.server.app import EXT_OF, _prefers_html

    if _prefers_html(header):
        return "html"
    if ontology:
        return "ttl" if sparql.best_type(header, ["text/turtle"]) else None
    fmt = sparql.negotiate(header, "graph")
    return EXT_OF[fmt] if fmt else None


# ---------------------------------------------------------------- Apache


def _apache_pattern(pattern: str) -> str:
    """A pattern as a RewriteCond argument: spaces written ``\\s`` (the argument ends at a space)."""
    return pattern.replace(" ", r"\x20")


def htaccess(*, base_path: str | None = None) -> str:
    """The ``.htaccess`` of a static site (Apache 2.4, mod_rewrite; mod_headers for Vary and CORS).

    ``base_path``: the site's URL path (from ``--base-url``) for ``RewriteBase``; without it the
    rules find the site's path from the request, so the site works under any sub-path. Unknown
    IRIs answer 404 (the document must exist before anything redirects).
    """
    lines = [
        "# Content negotiation for kjgraph's IRIs, as `kjgraph serve` does it (Apache 2.4, mod_rewrite):",
        "# /id/… and /graph/… answer 303 See Other with the document for the client's Accept header",
        "# (quality values to one decimal, wildcards, case-insensitive), or 406; unknown IRIs 404.",
        "# Generated by `kjgraph publish` (kjgraph.server.redirects); edit that, not this file.",
        "Options -MultiViews",
        "AddType text/turtle .ttl",
        "AddType application/ld+json .jsonld",
        "AddType application/n-triples .nt",
        "AddType application/rdf+xml .rdf",
        "AddType application/n-quads .nq",
        "AddType application/trig .trig",
        "AddDefaultCharset utf-8",
        "AddCharset utf-8 .html .ttl .nt .jsonld .rdf .nq .trig .svg",
        '<Files "void">',
        "  ForceType text/turtle",
        "</Files>",
        "<IfModule mod_headers.c>",
        '  Header always set Access-Control-Allow-Origin "*"',
        '  Header always set Access-Control-Expose-Headers "Location, Vary, Content-Type"',
        "  Header always merge Vary Accept env=KJNEG",
        "</IfModule>",
        "RewriteEngine on",
    ]
    if base_path:
        lines.append(f"RewriteBase {base_path if base_path.endswith('/') else base_path + '/'}")
    lines += [
        "# KJBASE: the site's URL path, wherever it is deployed",
        r"RewriteCond %{REQUEST_URI}::$1 ^(.*?/)(.*)::\2$",
        "RewriteRule ^(.*)$ - [E=KJBASE:%1]",
        "",
        "# the answers to negotiated paths vary with Accept",
        "RewriteRule ^((?:id|graph)/.+|ontology)$ - [E=KJNEG:1]",
        "# resources: 404 unless their HTML document exists (the site's directory is found from the request)",
        r"RewriteCond $1::%{REQUEST_FILENAME}%{PATH_INFO} ^(.*)::(.*)\1$",
        "RewriteCond %2doc/$1.html !-f",
        "RewriteRule ^((?:id|graph)/.+)$ - [R=404,L]",
    ]

    negotiated = "^((?:id|graph)/.+|ontology)$"
    lines.append("# stage 1, for resources and the ontology: HTML if the client ranks it above every RDF format")
    for pattern, outcome in RESOURCE_STAGE1:
        lines += ["RewriteCond %{ENV:KJSTAGE} ^$", f"RewriteCond %{{HTTP_ACCEPT}} {_apache_pattern(pattern)} [NC]",
                  f"RewriteRule {negotiated} - [E=KJSTAGE:{outcome}]"]
    lines += ["RewriteCond %{ENV:KJSTAGE} =html",
              "RewriteRule ^((?:id|graph)/.+)$ %{ENV:KJBASE}doc/$1.html [R=303,L]",
              "RewriteCond %{ENV:KJSTAGE} =html",
              "RewriteRule ^ontology$ %{ENV:KJBASE}ontology.html [R=303,L]",
              "# stage 2: the best RDF format, else 406"]
    for path, patterns, target in (("^((?:id|graph)/.+)$", RESOURCE_STAGE2, "doc/$1"),
                                   ("^ontology$", ONTOLOGY_RULES, "ontology")):
        for pattern, outcome in patterns:
            lines += [f"RewriteCond %{{HTTP_ACCEPT}} {_apache_pattern(pattern)} [NC]",
                      f"RewriteRule {path} %{{ENV:KJBASE}}{target}.{outcome} [R=303,L]"]
        lines.append(f"RewriteRule {path} - [R=406,L]")
    lines += ["RewriteRule ^shapes$ %{ENV:KJBASE}shapes.ttl [R=303,L]",
              "RewriteRule ^dataset$ %{ENV:KJBASE}.well-known/void [R=303,L]", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- nginx


def nginx_conf(*, root: str, location: str = "/", listen: str = "127.0.0.1:8080") -> str:
    """An nginx ``server`` block serving a static site from ``root`` at URL path ``location``,
    with the same negotiation (``map`` of PCRE patterns; first match wins), 404 for unknown
    IRIs, ``Vary: Accept`` and CORS headers. The two ``map`` blocks belong in ``http { }``."""
    loc = location if location.endswith("/") else location + "/"

    def mapping(name: str, patterns: list[tuple[str, str]]) -> list[str]:
        out = [f"map $http_accept {name} {{", '    default "";']
        for pattern, outcome in patterns:
            out.append(f'    "~*{pattern}" {outcome};')
        out.append("}")
        return out

    maps = (mapping("$kjgraph_stage1", RESOURCE_STAGE1) + mapping("$kjgraph_stage2", RESOURCE_STAGE2)
            + mapping("$kjgraph_ontology", ONTOLOGY_RULES))
    types = "\n".join(f"        {media} {ext};" for media, ext in (
        ("text/html", "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"), ("application/rdf+xml", "rdf"), ("application/n-quads", "nq"),
        ("application/trig", "trig"), ("application/gzip", "gz"), ("text/css", "css"),
        ("application/javascript", "js"), ("image/svg+xml", "svg"), ("application/json", "json")))
    server = f"""server {{
    listen {listen};
    root {root};
    charset utf-8;
    charset_types text/html text/turtle application/n-triples application/ld+json application/rdf+xml
                  application/n-quads application/trig image/svg+xml application/json;
    types {{
{types}
    }}
    default_type application/octet-stream;
    add_header Access-Control-Allow-Origin "*" always;
    add_header Access-Control-Expose-Headers "Location, Vary, Content-Type" always;

    # resources: 404 unless the document exists, else 303 to the negotiated document, else 406
    location ~ ^{re.escape(loc)}((?:id|graph)/.+)$ {{
        set $kjgraph_path $1;
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin "*" always;
        if (!-f $document_root{loc}doc/$kjgraph_path.html) {{ return 404; }}
        # no Accept header (nginx's map sees no value): anything, so the first RDF format
        if ($http_accept = "") {{ return 303 {loc}doc/$kjgraph_path.ttl$is_args$args; }}
        if ($kjgraph_stage1 = html) {{ return 303 {loc}doc/$kjgraph_path.html$is_args$args; }}
        if ($kjgraph_stage2 != "") {{ return 303 {loc}doc/$kjgraph_path.$kjgraph_stage2$is_args$args; }}
        return 406;
    }}
    location = {loc}ontology {{
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin "*" always;
        if ($http_accept = "") {{ return 303 {loc}ontology.ttl; }}
        if ($kjgraph_stage1 = html) {{ return 303 {loc}ontology.html; }}
        if ($kjgraph_ontology != "") {{ return 303 {loc}ontology.$kjgraph_ontology; }}
        return 406;
    }}
    location = {loc}shapes {{ return 303 {loc}shapes.ttl; }}
    location = {loc}dataset {{ return 303 {loc}.well-known/void; }}
    location = {loc}.well-known/void {{ default_type text/turtle; }}
    location {loc} {{ index index.html; try_files $uri $uri/ =404; }}
}}
"""
    return "\n".join(maps) + "\n\n" + server
